"""Cross-cutting crawl behaviour: retries with backoff, raw archive, errors as rows."""
from __future__ import annotations

import asyncio
import logging
import traceback
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.response import response_status_message

from technoveille.core import archive
from technoveille.core.items import CrawlError, Document

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus a wait before each retry: Retry-After when the server sends
    one, else exponential backoff (base * 2**n); both capped by RETRY_BACKOFF_MAX."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retries = request.meta.get("retry_times", 0)
        crawler_spider = spider or getattr(self, "crawler", None) and self.crawler.spider
        new_request = get_retry_request(
            request,
            reason=response_status_message(response.status),
            spider=crawler_spider,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=self.priority_adjust,
        )
        if new_request is None:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = self.backoff_base * (2**retries)
        wait = min(wait, self.backoff_max)
        logger.info("HTTP %s on %s: retrying in %.1f s", response.status, request.url, wait)
        if wait > 0:
            await asyncio.sleep(wait)
        return new_request


class ArchiveMiddleware:
    """Keeps the raw bytes of every response that produced a Document (content-addressed,
    gzip) and stamps each Document with fetched_at, sha256 and archive."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _stamp(self, response, item):
        if isinstance(item, Document) and item.sha256 is None and response is not None:
            entry = archive.store_response(response)
            item.sha256 = entry["sha256"]
            item.archive = entry["path"]
            item.fetched_at = entry["fetched_at"]
        return item

    def process_spider_output(self, response, result, spider=None):
        for item in result:
            yield self._stamp(response, item)

    async def process_spider_output_async(self, response, result, spider=None):
        async for item in result:
            yield self._stamp(response, item)


class ErrorsMiddleware:
    """An exception in a callback becomes a CrawlError row; the crawl goes on."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception, spider=None):
        spider = spider or self.crawler.spider
        logger.error("callback failed on %s: %r", response.url, exception)
        self.crawler.stats.inc_value("technoveille/callback_errors")
        detail = "".join(traceback.format_exception_only(type(exception), exception)).strip()
        return [CrawlError(source=getattr(spider, "source", spider.name), url=response.url,
                           reason="callback-exception", detail=detail)]
