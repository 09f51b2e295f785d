"""Document assembler, without Scrapy: a downloaded council document (PDF bytes or an HTML
page's text) and what the listing or the feed knew of it (`info`: source_id, title,
doc_type, date, extra) → a Document with its text, agenda items, séance date and type,
plus the problems to report (impossible date, scan without text).

`info` comes from walk.DocumentLink.info() for `site` entries and from scdl_info() for feed
rows; a feed row without a file is a Document at once (scdl_document()).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, TemplateString
from parsel import Selector

from scrapers.parsers.council import classify, dates, items, pdf, scdl
from scrapers.parsers.council.registry import Council, select
from technoveille.core.items import Document

SOURCE = "council"
MB = 1024 * 1024
ITEMISED = {"procès-verbal", "liste des délibérations", "ordre du jour", "compte rendu",
            "convocation"}
# page furniture, not the document
_SKIPPED = ("script", "style", "nav")
# every text node of the page, a <template>'s included; not comments nor processing instructions
_TEXTS = (NavigableString, CData, TemplateString)


@dataclass
class Problem:
    """A crawl_errors row to write about the document."""
    reason: str
    detail: str


@dataclass
class Assembled:
    document: Document
    problems: list[Problem] = field(default_factory=list)


def place_name(name: str) -> str:
    return re.sub(r"^(ville|commune|mairie)\s+(de\s+|d['’]\s*)", "", name, flags=re.I).strip()


def base_document(council: Council, source_id: str, url: str) -> Document:
    return Document(source=SOURCE, source_id=source_id, url=url,
                    authority=council.authority, authority_id=council.siren,
                    place_name=place_name(council.name), place_code=council.insee)


def page_text(html: str, content: str | None = None) -> str:
    """Text of an HTML document: one line per text node, stripped, empty ones dropped. The
    registry's `content` selector (CSS/XPath) when given, else the whole <body> without
    script, style and nav."""
    if content:
        selected = select(Selector(text=html, type="html"), content)
        parts = selected.css("::text").getall() or selected.getall()
        return "\n".join(p.strip() for p in parts if p.strip())
    with warnings.catch_warnings():   # an XHTML page is read as HTML, as a browser does
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # NUL bytes dropped as parsel does before lxml parses
        soup = BeautifulSoup(html.replace("\x00", ""), "lxml")
    for tag in soup.find_all(_SKIPPED):
        tag.decompose()
    # every <body>: after a stray </body>, a second <body> tag opens another one
    bodies = [b for b in soup.find_all("body") if b.find_parent("body") is None]
    texts = [b.get_text("\n", strip=True, types=_TEXTS) for b in bodies]
    return "\n".join(t for t in texts if t)


def is_html(content_type: str, url: str) -> bool:
    """An HTML page as the document itself (not an HTML error page at a .pdf URL)."""
    return "html" in content_type.lower() and not classify.is_document_url(url)


def extract(council: Council, body: bytes, html: str | None = None) -> tuple[str, dict]:
    """(text, extra fields on the extraction) of an HTML page (`html`, its decoded text) or
    of a PDF (`body`). Raises pdf.PdfError for a file that is not a readable PDF."""
    if html is not None:
        return page_text(html, council.documents.content), {"needs_ocr": False, "pdf": False}
    extracted = pdf.extract(body, layout=council.pdf_layout, max_bytes=int(council.max_mb * MB))
    return extracted.text, {
        "needs_ocr": extracted.needs_ocr, "ocr": extracted.ocr,
        "ocr_tried": extracted.ocr_tried if extracted.needs_ocr else None,
        "pages": extracted.page_count, "extractor": extracted.extractor, "pdf": True}


def assemble(council: Council, info: dict, url: str, text: str, meta: dict) -> Assembled:
    """The Document of an extracted text (extract()): type from the listing, else from the
    text's header; séance date from the header (the feed's date first for SCDL rows); agenda
    items for itemised types, else the whole text as one item."""
    problems = []
    doc = base_document(council, info["source_id"], url)
    doc.title, doc.text = info.get("title"), text
    doc.doc_type = info.get("doc_type") or classify.classify_header(text)
    if info.get("siret") and not doc.authority_id:
        doc.authority_id = info["siret"][:9]
    header = None
    try:
        header = dates.seance_date(text) if text else None
    except dates.ImpossibleDate as exc:
        problems.append(Problem("impossible-date", str(exc)))
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
        problems.append(Problem(
            "needs-ocr", "PDF sans couche texte ; l'OCR n'y a rien lu (page blanche, photo ou "
                         "scan illisible)" if meta.get("ocr_tried") else
                         "PDF sans couche texte ; installez l'OCR (make ocr-deps)"))
    doc.extra = {k: v for k, v in extra.items() if v is not None}
    if doc.doc_type in ITEMISED:
        doc.parts = items.split_items(text)
    if not doc.parts and text:
        doc.parts = items.single_item(text, doc.title)
    return Assembled(doc, problems)


def scdl_info(council: Council, row: scdl.Delib) -> dict:
    """What a feed row tells of its délibération (its file is downloaded with it)."""
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
    return {"source_id": f"{council.id}:{row.delib_id}", "title": row.objet,
            "doc_type": "délibération", "date": row.date.isoformat() if row.date else None,
            "extra": extra, "authority": row.coll_nom, "siret": row.coll_siret}


def scdl_document(council: Council, row: scdl.Delib, info: dict, feed_url: str) -> Document:
    """A feed row without a file: the délibération's objet is its text."""
    doc = base_document(council, info["source_id"], council.page or feed_url)
    if row.coll_siret and not doc.authority_id:
        doc.authority_id = row.coll_siret[:9]
    doc.title, doc.text, doc.doc_type = row.objet, row.objet, "délibération"
    doc.published_on = info["date"]
    doc.parts = items.single_item(row.objet, row.objet)
    doc.extra = dict(info["extra"], needs_ocr=False, pdf=False)
    return doc
