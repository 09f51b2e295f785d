"""The BOAMP replay handler answers like the ODS Explore API: paging, caps, 429, where parsing."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

import pytest

from scrapers.parsers.boamp import parse_record
from scrapers.replay import boamp


@pytest.fixture(autouse=True)
def fresh_state():
    boamp.reset_state()
    yield
    boamp.reset_state()


def get(endpoint="/records", **params):
    status, headers, body = boamp.handle(boamp.PREFIX + endpoint, parse_qs(urlencode(params)), {})
    return status, headers, body


def day_query(day, offset=0, limit=100):
    return dict(where=f"dateparution=date'{day}'", order_by="idweb", limit=limit, offset=offset, timezone="UTC")


def test_big_day_pages_cover_every_record_once_in_idweb_order():
    seen = []
    status, _, body = get(**day_query("2026-11-03"))
    page = json.loads(body)
    assert status == 200 and page["total_count"] == 137 and len(page["results"]) == 100
    seen += [r["idweb"] for r in page["results"]]
    status, _, _ = get(**day_query("2026-11-03", offset=100))
    assert status == 429  # once per server process
    status, _, body = get(**day_query("2026-11-03", offset=100))
    assert status == 200
    seen += [r["idweb"] for r in json.loads(body)["results"]]
    assert len(seen) == len(set(seen)) == 137
    assert seen == sorted(seen)


def test_429_carries_retry_after_and_is_served_once():
    status, headers, body = get(**day_query("2026-11-03", offset=100))
    assert status == 429 and headers["Retry-After"] == "1"
    assert json.loads(body)["error_code"] == "TooManyRequests"
    assert get(**day_query("2026-11-03", offset=100))[0] == 200
    assert get(**day_query("2026-11-03", offset=0))[0] == 200


def test_records_are_shaped_like_the_api():
    page = json.loads(get(**day_query("2026-11-02"))[2])
    assert page["total_count"] == 20
    rec = page["results"][0]
    assert len(rec) == 41 and isinstance(rec["donnees"], str) and isinstance(rec["gestion"], str)
    assert rec["url_avis"] == f"https://www.boamp.fr/pages/avis/?q=idweb:{rec['idweb']}"
    formats = {parse_record(r).document["extra"]["format"] for r in page["results"]}
    assert {"EFORMS", "FNSimple", "MAPA", "DSP", None} <= formats


def test_limit_and_offset_caps_answer_400_like_ods():
    status, _, body = get(limit=101)
    assert status == 400
    assert json.loads(body)["message"] == ("Invalid value for limit API parameter: 101 was found but "
                                           "-1 <= limit <= 100 is expected.")
    status, _, body = get(limit=100, offset=9901)
    assert status == 400
    assert json.loads(body) == {"error_code": "InvalidRESTParameterError",
                                "message": "Invalid value for sum of offset + limit API parameter: 10001 "
                                           "was found but <= 10000 is expected."}
    assert get(limit=100, offset=9900)[0] == 200


def test_default_limit_is_10_and_empty_day():
    assert len(json.loads(get()[2])["results"]) == 10
    assert json.loads(get(**day_query("2026-11-06"))[2]) == {"total_count": 0, "results": []}


def test_invalid_json_page():
    status, _, body = get(**day_query("2026-11-05", offset=100))
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(body)
    assert json.loads(get(**day_query("2026-11-05"))[2])["total_count"] == 150


@pytest.mark.parametrize("where, count", [
    ("dateparution=date'2026-11-04'", 30),
    ("dateparution = date'2026-11-04'", 30),
    ("dateparution in [date'2026-11-02'..date'2026-11-04']", 187),
    ("dateparution >= date'2026-11-02' and dateparution <= date'2026-11-04'", 187),
    ("dateparution > date'2026-11-07'", 6),
    ("dateparution=date'2026-11-04' and famille='JOUE'", None),
    ("dateparution=date'2026-11-04' and nature IN ('ATTRIBUTION','RECTIFICATIF')", 2),
    ("dateparution=date'2026-11-04' and not famille in ('JOUE','FNS','MAPA','DSP','DIVERS')", 0),
    ("dateparution=date'2026-11-04' and not (famille in ('JOUE','FNS','MAPA','DSP','DIVERS'))", 0),
    ("dateparution=date'2026-11-04' and not (famille in ('FNS','MAPA','DSP','DIVERS'))", None),
    ("annonce_lie is not null", 4),
])
def test_where_parsing(where, count):
    status, _, body = get(where=where, limit=1)
    assert status == 200
    total = json.loads(body)["total_count"]
    if count is None:
        everything = json.loads(get("/exports/json", where="dateparution=date'2026-11-04'")[2])
        count = sum(1 for r in everything if r["famille"] == "JOUE")
        assert 0 < count < 30
    assert total == count


def test_malformed_where_is_400():
    status, _, body = get(where="search(objet, 'drone') or x")
    assert status == 400 and json.loads(body)["error_code"] == "ODSQLError"


def test_exports_json_is_a_bare_list_without_cap_and_ordered():
    body = get("/exports/json", where="dateparution in [date'2026-11-01'..date'2026-11-30']",
               order_by="dateparution desc")[2]
    records = json.loads(body)
    assert isinstance(records, list) and len(records) == 348
    days = [r["dateparution"] for r in records]
    assert days == sorted(days, reverse=True)


def test_select_projects_fields():
    page = json.loads(get(where="dateparution=date'2026-11-02'", select="idweb,objet", limit=2)[2])
    assert all(set(r) == {"idweb", "objet"} for r in page["results"])


def test_fillers_are_deterministic():
    boamp.corpus.cache_clear()
    first = [r["objet"] for r in boamp.corpus()]
    boamp.corpus.cache_clear()
    assert [r["objet"] for r in boamp.corpus()] == first


def test_demo_env_points_at_the_prefix():
    assert boamp.demo_env("http://127.0.0.1:9/") == {
        "BOAMP_API_URL": "http://127.0.0.1:9/api/explore/v2.1/catalog/datasets/boamp"}
