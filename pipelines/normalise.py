"""First pipeline stage: text hygiene shared by every source.

html.unescape (once), cp1252 C1 control characters repaired (« \\x8c » → « Œ »), Unicode NFC,
NBSP and stray whitespace tidied. Offsets of later keyword hits point into this normalised
text, which is the text stored and shown.
"""
from __future__ import annotations

import html
import re
import unicodedata

from scrapers.items import Document

_C1 = re.compile("[\x80-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _c1_to_cp1252(match: re.Match) -> str:
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d have no cp1252 character
        return ""


def clean_text(value: str | None, single_line: bool = False) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in value:
        value = html.unescape(value)
    value = _C1.sub(_c1_to_cp1252, value)
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\x00", "")
    value = _SPACES.sub(" ", value)
    if single_line:
        value = " ".join(value.split())
    else:
        value = "\n".join(line.strip() for line in value.split("\n"))
        value = _BLANK_LINES.sub("\n\n", value).strip()
    return value


def normalise_document(doc: Document) -> Document:
    doc.title = clean_text(doc.title, single_line=True)
    doc.text = clean_text(doc.text) or ""
    doc.authority = clean_text(doc.authority, single_line=True)
    doc.place_name = clean_text(doc.place_name, single_line=True)
    doc.parts = [{"label": clean_text(p.get("label"), single_line=True) or "",
                  "text": clean_text(p.get("text")) or ""}
                 for p in (doc.parts or []) if isinstance(p, dict)]
    return doc


class NormalisePipeline:
    def process_item(self, item, spider=None):
        if isinstance(item, Document):
            normalise_document(item)
        return item
