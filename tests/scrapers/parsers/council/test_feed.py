"""A `scdl` entry's feed read without Scrapy: rows, problems, data.gouv.fr resources."""
from __future__ import annotations

import json

from scrapers.parsers.council import feed
from scrapers.parsers.council.registry import Council

from .pages import DATA, replay_council


def test_scdl_csv_rows_and_a_bad_date_row(monkeypatch):
    council = replay_council(monkeypatch, "fontclair-ville")
    found = feed.read((DATA / "fontclair.csv").read_bytes(), council)
    assert [r.delib_id for r in found.rows] == ["2026_014", "2026_015", "2026_016", "2025_102", "2025_099"]
    assert [(p.reason, p.record_id, p.health) for p in found.problems] == [
        ("scdl-bad-date", "fontclair-ville:2025_098", False)]


def test_html_page_unreadable_and_empty_feeds(monkeypatch):
    council = replay_council(monkeypatch, "fontclair-ville")
    html = feed.read(b"  <!DOCTYPE html><html><body>Erreur</body></html>", council)
    assert html.rows == [] and [(p.reason, p.record_id) for p in html.problems] == [
        ("feed-is-html", "fontclair-ville")]
    unreadable = feed.read(b"", council)
    assert [p.reason for p in unreadable.problems] == ["feed-unreadable"]
    assert "empty" in unreadable.problems[0].detail
    empty = feed.read(b"DELIB_ID;DELIB_DATE;DELIB_OBJET\n", council)
    assert empty.problems == [feed.FeedProblem("feed-empty", "fontclair-ville", health=True)]


def test_dataset_resource_bad_rows_under_the_council_id(monkeypatch):
    council = replay_council(monkeypatch, "fontclair-ville")
    found = feed.read((DATA / "fontclair.csv").read_bytes(), council, resource=True)
    assert len(found.rows) == 5
    assert [(p.reason, p.record_id) for p in found.problems] == [("scdl-bad-date", "fontclair-ville")]
    assert feed.read(b"DELIB_ID;DELIB_DATE;DELIB_OBJET\n", council, resource=True).problems == []


def test_ods_v1_json_with_file_objects(monkeypatch):
    council = replay_council(monkeypatch, "val-argent")
    found = feed.read((DATA / "ods-v1-val-argent.json").read_bytes(), council)
    assert "C_26_04_07_003" in [r.delib_id for r in found.rows]
    assert all(r.url and r.url.startswith("http://replay.test/councils/ods/") for r in found.rows
               if r.delib_id == "C_26_04_07_003")


def test_data_gouv_dataset_resources():
    council = Council(id="d", name="D", kind="scdl", urls=["https://www.data.gouv.fr/api/1/x"],
                      format="json")
    dataset = {"resources": [{"format": "CSV", "url": "https://d.test/a.csv"},
                             {"format": "pdf", "url": "https://d.test/b.pdf"},
                             {"format": "json", "url": ""}, {"format": "json", "url": "https://d.test/c"}]}
    body = json.dumps(dataset).encode()
    assert feed.is_dataset(body, council)
    assert not feed.is_dataset(b'[{"resources": 1}]', council)
    assert not feed.is_dataset(body, Council(id="d", name="D", kind="scdl", urls=["https://x/"]))
    assert feed.resources(dataset) == ["https://d.test/a.csv", "https://d.test/c"]
    page = json.loads((DATA / "datagouv-page1.json").read_text(encoding="utf-8"))
    assert feed.resources(page["data"][0])[0].endswith("/councils/fontclair/deliberations-2025.csv")
