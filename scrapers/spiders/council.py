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
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from technoveille.core import db as dbm
from scrapers import council_tls
from technoveille.core.items import Document
from scrapers.parsers.council import classify, dates, items, pdf, scdl
from scrapers.parsers.council.registry import Council, Level, load, select
from scrapers.parsers.council.urls import normalise_url, url_id
from scrapers.spiders.base import BaseSpider

MB = 1024 * 1024
ITEMISED = {"procès-verbal", "liste des délibérations", "ordre du jour", "compte rendu",
            "convocation"}
STATE_PREFIX = "council:http:"


# « (PDF – 182 Ko) », « [PDF, 1,2 Mo] », « (pdf) »: file details, not part of the title
_FILE_NOTE = re.compile(r"\s*[(\[]\s*(?:(?:pdf|docx?|odt|rtf)\b\s*[-–—,:]?\s*)?"
                        r"(?:\d+(?:[.,]\d+)?\s*(?:[kmg]?o|[kmg]b|octets)\b)?\s*[)\]]", re.I)


def clean_anchor(text: str) -> str:
    return re.sub(r"\s+", " ", _FILE_NOTE.sub(lambda m: "" if re.search(r"[a-z0-9]", m[0], re.I)
                                              else m[0], text)).strip()


def place_name(name: str) -> str:
    return re.sub(r"^(ville|commune|mairie)\s+(de\s+|d['’]\s*)", "", name, flags=re.I).strip()


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
        if self._db is None:
            self._db = self.state_db
            self.state = {r[0][len(STATE_PREFIX):]: json.loads(r[1]) for r in self._db.execute(
                "select key, value from state where key like ?", [STATE_PREFIX + "%"])}
            self.known_ids = {r[0] for r in self._db.execute(
                "select source_id from documents where source = ?", [self.source])}
            if pdf.ocr_available():
                # scans stored before OCR was installed: fetched again (in full) and read
                self.known_ids -= {r[0] for r in self._db.execute(
                    "select source_id from documents where source = ? "
                    "and json_extract(extra, '$.needs_ocr') = 1 "
                    "and coalesce(json_extract(extra, '$.ocr'), 0) = 0 "
                    "and coalesce(json_extract(extra, '$.ocr_tried'), 0) = 0", [self.source])}
            # content dedup is per council: two bodies publishing the same PDF are two documents
            self.known_sha = {(r[1].split(":", 1)[0], r[0]): r[1] for r in self._db.execute(
                "select sha256, source_id from documents where source = ? and sha256 is not null",
                [self.source])}
        return self._db

    def remember(self, norm: str, value: dict) -> None:
        self.state[norm] = value
        dbm.set_state(self.db, STATE_PREFIX + norm, json.dumps(value, sort_keys=True))

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
        if complete and when and date.fromisoformat(when) < self.cutoff(council):
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

    def base_document(self, council: Council, source_id: str, url: str) -> Document:
        return Document(source=self.source, source_id=source_id, url=url,
                        authority=council.authority, authority_id=council.siren,
                        place_name=place_name(council.name), place_code=council.insee)

    def safe_date(self, text, response, **kwargs):
        try:
            return dates.parse_date(text, **kwargs), None
        except dates.ImpossibleDate as exc:
            return None, self.error("impossible-date", url=response.url,
                                    record_id=response.meta.get("record_id"), detail=str(exc))

    # ------------------------------------------------------------ scdl
    def parse_feed(self, response):
        council = self.council_of(response)
        body = response.body
        if council.format == "json" and body.lstrip()[:1] == b"{" and b'"resources"' in body[:200000]:
            yield from self.parse_datagouv(response, council)
            return
        if re.match(rb"\s*(<!doctype|<html)", body[:200], re.I):
            yield self.error("feed-is-html", url=response.url, record_id=council.id,
                             detail="une page HTML au lieu d'un CSV/JSON")
            return
        try:
            rows, bad = scdl.parse(body, council.format, file_url=council.file_url,
                                   columns=council.columns)
        except scdl.FeedError as exc:
            yield self.error("feed-unreadable", url=response.url, record_id=council.id,
                             detail=str(exc))
            return
        if not rows:
            yield self.health("feed-empty", response, None)
        for err in bad:
            yield self.error(err.reason, url=response.url,
                             record_id=f"{council.id}:{err.record_id or 'ligne ' + str(err.row)}",
                             detail=err.detail)
        for row in rows:
            yield from self.scdl_row(council, row, response.url)

    def parse_datagouv(self, response, council):
        """A data.gouv.fr dataset (API JSON): every CSV/JSON resource is a feed."""
        data = json.loads(response.text)
        for res in data.get("resources", []):
            fmt = (res.get("format") or "").lower()
            if fmt in ("csv", "json") and res.get("url"):
                yield self.request(res["url"], self.parse_feed_resource,
                                   meta={"council": council.id, "record_id": council.id,
                                         "dont_obey_robotstxt": True})

    def parse_feed_resource(self, response):
        council = self.council_of(response)
        try:
            rows, bad = scdl.parse(response.body, "auto", file_url=council.file_url,
                                   columns=council.columns)
        except scdl.FeedError as exc:
            yield self.error("feed-unreadable", url=response.url, record_id=council.id,
                             detail=str(exc))
            return
        for err in bad:
            yield self.error(err.reason, url=response.url, record_id=council.id, detail=err.detail)
        for row in rows:
            yield from self.scdl_row(council, row, response.url)

    def scdl_row(self, council: Council, row: scdl.Delib, feed_url: str):
        source_id = f"{council.id}:{row.delib_id}"
        extra = {"council": council.id, "kind": "scdl", "delib_id": row.delib_id,
                 "seance_date": row.date.isoformat() if row.date else None,
                 "matiere": row.matiere_code, "matiere_nom": row.matiere_nom,
                 "coll_nom": row.coll_nom}
        if row.matiere_code_alt:
            extra["matiere_alt"] = row.matiere_code_alt
        if row.votes:
            extra["votes"] = row.votes
        if row.other:
            extra["other"] = {k: v for k, v in row.other.items() if isinstance(v, (str, int, float))}
        info = {"source_id": source_id, "title": row.objet, "doc_type": "délibération",
                "date": row.date.isoformat() if row.date else None, "extra": extra,
                "authority": row.coll_nom, "siret": row.coll_siret}
        if row.url:
            req = self.document_request(council, row.url, info)
            if req is not None:
                yield req
            return
        doc = self.base_document(council, source_id, council.page or feed_url)
        if row.coll_siret and not doc.authority_id:
            doc.authority_id = row.coll_siret[:9]
        doc.title, doc.text, doc.doc_type = row.objet, row.objet, "délibération"
        doc.published_on = info["date"]
        doc.parts = items.single_item(row.objet, row.objet)
        doc.extra = dict(extra, needs_ocr=False, pdf=False)
        yield doc

    # ------------------------------------------------------------ site
    def parse_listing(self, response):
        council = self.council_of(response)
        response, err = self.decoded(response)
        if err:
            yield err
        if council.sessions:
            yield from self.sessions(response, council, council.sessions)
        else:
            yield from self.documents(response, council, council.documents, {})

    def _text(self, node, selector: str | None) -> str:
        if not selector:
            return ""
        values = select(node, selector).getall()
        return re.sub(r"\s+", " ", " ".join(values)).strip()

    def _links(self, node, selector: str):
        element = re.sub(r"::attr\(href\)$", "", selector).strip() or "a"
        for link in select(node, element):
            href = link.attrib.get("href") if hasattr(link, "attrib") else None
            if href is None and isinstance(link.root, str):
                href = link.root
            if href:
                anchor = clean_anchor(" ".join(link.css("::text").getall())) \
                    if not isinstance(link.root, str) else ""
                yield href.strip(), anchor

    def _follow_next(self, response, level: Level, callback):
        if not level.next:
            return None
        page = response.meta.get("page", 1)
        href = select(response, level.next).get()
        if not href or page >= level.max_pages:
            return None
        meta = dict(response.meta, page=page + 1)
        meta = {k: v for k, v in meta.items() if not k.startswith(("download_", "depth",
                                                                   "redirect_", "retry_"))}
        return self.request(response.urljoin(href), callback, meta=meta)

    def _item_date(self, node, level: Level, title: str, response, inherited: str | None):
        """Date from the date selector (`<time datetime>`), from the title, cross-checked."""
        errors = []
        published, err = self.safe_date(self._text(node, level.date), response)
        if err:
            errors.append(err)
        title_date, err = self.safe_date(title, response)
        if err:
            errors.append(err)
        when, note = dates.cross_check(title_date, published)
        if when is None and inherited:
            when = date.fromisoformat(inherited)
        return (when.isoformat() if when else None), note, errors, published

    def _link_date(self, anchor: str, published, when, note, response, title: str = ""):
        """A date in the link's own text is the most specific one (a PV listed with the
        next séance's documents, several séances in one table row): it wins over the
        block's, cross-checked with the block's publication date. Returns (when, note, err)."""
        if not anchor or anchor == title:     # same text as the block title: already read
            return when, note, None
        try:
            found = dates.find_dates(anchor)
        except dates.ImpossibleDate as exc:
            return when, note, self.error("impossible-date", url=response.url,
                                          record_id=response.meta.get("record_id"), detail=str(exc))
        if not found:
            return when, note, None
        fixed, fix_note = dates.cross_check(found[0].value, published)
        return fixed.isoformat(), fix_note, None

    def sessions(self, response, council: Council, level: Level):
        nodes = select(response, level.item) if level.item else [response]
        found = 0
        for node in nodes:
            title = self._text(node, level.title) if level.title else ""
            item_when, item_note, errors, published = self._item_date(node, level, title, response, None)
            yield from errors
            for href, anchor in self._links(node, level.link):
                found += 1
                when, note, err = self._link_date(anchor, published, item_when, item_note, response,
                                                  title)
                if err:
                    yield err
                meta = {"council": council.id, "session_title": title or anchor,
                        "session_date": when, "date_note": note, "record_id": council.id,
                        "dont_obey_robotstxt": not council.robots, "page": 1}
                yield self.request(response.urljoin(href), self.parse_session, meta=meta)
        if not found:
            yield self.health("listing-empty", response, level.item or level.link)
        nxt = self._follow_next(response, level, self.parse_listing)
        if nxt:
            yield nxt

    def parse_session(self, response):
        council = self.council_of(response)
        response, err = self.decoded(response)
        if err:
            yield err
        context = {"title": response.meta.get("session_title"),
                   "date": response.meta.get("session_date"),
                   "date_note": response.meta.get("date_note")}
        yield from self.documents(response, council, council.documents, context)

    def documents(self, response, council: Council, level: Level, context: dict):
        nodes = select(response, level.item) if level.item else [response]
        found = 0
        for node in nodes:
            item_title = self._text(node, level.title) if level.title else ""
            item_when, item_note, errors, published = self._item_date(
                node, level, item_title, response, context.get("date"))
            yield from errors
            for href, anchor in self._links(node, level.link):
                url = response.urljoin(href)
                if not url.startswith("http"):
                    continue
                if level.pattern:
                    if not re.search(level.pattern, url):
                        continue
                elif not classify.is_document_url(url):
                    continue
                found += 1
                when, note, err = self._link_date(anchor, published, item_when, item_note, response,
                                                  item_title)
                if err:
                    yield err
                label = classify.classify(anchor, url, context=" ".join(
                    filter(None, [item_title, context.get("title")])))
                doc_type = label or level.default_type or council.default_type
                if level.types and doc_type not in level.types:
                    continue
                title = anchor if len(anchor) > 15 else (item_title or anchor or context.get("title"))
                if context.get("title") and title != context["title"] and len(title or "") < 40:
                    title = f"{title} – {context['title']}"
                info = {"source_id": f"{council.id}:{url_id(url)}", "title": title,
                        "doc_type": doc_type, "date": when,
                        "extra": {"council": council.id, "kind": "site",
                                  "session": context.get("title") or item_title or None,
                                  "date_note": note or context.get("date_note")}}
                req = self.document_request(council, url, info)
                if req is not None:
                    yield req
        if not found:
            yield self.health("documents-empty", response, level.item or level.link)
        nxt = self._follow_next(response, level, response.request.callback
                                if response.request else self.parse_listing)
        if nxt:
            yield nxt

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
            self.remember(norm, dict(validators, ids=[owner], duplicate_of=owner))
            return
        self.sha_seen[sha] = info["source_id"]
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        is_html = "html" in ctype and not classify.is_document_url(response.url)
        try:
            if is_html:
                text, meta = self.html_text(response, council), {"needs_ocr": False, "pdf": False}
            else:
                extracted = pdf.extract(body, layout=council.pdf_layout,
                                        max_bytes=int(council.max_mb * MB))
                text = extracted.text
                meta = {"needs_ocr": extracted.needs_ocr, "ocr": extracted.ocr,
                        "ocr_tried": extracted.ocr_tried if extracted.needs_ocr else None,
                        "pages": extracted.page_count, "extractor": extracted.extractor, "pdf": True}
        except pdf.PdfError as exc:
            self.remember(norm, dict(validators, ids=[], error=exc.reason, detail=exc.detail[:300]))
            yield self.error(exc.reason, url=response.url, record_id=info["source_id"],
                             detail=exc.detail)
            return
        doc = self.base_document(council, info["source_id"], response.url)
        doc.title, doc.text = info.get("title"), text
        doc.doc_type = info.get("doc_type") or classify.classify_header(text)
        if info.get("siret") and not doc.authority_id:
            doc.authority_id = info["siret"][:9]
        header = None
        try:
            header = dates.seance_date(text) if text else None
        except dates.ImpossibleDate as exc:
            yield self.error("impossible-date", url=response.url, record_id=info["source_id"],
                             detail=str(exc))
        listed = info.get("date")
        if info["extra"].get("kind") == "scdl":
            doc.published_on = listed or (header.isoformat() if header else None)
        else:
            doc.published_on = header.isoformat() if header else listed
        extra = dict(info["extra"], **meta)
        extra["seance_date"] = doc.published_on
        if header and listed and header.isoformat() != listed:
            extra["listing_date"] = listed
        if meta.get("needs_ocr") and not meta.get("ocr"):
            yield self.error("needs-ocr", url=response.url, record_id=info["source_id"],
                             detail="PDF sans couche texte ; l'OCR n'y a rien lu (page blanche, "
                                    "photo ou scan illisible)" if meta.get("ocr_tried") else
                                    "PDF sans couche texte ; installez l'OCR (make ocr-deps)")
        doc.extra = {k: v for k, v in extra.items() if v is not None}
        if doc.doc_type in ITEMISED:
            doc.parts = items.split_items(text)
        if not doc.parts and text:
            doc.parts = items.single_item(text, doc.title)
        self.remember(norm, dict(validators, ids=[doc.source_id]))
        self.known_ids.add(doc.source_id)
        yield doc

    def html_text(self, response, council: Council) -> str:
        response, _ = self.decoded(response)
        level = council.documents
        if level.content:
            parts = select(response, level.content).css("::text").getall() or \
                select(response, level.content).getall()
        else:
            parts = response.xpath("//body//text()[not(ancestor::script) and "
                                   "not(ancestor::style) and not(ancestor::nav)]").getall()
        text = "\n".join(p.strip() for p in parts if p.strip())
        return text
