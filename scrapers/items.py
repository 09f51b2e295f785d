"""The one item shape every spider yields (Document) and the error row (CrawlError)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    source: str
    source_id: str
    url: str | None = None
    title: str | None = None
    text: str = ""
    parts: list[dict[str, str]] = field(default_factory=list)
    published_on: str | None = None
    doc_type: str | None = None
    authority: str | None = None
    authority_id: str | None = None
    place_name: str | None = None
    place_code: str | None = None
    related: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    fetched_at: str | None = None
    sha256: str | None = None
    archive: str | None = None

    @property
    def id(self) -> str:
        return f"{self.source}:{self.source_id}"


@dataclass
class CrawlError:
    source: str
    reason: str
    url: str | None = None
    record_id: str | None = None
    detail: str | None = None
