"""Text hygiene for public-source text: HTML entities, cp1252 C1 controls, mojibake, NFC.

Pure functions, no Scrapy. `clean_text(s)` returns the repaired string; `TextCleaner` does the same and
remembers what it had to repair, so a parser can report it (BOAMP: « mojibake » becomes a warning).

* HTML entities: unescaped, twice at most (`d&amp;#039;` → `d&#039;` → `d'`), only while an entity is left.
* cp1252 C1 controls: a character U+0080–U+009F is the cp1252 byte read as Latin-1 (`\\x8c` → « Œ »,
  `\\x92` → « ’ »); the five bytes cp1252 leaves undefined are dropped.
* UTF-8 read as cp1252 (« Ã© » → « é », « â€™ » → « ’ »), repaired only where the bytes form valid UTF-8.
* Unicode NFC; line ends unified; runs of spaces and tabs collapsed; lines stripped.
"""
from __future__ import annotations

import html
import re
import unicodedata

_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_C1_RE = re.compile("[\u0080-\u009f]")

# char → cp1252 byte for 0x80..0xFF; undefined cp1252 bytes map from their Latin-1 (C1) char.
_CP1252_BYTE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    try:
        _CP1252_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        _CP1252_BYTE[chr(_b)] = _b
# a C1 control read from a Latin-1 decoding is its own byte too (« Ã\x81 » → « Á »)
_SINGLE_BYTE = {chr(b): b for b in range(0x80, 0xA0)} | _CP1252_BYTE
_CONT = "".join(re.escape(c) for c, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF)
# Two-byte sequences led by Â Ã Å Æ (Latin-1 letters, Œ œ Š Ÿ ƒ) and three-byte ones led by â (’ “ ” € …).
_MOJIBAKE_RE = re.compile(f"[\u00c2\u00c3\u00c5\u00c6][{_CONT}]|\u00e2[{_CONT}]{{2}}")
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f\u2007]+")


def _c1_char(match: re.Match) -> str:
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return match.group()  # undefined in cp1252: kept for the mojibake pass, dropped after


def _from_single_byte(part: str) -> str | None:
    try:
        return bytes(_SINGLE_BYTE[c] if c in _SINGLE_BYTE else ord(c) for c in part).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _from_cp1250(part: str) -> str | None:
    try:
        return part.encode("cp1250").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def unmojibake(chunk: str) -> tuple[str, int] | None:
    """UTF-8 read as cp1252 / Latin-1 (« Ã© ») or cp1250 (« Ă© »): (repaired text, number of
    characters of `chunk` it replaces), or None. The whole chunk is tried, then its first two
    characters. Shared by `clean_text` and the matcher's folding (one repairer)."""
    for size in (len(chunk), 2):
        part = chunk[:size]
        for decode in (_from_single_byte, _from_cp1250):
            fixed = decode(part)
            if fixed and len(fixed) < len(part):
                return fixed, size
    return None


def _mojibake(match: re.Match) -> str:
    fixed = unmojibake(match.group())
    return fixed[0] + match.group()[fixed[1]:] if fixed else match.group()


class TextCleaner:
    """Cleans strings and records the kinds of repair made (in `self.repairs`, a set of labels)."""

    def __init__(self) -> None:
        self.repairs: set[str] = set()

    def __call__(self, value: object, *, single_line: bool = False) -> str:
        if value is None:
            return ""
        s = value if isinstance(value, str) else str(value)
        if "&" in s:
            for _ in range(2):
                if not _ENTITY_RE.search(s):
                    break
                s = html.unescape(s)
                self.repairs.add("html entities")
        if _C1_RE.search(s):
            s = _C1_RE.sub(_c1_char, s)
            self.repairs.add("cp1252 C1 control characters")
        if _MOJIBAKE_RE.search(s):
            fixed = _MOJIBAKE_RE.sub(_mojibake, s)
            if fixed != s:
                s = fixed
                self.repairs.add("UTF-8 mojibake")
        if _C1_RE.search(s):
            s = _C1_RE.sub("", s)
        s = unicodedata.normalize("NFC", s).replace("\r\n", "\n").replace("\r", "\n")
        if single_line:
            return " ".join(s.split())
        lines = [_SPACES_RE.sub(" ", line).strip() for line in s.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(value: object, *, single_line: bool = False) -> str:
    """Clean one string (see the module docstring); `single_line` also folds newlines into spaces."""
    return TextCleaner()(value, single_line=single_line)


def _clean_field(value: str | None, single_line: bool = False) -> str | None:
    if value is None:
        return None
    return clean_text(str(value).replace("\x00", ""), single_line=single_line)


def normalise_document(doc):
    """The text hygiene applied to every Document whatever its source (the normalise pipeline
    stage; the JORF spider uses it to compare a text with its stored version): title, text,
    parts, authority and place cleaned, NUL bytes dropped. Returns `doc`, changed in place."""
    doc.title = _clean_field(doc.title, single_line=True)
    doc.text = _clean_field(doc.text) or ""
    doc.authority = _clean_field(doc.authority, single_line=True)
    doc.place_name = _clean_field(doc.place_name, single_line=True)
    doc.parts = [{"label": _clean_field(p.get("label"), single_line=True) or "",
                  "text": _clean_field(p.get("text")) or ""}
                 for p in (doc.parts or []) if isinstance(p, dict)]
    return doc
