"""First pipeline stage: text hygiene shared by every source.

The same cleaning the parsers use (scrapers.parsers.textclean: HTML entities, cp1252 C1
control characters, UTF-8 mojibake, NFC, NBSP and stray whitespace), applied once more to
every Document whatever its source. Offsets of later keyword hits point into this normalised
text, which is the text stored and shown.
"""
from __future__ import annotations

from scrapers.items import Document
from scrapers.parsers.textclean import clean_text as _clean


def clean_text(value: str | None, single_line: bool = False) -> str | None:
    if value is None:
        return None
    return _clean(str(value).replace("\x00", ""), single_line=single_line)


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
