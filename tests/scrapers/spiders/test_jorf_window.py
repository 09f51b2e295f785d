"""Which archives a run selects (pure: no crawl)."""
from __future__ import annotations

from datetime import date

from scrapy.utils.test import get_crawler

from scrapers.spiders.jorf import JorfSpider, classify_href


class Fixed(JorfSpider):
    def today(self):
        return date(2026, 11, 28)


def spider(settings=None, **kwargs) -> Fixed:
    return Fixed.from_crawler(get_crawler(Fixed, settings or {}), **kwargs)


def test_first_run_takes_the_last_n_days(monkeypatch):
    monkeypatch.delenv("JORF_FIRST_RUN_DAYS", raising=False)
    assert spider().lower_bound(None) == date(2026, 11, 21)
    monkeypatch.setenv("JORF_FIRST_RUN_DAYS", "30")  # the environment fills the setting
    assert spider().lower_bound(None) == date(2026, 10, 29)
    assert spider({"JORF_FIRST_RUN_DAYS": 12}).lower_bound(None) == date(2026, 11, 16)
    assert spider(days="2").lower_bound(None) == date(2026, 11, 26)


def test_later_runs_catch_up_from_the_last_processed_archive(monkeypatch):
    monkeypatch.delenv("JORF_FIRST_RUN_DAYS", raising=False)
    # cron stopped for a month: start again from the last archive read
    assert spider().lower_bound("JORFSIMPLE_20261020-003012.tar.gz") == date(2026, 10, 20)
    # recent last archive: the usual window (already processed ones are skipped by name)
    assert spider().lower_bound("JORFSIMPLE_20261127-003012.tar.gz") == date(2026, 11, 21)
    assert spider(since="2026-11-01").lower_bound("JORFSIMPLE_20261127-003012.tar.gz") == \
        date(2026, 11, 1)


def test_listing_entries():
    assert classify_href("JORFSIMPLE_20260819-003035.tar.gz") == "archive"
    assert classify_href("JORFSIMPLE_20260819-003035.tar.gz".replace("_", "%5F")) == "archive"
    for ignored in ("?C=N;O=D", "/OPENDATA/", "../", "Freemium_jorf_simple_20250713-140000.tar.gz",
                    "Avertissement_metadonnees_textes_entreprise_20181019.pdf", "DTD/"):
        assert classify_href(ignored) == "ignore", ignored
    for odd in ("JORFSIMPLE_2026111-003000.tar.gz", "JORFSIMPLE_20261112-003000.zip",
                "JORFSIMPLE_20261399-003000.tar.gz", "notes.txt"):
        assert classify_href(odd) == "unexpected", odd


def test_listing_with_absolute_and_full_urls(tmp_path, monkeypatch):
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from technoveille.core.items import CrawlError

    monkeypatch.setenv("TECHNOVEILLE_DB", str(tmp_path / "w.db"))
    crawler = get_crawler(Fixed, {"TECHNOVEILLE_DB": str(tmp_path / "w.db")})
    spider = Fixed.from_crawler(crawler, since="2026-11-01")
    base = "https://dila.example/OPENDATA/JORFSIMPLE/"
    html = (f'<a href="?C=N;O=D">Name</a><a href="/OPENDATA/">Parent</a>'
            f'<a href="/OPENDATA/JORFSIMPLE/JORFSIMPLE_20261104-004107.tar.gz">x</a>'
            f'<a href="{base}JORFSIMPLE_20261103-003512.tar.gz">y</a>'
            f'<a href="JORFSIMPLE_20261020-003512.tar.gz">too old</a>'
            f'<a href="/elsewhere/JORFSIMPLE_20261105-003512.tar.gz">elsewhere</a>'
            f'<a href="JORFSIMPLE_20261106.tar.gz">odd</a>').encode("latin-1")
    out = list(spider.parse_listing(HtmlResponse(base, body=html, encoding="iso-8859-1")))
    errors = [o for o in out if isinstance(o, CrawlError)]
    requests = [o for o in out if not isinstance(o, CrawlError)]
    assert [e.record_id for e in errors] == ["JORFSIMPLE_20261106.tar.gz"]
    # the oldest first; the next one is requested by the callback of the first
    assert [r.url for r in requests] == [f"{base}JORFSIMPLE_20261103-003512.tar.gz"]
    assert requests[0].meta["todo"] == ["JORFSIMPLE_20261104-004107.tar.gz"]
