"""The items spiders yield and pipelines write: Document (the one document shape), CrawlError
(an error row), StateUpdate (incremental state, with the deletions a source announced)."""
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


@dataclass
class Deletion:
    """A text or an article the source withdrew (JORF `liste_suppression_jorf.dat`): the store
    marks it (`extra.deleted` = `by`, or `extra.deleted_articles`), never erases it."""
    source: str
    target: str       # JORFTEXT… (a text) or JORFARTI… (an article of a stored text)
    by: str           # the archive that withdrew it


@dataclass
class StateUpdate:
    """State a spider learned (archives read to their end, ETags, JOs done): `values` are
    written into the `state` table with `deletions` applied, in one transaction, after every
    item the spider yielded before it."""
    values: dict[str, str] = field(default_factory=dict)
    deletions: list[Deletion] = field(default_factory=list)
