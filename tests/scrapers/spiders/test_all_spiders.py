"""One smoke test over every spider of the project (kingfisher-style): each can be built
from the settings alone, and its first requests go to the base URL the environment names —
so the same spider runs against the real source, the replay or a test server."""
import asyncio
import subprocess
import sys

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from tests.conftest import ROOT

BASES = {
    "boamp": ("BOAMP_API_URL", "http://boamp.test/api/explore/v2.1/catalog/datasets/boamp"),
    "jorf": ("JORF_DUMPS_URL", "http://jorf.test/OPENDATA/JORFSIMPLE/"),
}


def spider_names():
    return sorted(SpiderLoader.from_settings(get_project_settings()).list())


def test_scrapy_list_sees_every_spider():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == spider_names() == ["boamp", "council", "jorf", "legifrance"]


async def first_requests(spider, n=3):
    out = []
    async for request in spider.start():
        out.append(request)
        if len(out) >= n:
            break
    return out


@pytest.mark.parametrize("name", sorted(BASES))
def test_first_requests_use_the_configured_base_url(name, monkeypatch, tmp_path):
    variable, base = BASES[name]
    monkeypatch.setenv(variable, base)
    monkeypatch.setenv("TECHNOVEILLE_DB", str(tmp_path / "t.db"))
    loader = SpiderLoader.from_settings(get_project_settings())
    cls = loader.load(name)
    crawler = get_crawler(cls, settings_dict={"TECHNOVEILLE_DB": str(tmp_path / "t.db")})
    spider = cls.from_crawler(crawler, since="2026-11-02", until="2026-11-02")
    requests = asyncio.run(first_requests(spider))
    assert requests and all(r.url.startswith(base) for r in requests)
    assert all(r.errback is not None for r in requests)  # failures become crawl_errors rows


def test_council_requests_follow_the_registry(monkeypatch, tmp_path):
    registry = tmp_path / "councils.yml"
    registry.write_text("""
councils:
  - id: testville
    name: Ville de Test
    insee: "99999"
    kind: scdl
    url: http://council.test/deliberations.csv
""", encoding="utf-8")
    monkeypatch.setenv("COUNCILS_FILE", str(registry))
    monkeypatch.setenv("TECHNOVEILLE_DB", str(tmp_path / "t.db"))
    loader = SpiderLoader.from_settings(get_project_settings())
    cls = loader.load("council")
    spider = cls.from_crawler(get_crawler(cls, settings_dict={"TECHNOVEILLE_DB": str(tmp_path / "t.db")}))
    requests = asyncio.run(first_requests(spider))
    assert [r.url for r in requests] == ["http://council.test/deliberations.csv"]


def test_legifrance_without_credentials_sends_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("PISTE_CLIENT_ID", raising=False)
    monkeypatch.delenv("PISTE_CLIENT_SECRET", raising=False)
    loader = SpiderLoader.from_settings(get_project_settings())
    cls = loader.load("legifrance")
    spider = cls.from_crawler(get_crawler(cls, settings_dict={"TECHNOVEILLE_DB": str(tmp_path / "t.db")}))
    assert asyncio.run(first_requests(spider)) == []
