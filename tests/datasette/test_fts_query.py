"""What campaigners type becomes a valid FTS5 query (checked against a real FTS5 table)."""
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "datasette" / "plugins"))
from fts_query import NOTHING, fts_query  # noqa: E402


@pytest.fixture
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(body, tokenize='unicode61 remove_diacritics 2')")
    for body in ["Extension de la vidéo-protection urbaine", "Acquisition de drones",
                 "l'oeuvre de la commission", "article L. 242-5 du code de la sécurité intérieure",
                 "caméras installées sur des aéronefs", "videoprotection du parking"]:
        conn.execute("insert into t values (?)", [body])
    return lambda q: [r[0] for r in conn.execute("select body from t where t match ?", [fts_query(q)])]


@pytest.mark.parametrize("typed, expected", [
    ("drone*", ["Acquisition de drones"]),
    ("videoprotection OR drones", ["Acquisition de drones", "videoprotection du parking"]),
    ("vidéo-protection", ["Extension de la vidéo-protection urbaine", "videoprotection du parking"]),
    ("vidéoprotection", ["videoprotection du parking"]),
    ('"installées sur des aéronefs"', ["caméras installées sur des aéronefs"]),
    ("l'œuvre", ["l'oeuvre de la commission"]),
    ("L.242-5", ["article L. 242-5 du code de la sécurité intérieure"]),
    ('"vidéo', ["Extension de la vidéo-protection urbaine"]),
    ("(drones OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs"]),
    ("OR drones OR", ["Acquisition de drones"]),
    ("drones OR OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs"]),
    ("(drones OR) OR aéronefs", ["Acquisition de drones", "caméras installées sur des aéronefs"]),
    ("NEAR(caméras aéronefs, 5)", ["caméras installées sur des aéronefs"]),
])
def test_typed_queries_are_valid_and_find_the_right_rows(fts, typed, expected):
    assert sorted(fts(typed)) == sorted(expected)


@pytest.mark.parametrize("typed", ["", "   ", None, '"', "()", "---", "OR"])
def test_empty_or_junk_matches_nothing_without_error(fts, typed):
    assert fts_query(typed) == NOTHING
    assert fts(typed) == []
