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
_CONT = "".join(re.escape(c) for c, b in _CP1252_BYTE.items() if 0x80 <= b <= 0xBF)
# Two-byte sequences led by Â Ã Å Æ (Latin-1 letters, Œ œ Š Ÿ ƒ) and three-byte ones led by â (’ “ ” € …).
_MOJIBAKE_RE = re.compile(f"[\u00c2\u00c3\u00c5\u00c6][{_CONT}]|\u00e2[{_CONT}]{{2}}")
_SPACES_RE = re.compile(r"[ \t\u00a0\u202f\u2007]+")


def _c1_char(match: re.Match) -> str:
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return match.group()  # undefined in cp1252: kept for the mojibake pass, dropped after


def _mojibake(match: re.Match) -> str:
    try:
        return bytes(_CP1252_BYTE[c] for c in match.group()).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return match.group()


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
