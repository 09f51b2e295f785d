"""Replay builder: the council PDFs, generated at start-up with fpdf2 from our own texts
(scrapers/replay/data/council/texts/*.txt), plus the broken ones: an image-only scan, a
corrupt file and a decompression bomb. Output is deterministic (fixed dates), so ETags are
stable across server restarts.
"""
from __future__ import annotations

import io
import zlib
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

TEXTS = Path(__file__).resolve().parent / "data" / "council" / "texts"
FIXED = datetime(2026, 3, 30, 9, 0, tzinfo=timezone.utc)


def text_pdf(text: str, title: str = "") -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_title(title)
    pdf.set_producer("technoveille replay")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.splitlines():
        if not line.strip():
            pdf.ln(4)
            continue
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def image_pdf(text: str, dpi: int = 200, stamp: str = "") -> bytes:
    """A scanned page: the printed page (text_pdf) rasterised at `dpi`, grey levels, put back
    as a picture — no text layer at all. Rendering the PDF keeps the accents (Pillow's
    bundled font has no « é »), so OCR can be checked on real French text. An empty text
    gives a blank scan that OCR cannot read either. `stamp`: a few characters of real text
    over the picture, like the acknowledgement stamp of a scanned délibération."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(text_pdf(text))
    try:
        img = doc[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        doc.close()
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=210, h=297)
    if stamp:
        pdf.set_font("Helvetica", size=6)
        pdf.set_xy(150, 5)
        pdf.cell(0, 3, stamp)
    return bytes(pdf.output())


def corrupt_pdf(valid: bytes) -> bytes:
    """A PDF header and the first third of a real file: no xref, no trailer."""
    return valid[: len(valid) // 3] + b"\x00\xff garbage \x00" * 20


def bomb_pdf(inflated_mb: int = 300) -> bytes:
    """A tiny PDF whose page content stream inflates to `inflated_mb` megabytes."""
    chunk = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    data = b"".join(chunk.compress(block) for _ in range(inflated_mb)) + chunk.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_of(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def build() -> dict[str, bytes]:
    """name → PDF bytes for every text file, plus the special cases."""
    pdfs = {p.stem: text_pdf(p.read_text(encoding="utf-8"), p.stem) for p in sorted(TEXTS.glob("*.txt"))}
    pdfs["valmont-scan"] = image_pdf(text_of("valmont-scan"))
    pdfs["blank-scan"] = image_pdf("")
    pdfs["corrupt"] = corrupt_pdf(pdfs["valmont-d01"])
    pdfs["bomb"] = bomb_pdf()
    return pdfs
