"""A `scdl` registry entry's feed, without Scrapy: the downloaded body → its délibérations
and the problems to report, or the resources of a data.gouv.fr dataset to read next.

read() takes the entry's own URL (its `format`, an HTML page is refused, no row at all is a
health warning) or, with resource=True, a dataset resource (format guessed, nothing more).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from scrapers.parsers.council import scdl
from scrapers.parsers.council.registry import Council


@dataclass
class FeedProblem:
    """A crawl_errors row: `record_id` is the council's id or the row's; `health` marks
    a registry health warning (the feed has no row: `feed-empty`)."""
    reason: str
    record_id: str
    detail: str | None = None
    health: bool = False


@dataclass
class Feed:
    rows: list[scdl.Delib] = field(default_factory=list)
    problems: list[FeedProblem] = field(default_factory=list)


def is_dataset(body: bytes, council: Council) -> bool:
    """A data.gouv.fr dataset (API JSON) rather than a feed: its resources are the feeds."""
    return council.format == "json" and body.lstrip()[:1] == b"{" and b'"resources"' in body[:200000]


def resources(dataset: dict) -> list[str]:
    """URLs of a data.gouv.fr dataset's CSV and JSON resources."""
    return [res["url"] for res in dataset.get("resources", [])
            if (res.get("format") or "").lower() in ("csv", "json") and res.get("url")]


def read(body: bytes, council: Council, resource: bool = False) -> Feed:
    feed = Feed()
    if not resource and re.match(rb"\s*(<!doctype|<html)", body[:200], re.I):
        feed.problems.append(FeedProblem("feed-is-html", council.id,
                                         "une page HTML au lieu d'un CSV/JSON"))
        return feed
    try:
        rows, bad = scdl.parse(body, "auto" if resource else council.format,
                               file_url=council.file_url, columns=council.columns)
    except scdl.FeedError as exc:
        feed.problems.append(FeedProblem("feed-unreadable", council.id, str(exc)))
        return feed
    if not rows and not resource:
        feed.problems.append(FeedProblem("feed-empty", council.id, health=True))
    for err in bad:
        record_id = council.id if resource else \
            f"{council.id}:{err.record_id or 'ligne ' + str(err.row)}"
        feed.problems.append(FeedProblem(err.reason, record_id, err.detail))
    feed.rows = rows
    return feed
