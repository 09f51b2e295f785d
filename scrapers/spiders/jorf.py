"""Journal officiel « Lois et Décrets » from DILA's JORFSIMPLE open-data increments.

Reads the Apache listing at JORF_DUMPS_URL, picks `JORFSIMPLE_YYYYMMDD-HHMMSS.tar.gz` archives
not processed yet within the window, downloads them ONE AT A TIME in timestamp order (state
must be applied chronologically), reads each tarball in memory (scrapers.parsers.safe_tar)
and yields one Document per JORFTEXT. No account, no quota; Licence Ouverte 2.0.

Window: `--since/--until` (backfill), else the last JORF_FIRST_RUN_DAYS days (default 7), or
from the last processed archive when that is older (a cron that stopped for a while catches
up). Processed archives are kept in the `state` table (`jorf:archive:<name>`) once the whole
archive was read; a damaged archive is not recorded and is retried on the next run.

Deletion lists (`liste_suppression_jorf.dat`) are applied when the crawl closes, after every
document was stored: a deleted text is KEPT and marked `extra.deleted` (see docs/sources/jorf.md).
"""
from __future__ import annotations

import copy
import hashlib
import json
from datetime import date, timedelta
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from pipelines import db as dbm
from pipelines.normalise import normalise_document
from scrapers.items import Document
from scrapers.parsers import jorf_archive, safe_tar
from scrapers.spiders.base import BaseSpider
from technoveille import config

STATE_PREFIX = "jorf:archive:"
STATE_LAST = "jorf:last_archive"
# where a version came from, not what it says: an unchanged re-delivery keeps the stored values
PROVENANCE = ("archive", "archive_kind", "reinjected")
SETTLED = PROVENANCE + ("rubric", "jo_id")  # what settle() needs from a previous version
RECENT_ARCHIVES = 3


def content_key(doc: Document) -> str:
    """Digest of what a text says, once normalised like the pipeline will (provenance aside)."""
    doc = normalise_document(copy.deepcopy(doc))
    extra = {k: v for k, v in (doc.extra or {}).items() if k not in PROVENANCE}
    payload = [doc.url, doc.title, doc.text, doc.parts, doc.published_on, doc.doc_type,
               doc.authority, extra]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def classify_href(href: str) -> str:
    """archive | ignore | unexpected, for one entry (name relative to the listed folder)."""
    name = unquote(href)
    if not name or name.startswith(("?", "/", "../", "#")) or "://" in name:
        return "ignore"  # sort links, parent directory, absolute links
    if jorf_archive.archive_date(name):
        return "archive"
    if name.startswith("Freemium_") or name.lower().endswith(".pdf") or name.endswith("/"):
        return "ignore"  # the 1 GB stock (deliberate backfill only), notices, sub-folders
    return "unexpected"


class JorfSpider(BaseSpider):
    name = "jorf"
    source = "jorf"
    custom_settings = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_MAXSIZE": int(config.get("JORF_MAX_ARCHIVE_BYTES", str(200 * 1024 * 1024))),
        "DOWNLOAD_WARNSIZE": 50 * 1024 * 1024,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dumps_url = (config.get("JORF_DUMPS_URL") or "").rstrip("/") + "/"
        self.default_days = int(config.get("JORF_FIRST_RUN_DAYS") or 7)
        self.max_member = int(config.get("JORF_MAX_MEMBER_BYTES", str(safe_tar.MAX_MEMBER)))
        self.max_total = int(config.get("JORF_MAX_TOTAL_BYTES", str(safe_tar.MAX_TOTAL)))
        self.done: dict[str, dict] = {}  # archives read to their end during this run
        self.deletions: list[tuple[str, list[str]]] = []
        self.yielded_in: dict[str, str] = {}  # JORFTEXT → last archive that carried it
        self.archive_urls: dict[str, str] = {}
        # sommaires of the last archives read (a mid-day correction re-delivers texts of the
        # night's JO without its sommaire); bounded: a backfill reads hundreds of JOs
        self.recent_sommaires: list[dict[str, dict]] = []
        self.previous: dict[str, dict] = {}  # JORFTEXT → slim {"extra", "key"} yielded this run

    # ------------------------------------------------------------ state (database)

    def load_state(self) -> tuple[set[str], str | None]:
        db = self.state_db
        names = {row[0][len(STATE_PREFIX):] for row in db.execute(
            "select key from state where key like ?", [STATE_PREFIX + "%"])}
        return names, dbm.get_state(db, STATE_LAST)

    def lower_bound(self, last: str | None) -> date:
        if self.since:
            return self.since
        lower = self.today() - timedelta(days=self.days or self.default_days)
        last_day = jorf_archive.archive_date(last) if last else None
        return min(lower, last_day) if last_day else lower

    # ------------------------------------------------------------ crawl
    async def start(self):
        yield self.request(self.dumps_url, self.parse_listing, meta={"record_id": "listing"})

    def parse_listing(self, response):
        text = response.body.decode(getattr(response, "encoding", None) or "iso-8859-1",
                                    errors="replace")
        hrefs = Selector(text=text).xpath("//a/@href").getall()
        processed, last = self.load_state()
        lower, upper = self.lower_bound(last), self.until
        candidates: dict[str, str] = {}
        folder = urlsplit(response.url).path.rstrip("/") + "/"
        for href in hrefs:
            url = urljoin(response.url, href.strip())
            parts = urlsplit(url)
            if parts.query or not parts.path.startswith(folder):
                continue  # sort links, parent directory, elsewhere
            name = unquote(parts.path[len(folder):])
            kind = classify_href(name)
            if kind == "unexpected":
                yield self.error("unexpected-listing-entry", url=url, record_id=name,
                                 detail="not a JORFSIMPLE_YYYYMMDD-HHMMSS.tar.gz")
            elif kind == "archive":
                day = jorf_archive.archive_date(name)
                if name in processed or day < lower or (upper and day > upper):
                    continue
                candidates.setdefault(name, url)
        self.archive_urls.update(candidates)
        todo = sorted(candidates, key=jorf_archive.archive_stamp)
        self.logger.info("JORF listing: %d archives to read from %s (window %s → %s, %d "
                         "already processed)", len(todo), response.url, lower,
                         upper or "today", len(processed))
        self.crawler.stats.set_value("technoveille/jorf/archives_selected", len(todo))
        yield from self.next_archive(todo)

    def next_archive(self, todo: list[str]):
        if not todo:
            return
        name, rest = todo[0], todo[1:]
        yield self.request(self.archive_urls.get(name) or urljoin(self.dumps_url, name),
                           self.parse_archive,
                           errback=self.archive_failed, dont_filter=True,
                           meta={"record_id": name, "archive": name, "todo": rest})

    def parse_archive(self, response):
        name = response.meta["archive"]
        result = jorf_archive.read_archive(name, response.body, max_member=self.max_member,
                                           max_total=self.max_total,
                                           known_sommaires=self.known_sommaires())
        self.recent_sommaires = (self.recent_sommaires + [result.sommaires])[-RECENT_ARCHIVES:]
        for err in result.errors:
            yield self.error(err["reason"], url=response.url, record_id=err["record_id"],
                             detail=f"{name}: {err['detail']}")
        for fields in result.documents:
            self.yielded_in[fields["source_id"]] = name
            yield self.settle(Document(**fields))
        if result.deletions:
            self.deletions.append((name, result.deletions))
        self.crawler.stats.inc_value("technoveille/jorf/archives_read")
        self.crawler.stats.inc_value("technoveille/jorf/texts", len(result.documents))
        self.logger.info("%s: %d texts, %d containers, %d deletions, %d errors%s", name,
                         len(result.documents), len(result.containers), len(result.deletions),
                         len(result.errors), "" if result.complete else " (incomplete)")
        if result.complete:
            self.done[name] = {"texts": len(result.documents), "errors": len(result.errors),
                               "deletions": len(result.deletions), "size": len(response.body)}
        yield from self.next_archive(response.meta["todo"])

    # ------------------------------------------------------------ known versions
    def stored(self, doc_id: str) -> dict | None:
        """The stored version of a text: {"extra", "key"} (None when never stored)."""
        rows = self.state_db.execute(
            "select url, title, text, parts, published_on, doc_type, authority, extra "
            "from documents where id = ?", [doc_id]).fetchall()
        if not rows:
            return None
        row = rows[0]
        extra = json.loads(row[7] or "{}")
        doc = Document(source=self.source, source_id=doc_id.split(":", 1)[1], url=row[0],
                       title=row[1], text=row[2], parts=json.loads(row[3] or "[]"),
                       published_on=row[4], doc_type=row[5], authority=row[6], extra=extra)
        return {"extra": extra, "key": content_key(doc)}

    def known_sommaires(self) -> dict[str, dict]:
        known: dict[str, dict] = {}
        for sommaires in self.recent_sommaires:
            known.update(sommaires)
        return known

    def settle(self, doc: Document) -> Document:
        """Reconcile a text with the version already stored (or yielded earlier this run):
        - the rubric is kept when this archive does not carry the JO's sommaire (mid-day
          corrections, re-injections re-deliver texts alone);
        - `reinjected` is decided by the text's FIRST arrival (a text published as new stays
          new when an evening archive re-delivers it; an old text stays old);
        - a re-delivery that says the same thing keeps the stored provenance (archive,
          archive_kind), so the row is left unchanged (no spurious update)."""
        before = self.previous.get(doc.source_id) or self.stored(doc.id)
        extra = doc.extra
        old = before["extra"] if before else {}
        if not extra.get("rubric") and old.get("rubric") and (
                old.get("jo_id") == extra.get("jo_id")):
            extra["rubric"] = old["rubric"]
        key = content_key(doc)  # provenance aside: unaffected by what follows
        if "reinjected" in old:
            extra["reinjected"] = bool(old["reinjected"])
        if before and key == before["key"]:
            for name in PROVENANCE:
                if name in old:
                    extra[name] = old[name]
        self.previous[doc.source_id] = {
            "extra": {k: extra[k] for k in SETTLED if k in extra}, "key": key}
        return doc

    def archive_failed(self, failure):
        yield from self.errback(failure)
        yield from self.next_archive(failure.request.meta.get("todo") or [])

    # ------------------------------------------------------------ close
    def closed(self, reason):
        if not self.done and not self.deletions:
            return
        db = self.state_db
        with db.atomic():
            self.apply_deletions(db)
            for name, summary in sorted(self.done.items()):
                summary["processed_at"] = dbm.now_iso()
                dbm.set_state(db, STATE_PREFIX + name, json.dumps(summary, sort_keys=True))
            if self.done:
                newest = max(self.done, key=jorf_archive.archive_stamp)
                current = dbm.get_state(db, STATE_LAST)
                if not current or jorf_archive.archive_stamp(newest) > (
                        jorf_archive.archive_stamp(current) or ""):
                    dbm.set_state(db, STATE_LAST, newest)

    def apply_deletions(self, db) -> None:
        """Mark deleted texts (extra.deleted = archive) and deleted articles
        (extra.deleted_articles); a text carried again by a LATER archive of this run
        is not marked (DILA re-created it)."""
        order = {name: jorf_archive.archive_stamp(name) for name, _ in self.deletions}
        for name, ids in self.deletions:
            for deleted in ids:
                if deleted.startswith("JORFTEXT"):
                    again = self.yielded_in.get(deleted)
                    if again and jorf_archive.archive_stamp(again) > order[name]:
                        continue
                    row = db.execute("select extra from documents where id = ?",
                                     [f"jorf:{deleted}"]).fetchone()
                    if row is None:
                        self.logger.info("%s deletes %s (never stored)", name, deleted)
                        continue
                    extra = json.loads(row[0] or "{}")
                    if extra.get("deleted") != name:
                        extra["deleted"] = name
                        db.execute("update documents set extra = ?, updated_at = ? where id = ?",
                                   [json.dumps(extra, ensure_ascii=False, sort_keys=True),
                                    dbm.now_iso(), f"jorf:{deleted}"])
                        self.logger.info("%s deletes %s: marked deleted", name, deleted)
                elif deleted.startswith("JORFARTI"):
                    for doc_id, raw in db.execute(
                            "select id, extra from documents where source = 'jorf' "
                            "and extra like ?", [f"%{deleted}%"]).fetchall():
                        extra = json.loads(raw or "{}")
                        marked = extra.setdefault("deleted_articles", [])
                        if deleted not in marked:
                            marked.append(deleted)
                            db.execute("update documents set extra = ? where id = ?",
                                       [json.dumps(extra, ensure_ascii=False, sort_keys=True),
                                        doc_id])
