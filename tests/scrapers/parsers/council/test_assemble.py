"""The document assembler: text of a PDF or an HTML page, then the Document and its problems."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.parsers.council import assemble, pdf, scdl
from scrapers.parsers.council.registry import Council, Level
from scrapers.replay import council_pdfs

from .pages import DATA, replay_council

PV_URL = "https://berny.test/uploads/PV-CM-20251208.pdf"


def site_info(**extra) -> dict:
    return {"source_id": "berny-ville:abc", "title": "Procès-verbal – Séance du 8 décembre 2025",
            "doc_type": "procès-verbal", "date": "2025-12-10",
            "extra": dict({"council": "berny-ville", "kind": "site", "session": "Séance"}, **extra)}


def test_pdf_procès_verbal_split_into_items_dated_by_its_written_header(monkeypatch):
    council = replay_council(monkeypatch, "berny-ville")
    body = council_pdfs.text_pdf(council_pdfs.text_of("berny-pv-2025-12-08"))
    text, meta = assemble.extract(council, body)
    assert "capteurs sonores" in text
    assert meta == {"needs_ocr": False, "ocr": False, "ocr_tried": None, "pages": 1,
                    "extractor": "pypdfium2", "pdf": True}
    built = assemble.assemble(council, site_info(), PV_URL, text, meta)
    doc = built.document
    assert built.problems == []
    assert (doc.source, doc.source_id, doc.url) == ("council", "berny-ville:abc", PV_URL)
    assert (doc.authority, doc.place_name, doc.place_code) == (
        "Ville de Berny-sur-Loire", "Berny-sur-Loire", "99002")
    # « L'an deux mil vingt-cinq, et le huit décembre » beats the listing's date, kept aside
    assert doc.published_on == "2025-12-08"
    assert doc.extra["seance_date"] == "2025-12-08" and doc.extra["listing_date"] == "2025-12-10"
    assert doc.extra["session"] == "Séance" and "ocr_tried" not in doc.extra
    labels = [p["label"] for p in doc.parts]
    assert len(labels) >= 2 and labels[1].startswith("2") and "capteurs sonores" in labels[1]


def test_not_a_pdf_is_an_error_with_its_reason(monkeypatch):
    council = replay_council(monkeypatch, "valmont-ville")
    with pytest.raises(pdf.PdfError) as err:
        assemble.extract(council, b"<!DOCTYPE html><html><body>Maintenance</body></html>")
    assert err.value.reason == "not-a-pdf"


def test_scan_without_text_and_impossible_header_date_are_problems():
    council = Council(id="v", name="Commune de Vaux", kind="site", urls=["https://vaux.test/"])
    meta = {"needs_ocr": True, "ocr": False, "ocr_tried": False, "pages": 1, "pdf": True}
    built = assemble.assemble(council, dict(site_info(), doc_type=None), "https://vaux.test/a.pdf",
                              "", meta)
    assert [p.reason for p in built.problems] == ["needs-ocr"]
    assert "installez l'OCR" in built.problems[0].detail
    assert built.document.parts == [] and built.document.published_on == "2025-12-10"
    assert built.document.place_name == "Vaux" and built.document.doc_type is None
    tried = assemble.assemble(council, site_info(), "https://vaux.test/a.pdf", "",
                              dict(meta, ocr_tried=True)).problems
    assert "l'OCR n'y a rien lu" in tried[0].detail
    text = "Séance du conseil municipal du 31 février 2026\nDélibération : budget"
    built = assemble.assemble(council, site_info(), "https://vaux.test/b.pdf", text,
                              {"needs_ocr": False, "pdf": True})
    assert [p.reason for p in built.problems] == ["impossible-date"]
    assert built.document.published_on == "2025-12-10"     # the listing's date stays


def test_feed_date_first_type_from_header_and_siren_from_siret():
    council = Council(id="f", name="Commune de Fontclair", kind="scdl", urls=["https://f.test/d.csv"])
    row = scdl.Delib(delib_id="2026_014", objet="DCM 2026-014 - Vidéoprotection",
                     date=date(2026, 2, 16), coll_nom="COMMUNE DE FONTCLAIR",
                     coll_siret="21990002100017", matiere_code="1.1", votes={"pour": 20})
    info = assemble.scdl_info(council, row)
    assert info["source_id"] == "f:2026_014" and info["date"] == "2026-02-16"
    assert info["extra"]["votes"] == {"pour": 20} and "matiere_alt" not in info["extra"]
    text = "PROCES-VERBAL\nSéance du 20 février 2026\n1) Vidéoprotection\n2) Budget"
    doc = assemble.assemble(council, dict(info, doc_type=None), "https://f.test/1.pdf", text,
                            {"needs_ocr": False, "pdf": True}).document
    assert doc.published_on == "2026-02-16" and doc.extra["listing_date"] == "2026-02-16"
    assert doc.doc_type == "procès-verbal" and doc.authority_id == "219900021"
    no_file = assemble.scdl_document(council, row, info, "https://f.test/d.csv")
    assert (no_file.url, no_file.text, no_file.published_on) == (
        "https://f.test/d.csv", row.objet, "2026-02-16")
    assert no_file.parts == [{"label": row.objet, "text": row.objet}]
    assert no_file.extra["pdf"] is False and no_file.extra["delib_id"] == "2026_014"


def test_html_page_text_without_furniture_one_line_per_text():
    html = (DATA / "pages" / "valmont-list-1.html").read_text(encoding="utf-8")
    text = assemble.page_text(html)
    lines = text.split("\n")
    assert lines[0] == "Délibérations du conseil municipal"        # <nav> « Accueil » dropped
    assert "Délibérations du conseil municipal du 28 mars 2026" in lines
    assert "Accueil" not in text and "Page suivante" not in text     # both in <nav>
    assert all(line == line.strip() and line for line in lines)
    messy = ("<html><head><title>T</title><style>p{}</style></head><body><script>x=1</script>"
             "<p> a&nbsp;b </p><!-- note --><template>modèle</template><p>\n</p>"
             "</body><p>après</p><body>second</body></html>")
    assert assemble.page_text(messy) == "a\xa0b\nmodèle\nsecond"
    assert assemble.page_text("") == ""


def test_html_document_with_content_selector():
    council = Council(id="h", name="Ville de H", kind="site", urls=["https://h.test/"],
                      documents=Level(content="div#texte"))
    html = "<body><nav>menu</nav><div id='texte'><h1>Délibération</h1><p>Objet : drones</p></div></body>"
    assert assemble.is_html("text/html; charset=utf-8", "https://h.test/delib/12")
    assert not assemble.is_html("text/html", "https://h.test/delib/12.pdf")
    text, meta = assemble.extract(council, b"", html)
    assert text == "Délibération\nObjet : drones" and meta == {"needs_ocr": False, "pdf": False}
    # an XPath to text nodes: the selection itself
    assert assemble.page_text(html, "//div[@id='texte']/p/text()") == "Objet : drones"
