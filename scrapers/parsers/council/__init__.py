"""Council parsers: pure functions, no Scrapy (registry, SCDL feeds, PDF text, dates, agenda items, link classification)."""
