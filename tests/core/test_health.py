"""technoveille.core.health judges a source from its crawl_runs rows alone (shared by the
operators' alerts and the site's état des sources): each problem on runs written the way the
store pipeline writes them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from technoveille.core import health
from technoveille.core.db import connect

MONDAY = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


def add_run(db, when, documents=10, errors=0, requests=20, responses=20, reason="finished"):
    db.execute("insert into crawl_runs (source, args, started_at, finished_at, finish_reason, "
               "documents_seen, errors, requests, responses) values ('boamp', '{}', ?, ?, ?, "
               "?, ?, ?, ?)", [when.isoformat(), (when + timedelta(minutes=5)).isoformat(),
                               reason, documents, errors, requests, responses])


@pytest.fixture
def db(tmp_path):
    return connect(tmp_path / "tv.db")


def problems(db):
    [boamp] = health.assess(db.conn)
    return {p.kind: p.detail for p in boamp.problems}


def test_a_healthy_history_has_no_problem(db):
    for day in range(10):
        add_run(db, MONDAY + timedelta(days=day))
    assert problems(db) == {}


def test_no_response_at_all_is_a_failure(db):
    add_run(db, MONDAY)
    add_run(db, MONDAY + timedelta(days=1), documents=0, errors=14, requests=14, responses=0)
    assert problems(db) == {
        "failed": "la dernière collecte a échoué : aucune réponse (14 requêtes, 14 erreurs)"}


def test_failures_in_a_row_threshold(db, monkeypatch):
    monkeypatch.setenv("ALERTS_HEALTH_FAILED_RUNS", "3")
    add_run(db, MONDAY)
    for day in (1, 2):
        add_run(db, MONDAY + timedelta(days=day), reason="shutdown", responses=3)
    assert problems(db) == {}
    add_run(db, MONDAY + timedelta(days=3), reason="shutdown", responses=3)
    assert problems(db)["failed"].startswith("les 3 dernières collectes ont échoué : collecte "
                                             "interrompue (shutdown)")


def test_an_empty_day_when_that_weekday_usually_has_documents(db):
    for week in range(3):
        add_run(db, MONDAY + timedelta(weeks=week))
        add_run(db, MONDAY + timedelta(weeks=week, days=6), documents=0)  # Sundays: nothing
    add_run(db, MONDAY + timedelta(weeks=3, days=6), documents=0)         # a Sunday: normal
    assert problems(db) == {}
    add_run(db, MONDAY + timedelta(weeks=4), documents=0)                  # a Monday: not
    assert "aucun document à la dernière collecte" in problems(db)["empty"]


def test_an_error_rate_jump(db):
    for day in range(5):
        add_run(db, MONDAY + timedelta(days=day), errors=1, requests=100, responses=100)
    add_run(db, MONDAY + timedelta(days=5), errors=40, requests=100, responses=100)
    assert problems(db) == {"errors": "taux d'erreur de 40% à la dernière collecte "
                                      "(d'habitude 1%)"}


def test_a_run_in_progress_is_not_judged(db):
    add_run(db, MONDAY)
    db.execute("insert into crawl_runs (source, started_at) values ('boamp', ?)",
               [(MONDAY + timedelta(days=1)).isoformat()])
    [boamp] = health.assess(db.conn)
    assert boamp.ok and boamp.documents_seen == 10
