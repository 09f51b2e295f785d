"""The tier rules, once every field of a document is scanned (see engine.py's docstring).

    dedupe          one occurrence per theme and place: best tier, then the longest
    Evidence        where a B/C hit looks (its region), its suppressor veto, its context
                    and second-term evidence
    decide          the verdict per hit (A flags, B needs evidence, C only scores), the
                    scores and the themes that fired
"""
from __future__ import annotations

from typing import NamedTuple

from .model import Candidate, Field

WINDOW = 1500           # characters around a hit in a text without parts
SUP_WINDOW = 600        # ... for its suppressors: minutes without parts put unrelated items
                        # (« restauration scolaire », « centre de loisirs ») a page away
WEIGHTS = {"A": 1.0, "B": 0.5, "C": 0.1}
BACKSTOP_BESIDE_A = 80  # characters: a backstop device word this close to an A term of
                        # another theme reads as part of that term's wording
_RANK = {"A": 0, "B": 1, "C": 2}


# ---------------------------------------------------------------------- one occurrence per place
def _keep_best_of_overlaps(entries, cands: list[Candidate]) -> list[Candidate]:
    # a backstop hit ranks after the B terms: when it overlaps a B term of its theme,
    # that term is shown and counts alone instead (see `alone` below)
    ranked = sorted(cands, key=lambda c: (_RANK[entries[c.entry].tier]
                                          + 0.5 * entries[c.entry].backstop,
                                          -(c.end - c.start), c.start))
    kept: list[Candidate] = []
    for c in ranked:
        theme = entries[c.entry].theme
        over = next((k for k in kept if entries[k.entry].theme == theme
                     and k.start < c.end and c.start < k.end), None)
        if over is not None:
            # « caméras de vidéoprotection » (B, needs context) keeps the right of
            # « vidéoprotection » (B, counts alone) to count without context
            t = entries[c.entry]
            if t.tier == "B" and not t.needs_context and entries[over.entry].tier == "B":
                over.alone = True
            continue
        kept.append(c)
    return kept


def _drop_inside_longer_a(entries, kept: list[Candidate]) -> list[Candidate]:
    # a B/C hit inside a longer A hit of another theme reads as part of that name
    # (« empreintes digitales » in « fichier automatisé des empreintes digitales »)
    longer_a = [k for k in kept if entries[k.entry].tier == "A"]
    if not longer_a:
        return kept
    return [c for c in kept if entries[c.entry].tier == "A" or not any(
        k.start <= c.start and c.end <= k.end and k.end - k.start > c.end - c.start
        and entries[k.entry].theme != entries[c.entry].theme for k in longer_a)]


def _drop_backstop_in_other_term(entries, kept: list[Candidate],
                                 cands: list[Candidate]) -> list[Candidate]:
    # a backstop hit whose device word is part of a term of another theme reads as that
    # term (« caméra » in « caméra aéroportée », « micro » in « micro-drone »)
    # and so does a device word right beside an A term of another theme: « l'enregistrement
    # et la transmission d'images au moyen de caméras installées sur des aéronefs » is the
    # drone act's wording, not a video recording (BACKSTOP_BESIDE_A characters apart)
    if not any(entries[c.entry].backstop for c in kept):
        return kept
    return [c for c in kept if not entries[c.entry].backstop or not any(
        not entries[k.entry].backstop and entries[k.entry].theme != entries[c.entry].theme
        and (k.start < c.end and c.start < k.end
             or entries[k.entry].tier == "A" and k.start - BACKSTOP_BESIDE_A < c.end
             and c.start < k.end + BACKSTOP_BESIDE_A)
        for k in cands)]


def dedupe(entries, f: Field) -> list[Candidate]:
    """The candidates of f that are one occurrence each, by position."""
    kept = _keep_best_of_overlaps(entries, f.cands)
    kept = _drop_inside_longer_a(entries, kept)
    kept = _drop_backstop_in_other_term(entries, kept, f.cands)
    kept.sort(key=lambda c: c.start)
    return kept


# ---------------------------------------------------------------------- evidence for B/C hits
class Window(NamedTuple):
    """Characters [lo, hi] of a text without parts, around a hit."""
    fld: Field
    lo: int
    hi: int


class Region(NamedTuple):
    whole: list[Field]          # fields seen whole
    window: Window | None       # and a window of the hit's own field


Zone = tuple[Field, "Window | None"]   # a field, and the window of it that counts (None: all)


def _inside(win: Window | None, a: int | None, b: int | None) -> bool:
    return win is None or a is None or (win.lo <= b and a <= win.hi)


class Evidence:
    """What a document holds for or against its B/C hits."""

    def __init__(self, entries, stems, fields: list[Field], title: Field, text: Field | None,
                 doc_level: bool):
        self.entries, self.stems = entries, stems
        self.fields, self.title, self.doc_level = fields, title, doc_level
        self.doc_fields = [title] + ([text] if (doc_level and text is not None) else [])
        # themes with a suppressor anywhere in the document; for the others a B hit (not an
        # acronym) may find its context or second term anywhere in the document, not only in
        # its part or window: the relevant sentence of a long text is rarely next to « police »
        self.doc_sup = {s.theme for f in fields for s in f.sup}
        # same-theme hits, per field: a context word inside one of them is part of a term,
        # not context (« caméras de surveillance » in the title and again in the text)
        self.spans: dict = {}
        for f in fields:
            for o in f.cands:
                self.spans.setdefault((id(f), entries[o.entry].theme), []).append(o)

    def region(self, c: Candidate) -> Region:
        t = self.entries[c.entry]
        # (not for acronyms: « TES », « TAJ », « CSU » collide with ordinary words and
        # need their context next to them)
        if t.theme not in self.doc_sup and t.mode != "acronym":
            return Region(self.fields, None)
        if c.fld is self.title:
            return Region(self.fields, None)
        if c.fld.name == "part":
            return Region([c.fld] + self.doc_fields, None)
        if c.part is not None:   # in a part's label
            return Region([c.part] + self.doc_fields, None)
        if self.doc_level:   # uncovered text of a document with parts
            return Region(self.fields, None)
        return Region([self.title], Window(c.fld, c.start - WINDOW, c.end + WINDOW))

    def zones(self, c: Candidate) -> list[Zone]:
        """Where context and second terms of hit c count."""
        whole, win = self.region(c)
        return [(z, None) for z in whole] + ([(win.fld, win)] if win else [])

    def veto(self, c: Candidate) -> str | None:
        """The suppressor (as written) that vetoes B/C hit c, or None."""
        theme = self.entries[c.entry].theme
        if theme not in self.doc_sup:
            return None
        whole, win = self.region(c)
        sup_zones = [(z, None) for z in whole] + (
            [(win.fld, Window(win.fld, c.start - SUP_WINDOW, c.end + SUP_WINDOW))] if win else [])
        return next((s.term for z, w in sup_zones for s in z.sup
                     if s.theme == theme and _inside(w, s.start, s.end)), None)

    def has_context(self, c: Candidate, zones: list[Zone]) -> bool:
        """A context term of the theme (or a global one) in the zones, that is not a word
        of the hit itself nor of another hit of the theme."""
        t = self.entries[c.entry]
        # (a near(a, b, n) term is its own evidence: its words may be context,
        # unless written with « needs_context: strict »)
        own = t.mode != "near" or t.strict_context
        spans = self.spans

        def in_term(z, x):
            return x.start is not None and any(
                (own or o is not c) and o.start <= x.start and x.end <= o.end
                for o in spans.get((id(z), t.theme), ()))
        return any(x.theme in (None, t.theme) and _inside(w, x.start, x.end)
                   and not (own and z is c.fld and x.start is not None
                            and x.start < c.end and c.start < x.end)
                   and not in_term(z, x)
                   for z, w in zones for x in z.ctx)

    def has_second_term(self, c: Candidate, zones: list[Zone]) -> bool:
        """Another A/B term in the zones; a B term of the same theme sharing a word stem
        does not count (« biométrie » does not confirm « biométrique »)."""
        entries, stems = self.entries, self.stems
        t = entries[c.entry]
        own_stems = stems[c.entry]
        return any(
            o is not c and entries[o.entry].term != t.term
            and (entries[o.entry].tier == "A" or entries[o.entry].theme != t.theme
                 or not (own_stems & stems[o.entry]))
            and _inside(w, o.start, o.end)
            for z, w in zones for o in z.ab)


# ---------------------------------------------------------------------- verdict
class Rejected(NamedTuple):
    cand: Candidate
    reason: str


class Verdict(NamedTuple):
    kept: list[Candidate]       # the hits shown, in field order then by position
    rejected: list[Rejected]
    fired: set[str]             # themes that flag the document
    scores: dict[str, float]


def decide(entries, stems, fields: list[Field], title: Field, text: Field | None,
           doc_level: bool) -> Verdict:
    for f in fields:
        f.cands = dedupe(entries, f) if f.cands else []
        # (a backstop hit counts for itself, it is no evidence for other B terms)
        f.ab = [c for c in f.cands if entries[c.entry].tier in ("A", "B")
                and not entries[c.entry].backstop]
    ev = Evidence(entries, stems, fields, title, text, doc_level)
    # each B/C hit's veto, decided once; a suppressed hit is no evidence for another B hit
    # (« aéronefs sans équipage à bord » vetoed by « aéromodélisme » does not confirm « UAS »)
    vetoes = {id(c): ev.veto(c) for f in fields for c in f.cands
              if entries[c.entry].tier != "A"}
    if ev.doc_sup:
        for f in fields:
            f.ab = [o for o in f.ab if vetoes.get(id(o)) is None]

    kept: list[Candidate] = []
    rejected: list[Rejected] = []
    fired: set[str] = set()
    pending_c: list[Candidate] = []
    for f in fields:
        for c in f.cands:
            t = entries[c.entry]
            if t.tier == "A":
                kept.append(c)
                fired.add(t.theme)
                continue
            vetoed = vetoes[id(c)]
            if vetoed:
                rejected.append(Rejected(c, f"supprimé par « {vetoed} »"))
                continue
            if t.tier == "C":
                pending_c.append(c)
                continue
            if not t.needs_context or c.alone:
                counts = True
            else:
                zones = ev.zones(c)
                counts = ev.has_context(c, zones) or ev.has_second_term(c, zones)
            if counts:
                kept.append(c)
                fired.add(t.theme)
            else:
                rejected.append(Rejected(c, "sans contexte"))
    scores: dict[str, float] = {}
    for c in kept + pending_c:
        t = entries[c.entry]
        scores[t.theme] = round(scores.get(t.theme, 0.0) + WEIGHTS[t.tier], 3)
    for c in pending_c:
        if entries[c.entry].theme in fired:
            kept.append(c)
        else:
            rejected.append(Rejected(c, "terme C : compte seulement dans le score"))
    order = {id(f): i for i, f in enumerate(fields)}
    kept.sort(key=lambda c: (order[id(c.fld)], c.start))
    return Verdict(kept, rejected, fired, scores)
