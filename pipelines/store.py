"""Third stage: SQLite. Idempotent upserts keyed on (source, source_id); a document whose
content hash is unchanged is not rewritten; errors become crawl_errors rows."""
from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import asdict

from scrapy import signals

from pipelines import db as dbm
from pipelines.matching import load_matcher
from technoveille.core import config
from technoveille.core.db import connect, now_iso, set_state
from technoveille.core.items import CrawlError, Document, StateUpdate

logger = logging.getLogger(__name__)


def record_error(db, run_id: int | None, error: CrawlError) -> None:
    """One row per distinct (source, record, url, reason); a repeat bumps its counters."""
    key = f"{error.source}|{error.record_id}|{error.url}|{error.reason}"
    eid = hashlib.sha1(key.encode()).hexdigest()[:20]
    now = now_iso()
    row = db.execute("select occurrences, last_run from crawl_errors where id = ?",
                     [eid]).fetchone()
    if row is None:
        db["crawl_errors"].insert({
            "id": eid, "source": error.source, "record_id": error.record_id, "url": error.url,
            "reason": error.reason, "detail": (error.detail or "")[:4000], "first_seen": now,
            "last_seen": now, "first_run": run_id, "last_run": run_id, "occurrences": 1},
            pk="id")
    elif row[1] != run_id:
        db.execute("update crawl_errors set occurrences = occurrences + 1, last_seen = ?, "
                   "last_run = ?, detail = ? where id = ?",
                   [now, run_id, (error.detail or "")[:4000], eid])


def run_outcome(stats: dict, errors: Counter, finish_reason: str | None) -> tuple[str, str | None]:
    """('ok', None) or ('failed', French reason) for one finished crawl, from its Scrapy stats.

    A source "could not be collected at all" when it sent requests and not one of them got a
    usable answer (status below 400), robots.txt, the local end-of-crawl request and the
    answers a spider counts as `technoveille/auxiliary_responses` (tokens) aside; or
    when the crawl did not finish normally. A crawl that sends nothing (legifrance without
    credentials) is ok; so is one where some requests failed (those are crawl_errors rows)."""
    local = stats.get("technoveille/local_requests", 0)
    requests = stats.get("downloader/request_count", 0) - local  # as crawl_runs.requests
    statuses: Counter = Counter()
    prefix = "downloader/response_status_count/"
    for key, count in stats.items():
        if key.startswith(prefix):
            statuses[int(key[len(prefix):])] += count
    for key, count in stats.items():  # robots.txt answers are not the source's
        if key.startswith("robotstxt/response_status_count/"):
            statuses[int(key.rsplit("/", 1)[1])] -= count
    statuses[200] -= local
    # answers that carry no content of the source (an OAuth token) do not make it collected
    usable = sum(n for code, n in statuses.items() if code < 400) - stats.get(
        "technoveille/auxiliary_responses", 0)
    total_errors = sum(errors.values())
    counts = f"{requests} requête{'s' if requests > 1 else ''}, " \
             f"{total_errors} erreur{'s' if total_errors > 1 else ''}"
    why = ", ".join(f"{reason} ×{n}" for reason, n in errors.most_common(3))
    if finish_reason not in ("finished", None):
        return "failed", f"collecte interrompue ({finish_reason}) ({counts})"
    if requests - stats.get("robotstxt/request_count", 0) <= 0 or usable > 0:
        return "ok", None
    answered = {code: n for code, n in statuses.items() if n > 0}
    if not answered:
        return "failed", f"aucune réponse du serveur{' : ' + why if why else ''} ({counts})"
    codes = ", ".join(f"HTTP {code} ×{n}" for code, n in sorted(answered.items()))
    return "failed", f"aucune réponse exploitable : {codes} ({counts})"


def record_failed_start(db_path, source: str, detail: str, args: dict | None = None) -> int:
    """A crawl that could not even start (spider refused its arguments or its registry):
    a crawl_runs row with status 'failed', so the health check sees it like any other."""
    db = connect(db_path)
    try:
        now = now_iso()
        return db["crawl_runs"].insert({
            "source": source, "args": json.dumps(args or {}, sort_keys=True, default=str),
            "started_at": now, "finished_at": now, "finish_reason": "not-started",
            "documents_seen": 0, "documents_new": 0, "documents_updated": 0,
            "documents_unchanged": 0, "errors": 0, "requests": 0, "responses": 0,
            "status": "failed", "failure": f"la collecte n'a pas démarré : {detail}"[:500]}).last_pk
    finally:
        db.close()


def store_document(db, item: Document, result, version: str) -> str:
    doc = asdict(item)
    doc["id"] = item.id
    with db.atomic():
        status = dbm.upsert_document(db, doc)
        current = db.execute("select match_version from documents where id = ?",
                             [item.id]).fetchone()
        if status != "unchanged" or current[0] != version:
            dbm.apply_match(db, item.id, result, version)
    return status


class StorePipeline:
    def __init__(self, crawler, db_path, keywords_path):
        self.crawler = crawler
        self.db_path = db_path
        self.keywords_path = keywords_path
        self.db = None
        self.run_id = None
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "errors": 0}
        self.seen: set[str] = set()
        self.error_reasons: Counter = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipe = cls(crawler, settings.get("TECHNOVEILLE_DB") or config.db_path(),
                   settings.get("TECHNOVEILLE_KEYWORDS") or config.keywords_path())
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.db = connect(self.db_path)
        self.source = getattr(spider, "source", spider.name)
        args = {k: v for k, v in vars(spider).items()
                if k in ("since", "until", "city", "days", "backfill") and v is not None}
        self.run_id = self.db["crawl_runs"].insert({
            "source": spider.name, "args": json.dumps(args, sort_keys=True, default=str),
            "started_at": now_iso()}).last_pk
        self.crawler.stats.set_value("technoveille/run_id", self.run_id)
        # the same (cached) matcher as the match stage: its themes and terms are published
        matcher = load_matcher(self.keywords_path)
        dbm.store_vocabulary(self.db, matcher)
        set_state(self.db, "keywords_version", matcher.version)
        # documents stored under older place rules or reference data (a no-op otherwise)
        with self.db.atomic():
            moved = dbm.relocate(self.db)
        if moved:
            logger.info("%d stored documents relocated (commune, département, SIREN)", moved)

    def process_item(self, item, spider=None):
        if isinstance(item, CrawlError):
            self.counts["errors"] += 1
            self.error_reasons[item.reason] += 1
            logger.warning("crawl error [%s] %s: %s (%s) %s", item.source, item.record_id or "-",
                           item.reason, item.url or "", (item.detail or "")[:300])
            with self.db.atomic():
                record_error(self.db, self.run_id, item)
            return item
        if isinstance(item, StateUpdate):
            self.apply_state(item)
            return item
        if isinstance(item, Document):
            result = getattr(item, "_match", None)
            status = store_document(self.db, item, result, result.version if result else "")
            if item.id not in self.seen:
                self.seen.add(item.id)
                self.counts[status] += 1
        return item

    def apply_state(self, update: StateUpdate) -> None:
        with self.db.atomic():
            for deletion in update.deletions:
                outcome = dbm.mark_deleted(self.db, deletion)
                if outcome != "already":
                    logger.info("%s deletes %s: %s", deletion.by, deletion.target,
                                "marked deleted" if outcome == "marked" else "never stored")
            for key, value in update.values.items():
                set_state(self.db, key, value)

    def close_spider(self, spider=None):
        if self.db is None:
            return
        with self.db.atomic():
            changed = dbm.propagate_flags(self.db)
        if changed:
            logger.info("%d documents flagged or unflagged through links", changed)

    def spider_closed(self, spider, reason):
        if self.db is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        local = stats.get("technoveille/local_requests", 0)
        status, failure = run_outcome(stats, self.error_reasons, reason)
        self.crawler.stats.set_value("technoveille/status", status)
        if failure:
            self.crawler.stats.set_value("technoveille/failure", failure)
            logger.error("source %s could not be collected: %s", self.source, failure)
        self.db["crawl_runs"].update(self.run_id, {
            "finished_at": now_iso(),
            "finish_reason": reason,
            "documents_seen": len(self.seen), "documents_new": self.counts["new"],
            "documents_updated": self.counts["updated"],
            "documents_unchanged": self.counts["unchanged"], "errors": self.counts["errors"],
            # network requests: the end-of-crawl data: request that carries state is not one
            "requests": stats.get("downloader/request_count", 0) - local,
            "responses": stats.get("downloader/response_count", 0) - local,
            "status": status, "failure": failure})
        logger.info("stored: %s", self.counts)
        self.db.close()
