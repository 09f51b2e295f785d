"""The storage layer: idempotent upserts, unchanged documents not rewritten, links and flag
propagation, FTS folding (accents, œ)."""
from dataclasses import dataclass, field

import pytest

from pipelines import db as dbm
from technoveille.core import db as state


@dataclass
class FakeHit:  # the shape pipelines.matching.Hit has; test data, not a stand-in engine
    theme: str
    term: str
    tier: str = "A"
    part_label: str | None = None
    part_index: int | None = None
    field: str = "text"
    start: int = 0
    end: int = 5
    snippet: str = "[[drone]]"
    negated: bool = False


@dataclass
class Result:
    hits: list = field(default_factory=list)

    @property
    def flagged(self):
        return bool(self.hits)

    @property
    def themes(self):
        return sorted({h.theme for h in self.hits})

    @property
    def scores(self):
        return {t: 1.0 for t in self.themes}


def doc(source_id, **kw):
    base = {"id": f"boamp:{source_id}", "source": "boamp", "source_id": source_id,
            "url": f"https://example.org/{source_id}", "title": "Acquisition de drones",
            "text": "Marché de fourniture", "parts": [], "related": [], "extra": {}}
    base.update(kw)
    return base


@pytest.fixture
def db(tmp_path):
    return state.connect(tmp_path / "t.db")


def test_upsert_is_idempotent_and_keeps_unchanged_rows(db):
    assert dbm.upsert_document(db, doc("26-1")) == "new"
    before = db.execute("select updated_at, first_seen, content_hash from documents").fetchone()
    assert dbm.upsert_document(db, doc("26-1")) == "unchanged"
    assert db.execute("select updated_at, first_seen, content_hash from documents").fetchone() == before
    assert dbm.upsert_document(db, doc("26-1", text="Marché modifié")) == "updated"
    row = db.execute("select text, first_seen from documents").fetchone()
    assert row == ("Marché modifié", before[1])
    assert db.execute("select count(*) from documents").fetchone()[0] == 1


def test_update_does_not_null_other_columns(db):
    dbm.upsert_document(db, doc("26-2", authority="Ville de Nice", place_code="06"))
    dbm.upsert_document(db, doc("26-2", authority="Ville de Nice", place_code="06", text="v2"))
    assert db.execute("select authority, place_code from documents").fetchone() == ("Ville de Nice", "06")


def test_fts_ignores_accents_and_folds_oe(db):
    dbm.upsert_document(db, doc("26-3", title="Vidéoprotection du cœur de ville",
                                text="Extension des caméras"))
    dbm.upsert_document(db, doc("26-4", title="Nettoyage", text="Entretien des locaux"))
    found = lambda q: [r[0] for r in db.execute(
        "select d.source_id from documents_fts join documents d on d.rowid = documents_fts.rowid "
        "where documents_fts match ?", [q])]
    assert found("videoprotection") == ["26-3"]
    assert found("coeur") == ["26-3"]
    assert found("CAMERAS") == ["26-3"]
    dbm.upsert_document(db, doc("26-3", title="Nettoyage des rues", text="Balayage"))
    assert found("videoprotection") == []


def test_apply_match_reports_added_and_removed(db):
    dbm.upsert_document(db, doc("26-5"))
    added, removed = dbm.apply_match(db, "boamp:26-5", Result([FakeHit("drones", "drone")]), "v1")
    assert [h["theme"] for h in added] == ["drones"] and removed == []
    assert db.execute("select matched, themes from documents").fetchone() == (1, '["drones"]')
    added, removed = dbm.apply_match(db, "boamp:26-5", Result([FakeHit("drones", "drone")]), "v1")
    assert added == [] and removed == []
    added, removed = dbm.apply_match(db, "boamp:26-5", Result([]), "v2")
    assert added == [] and [h["term"] for h in removed] == ["drone"]
    assert db.execute("select count(*) from hits").fetchone()[0] == 0
    assert db.execute("select matched from documents").fetchone()[0] == 0


def test_flags_propagate_through_links_transitively_and_back(db):
    dbm.upsert_document(db, doc("26-10"))
    dbm.upsert_document(db, doc("26-11", title="Attribution", related=[
        {"source_id": "26-10", "relation": "attribution"}]))
    dbm.upsert_document(db, doc("26-12", title="Rectificatif", related=[
        {"source_id": "26-11", "relation": "rectificatif"}]))
    dbm.upsert_document(db, doc("26-13", title="Sans lien"))
    dbm.apply_match(db, "boamp:26-10", Result([FakeHit("drones", "drone")]), "v1")
    dbm.propagate_flags(db)
    flags = dict(db.execute("select source_id, flagged from documents").fetchall())
    assert flags == {"26-10": 1, "26-11": 1, "26-12": 1, "26-13": 0}
    reason = db.execute("select flag_reason from documents where source_id='26-12'").fetchone()[0]
    assert "lié" in reason
    assert dbm.propagate_flags(db) == 0  # nothing left to change
    dbm.apply_match(db, "boamp:26-10", Result([]), "v2")
    dbm.propagate_flags(db)
    assert db.execute("select sum(flagged) from documents").fetchone()[0] == 0


def test_links_table_mirrors_related(db):
    dbm.upsert_document(db, doc("26-20", related=[{"source_id": "26-1", "relation": "rectificatif"},
                                                  {"source_id": "26-1", "relation": "rectificatif"}]))
    assert db.execute("select document_id, target_id, relation from links").fetchall() == [
        ("boamp:26-20", "boamp:26-1", "rectificatif")]
    dbm.upsert_document(db, doc("26-20", related=[], text="changed"))
    assert db.execute("select count(*) from links").fetchone()[0] == 0
