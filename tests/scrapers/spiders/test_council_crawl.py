"""Real crawls of the council replay (subprocess, real SQLite)."""
from __future__ import annotations

import json
import sqlite3
import urllib.request

import pytest

from scrapers.parsers.council import pdf
from scrapers.parsers.council.urls import url_id
from tests.conftest import run_cli

from .council_registries import rochebrune


def stats(base):
    with urllib.request.urlopen(f"{base}/councils/_stats") as r:
        return json.loads(r.read())


def rows(db, sql, args=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def snapshot(db):
    return (rows(db, "select id, content_hash, updated_at, flagged from documents order by id"),
            rows(db, "select * from hits order by id"))


def test_crawl_stores_documents_items_and_errors(tv_env, replay_server):
    db = tv_env["TECHNOVEILLE_DB"]
    run_cli(["crawl", "council", "--since", "2025-01-01"], tv_env)
    docs = {r[0]: r for r in rows(db, "select source_id, doc_type, published_on, text, parts, extra, "
                                      "authority_id, place_code from documents where source='council'")}
    types = sorted(r[1] for r in docs.values())
    assert types.count("procès-verbal") == 2 and types.count("liste des délibérations") == 1
    # every délibération and PV has text (except the scan), a date and items
    for sid, doc_type, day, text, parts, extra, _, _ in docs.values():
        extra = json.loads(extra)
        if doc_type in ("délibération", "procès-verbal"):
            assert day, sid
            if not extra.get("needs_ocr"):
                assert text and json.loads(parts), sid
    # the PV split into agenda items; the hit points at item 5 (« VIDÉO-\nPROTECTION »)
    pv = [r for r in docs.values() if r[1] == "procès-verbal" and r[2] == "2026-02-09"][0]
    labels = [p["label"] for p in json.loads(pv[4])]
    assert labels[4] == "5 – APPROBATION DU DCE ET LANCEMENT DU MARCHE CONCERNANT LA VIDÉO-PROTECTION"
    hits = rows(db, "select part_label, field from hits where document_id = ?", ["council:" + pv[0]])
    assert hits and all(h[1] == "part" and h[0].startswith("5 – ") for h in hits)
    # PV date from the written form « L'an deux mil vingt-cinq, et le huit décembre »
    assert any(r[1] == "procès-verbal" and r[2] == "2025-12-08" for r in docs.values())
    # SCDL rows: id = DELIB_ID, SIREN from the SIRET, matière kept as text
    f14 = docs["fontclair-ville:2026_014"]
    assert f14[2] == "2026-02-16" and f14[6] == "219900021" and json.loads(f14[5])["matiere"] == "1.1"
    assert "hyperviseur" in f14[3]
    assert json.loads(docs["valmont-agglo:DCC_2026_0032"][5])["matiere_alt"] == "7.10"
    # ODS v1 file object → downloaded PDF
    assert "six déchetteries" in docs["val-argent:C_26_04_07_003"][3]
    # title year 2028 vs <time> 2026 → 2026; same PDF linked twice → one document
    assert any(r[2] == "2026-09-28" for r in docs.values())
    assert sum(1 for r in docs.values() if "budget primitif 2026" in r[3] and r[1] == "délibération") == 1
    # same content at two URLs (PV and its copy) → one document
    assert sum(1 for r in docs.values() if r[1] == "procès-verbal" and r[2] == "2026-02-09") == 1
    errors = {r[0] for r in rows(db, "select reason from crawl_errors where source='council'")}
    assert {"http-404", "not-a-pdf", "redirect-loop", "pdf-bomb", "pdf-corrupt", "too-big",
            "needs-ocr", "impossible-date", "encoding-mismatch", "documents-empty",
            "scdl-bad-date"} <= errors
    # latin-1 page declared UTF-8 still crawled
    assert any(r[2] == "2025-12-08" for r in docs.values())
    # scans: the blank one is a needs-ocr error; the readable one is OCR'd when the tools
    # are installed (`make test` installs them: make ocr-deps)
    scans = dict(rows(db, "select url, extra from documents where url like '%/files/D08.pdf' "
                          "or url like '%/files/D10.pdf'"))
    blank = json.loads(next(v for k, v in scans.items() if k.endswith("D10.pdf")))
    assert blank["needs_ocr"] and not blank.get("ocr")
    scan_text, scan_extra, flagged = rows(db, "select text, extra, flagged from documents "
                                              "where url like '%/files/D08.pdf'")[0]
    needs_ocr = {r[0] for r in rows(db, "select record_id from crawl_errors where reason = 'needs-ocr'")}
    scan_id = {name: "valmont-ville:" + url_id(f"{replay_server}/councils/valmont/files/{name}.pdf")
               for name in ("D08", "D10")}
    if pdf.ocr_available():
        assert json.loads(scan_extra)["ocr"] and "Reconnaissance faciale" in scan_text and flagged
        assert needs_ocr == {scan_id["D10"]}
    else:
        assert json.loads(scan_extra)["needs_ocr"] and not scan_text.strip()
        assert needs_ocr == {scan_id["D08"], scan_id["D10"]}


def test_rerun_downloads_nothing_unchanged_and_leaves_db_unchanged(tv_env, replay_server):
    db = tv_env["TECHNOVEILLE_DB"]
    run_cli(["crawl", "council", "--since", "2025-01-01"], tv_env)
    before_db, before = snapshot(db), stats(replay_server)
    run_cli(["crawl", "council", "--since", "2025-01-01"], tv_env)
    after = stats(replay_server)
    delta = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    pdf_200 = [k for k in delta if k.startswith("200 ") and k.endswith(".pdf")
               and "annexes-2026" not in k      # the 200 MB file is cancelled, never downloaded
               and "D05" not in k]              # HTML served as PDF, without validators
    assert pdf_200 == [], delta
    assert any(k.startswith("304 ") for k in delta)
    assert snapshot(db) == before_db
    # without --since, old known documents are not even asked (revisit window)
    before = stats(replay_server)
    run_cli(["crawl", "council"], tv_env)
    after = stats(replay_server)
    assert not [k for k in after if k.startswith("200 ") and k.endswith(".pdf")
                and "annexes" not in k and "D05" not in k and after[k] != before.get(k, 0)]
    assert snapshot(db) == before_db


def test_new_site_configured_in_yaml_only(tv_env, replay_server, tmp_path):
    registry = tmp_path / "registry.yml"
    registry.write_text("\ncouncils:\n" + rochebrune(replay_server), encoding="utf-8")
    env = dict(tv_env, COUNCILS_FILE=str(registry))
    run_cli(["crawl", "council"], env)
    docs = rows(env["TECHNOVEILLE_DB"], "select doc_type, published_on, parts, flagged from documents")
    assert sorted(d[0] for d in docs) == ["ordre du jour", "procès-verbal"]
    pv = [d for d in docs if d[0] == "procès-verbal"][0]
    assert pv[1] == "2026-04-14" and len(json.loads(pv[2])) == 3 and pv[3] == 1


def test_broken_registry_is_reported(tv_env, tmp_path):
    registry = tmp_path / "bad.yml"
    registry.write_text("councils:\n  - id: x\n    name: X\n    kind: ftp\n    url: http://x\n")
    proc = run_cli(["crawl", "council"], dict(tv_env, COUNCILS_FILE=str(registry)), check=False)
    assert proc.returncode != 0
    assert "kind" in proc.stderr and "ftp" in proc.stderr


def test_dates_in_link_text_types_from_headers_and_per_council_dedup(tv_env, replay_server, tmp_path):
    """A SPIP table configured in 5 lines of YAML: the séance date is only in each link's
    text (two séances in one row), « Télécharger le document » is typed by the PDF's own
    header, « (PDF – 182 Ko) » is not part of the title, the PV numbered « Délibération
    D2026-40 / Objet : » is split into its délibérations, and Fontclair's PDF republished by
    Saint-Aubin is stored for both bodies."""
    registry = tmp_path / "registry.yml"
    registry.write_text(f"""
councils:
  - id: fontclair-ville
    name: Commune de Fontclair
    kind: scdl
    url: {replay_server}/councils/fontclair/deliberations.csv
  - id: saint-aubin
    name: Mairie de Saint-Aubin-des-Prés
    kind: site
    url: {replay_server}/councils/saint-aubin/spip.php?rubrique7
""", encoding="utf-8")
    env = dict(tv_env, COUNCILS_FILE=str(registry))
    db = env["TECHNOVEILLE_DB"]
    run_cli(["crawl", "council"], env)
    docs = {r[0]: r[1:] for r in rows(db, "select url, doc_type, published_on, title, parts, sha256 "
                                          "from documents where source_id like 'saint-aubin:%'")}
    base = f"{replay_server}/councils/saint-aubin/IMG/pdf/"
    assert {u[len(base):]: (d[0], d[1]) for u, d in docs.items()} == {
        "pv_cm_121026.pdf": ("procès-verbal", "2026-10-12"),
        "doc_8812.pdf": ("délibération", "2026-10-12"),        # type and date from the PDF header
        "delib_2026_12.pdf": ("délibération", "2026-10-12"),   # date from the link text only
        "convention_hyperviseur.pdf": ("délibération", "2026-02-16"),
        "cr_cm_011225.pdf": ("compte rendu", "2025-12-01"),    # two séances in one row
        "pv_cm_031125.pdf": ("procès-verbal", "2025-11-03"),
    }
    pv = docs[base + "pv_cm_121026.pdf"]
    assert pv[2] == "Procès-verbal de la séance du 12 octobre 2026"
    assert docs[base + "delib_2026_12.pdf"][2] == "Délibération n° 2026-12 du 12 octobre 2026"
    assert [p["label"][:8] for p in json.loads(pv[3])] == ["D2026-40", "D2026-41", "D2026-42"]
    hits = rows(db, "select distinct h.part_label from hits h join documents d on d.id = h.document_id "
                    "where d.url = ?", [base + "pv_cm_121026.pdf"])
    assert hits and all(h[0].startswith("D2026-42 – Vidéoprotection") for h in hits)
    shared = rows(db, "select source_id from documents where sha256 = ?",
                  [docs[base + "convention_hyperviseur.pdf"][4]])
    assert sorted(r[0].split(":")[0] for r in shared) == ["fontclair-ville", "saint-aubin"]
    # the 2025 documents, dated by their link text only, are old: not even asked again
    before_db, before = snapshot(db), stats(replay_server)
    run_cli(["crawl", "council"], env)
    after = stats(replay_server)
    asked = {k for k in after if after[k] != before.get(k, 0) and "/saint-aubin/IMG/" in k}
    assert not [k for k in asked if k.startswith("200 ")], asked
    assert not [k for k in asked if "031125" in k or "011225" in k], asked
    assert snapshot(db) == before_db


@pytest.mark.skipif(not pdf.ocr_available(), reason="ocrmypdf + tesseract-fra not installed (make ocr-deps)")
def test_scans_stored_before_ocr_was_installed_are_read_once_it_is(tv_env, replay_server, tmp_path):
    db = tv_env["TECHNOVEILLE_DB"]
    no_ocr = dict(tv_env, PATH=str(tmp_path))          # no tesseract on PATH: OCR unavailable
    run_cli(["crawl", "council", "-a", "city=valmont-ville", "--since", "2025-01-01"], no_ocr)
    query = "select text, extra from documents where url like '%/files/D08.pdf'"
    text, extra = rows(db, query)[0]
    assert not text.strip() and json.loads(extra)["needs_ocr"] and not json.loads(extra)["ocr_tried"]
    before = stats(replay_server)
    run_cli(["crawl", "council", "-a", "city=valmont-ville", "--since", "2025-01-01"], tv_env)
    text, extra = rows(db, query)[0]
    assert "Reconnaissance faciale" in text and json.loads(extra)["ocr"]
    # the blank scan was tried once: a third crawl downloads neither scan again
    middle = stats(replay_server)
    assert middle.get("200 /councils/valmont/files/D08.pdf", 0) == before.get("200 /councils/valmont/files/D08.pdf", 0) + 1
    run_cli(["crawl", "council", "-a", "city=valmont-ville", "--since", "2025-01-01"], tv_env)
    after = stats(replay_server)
    for name in ("D08", "D10"):
        key = f"200 /councils/valmont/files/{name}.pdf"
        assert after.get(key, 0) == middle.get(key, 0), key
