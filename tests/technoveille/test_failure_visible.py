"""A source that could not be collected at all is visible: `crawl` and `update` exit 1, the
summary names the source and why, crawl_runs says status 'failed' with a French reason
(read by the alerts' health check); the snapshot published over a good one keeps its
documents."""
import socket
import sqlite3

import pytest

from tests.conftest import dict_rows, run_cli


def closed_port_url() -> str:
    """A loopback address where nothing listens (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def unreachable(env, base):
    """Every source's base URL on a closed port (same paths as the replay's)."""
    replay = env["BOAMP_API_URL"].split("/api/")[0]
    out = dict(env, TECHNOVEILLE_RETRY_TIMES="1", TECHNOVEILLE_RETRY_BACKOFF="0",
               PISTE_CLIENT_ID="demo", PISTE_CLIENT_SECRET="secret")
    for name in ("BOAMP_API_URL", "JORF_DUMPS_URL", "COUNCILS_REPLAY_URL", "PISTE_OAUTH_URL",
                 "PISTE_API_URL"):
        out[name] = env[name].replace(replay, base)
    return out


@pytest.fixture
def dead_env(tv_env):
    return unreachable(tv_env, closed_port_url())


def test_every_unreachable_source_fails_the_crawl_and_is_named(dead_env):
    proc = run_cli(["crawl", "boamp", "jorf", "council", "legifrance",
                    "--since", "2026-11-02", "--until", "2026-11-03"], dead_env, check=False)
    assert proc.returncode == 1
    assert "Bilan de la collecte :" in proc.stdout
    for name in ("boamp", "jorf", "council", "legifrance"):
        assert f"  {name}" in proc.stdout and f"{name} (aucune réponse du serveur" in proc.stderr
    assert "4 sources n'ont pas pu être collectées" in proc.stderr
    runs = dict_rows(dead_env["TECHNOVEILLE_DB"], "select * from crawl_runs order by id")
    assert [r["source"] for r in runs] == ["boamp", "jorf", "council", "legifrance"]
    for run in runs:
        assert run["status"] == "failed"
        assert run["responses"] == 0 and run["requests"] > 0 and run["errors"] > 0
        assert run["failure"].startswith("aucune réponse du serveur : ")
        assert "download-error ×" in run["failure"]
        assert f"({run['requests']} requêtes, {run['errors']} erreur" in run["failure"]
    assert dict_rows(dead_env["TECHNOVEILLE_DB"], "select count(*) as n from documents")[0]["n"] == 0


def test_a_healthy_crawl_is_ok_and_exits_0(tv_env):
    proc = run_cli(["crawl", "jorf", "--since", "2026-11-01"], tv_env)
    assert "jorf : 7 documents (7 nouveaux, 0 modifiés, 0 inchangés), 0 erreurs" in proc.stdout
    run = dict_rows(tv_env["TECHNOVEILLE_DB"], "select * from crawl_runs")[0]
    assert (run["status"], run["failure"]) == ("ok", None)


def test_one_dead_source_among_good_ones_still_exits_1(tv_env):
    env = dict(tv_env, JORF_DUMPS_URL=closed_port_url() + "/OPENDATA/JORFSIMPLE/",
               TECHNOVEILLE_RETRY_TIMES="1", TECHNOVEILLE_RETRY_BACKOFF="0")
    proc = run_cli(["crawl", "boamp", "jorf", "--since", "2026-11-02", "--until", "2026-11-02"],
                   env, check=False)
    assert proc.returncode == 1
    assert "boamp : 20 documents" in proc.stdout.replace("boamp  ", "boamp")
    assert "jorf  : ÉCHEC — aucune réponse du serveur" in proc.stdout
    assert "1 source n'a pas pu être collectée : jorf" in proc.stderr
    status = {r["source"]: r["status"] for r in dict_rows(env["TECHNOVEILLE_DB"],
                                                           "select * from crawl_runs")}
    assert status == {"boamp": "ok", "jorf": "failed"}


def test_answers_that_are_all_http_errors_fail_the_source(tv_env):
    # the replay answers 404 under an unknown dataset path: responses, none usable
    env = dict(tv_env, BOAMP_API_URL=tv_env["BOAMP_API_URL"].replace("/boamp", "/nope"))
    proc = run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-02"], env,
                   check=False)
    assert proc.returncode == 1
    run = dict_rows(env["TECHNOVEILLE_DB"], "select * from crawl_runs")[0]
    assert run["status"] == "failed" and run["responses"] > 0
    assert run["failure"].startswith("aucune réponse exploitable : HTTP 404 ×")


def test_a_spider_that_cannot_start_is_a_failed_run(tv_env):
    proc = run_cli(["crawl", "council", "-a", "city=atlantis"], tv_env, check=False)
    assert proc.returncode == 1
    assert "council : ÉCHEC — la collecte n'a pas démarré" in proc.stdout
    run = dict_rows(tv_env["TECHNOVEILLE_DB"], "select * from crawl_runs")[0]
    assert run["status"] == "failed" and "atlantis" in run["failure"]


def test_update_with_every_source_unreachable_exits_1_and_keeps_the_snapshot(tv_env):
    env = dict(tv_env, TECHNOVEILLE_SOURCES="jorf")
    run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
    run_cli(["publish"], env)
    public = env["TECHNOVEILLE_PUBLIC_DB"]
    before = dict_rows(public, "select id, content_hash from documents order by id")
    assert len(before) == 7
    dead = unreachable(dict(env, TECHNOVEILLE_SOURCES=""), closed_port_url())
    proc = run_cli(["update"], dead, check=False)
    assert proc.returncode == 1
    for name in ("boamp", "jorf", "council"):
        assert f"{name} (aucune réponse du serveur" in proc.stderr
    assert "instantané publié quand même" in proc.stderr
    # published: the same documents, and the failure on record for the site
    assert dict_rows(public, "select id, content_hash from documents order by id") == before
    runs = dict_rows(public, "select source, status from crawl_runs order by id")
    assert runs == [{"source": "jorf", "status": "ok"}, {"source": "boamp", "status": "failed"},
                    {"source": "jorf", "status": "failed"},
                    {"source": "council", "status": "failed"}]
    assert sqlite3.connect(public).execute("pragma integrity_check").fetchone()[0] == "ok"


def test_update_with_an_unreachable_source_tells_the_operator_once(tv_env, tmp_path):
    """The same fact reaches the operator channel (alerts health, run by update): one notice
    naming the source, not one per run while it stays broken."""
    from technoveille.core import sources
    from tests.alerts.webhook import Receiver

    operator = Receiver()
    try:
        env = dict(tv_env, TECHNOVEILLE_SOURCES="jorf",
                   TECHNOVEILLE_PRIVATE_DB=str(tmp_path / "private.db"),
                   ALERTS_MAILDIR=str(tmp_path / "mail"),
                   ALERTS_OPERATOR_URL=operator.url("operateur"),
                   JORF_DUMPS_URL=closed_port_url() + "/OPENDATA/JORFSIMPLE/",
                   TECHNOVEILLE_RETRY_TIMES="1", TECHNOVEILLE_RETRY_BACKOFF="0")
        env.pop("SMTP_URL", None)
        proc = run_cli(["update"], env, check=False)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "1 source n'a pas pu être collectée : jorf" in proc.stderr
        assert [b["_path"] for b in operator.bodies] == ["/operateur"]
        notice = operator.bodies[0]
        assert notice["title"] == f"technoveille : la source {sources.label('jorf')} ne répond plus"
        assert "aucune réponse du serveur" in notice["message"]
        incidents = dict_rows(env["TECHNOVEILLE_PRIVATE_DB"], "select * from incidents")
        assert [(i["source"], i["notified_open"], i["closed_at"]) for i in incidents] == [
            ("jorf", 1, None)]
        # still broken at the next run: exit 1 again, no second notice
        assert run_cli(["update"], env, check=False).returncode == 1
        assert len(operator.bodies) == 1
    finally:
        operator.close()
