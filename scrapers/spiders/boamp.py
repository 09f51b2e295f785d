"""BOAMP procurement notices through the Opendatasoft Explore API v2.1 (dataset `boamp`).

One publication day at a time, `order_by=idweb`, 100 records a page until `total_count`;
a day above the 10,000 offset cap is split by `famille`; windows longer than
`export_after_days` use `/exports/json` month by month (no cap). Without --since, the last
3 days are re-polled on every run.

robots.txt: NOT obeyed for this spider. The portal's robots.txt (reported) disallows `/api/`
for every agent but Googlebot, which would silently drop every request. This API is the
documented programmatic access to an open dataset (Licence Ouverte / etalab-2.0), and a daily
run makes a few dozen calls, AutoThrottled, with a User-Agent that names the project and a
contact URL. See docs/sources/boamp.md.
"""
from __future__ import annotations

import calendar
import re
import json
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from scrapers.parsers.boamp import parse_record
from scrapers.spiders.base import BaseSpider
from technoveille.core.items import Document

FAMILLES = ("JOUE", "FNS", "MAPA", "DSP", "DIVERS")


class BoampSpider(BaseSpider):
    name = "boamp"
    default_days = 3
    page_size = 100
    offset_cap = 10_000
    export_after_days = 62
    json_retries = 2
    custom_settings = {"ROBOTSTXT_OBEY": False}

    def __init__(self, *args, export=None, **kwargs):
        super().__init__(*args, **kwargs)
        since, until = self.window()
        self.use_export = bool(export) or (until - since).days + 1 > self.export_after_days

    #: a monthly export is one JSON list of every record with its full text: hundreds of MB, streamed
    #: slowly, so the global DOWNLOAD_MAXSIZE/DOWNLOAD_TIMEOUT do not apply to it
    export_meta = {"download_maxsize": 0, "download_warnsize": 0, "download_timeout": 1800}

    @property
    def base_url(self) -> str:
        """BOAMP_API_URL (Scrapy setting, from the environment or -s): the dataset URL
        (…/catalog/datasets/boamp), tolerated with a trailing slash, `/records` or `/exports/json`."""
        url = (self.settings.get("BOAMP_API_URL") or "").split("?")[0].rstrip("/")
        return re.sub(r"/(?:records|exports(?:/json)?)$", "", url)

    # ------------------------------------------------------------ requests
    @staticmethod
    def query(params: dict) -> str:
        """Percent-encoded query (spaces as %20, not `+`: the ODS docs' form, safe on any front end)."""
        return urlencode(params, quote_via=quote)

    def request(self, url: str, callback, **kwargs):
        kwargs.setdefault("headers", {"Accept": "application/json"})
        return super().request(url, callback, **kwargs)

    def records_url(self, where: str, offset: int) -> str:
        params = {"where": where, "order_by": "idweb", "limit": self.page_size,
                  "offset": offset, "timezone": "UTC"}
        return f"{self.base_url}/records?{self.query(params)}"

    def day_request(self, day: date, offset: int = 0, famille: str | None = None,
                    known_total: int | None = None):
        where = f"dateparution=date'{day:%Y-%m-%d}'"
        if famille == "*":
            where += " and not (famille in (" + ",".join(f"'{f}'" for f in FAMILLES) + "))"
        elif famille:
            where += f" and famille='{famille}'"
        return self.request(self.records_url(where, offset), self.parse_page,
                            meta={"day": day, "offset": offset, "famille": famille,
                                  "where": where, "known_total": known_total})

    async def start(self):
        since, until = self.window()
        if self.use_export:
            month = date(since.year, since.month, 1)
            while month <= until:
                last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
                lo, hi = max(month, since), min(last, until)
                where = f"dateparution >= date'{lo:%Y-%m-%d}' and dateparution <= date'{hi:%Y-%m-%d}'"
                url = f"{self.base_url}/exports/json?" + self.query(
                    {"where": where, "order_by": "idweb", "timezone": "UTC"})
                yield self.request(url, self.parse_export, meta={"where": where, **self.export_meta})
                month = last + timedelta(days=1)
            return
        for day in self.each_day():
            yield self.day_request(day)

    # ------------------------------------------------------------ callbacks
    def _load(self, response):
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            return self.error("invalid-json-page", url=response.url,
                              detail=f"{exc}; body starts {response.body[:200]!r}")

    def parse_page(self, response):
        page = self._load(response)
        if not isinstance(page, dict):
            retries = response.meta.get("json_retries", 0)
            if retries < self.json_retries:  # a cut or garbled body is usually transient: ask again
                self.logger.warning("BOAMP page not JSON, asking again: %s", response.url)
                yield response.request.replace(
                    dont_filter=True, meta={**response.meta, "json_retries": retries + 1})
                return
            yield page if page is not None else self.error("invalid-json-page", url=response.url)
            return
        meta = response.meta
        total = page.get("total_count")
        results = page.get("results")
        if not isinstance(total, int) or not isinstance(results, list):
            yield self.error("unexpected-page-shape", url=response.url,
                             detail=f"keys: {sorted(page)[:10]}")
            return
        if meta["offset"] == 0:
            self.crawler.stats.inc_value("boamp/days")
            self.logger.info("BOAMP %s%s: %d records", meta["day"],
                             f" famille {meta['famille']}" if meta["famille"] else "", total)
            if total == 0 and not meta["famille"] and meta["day"] < self.today():
                # BOAMP publishes every day of the week: an empty past day means breakage upstream
                # (today's first batch only lands around 05:00, so an empty today is normal)
                yield self.error("empty-day", url=response.url,
                                 detail=f"0 records for {meta['where']} (never seen in practice)")
            if total > self.offset_cap and not meta["famille"]:
                for famille in (*FAMILLES, "*"):
                    yield self.day_request(meta["day"], famille=famille)
                return
            if total > self.offset_cap:
                yield self.error("day-over-offset-cap", url=response.url,
                                 detail=f"{total} records for {meta['where']}; "
                                        f"only the first {self.offset_cap} are reachable")
            yield from self.more_pages(meta, self.page_size, total)
        elif total > (meta.get("known_total") or 0):
            # the day grew while we paged (BOAMP publishes all day long): fetch the new tail too
            # (pages already scheduled are dropped by the duplicate filter)
            first = -(-(meta.get("known_total") or 0) // self.page_size) * self.page_size
            yield from self.more_pages(meta, max(first, self.page_size), total)
        yield from self.records(results, response.url)

    def more_pages(self, meta, start: int, total: int):
        nxt = start
        while nxt < min(total, self.offset_cap):
            yield self.day_request(meta["day"], offset=nxt, famille=meta["famille"], known_total=total)
            nxt += self.page_size

    def parse_export(self, response):
        page = self._load(response)
        if not isinstance(page, list):
            yield page if page is not None else self.error("invalid-json-page", url=response.url)
            return
        self.logger.info("BOAMP export %s: %d records", response.meta["where"], len(page))
        yield from self.records(page, response.url)

    def records(self, records, url):
        for position, record in enumerate(records):
            if not isinstance(record, dict):
                yield self.error("invalid-record", url=url, record_id=f"#{position}",
                                 detail=f"{type(record).__name__}: {str(record)[:200]}")
                continue
            idweb = record.get("idweb")
            try:
                result = parse_record(record)
            except Exception as exc:  # a parser bug must not stop the page
                yield self.error("record-parse-failed", url=url, record_id=idweb or f"#{position}",
                                 detail=repr(exc))
                continue
            for problem in result.errors:
                kind = re.split(r"[(:;']", problem, maxsplit=1)[0].strip().lower()[:50] or "problem"
                yield self.error(f"record: {kind}", url=url, record_id=idweb, detail=problem)
            if result.document:
                yield Document(**result.document)
