"""Callback-level checks of the BOAMP spider's paging rules (no network, no reactor)."""
import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from technoveille.core.items import CrawlError
from scrapers.spiders.boamp import BoampSpider


def spider(**kwargs):
    crawler = get_crawler(BoampSpider, settings_dict={"BOAMP_API_URL": "http://x/boamp"})
    return BoampSpider.from_crawler(crawler, **kwargs)


def page(sp, day, total, results=(), offset=0, famille=None):
    req = sp.day_request(day, offset=offset, famille=famille)
    body = json.dumps({"total_count": total, "results": list(results)}).encode()
    return TextResponse(req.url, body=body, encoding="utf-8", request=req)


def query(request):
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def test_default_window_is_the_last_three_days():
    sp = spider()
    days = list(sp.each_day())
    assert len(days) == 3 and days[-1] == date.today()


def test_pages_until_total_count_sorted_by_idweb():
    sp = spider(since="2026-11-03", until="2026-11-03")
    out = list(sp.parse_page(page(sp, date(2026, 11, 3), 250)))
    requests = [o for o in out if isinstance(o, scrapy.Request)]
    assert [query(r)["offset"] for r in requests] == ["100", "200"]
    assert all(query(r)["order_by"] == "idweb" and query(r)["limit"] == "100" for r in requests)
    assert all(query(r)["where"] == "dateparution=date'2026-11-03'" for r in requests)
    assert all(r.url.startswith("http://x/boamp/records?") for r in requests)


def test_day_over_the_offset_cap_is_split_by_famille():
    sp = spider(since="2026-11-03", until="2026-11-03")
    out = list(sp.parse_page(page(sp, date(2026, 11, 3), 12_345)))
    wheres = [query(r)["where"] for r in out if isinstance(r, scrapy.Request)]
    assert "dateparution=date'2026-11-03' and famille='MAPA'" in wheres
    assert "dateparution=date'2026-11-03' and not (famille in ('JOUE','FNS','MAPA','DSP','DIVERS'))" in wheres
    assert all(query(r)["offset"] == "0" for r in out if isinstance(r, scrapy.Request))
    # a split that is still too big pages up to the cap, never past it, and says so
    out = list(sp.parse_page(page(sp, date(2026, 11, 3), 10_500, famille="MAPA")))
    offsets = [int(query(r)["offset"]) for r in out if isinstance(r, scrapy.Request)]
    assert max(offsets) + 100 <= 10_000
    assert any(isinstance(o, CrawlError) and o.reason == "day-over-offset-cap" for o in out)


def test_empty_day_is_a_health_warning():
    sp = spider(since="2024-11-06", until="2024-11-06")
    out = list(sp.parse_page(page(sp, date(2024, 11, 6), 0)))
    assert [o.reason for o in out if isinstance(o, CrawlError)] == ["empty-day"]


def test_long_windows_use_monthly_exports():
    sp = spider(since="2025-01-15", until="2025-04-02")
    assert sp.use_export
    assert not spider(since="2026-11-01", until="2026-11-05").use_export
