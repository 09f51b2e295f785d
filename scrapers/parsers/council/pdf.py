"""PDF bytes → plain text.

pypdfium2 is the extractor (fast, robust, keeps reading order of office-generated PDFs);
pdfplumber is used instead when a registry entry asks for `pdf_layout: true` (tables and
two-column layouts). A PDF with (almost) no text layer is `needs_ocr`; it is OCR'd with
ocrmypdf + Tesseract French when both are installed (optional extra, see docs/councils.md).

Refused with PdfError (→ a crawl_errors row): not a PDF (e.g. an HTML page served as PDF),
encrypted, corrupt, too big, too many pages, and decompression bombs (a small file whose
streams inflate to hundreds of megabytes).
"""
from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

logger = logging.getLogger(__name__)

MAX_BYTES = 100 * 1024 * 1024
MAX_PAGES = 1500
MAX_INFLATED = 256 * 1024 * 1024      # all Flate streams together, decompressed
MIN_CHARS_PER_PAGE = 25               # below this on average: no usable text layer


class PdfError(ValueError):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass
class PdfText:
    text: str
    pages: list[str] = field(default_factory=list)
    page_count: int = 0
    needs_ocr: bool = False
    ocr: bool = False
    ocr_tried: bool = False       # OCR ran (successfully or not): no point in trying again
    extractor: str = "pypdfium2"


_STREAM = re.compile(rb"/FlateDecode.{0,200}?>>\s*stream\r?\n", re.S)


def inflated_size(data: bytes, limit: int) -> int:
    """Sum of the decompressed sizes of the Flate streams, stopping past `limit`."""
    total = 0
    for m in _STREAM.finditer(data):
        d = zlib.decompressobj()
        pos = m.end()
        end = data.find(b"endstream", pos)
        chunk = data[pos:end if end > 0 else len(data)]
        try:
            out = d.decompress(chunk, limit - total + 1)
            total += len(out)
            while d.unconsumed_tail and total <= limit:
                out = d.decompress(d.unconsumed_tail, limit - total + 1)
                if not out:
                    break
                total += len(out)
        except zlib.error:
            continue
        if total > limit:
            return total
    return total


def check(data: bytes, *, max_bytes: int = MAX_BYTES, max_inflated: int = MAX_INFLATED) -> None:
    """Cheap checks before handing bytes to a PDF library."""
    if len(data) > max_bytes:
        raise PdfError("pdf-too-big", f"{len(data)} octets > {max_bytes}")
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        kind = "HTML" if re.match(rb"(?i)\s*(<!doctype|<html|<\?xml|<head|<body)", head) else "inconnu"
        raise PdfError("not-a-pdf", f"contenu {kind} servi comme PDF: {head[:60]!r}")
    if inflated_size(data, max_inflated) > max_inflated:
        raise PdfError("pdf-bomb", f"flux décompressés > {max_inflated} octets")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # pdfium marks a hyphen at a line end as U+FFFE and swallows the line break: restore both
    text = text.replace("\ufffe", "-\n").replace("\x02", "-\n")
    return re.sub(r"[ \t]+\n", "\n", text)


def _pdfium_pages(data: bytes, max_pages: int) -> list[str]:
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower() or "security" in msg.lower():
            raise PdfError("pdf-encrypted", msg) from exc
        raise PdfError("pdf-corrupt", msg) from exc
    try:
        if len(doc) > max_pages:
            raise PdfError("pdf-too-many-pages", f"{len(doc)} pages > {max_pages}")
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(_clean(textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    finally:
        doc.close()


def _plumber_pages(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [_clean(p.extract_text(layout=True) or "") for p in pdf.pages]


def ocrmypdf_command() -> list[str] | None:
    """The ocrmypdf of this Python first (the `ocr` extra in the venv, found even when the
    venv's bin/ is not on PATH, as under `.venv/bin/technoveille`), else the one on PATH."""
    beside = Path(sys.executable).with_name("ocrmypdf")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ocrmypdf")
    return [found] if found else None


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    if not (ocrmypdf_command() and shutil.which("tesseract")):
        return False
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                               timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return False
    return "fra" in langs


def ocr(data: bytes, timeout: int = 600) -> str | None:
    """Text of a scanned PDF through ocrmypdf (Tesseract, French); None on failure."""
    with tempfile.TemporaryDirectory() as tmp:
        src, sidecar = Path(tmp, "in.pdf"), Path(tmp, "out.txt")
        src.write_bytes(data)
        # --force-ocr: the page is rasterised and read even when it carries a few characters
        # of text (a préfecture stamp on a scan); --skip-text would leave such pages unread
        # and write « [OCR skipped on page(s) 1] » as their text. Only the text is kept.
        cmd = [*(ocrmypdf_command() or ["ocrmypdf"]), "-l", "fra", "--force-ocr",
               "--output-type", "none", "--sidecar", str(sidecar), "--quiet", str(src), "-"]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("OCR failed: %s", exc)
            return None
        text = sidecar.read_text(encoding="utf-8", errors="replace")
        return re.sub(r"\[OCR skipped on page\(s\) [\d\-, ]+\]", "", text)


def extract(data: bytes, *, layout: bool = False, max_bytes: int = MAX_BYTES,
            max_pages: int = MAX_PAGES, max_inflated: int = MAX_INFLATED,
            try_ocr: bool = True) -> PdfText:
    check(data, max_bytes=max_bytes, max_inflated=max_inflated)
    pages = _pdfium_pages(data, max_pages)
    extractor = "pypdfium2"
    if layout:
        try:
            pages = _plumber_pages(data)
            extractor = "pdfplumber"
        except Exception as exc:  # pdfplumber is stricter than pdfium; keep pdfium's text
            logger.warning("pdfplumber failed, keeping pypdfium2 text: %s", exc)
    text = "\n\n".join(p.strip("\n") for p in pages).strip()
    chars = len(re.sub(r"\s", "", text))
    result = PdfText(text=text, pages=pages, page_count=len(pages), extractor=extractor)
    if chars < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        result.needs_ocr = True
        if try_ocr and ocr_available():
            result.ocr_tried = True
            ocr_text = ocr(data)
            if ocr_text and ocr_text.strip():
                result.text, result.ocr, result.extractor = _clean(ocr_text).strip(), True, "ocrmypdf"
                result.pages = result.text.split("\f")
    return result
