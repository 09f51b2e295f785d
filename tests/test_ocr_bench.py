"""bench.ocr (issue 14, item 6): the national projection's arithmetic, and one short run of the
measure through the council PDF code path (native text read, scans read by OCR in French)."""
from __future__ import annotations

import pytest

from bench import ocr
from scrapers.parsers.council import pdf


def test_projection_is_prefectures_times_recueils_times_pages():
    low, high = ocr.projection(native_cpu=0.0, ocr_low=1.0, ocr_high=2.0)
    assert low[0] == "low" and high[0] == "high"
    assert low[1] == pytest.approx(100 * 100 * 20 / 365)
    assert low[2] == pytest.approx(low[1] * 0.5 * 1.0 / 3600)       # half the pages OCR'd
    assert high[1] == pytest.approx(100 * 800 * 81 / 365)
    assert high[2] == pytest.approx(high[1] * 0.9 * 2.0 / 3600)
    assert high[3] == pytest.approx(high[2] * 365)


def test_generated_pages_are_french_acts():
    page = ocr.act_page(1)
    assert "ARRÊTE" in page and "Vu le code" in page and len(page) > 2000
    assert "Sommaire" in ocr.sommaire(3) and "Page 3" in ocr.sommaire(3)


@pytest.mark.skipif(not pdf.ocr_available(), reason="ocrmypdf + tesseract fra (make ocr-deps)")
def test_measure_reads_native_and_scanned_pages(tmp_path):
    measured = ocr.measure(2, tmp_path, lambda line: None)
    rows = {r.what.split(" (")[0]: r for r in measured}
    assert "pages/s" in rows["native text extraction"].figure
    ocr_rows = [r for r in measured if r.what.startswith("OCR of scanned pages")]
    assert len(ocr_rows) == 3 and all(r.met for r in ocr_rows)   # ≥ 90 % of the words read
    assert "s CPU/page" in ocr_rows[-1].figure and "worn" in ocr_rows[-1].what
    assert rows["mixed recueil"].figure == "needs_ocr=False"
    daily = [r for r in measured if r.what.startswith("national daily load")]
    assert len(daily) == 2 and all("CPU-h/day" in r.figure for r in daily)
    assert (tmp_path / "raa-scanned.pdf").read_bytes().startswith(b"%PDF")
