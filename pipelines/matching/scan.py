"""Scan one field: one Aho-Corasick pass over its folded text, then the per-field steps that
turn what the automaton found into candidates, context and suppressors (original offsets).

    find_keys           the automaton pass: terms, context, suppressors, near() words,
                        `exclude` phrases, near-exclusions, acronym forms (folded offsets)
    pair_near_words     near(a, b, n): the two words within n words, in one sentence
    drop_near_excluded  a term or acronym with an `exclude: [near(word, N)]` word close by
    check_acronyms      the exact case on the original text, whole words only
    drop_excluded_context  a context word inside one of its `exclude` phrases
    place_in_field      original offsets, `exclude` phrases, positions only where they matter
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from technoveille.core.fold import Folded, fold_text
from .model import Candidate, Context, Field, Found, Suppressor

MAIN, NEAR_A, NEAR_B, EXCL, ACRO = 0, 1, 2, 3, 4
EXCL_NEAR = 5           # 5 + j: word j of a term's `exclude: [near(word, N)]`

# builds a Context / Suppressor from one tuple without the NamedTuple's Python-level __new__:
# half the cost, for every context word and suppressor of a field that has candidates
_new = tuple.__new__

_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_EDGE_PUNCT = " ,;:.)("  # punctuation glued to a near() word is no word of the gap (folded text)
# a sentence end in folded text: « public. », « ; », not « L. 242-5 », « art. 10 », « M. »
_SENTENCE_END = re.compile(r"(?:[a-z]{4}[.!?]|[;!?])(?: |$)")
# a line break that a PDF put inside a sentence: a word (or a comma), then a lowercase word
_SOFT_BREAK = re.compile(r"[^\W_][,’'-]?[ \t]*\r?\n[ \t]*[a-zà-ÿœæ]")


def _hard_break(span: str) -> bool:
    """A line break that ends a sentence or a block (a lot's label and its text, a list item),
    not one that a PDF put in the middle of a sentence (a word or a comma, then a lowercase
    word on the next line)."""
    n = span.count("\n")
    return n > 0 and len(_SOFT_BREAK.findall(span)) < n


class Keys:
    """What one field holds, by role. Folded offsets, except the acronym lists (checked on
    the original text, original offsets)."""
    __slots__ = ("main", "ctx", "sup", "nears", "excl", "exn", "acro_raw", "acro", "acro_ctx",
                 "acro_sup")

    def __init__(self):
        self.main: list[Found] = []         # terms
        self.ctx: list[Found] = []          # context terms
        self.sup: list[Found] = []          # suppressors
        self.nears: dict = {}       # entry -> ([(start, end)] of word a, [...] of word b)
        self.excl: dict = {}        # entry -> [(start, end)] of its `exclude` phrases
        self.exn: dict = {}         # entry -> [(start, end, j)] of its near-exclusion words
        self.acro_raw: list[Found] = []     # acronym forms, case not checked yet
        self.acro: list[Found] = []         # acronym terms (original offsets)
        self.acro_ctx: list[Found] = []     # ... context (original offsets)
        self.acro_sup: list[Found] = []     # ... suppressors (original offsets)


def find_keys(automaton, kinds: list[str], c: str) -> Keys:
    """The automaton pass over folded text c: every key with word boundaries on both sides
    (a prefix key on its left only, and then it covers its whole word)."""
    k = Keys()
    n = len(c)
    word = _WORD
    main, ctx, sup, nears, excl, acro_raw, exn = (k.main, k.ctx, k.sup, k.nears, k.excl,
                                                  k.acro_raw, k.exn)
    by_kind = {"term": main.append, "context": ctx.append}
    sup_append = sup.append
    for end, (klen, payload) in automaton.iter(c):
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
    return k


def pair_near_words(k: Keys, entries, ft: Folded, s: str) -> None:
    """near(a, b, n): the closest b within n words of each a, in the same sentence."""
    c = ft.text
    for ei, (alist, blist) in k.nears.items():
        if not alist or not blist:
            continue
        t = entries[ei]
        target = k.main if t.kind == "term" else k.ctx if t.kind == "context" else k.sup
        limit = t.near[2]
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
                if t.backstop:
                    # the hit is the device word (its theme); a line break (a lot's
                    # label and its text, a list) ends the sentence too, unless a PDF
                    # put it mid-sentence
                    o0, o1 = ft.to_original(best[1], best[2])
                    if not _hard_break(s[o0:o1]):
                        target.append((ei, a0, a1))
                else:
                    target.append((ei, best[1], best[2]))


def drop_near_excluded(k: Keys, entries, c: str) -> None:
    """A term or acronym with one of its `exclude: [near(word, N)]` words within N words."""
    if not k.exn or not (k.main or k.acro_raw):
        return
    exn = k.exn

    def near_excluded(item: Found) -> bool:
        ei, a0, a1 = item
        for x0, x1, j in exn.get(ei, ()):
            lo, hi = (a1, x0) if x0 >= a1 else (x1, a0)
            if hi <= lo or len(c[lo:hi].strip(_EDGE_PUNCT).split()) <= entries[ei].exclude_near[j][1]:
                return True
        return False
    k.main = [m for m in k.main if not near_excluded(m)]
    k.acro_raw = [m for m in k.acro_raw if not near_excluded(m)]


def check_acronyms(k: Keys, kinds: list[str], acro_forms: dict, ft: Folded, s: str) -> None:
    """An acronym form found in the folded text counts when the original text has it in
    the exact case, as a whole word, not inside a hyphenated name."""
    ls = len(s)
    for ei, a, b in k.acro_raw:
        o0, o1 = ft.to_original(a, b)
        if s[o0:o1] not in acro_forms[ei]:
            continue
        if (o0 and s[o0 - 1].isalnum()) or (o1 < ls and s[o1].isalnum()):
            continue
        # part of a hyphenated name (« LAPI-BIO », « Taj-Mahal ») is not the acronym
        if ((o1 + 1 < ls and s[o1] in "-\u2011" and s[o1 + 1].isalnum())
                or (o0 > 1 and s[o0 - 1] in "-\u2011" and s[o0 - 2].isalnum())):
            continue
        kind = kinds[ei]
        (k.acro if kind == "term" else k.acro_ctx if kind == "context" else k.acro_sup).append(
            (ei, o0, o1))


def drop_excluded_context(k: Keys) -> None:
    """A context word inside one of its `exclude` phrases is no context (folded offsets:
    acronym context, checked on the original text, is kept)."""
    if k.excl and k.ctx:
        excl = k.excl
        k.ctx = [(ei, a0, a1) for ei, a0, a1 in k.ctx
                 if not any(a < a1 and a0 < b for a, b in excl.get(ei, ()))]


def place_in_field(f: Field, k: Keys, index, ft: Folded, doc_has_parts: bool) -> None:
    """Candidates, context and suppressors of field f in original offsets. A term hit that
    overlaps one of its `exclude` phrases is dropped. Positions of context and suppressors
    are kept only where the tier rules look at them."""
    entries = index.entries
    # (records without positions are the same for every field: built once per entry)
    ctx_whole, sup_whole = index.ctx_whole, index.sup_whole
    if not k.main and not k.acro:
        # nothing to show: context and suppressors count for the whole field
        f.ctx = [ctx_whole[ei] for ei, _, _ in k.ctx + k.acro_ctx]
        f.sup = [sup_whole[ei] for ei, _, _ in k.sup + k.acro_sup]
        return
    to_original = ft.to_original
    excl, excl_orig = k.excl, {}
    # acronyms already hold original offsets
    for ei, o0, o1 in [(ei, *to_original(a, b)) for ei, a, b in k.main] + k.acro:
        if ei in excl and ei not in excl_orig:
            excl_orig[ei] = [to_original(a, b) for a, b in excl[ei]]
        if any(a < o1 and o0 < b for a, b in excl_orig.get(ei, ())):
            continue
        f.cands.append(Candidate(ei, o0, o1, f))
    # positions of context / suppressors matter only for windows and covered ranges
    need = f.name == "text" and (doc_has_parts or any(entries[c.entry].tier != "A"
                                                      for c in f.cands))
    # context positions are needed by B hits: a context word inside the hit itself
    # (« caméra » in « caméras de surveillance ») is no context
    if need or any(entries[c.entry].tier == "B" for c in f.cands):
        f.ctx = ([_new(Context, (entries[ei].theme, *to_original(a, b))) for ei, a, b in k.ctx]
                 + [Context(entries[ei].theme, a, b) for ei, a, b in k.acro_ctx])
    else:
        f.ctx = [ctx_whole[ei] for ei, _, _ in k.ctx + k.acro_ctx]
    if need:
        f.sup = ([_new(Suppressor, (entries[ei].theme, entries[ei].term, *to_original(a, b)))
                  for ei, a, b in k.sup]
                 + [Suppressor(entries[ei].theme, entries[ei].term, a, b)
                    for ei, a, b in k.acro_sup])
    else:
        f.sup = [sup_whole[ei] for ei, _, _ in k.sup + k.acro_sup]


def scan_field(index, f: Field, doc_has_parts: bool = False) -> None:
    """Fill f.cands, f.ctx and f.sup; index is the compiled vocabulary (the Matcher)."""
    s = f.text
    if not s:
        return
    ft = fold_text(s)
    entries = index.entries
    k = find_keys(index.automaton, index.kinds, ft.text)
    if k.nears:
        pair_near_words(k, entries, ft, s)
    drop_near_excluded(k, entries, ft.text)
    if k.acro_raw:
        check_acronyms(k, index.kinds, index.acro_forms, ft, s)
    drop_excluded_context(k)
    place_in_field(f, k, index, ft, doc_has_parts)
