"""Digest of the `make demo` database, to show that a refactoring changed no behaviour.

    python -m bench.demo_digest            # runs `technoveille demo --no-serve` in a temp dir
    python -m bench.demo_digest --db PATH  # digests an existing database
    python -m bench.demo_digest --dump DIR # also writes one sorted JSONL file per table (to diff)

Tables compared: documents, hits, links, crawl_errors and the FTS index, without the columns
that hold a clock time (fetched_at, first_seen, updated_at, last_seen, run numbers). The replay server listens on a
fixed port so that URLs, and the ids hashed from them, compare.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

TIME_COLUMNS = {"fetched_at", "first_seen", "updated_at", "last_seen", "first_run", "last_run"}
TABLES = {
    "documents": "select * from documents order by id",
    "hits": "select * from hits order by id",
    "links": "select * from links order by document_id, target_id, relation",
    "crawl_errors": "select * from crawl_errors order by source, reason, url, record_id",
    "documents_fts": "select d.id as document_id, f.title, f.text from documents_fts f "
                     "join documents d on d.rowid = f.rowid order by d.id",
}


REPLAY_PORT = "18765"  # a fixed port: URLs (and the ids hashed from them) are comparable


def table_rows(conn: sqlite3.Connection, sql: str) -> list[dict]:
    cur = conn.execute(sql)
    names = [c[0] for c in cur.description]
    return [{k: v for k, v in zip(names, row) if k not in TIME_COLUMNS} for row in cur]


def digest(db: Path, dump: Path | None = None) -> dict[str, str]:
    conn = sqlite3.connect(db)
    out = {}
    total = hashlib.sha256()
    for name, sql in TABLES.items():
        rows = table_rows(conn, sql)
        lines = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows]
        h = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        out[name] = f"{h[:16]} ({len(rows)} rows)"
        total.update(h.encode())
        if dump:
            dump.mkdir(parents=True, exist_ok=True)
            (dump / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out["ALL"] = total.hexdigest()[:16]
    return out


def run_demo(workdir: Path) -> Path:
    env = dict(os.environ)
    env.update(TECHNOVEILLE_DB=str(workdir / "technoveille.db"),
               TECHNOVEILLE_PUBLIC_DB=str(workdir / "public" / "technoveille.db"),
               TECHNOVEILLE_ARCHIVE=str(workdir / "archive"),
               TECHNOVEILLE_REPLAY_PORT=REPLAY_PORT)
    subprocess.run([sys.executable, "-m", "technoveille", "demo", "--no-serve"], env=env,
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return workdir / "technoveille.db"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or run_demo(Path(tmp))
        for name, value in digest(db, args.dump).items():
            print(f"{name:14} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
