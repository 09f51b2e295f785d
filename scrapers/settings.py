"""Scrapy settings for technoveille. Every base URL and path is read from the environment.

robots.txt: obeyed by default (city websites, DILA). Spiders that read an open-data API
meant for programs may override ROBOTSTXT_OBEY in `custom_settings`, with the reason in their
docstring and in docs/sources/ (see the BOAMP spider).
"""
from technoveille.core import config

BOT_NAME = "technoveille"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

CONTACT_URL = config.get("TECHNOVEILLE_CONTACT_URL")
# every source setting (base URLs, limits, paths) by its own name: spiders read self.settings
globals().update(config.scrapy_settings())
USER_AGENT = f"technoveille/0.1 (veille citoyenne; +{CONTACT_URL})"
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle with at most two requests at a time per domain.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = config.get_float("TECHNOVEILLE_START_DELAY")
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = config.get_float("TECHNOVEILLE_DOWNLOAD_DELAY")
DOWNLOAD_TIMEOUT = config.get_float("TECHNOVEILLE_DOWNLOAD_TIMEOUT")
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Retries: 429 and 5xx with exponential backoff honouring Retry-After, capped
# (scrapers.middlewares.BackoffRetryMiddleware replaces Scrapy's RetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = config.get_int("TECHNOVEILLE_RETRY_TIMES")
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = config.get_float("TECHNOVEILLE_RETRY_BACKOFF")
RETRY_BACKOFF_MAX = config.get_float("TECHNOVEILLE_RETRY_BACKOFF_MAX")

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    "scrapers.middlewares.ArchiveMiddleware": 950,
    "scrapers.middlewares.ErrorsMiddleware": 960,
}
ITEM_PIPELINES = {
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.match.MatchPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = config.get("TECHNOVEILLE_LOG_LEVEL")
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
