"""The public site reaches nothing of the private database (subscribers, channels): not
through its pages, nor arbitrary SQL (ATTACH, pragma_database_list, pragma functions), nor
/-/databases.json, /-/metadata.json, nor a download — even with the private file lying next
to the published snapshot and its path known."""
from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest

from tests.conftest import run_cli

SECRET_ADDRESS = "abonnee-secrete@example.org"
SECRET_TOKEN = "jeton-tres-secret-123456"


@pytest.fixture(scope="module")
def site_files(demo_published, tmp_path_factory):
    """The published snapshot and, in the same folder, a private DB with a subscriber and a
    channel whose URL holds a token."""
    folder = tmp_path_factory.mktemp("private-next-to-public")
    public = folder / "technoveille.db"
    shutil.copy(demo_published["db"], public)
    private = folder / "private.db"
    env = dict(demo_published["env"], TECHNOVEILLE_PRIVATE_DB=str(private),
               ALERTS_MAILDIR=str(folder / "mail"))
    env.pop("SMTP_URL", None)
    run_cli(["alerts", "subscribe", SECRET_ADDRESS, "--theme", "drones"], env)
    run_cli(["alerts", "channel", "add", f"json://127.0.0.1:9/hook?token={SECRET_TOKEN}"], env)
    return public, private


@pytest.fixture
async def site(site_files):
    from tests.datasette.conftest import open_site

    return await open_site(site_files[0], settings={"sql_time_limit_ms": 1000})


def sql_url(sql: str) -> str:
    return "/technoveille.json?_shape=array&sql=" + quote(sql)


def leaks(text: str, private) -> bool:
    return any(s in text for s in (SECRET_ADDRESS, SECRET_TOKEN, "subscribers", str(private)))


async def test_attach_and_pragmas_reach_nothing(site, site_files):
    public, private = site_files
    attempts = [
        f"ATTACH DATABASE '{private}' AS p",
        f"select * from (select 1) ; ATTACH DATABASE '{private}' AS p",
        "select * from pragma_database_list",
        "select name from pragma_table_list",
        f"select * from subscribers",
        f"select email from p.subscribers",
        "select sqlite_version(), * from sqlite_master where name like '%subscri%'",
    ]
    for sql in attempts:
        r = await site.client.get(sql_url(sql))
        answer = r.json()
        rows = answer if isinstance(answer, list) else answer.get("rows", [])
        said = json.dumps(rows, ensure_ascii=False) + str(
            answer.get("error", "") if isinstance(answer, dict) else "")
        assert SECRET_ADDRESS not in said and SECRET_TOKEN not in said, (sql, said[:300])
        assert "private.db" not in json.dumps(rows), sql   # no path in any row
        if "pragma_database_list" in sql:
            assert [row["name"] for row in rows] == ["main"]
    r = await site.client.get(sql_url(f"ATTACH DATABASE '{private}' AS p"))
    assert r.status_code == 400 and "SELECT" in r.text  # Datasette runs read-only SELECTs only


async def test_introspection_and_downloads_reach_nothing(site, site_files):
    public, private = site_files
    for path in ("/-/databases.json", "/-/metadata.json", "/-/settings.json", "/-/plugins.json",
                 "/-/versions.json", "/-/config.json", "/-/threads.json", "/-/actor.json",
                 "/technoveille.db", "/private.db", "/private", "/private.json",
                 "/technoveille/subscribers", "/technoveille/subscribers.json"):
        r = await site.client.get(path)
        assert not leaks(r.text, private), path
    assert (await site.client.get("/technoveille.db")).status_code in (403, 404)
    dbs = (await site.client.get("/-/databases.json")).json()
    assert [d["name"] for d in dbs] == ["technoveille"]


async def test_the_snapshot_holds_no_private_table(site_files):
    import sqlite3

    public, _ = site_files
    con = sqlite3.connect(public)
    names = {r[0] for r in con.execute("select name from sqlite_master")}
    con.close()
    private_tables = {"subscribers", "subscriptions", "channels", "deliveries", "sends",
                      "incidents", "flag_snapshot"}
    assert not names & private_tables


async def test_a_runaway_query_is_stopped(site):
    r = await site.client.get(sql_url(
        "with recursive c(x) as (select 1 union all select x + 1 from c) select max(x) from c"))
    assert r.status_code == 400
    assert "took too long" in r.text.lower() or "interrupted" in r.text.lower()
