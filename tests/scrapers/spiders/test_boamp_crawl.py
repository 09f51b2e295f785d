"""Real Scrapy crawls of the BOAMP replay (subprocess): every record stored with its full
text, errors as rows, links flag later notices, idempotent re-runs, crash and re-run."""
import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from scrapers.replay.boamp import corpus, reset_state, scenarios
from tests.conftest import ROOT, run_cli

WINDOW = ["--since", "2026-11-02", "--until", "2026-11-04"]
VOLATILE = {"fetched_at", "first_seen", "updated_at"}


def snapshot(path):
    """Every stored fact except timestamps, for before/after comparisons."""
    conn = sqlite3.connect(path)
    out = {}
    for table in ("documents", "hits", "links", "themes", "terms"):
        cols = [r[1] for r in conn.execute(f"pragma table_info({table})") if r[1] not in VOLATILE]
        out[table] = sorted(conn.execute(f"select {', '.join(cols)} from {table}").fetchall(),
                            key=repr)
    # rowids follow arrival order, which concurrent requests make arbitrary: compare by id
    out["fts"] = sorted(conn.execute(
        "select d.id, f.title, f.text from documents_fts f join documents d on d.rowid = f.rowid"
    ).fetchall(), key=repr)
    out["errors"] = sorted(conn.execute(
        "select source, record_id, url, reason from crawl_errors").fetchall(), key=repr)
    conn.close()
    return out


def expected_records(days):
    bad_pages = {(p["day"], p["offset"]) for p in scenarios()["invalid_json_pages"]}
    by_day = {}
    for record in sorted(corpus(), key=lambda r: r["idweb"]):
        by_day.setdefault(record["dateparution"], []).append(record)
    wanted = []
    for day in days:
        for i, record in enumerate(by_day.get(day, [])):
            if (day, i // 100 * 100) not in bad_pages:
                wanted.append(record)
    return wanted


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, replay_server):
    import os
    from scrapers.replay.server import demo_setup

    tmp = tmp_path_factory.mktemp("boamp")
    env = dict(os.environ)
    env.update(demo_setup(replay_server)[0])
    env.update({"TECHNOVEILLE_DB": str(tmp / "tv.db"), "TECHNOVEILLE_ARCHIVE": str(tmp / "archive"),
                "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
                "PYTHONPATH": str(ROOT)})
    reset_state()  # the replay answers 429 once per (day, page): make sure this crawl meets it
    proc = run_cli(["crawl", "boamp", *WINDOW], env)
    conn = sqlite3.connect(tmp / "tv.db")
    conn.row_factory = sqlite3.Row
    return {"env": env, "db": tmp / "tv.db", "conn": conn, "log": proc.stderr, "tmp": tmp}


def test_every_record_of_the_window_is_stored_with_full_text(crawled):
    wanted = expected_records(["2026-11-02", "2026-11-03", "2026-11-04"])
    assert len(wanted) > 150  # includes a day of more than 100 records (two pages)
    stored = {r["source_id"]: r for r in crawled["conn"].execute(
        "select source_id, title, text, published_on from documents where source = 'boamp'")}
    assert set(stored) == {r["idweb"] for r in wanted}
    for record in wanted:
        row = stored[record["idweb"]]
        assert row["published_on"] == record["dateparution"]
        assert row["text"] and len(row["text"]) >= len(row["title"] or "")
    # the whole notice, not only its title: a lot description from donnees is searchable
    video = crawled["conn"].execute(
        "select text, parts from documents where source_id = '26-120011'").fetchone()
    assert len(json.loads(video["parts"])) >= 2
    assert len(video["text"]) > 3 * len("Extension et maintenance du système de vidéoprotection")


def test_rate_limited_page_was_retried_not_lost(crawled):
    day = [r for r in expected_records(["2026-11-03"])]
    assert len(day) > 100
    n = crawled["conn"].execute(
        "select count(*) from documents where published_on = '2026-11-03'").fetchone()[0]
    assert n == len(day)
    assert "HTTP 429 on" in crawled["log"] and "offset=100" in crawled["log"]


def test_bad_input_becomes_error_rows_with_idweb_and_reason(crawled):
    rows = crawled["conn"].execute("select record_id, reason, detail from crawl_errors").fetchall()
    by_id = {r["record_id"]: r for r in rows}
    assert "donnees is null" in by_id["26-120021"]["detail"]
    assert "not valid json" in by_id["26-120020"]["detail"].lower()
    assert "7017" in by_id["26-120023"]["detail"]
    # the records themselves are still stored from their flat fields
    ids = {r[0] for r in crawled["conn"].execute("select source_id from documents")}
    assert {"26-120020", "26-120021", "26-120023"} <= ids
    # deadline with the right timezone on a good national record
    extra = json.loads(crawled["conn"].execute(
        "select extra from documents where source_id = '26-120012'").fetchone()[0])
    assert extra.get("deadline") is None or extra["deadline"].endswith(("+01:00", "+02:00"))


def test_keyword_hits_have_snippets_and_parts(crawled):
    rows = crawled["conn"].execute(
        "select h.theme, h.snippet, h.part_label, d.source_id from hits h "
        "join documents d on d.id = h.document_id").fetchall()
    themes = {r["theme"] for r in rows}
    assert {"video", "drones", "biometrie", "son"} <= themes
    assert all("[[" in r["snippet"] and "]]" in r["snippet"] for r in rows)
    assert any((r["part_label"] or "").startswith("Lot") for r in rows)
    negatives = crawled["conn"].execute(
        "select title from documents where flagged = 0 and (title like '%drone%' "
        "or title like '%recul%' or title like '%hyperviseur%')").fetchall()
    assert negatives, "the negatives of the corpus (drone agricole, caméra de recul, VMware) stay unflagged"


def test_linked_notices_are_flagged_through_the_earlier_hit(crawled):
    rows = crawled["conn"].execute(
        "select d.source_id, d.flagged, d.matched, d.flag_reason, l.relation, t.flagged as target_flagged "
        "from links l join documents d on d.id = l.document_id "
        "join documents t on t.id = l.target_id").fetchall()
    propagated = [r for r in rows if r["matched"] == 0 and r["target_flagged"] == 1]
    assert propagated, "a rectificatif/attribution without keywords, linked to a hit"
    for r in propagated:
        assert r["flagged"] == 1 and "lié" in r["flag_reason"]
    assert {r["relation"] for r in rows} & {"rectificatif", "attribution", "annulation"}


def test_raw_responses_are_archived(crawled):
    import gzip
    from pathlib import Path

    row = crawled["conn"].execute(
        "select sha256, archive from documents where source_id = '26-120011'").fetchone()
    raw = gzip.decompress((Path(crawled["tmp"]) / "archive" / row["archive"]).read_bytes())
    assert b"26-120011" in raw and b"total_count" in raw


def test_second_run_leaves_the_database_unchanged(crawled):
    before = snapshot(crawled["db"])
    run_cli(["crawl", "boamp", *WINDOW], crawled["env"])
    assert snapshot(crawled["db"]) == before
    runs = crawled["conn"].execute(
        "select documents_new, documents_updated, documents_unchanged from crawl_runs order by id").fetchall()
    assert runs[-1]["documents_new"] == 0 and runs[-1]["documents_updated"] == 0
    assert runs[-1]["documents_unchanged"] == runs[0]["documents_new"]


def test_killed_crawl_then_rerun_equals_one_clean_run(crawled, tmp_path):
    env = dict(crawled["env"], TECHNOVEILLE_DB=str(tmp_path / "k.db"),
               TECHNOVEILLE_ARCHIVE=str(tmp_path / "archive"), TECHNOVEILLE_DOWNLOAD_DELAY="0.4",
               TECHNOVEILLE_START_DELAY="0.4")
    proc = subprocess.Popen([sys.executable, "-m", "technoveille", "crawl", "boamp", *WINDOW],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = sqlite3.connect(tmp_path / "k.db")
            n = conn.execute("select count(*) from documents").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            n = 0
        if n > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(tmp_path / "k.db")
    partial = conn.execute("select count(*) from documents").fetchone()[0]
    conn.close()
    assert 0 < partial < len(expected_records(["2026-11-02", "2026-11-03", "2026-11-04"]))
    env.pop("TECHNOVEILLE_DOWNLOAD_DELAY")
    env["TECHNOVEILLE_START_DELAY"] = "0"
    run_cli(["crawl", "boamp", *WINDOW], env)
    assert snapshot(tmp_path / "k.db") == snapshot(crawled["db"])


def test_monthly_export_backfill(crawled, tmp_path):
    env = dict(crawled["env"], TECHNOVEILLE_DB=str(tmp_path / "e.db"))
    run_cli(["crawl", "boamp", "--since", "2026-10-01", "--until", "2026-10-31", "--export"], env)
    conn = sqlite3.connect(tmp_path / "e.db")
    got = {r[0] for r in conn.execute("select source_id from documents")}
    want = {r["idweb"] for r in corpus() if r["dateparution"].startswith("2026-10")}
    assert got == want and want
