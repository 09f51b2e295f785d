"""Journal officiel « Lois et Décrets » from DILA's JORFSIMPLE open-data increments.

Reads the Apache listing at JORF_DUMPS_URL, picks `JORFSIMPLE_YYYYMMDD-HHMMSS.tar.gz` archives
not processed yet within the window, downloads them ONE AT A TIME in timestamp order (state
must be applied chronologically), reads each tarball in memory (scrapers.parsers.safe_tar)
and yields one Document per JORFTEXT. No account, no quota; Licence Ouverte 2.0.

Window: `--since/--until` (backfill), else the last JORF_FIRST_RUN_DAYS days (default 7), or
from the last processed archive when that is older (a cron that stopped for a while catches
up). Processed archives are kept in the `state` table (`jorf:archive:<name>`) once the whole
archive was read; a damaged archive is not recorded and is retried on the next run.

Deletion lists (`liste_suppression_jorf.dat`) are applied when the crawl has finished, after
every document was stored: the spider's final StateUpdate item carries them with the archives
read, and the store pipeline marks a deleted text `extra.deleted` — it is KEPT (see
docs/sources/jorf.md).
"""
from __future__ import annotations

import copy
import hashlib
import json
from datetime import date, timedelta
from urllib.parse import unquote, urljoin, urlsplit

from parsel import Selector

from scrapers.parsers import jorf_archive
from scrapers.spiders.base import BaseSpider
from technoveille.core import db as state
from technoveille.core.items import Deletion, Document, StateUpdate
from technoveille.core.textclean import normalise_document

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
        "DOWNLOAD_WARNSIZE": 50 * 1024 * 1024,
    }

    settings_from = {"DOWNLOAD_MAXSIZE": "JORF_MAX_ARCHIVE_BYTES"}

    @property
    def dumps_url(self) -> str:
        return (self.settings.get("JORF_DUMPS_URL") or "").rstrip("/") + "/"

    @property
    def default_days(self) -> int:
        return self.settings.getint("JORF_FIRST_RUN_DAYS") or 7

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        return set(state.state_items(db, STATE_PREFIX)), state.get_state(db, STATE_LAST)

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
        result = jorf_archive.read_archive(name, response.body,
                                           max_member=self.settings.getint("JORF_MAX_MEMBER_BYTES"),
                                           max_total=self.settings.getint("JORF_MAX_TOTAL_BYTES"),
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
        row = state.stored_document(self.state_db, doc_id)
        if row is None:
            return None
        doc = Document(source=self.source, source_id=doc_id.split(":", 1)[1], url=row["url"],
                       title=row["title"], text=row["text"], parts=row["parts"],
                       published_on=row["published_on"], doc_type=row["doc_type"],
                       authority=row["authority"], extra=row["extra"])
        return {"extra": row["extra"], "key": content_key(doc)}

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

    # ------------------------------------------------------------ end of crawl
    def final_items(self):
        """One StateUpdate: the deletions of this run and the archives read to their end."""
        if not self.done and not self.deletions:
            return []
        values = {}
        for name, summary in sorted(self.done.items()):
            summary["processed_at"] = state.now_iso()
            values[STATE_PREFIX + name] = json.dumps(summary, sort_keys=True)
        if self.done:
            newest = max(self.done, key=jorf_archive.archive_stamp)
            current = state.get_state(self.state_db, STATE_LAST)
            if not current or jorf_archive.archive_stamp(newest) > (
                    jorf_archive.archive_stamp(current) or ""):
                values[STATE_LAST] = newest
        return [StateUpdate(values=values, deletions=self.deletions_to_apply())]

    def deletions_to_apply(self) -> list[Deletion]:
        """Every deletion of this run, except a text carried again by a LATER archive of this
        run (DILA re-created it)."""
        order = {name: jorf_archive.archive_stamp(name) for name, _ in self.deletions}
        out = []
        for name, ids in self.deletions:
            for deleted in ids:
                if deleted.startswith("JORFTEXT"):
                    again = self.yielded_in.get(deleted)
                    if again and jorf_archive.archive_stamp(again) > order[name]:
                        continue
                if deleted.startswith(("JORFTEXT", "JORFARTI")):
                    out.append(Deletion(source=self.source, target=deleted, by=name))
        return out
