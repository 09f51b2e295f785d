"""Behaviour shared by every spider: settings, date windows, errors as rows, an errback on
every request, incremental state read through the core's state API, end-of-crawl items.

A source spider sets class attributes and writes its callbacks; it never writes to the
database (it yields items: Document, CrawlError, StateUpdate; pipelines write) and never
archives (ArchiveMiddleware does).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Iterator

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from technoveille.core import config
from technoveille.core import db as state
from technoveille.core.items import CrawlError


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

    #: Scrapy settings this spider takes from a source setting: {"DOWNLOAD_DELAY": "X_DELAY"}
    settings_from: dict[str, str] = {}

    # ------------------------------------------------------------ settings
    @classmethod
    def update_settings(cls, settings):
        """Every source setting (base URLs, limits) at default priority, so a spider built
        by a bare crawler (tests) has them too; project settings, -s and env win. Then
        `settings_from` at spider priority."""
        for name, value in config.scrapy_settings().items():
            settings.set(name, value, priority="default")
        super().update_settings(settings)
        for name, source in cls.settings_from.items():
            settings.set(name, settings[source], priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

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
    _state_db = None

    @property
    def state_db(self):
        """A connection to the database this crawl stores into (TECHNOVEILLE_DB setting), for
        reading incremental state through `technoveille.core.db` (archives done, ETags, known
        documents). One per crawl, opened on first use, closed after `closed()` has run."""
        if self._state_db is None:
            self._state_db = state.connect(self.settings.get("TECHNOVEILLE_DB"))
        return self._state_db

    @staticmethod
    def close(spider, reason):
        try:
            return scrapy.Spider.close(spider, reason)
        finally:
            if spider._state_db is not None:
                spider._state_db.close()
                spider._state_db = None

    # ------------------------------------------------------------ end of crawl
    _finalised = False

    def final_items(self):
        """Items to store once every request is done (a crawl that finished, not one that was
        killed or shut down): e.g. the StateUpdate saying which archives were read to their end.
        Override in a spider; the default has none."""
        return []

    def _on_idle(self, spider=None):
        if self._finalised:
            return
        self._finalised = True
        items = list(self.final_items())
        if not items:
            return
        # a data: URL needs no network, no robots.txt; its callback yields the items
        request = scrapy.Request("data:,", callback=self._yield_final, dont_filter=True,
                                 cb_kwargs={"items": items}, meta={"record_id": "final"})
        self.crawler.stats.inc_value("technoveille/local_requests")  # not a network request
        self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _yield_final(self, response, items):
        yield from items

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
