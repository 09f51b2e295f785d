"""Real crawls of the council replay (subprocess, real SQLite)."""
from __future__ import annotations

import json
import sqlite3
import urllib.request

from tests.conftest import run_cli


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
    registry.write_text(f"""
councils:
  - id: rochebrune
    name: Mairie de Rochebrune
    insee: "99004"
    kind: site
    url: {replay_server}/councils/rochebrune/conseil-municipal.html
    documents:
      item: tr.seance
      date: td.date::text
""", encoding="utf-8")
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
