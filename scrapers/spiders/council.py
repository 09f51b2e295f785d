"""Council documents (délibérations, procès-verbaux, listes, ordres du jour…) for every body
of the registry (scrapers/councils.yml or COUNCILS_FILE); `-a city=<id>[,<id>]` restricts.

Two kinds of entry, no per-city code:
- `scdl`: a SCDL Délibérations CSV, an Opendatasoft export (v2.1 or v1 JSON) or a
  data.gouv.fr dataset (its CSV resources); each row → one délibération, its DELIB_URL PDF
  downloaded for the text;
- `site`: listing page(s) → optional session pages → document links, read with the entry's
  CSS/XPath selectors; anchor text + URL classify each document.

Incremental: validators (ETag, Last-Modified) of every document URL are kept in the `state`
table; a known URL is asked with If-None-Match / If-Modified-Since and a 304 is skipped;
known documents older than the revisit window (`revisit_months`, or --since) are not asked
at all. The same PDF linked twice is fetched once (normalised URL) and stored once (content
sha256). robots.txt is obeyed for `site` entries (not for open-data feeds, which are APIs
meant for programs); TLS certificates are verified except for hosts an entry exempts.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from scrapers import council_tls
from scrapers.parsers.council import assemble, feed, pdf, scdl, walk
from scrapers.parsers.council.assemble import MB
from scrapers.parsers.council.registry import Council, load
from scrapers.parsers.council.urls import normalise_url
from scrapers.spiders.base import BaseSpider
from technoveille.core import db as state_api
from technoveille.core.items import StateUpdate

STATE_PREFIX = "council:http:"


class CouncilSpider(BaseSpider):
    name = "council"
    source = "council"
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "REDIRECT_MAX_TIMES": 5,
        "DOWNLOAD_VERIFY_CERTIFICATES": True,
        "DOWNLOADER_CLIENTCONTEXTFACTORY": "scrapers.council_tls.PerHostTLSContextFactory",
    }

    def __init__(self, *args, city=None, registry=None, **kwargs):
        super().__init__(*args, **kwargs)
        councils = load(registry) if registry else load()
        wanted = {c.strip() for c in city.split(",")} if city else None
        if wanted:
            unknown = wanted - {c.id for c in councils}
            if unknown:
                raise ValueError(f"city inconnue dans le registre : {', '.join(sorted(unknown))}")
        self.councils = {c.id: c for c in councils
                         if (c.id in wanted if wanted else c.enabled)}
        self.requested: set[str] = set()
        self.sha_seen: dict[tuple[str, str], str] = {}
        self._db = None

    # ------------------------------------------------------------ state (DB)
    @property
    def db(self):
        """Incremental state, read once through the core's state API before the first
        response: validators of every document URL, ids and content hashes stored."""
        if self._db is None:
            self._db = self.state_db
            self.state = {k: json.loads(v)
                          for k, v in state_api.state_items(self._db, STATE_PREFIX).items()}
            self.known_ids = state_api.known_ids(self._db, self.source)
            if pdf.ocr_available():
                # scans stored before OCR was installed: fetched again (in full) and read
                self.known_ids -= state_api.awaiting_ocr(self._db, self.source)
            # content dedup is per council: two bodies publishing the same PDF are two documents
            self.known_sha = {(source_id.split(":", 1)[0], sha): source_id
                              for sha, source_id in state_api.stored_sha256(self._db, self.source)}
        return self._db

    def remember(self, norm: str, value: dict) -> StateUpdate:
        """What a document URL answered (validators, ids, error), as an item to store."""
        self.state[norm] = value
        return StateUpdate(values={STATE_PREFIX + norm: json.dumps(value, sort_keys=True)})

    def cutoff(self, council: Council) -> date:
        if self.since:
            return self.since
        return self.today() - timedelta(days=int(council.revisit_months * 30.5))

    # ------------------------------------------------------------ requests
    async def start(self):
        self.db  # load state before the first response
        for council in self.councils.values():
            for url in council.urls:
                if not council.verify_tls:
                    council_tls.exempt(urlsplit(url).hostname or "", council.id)
                meta = {"council": council.id, "dont_obey_robotstxt": not council.robots,
                        "page": 1, "record_id": council.id}
                if council.kind == "scdl":
                    yield self.request(url, self.parse_feed, meta=meta, dont_filter=True)
                else:
                    yield self.request(url, self.parse_listing, meta=meta, dont_filter=True)

    def document_request(self, council: Council, url: str, info: dict):
        """One request per normalised URL per crawl; conditional when already known; none
        at all for known documents older than the revisit window."""
        norm = normalise_url(url)
        if norm in self.requested:
            self.crawler.stats.inc_value("council/duplicate_links")
            self.logger.debug("same document linked twice: %s", url)
            return None
        self.requested.add(norm)
        known = self.state.get(norm)
        complete = known and all(i in self.known_ids for i in known.get("ids", []))
        when = info.get("date")
        # an answer that gave no document (an error, maybe a transient error page served with
        # status 200) is asked again on every run, however old: conditionally when it had
        # validators (an unchanged answer is the same error, 304), in full otherwise
        if complete and known.get("ids") and when and date.fromisoformat(when) < self.cutoff(council):
            self.crawler.stats.inc_value("council/skipped_old")
            return None
        headers = {}
        if complete:
            if known.get("etag"):
                headers["If-None-Match"] = known["etag"]
            if known.get("last_modified"):
                headers["If-Modified-Since"] = known["last_modified"]
        if not council.verify_tls:
            council_tls.exempt(urlsplit(url).hostname or "", council.id)
        meta = {"council": council.id, "info": info, "norm": norm,
                "handle_httpstatus_list": [304], "download_maxsize": int(council.max_mb * MB),
                "dont_obey_robotstxt": not council.robots, "record_id": info.get("source_id")}
        return self.request(url, self.parse_document, headers=headers, meta=meta)

    def errback(self, failure):
        request = failure.request
        message = str(failure.value)
        reason = None
        if failure.check(IgnoreRequest) and "redirect" in message.lower():
            reason = "redirect-loop"
        elif "max size" in message or "maxsize" in message or "larger than download" in message:
            reason = "too-big"
        elif failure.check(IgnoreRequest) and "robots" in message.lower():
            reason = "robots-forbidden"
        if reason is None:
            yield from super().errback(failure)
            return
        self.logger.warning("request failed %s: %s", request.url, reason)
        yield self.error(reason, url=request.url, record_id=request.meta.get("record_id"),
                         detail=message[:500])

    # ------------------------------------------------------------ helpers
    def council_of(self, response) -> Council:
        return self.councils[response.meta["council"]]

    def decoded(self, response):
        """Latin-1 bytes in a page declared UTF-8: error row + re-decode as cp1252."""
        if not isinstance(response, TextResponse):
            return response, None
        if response.encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            try:
                response.body.decode("utf-8")
            except UnicodeDecodeError as exc:
                err = self.error("encoding-mismatch", url=response.url,
                                 record_id=response.meta.get("record_id"),
                                 detail=f"page déclarée UTF-8 mais illisible en UTF-8 ({exc}); "
                                        "relue en windows-1252")
                self.logger.warning("crawl warning %s: encoding-mismatch", response.url)
                return response.replace(encoding="cp1252"), err
        return response, None

    def health(self, reason: str, response, selector: str | None):
        self.logger.warning("santé du registre [%s] %s : %s (sélecteur %r)",
                            response.meta["council"], response.url, reason, selector)
        return self.error(reason, url=response.url, record_id=response.meta["council"],
                          detail=f"le sélecteur {selector!r} ne trouve rien : la page a "
                                 "peut-être changé de forme ; vérifiez l'entrée du registre")

    # ------------------------------------------------------------ scdl
    def parse_feed(self, response):
        council = self.council_of(response)
        if feed.is_dataset(response.body, council):
            for url in feed.resources(json.loads(response.text)):
                yield self.request(url, self.parse_feed_resource,
                                   meta={"council": council.id, "record_id": council.id,
                                         "dont_obey_robotstxt": True})
            return
        yield from self.read_feed(response, council, resource=False)

    def parse_feed_resource(self, response):
        yield from self.read_feed(response, self.council_of(response), resource=True)

    def read_feed(self, response, council: Council, resource: bool):
        found = feed.read(response.body, council, resource)
        for problem in found.problems:
            if problem.health:
                yield self.health(problem.reason, response, None)
            else:
                yield self.error(problem.reason, url=response.url, record_id=problem.record_id,
                                 detail=problem.detail)
        for row in found.rows:
            yield from self.scdl_row(council, row, response.url)

    def scdl_row(self, council: Council, row: scdl.Delib, feed_url: str):
        info = assemble.scdl_info(council, row)
        if row.url:
            req = self.document_request(council, row.url, info)
            if req is not None:
                yield req
            return
        yield assemble.scdl_document(council, row, info, feed_url)

    # ------------------------------------------------------------ site
    def parse_listing(self, response):
        council = self.council_of(response)
        response, err = self.decoded(response)
        if err:
            yield err
        if council.sessions:
            found = walk.sessions(response.selector, get_base_url(response), council.sessions,
                                  response.meta.get("page", 1))
        else:
            found = self.walk_documents(response, council, walk.Session())
        yield from self.follow(response, council, found, self.parse_listing)

    def parse_session(self, response):
        council = self.council_of(response)
        response, err = self.decoded(response)
        if err:
            yield err
        session = walk.Session(response.meta.get("session_title"), response.meta.get("session_date"),
                               response.meta.get("date_note"))
        found = self.walk_documents(response, council, session)
        yield from self.follow(response, council, found, response.request.callback
                               if response.request else self.parse_listing)

    def walk_documents(self, response, council: Council, session: walk.Session) -> walk.Walk:
        return walk.documents(response.selector, get_base_url(response), council.documents,
                              council.id, council.default_type, session,
                              response.meta.get("page", 1))

    def follow(self, response, council: Council, found: walk.Walk, callback):
        """Requests and error rows for what the walker found, then the next page."""
        for link in found.found:
            if isinstance(link, walk.DocumentLink):
                req = self.document_request(council, link.url, link.info())
                if req is not None:
                    yield req
            elif isinstance(link, walk.SessionLink):
                meta = {"council": council.id, "session_title": link.session.title,
                        "session_date": link.session.date, "date_note": link.session.date_note,
                        "record_id": council.id, "dont_obey_robotstxt": not council.robots,
                        "page": 1}
                yield self.request(link.url, self.parse_session, meta=meta)
            elif isinstance(link, walk.DateProblem):
                yield self.error("impossible-date", url=response.url,
                                 record_id=response.meta.get("record_id"), detail=link.detail)
            else:
                yield self.health(link.reason, response, link.selector)
        if found.next_url:
            meta = dict(response.meta, page=response.meta.get("page", 1) + 1)
            meta = {k: v for k, v in meta.items() if not k.startswith(("download_", "depth",
                                                                       "redirect_", "retry_"))}
            yield self.request(found.next_url, callback, meta=meta)

    # ------------------------------------------------------------ documents
    def parse_document(self, response):
        council = self.council_of(response)
        info, norm = response.meta["info"], response.meta["norm"]
        if response.status == 304:
            self.crawler.stats.inc_value("council/not_modified")
            known = self.state.get(norm) or {}
            if known.get("error"):
                yield self.error(known["error"], url=response.url, record_id=info["source_id"],
                                 detail=known.get("detail"))
            return
        validators = {"etag": response.headers.get("ETag", b"").decode("latin-1") or None,
                      "last_modified": response.headers.get("Last-Modified", b"").decode("latin-1") or None}
        body = response.body
        sha = (council.id, hashlib.sha256(body).hexdigest())
        owner = self.sha_seen.get(sha) or self.known_sha.get(sha)
        if owner and owner != info["source_id"]:
            self.crawler.stats.inc_value("council/duplicate_content")
            self.logger.info("same content as %s: %s (not stored twice)", owner, response.url)
            yield self.remember(norm, dict(validators, ids=[owner], duplicate_of=owner))
            return
        ctype = response.headers.get("Content-Type", b"").decode("latin-1")
        html = self.decoded(response)[0].text if assemble.is_html(ctype, response.url) else None
        try:
            text, meta = assemble.extract(council, body, html)
        except pdf.PdfError as exc:
            yield self.error(exc.reason, url=response.url, record_id=info["source_id"],
                             detail=exc.detail)
            yield self.remember(norm, dict(validators, ids=[], error=exc.reason,
                                           detail=exc.detail[:300]))
            return
        # registered once read: two URLs answering the same error page are not "duplicates"
        self.sha_seen[sha] = info["source_id"]
        built = assemble.assemble(council, info, response.url, text, meta)
        for problem in built.problems:
            yield self.error(problem.reason, url=response.url, record_id=info["source_id"],
                             detail=problem.detail)
        doc = built.document
        self.known_ids.add(doc.source_id)
        yield doc
        yield self.remember(norm, dict(validators, ids=[doc.source_id]))
