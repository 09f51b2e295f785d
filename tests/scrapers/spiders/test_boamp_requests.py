"""What the BOAMP spider sends and how it pages, from the adversarial acceptance check: only
parameters the real Explore API v2.1 accepts, a base URL given in any usual form, exports exempt from
the global size cap, a day that grows while it is paged, a garbled page asked again."""
import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from technoveille.core.items import CrawlError
from scrapers.spiders.boamp import BoampSpider

DATASET = "https://www.boamp.fr/api/explore/v2.1/catalog/datasets/boamp"
# documented parameters of /records and /exports/{format} (research notes §2.2)
RECORDS_PARAMS = {"select", "where", "group_by", "order_by", "limit", "offset", "refine", "exclude", "lang",
                  "timezone", "include_links", "include_app_metas"}
EXPORT_PARAMS = RECORDS_PARAMS - {"include_links", "include_app_metas"} | {"use_labels", "compressed", "epsg"}


def spider(base=DATASET, **kwargs):
    crawler = get_crawler(BoampSpider, settings_dict={"BOAMP_API_URL": base})
    return BoampSpider.from_crawler(crawler, **kwargs)


def reply(request, body):
    return TextResponse(request.url, body=body if isinstance(body, bytes) else json.dumps(body).encode(),
                        encoding="utf-8", request=request)


def query(request):
    return parse_qs(urlsplit(request.url).query, keep_blank_values=True)


@pytest.mark.parametrize("base", [DATASET, DATASET + "/", DATASET + "/records", DATASET + "/records?limit=5",
                                  DATASET + "/exports/json"])
def test_base_url_in_any_usual_form(base):
    req = spider(base).day_request(date(2026, 11, 3))
    assert urlsplit(req.url)._replace(query="").geturl() == DATASET + "/records"
    assert set(query(req)) == {"where", "order_by", "limit", "offset", "timezone"}


def test_records_request_sends_only_documented_parameters_percent_encoded():
    sp = spider(since="2026-11-03", until="2026-11-03")
    req = sp.day_request(date(2026, 11, 3), offset=200, famille="*")
    q = query(req)
    assert set(q) <= RECORDS_PARAMS and all(len(v) == 1 for v in q.values())
    assert int(q["limit"][0]) <= 100 and int(q["offset"][0]) + int(q["limit"][0]) <= 10_000
    assert q["where"] == ["dateparution=date'2026-11-03' and not (famille in ('JOUE','FNS','MAPA','DSP','DIVERS'))"]
    assert "+" not in urlsplit(req.url).query  # spaces as %20
    assert req.headers.get("Accept") == b"application/json"


@pytest.mark.asyncio
async def test_exports_are_monthly_documented_and_exempt_from_the_size_cap():
    sp = spider(since="2025-01-15", until="2025-03-02", export="1")
    reqs = [r async for r in sp.start()]
    assert [query(r)["where"][0] for r in reqs] == [
        "dateparution >= date'2025-01-15' and dateparution <= date'2025-01-31'",
        "dateparution >= date'2025-02-01' and dateparution <= date'2025-02-28'",
        "dateparution >= date'2025-03-01' and dateparution <= date'2025-03-02'"]
    for r in reqs:
        assert urlsplit(r.url).path.endswith("/boamp/exports/json")
        assert set(query(r)) <= EXPORT_PARAMS
        assert r.meta["download_maxsize"] == 0 and r.meta["download_timeout"] >= 600


def test_a_day_that_grows_while_paged_gets_its_new_tail():
    sp = spider(since="2026-11-03", until="2026-11-03")
    first = sp.day_request(date(2026, 11, 3))
    out = list(sp.parse_page(reply(first, {"total_count": 250, "results": []})))
    second = [o for o in out if isinstance(o, scrapy.Request)]
    assert [query(r)["offset"][0] for r in second] == ["100", "200"]
    # page 200 now says 330: offset 300 is new; 100/200 would be duplicates (filtered by Scrapy anyway)
    out = list(sp.parse_page(reply(second[1], {"total_count": 330, "results": []})))
    assert [query(r)["offset"][0] for r in out if isinstance(r, scrapy.Request)] == ["300"]
    # no growth: nothing more
    out = list(sp.parse_page(reply(second[0], {"total_count": 250, "results": []})))
    assert not [o for o in out if isinstance(o, scrapy.Request)]


def test_a_garbled_page_is_asked_again_then_becomes_an_error_row():
    sp = spider(since="2026-11-03", until="2026-11-03")
    req = sp.day_request(date(2026, 11, 3), offset=100, known_total=250)
    for attempt in range(sp.json_retries):
        out = list(sp.parse_page(reply(req, b'{"total_count": 250, "results": [{"idweb": "26-1')))
        assert len(out) == 1 and isinstance(out[0], scrapy.Request) and out[0].dont_filter
        assert out[0].url == req.url and out[0].meta["json_retries"] == attempt + 1
        req = out[0]
    out = list(sp.parse_page(reply(req, b"<html>maintenance</html>")))
    assert [o.reason for o in out if isinstance(o, CrawlError)] == ["invalid-json-page"]


def test_today_empty_is_not_a_health_error_but_a_past_empty_day_is():
    sp = spider()
    today = sp.today()
    for day, reasons in ((today, []), (today - timedelta(days=1), ["empty-day"])):
        out = list(sp.parse_page(reply(sp.day_request(day), {"total_count": 0, "results": []})))
        assert [o.reason for o in out if isinstance(o, CrawlError)] == reasons
