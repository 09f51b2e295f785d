"""Site walker for `site` registry entries, without Scrapy: a listing page or a session page
(a parsel Selector, its base URL, the registry Level) → what it links to.

`sessions()` reads a listing page into SessionLink (a séance page to read next);
`documents()` reads a page into DocumentLink (a document to download, typed and dated);
both return a Walk: those links and the problems met, in page order, and the next page of
the pagination. Dates: the item's date selector (`<time datetime>`) and its title,
cross-checked; a date in a link's own text wins. Problems are DateProblem (a date that
cannot exist: an `impossible-date` row) and EmptyPage (a selector that finds nothing: the
page changed shape, a registry health warning).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, Union
from urllib.parse import urljoin

from parsel import Selector

from scrapers.parsers.council import classify, dates
from scrapers.parsers.council.registry import Level, select
from scrapers.parsers.council.urls import url_id

# « (PDF – 182 Ko) », « [PDF, 1,2 Mo] », « (pdf) »: file details, not part of the title
_FILE_NOTE = re.compile(r"\s*[(\[]\s*(?:(?:pdf|docx?|odt|rtf)\b\s*[-–—,:]?\s*)?"
                        r"(?:\d+(?:[.,]\d+)?\s*(?:[kmg]?o|[kmg]b|octets)\b)?\s*[)\]]", re.I)


@dataclass
class Session:
    """What a session page inherits from its listing: title, date, note on the date."""
    title: str | None = None
    date: str | None = None
    date_note: str | None = None


@dataclass
class SessionLink:
    url: str
    session: Session


@dataclass
class DocumentLink:
    url: str
    source_id: str
    title: str | None
    doc_type: str | None
    date: str | None
    extra: dict = field(default_factory=dict)

    def info(self) -> dict:
        """The listing's knowledge of the document, as carried to its download."""
        return {"source_id": self.source_id, "title": self.title, "doc_type": self.doc_type,
                "date": self.date, "extra": self.extra}


@dataclass
class DateProblem:
    """A date that cannot exist (« 31 février »): an `impossible-date` row."""
    detail: str


@dataclass
class EmptyPage:
    """The selector finds nothing: `listing-empty` or `documents-empty`."""
    reason: str
    selector: str | None


Found = Union[SessionLink, DocumentLink, DateProblem, EmptyPage]


@dataclass
class Walk:
    found: list[Found] = field(default_factory=list)
    next_url: str | None = None


def clean_anchor(text: str) -> str:
    return re.sub(r"\s+", " ", _FILE_NOTE.sub(lambda m: "" if re.search(r"[a-z0-9]", m[0], re.I)
                                              else m[0], text)).strip()


def text_of(node, selector: str | None) -> str:
    if not selector:
        return ""
    values = select(node, selector).getall()
    return re.sub(r"\s+", " ", " ".join(values)).strip()


def links(node, selector: str) -> Iterator[tuple[str, str]]:
    """(href, cleaned anchor text) of every link the `link` selector designates."""
    element = re.sub(r"::attr\(href\)$", "", selector).strip() or "a"
    for link in select(node, element):
        href = link.attrib.get("href") if hasattr(link, "attrib") else None
        if href is None and isinstance(link.root, str):
            href = link.root
        if href:
            anchor = clean_anchor(" ".join(link.css("::text").getall())) \
                if not isinstance(link.root, str) else ""
            yield href.strip(), anchor


def next_page(sel: Selector, base_url: str, level: Level, page: int) -> str | None:
    """URL of the next page of the pagination, unless `page` is the last one allowed."""
    if not level.next:
        return None
    href = select(sel, level.next).get()
    if not href or page >= level.max_pages:
        return None
    return urljoin(base_url, href)


def _safe_date(text, problems: list) -> date | None:
    try:
        return dates.parse_date(text)
    except dates.ImpossibleDate as exc:
        problems.append(DateProblem(str(exc)))
        return None


def item_date(node, level: Level, title: str, inherited: str | None, problems: list):
    """Date from the date selector (`<time datetime>`), from the title, cross-checked.
    Returns (iso date or None, note, publication date from the selector)."""
    published = _safe_date(text_of(node, level.date), problems)
    title_date = _safe_date(title, problems)
    when, note = dates.cross_check(title_date, published)
    if when is None and inherited:
        when = date.fromisoformat(inherited)
    return (when.isoformat() if when else None), note, published


def link_date(anchor: str, published, when, note, problems: list, title: str = ""):
    """A date in the link's own text is the most specific one (a PV listed with the
    next séance's documents, several séances in one table row): it wins over the
    block's, cross-checked with the block's publication date. Returns (when, note)."""
    if not anchor or anchor == title:     # same text as the block title: already read
        return when, note
    try:
        found = dates.find_dates(anchor)
    except dates.ImpossibleDate as exc:
        problems.append(DateProblem(str(exc)))
        return when, note
    if not found:
        return when, note
    fixed, fix_note = dates.cross_check(found[0].value, published)
    return fixed.isoformat(), fix_note


def sessions(sel: Selector, base_url: str, level: Level, page: int = 1) -> Walk:
    """A listing page: one SessionLink per link of every item."""
    walk = Walk()
    nodes = select(sel, level.item) if level.item else [sel]
    count = 0
    for node in nodes:
        title = text_of(node, level.title) if level.title else ""
        item_when, item_note, published = item_date(node, level, title, None, walk.found)
        for href, anchor in links(node, level.link):
            count += 1
            when, note = link_date(anchor, published, item_when, item_note, walk.found, title)
            walk.found.append(SessionLink(urljoin(base_url, href),
                                          Session(title or anchor, when, note)))
    if not count:
        walk.found.append(EmptyPage("listing-empty", level.item or level.link))
    walk.next_url = next_page(sel, base_url, level, page)
    return walk


def documents(sel: Selector, base_url: str, level: Level, council_id: str,
              default_type: str | None = None, session: Session | None = None,
              page: int = 1) -> Walk:
    """A page of documents (a session page, or the listing itself for entries without
    sessions): one DocumentLink per document link (the level's `pattern`, else a document
    URL), classified from its anchor, its item's title and the session; `types` filters."""
    session = session or Session()
    walk = Walk()
    nodes = select(sel, level.item) if level.item else [sel]
    count = 0
    for node in nodes:
        item_title = text_of(node, level.title) if level.title else ""
        item_when, item_note, published = item_date(node, level, item_title, session.date,
                                                     walk.found)
        for href, anchor in links(node, level.link):
            url = urljoin(base_url, href)
            if not url.startswith("http"):
                continue
            if level.pattern:
                if not re.search(level.pattern, url):
                    continue
            elif not classify.is_document_url(url):
                continue
            count += 1
            when, note = link_date(anchor, published, item_when, item_note, walk.found, item_title)
            label = classify.classify(anchor, url, context=" ".join(
                filter(None, [item_title, session.title])))
            doc_type = label or level.default_type or default_type
            if level.types and doc_type not in level.types:
                continue
            title = anchor if len(anchor) > 15 else (item_title or anchor or session.title)
            if session.title and title != session.title and len(title or "") < 40:
                title = f"{title} – {session.title}"
            walk.found.append(DocumentLink(
                url, f"{council_id}:{url_id(url)}", title, doc_type, when,
                {"council": council_id, "kind": "site", "session": session.title or item_title or None,
                 "date_note": note or session.date_note}))
    if not count:
        walk.found.append(EmptyPage("documents-empty", level.item or level.link))
    walk.next_url = next_page(sel, base_url, level, page)
    return walk
