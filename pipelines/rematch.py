"""Re-apply the current vocabulary to every stored document, in one transaction, with the
same code as the crawl pipeline (pipelines.match.match_document + pipelines.db.apply_match).

Streams: documents are read in rowid order by chunks of CHUNK (keyset pagination), so memory
does not grow with the database; a progress line (done / total, rate, ETA) goes to
`progress` every `every` seconds."""
from __future__ import annotations

import json
import sys
import time
from collections import Counter

from pipelines import db as dbm
from technoveille.core import db as state
from pipelines.match import match_document

CHUNK = 500


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def _line(done: int, total: int, started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-9)
    rate = done / elapsed
    eta = (total - done) / rate if rate else 0.0
    return (f"rematch : {_n(done)}/{_n(total)} documents ({100 * done / max(total, 1):.0f} %), "
            f"{_n(rate)} documents/s, {elapsed:.0f} s écoulées, reste {eta:.0f} s")


def rematch(db, matcher, progress=sys.stderr, every: float = 5.0) -> dict[str, Counter]:
    """Returns {"added": Counter(theme), "removed": Counter(theme), "relocated": n}. The matcher is loaded by
    the caller, so a malformed keywords.yml fails before anything is touched."""
    added, removed = Counter(), Counter()
    total = db.execute("select count(*) from documents").fetchone()[0]
    started = last = time.monotonic()
    done, after = 0, -1
    with db.atomic():
        dbm.store_vocabulary(db, matcher)
        while True:
            rows = db.execute("select rowid, id, title, text, parts from documents "
                              "where rowid > ? order by rowid limit ?", [after, CHUNK]).fetchall()
            if not rows:
                break
            after = rows[-1][0]
            for _rowid, doc_id, title, text, parts in rows:
                doc = {"title": title, "text": text, "parts": json.loads(parts) if parts else []}
                result = match_document(matcher, doc)
                plus, minus = dbm.apply_match(db, doc_id, result, matcher.version)
                added.update(h["theme"] for h in plus)
                removed.update(h["theme"] for h in minus)
            done += len(rows)
            if progress and time.monotonic() - last >= every:
                last = time.monotonic()
                print(_line(done, total, started), file=progress, flush=True)
        if progress and total:
            print(_line(done, total, started), file=progress, flush=True)
        dbm.propagate_flags(db)
        state.set_state(db, "keywords_version", matcher.version)
        relocated = dbm.relocate(db, force=True)   # commune / département / SIREN too
    return {"added": added, "removed": removed, "relocated": relocated}


def needs_rematch(db, matcher) -> bool:
    stored = state.get_state(db, "keywords_version")
    has_docs = db.execute("select 1 from documents limit 1").fetchone() is not None
    return has_docs and stored != matcher.version
