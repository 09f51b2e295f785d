"""The one text-folding module: the matcher, the FTS index, the SQL `fold()` function and the
date parser all fold letters here, so a campaigner's search and the matcher agree.

* `fold_text(s)` / `fold(s)`: the matcher's folding, with offsets mapped back (below);
* `fold_plain(s)`: the same letters (lower case, no accents, œ/æ/ß spelled out, typographic
  apostrophes as "'"), punctuation and spacing kept — the SQL `fold()` and the date parser;
* `fold_for_index(s)`: what the FTS index stores — only œ/æ spelled out, since the FTS5
  `unicode61 remove_diacritics 2` tokenizer folds case and accents itself and snippets must
  stay readable.

Matcher folding, with offsets mapped back to the original string.

`fold_text(s)` returns a `Folded` whose `.text` holds only ASCII: lowercase letters without
accents, digits, single spaces and ASCII punctuation. Hyphens, NBSP and every kind of
whitespace become one space; typographic apostrophes become "'"; œ/æ become oe/ae.
Before that it repairs HTML entities, UTF-8 mojibake (« vidÃ©o », « DĂ©cret »), words cut
by an end-of-line hyphen (« VIDEO-\\nPROTECTION », also across one blank line, and
« enregis- trement » once a PDF's line break became a space) and the usual OCR misreadings of
scanned acts: an elision whose apostrophe became « □ » or « ? » (« l□enregistrement »), a
capital I for the l of « l' » (« I'enregistrement »), a 5 for an s inside or at the end of a
word (« caméra5 », « pré5ente »; not « A5 », « 5ème », « 2025 »).

Speed: the common path is a handful of C-level passes (str.replace, latin-1 encode with an
error handler for the rare other characters, bytes.translate, one regex for runs of spaces).
The offset maps are only built when a caller asks for an original offset.
"""
from __future__ import annotations

import codecs
import functools
import html
import re
import threading
import unicodedata
from bisect import bisect_right

from technoveille.core.textclean import unmojibake

# ------------------------------------------------------------------ per-character folding

_SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl",
            "\ufffd": "e",  # lost accent (« cam�ras »): nearly always an é in French text
            "ĳ": "ij"}
_APOSTROPHES = "'’‘ʼ`´′ʹ"
# quotation marks are spaces: « caméras « augmentées » » matches « caméras augmentées »
_QUOTES = '"«»“”„‟‹›'


@functools.lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Fold one character to ASCII (may return '', one or several characters)."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch in _APOSTROPHES:
        return "'"
    if ch in _QUOTES:
        return " "
    cat = unicodedata.category(ch)
    if ch.isspace() or cat == "Pd" or ch in "\u00ad\u2212":
        return " " if ch != "\u00ad" else ""
    if cat in ("Cf", "Mn", "Me"):  # zero-width characters, combining marks
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    out = []
    for c in decomposed:
        if unicodedata.combining(c):
            continue
        c = c.casefold()
        for x in c:
            if x.isascii():
                out.append(" " if x.isspace() or x == "-" else x)
            elif x in _SPECIAL:
                out.append(_SPECIAL[x])
            elif x.isalnum():
                out.append("#")  # a letter of another script: a boundary, never a term
            else:
                out.append(".")
    return "".join(out)


def _byte_table() -> bytes:
    table = bytearray(256)
    for i in range(256):
        f = fold_char(chr(i))
        if len(f) != 1:
            f = {"ß": "s", "æ": "a", "Æ": "a", "\u00ad": " "}.get(chr(i), f[:1] or " ")
        if not f.isascii():
            f = "."
        if f in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x7f" or ord(f) < 32:
            f = " "
        table[i] = ord(f)
    return bytes(table)


_BYTES = _byte_table()

# ------------------------------------------------------------------ offset maps


class PieceMap:
    """Maps offsets of an edited string back to the string before the edits.

    `edits` are (src_start, src_end, replacement_length), sorted and non-overlapping."""

    __slots__ = ("_dst", "_edits")

    def __init__(self, edits):
        self._edits = edits
        self._dst = []
        shift = 0
        for s0, s1, n in edits:
            self._dst.append(s0 + shift)
            shift += n - (s1 - s0)

    def to_src(self, pos: int, end: bool = False) -> int:
        i = bisect_right(self._dst, pos) - 1
        if i < 0:
            return pos
        s0, s1, n = self._edits[i]
        off = pos - self._dst[i]
        if end and off == 0:
            return s0
        if off >= n:
            return s1 + off - n
        return s1 if end else s0


# ------------------------------------------------------------------ repairs (stage A)

_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
# UTF-8 read as cp1252/latin-1 (Ã©, Ã¨, Ã§, â€™ ...) or as cp1250 (Ă©)
_MOJI_LEAD = "\u00c2\u00c3\u00c5\u0102\u00e2"
_MOJI_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
              "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026"
              "\u2030\u2039\u203a\u20ac\u2122\u0161\u015a\u0164\u0179\u02c7\u02d8\u02db"
              "\u0105\u015f\u013d\u013e\u017c\u0141\u0142\u0104\u015e\u017b")
_MOJIBAKE = f"[{_MOJI_LEAD}][{_MOJI_CONT}]{{1,2}}"
_EOL_HYPHEN = r"(?<=[^\W\d_])[-\u2010\u2011\u00ad][ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?=[^\W\d_])"
# the line break turned into spaces: « enregis- trement » (two letters before, a lowercase
# word right after; « Lot 1 - drones », « Saint- Denis » stay apart). Every pattern of the
# repairs starts with a literal character, so that the scan of a long text stays fast
_JOINED_HYPHEN = r"-(?<=[^\W\d_]{2}-)[ \t]+(?=[a-zà-ÿœæ]{2})"
_ENTITY_RE = re.compile(_ENTITY)
_MOJI_RE = re.compile(_MOJIBAKE)
_EOL_RE = re.compile(_EOL_HYPHEN)
_JOINED_RE = re.compile(_JOINED_HYPHEN)
_QUICK_MOJI = re.compile(f"[{_MOJI_LEAD}][{_MOJI_CONT}]")
_EXPAND_RE = re.compile("[æÆß]")
_QUICK_EOL = re.compile(r"[-\u2010\u2011\u00ad][ \t]*\r?\n")
# OCR of scanned acts: « l□enregistrement », « d?images », « qu□il » (the apostrophe of an
# elision misread), « I'enregistrement » (a capital I for the l), « caméra5 » (5 for s)
_OCR_ELISION = re.compile(r"[\u25a1\u25af?](?=[^\W\d_])")   # checked: l/d/qu… before
_ELIDED = frozenset("lLdDnNsSjJcCmMtT")
_OCR_CAPITAL_I = re.compile(r"I(?<![^\W_]I)(?=['\u2019][^\W\d_])")
_OCR_FIVE = re.compile(r"5(?:(?<=[^\W\d_]{2}5)(?=[^\W\d_])|(?<=[^\W\d_]{3}5)(?![^\W_])"
                       r"|(?<=[a-zà-ÿ]{2}5)(?![^\W_]))")


def _elision_before(s: str, i: int) -> bool:
    """s[:i] ends with a word that is an elided l, d, n, s, j, c, m, t or qu."""
    if i >= 1 and s[i - 1] in _ELIDED and (i < 2 or not _is_word(s[i - 2])):
        return True
    return i >= 2 and s[i - 2:i].lower() == "qu" and (i < 3 or not _is_word(s[i - 3]))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _repair(s: str) -> tuple[str, list]:
    """HTML entities, mojibake, end-of-line hyphenation, OCR misreadings, æ/ß. Returns
    (text, edits)."""
    found = []
    if "&" in s:
        for m in _ENTITY_RE.finditer(s):
            repl = html.unescape(m.group())
            if repl != m.group():
                found.append((m.start(), m.end(), repl))
    if ("Ã" in s or "Â" in s or "Ă" in s or "â€" in s or "Å" in s) and _QUICK_MOJI.search(s):
        for m in _MOJI_RE.finditer(s):
            fixed = unmojibake(m.group())
            if fixed:
                found.append((m.start(), m.start() + fixed[1], fixed[0]))
    if ("-\n" in s or "-\r" in s or "- \n" in s or "\u00ad" in s or "\u2010" in s
            or "\u2011" in s or "-\t" in s) and _QUICK_EOL.search(s):
        found.extend((m.start(), m.end(), "") for m in _EOL_RE.finditer(s))
    if "- " in s or "-\t" in s:
        found.extend((m.start(), m.end(), "") for m in _JOINED_RE.finditer(s))
    if "\u25a1" in s or "\u25af" in s or "?" in s:
        found.extend((m.start(), m.end(), "'") for m in _OCR_ELISION.finditer(s)
                     if _elision_before(s, m.start()))
    if "I'" in s or "I\u2019" in s:
        found.extend((m.start(), m.end(), "l") for m in _OCR_CAPITAL_I.finditer(s))
    if "5" in s:
        found.extend((m.start(), m.end(), "s") for m in _OCR_FIVE.finditer(s))
    if "æ" in s or "Æ" in s or "ß" in s:
        found.extend((m.start(), m.end(), _SPECIAL[m.group()]) for m in _EXPAND_RE.finditer(s))
    if not found:
        return s, []
    found.sort()
    out, edits, last = [], [], 0
    for start, end, repl in found:
        if start < last:
            continue
        out.append(s[last:start])
        out.append(repl)
        edits.append((start, end, len(repl)))
        last = end
    out.append(s[last:])
    return "".join(out), edits


# ------------------------------------------------------------------ stage B: to latin-1

_local = threading.local()


def _fold_errors(exc):
    edits = _local.edits
    pieces = []
    for i in range(exc.start, exc.end):
        f = fold_char(exc.object[i])
        if len(f) != 1:
            edits.append((i, i + 1, len(f)))
        pieces.append(f)
    return "".join(pieces), exc.end


codecs.register_error("technoveille-fold", _fold_errors)


class Folded:
    """The folded text of one string; `.to_original(start, end)` maps a span back."""

    __slots__ = ("original", "text", "_maps", "_collapse_src")

    def __init__(self, original, text, maps, collapse_src):
        self.original = original
        self.text = text
        self._maps = maps            # [stage B map, stage A map] (None when no edit)
        self._collapse_src = collapse_src  # bytes before collapsing, or None

    def _collapse_map(self):
        src = self._collapse_src
        if src is None:
            return None
        # runs of spaces, found with bytes.find (a regex scan of the whole text cost more
        # than the rest of the mapping)
        edits, n, find = [], len(src), src.find
        i = find(b"  ")
        while i >= 0:
            j = i + 2
            while j < n and src[j] == 32:
                j += 1
            edits.append((i, j, 1))
            i = find(b"  ", j)
        self._collapse_src = PieceMap(edits)
        return self._collapse_src

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        cmap = self._collapse_src
        if cmap is not None and not isinstance(cmap, PieceMap):
            cmap = self._collapse_map()
        if cmap is not None:
            start, end = cmap.to_src(start), cmap.to_src(end, end=True)
        for m in self._maps:
            if m is not None:
                start, end = m.to_src(start), m.to_src(end, end=True)
        return start, end


def fold_text(s: str) -> Folded:
    repaired, edits_a = _repair(s)
    t = repaired.replace("\u2019", "'")
    _local.edits = []
    b = t.encode("latin-1", "technoveille-fold")
    edits_b = _local.edits
    _local.edits = None
    b = b.translate(_BYTES)
    collapse_src = None
    if b"  " in b:
        collapse_src = b
        while b"  " in b:        # same result as re.sub(b" {2,}", b" "), twice as fast
            b = b.replace(b"  ", b" ")
    maps = [PieceMap(edits_b) if edits_b else None, PieceMap(edits_a) if edits_a else None]
    return Folded(s, b.decode("ascii"), maps, collapse_src)


def fold(s: str) -> str:
    """Folded text only (used for terms)."""
    return fold_text(s).text.strip()


# ------------------------------------------------------------------ plain and index folding



@functools.lru_cache(maxsize=8192)
def _plain_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch.isspace():
        return " "
    if not ch.isalnum():
        return ch
    folded = fold_char(ch)
    return ch.casefold() if folded == "#" else folded


def fold_plain(s: str | None) -> str | None:
    """Lower case, accents removed, ligatures spelled out, apostrophes unified; the rest kept."""
    if s is None:
        return None
    if s.isascii():
        return s.lower()
    return "".join(_plain_char(ch) for ch in s)


_INDEX_PAIRS = (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"))


def fold_for_index(s: str | None) -> str:
    """The FTS copy of a text: œ/æ spelled out (unicode61 does not fold them).
    str.replace per ligature present (C speed); `str.translate` with a dict table walked
    every character in Python-level lookups and cost 13 % of the store path."""
    s = s or ""
    if s.isascii():
        return s
    for ligature, spelled in _INDEX_PAIRS:
        if ligature in s:
            s = s.replace(ligature, spelled)
    return s
