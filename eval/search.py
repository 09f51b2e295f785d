"""Search evaluation (`make eval`, `python -m eval.search [--db technoveille.db]`): the queries
of eval/search.yml through the real search page (`/technoveille/recherche.json`, Datasette's
own client, the project's metadata and plugins) on the replay corpus; prints the share of
expected documents found, the NOT / phrase violations and the exact-first ranking checks.
Exits 1 when the share is under the floor or a check fails.

Without --db it crawls the whole replay corpus first (`technoveille demo --no-serve` in a
temporary folder, about 15 s)."""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from technoveille.core.fold import fold_plain

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "eval" / "search.yml"


def build_corpus(folder: Path) -> Path:
    """Crawl every source of the replay corpus and publish; returns the published DB."""
    folder = Path(folder)
    public = folder / "public" / "technoveille.db"
    env = dict(os.environ)
    env.update({
        "TECHNOVEILLE_DB": str(folder / "technoveille.db"),
        "TECHNOVEILLE_PUBLIC_DB": str(public),
        "TECHNOVEILLE_ARCHIVE": str(folder / "archive"),
        "TECHNOVEILLE_REPLAY_PORT": "0",
        "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
        "PYTHONPATH": str(ROOT),
    })
    proc = subprocess.run([sys.executable, "-m", "technoveille", "demo", "--no-serve"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not public.exists():
        raise RuntimeError(f"demo crawl failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return public


def datasette_for(db: Path):
    from datasette.app import Datasette

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    return Datasette(immutables=[str(db)], metadata=metadata,
                     plugins_dir=str(ROOT / "datasette" / "plugins"),
                     template_dir=str(ROOT / "datasette" / "templates"),
                     settings={"allow_download": False, "suggest_facets": False})


def _words_of(q: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold_plain(q.replace("*", " ")) or "")


def _holds_exactly(doc: dict, q: str) -> bool:
    """Does the document hold the typed words as written (case and accents aside)?"""
    ws = _words_of(q)
    text = " ".join(re.findall(r"[^\W_]+", fold_plain(doc.get("body") or "") or ""))
    if q.strip().startswith(('"', "«")):
        return f" {' '.join(ws)} " in f" {text} "
    return all(re.search(rf"\b{re.escape(w)}\b", text) for w in ws)


def _cases(db: Path) -> dict:
    spec = yaml.safe_load(CASES.read_text())
    resolve = resolver(db)
    for case in spec["cases"]:
        case["must"], case["must_not"] = resolve(case.get("must")), resolve(case.get("must_not"))
    return spec


@dataclass
class Outcome:
    q: str
    kind: str
    expected: int
    found: int
    missing: list = field(default_factory=list)
    unwanted: list = field(default_factory=list)
    exact_ok: bool | None = None
    seconds: float = 0.0


def resolver(db: Path):
    """Maps the documents named in search.yml (an id, or url:<path>) to their ids."""
    import sqlite3
    from urllib.parse import urlsplit

    con = sqlite3.connect(db)
    by_path = {urlsplit(url).path: i for i, url in con.execute("select id, url from documents")
               if url}
    con.close()

    def resolve(names):
        return [by_path.get(n[4:], n) if n.startswith("url:") else n for n in names or []]
    return resolve


async def run_cases(ds, cases: list[dict], bodies: dict[str, str]) -> list[Outcome]:
    await ds.invoke_startup()
    out = []
    for case in cases:
        started = time.perf_counter()
        r = await ds.client.get("/technoveille/recherche.json",
                                params={"q": case["q"], "_shape": "array"})
        seconds = time.perf_counter() - started
        if r.status_code != 200:
            raise AssertionError(f"{case['q']!r}: HTTP {r.status_code} {r.text[:300]}")
        ids = [row["document"] for row in r.json()]
        must, must_not = case.get("must", []), case.get("must_not", [])
        o = Outcome(case["q"], case.get("kind", ""), len(must),
                    sum(1 for i in must if i in ids), [i for i in must if i not in ids],
                    [i for i in must_not if i in ids], seconds=seconds)
        if case.get("exact_first"):
            flags = [_holds_exactly({"body": bodies.get(i, "")}, case["q"]) for i in ids]
            # every exact document before every inflection-only one
            o.exact_ok = flags == sorted(flags, reverse=True) and any(flags)
        out.append(o)
    return out


def evaluate(db: Path) -> tuple[dict, list[Outcome]]:
    import sqlite3

    spec = _cases(db)
    con = sqlite3.connect(db)
    bodies = {i: f"{t or ''} {x or ''}" for i, t, x in
              con.execute("select id, title, text from documents")}
    con.close()
    outcomes = asyncio.run(run_cases(datasette_for(db), spec["cases"], bodies))
    expected = sum(o.expected for o in outcomes)
    found = sum(o.found for o in outcomes)
    summary = {
        "queries": len(outcomes), "expected": expected, "found": found,
        "share": found / expected if expected else 0.0, "floor": spec.get("floor", 0.95),
        "unwanted": sum(len(o.unwanted) for o in outcomes),
        "exact_checked": sum(o.exact_ok is not None for o in outcomes),
        "exact_failed": [o.q for o in outcomes if o.exact_ok is False],
        "median_ms": sorted(o.seconds for o in outcomes)[len(outcomes) // 2] * 1000,
        "max_ms": max(o.seconds for o in outcomes) * 1000,
        "baseline": baseline_share(db),
    }
    return summary, outcomes


def baseline_share(db: Path) -> float:
    """The share found by the same SQL when words match only as written (no stems): what
    the search found before French inflections (and proof the evaluation can fail)."""
    import sqlite3

    from technoveille.core.search import extract, fts_exact

    spec = _cases(db)
    sql = yaml.safe_load((ROOT / "metadata.yml").read_text())[
        "databases"]["technoveille"]["queries"]["recherche"]["sql"]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.create_function("fts_query", 1, fts_exact)
    con.create_function("fts_exact", 1, fts_exact)
    con.create_function("search_extract", 2, extract)
    expected = found = 0
    blank = {"theme": "", "source": "", "departement": "", "annee": "", "type": ""}
    for case in spec["cases"]:
        cur = con.execute(sql, {**blank, "q": case["q"]})
        ids = {row[2] for row in cur}
        expected += len(case.get("must", []))
        found += sum(1 for i in case.get("must", []) if i in ids)
    con.close()
    return found / expected if expected else 0.0


def report(summary: dict, outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        mark = "ok " if not o.missing and not o.unwanted and o.exact_ok is not False else "KO "
        extra = []
        if o.missing:
            extra.append(f"missing {', '.join(o.missing)}")
        if o.unwanted:
            extra.append(f"unwanted {', '.join(o.unwanted)}")
        if o.exact_ok is False:
            extra.append("an inflection ranks before an exact match")
        lines.append(f"  {mark}{o.found}/{o.expected}  {o.q!r:34} {o.kind}"
                     + (f"  ({'; '.join(extra)})" if extra else ""))
    s = summary
    lines.append(
        f"search: {s['found']}/{s['expected']} expected documents found = {s['share']:.3f} "
        f"(floor {s['floor']}; words as written only: {s['baseline']:.3f}) on {s['queries']} "
        f"queries; {s['unwanted']} unwanted; "
        f"exact-first {s['exact_checked'] - len(s['exact_failed'])}/{s['exact_checked']}; "
        f"time per query median {s['median_ms']:.1f} ms, max {s['max_ms']:.1f} ms")
    return "\n".join(lines)


def passed(summary: dict) -> bool:
    return (summary["share"] >= summary["floor"] and not summary["unwanted"]
            and not summary["exact_failed"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="published database (default: crawl the replay corpus)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tv-search-eval-") as tmp:
        db = Path(args.db) if args.db else build_corpus(Path(tmp))
        summary, outcomes = evaluate(db)
    print(report(summary, outcomes))
    return 0 if passed(summary) else 1


if __name__ == "__main__":
    sys.exit(main())
