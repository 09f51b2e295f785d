"""`alerts send`: queue what is due (alerts.select), then one message per subscription whose
frequency is due, and one notification per channel.

Delivery semantics. A delivery row is `pending` until the message that carries it has been
handed over (SMTP accepted it, the Maildir holds it, Apprise reported success); then, in one
transaction, its rows become `sent` with the send's id. A failure (server down, 4xx, 5xx,
timeout, dropped connection) leaves them pending for the next run. The only window is a crash
between the handover and that commit: at worst that one message is sent again at the next run
— never a batch, because each message is committed before the next one is built."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlite_utils

from alerts import compose, select, subscriptions
from alerts.criteria import Vocabulary
from alerts.db import log_send, transaction
from alerts.transport import TransportError, mail_transport, notify, shown
from technoveille.core import config
from technoveille.core.db import now_iso

logger = logging.getLogger(__name__)

PERIODS = {"immediate": timedelta(0), "daily": timedelta(hours=23),
           "weekly": timedelta(days=7) - timedelta(hours=1)}


@dataclass
class SendReport:
    queued: dict = field(default_factory=dict)
    messages: int = 0
    documents: int = 0
    channel_messages: int = 0
    confirmations: int = 0
    failures: list[str] = field(default_factory=list)
    waiting: int = 0            # subscriptions with documents pending, not due yet
    planned: list[tuple[str, int]] = field(default_factory=list)  # dry run: (to, documents)


def _due(frequency: str, last_sent: str | None, since: str | None, now: datetime) -> bool:
    if frequency == "immediate":
        return True
    base = last_sent or since
    if not base:
        return True
    return now - datetime.fromisoformat(base) >= PERIODS.get(frequency, PERIODS["daily"])


def send_confirmation(db: sqlite_utils.Database, sub, transport=None) -> bool:
    """The double opt-in mail, with the preview count. Logged; False on failure."""
    from alerts.select import preview

    days = config.get_int("ALERTS_PREVIEW_DAYS")
    msg = compose.confirmation(sub, preview(db, sub.criteria, days), days)
    own = transport is None
    transport = transport or mail_transport()
    try:
        transport.send(msg)
    except TransportError as exc:
        log_send(db, "confirmation", "failed", subscription_id=sub.id, recipient=sub.email,
                 error=str(exc))
        logger.warning("confirmation mail to subscription %s not sent: %s", sub.id, exc)
        return False
    finally:
        if own:
            transport.close()
    log_send(db, "confirmation", "sent", subscription_id=sub.id, recipient=sub.email,
             message_id=msg["Message-ID"])
    return True


def _theme_labels(db) -> dict[str, str]:
    try:
        return {r[0]: r[1] for r in db.execute("select id, label from pub.themes")}
    except Exception:  # noqa: BLE001
        return {}


def run(db: sqlite_utils.Database, dry_run: bool = False) -> SendReport:
    report = SendReport()
    now = now_iso()
    now_dt = datetime.fromisoformat(now)
    if dry_run:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            report.queued = select.queue(db, now)
            _plan(db, report, now_dt)
        finally:
            db.conn.execute("ROLLBACK")
        return report
    with transaction(db):
        report.queued = select.queue(db, now)
    labels = _theme_labels(db)
    transport = mail_transport()
    max_full = config.get_int("ALERTS_MAX_PER_MESSAGE")
    cache: dict = {}   # documents read once per run, whatever the number of digests
    try:
        _retry_confirmations(db, report, transport)
        for sub_id, frequency, last_sent, since in db.execute(
                "select s.id, s.frequency, s.last_sent_at, s.since from subscriptions s "
                "where s.status = 'active' and exists (select 1 from deliveries d where "
                "d.subscription_id = s.id and d.status = 'pending') order by s.id").fetchall():
            if not _due(frequency, last_sent, since, now_dt):
                report.waiting += 1
                continue
            sub = subscriptions.get(db, sub_id)
            rows = db.execute("select id, document_id, section, follows from deliveries "
                              "where subscription_id = ? and status = 'pending' "
                              "order by case section when 'new' then 0 when 'followup' then 1 "
                              "else 2 end, id", [sub_id]).fetchall()
            items = compose.load_items(db, [(r[1], r[2], r[3]) for r in rows], labels, cache)
            if not items:  # documents gone from the public database
                continue
            msg = compose.digest(sub, items, max_full)
            try:
                transport.send(msg)
            except TransportError as exc:
                log_send(db, "digest", "failed", subscription_id=sub_id, recipient=sub.email,
                         documents=len(rows), error=str(exc))
                report.failures.append(f"alerte {sub_id} : {exc}")
                logger.warning("digest of subscription %s not sent: %s", sub_id, exc)
                if not exc.permanent:
                    break  # the server is down or cut: the rest waits for the next run
                continue
            with transaction(db):
                send_id = log_send(db, "digest", "sent", subscription_id=sub_id,
                                   recipient=sub.email, documents=len(rows),
                                   message_id=msg["Message-ID"])
                db.conn.executemany(
                    "update deliveries set status = 'sent', sent_at = ?, send_id = ? "
                    "where id = ?", [(now_iso(), send_id, r[0]) for r in rows])
                db.execute("update subscriptions set last_sent_at = ? where id = ?",
                           [now, sub_id])
            report.messages += 1
            report.documents += len(rows)
    finally:
        transport.close()
    _send_channels(db, report, labels)
    return report


def _retry_confirmations(db, report: SendReport, transport) -> None:
    """A pending subscription whose confirmation mail never left gets it now."""
    for (sub_id,) in db.execute(
            "select s.id from subscriptions s where s.status = 'pending' and not exists ("
            "select 1 from sends e where e.subscription_id = s.id and e.kind = 'confirmation' "
            "and e.status = 'sent')").fetchall():
        sub = subscriptions.get(db, sub_id)
        if send_confirmation(db, sub, transport):
            report.confirmations += 1


def _send_channels(db, report: SendReport, labels) -> None:
    for channel_id, url, label in db.execute(
            "select c.id, c.url, coalesce(s.label, 'tous les documents signalés') "
            "from channels c left join subscriptions s on s.id = c.subscription_id "
            "where c.status = 'active' and c.operator = 0 and exists (select 1 from "
            "channel_deliveries d where d.channel_id = c.id and d.status = 'pending') "
            "order by c.id").fetchall():
        rows = db.execute("select id, document_id, section from channel_deliveries "
                          "where channel_id = ? and status = 'pending' order by id",
                          [channel_id]).fetchall()
        items = compose.load_items(db, [(r[1], r[2], None) for r in rows], labels)
        if not items:
            continue
        title, body = compose.chat(items, label)
        try:
            notify(url, title, body)
        except TransportError as exc:
            log_send(db, "channel", "failed", channel_id=channel_id, recipient=shown(url),
                     documents=len(rows), error=str(exc))
            report.failures.append(f"canal {channel_id} : {exc}")
            continue
        with transaction(db):
            send_id = log_send(db, "channel", "sent", channel_id=channel_id,
                               recipient=shown(url), documents=len(rows))
            db.conn.executemany("update channel_deliveries set status = 'sent', sent_at = ?, "
                                "send_id = ? where id = ?",
                                [(now_iso(), send_id, r[0]) for r in rows])
        report.channel_messages += 1


def _plan(db, report: SendReport, now_dt: datetime) -> None:
    for sub_id, email, frequency, last_sent, since, count in db.execute(
            "select s.id, p.email, s.frequency, s.last_sent_at, s.since, count(d.id) "
            "from subscriptions s join subscribers p on p.id = s.subscriber_id "
            "join deliveries d on d.subscription_id = s.id and d.status = 'pending' "
            "where s.status = 'active' group by s.id order by s.id").fetchall():
        if _due(frequency, last_sent, since, now_dt):
            report.planned.append((email, count))
            report.messages += 1
            report.documents += count
        else:
            report.waiting += 1


def vocabulary(db) -> Vocabulary:
    return Vocabulary.load(db, config.keywords_path())
