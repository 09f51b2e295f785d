"""Behaviour shared by every spider: date windows, errors as rows, an errback on every request.

A source spider sets class attributes and writes its callbacks; it never talks to the
database (pipelines do) and never archives (ArchiveMiddleware does).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Iterator

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from pipelines import db as dbm
from scrapers.items import CrawlError
from technoveille import config


def parse_day(value: str | date | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value), "%Y-%m-%d").date()
    except ValueError as exc:
        raise ValueError(f"date attendue au format AAAA-MM-JJ, reçu {value!r}") from exc


class BaseSpider(scrapy.Spider):
    #: value of Document.source; defaults to the spider name
    source: str | None = None
    #: without --since, how many days back a run looks (re-polled every run)
    default_days: int = 3

    def __init__(self, *args, since=None, until=None, days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = self.source or self.name
        self.since = parse_day(since)
        self.until = parse_day(until)
        self.days = int(days) if days else None
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"--since {self.since} est postérieur à --until {self.until}")

    # ------------------------------------------------------------ windows
    def today(self) -> date:
        return date.today()

    def window(self) -> tuple[date, date]:
        until = self.until or self.today()
        since = self.since or until - timedelta(days=(self.days or self.default_days) - 1)
        return since, until

    def each_day(self) -> Iterator[date]:
        since, until = self.window()
        day = since
        while day <= until:
            yield day
            day += timedelta(days=1)

    # ------------------------------------------------------------ incremental state
    def db_path(self):
        """The database this crawl stores into (TECHNOVEILLE_DB setting or variable). Spiders
        only read it for incremental state (archives done, ETags, known documents) and write
        nothing but `state` rows; documents go through the pipelines."""
        settings = getattr(self, "settings", None)
        return (settings.get("TECHNOVEILLE_DB") if settings else None) or config.db_path()

    _state_db = None

    @property
    def state_db(self):
        """One connection per crawl, opened on first use, closed after the spider's own
        `closed()` has run (see `close`)."""
        if self._state_db is None:
            self._state_db = dbm.connect(self.db_path())
        return self._state_db

    @staticmethod
    def close(spider, reason):
        try:
            return scrapy.Spider.close(spider, reason)
        finally:
            if spider._state_db is not None:
                spider._state_db.close()
                spider._state_db = None

    # ------------------------------------------------------------ errors
    def error(self, reason: str, url: str | None = None, record_id: str | None = None,
              detail: str | None = None) -> CrawlError:
        self.crawler.stats.inc_value(f"technoveille/errors/{reason}")
        return CrawlError(source=self.source, reason=reason, url=url, record_id=record_id,
                          detail=detail)

    def request(self, url: str, callback, **kwargs) -> scrapy.Request:
        kwargs.setdefault("errback", self.errback)
        return scrapy.Request(url, callback=callback, **kwargs)

    def errback(self, failure):
        request = failure.request
        record_id = request.meta.get("record_id")
        if failure.check(HttpError):
            response = failure.value.response
            reason = f"http-{response.status}"
            detail = response.text[:500] if hasattr(response, "text") else None
        elif failure.check(IgnoreRequest):
            message = str(failure.value)
            reason = "robots-forbidden" if "robots" in message.lower() else "request-ignored"
            detail = message
        elif failure.check(DNSLookupError):
            reason, detail = "dns-error", str(failure.value)
        elif failure.check(TimeoutError, TCPTimedOutError):
            reason, detail = "timeout", str(failure.value)
        else:
            reason, detail = "download-error", repr(failure.value)
        self.logger.log(logging.WARNING, "request failed %s: %s", request.url, reason)
        yield self.error(reason, url=request.url, record_id=record_id, detail=detail)
