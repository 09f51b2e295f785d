"""`technoveille rematch` on a database filled by a real crawl: a new term finds documents
stored earlier, removing it removes the hits, a broken vocabulary changes nothing; `update`
re-matches by itself when keywords.yml changed."""
import shutil
import sqlite3

import pytest

from tests.conftest import ROOT, run_cli

NEW_TERM = "rénovation énergétique du gymnase"


def hits_for(db, term):
    conn = sqlite3.connect(db)
    n = conn.execute("select count(*) from hits where term = ?", [term]).fetchone()[0]
    conn.close()
    return n


@pytest.fixture
def crawled(tv_env, tmp_path):
    kw = tmp_path / "keywords.yml"
    shutil.copy(ROOT / "keywords.yml", kw)
    tv_env["TECHNOVEILLE_KEYWORDS"] = str(kw)
    run_cli(["crawl", "boamp", "--since", "2026-10-28", "--until", "2026-11-02"], tv_env)
    return tv_env, kw


def add_term(kw):
    text = kw.read_text(encoding="utf-8")
    anchor = "    A:\n      - caméra installée sur un aéronef\n"
    assert anchor in text
    kw.write_text(text.replace(anchor, anchor + f"      - {NEW_TERM}\n"), encoding="utf-8")


def test_new_term_is_found_in_stored_documents_then_removed(crawled):
    env, kw = crawled
    db = env["TECHNOVEILLE_DB"]
    assert hits_for(db, NEW_TERM) == 0
    conn = sqlite3.connect(db)
    gyms = conn.execute("select count(*) from documents where title like 'Rénovation énergétique du gymnase%'").fetchone()[0]
    assert gyms >= 2
    original = kw.read_text(encoding="utf-8")
    add_term(kw)
    out = run_cli(["rematch"], env).stdout
    assert hits_for(db, NEW_TERM) >= gyms
    assert "drones" in out and "+" in out
    flagged = conn.execute("select count(*) from documents where flagged = 1 and "
                           "title like 'Rénovation énergétique du gymnase%'").fetchone()[0]
    assert flagged == gyms
    kw.write_text(original, encoding="utf-8")
    out = run_cli(["rematch"], env).stdout
    assert hits_for(db, NEW_TERM) == 0
    assert conn.execute("select count(*) from documents where flagged = 1 and "
                        "title like 'Rénovation énergétique du gymnase%'").fetchone()[0] == 0
    assert "-" in out


def test_broken_vocabulary_changes_nothing(crawled):
    env, kw = crawled
    db = env["TECHNOVEILLE_DB"]
    before = sqlite3.connect(db).execute("select count(*), group_concat(id) from hits").fetchone()
    assert before[0] > 0
    kw.write_text(kw.read_text(encoding="utf-8").replace(
        "    A:\n      - caméra installée sur un aéronef\n",
        "    A:\n      - caméra installée sur un aéronef\n      - caméra installée sur un aéronef\n"),
        encoding="utf-8")
    proc = run_cli(["rematch"], env, check=False)
    assert proc.returncode == 2
    assert "keywords.yml" in proc.stderr and "caméra installée sur un aéronef" in proc.stderr
    assert sqlite3.connect(db).execute("select count(*), group_concat(id) from hits").fetchone() == before


def test_update_rematches_when_keywords_changed(crawled):
    env, kw = crawled
    env = dict(env, TECHNOVEILLE_SOURCES="boamp")
    add_term(kw)
    out = run_cli(["update"], env).stdout
    assert "keywords.yml a changé" in out
    assert hits_for(env["TECHNOVEILLE_DB"], NEW_TERM) >= 2
    out = run_cli(["update", "--no-publish"], env).stdout
    assert "keywords.yml a changé" not in out


def test_update_refuses_to_overlap_a_running_update(crawled):
    import fcntl
    from pathlib import Path

    env, _ = crawled
    lock = Path(env["TECHNOVEILLE_DB"]).with_suffix(".update.lock")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        proc = run_cli(["update"], dict(env, TECHNOVEILLE_SOURCES="boamp"), check=False)
    assert proc.returncode == 3 and "déjà en cours" in proc.stderr
