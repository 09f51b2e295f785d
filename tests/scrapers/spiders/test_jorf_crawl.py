"""Real `technoveille crawl jorf` runs (subprocess) against the replay server: the normal
JORFSIMPLE directory, then the directory of bad input."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.conftest import dict_rows as rows

DATA = Path(__file__).resolve().parents[3] / "scrapers" / "replay" / "data" / "jorf"


def expected_texts() -> dict[str, int]:
    """JORFTEXT id → number of <ARTICLE> in our corpus files (counted without the parser)."""
    out = {}
    for path in (DATA / "archives").glob("*/*/JORFTEXT*.xml"):
        out[path.stem] = path.read_text(encoding="utf-8").count("<ARTICLE>")
    return out



def snapshot(db: Path) -> dict:
    return {table: rows(db, f"select * from {table} order by 1")
            for table in ("documents", "hits", "links", "state", "crawl_errors")}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, replay_server):
    """One crawl of the normal directory, then a second identical run."""
    import os
    from scrapers.replay.server import demo_setup

    tmp = tmp_path_factory.mktemp("jorf")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JORF_", "PISTE_"))}
    env.update(demo_setup(replay_server)[0])
    env.update({"TECHNOVEILLE_DB": str(tmp / "tv.db"), "TECHNOVEILLE_ARCHIVE": str(tmp / "a"),
                "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
                "JORF_DUMPS_URL": f"{replay_server}/OPENDATA/JORFSIMPLE/"})
    first = run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
    before = snapshot(tmp / "tv.db")
    second = run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
    return {"db": tmp / "tv.db", "env": env, "first": first, "second": second,
            "before": before}


def test_every_text_of_every_archive_is_stored_with_its_articles(crawled):
    docs = {r["source_id"]: r for r in rows(crawled["db"], "select * from documents")}
    expected = expected_texts()
    assert len(expected) == 7
    assert set(docs) == set(expected)
    for text_id, n_articles in expected.items():
        doc = docs[text_id]
        assert doc["source"] == "jorf" and doc["id"] == f"jorf:{text_id}"
        assert doc["url"] == f"https://www.legifrance.gouv.fr/jorf/id/{text_id}"
        parts = json.loads(doc["parts"])
        assert len(parts) == n_articles, text_id
        assert all(p["text"] for p in parts)
        extra = json.loads(doc["extra"])
        assert re.fullmatch(r"\d{4}", extra["jo_number"]) and extra["jo_date"]
        assert doc["archive"] and doc["sha256"]  # raw tarball archived


def test_document_fields(crawled):
    doc = rows(crawled["db"], "select * from documents where source_id = ?",
               ["JORFTEXT000056003010"])[0]
    assert doc["doc_type"] == "décret"
    assert doc["authority"] == "Ministère de l'intérieur"
    assert doc["published_on"] == "2026-11-03"
    extra = json.loads(doc["extra"])
    assert extra["nor"] == "IOMD2630112D" and extra["jo_number"] == "0256"
    assert extra["archive"] == "JORFSIMPLE_20261103-003512.tar.gz"
    assert extra["reinjected"] is False
    assert [p["label"] for p in json.loads(doc["parts"])] == [
        "Article 1", "Article 2", "Article 3", "Article 4"]


def test_hits_name_their_article(crawled):
    db = crawled["db"]
    drone = rows(db, "select * from hits where document_id = 'jorf:JORFTEXT000056003010'")
    assert drone, "the aircraft-camera decree must be a hit"
    assert {h["theme"] for h in drone} == {"drones"}
    # the aircraft cameras are in article 2; the title, the notice and the visas cite the
    # CSI article on them (L. 242-5), each hit once: a part's words are not reported again
    # as text
    in_parts = [h for h in drone if h["field"] == "part"]
    assert {h["part_label"] for h in in_parts} == {"Article 2"}
    assert any("caméras installées sur des aéronefs" in h["snippet"] for h in in_parts)
    assert {h["field"] for h in drone} <= {"title", "text", "part"}
    assert len({(h["field"], h["start"]) for h in drone}) == len(drone)
    assert not any("[[caméras installées" in h["snippet"] for h in drone if h["field"] == "text")
    face = rows(db, "select * from hits where document_id = 'jorf:JORFTEXT000056011012' "
                    "and theme = 'biometrie'")
    assert [(h["part_label"], h["negated"]) for h in face] == [("Article 3", 1)]
    flagged = {r["source_id"] for r in rows(db, "select source_id from documents "
                                                "where flagged = 1")}
    assert {"JORFTEXT000056003010", "JORFTEXT000056011012"} <= flagged
    # negatives: catastrophe naturelle (« reconnaissance »), nomination, avis
    assert not flagged & {"JORFTEXT000056003024", "JORFTEXT000056003040",
                          "JORFTEXT000056011030"}


def test_evening_reinjection_is_not_a_new_publication(crawled):
    doc = rows(crawled["db"], "select * from documents where source_id = ?",
               ["JORFTEXT000043480015"])[0]
    extra = json.loads(doc["extra"])
    assert extra["reinjected"] is True and extra["archive_kind"] == "evening"
    assert doc["published_on"] == "2021-05-12"
    others = rows(crawled["db"], "select extra from documents where source_id != ?",
                  ["JORFTEXT000043480015"])
    assert all(json.loads(r["extra"])["reinjected"] is False for r in others)


def test_deletion_list_marks_the_text(crawled):
    deleted = {r["source_id"]: json.loads(r["extra"]).get("deleted") for r in rows(
        crawled["db"], "select source_id, extra from documents")}
    assert deleted.pop("JORFTEXT000056003041") == "JORFSIMPLE_20261104-004107.tar.gz"
    assert not any(deleted.values())


def test_state_and_second_run(crawled):
    state = {r["key"]: r["value"] for r in rows(crawled["db"], "select * from state")}
    assert state["jorf:last_archive"] == "JORFSIMPLE_20261104-220005.tar.gz"
    assert {k for k in state if k.startswith("jorf:archive:")} == {
        "jorf:archive:JORFSIMPLE_20261103-003512.tar.gz",
        "jorf:archive:JORFSIMPLE_20261104-004107.tar.gz",
        "jorf:archive:JORFSIMPLE_20261104-220005.tar.gz"}
    assert "0 archives to read" in crawled["second"].stderr
    runs = rows(crawled["db"], "select * from crawl_runs order by id")
    assert [r["documents_new"] for r in runs] == [7, 0]
    # robots.txt + listing + 3 archives, then robots.txt + listing only
    assert [r["requests"] for r in runs] == [5, 2]
    assert runs[1]["documents_seen"] == 0
    assert snapshot(crawled["db"]) == crawled["before"]


def test_until_limits_the_window(crawled, tmp_path):
    env = dict(crawled["env"], TECHNOVEILLE_DB=str(tmp_path / "w.db"))
    run_cli(["crawl", "jorf", "--since", "2026-11-01", "--until", "2026-11-03"], env)
    ids = {r["source_id"] for r in rows(tmp_path / "w.db", "select source_id from documents")}
    assert ids == {"JORFTEXT000056003010", "JORFTEXT000056003024", "JORFTEXT000056003040",
                   "JORFTEXT000056003041"}


def test_bad_input_becomes_error_rows(crawled, tmp_path, replay_server):
    evil = Path("/tmp/technoveille-evil")
    env = dict(crawled["env"], TECHNOVEILLE_DB=str(tmp_path / "bad.db"),
               JORF_DUMPS_URL=f"{replay_server}/jorf-casse/OPENDATA/JORFSIMPLE/")
    proc = run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
    errors = rows(tmp_path / "bad.db", "select * from crawl_errors")
    reasons = sorted(e["reason"] for e in errors)
    assert reasons == sorted([
        "empty-archive", "truncated-archive", "unsafe-member-path", "unsafe-member-path",
        "unsafe-member-type", "unsafe-member-type", "unsafe-member-type", "malformed-xml",
        "forbidden-xml", "http-404", "unexpected-listing-entry", "unexpected-listing-entry"])
    by_reason = {e["reason"]: e for e in errors}
    assert by_reason["forbidden-xml"]["record_id"] == "JORFTEXT000056020030"
    assert by_reason["malformed-xml"]["record_id"] == "JORFTEXT000056020020"
    assert "symbolic link -> /etc/passwd" in " ".join(e["detail"] for e in errors)
    # every error is also a log line
    assert proc.stderr.count("crawl error [jorf]") >= len(errors)
    # the good text inside the hostile archive is stored
    ids = [r["source_id"] for r in rows(tmp_path / "bad.db", "select source_id from documents")]
    assert ids == ["JORFTEXT000056020010"]
    assert not evil.exists()
    # damaged archives are retried next time; hostile but complete ones are done
    state = {r["key"] for r in rows(tmp_path / "bad.db", "select key from state")}
    assert "jorf:archive:JORFSIMPLE_20261107-003000.tar.gz" in state
    assert "jorf:archive:JORFSIMPLE_20261105-003000.tar.gz" not in state
    assert "jorf:archive:JORFSIMPLE_20261106-003000.tar.gz" not in state
