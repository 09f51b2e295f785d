"""The optional Légifrance API route (`technoveille crawl legifrance`, subprocess) against the
fake PISTE of the replay server: token, lastNJo → jorfCont → jorf, de-duplication with the
archive route, token renewal, and API errors as rows."""
from __future__ import annotations

import json
import urllib.request

import pytest

from tests.conftest import run_cli
from tests.conftest import dict_rows as rows



def stats(base):
    with urllib.request.urlopen(f"{base}/piste/_stats") as resp:
        return json.loads(resp.read())


def delta(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0)
            != before.get(k, 0)}


@pytest.fixture
def api_env(tv_env):
    return dict(tv_env, PISTE_CLIENT_ID="demo", PISTE_CLIENT_SECRET="secret",
                PISTE_DOWNLOAD_DELAY="0", TECHNOVEILLE_RETRY_TIMES="1",
                TECHNOVEILLE_RETRY_BACKOFF_MAX="0.1")


def crawl(env, replay_server, *args, check=True):
    before = stats(replay_server)
    proc = run_cli(["crawl", "legifrance", *args], env, check=check)
    return proc, delta(before, stats(replay_server))


def test_without_credentials_it_says_so_and_exits_cleanly(tv_env, replay_server):
    env = {k: v for k, v in tv_env.items() if k not in ("PISTE_CLIENT_ID",
                                                         "PISTE_CLIENT_SECRET")}
    proc, calls = crawl(env, replay_server)
    assert "PISTE_CLIENT_ID et PISTE_CLIENT_SECRET ne sont pas définis" in proc.stderr
    assert calls == {}
    assert rows(env["TECHNOVEILLE_DB"], "select * from documents") == []


def test_api_route_stores_the_texts_and_a_second_run_calls_nothing(api_env, replay_server):
    db = api_env["TECHNOVEILLE_DB"]
    proc, calls = crawl(api_env, replay_server)
    assert calls == {"token": 1, "lastNJo": 1, "jorfCont": 2, "jorf": 6}
    docs = {r["source_id"]: r for r in rows(db, "select * from documents")}
    assert set(docs) == {"JORFTEXT000056003010", "JORFTEXT000056003024",
                         "JORFTEXT000056003040", "JORFTEXT000056003041",
                         "JORFTEXT000056011012", "JORFTEXT000056011030"}
    drone = docs["JORFTEXT000056003010"]
    assert drone["source"] == "jorf" and drone["doc_type"] == "décret"
    assert drone["url"] == "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000056003010"
    assert [p["label"] for p in json.loads(drone["parts"])] == [
        "Article 1", "Article 2", "Article 3", "Article 4"]
    extra = json.loads(drone["extra"])
    assert (extra["jo_number"], extra["jo_date"], extra["nor"], extra["num"]) == (
        "0256", "2026-11-03", "IOMD2630112D", "2026-1012")
    assert extra["rubric"].endswith("Textes généraux > Ministère de l'intérieur")
    hits = rows(db, "select field, part_label, term from hits where document_id = ? "
                    "and theme = 'drones'", ["jorf:JORFTEXT000056003010"])
    # the aircraft cameras are in article 2; the title and the preamble cite L. 242-5 CSI
    assert ("part", "Article 2", "caméra installée sur un aéronef") in {
        (h["field"], h["part_label"], h["term"]) for h in hits}
    assert {h["part_label"] for h in hits if h["field"] == "part"} == {"Article 2"}
    face = rows(db, "select part_label, negated from hits where document_id = ? and theme = "
                    "'biometrie'", ["jorf:JORFTEXT000056011012"])
    assert face == [{"part_label": "Article 3", "negated": 1}]
    # second run: the JOs are known with the same refInjection: no jorfCont, no jorf
    _, calls = crawl(api_env, replay_server)
    assert calls == {"token": 1, "lastNJo": 1}


def test_deduplicates_with_the_archive_route(api_env, replay_server):
    db = api_env["TECHNOVEILLE_DB"]
    run_cli(["crawl", "jorf", "--since", "2026-11-01"], api_env)
    before = rows(db, "select id, content_hash from documents order by id")
    _, calls = crawl(api_env, replay_server)
    assert calls.get("jorf", 0) == 0  # every text already came from the archives
    assert calls["jorfCont"] == 2
    assert rows(db, "select id, content_hash from documents order by id") == before


def test_token_renewed_on_401_and_replayed(api_env, replay_server):
    env = dict(api_env, PISTE_CLIENT_ID="revoke-once")
    _, calls = crawl(env, replay_server)
    assert calls["401"] >= 1 and calls["token"] >= 2
    assert calls["jorf"] == 6
    assert len(rows(env["TECHNOVEILLE_DB"], "select id from documents")) == 6
    assert rows(env["TECHNOVEILLE_DB"], "select * from crawl_errors") == []


def test_token_renewed_before_expiry(api_env, replay_server):
    env = dict(api_env, PISTE_CLIENT_ID="short-lived")  # 30 s tokens, 60 s safety margin
    _, calls = crawl(env, replay_server)
    assert "401" not in calls
    # one token per stage (calls made while a token is on its way wait for it), where a
    # one-hour token serves the whole run
    assert calls["token"] >= 3
    assert calls["jorf"] == 6
    assert len(rows(env["TECHNOVEILLE_DB"], "select id from documents")) == 6


@pytest.mark.parametrize("client, reason, count", [
    ("fail-401", "http-401", 1),
    ("fail-429", "http-429", 6),
    ("fail-500", "http-500", 2),
    ("bad-secret", "piste-token-http-400", 1),
])
def test_api_errors_become_rows(api_env, replay_server, client, reason, count):
    env = dict(api_env, PISTE_CLIENT_ID=client)
    proc, _ = crawl(env, replay_server, check=False)
    # a refused token or a refused first call: nothing collected, the run failed and says so
    # (429 / 500 fall on later calls, after a usable lastNJo answer: the run is 'ok' with rows)
    failed = client in ("bad-secret", "fail-401")
    assert proc.returncode == (1 if failed else 0)
    assert ("legifrance : ÉCHEC — aucune réponse exploitable : HTTP" in proc.stdout) == failed
    assert rows(env["TECHNOVEILLE_DB"], "select status from crawl_runs") == [
        {"status": "failed" if failed else "ok"}]
    errors = rows(env["TECHNOVEILLE_DB"], "select * from crawl_errors")
    assert [e["reason"] for e in errors] == [reason] * count
    assert all(e["source"] == "jorf" for e in errors)
    assert proc.stderr.count("crawl error [jorf]") >= count
    assert rows(env["TECHNOVEILLE_DB"], "select * from documents") == []
    # nothing remembered: the next run tries again
    assert rows(env["TECHNOVEILLE_DB"], "select * from state where key like 'legifrance:%'") \
        == []
