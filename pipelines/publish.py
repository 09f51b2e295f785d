"""Publication: a consistent, compact snapshot of the working database made with
`VACUUM INTO`, which Datasette serves immutably (`-i`). An immutable reader ignores the WAL,
so the live file is never served. The snapshot replaces the previous one atomically."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from technoveille.core.db import connect


#: What only the site needs, added to the snapshot (never to the working database):
#: - document_keys: the small columns the search page filters and sorts on, one row per
#:   document keyed by documents.rowid (= documents_fts.rowid). Reading them from documents
#:   itself means walking each row's overflow pages past text and parts.
#: - indexes for the documents table's facets (doc_type, flag_reason; source and flagged
#:   already have theirs), so a facet count reads an index, not every row.
SNAPSHOT_SQL = """
DROP TABLE IF EXISTS document_keys;
CREATE TABLE document_keys (doc_rowid INTEGER PRIMARY KEY, published_on TEXT, source TEXT,
                            departement TEXT, doc_type TEXT, themes TEXT);
INSERT INTO document_keys
    SELECT rowid, published_on, source, departement, doc_type, themes FROM documents;
CREATE INDEX IF NOT EXISTS idx_documents_doc_type ON documents(doc_type);
CREATE INDEX IF NOT EXISTS idx_documents_flag_reason ON documents(flag_reason);
"""


def publish(source: Path, target: Path) -> dict:
    source, target = Path(source), Path(target)
    if not source.exists():
        raise FileNotFoundError(f"base introuvable : {source}")
    connect(source).close()  # schema up to date first (e.g. the FTS stems columns)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    conn = sqlite3.connect(source)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("VACUUM INTO ?", [str(tmp)])
    finally:
        conn.close()
    snap = sqlite3.connect(tmp)
    try:
        snap.executescript(SNAPSHOT_SQL)
        snap.execute("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')")
        snap.execute("ANALYZE")
        snap.commit()
        counts = {t: snap.execute(f"select count(*) from [{t}]").fetchone()[0]
                  for t in ("documents", "hits", "crawl_errors")}
        counts["flagged"] = snap.execute(
            "select count(*) from documents where flagged = 1").fetchone()[0]
        snap.execute("PRAGMA journal_mode = DELETE")
    finally:
        snap.close()
    os.replace(tmp, target)
    return counts
