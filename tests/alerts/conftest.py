"""Alerts are tested with real parts: the replay corpus crawled in a subprocess into a real
SQLite file, a real SMTP server on loopback (aiosmtpd), a local HTTP receiver for Apprise."""
from __future__ import annotations

import sqlite3

import pytest

from tests.alerts.smtp import SmtpSink
from tests.alerts.webhook import Receiver
from tests.conftest import crawl_env, run_cli


@pytest.fixture
def smtp():
    sink = SmtpSink()
    yield sink
    sink.stop()


@pytest.fixture
def webhook():
    receiver = Receiver()
    yield receiver
    receiver.close()


def alerts_env(tmp, replay_server, smtp_url: str | None = None) -> dict:
    env = crawl_env(tmp, replay_server)
    env.update({"TECHNOVEILLE_PRIVATE_DB": str(tmp / "private.db"),
                "ALERTS_MAILDIR": str(tmp / "mail"),
                "TECHNOVEILLE_ALERTS_URL": "http://alertes.test",
                "TECHNOVEILLE_SITE_URL": "http://site.test",
                "ALERTS_OPERATOR_URL": ""})
    env.pop("SMTP_URL", None)
    if smtp_url:
        env["SMTP_URL"] = smtp_url
    return env


@pytest.fixture
def corpus_env(tmp_path, replay_server, demo_published, smtp):
    """A copy of the crawled replay corpus (the working DB of the site tests' demo crawl), a
    fresh private DB, SMTP on loopback."""
    env = alerts_env(tmp_path, replay_server, smtp.url)
    source = sqlite3.connect(demo_published["working"])
    target = sqlite3.connect(env["TECHNOVEILLE_DB"])
    source.backup(target)  # WAL included
    target.close()
    source.close()
    return env


def alerts(env, *args, check=True):
    return run_cli(["alerts", *args], env, check=check)


def private_rows(env, sql, args=()):
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, args)]
    finally:
        con.close()


def backdate(env, subscription_id: int, since: str = "2000-01-01T00:00:00+00:00"):
    """Move a subscription's cursor back, as if it had been confirmed before the crawl."""
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    con.execute("update subscriptions set since = ? where id = ?", [since, subscription_id])
    con.commit()
    con.close()


def confirmed(env, email, *args) -> int:
    """An immediate subscription, confirmed through its token, its cursor moved back: the
    documents already crawled count as news for it."""
    alerts(env, "subscribe", email, "--frequency", "immediate", *args)
    row = private_rows(env, "select id, confirm_token from subscriptions order by id desc")[0]
    alerts(env, "confirm", row["confirm_token"])
    backdate(env, row["id"])
    return row["id"]
