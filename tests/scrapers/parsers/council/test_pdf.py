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


SCAN = """VILLE DE VALMONT-LES-BAINS
Séance du samedi 28 mars 2026
D08-2026_027 - Reconnaissance faciale
Le conseil municipal approuve l'expérimentation de la vidéoprotection."""

needs_ocr_tools = pytest.mark.skipif(not pdf.ocr_available(),
                                     reason="ocrmypdf + tesseract-fra not installed (make ocr-deps)")


@needs_ocr_tools
def test_ocr_reads_french_from_an_image_only_pdf():
    data = council_pdfs.image_pdf(SCAN)
    assert pdf.extract(data, try_ocr=False).text.strip() == ""      # really no text layer
    result = pdf.extract(data)
    assert result.ocr and result.needs_ocr and result.extractor == "ocrmypdf"
    assert squash(result.text) == squash(SCAN)                       # accents included


@needs_ocr_tools
def test_ocr_replaces_a_stamp_only_text_layer():
    """A scan carrying a few characters of text (a stamp) is OCR'd whole, not skipped
    (ocrmypdf --skip-text would return « [OCR skipped on page(s) 1] »)."""
    data = council_pdfs.image_pdf(SCAN, stamp="AR 035-2026")
    assert pdf.extract(data, try_ocr=False).text.strip() == "AR 035-2026"
    result = pdf.extract(data)
    assert result.ocr and "OCR skipped" not in result.text
    assert "Séance du samedi 28 mars 2026" in result.text and "vidéoprotection" in result.text


def test_ocrmypdf_found_beside_the_interpreter_without_path(monkeypatch, tmp_path):
    """`.venv/bin/technoveille` runs without the venv's bin/ on PATH: the `ocr` extra
    installed in the venv must still be found."""
    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    (tmp_path / "bin" / "ocrmypdf").write_text("#!/bin/sh\n")
    monkeypatch.setattr(pdf.sys, "executable", str(fake_python))
    monkeypatch.setenv("PATH", "/nonexistent")
    assert pdf.ocrmypdf_command() == [str(tmp_path / "bin" / "ocrmypdf")]
    (tmp_path / "bin" / "ocrmypdf").unlink()
    assert pdf.ocrmypdf_command() is None


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
