"""robots.txt is obeyed for city websites: a disallowed listing is not fetched and the refusal
is an error row a campaigner can read, while the allowed city of the same registry is crawled."""
import sqlite3

from tests.conftest import run_cli

from .council_registries import rochebrune


def test_disallowed_city_page_is_not_fetched_and_is_reported(tv_env, replay_server, tmp_path):
    registry = tmp_path / "registry.yml"
    registry.write_text(f"""
councils:
  - id: interdit
    name: Ville interdite
    insee: "99009"
    kind: site
    url: {replay_server}/councils/interdit/conseil-municipal.html
""" + rochebrune(replay_server), encoding="utf-8")
    env = dict(tv_env, COUNCILS_FILE=str(registry))
    run_cli(["crawl", "council"], env)
    conn = sqlite3.connect(env["TECHNOVEILLE_DB"])
    errors = conn.execute("select reason, url from crawl_errors where url like '%interdit%'").fetchall()
    assert [e[0] for e in errors] == ["robots-forbidden"]
    assert conn.execute("select count(*) from documents where source_id like 'interdit%'").fetchone()[0] == 0
    assert conn.execute("select count(*) from documents where source_id like 'rochebrune%'").fetchone()[0] == 2
