"""documents.departement / commune / siren recomputed for documents stored before the place
rules or the reference data changed (pipelines.db.relocate: crawl start and rematch)."""
from pipelines import db as dbm
from technoveille.core import places
from technoveille.core.db import connect, get_state


def _store(db, **fields):
    doc = {"id": f"{fields['source']}:{fields['source_id']}", "title": "t", "text": "x", **fields}
    with db.atomic():
        dbm.upsert_document(db, doc)
    return doc["id"]


def _columns(db, doc_id):
    return db.execute("select departement, commune, siren from documents where id = ?",
                      [doc_id]).fetchone()


def test_relocate_fills_documents_stored_under_older_rules(tmp_path):
    db = connect(tmp_path / "tv.db")
    nice = _store(db, source="boamp", source_id="1", place_code="06", authority_id="21060088800015")
    prefet = _store(db, source="jorf", source_id="2",
                    title="Décret du 2 novembre 2026 portant nomination du préfet de l'Hérault")
    assert _columns(db, nice) == ("06", "06088", "210600888")     # store time
    # a database stored before: no places, an older version
    db.execute("update documents set departement = null, commune = null, siren = null")
    db.execute("update documents set departement = '06' where id = ?", [nice])
    dbm.set_state(db, "places_version", "places-1")
    with db.atomic():
        assert dbm.relocate(db) == 2
    assert _columns(db, nice) == ("06", "06088", "210600888")
    assert _columns(db, prefet) == ("34", None, None)
    assert get_state(db, "places_version") == places.version()
    # same version: nothing read; forced (rematch): nothing to change
    assert dbm.relocate(db) == 0
    assert dbm.relocate(db, force=True) == 0
