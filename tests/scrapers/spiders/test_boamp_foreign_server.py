"""The acceptance check in miniature: a real crawl (subprocess) of `technoveille crawl boamp --since
2026-11-02 --until 2026-11-04` against a server that is NOT the project's replay. It is stricter than
the replay where the real Explore API v2.1 is strict (unknown or repeated parameters, limit > 100,
offset + limit > 10 000 → HTTP 400; a `where` outside the documented ODSQL forms → 400), answers a 500
once, a 429 with an HTTP-date Retry-After once, and serves shapes the replay does not: v110 lots as
parallel lists, the retired DILA API's lower-case v230 JSON, a day over two pages."""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers.replay import boamp_shapes as shapes
from tests.conftest import run_cli
from tests.scrapers.parsers.test_boamp_acceptance import (DEADLINE_MS, LEGACY_DONNEES, LEGACY_GESTION,
                                                          V110_NAMED_LOTS)

PREFIX = "/api/explore/v2.1/catalog/datasets/boamp"
ALLOWED = {"select", "where", "group_by", "order_by", "limit", "offset", "refine", "exclude", "lang",
           "timezone", "include_links", "include_app_metas"}
WHERE_DAY = re.compile(r"^dateparution\s*=\s*date'(\d{4}-\d{2}-\d{2})'$")


def corpus() -> list[dict]:
    recs = shapes.fillers("2026-11-03", 130, 140000, seed=7)  # two pages
    recs += shapes.fillers("2026-11-02", 3, 141000, seed=7) + shapes.fillers("2026-11-04", 2, 142000, seed=7)
    v110 = shapes.record("BXP26306000051K", objet="sécurisation des bâtiments communaux", famille="FNS",
                         dep=["38"], published="2026-11-02", end="2026-11-30",
                         deadline_flat="2026-11-30T00:00:00+00:00", buyer="mairie de Voiron.",
                         nature="APPEL_OFFRE", descripteurs=[("441", "Vidéosurveillance")], type_marche="TRAVAUX",
                         donnees=V110_NAMED_LOTS, gestion_obj={"NOJO": "BXP26306000051K",
                                                               "REFERENCE": {"IDWEB": "BXP26306000051K"}})
    v110.update(source_schema="Boamp_v110.xsd", annonce_reference_schema_v110="A/20261102/51",
                annonces_anterieures_schema_v110=None)  # the 2024-era extra fields
    legacy = shapes.record("26-150001", objet="caméras de vidéoprotection", famille="MAPA", dep=["13"],
                           published="2026-11-04", end="2026-12-15",
                           deadline_flat=datetime.fromtimestamp(DEADLINE_MS / 1000, timezone.utc).isoformat(),
                           buyer="Ville de Martigues", nature="APPEL_OFFRE",
                           descripteurs=[("441", "Vidéosurveillance")], type_marche="FOURNITURES",
                           donnees=LEGACY_DONNEES, gestion_obj=LEGACY_GESTION)
    legacy["source_schema"] = "Boamp_v230.xsd"
    return recs + [v110, legacy]


class Handler(BaseHTTPRequestHandler):
    records: list[dict] = []
    served: set = set()
    log: list = []

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        self.log.append((url.path, q))
        bad = lambda msg: self.reply(400, {"error_code": "InvalidRESTParameterError", "message": msg})
        if url.path != PREFIX + "/records":
            return self.reply(404, {"error_code": "NotFound"})
        if set(q) - ALLOWED or any(len(v) > 1 for v in q.values()):
            return bad(f"unknown or repeated parameter in {sorted(q)}")
        limit, offset = int(q.get("limit", ["10"])[0]), int(q.get("offset", ["0"])[0])
        if not 1 <= limit <= 100 or offset + limit > 10_000:
            return bad(f"Invalid value for sum of offset + limit API parameter: {offset + limit}")
        m = WHERE_DAY.match(q.get("where", [""])[0])
        if not m or q.get("order_by") != ["idweb"] or q.get("timezone", ["UTC"]) != ["UTC"]:
            return self.reply(400, {"error_code": "ODSQLError", "message": "unexpected query"})
        key = (m[1], offset)
        if key == ("2026-11-03", 100) and "500" not in self.served:
            self.served.add("500")
            return self.reply(500, {"error_code": "InternalServerError"})
        if key == ("2026-11-04", 0) and "429" not in self.served:
            self.served.add("429")
            when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=1), usegmt=True)
            return self.reply(429, {"error_code": "TooManyRequests"}, [("Retry-After", when)])
        day = sorted((r for r in self.records if r["dateparution"] == m[1]), key=lambda r: r["idweb"])
        self.reply(200, {"total_count": len(day), "results": day[offset:offset + limit]})

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    import os

    Handler.records, Handler.served, Handler.log = corpus(), set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = tmp_path_factory.mktemp("foreign")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOAMP_")}
    env.update({"TECHNOVEILLE_DB": str(tmp / "f.db"), "TECHNOVEILLE_ARCHIVE": str(tmp / "archive"),
                "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
                "BOAMP_API_URL": f"http://127.0.0.1:{server.server_port}{PREFIX}/"})
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-04"], env)
    conn = sqlite3.connect(tmp / "f.db")
    conn.row_factory = sqlite3.Row
    yield conn
    server.shutdown()


def test_every_record_served_is_stored_and_nothing_was_refused(foreign):
    assert all(path == PREFIX + "/records" for path, _ in Handler.log)
    stored = {r["source_id"] for r in foreign.execute("select source_id from documents")}
    assert stored == {r["idweb"] for r in Handler.records}
    assert len(stored) == 137
    reasons = [r["reason"] for r in foreign.execute("select reason from crawl_errors")]
    assert not [r for r in reasons if r.startswith("http-")], reasons
    assert Handler.served == {"500", "429"}


def test_v110_named_lots_reach_parts_and_text(foreign):
    doc = foreign.execute("select * from documents where source_id = 'BXP26306000051K'").fetchone()
    parts = json.loads(doc["parts"])
    assert [p["label"] for p in parts][1] == "Lot 2 – Télésurveillance des écoles et du gymnase."
    assert "Télésurveillance des écoles et du gymnase." in doc["text"]
    assert json.loads(doc["extra"])["deadline"] == "2026-11-30T12:00:00+01:00"


def test_legacy_api_record_deadline_and_text(foreign):
    doc = foreign.execute("select * from documents where source_id = '26-150001'").fetchone()
    assert json.loads(doc["extra"])["deadline"] == "2026-12-15T12:00:00+01:00"
    assert "centre de supervision urbain" in doc["text"] and "<?xml" not in doc["text"]
    assert doc["authority"] == "Ville de Martigues"
