"""`alerts health`: tell the operators — on their own channel (ALERTS_OPERATOR_URL and the
channels added with `--operator`), never the subscribers' — once when a source breaks
(technoveille.core.health) and once when it recovers. Incidents live in the private DB; a
notification that could not be sent is tried again at the next run."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlite_utils

from alerts.db import log_send, transaction
from alerts.transport import TransportError, notify, shown
from technoveille.core import config, health, sources
from technoveille.core.db import now_iso

logger = logging.getLogger(__name__)


@dataclass
class HealthReport:
    sources: list[health.SourceHealth] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    notified: int = 0
    failures: list[str] = field(default_factory=list)
    targets: int = 0


def operator_urls(db: sqlite_utils.Database) -> list[str]:
    urls = [u.strip() for u in (config.get("ALERTS_OPERATOR_URL") or "").split(",") if u.strip()]
    urls += [r[0] for r in db.execute(
        "select url from channels where operator = 1 and status = 'active' order by id")]
    return list(dict.fromkeys(urls))


def run(db: sqlite_utils.Database) -> HealthReport:
    report = HealthReport(sources=health.assess(db.conn, "pub"))
    now = now_iso()
    current = {(h.source, p.kind): p.detail for h in report.sources for p in h.problems}
    with transaction(db):
        open_rows = db.execute("select id, source, kind from incidents where closed_at is null"
                               ).fetchall()
        opened = {(source, kind) for _, source, kind in open_rows}
        for (source, kind), detail in current.items():
            if (source, kind) not in opened:
                db.execute("insert into incidents (source, kind, detail, opened_at) "
                           "values (?, ?, ?, ?)", [source, kind, detail, now])
                report.opened.append(f"{sources.label(source)} : {detail}")
        for incident_id, source, kind in open_rows:
            if (source, kind) not in current:
                db.execute("update incidents set closed_at = ? where id = ?", [now, incident_id])
                report.closed.append(sources.label(source))
    urls = operator_urls(db)
    report.targets = len(urls)
    for row in db.execute(
            "select id, source, kind, detail, closed_at, notified_open, notified_close, "
            "opened_at "
            "from incidents where notified_open = 0 or (closed_at is not null and "
            "notified_close = 0) order by id").fetchall():
        incident_id, source, kind, detail, closed_at, n_open, n_close, opened_at = row
        if not urls:  # nobody to tell: the CLI summary and the site say it
            db.execute("update incidents set notified_open = 1, notified_close = "
                       "(closed_at is not null) where id = ?", [incident_id])
            continue
        if not n_open:
            title = f"technoveille : la source {sources.label(source)} ne répond plus"
            body = f"{detail}\n\nDepuis : {opened_at}. Un message suivra à son rétablissement."
            column = "notified_open"
            if closed_at:  # broken and mended between two runs: one message says both
                title = f"technoveille : incident sur {sources.label(source)} (résolu)"
                body = f"{detail}\n\nRésolu depuis : {closed_at}."
        else:
            title = f"technoveille : la source {sources.label(source)} est rétablie"
            body = f"Incident ouvert le {opened_at} : {detail}\nRétablie le {closed_at}."
            column = "notified_close"
        sent_all = True
        for url in urls:
            try:
                notify(url, title, body, body_format="text")
                log_send(db, "operator", "sent", recipient=shown(url))
            except TransportError as exc:
                sent_all = False
                log_send(db, "operator", "failed", recipient=shown(url), error=str(exc))
                report.failures.append(f"{shown(url)} : {exc}")
        if sent_all:
            report.notified += 1
            if closed_at and not n_open:
                db.execute("update incidents set notified_open = 1, notified_close = 1 "
                           "where id = ?", [incident_id])
            else:
                db.execute(f"update incidents set {column} = 1 where id = ?", [incident_id])
    return report
