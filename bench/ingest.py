"""Ingest and size benchmark: `python -m bench.ingest [--docs 2000]`.

Same run, same generated rows (bench.store.documents):
- the project's path: normalise → match → store (upsert, hits, links, FTS row) into a fresh
  database (pipelines.store.store_document, as the crawl's store pipeline does);
- the bare baseline: sqlite-utils `insert_all` of the same rows (after normalisation, same
  columns as stored) + `enable_fts` on title/text, into another fresh file.
Rows: ingest documents/s (ratio to bare, goal ≥ 0.5) and size (database bytes per 1,000
documents against the bytes of their text, goal ≤ 1.6×).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import sqlite_utils

from pipelines import db as dbm
from pipelines.match import match_document
from pipelines.matching import load_matcher
from pipelines.store import store_document
from technoveille.core import config
from technoveille.core.db import connect
from technoveille.core.textclean import normalise_document

from .store import documents
from .table import Row, render

INGEST_GOAL = 0.5
SIZE_GOAL = 1.6


def _db_bytes(path: Path) -> int:
    """Bytes of the database file once its WAL is checkpointed."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def project_ingest(docs, path: Path, progress=print) -> float:
    """Seconds to run `docs` through normalise → match → store into a fresh `path`."""
    matcher = load_matcher(config.keywords_path())
    db = connect(path)
    dbm.store_vocabulary(db, matcher)
    start = last = time.perf_counter()
    for i, doc in enumerate(docs, 1):
        normalise_document(doc)
        store_document(db, doc, match_document(matcher, doc), matcher.version)
        if time.perf_counter() - last > 5:
            last = time.perf_counter()
            progress(f"ingest: {i:,} / {len(docs):,} documents "
                     f"({i / (last - start):,.0f}/s)")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def bare_rows(docs) -> list[dict]:
    return [{"id": d.id, "source": d.source, "source_id": d.source_id, "url": d.url,
             "title": d.title, "text": d.text,
             "parts": json.dumps(d.parts, ensure_ascii=False),
             "published_on": d.published_on, "doc_type": d.doc_type, "authority": d.authority,
             "related": json.dumps(d.related, ensure_ascii=False),
             "extra": json.dumps(d.extra, ensure_ascii=False)} for d in docs]


def bare_ingest(rows, path: Path) -> float:
    """Seconds for sqlite-utils insert_all + enable_fts of `rows` into a fresh `path`."""
    start = time.perf_counter()
    db = sqlite_utils.Database(path)
    db["documents"].insert_all(rows, pk="id", batch_size=500)
    db["documents"].enable_fts(["title", "text"], tokenize="unicode61 remove_diacritics 2")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def measure(size: int, workdir: Path, progress=print) -> list[Row]:
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    docs = documents(size)
    project_db, bare_db = workdir / "ingest-project.db", workdir / "ingest-bare.db"
    for p in (project_db, bare_db):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    ours = project_ingest(docs, project_db, progress)
    bare = bare_ingest(bare_rows(docs), bare_db)  # rows normalised by the project pass
    ours_rate, bare_rate = size / ours, size / bare
    ratio = ours_rate / bare_rate
    text_bytes = sum(len((d.text or "").encode()) + len((d.title or "").encode()) for d in docs)
    db_bytes = _db_bytes(project_db)
    per_k = 1000 / size
    size_ratio = db_bytes / text_bytes
    return [
        Row("ingest", size, "normalise → match → store (upsert, hits, links, FTS)",
            f"{ours_rate:,.0f} docs/s",
            f"bare insert_all + enable_fts {bare_rate:,.0f} docs/s → {ratio:.2f}; "
            f"goal ≥ {INGEST_GOAL}", ratio >= INGEST_GOAL),
        Row("size", size, "database bytes per 1,000 documents",
            f"{db_bytes * per_k / 1e6:.1f} MB",
            f"text {text_bytes * per_k / 1e6:.1f} MB per 1,000 → {size_ratio:.2f}×; "
            f"goal ≤ {SIZE_GOAL}×", size_ratio <= SIZE_GOAL),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        print(render(measure(args.docs, Path(tmp))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
