"""The council replay pages and registry as fixtures of the pure parser tests."""
from __future__ import annotations

from pathlib import Path

from parsel import Selector

from scrapers.parsers.council.registry import Council, load

DATA = Path(__file__).resolve().parents[4] / "scrapers" / "replay" / "data" / "council"
BASE = "http://replay.test"


def page(name: str) -> Selector:
    return Selector(text=(DATA / "pages" / name).read_text(encoding="utf-8"), type="html")


def replay_council(monkeypatch, council_id: str) -> Council:
    """An entry of the replay registry, its ${COUNCILS_REPLAY_URL} set to BASE."""
    monkeypatch.setenv("COUNCILS_REPLAY_URL", BASE)
    return {c.id: c for c in load(DATA / "councils.yml")}[council_id]
