"""technoveille.core.search: the stems written to the index, and a database made before the
stems columns rebuilt on connect (real SQLite files)."""
import logging
import sqlite3

from technoveille.core.db import DOCUMENT_COLUMNS, FTS_TOKENIZE, connect
from technoveille.core.search import FTS_COLUMNS, fts_query, index_values, stem_pair


def test_stems_fold_accents_case_and_inflections():
    title, text, stems, plain = index_values("Drônes ÉQUIPÉS", "des caméras; l'œuvre")
    assert (title, text) == ("Drônes ÉQUIPÉS", "des caméras; l'oeuvre")
    assert stems.split() == ["dron", "equip", "de", "camer", "l", "oeuvr"]
    assert len(plain.split()) == len(stems.split())  # one token per word: phrases work
    assert stem_pair("équipée")[0] == stem_pair("équiper")[0] == stem_pair("équipés")[0]
    assert stem_pair("aéronef") == stem_pair("aéronefs")
    assert stem_pair("cameras")[1] == stem_pair("caméras")[1]  # typed without accents


def _old_database(path):
    con = sqlite3.connect(path)
    cols = ", ".join(f"[{c}]" for c in DOCUMENT_COLUMNS)
    con.execute(f"create table documents ({cols})")
    con.execute(f"create virtual table documents_fts using fts5(title, text, tokenize = '{FTS_TOKENIZE}')")
    for i, (title, text) in enumerate([("Achat de drones", "pour la police"),
                                       ("Un drone agricole", ""), ("Voirie", "enrobés")], 1):
        con.execute("insert into documents (rowid, id, source, source_id, title, text) "
                    "values (?, ?, 'boamp', ?, ?, ?)", [i, f"boamp:{i}", str(i), title, text])
        con.execute("insert into documents_fts (rowid, title, text) values (?, ?, ?)",
                    [i, title, text])
    con.commit()
    con.close()


def test_a_database_made_before_the_stems_is_rebuilt_on_connect(tmp_path, caplog):
    path = tmp_path / "old.db"
    _old_database(path)
    with caplog.at_level(logging.WARNING, logger="technoveille.core.db"):
        db = connect(path)
    assert [c.name for c in db["documents_fts"].columns] == list(FTS_COLUMNS)
    assert "rebuilding the full-text index" in caplog.text and "3 documents" in caplog.text
    found = [r[0] for r in db.execute(
        "select d.id from documents_fts f join documents d on d.rowid = f.rowid "
        "where documents_fts match ? order by d.id", [fts_query("drone")])]
    assert found == ["boamp:1", "boamp:2"]
    db.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="technoveille.core.db"):
        connect(path).close()  # already migrated: nothing rebuilt
    assert "rebuilding" not in caplog.text
