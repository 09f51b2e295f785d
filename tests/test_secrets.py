"""Secrets never leak: a Légifrance crawl (PISTE client secret), an alerts send through an
SMTP server that demands a login (SMTP password) and to Apprise webhooks whose URLs carry a
password and a token (subscribers' channel, operators' channel), the health check of a broken
source, a publish and the public site — then every output is searched for each secret (raw,
percent-encoded, base64 as in an Authorization header): the commands' stdout / stderr at DEBUG
level, every SQLite database (working, public snapshot, private; crawl_errors included), the
raw archive, the mails and webhook posts received, the site's pages and JSON. The one place a
webhook URL is kept is channels.url of the private database (it is needed to post; the file is
readable by its owner only); every other column shows it masked."""
from __future__ import annotations

import base64
import gzip
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.alerts.conftest import alerts_env, backdate, private_rows
from tests.alerts.smtp import tls_login_sink
from tests.alerts.webhook import Receiver
from tests.conftest import run_cli

PISTE_SECRET = "piste-Secret-7f3a9c1e"
SMTP_USER, SMTP_PASSWORD = "veille", "smtp-Passw0rd-b41e"
HOOK_PASSWORD = "apprise-Pass-c0ffee42"
HOOK_TOKEN = "apprise-Token-d15ea5e9"
OPERATOR_TOKEN = "apprise-Operator-5ca1ab1e"
SECRETS = (PISTE_SECRET, SMTP_PASSWORD, HOOK_PASSWORD, HOOK_TOKEN, OPERATOR_TOKEN)


def forms(secret: str) -> list[str]:
    return [secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode(),
            base64.b64encode(f"{SMTP_USER}:{secret}".encode()).decode(),
            base64.b64encode(f"bot:{secret}".encode()).decode()]


def database_text(path: Path) -> str:
    """Every value of every table — but the one column that must hold a webhook's URL to post
    to it: channels.url of the private database (owner-readable only, checked below)."""
    con = sqlite3.connect(path)
    try:
        out = []
        for (table,) in con.execute("select name from sqlite_master where type = 'table'"):
            cur = con.execute(f'select * from "{table}"')
            cols = [c[0] for c in cur.description]
            for row in cur:
                out += [f"{table}.{c}={v}" for c, v in zip(cols, row)
                        if (table, c) != ("channels", "url")]
        return "\n".join(out)
    finally:
        con.close()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, replay_server):
    tmp = tmp_path_factory.mktemp("secrets")
    sink = tls_login_sink(tmp, SMTP_USER, SMTP_PASSWORD)
    hook = Receiver()
    texts: dict[str, str] = {}
    try:
        env = alerts_env(tmp, replay_server)
        env.update(SSL_CERT_FILE=str(sink.cert), TECHNOVEILLE_LOG_LEVEL="DEBUG",
                   TECHNOVEILLE_SOURCES="legifrance",
                   SMTP_URL=f"smtp://{SMTP_USER}:{quote(SMTP_PASSWORD, safe='')}"
                            f"@127.0.0.1:{sink.port}?starttls=required",
                   PISTE_CLIENT_ID="demo", PISTE_CLIENT_SECRET=PISTE_SECRET,
                   PISTE_DOWNLOAD_DELAY="0")
        env.pop("ALERTS_MAILDIR")

        def cli(name, args, **extra):
            proc = run_cli(args, dict(env, **extra), check=False)
            texts[f"{name}: stdout"], texts[f"{name}: stderr"] = proc.stdout, proc.stderr
            return proc

        assert cli("crawl", ["crawl", "legifrance"]).returncode == 0, texts["crawl: stderr"]
        # error rows (an API call answering 500) and a failed run (the token refused)
        cli("crawl 500", ["crawl", "legifrance"], PISTE_CLIENT_ID="fail-500")
        cli("crawl refused", ["crawl", "legifrance"], PISTE_CLIENT_ID="bad-secret")
        cli("subscribe", ["alerts", "subscribe", "abonnee@example.org", "--frequency",
                          "immediate"])
        token = private_rows(env, "select id, confirm_token from subscriptions")[0]
        cli("confirm", ["alerts", "confirm", token["confirm_token"]])
        backdate(env, token["id"])
        hook_url = (f"json://bot:{HOOK_PASSWORD}@127.0.0.1:{hook.port}/canal"
                    f"?token={HOOK_TOKEN}")
        cli("channel", ["alerts", "channel", "add", hook_url])
        con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
        con.execute("update channels set since = '2000-01-01T00:00:00+00:00'")
        con.commit()
        con.close()
        cli("operator", ["alerts", "channel", "add", "--operator",
                         f"json://127.0.0.1:{hook.port}/operateur?token={OPERATOR_TOKEN}"])
        cli("send", ["alerts", "send"])
        cli("health", ["alerts", "health"])
        cli("list", ["alerts", "list"])
        cli("publish", ["publish"])
        for path in sorted(tmp.rglob("*")):
            if path.is_file() and path.suffix in (".db", ".db-wal"):
                if path.suffix == ".db":
                    texts[f"database {path.name}"] = database_text(path)
            elif path.is_file() and path.name.endswith(".gz"):
                texts[f"archive {path.name}"] = gzip.decompress(path.read_bytes()).decode(
                    "utf-8", "replace")
            elif path.is_file():
                texts[f"file {path.name}"] = path.read_bytes().decode("utf-8", "replace")
        for i, msg in enumerate(sink.messages):
            texts[f"mail {i}"] = msg.as_string()
        for i, body in enumerate(hook.bodies):
            texts[f"webhook {i}"] = repr(body)
        site = tmp / "site"   # the snapshot under the name the site serves it by
        site.mkdir()
        shutil.copy(env["TECHNOVEILLE_PUBLIC_DB"], site / "technoveille.db")
        return {"texts": texts, "env": env, "sink": sink, "hook": hook,
                "public": site / "technoveille.db"}
    finally:
        sink.stop()
        hook.close()


def test_the_secrets_were_used(outputs):
    """Otherwise the search below proves nothing: the crawl got documents with the PISTE
    secret, the SMTP server accepted the login, the webhooks were posted to."""
    env, texts = outputs["env"], outputs["texts"]
    docs = sqlite3.connect(env["TECHNOVEILLE_DB"]).execute(
        "select count(*) from documents").fetchone()[0]   # Légifrance's texts are stored as jorf
    assert docs == 6
    assert True in outputs["sink"].logins and len(outputs["sink"].messages) >= 2
    paths = [b["_path"] for b in outputs["hook"].bodies]
    assert paths.count("/canal") >= 1 and "/operateur" in paths, paths
    errors = sqlite3.connect(env["TECHNOVEILLE_DB"]).execute(
        "select count(*) from crawl_errors where reason = 'piste-token-http-400'").fetchone()[0]
    assert errors > 0
    assert any("DEBUG" in t for name, t in texts.items() if name.endswith("stderr"))


def test_the_channel_urls_live_in_one_column_of_the_owner_only_private_db(outputs):
    private = Path(outputs["env"]["TECHNOVEILLE_PRIVATE_DB"])
    assert private.stat().st_mode & 0o777 == 0o600
    con = sqlite3.connect(private)
    rows = con.execute("select url, shown from channels order by id").fetchall()
    con.close()
    assert HOOK_PASSWORD in rows[0][0] and HOOK_TOKEN in rows[0][0]
    assert rows[0][1].startswith("json://***@127.0.0.1") and rows[0][1].endswith("token=***")
    assert OPERATOR_TOKEN not in rows[1][1]


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_in_logs_databases_archive_or_messages(outputs, secret):
    for name, text in outputs["texts"].items():
        for form in forms(secret):
            assert form not in text, f"{secret!r} ({form!r}) in {name}"


async def test_no_secret_on_the_site(outputs):
    from tests.datasette.conftest import open_site

    site = await open_site(outputs["public"])
    seen = []
    for path in ("/", "/technoveille", "/technoveille/crawl_errors", "/technoveille/crawl_runs",
                 "/technoveille/crawl_errors.json?_shape=array&_size=max",
                 "/technoveille/crawl_runs.json?_shape=array",
                 "/technoveille.json?_shape=array&sql=" + quote(
                     "select name, sql from sqlite_master"),
                 "/-/settings.json", "/-/metadata.json", "/-/databases.json", "/a-propos"):
        r = await site.client.get(path)
        assert r.status_code == 200, path
        seen.append(path)
        for secret in SECRETS:
            for form in forms(secret):
                assert form not in r.text, (path, secret)
    assert "crawl_errors" in seen[2]
