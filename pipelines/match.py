"""Second stage: keyword matching with the vocabulary of keywords.yml.

The matcher is built once per crawl; its result rides along with the item (`item._match`)
to the store stage, which writes the hits with the same code as `technoveille rematch`.
"""
from __future__ import annotations

import logging

from pipelines.matching import load_matcher
from technoveille.core.items import Document
from technoveille.core import config

logger = logging.getLogger(__name__)


def match_document(matcher, doc) -> object:
    """The one way a document is matched (crawl pipeline and rematch)."""
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k))
    return matcher.match(title=get("title") or "", text=get("text") or "",
                         parts=get("parts") or [])


class MatchPipeline:
    def __init__(self, keywords_path):
        self.keywords_path = keywords_path
        self.matcher = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("TECHNOVEILLE_KEYWORDS") or config.keywords_path())

    def open_spider(self, spider=None):
        self.matcher = load_matcher(self.keywords_path)
        logger.info("vocabulary %s loaded (%d terms)", self.keywords_path,
                    len(self.matcher.terms))

    def process_item(self, item, spider=None):
        if isinstance(item, Document):
            item._match = match_document(self.matcher, item)
        return item
