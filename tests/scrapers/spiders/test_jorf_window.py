"""Which archives a run selects (pure: no crawl)."""
from __future__ import annotations

from datetime import date

from scrapers.spiders.jorf import JorfSpider, classify_href


class Fixed(JorfSpider):
    def today(self):
        return date(2026, 11, 28)


def test_first_run_takes_the_last_n_days(monkeypatch):
    monkeypatch.delenv("JORF_FIRST_RUN_DAYS", raising=False)
    assert Fixed().lower_bound(None) == date(2026, 11, 21)
    monkeypatch.setenv("JORF_FIRST_RUN_DAYS", "30")
    assert Fixed().lower_bound(None) == date(2026, 10, 29)
    assert Fixed(days="2").lower_bound(None) == date(2026, 11, 26)


def test_later_runs_catch_up_from_the_last_processed_archive(monkeypatch):
    monkeypatch.delenv("JORF_FIRST_RUN_DAYS", raising=False)
    # cron stopped for a month: start again from the last archive read
    assert Fixed().lower_bound("JORFSIMPLE_20261020-003012.tar.gz") == date(2026, 10, 20)
    # recent last archive: the usual window (already processed ones are skipped by name)
    assert Fixed().lower_bound("JORFSIMPLE_20261127-003012.tar.gz") == date(2026, 11, 21)
    assert Fixed(since="2026-11-01").lower_bound("JORFSIMPLE_20261127-003012.tar.gz") == \
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
