"""Benchmark of the storage path: `python -m bench.store [--docs 5000]`.

Runs generated documents through the same stages as a crawl — normalise → match → store
(upsert, hits, FTS) — into a fresh SQLite file, then measures a second pass over the same
documents (the daily re-poll case: content unchanged, nothing rewritten), the link
propagation and `publish` (VACUUM INTO). One process; figures go into docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from pipelines import db as dbm
from pipelines.match import match_document
from pipelines.matching import load_matcher
from technoveille.core.textclean import normalise_document
from pipelines.publish import publish
from pipelines.store import store_document
from technoveille.core.items import Document
from technoveille.core import config
from technoveille.core.db import connect

from .engine import make_doc


def documents(n: int, seed: int = 11) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        text = make_doc(rng, positive=rng.random() < 0.05)
        lots = [p for p in text.split("\n\n") if p.strip()][:4]
        docs.append(Document(
            source="boamp", source_id=f"26-{100000 + i}", url=f"https://example.org/{i}",
            title=text.split("\n", 1)[0][:200], text=text,
            parts=[{"label": f"Lot {j + 1}", "text": t} for j, t in enumerate(lots)],
            published_on=f"2026-11-{1 + i % 28:02d}", doc_type="avis de marché",
            authority="Commune de test", related=[{"source_id": f"26-{100000 + i - 1}",
                                                   "relation": "rectificatif"}] if i % 20 == 0 else [],
            extra={"famille": "FNS"}))
    return docs


def run_pass(db, matcher, docs) -> tuple[float, dict]:
    counts: dict[str, int] = {}
    start = time.perf_counter()
    for doc in docs:
        normalise_document(doc)
        result = match_document(matcher, doc)
        status = store_document(db, doc, result, matcher.version)
        counts[status] = counts.get(status, 0) + 1
    return time.perf_counter() - start, counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args(argv)
    matcher = load_matcher(config.keywords_path())
    docs = documents(args.docs)
    mb = sum(len(d.text.encode()) for d in docs) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "bench.db")
        dbm.store_vocabulary(db, matcher)
        first, c1 = run_pass(db, matcher, docs)
        second, c2 = run_pass(db, matcher, docs)
        t = time.perf_counter()
        with db.atomic():
            dbm.propagate_flags(db)
        prop = time.perf_counter() - t
        db.close()
        t = time.perf_counter()
        counts = publish(Path(tmp) / "bench.db", Path(tmp) / "public.db")
        pub = time.perf_counter() - t
        size = os.path.getsize(Path(tmp) / "public.db") / 1e6
    print(f"machine: {platform.platform()} · nproc {os.cpu_count()} · Python {platform.python_version()}")
    print(f"{args.docs} documents, {mb:.1f} MB of text, {counts['hits']} hits, "
          f"{counts['flagged']} flagged")
    print(f"first pass (normalise+match+store+FTS): {first:.2f} s = {args.docs / first:,.0f} docs/s, "
          f"{mb / first:.1f} MB/s {c1}")
    print(f"second pass (unchanged, nothing rewritten): {second:.2f} s = "
          f"{args.docs / second:,.0f} docs/s {c2}")
    print(f"link propagation: {prop * 1000:.0f} ms; publish (VACUUM INTO + optimize): {pub:.2f} s, "
          f"snapshot {size:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
