"""What campaigners type becomes a valid FTS5 query over the real documents_fts (schema from
technoveille.core.db, rows written by pipelines.db.index_fts), with French inflections."""
import sys
from pathlib import Path

import pytest

from pipelines import db as dbm
from technoveille.core.db import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "datasette" / "plugins"))
from fts_query import NOTHING, fts_exact, fts_query, search_extract  # noqa: E402

BODIES = ["Extension de la vidéo-protection urbaine", "Acquisition de drones",
          "l'oeuvre de la commission", "article L. 242-5 du code de la sécurité intérieure",
          "caméras installées sur des aéronefs", "videoprotection du parking",
          "Un drone agricole", "Véhicule équipé d'une caméra de recul",
          "Expérimentation de reconnaissances faciales", "Reconnaissance de l'état de catastrophe"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = connect(tmp_path_factory.mktemp("fts") / "tv.db")
    for i, body in enumerate(BODIES):
        db["documents"].insert({"id": f"t:{i}", "source": "t", "source_id": str(i),
                                "title": "", "text": body})
        dbm.index_fts(db, f"t:{i}")
    return db


@pytest.fixture
def fts(db):
    def run(q, build=fts_query):
        return [r[0] for r in db.execute(
            "select d.text from documents_fts f join documents d on d.rowid = f.rowid "
            "where documents_fts match ? order by bm25(documents_fts, 10, 4, 1, 1)", [build(q)])]
    return run


@pytest.mark.parametrize("typed, expected", [
    ("drone*", ["Acquisition de drones", "Un drone agricole"]),
    ("videoprotection OR drones", ["Acquisition de drones", "videoprotection du parking",
                                   "Un drone agricole"]),
    ("vidéo-protection", ["Extension de la vidéo-protection urbaine", "videoprotection du parking"]),
    ("vidéoprotection", ["videoprotection du parking"]),
    ('"installées sur des aéronefs"', ["caméras installées sur des aéronefs"]),
    ("l'œuvre", ["l'oeuvre de la commission"]),
    ("L.242-5", ["article L. 242-5 du code de la sécurité intérieure"]),
    ('"vidéo', ["Extension de la vidéo-protection urbaine"]),
    ("(drones OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs",
                             "Un drone agricole"]),
    ("OR drones OR", ["Acquisition de drones", "Un drone agricole"]),
    ("drones OR OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs",
                               "Un drone agricole"]),
    ("(drones OR) OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs",
                                 "Un drone agricole"]),
    ("NEAR(caméras aéronefs, 5)", ["caméras installées sur des aéronefs"]),
    # French inflections, both ways
    ("drone", ["Acquisition de drones", "Un drone agricole"]),
    ("aéronef", ["caméras installées sur des aéronefs"]),
    ("caméra", ["caméras installées sur des aéronefs", "Véhicule équipé d'une caméra de recul"]),
    ("camera", ["caméras installées sur des aéronefs", "Véhicule équipé d'une caméra de recul"]),
    ("équiper", ["Véhicule équipé d'une caméra de recul"]),
    ("installer", ["caméras installées sur des aéronefs"]),
    ("expérimenter", ["Expérimentation de reconnaissances faciales"]),
    ('"reconnaissance faciale"', ["Expérimentation de reconnaissances faciales"]),
    ("NEAR(caméra aéronef, 5)", ["caméras installées sur des aéronefs"]),
    ("drone NOT agricole", ["Acquisition de drones"]),
    ("caméras NOT recul", ["caméras installées sur des aéronefs"]),
    ("(drone OR aéronef) caméra", ["caméras installées sur des aéronefs"]),
])
def test_typed_queries_are_valid_and_find_the_right_rows(fts, typed, expected):
    assert sorted(fts(typed)) == sorted(expected)


def test_a_word_typed_exactly_ranks_before_its_inflections(fts):
    assert fts("drone") == ["Un drone agricole", "Acquisition de drones"]
    assert fts("drones") == ["Acquisition de drones", "Un drone agricole"]
    assert fts("drone", build=fts_exact) == ["Un drone agricole"]


@pytest.mark.parametrize("typed", ["", "   ", None, '"', "()", "---", "OR", "NOT", "AND OR NOT",
                                   "*", '""', "( )", "NEAR()", "NOT drone", ")(", "«»"])
def test_empty_or_junk_matches_nothing_without_error(fts, typed):
    assert fts_query(typed) == NOTHING
    assert fts(typed) == []


@pytest.mark.parametrize("typed", [
    "drone " * 2000, "(" * 500 + "drone" + ")" * 500, '"' * 7 + "drone", "drone)) OR ((caméra",
    "a" * 10000, "drone AND AND", '( "a)" drone', "NEAR(drone", "drone:caméra", "{text}: drone",
    "^drone", "drone + caméra", "-drone", "title:drone", "'; drop table documents; --",
])
def test_hostile_input_never_breaks_fts5(fts, typed):
    assert len(fts_query(typed)) < 20000
    fts(typed)  # no sqlite3.OperationalError


def test_extract_marks_the_inflected_words():
    text = ("Le conseil municipal délibère. " * 20 + "Il autorise l'achat de deux drones "
            "équipés de caméras. " + "Fin de séance. " * 20)
    out = search_extract(text, "drone")
    assert "[[drones]]" in out and out.startswith("…") and out.endswith("…")
    assert len(out) < 300
    assert search_extract(text, "caméra équiper").count("[[") == 2
    assert search_extract("", "drone") == ""
    assert "[[" not in search_extract("Rien à signaler", "drone")
