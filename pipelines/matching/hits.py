"""What a hit shows: its snippet (the matched words marked) and whether a negation cue
stands in the same clause (« aucune caméra », « les drones sont interdits »)."""
from __future__ import annotations

import re

from technoveille.core.fold import fold_text
from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN

from .model import Candidate, Hit

_NEG_BEFORE = re.compile(r"(?:^|[^a-z'])(?:ne|n'|aucun|aucune|aucuns|aucunes|sans|ni|jamais|"
                         r"nullement|pas de|interdi\w*|exclu\w*|proscri\w*)(?:[^a-z]|$)")
_NEG_AFTER = re.compile(r"^[^a-z0-9]*(?:[a-z0-9']+[^a-z0-9']+){0,3}?(?:n'|ne |est interdi|"
                        r"sont interdi|est exclu|sont exclu|est proscri|sont proscri)")
_CLAUSE_END = re.compile(r"[.;!?,\n]\s")


def make_hit(entries, c: Candidate) -> Hit:
    t = entries[c.entry]
    f = c.fld
    label, index = f.label, f.index
    if f.name == "text" and c.part is not None:
        # in the text, inside a part's heading (« Lot 1 – Drones … »): shown with that part
        label, index = c.part.label, c.part.index
    return Hit(theme=t.theme, term=t.term, tier=t.tier, part_label=label,
               part_index=index, field=f.name, start=c.start, end=c.end,
               snippet=snippet(f.text, c.start, c.end), negated=is_negated(f.text, c.start, c.end))


def snippet(s: str, start: int, end: int, width: int = 70) -> str:
    """Original words around [start, end), the match marked [[ ]] and whitespace collapsed."""
    lo, hi = max(0, start - width), min(len(s), end + width)
    if lo > 0:
        sp = s.find(" ", lo, start)
        lo = sp + 1 if sp >= 0 else lo
    if hi < len(s):
        sp = s.rfind(" ", end, hi)
        hi = sp if sp >= 0 else hi

    def clean(x):
        return " ".join(x.split())
    out = clean(s[lo:start]) + (" " if s[lo:start][-1:].isspace() else "")
    out += MARK_OPEN + clean(s[start:end]) + MARK_CLOSE
    out += (" " if s[end:hi][:1].isspace() else "") + clean(s[end:hi])
    return ("…" if lo > 0 else "") + out.strip() + ("…" if hi < len(s) else "")


def is_negated(s: str, start: int, end: int) -> bool:
    """A negation cue in the same clause, up to ~12 words before or 4 words after."""
    before = s[max(0, start - 90):start]
    cut = None
    for m in _CLAUSE_END.finditer(before):
        cut = m.end()
    if cut is not None:
        before = before[cut:]
    if _NEG_BEFORE.search(fold_text(before).text):
        return True
    after = fold_text(s[end:end + 60]).text
    return bool(_NEG_AFTER.search(after))
