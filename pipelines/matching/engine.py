"""The matcher: one Aho-Corasick pass over the folded text of each field (title, text,
parts), one case-sensitive pass over the original text for acronyms, then the tier rules.

Tier rules (per part, see docs/keywords.md):
- A: a hit flags the document.
- B: counts when the same part (or the title, or for a text without parts a window of
  WINDOW characters around the hit) holds a context term of the theme or a global one, or a
  second A/B term; and holds no suppressor of the theme. Suppressors win over context.
  When the document holds no suppressor of the theme at all, context and second terms are
  looked for in the whole document (not for acronyms, which keep their local context).
- C: never flags; adds to the theme score.
Hits of a theme that overlap in one field are one occurrence: the best tier, then the
longest, is kept.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

import ahocorasick

from technoveille.core.fold import fold, fold_text
from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN
from .variants import STOPWORDS, variants
from .vocabulary import Vocabulary

WINDOW = 1500           # characters around a hit in a text without parts
SUP_WINDOW = 600        # ... for its suppressors: minutes without parts put unrelated items
                        # (« restauration scolaire », « centre de loisirs ») a page away
WEIGHTS = {"A": 1.0, "B": 0.5, "C": 0.1}
_RANK = {"A": 0, "B": 1, "C": 2}
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

MAIN, NEAR_A, NEAR_B, EXCL, ACRO = 0, 1, 2, 3, 4
EXCL_NEAR = 5           # 5 + j: word j of a term's `exclude: [near(word, N)]`

_NEG_BEFORE = re.compile(r"(?:^|[^a-z'])(?:ne|n'|aucun|aucune|aucuns|aucunes|sans|ni|jamais|"
                         r"nullement|pas de|interdi\w*|exclu\w*|proscri\w*)(?:[^a-z]|$)")
_NEG_AFTER = re.compile(r"^[^a-z0-9]*(?:[a-z0-9']+[^a-z0-9']+){0,3}?(?:n'|ne |est interdi|"
                        r"sont interdi|est exclu|sont exclu|est proscri|sont proscri)")
# a line break that a PDF put inside a sentence: a word (or a comma), then a lowercase word
_SOFT_BREAK = re.compile(r"[^\W_][,’'-]?[ \t]*\r?\n[ \t]*[a-zà-ÿœæ]")


def _hard_break(span: str) -> bool:
    """A line break that ends a sentence or a block (a lot's label and its text, a list item),
    not one that a PDF put in the middle of a sentence (a word or a comma, then a lowercase
    word on the next line)."""
    n = span.count("\n")
    return n > 0 and len(_SOFT_BREAK.findall(span)) < n


_EDGE_PUNCT = " ,;:.)("  # punctuation glued to a near() word is no word of the gap (folded text)
# a sentence end in folded text: « public. », « ; », not « L. 242-5 », « art. 10 », « M. »
_SENTENCE_END = re.compile(r"(?:[a-z]{4}[.!?]|[;!?])(?: |$)")
_CLAUSE_END = re.compile(r"[.;!?,\n]\s")


@dataclass
class Hit:
    theme: str
    term: str
    tier: str
    part_label: str | None
    part_index: int | None
    field: str              # "title" | "text" | "part"
    start: int
    end: int
    snippet: str
    negated: bool

    def as_dict(self) -> dict:
        return {"theme": self.theme, "term": self.term, "tier": self.tier,
                "field": self.field, "part_label": self.part_label,
                "part_index": self.part_index, "start": self.start, "end": self.end,
                "snippet": self.snippet, "negated": self.negated}


@dataclass
class MatchResult:
    flagged: bool
    scores: dict
    themes: list
    hits: list
    rejected: list = field(default_factory=list)   # [(Hit, reason)] B/C hits that did not count
    version: str = ""  # the matcher's version (sha256 of keywords.yml) that decided


@dataclass
class _Cand:
    entry: int
    start: int              # original offsets
    end: int
    fld: "_Field"
    part: "_Field | None" = None   # text hit inside the label of this part
    alone: bool = False     # covers a same-theme B hit that needs no context


class _Field:
    __slots__ = ("name", "index", "label", "text", "cands", "ctx", "sup", "ab")

    def __init__(self, name, index, label, text):
        self.name, self.index, self.label, self.text = name, index, label, text
        self.cands: list[_Cand] = []
        self.ctx: list[tuple] = []    # (theme|None, start|None, end|None)
        self.sup: list[tuple] = []    # (theme, term, start|None, end|None)
        self.ab: list[_Cand] = []     # A/B candidates kept (evidence for other B hits)


def near_alternatives(side: str) -> list[str]:
    """« anticip* / prévoir » → ["anticip*", "prévoir"]."""
    return [a.strip() for a in side.split("/") if a.strip()]


def _stems(t) -> frozenset:
    """6-letter prefixes of the content words of a term (same-family test)."""
    words = " ".join(t.near[:2]) if t.mode == "near" else t.text
    return frozenset(w[:6] for w in fold(words).replace("'", " ").split()
                     if len(w) >= 4 and w not in STOPWORDS)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


class Matcher:
    def __init__(self, vocab: Vocabulary):
        self.vocabulary = vocab
        self.version = vocab.version
        self.path = vocab.path
        self.entries = vocab.terms
        self.themes = [{"id": t.id, "label": t.label, "description": t.description}
                       for t in vocab.themes]
        self.terms = [{"theme": t.theme, "term": t.term, "mode": t.mode, "tier": t.tier}
                      for t in vocab.terms if t.kind == "term"]
        self._build()

    # ------------------------------------------------------------------ build
    def _build(self):
        keys: dict[str, list] = {}
        self._acro_forms: dict[int, frozenset] = {}

        def add(text, payload, prefix=False, inflect=True):
            joined = fold(text.replace("-", "").replace("\u2011", "")) if "-" in text else None
            for v in variants(fold(text), joined, inflect=inflect and not prefix):
                if v:
                    keys.setdefault(v, []).append(payload + (prefix,))

        for i, t in enumerate(self.entries):
            if t.mode == "near":
                # each side: alternatives separated by « / », a trailing « * » = prefix
                for side, role in ((t.near[0], NEAR_A), (t.near[1], NEAR_B)):
                    for alt in near_alternatives(side):
                        pre = alt.endswith("*")
                        add(alt.rstrip("*").strip(), (i, role), prefix=pre,
                            inflect=t.variants)
            elif t.mode == "acronym":
                forms = {t.text}
                if "-" in t.text:
                    forms |= {t.text.replace("-", " "), t.text.replace("-", "")}
                self._acro_forms[i] = frozenset(forms)
                for f in forms:   # found in the folded text, then checked on the original
                    keys.setdefault(fold(f), []).append((i, ACRO, False))
            else:
                add(t.text, (i, MAIN), prefix=t.mode == "prefix", inflect=t.variants)
            for ex in t.exclude:
                add(ex, (i, EXCL))
            for j, (word, _n) in enumerate(t.exclude_near):
                add(word, (i, EXCL_NEAR + j))
        self._stems = [_stems(t) for t in self.entries]
        self._kinds = [t.kind for t in self.entries]
        self.automaton = ahocorasick.Automaton()
        for k, payload in keys.items():
            self.automaton.add_word(k, (len(k), tuple(payload)))
        self.automaton.make_automaton()
        self.key_count = len(keys)

    # ------------------------------------------------------------------ scan one field
    def _scan(self, f: _Field, doc_has_parts: bool = False) -> None:
        s = f.text
        if not s:
            return
        ft = fold_text(s)
        c = ft.text
        n = len(c)
        entries = self.entries
        kinds = self._kinds
        word = _WORD
        main, nears, excl, ctx, sup, acro_raw, exn = [], {}, {}, [], [], [], {}
        by_kind = {"term": main.append, "context": ctx.append}
        sup_append = sup.append
        for end, (klen, payload) in self.automaton.iter(c):
            start = end - klen + 1
            if start and c[start - 1] in word:
                continue
            after = end + 1
            right_ok = after >= n or c[after] not in word
            stop = after
            for ei, role, prefix in payload:
                if not (prefix or right_ok):
                    continue
                if prefix and stop == after:
                    # a prefix hit covers its whole word (« vidéoprot* » → « VIDÉO-\nPROTECTION »)
                    while stop < n and c[stop] in word:
                        stop += 1
                hit_end = stop if prefix else after
                if role == MAIN:
                    by_kind.get(kinds[ei], sup_append)((ei, start, hit_end))
                elif role == EXCL:
                    excl.setdefault(ei, []).append((start, hit_end))
                elif role == ACRO:
                    acro_raw.append((ei, start, end + 1))
                elif role >= EXCL_NEAR:
                    exn.setdefault(ei, []).append((start, hit_end, role - EXCL_NEAR))
                else:
                    nears.setdefault(ei, ([], []))[role - 1].append((start, hit_end))
        for ei, (alist, blist) in nears.items():
            target = main if entries[ei].kind == "term" else (
                ctx if entries[ei].kind == "context" else sup)
            limit = entries[ei].near[2]
            if not alist or not blist:
                continue
            span = (limit + 1) * 40      # characters: no N-word gap is longer than this
            bstarts = [b[0] for b in blist]   # automaton order: sorted by end, near-sorted
            if any(x > y for x, y in zip(bstarts, bstarts[1:])):
                blist = sorted(blist)
                bstarts = [b[0] for b in blist]
            for a0, a1 in alist:
                best = None
                lo_i = bisect_left(bstarts, a0 - span - 200)
                hi_i = bisect_right(bstarts, a1 + span)
                for b0, b1 in blist[lo_i:hi_i]:
                    lo, hi = (a1, b0) if b0 >= a1 else ((b1, a0) if a0 >= b1 else (None, None))
                    if lo is None:
                        continue
                    between = c[lo:hi]
                    if _SENTENCE_END.search(c, max(0, lo - 4), hi):
                        continue         # near means in the same sentence
                    gap = len(between.strip(_EDGE_PUNCT).split())   # « cambriolages, de » : 1 word
                    if gap <= limit and (best is None or gap < best[0]):
                        best = (gap, min(a0, b0), max(a1, b1))
                if best:
                    if entries[ei].backstop:
                        # the hit is the device word (its theme); a line break (a lot's
                        # label and its text, a list) ends the sentence too, unless a PDF
                        # put it mid-sentence
                        o0, o1 = ft.to_original(best[1], best[2])
                        if not _hard_break(s[o0:o1]):
                            target.append((ei, a0, a1))
                    else:
                        target.append((ei, best[1], best[2]))
        if exn and (main or acro_raw):
            def near_excluded(ei, a0, a1):
                for x0, x1, j in exn.get(ei, ()):
                    lo, hi = (a1, x0) if x0 >= a1 else (x1, a0)
                    if hi <= lo or len(c[lo:hi].strip(_EDGE_PUNCT).split()) <= entries[ei].exclude_near[j][1]:
                        return True
                return False
            main = [m for m in main if not near_excluded(*m)]
            acro_raw = [m for m in acro_raw if not near_excluded(*m)]
        acro = []
        ls = len(s)
        for ei, a, b in acro_raw:   # acronyms: exact case on the original text
            o0, o1 = ft.to_original(a, b)
            if s[o0:o1] not in self._acro_forms[ei]:
                continue
            if (o0 and s[o0 - 1].isalnum()) or (o1 < ls and s[o1].isalnum()):
                continue
            # part of a hyphenated name (« LAPI-BIO », « Taj-Mahal ») is not the acronym
            if ((o1 + 1 < ls and s[o1] in "-\u2011" and s[o1 + 1].isalnum())
                    or (o0 > 1 and s[o0 - 1] in "-\u2011" and s[o0 - 2].isalnum())):
                continue
            kind = entries[ei].kind
            (acro if kind == "term" else ctx if kind == "context" else sup).append(
                (ei, o0, o1, True))
        if excl and ctx:
            # a context word inside one of its `exclude` phrases is no context
            # (folded offsets; acronym items, with original offsets, carry a 4th element)
            ctx = [x for x in ctx if len(x) == 4
                   or not any(a < x[2] and x[1] < b for a, b in excl.get(x[0], ()))]
        if not main and not acro:
            # nothing to show: context and suppressors count for the whole field
            f.ctx = [(entries[ei].theme, None, None) for ei, *_ in ctx]
            f.sup = [(entries[ei].theme, entries[ei].term, None, None) for ei, *_ in sup]
            return

        def orig(item):
            if len(item) == 4:      # acronym: already original offsets
                return item[1], item[2]
            return ft.to_original(item[1], item[2])

        excl_orig = {}
        for item in main + acro:
            ei = item[0]
            o0, o1 = orig(item)
            if ei in excl and ei not in excl_orig:
                excl_orig[ei] = [ft.to_original(a, b) for a, b in excl[ei]]
            if any(a < o1 and o0 < b for a, b in excl_orig.get(ei, ())):
                continue
            f.cands.append(_Cand(ei, o0, o1, f))
        # positions of context / suppressors matter only for windows and covered ranges
        need = f.name == "text" and (doc_has_parts or any(entries[c.entry].tier != "A"
                                                          for c in f.cands))
        where = orig if need else (lambda it: (None, None))
        # context positions are needed by B hits: a context word inside the hit itself
        # (« caméra » in « caméras de surveillance ») is no context
        if need or any(entries[c.entry].tier == "B" for c in f.cands):
            f.ctx = [(entries[it[0]].theme, *orig(it)) for it in ctx]
        else:
            f.ctx = [(entries[it[0]].theme, None, None) for it in ctx]
        f.sup = [(entries[it[0]].theme, entries[it[0]].term, *where(it)) for it in sup]

    # ------------------------------------------------------------------ match a document
    def match(self, title="", text="", parts=None) -> MatchResult:
        title, text = _as_text(title), _as_text(text)
        fields = [_Field("title", None, None, title)]
        part_fields = []
        for i, p in enumerate(parts or []):
            if isinstance(p, dict):
                ptext, plabel = _as_text(p.get("text")), p.get("label")
            else:
                ptext, plabel = _as_text(p), None
            plabel = None if plabel is None else _as_text(plabel)
            part_fields.append(_Field("part", i, plabel, ptext))
        covered = []                 # (start, end) of the parts found in text
        labels = []                  # (start, end, part field): a part's label in text
        label_fields = []            # labels of parts that are not in text, matched alone
        pos = 0
        for pf in part_fields:
            if not pf.text.strip():
                continue
            at = text.find(pf.text, pos) if text else -1
            if at < 0:
                at = text.find(pf.text) if text else -1
            if at < 0:
                # a part that is not a slice of text (the `match` input may give a preamble
                # as text and the articles as parts): matched on its own, label included
                if pf.label and pf.label.strip():
                    label_fields.append(_Field("label", pf.index, pf.label, pf.label))
                continue
            covered.append((at, at + len(pf.text)))
            if pf.label and pf.label.strip():
                la = text.rfind(pf.label, pos, at)
                if la >= 0 and not text[la + len(pf.label):at].strip():
                    labels.append((la, la + len(pf.label), pf))
            pos = at + len(pf.text)
        text_field = None
        if text:
            text_field = _Field("text", None, None, text)
            fields.append(text_field)
        fields += part_fields
        fields += label_fields
        for f in fields:
            self._scan(f, bool(part_fields))
        # a label matched alone is context / suppressor of its part, like a label in text
        for lf in label_fields:
            pf = part_fields[lf.index]
            for c in lf.cands:
                c.part = pf
            pf.ctx += [(x[0], None, None) for x in lf.ctx]
            pf.sup += [(x[0], x[1], None, None) for x in lf.sup]
            lf.ctx, lf.sup = [], []
        if text_field is not None and covered:
            def out(a, b):
                return a is None or not any(c0 <= a and b <= c1 for c0, c1 in covered)
            text_field.cands = [c for c in text_field.cands if out(c.start, c.end)]
            text_field.ctx = [x for x in text_field.ctx if out(x[1], x[2])]
            text_field.sup = [x for x in text_field.sup if out(x[2], x[3])]
            if labels:
                # the label of a part (« Lot 10 – Courants faibles », an agenda item's
                # title) is context for that part only, not for the whole document
                def owner(a, b):
                    if a is None:
                        return None
                    return next((pf for l0, l1, pf in labels if l0 <= a and b <= l1), None)
                for c in text_field.cands:
                    c.part = owner(c.start, c.end)
                ctx, sup = [], []
                for x in text_field.ctx:
                    pf = owner(x[1], x[2])
                    (pf.ctx.append((x[0], None, None)) if pf else ctx.append(x))
                for x in text_field.sup:
                    pf = owner(x[2], x[3])
                    (pf.sup.append((x[0], x[1], None, None)) if pf else sup.append(x))
                text_field.ctx, text_field.sup = ctx, sup
        return self._decide(fields, title_f=fields[0], text_f=text_field,
                            doc_level=bool(part_fields))

    # ------------------------------------------------------------------ tier rules
    def _dedupe(self, f: _Field) -> list[_Cand]:
        entries = self.entries
        # a backstop hit ranks after the B terms: when it overlaps a B term of its theme,
        # that term is shown and counts alone instead (see `alone` below)
        cands = sorted(f.cands, key=lambda c: (_RANK[entries[c.entry].tier]
                                                + 0.5 * entries[c.entry].backstop,
                                                -(c.end - c.start), c.start))
        kept: list[_Cand] = []
        for c in cands:
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
        # a B/C hit inside a longer A hit of another theme reads as part of that name
        # (« empreintes digitales » in « fichier automatisé des empreintes digitales »)
        longer_a = [k for k in kept if entries[k.entry].tier == "A"]
        if longer_a:
            kept = [c for c in kept if entries[c.entry].tier == "A" or not any(
                k.start <= c.start and c.end <= k.end and k.end - k.start > c.end - c.start
                and entries[k.entry].theme != entries[c.entry].theme for k in longer_a)]
        # a backstop hit whose device word is part of a term of another theme reads as that
        # term (« caméra » in « caméra aéroportée », « micro » in « micro-drone »)
        if any(entries[c.entry].backstop for c in kept):
            kept = [c for c in kept if not entries[c.entry].backstop or not any(
                k.start < c.end and c.start < k.end and not entries[k.entry].backstop
                and entries[k.entry].theme != entries[c.entry].theme for k in f.cands)]
        kept.sort(key=lambda c: c.start)
        return kept

    def _decide(self, fields, title_f, text_f, doc_level) -> MatchResult:
        entries = self.entries
        for f in fields:
            f.cands = self._dedupe(f) if f.cands else []
            # (a backstop hit counts for itself, it is no evidence for other B terms)
            f.ab = [c for c in f.cands if entries[c.entry].tier in ("A", "B")
                    and not entries[c.entry].backstop]
        doc_fields = [title_f] + ([text_f] if (doc_level and text_f is not None) else [])

        # themes with a suppressor anywhere in the document; for the others a B hit (not an
        # acronym) may find its context or second term anywhere in the document, not only in
        # its part or window: the relevant sentence of a long text is rarely next to « police »
        doc_sup = {s[0] for f in fields for s in f.sup}
        # same-theme hits, per field: a context word inside one of them is part of a term,
        # not context (« caméras de surveillance » in the title and again in the text)
        spans: dict = {}
        for f in fields:
            for o in f.cands:
                spans.setdefault((id(f), entries[o.entry].theme), []).append(o)

        def region(c: _Cand):
            """(fields seen whole, (field, lo, hi) window or None)."""
            t = entries[c.entry]
            # (not for acronyms: « TES », « TAJ », « CSU » collide with ordinary words and
            # need their context next to them)
            if t.theme not in doc_sup and t.mode != "acronym":
                return fields, None
            if c.fld is title_f:
                return fields, None
            if c.fld.name == "part":
                return [c.fld] + doc_fields, None
            if c.part is not None:   # in a part's label
                return [c.part] + doc_fields, None
            if doc_level:   # uncovered text of a document with parts
                return fields, None
            return [title_f], (c.fld, c.start - WINDOW, c.end + WINDOW)

        def inside(win, a, b):
            return win is None or a is None or (win[1] <= b and a <= win[2])

        def veto(c):
            """The suppressor that vetoes B/C hit c, or None."""
            theme = entries[c.entry].theme
            if theme not in doc_sup:
                return None
            whole, win = region(c)
            sup_zones = [(w, None) for w in whole] + (
                [(win[0], (win[0], c.start - SUP_WINDOW, c.end + SUP_WINDOW))] if win else [])
            return next((s[1] for z, w in sup_zones for s in z.sup
                         if s[0] == theme and inside(w, s[2], s[3])), None)

        # each B/C hit's veto, decided once; a suppressed hit is no evidence for another B hit
        # (« aéronefs sans équipage à bord » vetoed by « aéromodélisme » does not confirm « UAS »)
        vetoes = {id(c): veto(c) for f in fields for c in f.cands
                  if entries[c.entry].tier != "A"}
        if doc_sup:
            for f in fields:
                f.ab = [o for o in f.ab if vetoes.get(id(o)) is None]

        kept, rejected = [], []
        fired = set()
        scores: dict[str, float] = {}
        pending_c = []
        for f in fields:
            for c in f.cands:
                t = entries[c.entry]
                if t.tier == "A":
                    kept.append(c)
                    fired.add(t.theme)
                    continue
                whole, win = region(c)
                zones = [(w, None) for w in whole] + ([(win[0], win)] if win else [])
                vetoed = vetoes[id(c)]
                if vetoed:
                    rejected.append((c, f"supprimé par « {vetoed} »"))
                    continue
                if t.tier == "C":
                    pending_c.append(c)
                    continue
                # (a near(a, b, n) term is its own evidence: its words may be context,
                # unless written with « needs_context: strict »)
                own = t.mode != "near" or t.strict_context
                def in_term(z, x):
                    return x[1] is not None and any(
                        (own or o is not c) and o.start <= x[1] and x[2] <= o.end
                        for o in spans.get((id(z), t.theme), ()))
                has_ctx = any(x[0] in (None, t.theme) and inside(w, x[1], x[2])
                              and not (own and z is c.fld and x[1] is not None
                                       and x[1] < c.end and c.start < x[2])
                              and not in_term(z, x)
                              for z, w in zones for x in z.ctx)
                # a second term counts unless it is a B term of the same theme sharing a
                # word stem (« biométrie » does not confirm « biométrique »)
                stems = self._stems[c.entry]
                has_ctx = has_ctx or not t.needs_context or c.alone
                has_other = has_ctx or any(
                    o is not c and entries[o.entry].term != t.term
                    and (entries[o.entry].tier == "A" or entries[o.entry].theme != t.theme
                         or not (stems & self._stems[o.entry]))
                    and inside(w, o.start, o.end)
                    for z, w in zones for o in z.ab)
                if has_ctx or has_other:
                    kept.append(c)
                    fired.add(t.theme)
                else:
                    rejected.append((c, "sans contexte"))
        for c in kept + pending_c:
            t = entries[c.entry]
            scores[t.theme] = round(scores.get(t.theme, 0.0) + WEIGHTS[t.tier], 3)
        for c in pending_c:
            if entries[c.entry].theme in fired:
                kept.append(c)
            else:
                rejected.append((c, "terme C : compte seulement dans le score"))
        order = {id(f): i for i, f in enumerate(fields)}
        kept.sort(key=lambda c: (order[id(c.fld)], c.start))
        hits = [self._hit(c) for c in kept]
        themes = [t["id"] for t in self.themes if t["id"] in fired]
        return MatchResult(flagged=bool(fired), scores=scores, themes=themes, hits=hits,
                           rejected=[(self._hit(c), why) for c, why in rejected],
                           version=self.version)

    # ------------------------------------------------------------------ output
    def _hit(self, c: _Cand) -> Hit:
        t = self.entries[c.entry]
        f = c.fld
        return Hit(theme=t.theme, term=t.term, tier=t.tier, part_label=f.label,
                   part_index=f.index, field=f.name, start=c.start, end=c.end,
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
