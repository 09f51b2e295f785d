"""Benchmark of the site over HTTP on loopback: `python -m bench.site --size 10000`.

Publishes the generated N-document database (bench.publish), starts `technoveille serve` on
it in a child process (the same Datasette command line: metadata.yml, plugins, templates,
settings), and times every page kind with one keep-alive HTTP connection: a few warm-up
requests, then REQUESTS timed ones; p50 and p95. Goal: every p95 ≤ 150 ms (at 1M). A page
over the goal gets the query plan of its main SQL (EXPLAIN QUERY PLAN) in its bound."""
from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml

from .child import ROOT, technoveille
from .corpus import COMMON_WORD, PHRASE, RARE_WORD
from .publish import snapshot
from .table import Row

GOAL_MS = 150
REQUESTS = 30
WARMUP = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`technoveille serve` on `snapshot`, on a free loopback port."""

    def __init__(self, db: Path):
        self.port = _free_port()
        env = {**os.environ, "TECHNOVEILLE_PUBLIC_DB": str(db),
               "TECHNOVEILLE_SITE_URL": f"http://127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen(technoveille("serve", "--port", str(self.port)), env=env,
                                     cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"technoveille serve exited with {self.proc.returncode}")
            try:
                status, _ = self.get("/-/versions.json")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("technoveille serve did not answer within 120 s")

    def get(self, path: str) -> tuple[int, bytes]:
        if not hasattr(self, "conn"):
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
            return resp.status, resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            del self.conn
            raise

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _canned(name: str) -> str:
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    return meta["databases"]["technoveille"]["queries"][name]["sql"]


def _connect(db: Path) -> sqlite3.Connection:
    """The snapshot with the SQL functions the site's queries use (for EXPLAIN)."""
    from technoveille.core.search import extract, fts_exact, fts_query
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    conn.execute("pragma temp_store = memory")
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_exact", 1, fts_exact, deterministic=True)
    conn.create_function("search_extract", 2, lambda t, q: extract(t, q), deterministic=True)
    for name, arity in (("xml_text", 1), ("url_path", 1), ("fold", 1)):
        conn.create_function(name, arity, lambda *a: a[0])
    return conn


def plan(db: Path, sql: str, params: dict) -> str:
    conn = _connect(db)
    try:
        rows = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    except sqlite3.Error as exc:
        return f"(no plan: {exc})"
    finally:
        conn.close()
    return "; ".join(r[3] for r in rows)


def samples(db: Path) -> dict:
    """Identifiers to ask for: a flagged document with a commune and a buyer, the commune and
    buyer with the most documents."""
    conn = _connect(db)
    try:
        doc = conn.execute("select id, commune, siren from documents where flagged = 1 and "
                           "commune is not null and siren is not null order by rowid limit 1"
                           ).fetchone() or conn.execute(
            "select id, commune, siren from documents order by rowid limit 1").fetchone()
        city = conn.execute("select commune from documents where commune is not null "
                            "group by commune order by count(*) desc limit 1").fetchone()
        buyer = conn.execute("select siren from documents where siren is not null "
                             "group by siren order by count(*) desc limit 1").fetchone()
        # a rare word: in the text of 3 to 30 documents (the first such in the vocabulary)
        conn.execute("create virtual table temp.vocab using fts5vocab(main, documents_fts, 'col')")
        rare = conn.execute("select term from temp.vocab where col = 'text' and doc between 3 "
                            "and 30 and length(term) > 7 and term not glob '*[^a-z]*' "
                            "order by doc, term limit 1").fetchone()
    finally:
        conn.close()
    return {"document": doc[0], "commune": (city or [doc[1]])[0], "siren": (buyer or [doc[2]])[0],
            "rare": rare[0] if rare else RARE_WORD}


def pages(db: Path) -> list[tuple[str, str, str | None, dict]]:
    """(what, path, canned SQL or None, its params) of every page measured."""
    s = samples(db)
    empty = {"theme": "", "source": "", "departement": "", "annee": "", "type": ""}

    def search(q):
        return ("/technoveille/recherche?" + urlencode({"q": q, **empty}), _canned("recherche"),
                {"q": q, **empty})
    feed = {k: "" for k in ("theme", "terme", "source", "departement", "commune", "acheteur")}
    dossier = "select * from documents d where d.{col} = :v order by d.flagged desc, d.published_on desc, d.id limit 501"
    return [
        ("search: a common word « %s »" % COMMON_WORD, *search(COMMON_WORD)),
        ("search: a rare word « %s »" % s["rare"], *search(s["rare"])),
        ("search: a phrase %s" % PHRASE, *search(PHRASE)),
        ("signalements page", "/technoveille/signalements?theme=&source=&departement=",
         _canned("signalements"), {"theme": "", "source": "", "departement": ""}),
        ("document page", "/document/" + quote(s["document"], safe=":"),
         "select * from documents where id = :id", {"id": s["document"]}),
        ("dossier: city", f"/dossier/commune/{s['commune']}", dossier.format(col="commune"),
         {"v": s["commune"]}),
        ("dossier: buyer", f"/dossier/acheteur/{s['siren']}", dossier.format(col="siren"),
         {"v": s["siren"]}),
        ("feed (atom)", "/technoveille/flux.atom?" + urlencode(feed),
         _canned("flux"), {**feed, "_site_url": "http://127.0.0.1"}),
        ("documents table with its facets", "/technoveille/documents",
         "select source, count(*) from documents group by source", {}),
        ("documents table search box « %s »" % COMMON_WORD,
         "/technoveille/documents?" + urlencode({"_search": COMMON_WORD}),
         "select * from documents where rowid in (select rowid from documents_fts where "
         "documents_fts match fts_query(:q)) order by published_on desc limit 51",
         {"q": COMMON_WORD}),
    ]


def time_page(server: Server, path: str) -> tuple[float, float, int]:
    for _ in range(WARMUP):
        status, _ = server.get(path)
    times = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        status, body = server.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, len(body)


def measure(size: int, workdir: Path, progress) -> list[Row]:
    db = snapshot(workdir, size, progress)
    server = Server(db)
    rows = []
    try:
        for what, path, sql, params in pages(db):
            p50, p95, nbytes = time_page(server, path)
            progress(f"site {size:,}: {what}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
            bound = f"goal p95 ≤ {GOAL_MS} ms (at 1M); {path[:60]}"
            if p95 > GOAL_MS and sql:
                bound += f"; plan: {plan(db, sql, params)[:600]}"
            rows.append(Row("site", size, what, f"p50 {p50:,.0f} ms, p95 {p95:,.0f} ms",
                            bound, p95 <= GOAL_MS))
    finally:
        server.close()
    return rows


def main(argv=None) -> int:
    from .corpus import cli
    return cli(measure, __doc__, "technoveille site benchmark", argv)


if __name__ == "__main__":
    raise SystemExit(main())
