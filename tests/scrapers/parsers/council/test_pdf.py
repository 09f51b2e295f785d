import re

import pytest

from scrapers.parsers.council import pdf
from scrapers.replay import council_pdfs

EXPECTED = """DELIBERATION du CONSEIL MUNICIPAL
Séance du lundi 4 mars 2019
N° 2019.03.04 - Vidéoprotection : extension du réseau de caméras
LE CONSEIL MUNICIPAL, APRÈS EN AVOIR DÉLIBÉRÉ,
APPROUVE l'extension du système de vidéoprotection urbaine (12 caméras).
Adopté à l'unanimité des votants (31 voix), 8 abstentions."""


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def test_text_pdf_round_trip_matches_expected_text():
    """Same idea as the real (PDF, expected text) pair of the research samples: the text
    extracted from a generated PDF equals the text it was written from."""
    data = council_pdfs.text_pdf(EXPECTED)
    result = pdf.extract(data)
    assert squash(result.text) == squash(EXPECTED)
    assert result.page_count == 1 and not result.needs_ocr and result.extractor == "pypdfium2"


def test_hyphen_at_line_end_is_kept_with_its_line_break():
    data = council_pdfs.text_pdf("5 - LANCEMENT DU MARCHE CONCERNANT LA VIDÉO-\nPROTECTION\nsuite")
    text = pdf.extract(data).text
    assert "VIDÉO-\nPROTECTION" in text


def test_layout_mode_uses_pdfplumber():
    result = pdf.extract(council_pdfs.text_pdf(EXPECTED), layout=True)
    assert result.extractor == "pdfplumber" and "vidéoprotection urbaine" in result.text


def test_image_only_pdf_needs_ocr(monkeypatch):
    monkeypatch.setattr(pdf, "ocr_available", lambda: False)
    result = pdf.extract(council_pdfs.image_pdf("Séance du 1er mars 2026\nReconnaissance faciale"))
    assert result.needs_ocr and not result.ocr and result.text.strip() == ""


@pytest.mark.skipif(not pdf.ocr_available(), reason="ocrmypdf + tesseract-fra not installed")
def test_ocr_when_installed():
    result = pdf.extract(council_pdfs.image_pdf("RECONNAISSANCE FACIALE"))
    assert result.ocr and "RECONNAISSANCE" in result.text.upper()


@pytest.mark.parametrize("data, reason", [
    (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "not-a-pdf"),
    (council_pdfs.corrupt_pdf(council_pdfs.text_pdf(EXPECTED)), "pdf-corrupt"),
    (council_pdfs.bomb_pdf(inflated_mb=40), "pdf-bomb"),
])
def test_refused_pdfs(data, reason):
    with pytest.raises(pdf.PdfError) as exc:
        pdf.extract(data, max_inflated=32 * 1024 * 1024)
    assert exc.value.reason == reason


def test_too_big_and_encrypted():
    data = council_pdfs.text_pdf(EXPECTED)
    with pytest.raises(pdf.PdfError) as exc:
        pdf.extract(data, max_bytes=100)
    assert exc.value.reason == "pdf-too-big"
    from fpdf import FPDF
    doc = FPDF()
    doc.set_encryption(owner_password="o", user_password="secret")
    doc.add_page()
    doc.set_font("Helvetica")
    doc.cell(text="confidentiel")
    with pytest.raises(pdf.PdfError) as exc:
        pdf.extract(bytes(doc.output()))
    assert exc.value.reason in ("pdf-encrypted", "pdf-corrupt")
