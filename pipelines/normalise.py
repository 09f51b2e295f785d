"""First pipeline stage: text hygiene shared by every source.

The same cleaning the parsers use (technoveille.core.textclean: HTML entities, cp1252 C1
control characters, UTF-8 mojibake, NFC, NBSP and stray whitespace), applied once more to
every Document whatever its source. Offsets of later keyword hits point into this normalised
text, which is the text stored and shown.
"""
from __future__ import annotations

from technoveille.core.items import Document
from technoveille.core.textclean import normalise_document


class NormalisePipeline:
    def process_item(self, item, spider=None):
        if isinstance(item, Document):
            normalise_document(item)
        return item
