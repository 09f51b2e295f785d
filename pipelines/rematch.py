"""Re-apply the current vocabulary to every stored document, in one transaction, with the
same code as the crawl pipeline (pipelines.match.match_document + pipelines.db.apply_match)."""
from __future__ import annotations

import json
import sys
from collections import Counter

from pipelines import db as dbm
from technoveille.core import db as state
from pipelines.match import match_document


def rematch(db, matcher, progress=sys.stderr, every: int = 1000) -> dict[str, Counter]:
    """Returns {"added": Counter(theme), "removed": Counter(theme), "relocated": n}. The matcher is loaded by
    the caller, so a malformed keywords.yml fails before anything is touched."""
    added, removed = Counter(), Counter()
    ids = [r[0] for r in db.execute("select id from documents order by rowid")]
    total = len(ids)
    with db.atomic():
        dbm.store_vocabulary(db, matcher)
        for n, doc_id in enumerate(ids, 1):
            row = db.execute("select title, text, parts from documents where id = ?",
                             [doc_id]).fetchone()
            doc = {"title": row[0], "text": row[1],
                   "parts": json.loads(row[2]) if row[2] else []}
            result = match_document(matcher, doc)
            plus, minus = dbm.apply_match(db, doc_id, result, matcher.version)
            added.update(h["theme"] for h in plus)
            removed.update(h["theme"] for h in minus)
            if progress and (n % every == 0 or n == total):
                print(f"\r{n}/{total} documents", end="" if n < total else "\n",
                      file=progress, flush=True)
        dbm.propagate_flags(db)
        state.set_state(db, "keywords_version", matcher.version)
        relocated = dbm.relocate(db, force=True)   # commune / département / SIREN too
    return {"added": added, "removed": removed, "relocated": relocated}


def needs_rematch(db, matcher) -> bool:
    stored = state.get_state(db, "keywords_version")
    has_docs = db.execute("select 1 from documents limit 1").fetchone() is not None
    return has_docs and stored != matcher.version
