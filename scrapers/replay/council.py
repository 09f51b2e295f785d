"""Replay of council sources, one fixture site per publication pattern:

- /councils/valmont/…   list → session pages → PDFs (Bègles-style markup, pagination ?page=2),
                         with the bad cases: 404, HTML served as PDF, redirect loop, PDF bomb,
                         image-only scans (one OCR can read, one blank), corrupt PDF, a
                         200 MB file, a PDF linked twice,
                         « 31 février » and a title year contradicting <time>;
- /councils/berny/…     one page per year with accordions (2025 page: latin-1 bytes declared
                         UTF-8; 2024 page: markup changed, the selector finds nothing);
- /councils/fontclair/… SCDL CSV with `;` and its PDFs;
- /councils/nice/…      SCDL CSV of a REAL commune (Nice, INSEE 06088, SIRET of the Ville de
                         Nice, a BOAMP buyer of the replay too): its dossier spans two sources;
- /councils/ods/…       Opendatasoft Explore v2.1 exports/json, v1 search, file downloads,
                         Mégalis-style PDF paths;
- /councils/rochebrune/ a table layout that is NOT in the replay registry (tests configure it);
- /councils/saint-aubin/ SPIP table, also NOT in the replay registry: the séance date only in
                         each link's text (two séances in one row), a « Télécharger » link typed
                         by the PDF header, « (PDF – 182 Ko) » noise, a PV numbered
                         « Délibération D2026-40 / Objet : », and Fontclair's PDF republished;
- /datagouv/api/1/…     the data.gouv.fr dataset search used by `technoveille discover-scdl`;
- /councils/_stats      request counters per path (200 / 304), for the incremental tests.

Every file answer carries ETag and Last-Modified and honours If-None-Match /
If-Modified-Since with a 304. PDFs are built at start-up by council_pdfs.
"""
from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import Counter
from email.utils import parsedate_to_datetime
from pathlib import Path

from scrapers.replay import council_pdfs

DATA = Path(__file__).resolve().parent / "data" / "council"
PAGES = DATA / "pages"
LAST_MODIFIED = "Mon, 30 Mar 2026 09:00:00 GMT"
STATS: Counter = Counter()
_lock = threading.Lock()

# path → PDF name (council_pdfs.build())
PDF_PATHS = {
    "/councils/valmont/files/odj-2026-03-28.pdf": "valmont-odj",
    "/councils/valmont/files/D01.pdf": "valmont-d01",
    "/councils/valmont/files/D02.pdf": "valmont-d02",
    "/councils/valmont/files/D03.pdf": "valmont-d03",
    "/councils/valmont/files/D03-maquette.pdf": "valmont-annexe",
    "/councils/valmont/files/D07.pdf": "bomb",
    "/councils/valmont/files/D08.pdf": "valmont-scan",
    "/councils/valmont/files/D09.pdf": "corrupt",
    "/councils/valmont/files/D10.pdf": "blank-scan",      # no text even after OCR
    "/councils/valmont/files/2026-09-D01.pdf": "valmont-sept",
    "/councils/valmont/files/2026-02-D01.pdf": "valmont-fev",
    "/councils/valmont/files/2026-01-D01.pdf": "valmont-drones",
    "/councils/valmont/files/2025-06-D04.pdf": "valmont-2025",
    "/councils/berny/wp-content/uploads/2026/02/ODJ-CM-2026-02-09.pdf": "berny-odj-2026-02-09",
    "/councils/berny/wp-content/uploads/2026/02/Liste-deliberations-CM-20260209.pdf": "berny-liste-2026-02-09",
    "/councils/berny/wp-content/uploads/2026/03/PV-CM-20260209.pdf": "berny-pv-2026-02-09",
    "/councils/berny/wp-content/uploads/2026/03/PV-CM-20260209-copie.pdf": "berny-pv-2026-02-09",
    "/councils/berny/wp-content/uploads/2026/02/PV-CM-20251208.pdf": "berny-pv-2025-12-08",
    "/councils/fontclair/pdf/2026-014.pdf": "fontclair-2026-014",
    "/councils/fontclair/pdf/2026-015.pdf": "fontclair-2026-015",
    "/councils/fontclair/pdf/2025-102.pdf": "fontclair-2025-102",
    # hostile markup in the title and text: the site must render it inert (tests/datasette)
    "/councils/fontclair/pdf/2026-016.pdf": "fontclair-2026-016",
    "/councils/nice/pdf/2026-10-112.pdf": "nice-2026-10-112",
    "/councils/nice/pdf/2026-10-113.pdf": "nice-2026-10-113",
    "/councils/ods/explore/dataset/deliberations-val-argent/files/c0ffee00c0ffee00c0ffee00c0ffee02/download/": "tours-like-2026-07",
    "/councils/rochebrune/docs/odj_140426.pdf": "tabletown-odj",
    "/councils/rochebrune/docs/pv_140426.pdf": "tabletown-pv",
    "/councils/saint-aubin/IMG/pdf/pv_cm_121026.pdf": "saintaubin-pv-2026-10-12",
    "/councils/saint-aubin/IMG/pdf/doc_8812.pdf": "saintaubin-del-2026-43",
    "/councils/saint-aubin/IMG/pdf/delib_2026_12.pdf": "saintaubin-del-2026-12",
    "/councils/saint-aubin/IMG/pdf/convention_hyperviseur.pdf": "fontclair-2026-014",  # same bytes
    "/councils/saint-aubin/IMG/pdf/cr_cm_011225.pdf": "saintaubin-cr-2025-12",
    "/councils/saint-aubin/IMG/pdf/pv_cm_031125.pdf": "saintaubin-pv-2025-11",
}
MEGALIS = {"61001": "agglo-2026-0031", "61002": "agglo-2026-0032"}
PAGE_PATHS = {
    "/councils/valmont/deliberations/": "valmont-list-{page}.html",
    "/councils/berny/conseil/proces-verbaux-2026": "berny-2026.html",
    "/councils/berny/conseil/proces-verbaux-2025": "berny-2025.html",
    "/councils/berny/conseil/proces-verbaux-2024": "berny-2024.html",
    "/councils/rochebrune/conseil-municipal.html": "rochebrune.html",
}


def _base(headers) -> str:
    host = headers.get("Host") or headers.get("host") or "127.0.0.1"
    return f"http://{host}"


def _count(path: str, status: int) -> None:
    with _lock:
        STATS[f"{status} {path}"] += 1


def _file(path, headers, body: bytes, ctype: str):
    """A static file answer with validators and conditional GET."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    inm = headers.get("If-None-Match") or headers.get("if-none-match")
    ims = headers.get("If-Modified-Since") or headers.get("if-modified-since")
    not_modified = inm == etag if inm else False
    if not inm and ims:
        try:
            not_modified = parsedate_to_datetime(ims) >= parsedate_to_datetime(LAST_MODIFIED)
        except (TypeError, ValueError):
            not_modified = False
    common = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
    if not_modified:
        _count(path, 304)
        return 304, common, b""
    _count(path, 200)
    return 200, dict(common, **{"Content-Type": ctype}), body


def _html(name: str, headers, encoding: str = "utf-8"):
    text = (PAGES / name).read_text(encoding="utf-8")
    body = text.replace("{{BASE}}", _base(headers)).encode(encoding)
    # a page whose bytes are latin-1 whatever its meta says (berny 2025)
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


def councils(path: str, query: dict, headers: dict):
    if path == "/councils/_stats":
        with _lock:
            return 200, {"Content-Type": "application/json"}, json.dumps(dict(STATS)).encode()
    pdfs = council_pdfs.build()
    if path in PDF_PATHS:
        return _file(path, headers, pdfs[PDF_PATHS[path]], "application/pdf")
    m = re.match(r"^/councils/ods/megalis/OpenData/\d+/Deliberation/\d{4}/(\d+)/[0-9a-f]{64}\.pdf$", path)
    if m and m[1] in MEGALIS:
        return _file(path, headers, pdfs[MEGALIS[m[1]]], "application/pdf")
    if path == "/councils/valmont/files/D04.pdf":
        _count(path, 404)
        return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>Page introuvable</body></html>"
    if path == "/councils/valmont/files/D05.pdf":   # HTML served as PDF, status 200
        _count(path, 200)
        return 200, {"Content-Type": "application/pdf"}, (
            "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
            "<p>Le site est en maintenance, merci de revenir plus tard.</p></body></html>").encode()
    if path == "/councils/valmont/files/D06.pdf":   # redirect loop
        hop = int((query.get("hop") or ["0"])[0]) + 1
        _count(path, 302)
        return 302, {"Location": f"/councils/valmont/files/D06.pdf?hop={hop}"}, b""
    if path == "/councils/valmont/files/annexes-2026.pdf":   # announces 200 MB
        _count(path, 200)
        return 200, {"Content-Type": "application/pdf",
                     "Content-Length": str(200 * 1024 * 1024)}, b"%PDF-1.7\n" + b"0" * 4096
    for prefix, name in PAGE_PATHS.items():
        if path == prefix:
            page = (query.get("page") or ["1"])[0]
            if not page.isdigit() or not (PAGES / name.format(page=page)).exists():
                return 404, {"Content-Type": "text/plain"}, b"not found"
            encoding = "latin-1" if name == "berny-2025.html" else "utf-8"
            return _html(name.format(page=page), headers, encoding)
    if path == "/councils/saint-aubin/spip.php" and "rubrique7" in query:   # SPIP: ?rubrique7
        return _html("saintaubin.html", headers)
    m = re.match(r"^/councils/valmont/seances/([a-z0-9-]+)/$", path)
    if m and (PAGES / f"valmont-{m[1]}.html").exists():
        return _html(f"valmont-{m[1]}.html", headers)
    if path == "/councils/fontclair/deliberations.csv":
        body = (DATA / "fontclair.csv").read_text(encoding="utf-8").replace("{{BASE}}", _base(headers))
        return _file(path, headers, body.encode("utf-8"), "text/csv; charset=utf-8")
    if path == "/councils/nice/deliberations.csv":
        body = (DATA / "nice.csv").read_text(encoding="utf-8").replace("{{BASE}}", _base(headers))
        return _file(path, headers, body.encode("utf-8"), "text/csv; charset=utf-8")
    if path == "/councils/ods/api/explore/v2.1/catalog/datasets/deliberations-valmont-agglo/exports/json":
        body = (DATA / "ods-agglo.json").read_text(encoding="utf-8").replace("{{BASE}}", _base(headers))
        return _file(path, headers, body.encode(), "application/json; charset=utf-8")
    if path == "/councils/ods/api/records/1.0/search/" and query.get("dataset") == ["deliberations-val-argent"]:
        body = (DATA / "ods-v1-val-argent.json").read_bytes()
        return _file(path, headers, body, "application/json; charset=utf-8")
    return 404, {"Content-Type": "text/plain"}, b"not found"


def datagouv(path: str, query: dict, headers: dict):
    if path.rstrip("/") == "/datagouv/api/1/datasets":
        if query.get("schema") != ["scdl/deliberations"]:
            return 200, {"Content-Type": "application/json"}, json.dumps(
                {"data": [], "next_page": None, "page": 1, "page_size": 20, "total": 0}).encode()
        page = (query.get("page") or ["1"])[0]
        name = DATA / f"datagouv-page{page}.json"
        if not name.exists():
            return 404, {"Content-Type": "application/json"}, b'{"message": "Not found"}'
        body = name.read_text(encoding="utf-8").replace("{{BASE}}", _base(headers))
        return 200, {"Content-Type": "application/json; charset=utf-8"}, body.encode()
    return 404, {"Content-Type": "application/json"}, b'{"message": "Not found"}'


ROUTES = [("/councils", councils), ("/datagouv", datagouv)]
REGISTRY = DATA / "councils.yml"


def demo_env(base_url: str) -> dict[str, str]:
    """Point the council spider and discover-scdl at this server."""
    return {"COUNCILS_FILE": str(REGISTRY), "COUNCILS_REPLAY_URL": base_url.rstrip("/"),
            "DATAGOUV_API_URL": base_url.rstrip("/") + "/datagouv/api/1"}

# start-up build (in the background so the server answers at once; requests wait for it)
threading.Thread(target=council_pdfs.build, daemon=True, name="council-pdfs").start()
