"""OCR cost of the prefectoral acts (issue 14, item 6): `python -m bench.ocr [--pages 6]`.

Generates French pages shaped like a « recueil des actes administratifs » (a cover, a
sommaire, then arrêtés: visas, considérants, articles), written here, never copied from the
research samples. Each act page is built twice with the council replay generator
(scrapers/replay/council_pdfs.py): as a native-text PDF (`text_pdf`) and as a scan — the
printed page rasterised in grey levels and put back as a picture without a text layer, the
same way as `image_pdf`, one picture per page.

Both go through the code path the council source uses, scrapers/parsers/council/pdf.py
`extract()`: pypdfium2 for the text layer, and for a PDF without one, ocrmypdf with
Tesseract French (`--force-ocr`, sidecar text only). Measured per page: wall-clock seconds
and CPU seconds (this process for pypdfium2, the ocrmypdf / tesseract children for OCR, from
getrusage), since the national projection is in CPU-hours.

Then the projection of the national daily load, ≈ 100 prefectures × 100–800 recueils a year
× their pages (research notes §4), with the share of scanned pages assumed from the notes
(covers, sommaires and the separator page of each act are native text; the signed acts are
often scans). The assumptions are the constants below; the rows print them with the figures.
"""
from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.table import Row, machine, render

# ---------------------------------------------------------------- projection assumptions
PREFECTURES = 100                 # ≈ 101 départements; PP Paris publishes per act
RECUEILS_PER_YEAR = (100, 800)    # notes §4: numbers restart each year, 79 (March) … 663 (Oct)
PAGES_PER_RECUEIL = (20, 81)      # low: a special RAA of a few acts (cover, sommaire, 3 acts
                                  # of 5 pages); high: the longest act seen (Allier, 81 pages);
                                  # the Pas-de-Calais RAA of 47 pages lies between
SCANNED_SHARE = (0.5, 0.9)        # share of pages that need OCR: covers, sommaires and the
                                  # separator pages are native; the signed acts often scans
DPI = (200, 300)                  # low: the council replay scans; high: the usual office scan
WORN = (0.8, 2)                   # the high case's scan is also worn: skewed by 0.8°, pixels
                                  # spread by 2 (a photocopied, stamped and signed page is never
                                  # clean, and a clean page flatters Tesseract)

_SERVICES = ["Cabinet / Direction des sécurités", "Direction départementale des territoires",
             "Direction départementale de la protection des populations",
             "Bureau de la réglementation et des élections"]
_OBJECTS = [
    "portant réglementation temporaire de la circulation sur la route départementale 538",
    "autorisant la captation, l'enregistrement et la transmission d'images au moyen de "
    "caméras installées sur des aéronefs",
    "portant autorisation d'un système de vidéoprotection dans un commerce de détail",
    "portant dérogation à l'interdiction d'utilisation de produits pyrotechniques",
    "fixant la liste des candidats admis à l'examen du brevet de sécurité routière",
    "portant agrément d'un établissement d'enseignement de la conduite",
]
_VISAS = [
    "Vu le code de la sécurité intérieure, notamment ses articles L. 242-1 et suivants ;",
    "Vu le code général des collectivités territoriales ;",
    "Vu le décret n° 2004-374 du 29 avril 2004 modifié relatif aux pouvoirs des préfets, à "
    "l'organisation et à l'action des services de l'État dans les régions et départements ;",
    "Vu l'arrêté préfectoral du 2 janvier portant délégation de signature au directeur de "
    "cabinet ;",
    "Vu la demande présentée le 14 mars par le commandant du groupement de gendarmerie "
    "départementale ;",
    "Vu l'avis de la commission départementale compétente réunie le 9 février ;",
]
_CONSIDERANTS = [
    "Considérant que la manifestation prévue attire un public nombreux sur la voie publique "
    "et que des troubles graves à l'ordre public sont à craindre ;",
    "Considérant que les moyens dont disposent les services ne permettent pas d'assurer la "
    "sécurité des personnes et des biens dans des conditions satisfaisantes ;",
    "Considérant que la mesure est limitée dans le temps et proportionnée aux risques ;",
]
_ARTICLES = [
    "Article 1er - L'autorisation est accordée pour la durée de l'événement, dans le périmètre "
    "défini à l'annexe du présent arrêté.",
    "Article 2 - Le public est informé par tout moyen approprié des conditions de mise en "
    "oeuvre de la présente décision.",
    "Article 3 - Le présent arrêté peut faire l'objet d'un recours contentieux devant le "
    "tribunal administratif dans un délai de deux mois à compter de sa publication.",
    "Article 4 - Le directeur de cabinet et le commandant du groupement de gendarmerie sont "
    "chargés, chacun en ce qui le concerne, de l'exécution du présent arrêté, qui sera publié "
    "au recueil des actes administratifs de la préfecture.",
]


def _wrap(text: str, width: int = 92) -> list[str]:
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    return lines + ([cur] if cur else [])


def cover(n: int) -> str:
    return (f"PRÉFET DE LA DRÔME-ET-VIVARAIS\n\nRECUEIL DES ACTES\nADMINISTRATIFS SPÉCIAL\n"
            f"N°99-2026-{n:03d}\n\nPUBLIÉ LE {1 + n % 28} MARS 2026\n")


def sommaire(acts: int) -> str:
    out = ["Sommaire", ""]
    page = 3
    for i in range(acts):
        out.append(_SERVICES[i % len(_SERVICES)])
        out += _wrap(f"99-2026-03-{10 + i % 18:02d}-{i + 1:05d} - Arrêté préfectoral "
                     f"{_OBJECTS[i % len(_OBJECTS)]} (3 pages) Page {page}")
        page += 4
    return "\n".join(out)


def act_page(i: int) -> str:
    """One full A4 page of an arrêté (≈ 45 lines of 10 pt text, about 2,500 characters)."""
    lines = ["PRÉFET DE LA DRÔME-ET-VIVARAIS", _SERVICES[i % len(_SERVICES)],
             "Liberté Égalité Fraternité", "",
             f"Arrêté préfectoral n° 2026-{100 + i:04d}"]
    lines += _wrap(_OBJECTS[i % len(_OBJECTS)]) + ["", "Le préfet de la Drôme-et-Vivarais,",
                                                    "Chevalier de la Légion d'honneur,", ""]
    for k in range(len(_VISAS)):
        lines += _wrap(_VISAS[(i + k) % len(_VISAS)])
    lines.append("")
    for c in _CONSIDERANTS:
        lines += _wrap(c)
    lines += ["", "ARRÊTE", ""]
    for a in _ARTICLES:
        lines += _wrap(a)
    lines += ["", f"Fait à Valence-sur-Rhône, le {1 + i % 28} mars 2026",
              "Pour le préfet et par délégation, le directeur de cabinet"]
    return "\n".join(lines)


# ---------------------------------------------------------------- PDFs
def native_pdf(pages: list[str]) -> bytes:
    """Native text, one page per item (council replay generator, a form feed per page)."""
    from fpdf import FPDF

    from scrapers.replay.council_pdfs import FIXED

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_font("Helvetica", size=10)
    for text in pages:
        pdf.add_page()
        for line in text.splitlines():
            if not line.strip():
                pdf.ln(4)
                continue
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scanned_pdf(pages: list[str], dpi: int = DPI[0], worn: bool = False) -> bytes:
    """Image-only pages: each page printed by `text_pdf`, rasterised in grey at `dpi` and put
    back as a picture, as `image_pdf` does for one page; `worn`: skewed and grainy (WORN)."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    from scrapers.replay.council_pdfs import FIXED, text_pdf

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    for text in pages:
        doc = pdfium.PdfDocument(text_pdf(text))
        try:
            img = doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        finally:
            doc.close()
        if worn:
            # (the methods of pypdfium2's PIL image: bench imports no Pillow of its own)
            img = img.rotate(WORN[0], resample=3, expand=False, fillcolor=255)   # bicubic
            img = img.effect_spread(WORN[1])
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        pdf.add_page()
        pdf.image(io.BytesIO(buf.getvalue()), x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


# ---------------------------------------------------------------- measures
@dataclass
class Timing:
    pages: int
    wall: float          # seconds
    cpu: float           # CPU seconds (self + children)
    chars: int
    ocr: bool

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall if self.wall else float("inf")

    @property
    def cpu_per_page(self) -> float:
        return self.cpu / self.pages if self.pages else 0.0


def _cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def timed_extract(data: bytes, pages: int, repeat: int = 1) -> Timing:
    from scrapers.parsers.council import pdf

    t0, c0 = time.perf_counter(), _cpu()
    for _ in range(repeat):
        res = pdf.extract(data)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    return Timing(pages * repeat, wall, cpu, len(res.text), res.ocr)


def recall_of_words(expected: str, got: str) -> float:
    """Share of the words (4 letters or more) of the printed text found in the OCR text."""
    from technoveille.core.fold import fold

    want = [w for w in fold(expected).split() if len(w) >= 4 and w.isalpha()]
    have = set(fold(got).split())
    return sum(w in have for w in want) / len(want) if want else 1.0


def projection(native_cpu: float, ocr_low: float, ocr_high: float
               ) -> list[tuple[str, float, float, float]]:
    """(case, pages a day, CPU-hours a day, CPU-hours for one year of backfill); the low case
    OCRs at the low resolution's cost, the high case at the high one's."""
    out = []
    for name, r, p, s, ocr_cpu in (
            ("low", RECUEILS_PER_YEAR[0], PAGES_PER_RECUEIL[0], SCANNED_SHARE[0], ocr_low),
            ("high", RECUEILS_PER_YEAR[1], PAGES_PER_RECUEIL[1], SCANNED_SHARE[1], ocr_high)):
        pages_day = PREFECTURES * r * p / 365
        cpu_s = pages_day * (s * ocr_cpu + (1 - s) * native_cpu)
        out.append((name, pages_day, cpu_s / 3600, cpu_s * 365 / 3600))
    return out


def measure(size: int, workdir: Path, progress) -> list[Row]:
    """`size` = number of act pages (each built native and scanned); cover and sommaire added."""
    from scrapers.parsers.council import pdf

    size = max(2, size)
    texts = [cover(size), sommaire(max(1, size // 3))] + [act_page(i) for i in range(size)]
    acts = texts[2:]
    progress(f"ocr: generating {len(texts)} native pages and {size} scanned pages at {DPI[0]} dpi")
    native = native_pdf(texts)
    scanned = scanned_pdf(acts, DPI[0])
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "raa-native.pdf").write_bytes(native)
    (workdir / "raa-scanned.pdf").write_bytes(scanned)
    rows: list[Row] = []
    if not pdf.ocr_available():
        rows.append(Row("ocr", None, "OCR available (ocrmypdf + tesseract fra)", "no",
                        "run `make ocr-deps`", False))
        return rows

    progress("ocr: native text (pypdfium2)")
    nat = timed_extract(native, len(texts), repeat=20)
    ocr_t, words = {}, {}
    for dpi, worn in ((DPI[0], False), (DPI[1], False), (DPI[1], True)):
        key = f"{dpi} dpi" + (f", worn (skew {WORN[0]}°, grain)" if worn else ", clean")
        progress(f"ocr: OCR of {size} scanned pages at {key} (ocrmypdf -l fra, as the "
                 "council source)")
        scan = scanned if (dpi, worn) == (DPI[0], False) else scanned_pdf(acts, dpi, worn)
        t0, c0 = time.perf_counter(), _cpu()
        res = pdf.extract(scan)
        ocr_t[key] = Timing(size, time.perf_counter() - t0, _cpu() - c0, len(res.text), res.ocr)
        words[key] = recall_of_words("\n".join(acts), res.text)
    low_key, high_key = list(ocr_t)[0], list(ocr_t)[-1]
    # a recueil as published: native cover and sommaire, scanned acts, in one PDF
    mixed = _mixed_pdf(texts[:2], acts)
    mres = pdf.extract(mixed, try_ocr=False)

    rows.append(Row("ocr", None, "native text extraction (pypdfium2, council pdf.extract)",
                    f"{nat.pages_per_s:,.0f} pages/s, {nat.cpu_per_page * 1000:.1f} ms CPU/page",
                    f"{nat.pages} pages ({len(texts)}-page recueil × 20)"))
    for key, t in ocr_t.items():
        rows.append(Row("ocr", None, f"OCR of scanned pages (ocrmypdf -l fra --force-ocr, "
                        f"{key}, {os.cpu_count()} cores)",
                        f"{t.pages_per_s:.2f} pages/s, {t.cpu_per_page:.2f} s CPU/page",
                        f"{size} pages; words of the printed text found: {words[key]:.1%}; "
                        f"{t.cpu_per_page / max(nat.cpu_per_page, 1e-9):,.0f}× the CPU of "
                        f"native text", t.ocr and words[key] >= 0.9))
    rows.append(Row("ocr", None, "mixed recueil (native cover + sommaire, scanned acts): "
                    "whole-PDF needs_ocr test",
                    f"needs_ocr={mres.needs_ocr}",
                    f"{len(mres.text):,} characters from {mres.page_count} pages: a per-page "
                    f"test is needed to OCR the scanned acts"))
    share = f"{SCANNED_SHARE[0]:.0%}–{SCANNED_SHARE[1]:.0%}"
    rows.append(Row("ocr", None, "assumed scanned share of RAA pages",
                    share, "covers, sommaires, separators native; signed acts often scans"))
    for name, pages_day, cpu_h, backfill in projection(
            nat.cpu_per_page, ocr_t[low_key].cpu_per_page, ocr_t[high_key].cpu_per_page):
        r = RECUEILS_PER_YEAR[name == "high"]
        p = PAGES_PER_RECUEIL[name == "high"]
        s = SCANNED_SHARE[name == "high"]
        rows.append(Row("ocr", None,
                        f"national daily load, {name}: {PREFECTURES} prefectures × {r} recueils/yr "
                        f"× {p} pages, {s:.0%} scanned",
                        f"{pages_day:,.0f} pages/day → {cpu_h:.1f} CPU-h/day",
                        f"{cpu_h / 24:.2f} cores busy all day (OCR cost of "
                        f"{low_key if name == 'low' else high_key}); one year of backfill "
                        f"{backfill:,.0f} CPU-h"))
    return rows


def _mixed_pdf(native_pages: list[str], scanned_pages: list[str]) -> bytes:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for data in (native_pdf(native_pages), scanned_pdf(scanned_pages)):
        src = pdfium.PdfDocument(data)
        out.import_pages(src)
        src.close()
    buf = io.BytesIO()
    out.save(buf)
    out.close()
    return buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=6, help="scanned act pages to OCR (default 6)")
    ap.add_argument("--workdir", type=Path, default=Path("data/bench/ocr"))
    args = ap.parse_args(argv)
    t0 = time.monotonic()

    def progress(line: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f} s] {line}", file=sys.stderr, flush=True)
    rows = measure(args.pages, args.workdir, progress)
    print(render(rows, title="technoveille OCR benchmark (prefectoral acts)"))
    print(f"\nmachine: {machine()}")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
