"""The public database: schema (sqlite-utils), connection, and the small state API every layer
reads through (spiders read incremental state here and never write; pipelines write).

State API (read-only helpers, one query each):
    get_state(db, key), state_items(db, prefix), known_ids(db, source),
    awaiting_ocr(db, source), stored_sha256(db, source), stored_document(db, doc_id)
Writes of documents, hits and links live in `pipelines.db`; `set_state` is here because the
store pipeline applies a spider's StateUpdate items with it."""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from technoveille.core.search import FTS_COLUMNS, index_values

logger = logging.getLogger(__name__)

FTS_TOKENIZE = "unicode61 remove_diacritics 2"

DOCUMENT_COLUMNS = {
    "id": str, "source": str, "source_id": str, "url": str, "title": str, "text": str,
    "parts": str, "published_on": str, "doc_type": str, "authority": str, "authority_id": str,
    "place_name": str, "place_code": str, "departement": str, "commune": str, "siren": str,
    "related": str, "extra": str, "fetched_at": str,
    "sha256": str, "archive": str, "content_hash": str, "matched": int, "flagged": int,
    "flag_reason": str, "themes": str, "score": float, "match_version": str,
    "first_seen": str, "updated_at": str,
}
HIT_COLUMNS = {
    "id": str, "document_id": str, "theme": str, "term": str, "tier": str, "part_label": str,
    "part_index": int, "field": str, "start": int, "end": int, "snippet": str, "negated": int,
}

#: crawl_runs columns added after the table was first shipped (added by ensure_schema).
#: status: 'ok' or 'failed' (the source could not be collected at all: every request failed,
#: or the crawl did not finish); failure: why, in French, for the operator and the site.
CRAWL_RUN_COLUMNS = {"status": str, "failure": str}


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def connect(path: str | Path, wal: bool = True) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    if wal:
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "documents" not in db.table_names():
        db["documents"].create(DOCUMENT_COLUMNS, pk="id", not_null={"source", "source_id"})
        db["documents"].create_index(["source", "source_id"], unique=True)
        db["documents"].create_index(["published_on"])
        db["documents"].create_index(["flagged"])
    missing = {k: v for k, v in DOCUMENT_COLUMNS.items() if k not in db["documents"].columns_dict}
    for name, kind in missing.items():  # a database made before these columns existed
        db["documents"].add_column(name, kind)
    for columns in (["departement"], ["commune"], ["siren"], ["first_seen"]):
        if columns not in [i.columns for i in db["documents"].indexes]:
            db["documents"].create_index(columns, if_not_exists=True)
    if "themes" not in db.table_names():
        db["themes"].create({"id": str, "label": str, "description": str}, pk="id")
    if "terms" not in db.table_names():
        db["terms"].create({"id": str, "theme": str, "term": str, "mode": str, "tier": str},
                           pk="id", foreign_keys=[("theme", "themes", "id")])
    if "hits" not in db.table_names():
        db["hits"].create(HIT_COLUMNS, pk="id", foreign_keys=[
            ("document_id", "documents", "id"), ("theme", "themes", "id")])
        db["hits"].create_index(["document_id"])
        db["hits"].create_index(["theme"])
    if "links" not in db.table_names():
        db["links"].create({"document_id": str, "target_id": str, "relation": str},
                           pk=("document_id", "target_id", "relation"),
                           foreign_keys=[("document_id", "documents", "id"),
                                         ("target_id", "documents", "id")])
        db["links"].create_index(["target_id"])
    if "crawl_runs" not in db.table_names():
        db["crawl_runs"].create({
            "id": int, "source": str, "args": str, "started_at": str, "finished_at": str,
            "finish_reason": str, "documents_seen": int, "documents_new": int,
            "documents_updated": int, "documents_unchanged": int, "errors": int,
            "requests": int, "responses": int, "status": str, "failure": str}, pk="id")
    missing = {k: v for k, v in CRAWL_RUN_COLUMNS.items() if k not in db["crawl_runs"].columns_dict}
    for name, kind in missing.items():  # a database made before these columns existed
        db["crawl_runs"].add_column(name, kind)
    if "crawl_errors" not in db.table_names():
        db["crawl_errors"].create({
            "id": str, "source": str, "record_id": str, "url": str, "reason": str, "detail": str,
            "first_seen": str, "last_seen": str, "first_run": int, "last_run": int,
            "occurrences": int}, pk="id", foreign_keys=[("last_run", "crawl_runs", "id")])
        db["crawl_errors"].create_index(["source"])
    if "state" not in db.table_names():
        db["state"].create({"key": str, "value": str, "updated_at": str}, pk="key")
    if "documents_fts" not in db.table_names():
        if db.execute("select 1 from documents limit 1").fetchone():
            rebuild_fts(db)  # documents without their index
        else:
            _create_fts(db)
    elif [c.name for c in db["documents_fts"].columns] != list(FTS_COLUMNS):
        rebuild_fts(db)  # a database made before the stems columns


# ---------------------------------------------------------------- full-text index

def _create_fts(db: sqlite_utils.Database) -> None:
    db.execute(f"CREATE VIRTUAL TABLE documents_fts USING fts5({', '.join(FTS_COLUMNS)}, "
               f"tokenize = '{FTS_TOKENIZE}')")


def write_fts(db: sqlite_utils.Database, rowid: int, title: str | None,
              text: str | None) -> None:
    """(Re)write the FTS row of one document: text, title and their stems (core.search)."""
    db.execute("delete from documents_fts where rowid = ?", [rowid])
    db.execute(f"insert into documents_fts (rowid, {', '.join(FTS_COLUMNS)}) "
               "values (?, ?, ?, ?, ?)", [rowid, *index_values(title, text)])


def rebuild_fts(db: sqlite_utils.Database, every: int = 2000) -> int:
    """Drop and rebuild documents_fts from the documents (one transaction), logging progress."""
    total = db.execute("select count(*) from documents").fetchone()[0]
    logger.warning("rebuilding the full-text index (stems) for %d documents", total)
    started, done = time.monotonic(), 0
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")  # all or nothing: a killed rebuild leaves the old index
    try:
        conn.execute("DROP TABLE IF EXISTS documents_fts")
        _create_fts(db)
        for rowid, title, text in conn.execute("select rowid, title, text from documents"):
            write_fts(db, rowid, title, text)
            done += 1
            if done % every == 0:
                logger.warning("full-text index: %d / %d documents (%.0f s)", done, total,
                               time.monotonic() - started)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    logger.warning("full-text index rebuilt: %d documents in %.1f s", done,
                   time.monotonic() - started)
    return done


# ---------------------------------------------------------------- state

def get_state(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("select value from state where key = ?", [key]).fetchone()
    return row[0] if row else default


def set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    if get_state(db, key) == value:
        return
    db["state"].upsert({"key": key, "value": value, "updated_at": now_iso()}, pk="key")



def state_items(db: sqlite_utils.Database, prefix: str) -> dict[str, str]:
    """{key without prefix: value} of every state row whose key starts with `prefix`."""
    rows = db.execute("select key, value from state where key like ? escape '\\'",
                      [prefix.replace("%", "\\%").replace("_", "\\_") + "%"])
    return {key[len(prefix):]: value for key, value in rows}


def known_ids(db: sqlite_utils.Database, source: str) -> set[str]:
    """source_id of every stored document of `source`."""
    return {r[0] for r in db.execute("select source_id from documents where source = ?",
                                     [source])}


def awaiting_ocr(db: sqlite_utils.Database, source: str) -> set[str]:
    """source_id of the scans stored without text because no OCR was installed then."""
    return {r[0] for r in db.execute(
        "select source_id from documents where source = ? "
        "and json_extract(extra, '$.needs_ocr') = 1 "
        "and coalesce(json_extract(extra, '$.ocr'), 0) = 0 "
        "and coalesce(json_extract(extra, '$.ocr_tried'), 0) = 0", [source])}


def stored_sha256(db: sqlite_utils.Database, source: str) -> list[tuple[str, str]]:
    """(sha256 of the raw response, source_id) of every stored document of `source`."""
    return [(r[0], r[1]) for r in db.execute(
        "select sha256, source_id from documents where source = ? and sha256 is not null",
        [source])]


def crawl_run(db: sqlite_utils.Database, run_id: int) -> dict[str, Any] | None:
    """One crawl_runs row as a dict, or None."""
    cur = db.execute("select * from crawl_runs where id = ?", [run_id])
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def stored_document(db: sqlite_utils.Database, doc_id: str) -> dict[str, Any] | None:
    """The stored fields of one document (parts, related and extra decoded), or None."""
    cur = db.execute("select * from documents where id = ?", [doc_id])
    row = cur.fetchone()
    if row is None:
        return None
    doc = dict(zip([c[0] for c in cur.description], row))
    for key, empty in (("parts", "[]"), ("related", "[]"), ("extra", "{}")):
        doc[key] = json.loads(doc.get(key) or empty)
    return doc
