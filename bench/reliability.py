"""Reliability harness (`make reliability`; a reduced run in `make test`).

    python -m bench.reliability                       # full: 5 fault seeds, 20 kills per operation
    python -m bench.reliability --seeds 1 --kills 1   # reduced
    python -m bench.reliability --write docs/RELIABILITY.md

1. **Faults.** Every source (boamp, jorf, council, legifrance) is crawled against the replay
   server with a share (`--share`, default 20 %) of its requests faulted
   (scrapers/replay/faults.py: 429 with and without Retry-After, 500/502/503, timeouts,
   resets, truncated bodies, slow answers, wrong Content-Type, a 200 HTML error page), then
   crawled again (the next normal run, the server still faulty). Its database is compared
   with a clean crawl's: documents, hits, links, the FTS index and the incremental state —
   rows missing, extra, duplicated, changed — after the first run (the normal retries) and
   after the second.
2. **kill -9.** A crawl (a seeded source), a `publish` and a `rematch` are killed at seeded
   random instants, then run again normally; the result is compared with a clean run and
   `pragma integrity_check`ed; after a killed publish, the published file is checked to be
   either the previous snapshot or the complete new one (never half-written).
3. **The alert sender** (bench/reliability_alerts.py, `--alert-seeds`): SMTP server and Apprise
   webhook failing at random (refused, 4xx, 5xx, dropped mid-DATA / before the reply, slow),
   `alerts send` repeated until nothing is pending, every due (recipient, document) delivered
   exactly once; kill -9 at `--kills` seeded instants of an `alerts send`, then a normal send.

Prints one table; exits 1 on any row lost, extra, duplicated or changed after recovery (for
the alerts: a pair missing, extra or received twice, a message repeated beyond the one-per-kill
crash window), a half-written snapshot, or a failed integrity check. One replay server (in this process, on one port: council ids hash URLs)
serves every run; faults are switched on and off on it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("boamp", "jorf", "council", "legifrance")
IGNORED = {"fetched_at", "first_seen", "updated_at", "last_seen", "first_run", "last_run"}
# (table, key columns, query): what a crawl stores; the logs (crawl_runs, crawl_errors) are not
# compared (a faulty run rightly has more error rows)
TABLES = (
    ("documents", ("id",), "select * from documents"),
    ("hits", ("id",), "select * from hits"),
    ("links", ("document_id", "target_id", "relation"), "select * from links"),
    ("fts", ("document_id",), "select d.id as document_id, f.title, f.text, f.stems "
                              "from documents_fts f join documents d on d.rowid = f.rowid"),
    ("state", ("key",), "select key, value from state"),
)
#: the incremental state is a cache: reported, not part of the verdict (a URL that answered a
#: transient error page keeps an error entry, asked again every run, after it turns 404)
CACHE_TABLES = {"state"}


# ---------------------------------------------------------------- comparison

def unclocked(value):
    """A JSON state value without its clock keys (jorf archives' processed_at)."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return value
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not k.endswith("_at") and k not in IGNORED}
    return data


def snapshot(db: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for name, _, sql in TABLES:
            cur = conn.execute(sql)
            cols = [c[0] for c in cur.description]
            out[name] = [{k: unclocked(v) if name == "state" else v
                          for k, v in zip(cols, row) if k not in IGNORED} for row in cur]
        return out
    finally:
        conn.close()


@dataclass
class Diff:
    missing: int = 0
    extra: int = 0
    duplicated: int = 0
    changed: int = 0
    cache: int = 0   # state rows missing / extra / changed (not in the verdict)
    detail: list[str] = field(default_factory=list)

    def add(self, other: "Diff") -> None:
        self.missing += other.missing
        self.extra += other.extra
        self.duplicated += other.duplicated
        self.changed += other.changed
        self.cache += other.cache
        self.detail += other.detail

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.duplicated or self.changed)


def compare(reference: dict, got: dict) -> Diff:
    diff = Diff()
    for name, key_cols, _ in TABLES:
        def key(row):
            return tuple(row[c] for c in key_cols)

        def content(row):
            return json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True,
                              default=str)

        ref = {key(r): r for r in reference[name]}
        keys = Counter(key(r) for r in got[name])
        # a duplicate: a key twice, or the same content under two keys more often than clean
        dup = sum(n - 1 for n in keys.values() if n > 1)
        ref_content = Counter(content(r) for r in reference[name])
        dup += sum(max(0, n - max(ref_content[c], 1)) for c, n in
                   Counter(content(r) for r in got[name]).items() if n > 1)
        mine = {key(r): r for r in got[name]}
        missing = [k for k in ref if k not in mine]
        extra = [k for k in mine if k not in ref]
        changed = [k for k in ref if k in mine and ref[k] != mine[k]]
        if name in CACHE_TABLES:
            diff.cache += len(missing) + len(extra) + len(changed) + dup
        else:
            diff.missing += len(missing)
            diff.extra += len(extra)
            diff.duplicated += dup
            diff.changed += len(changed)
        for label, keys_ in (("missing", missing), ("extra", extra), ("changed", changed)):
            for k in keys_[:3]:
                cols = ""
                if label == "changed":
                    cols = " " + ",".join(c for c in ref[k] if ref[k][c] != mine[k].get(c))
                diff.detail.append(f"{name} {label} {k}{cols}")
    return diff


def integrity(db: Path) -> str:
    if not db.exists():
        return "ok"  # killed before the database was created
    conn = sqlite3.connect(db)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


def count(db: Path, table: str = "documents") -> int | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


# ---------------------------------------------------------------- runs

class Harness:
    def __init__(self, workdir: Path, share: float, verbose: bool = False):
        from scrapers.replay import council_pdfs
        from scrapers.replay.server import demo_setup, serve_in_thread

        council_pdfs.build()  # before the first request (a cold build would look like a timeout)
        self.server, self.base = serve_in_thread(faults=None)
        self.replay_env, self.spider_args = demo_setup(self.base)
        self.workdir = workdir
        self.share = share
        self.verbose = verbose
        self.n = 0
        self.faults = Counter()

    def close(self):
        self.server.shutdown()

    def set_faults(self, seed: int | None):
        from scrapers.replay.faults import FaultPlan

        plan = None if seed is None else FaultPlan(self.share, seed=seed, hold=3.0, slow=0.6)
        self.server.RequestHandlerClass.faults = plan
        self.server.faults = plan

    def collect_faults(self):
        plan = self.server.faults
        if plan is not None:
            self.faults.update({kind: n for (_, kind), n in plan.injected.items()})

    def fresh(self, label: str) -> dict[str, str]:
        self.n += 1
        d = self.workdir / f"{self.n:03d}-{label}"
        d.mkdir(parents=True)
        return self.env(d)

    def env(self, d: Path, **extra) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("BOAMP_", "JORF_", "PISTE_", "COUNCILS_", "DATAGOUV_",
                                    "TECHNOVEILLE_"))}
        env.update(self.replay_env)
        env.update({
            "TECHNOVEILLE_DB": str(d / "tv.db"),
            "TECHNOVEILLE_PUBLIC_DB": str(d / "public" / "tv.db"),
            "TECHNOVEILLE_ARCHIVE": str(d / "archive"),
            "TECHNOVEILLE_START_DELAY": "0",
            "TECHNOVEILLE_RETRY_BACKOFF": "0.1",
            "TECHNOVEILLE_RETRY_BACKOFF_MAX": "1",
            "TECHNOVEILLE_DOWNLOAD_TIMEOUT": "2",   # the fault's timeout holds 3 s
            "TECHNOVEILLE_LOG_LEVEL": "WARNING",
            "PISTE_CLIENT_ID": "demo", "PISTE_CLIENT_SECRET": "secret",
            "PISTE_DOWNLOAD_DELAY": "0",
            "PYTHONPATH": str(ROOT),
        })
        env.update(extra)
        return env

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "technoveille", *args]

    def crawl_argv(self, source: str) -> list[str]:
        argv = self.argv("crawl", source)
        for key, value in self.spider_args.get(source, {}).items():
            argv += ["-a", f"{key}={value}"]
        return argv

    def run(self, argv, env) -> subprocess.CompletedProcess:
        start = time.monotonic()
        proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        if self.verbose:
            print(f"$ {' '.join(argv[2:])} -> {proc.returncode} "
                  f"({time.monotonic() - start:.1f} s)", file=sys.stderr)
        return proc

    def timed(self, argv, env, watch: Path | None = None,
              fallback: float = 0.0) -> tuple[float, float]:
        """Run argv; (seconds until `watch` (default: its database file) appeared, seconds
        until it ended): the window where a kill hits the operation itself."""
        db = watch or Path(env["TECHNOVEILLE_DB"])
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        appeared = None
        while proc.poll() is None:
            if appeared is None and db.exists():
                appeared = time.monotonic() - start
            time.sleep(0.02)
        end = time.monotonic() - start
        # `fallback`: the share of the run to start the window at when `watch` never showed
        return (appeared if appeared is not None else max(0.2, end * fallback)), end

    def kill_in(self, argv, env, window: tuple[float, float], rng: random.Random,
                tries: int = 12) -> bool:
        """kill -9 argv at a seeded instant of `window`; when it ended before, narrow the
        window to what it took and start again (fresh state given by `reset`)."""
        lo, hi = window
        for _ in range(tries):
            at = rng.uniform(lo, max(lo, hi))
            took, rc = self.killed(argv, env, at)
            if rc is None:
                return True
            hi = min(hi, took * 0.9)
            lo = min(lo, hi)
            if self.reset:
                self.reset()
        return False

    reset = None

    def killed(self, argv, env, after: float) -> tuple[float, int | None]:
        """Start argv, kill -9 it `after` seconds later (if still running)."""
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        start = time.monotonic()
        try:
            proc.wait(timeout=after)
            return time.monotonic() - start, proc.returncode  # finished before the kill
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return after, None


@dataclass
class Row:
    test: str
    runs: int = 0
    faults: int = 0
    kills: int = 0
    diff_first: Diff = field(default_factory=Diff)
    diff: Diff = field(default_factory=Diff)
    integrity_failures: int = 0
    half_written: int = 0
    #: alerts: whole messages received twice — allowed once per kill (the crash window between
    #: the SMTP / Apprise handover and the commit, alerts/send.py), a failure otherwise
    repeated: int = 0
    note: str = ""

    @property
    def ok(self) -> bool:
        return (self.diff.clean and not self.integrity_failures and not self.half_written
                and self.repeated <= self.kills)


def fault_crawls(h: Harness, refs: dict, seeds: list[int], sources) -> list[Row]:
    rows = []
    for source in sources:
        row = Row(f"crawl {source}, {h.share:.0%} faults")
        requests = 0
        for seed in seeds:
            h.set_faults(seed)
            env = h.fresh(f"faults-{source}-{seed}")
            first = Diff()
            for attempt in (1, 2):  # the crawl with its retries, then the next normal run
                h.run(h.crawl_argv(source), env)
                row.runs += 1
                got = snapshot(Path(env["TECHNOVEILLE_DB"]))
                if attempt == 1:
                    first = compare(refs[source], got)
            row.faults += sum(h.server.faults.injected.values())
            requests += sum(h.server.faults.requests.values())
            h.collect_faults()
            h.set_faults(None)
            row.diff_first.add(first)
            row.diff.add(compare(refs[source], got))
            if integrity(Path(env["TECHNOVEILLE_DB"])) != "ok":
                row.integrity_failures += 1
        f = row.diff_first
        row.note = (f"{row.faults} of {requests} requests faulted; after the 1st run "
                    f"{f.missing} missing, {f.extra} extra, {f.changed} changed")
        rows.append(row)
    return rows


def kill_crawls(h: Harness, refs: dict, durations: dict, rng: random.Random, kills: int,
                sources) -> Row:
    row = Row("kill -9 during a crawl")
    mid = 0
    for _ in range(kills):
        source = rng.choice(list(sources))
        env = h.fresh(f"kill-crawl-{source}")
        db = Path(env["TECHNOVEILLE_DB"])

        def reset():
            for path in db.parent.iterdir():
                shutil.rmtree(path) if path.is_dir() else path.unlink()

        h.reset = reset
        # between the database's creation and the end of a clean crawl
        if h.kill_in(h.crawl_argv(source), env, durations[source], rng):
            row.kills += 1
            docs = count(db)
            if docs and docs < len(refs[source]["documents"]):
                mid += 1
        h.reset = None
        if integrity(db) != "ok":
            row.integrity_failures += 1
        h.run(h.crawl_argv(source), env)
        row.runs += 2
        row.diff.add(compare(refs[source], snapshot(db)))
        if integrity(db) != "ok":
            row.integrity_failures += 1
    row.note = f"{mid} killed with part of the documents stored"
    return row


def published_digest(db: Path) -> str:
    snap = snapshot(db)
    return hashlib.sha256(json.dumps(snap, sort_keys=True, default=str).encode()).hexdigest()


def kill_publish(h: Harness, full_env: dict, rng: random.Random, kills: int) -> Row:
    row = Row("kill -9 during a publish")
    work = Path(full_env["TECHNOVEILLE_DB"]).parent
    old_db = work / "old.db"   # the previous snapshot: the jorf documents only
    env_old = h.env(work, TECHNOVEILLE_DB=str(work / "jorf-only.db"),
                    TECHNOVEILLE_PUBLIC_DB=str(old_db))
    h.run(h.crawl_argv("jorf"), env_old)
    h.run(h.argv("publish"), env_old)
    clean_target = work / "clean-public.db"
    window = h.timed(h.argv("publish", "--output", str(clean_target)), full_env,
                     watch=clean_target.with_name(clean_target.name + ".tmp"), fallback=0.5)
    # the .tmp may live less than the 20 ms poll: then the second half of the run
    new_digest, old_digest = published_digest(clean_target), published_digest(old_db)
    target = Path(full_env["TECHNOVEILLE_PUBLIC_DB"])
    swapped = mid_write = 0
    def reset():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(old_db, target)

    for _ in range(kills):
        reset()
        h.reset = reset
        row.kills += h.kill_in(h.argv("publish"), full_env, window, rng)
        h.reset = None
        mid_write += target.with_name(target.name + ".tmp").exists()
        # the published file is the old snapshot or the complete new one, never a part
        if integrity(target) != "ok":
            row.integrity_failures += 1
        digest = published_digest(target)
        if digest not in (old_digest, new_digest):
            row.half_written += 1
        swapped += digest == new_digest
        h.run(h.argv("publish"), full_env)
        row.runs += 2
        got = snapshot(target)
        row.diff.add(compare(snapshot(clean_target), got))
        if integrity(target) != "ok":
            row.integrity_failures += 1
        if target.with_name(target.name + ".tmp").exists():
            row.note = "a .tmp file was left behind"
    row.note = row.note or (f"{mid_write} killed while writing the new snapshot, {swapped} "
                            f"after it was in place")
    return row


def kill_rematch(h: Harness, full_env: dict, rng: random.Random, kills: int,
                 sources=SOURCES) -> Row:
    """The database crawled with an older vocabulary (« drone », « caméra installée sur un
    aéronef » and « vidéoprotection » missing), re-matched with keywords.yml."""
    row = Row("kill -9 during a rematch")
    work = Path(full_env["TECHNOVEILLE_DB"]).parent / "rematch"
    work.mkdir()
    older = work / "older-keywords.yml"
    text = (ROOT / "keywords.yml").read_text(encoding="utf-8")
    older.write_text(text.replace("      - drone\n", "", 1)
                     .replace("      - caméra installée sur un aéronef\n", "", 1)
                     .replace("      - vidéoprotection\n", "", 1), encoding="utf-8")
    base = work / "base.db"
    env_old = h.env(work, TECHNOVEILLE_DB=str(base), TECHNOVEILLE_KEYWORDS=str(older))
    for source in sources:
        h.run(h.crawl_argv(source), env_old)
    clean = work / "clean.db"
    shutil.copyfile(base, clean)
    env_clean = h.env(work, TECHNOVEILLE_DB=str(clean))
    t0 = time.monotonic()
    out = h.run(h.argv("rematch"), env_clean).stdout
    duration = time.monotonic() - t0
    reference = snapshot(clean)
    #: the rematch itself starts after Python's start-up and the vocabulary's compilation
    window = (duration * 0.4, duration)
    row.note = "rematch: " + " ".join(out.split()[:12])
    for i in range(kills):
        db = work / f"trial-{i}.db"
        shutil.copyfile(base, db)
        env = h.env(work, TECHNOVEILLE_DB=str(db))
        h.reset = lambda: shutil.copyfile(base, db)
        row.kills += h.kill_in(h.argv("rematch"), env, window, rng)
        h.reset = None
        if integrity(db) != "ok":
            row.integrity_failures += 1
        # the normal re-run: `update` would re-match (keywords version differs); here rematch
        h.run(h.argv("rematch"), env)
        row.runs += 2
        row.diff.add(compare(reference, snapshot(db)))
        if integrity(db) != "ok":
            row.integrity_failures += 1
    return row


def alert_rows(seeds: list[int], kills: int, kill_seed: int) -> tuple[list[Row], dict]:
    """The alert sender (bench.reliability_alerts: its own replay server, SMTP server and
    webhook receiver) as rows of this table; counts in (recipient, document) pairs."""
    from bench import reliability_alerts

    result = reliability_alerts.run(seeds, kills, kill_seed)
    rows = []
    for r in result["rows"]:
        row = Row(r.test, runs=r.runs, faults=r.faults, kills=r.kills,
                  diff=Diff(missing=r.missing, extra=r.extra, duplicated=r.duplicated),
                  integrity_failures=r.integrity_failures, repeated=r.repeated_messages,
                  note=r.note)
        assert row.ok == r.ok
        rows.append(row)
    return rows, {"pairs": result["reference_pairs"], "messages": result["reference_messages"],
                  "seeds": seeds}


# ---------------------------------------------------------------- main

def run(seeds: list[int], kills: int, share: float, sources=SOURCES, kill_seed: int = 0,
        operations=("faults", "crawl", "publish", "rematch", "alerts"), verbose: bool = False,
        check_rerun: bool = True, kill_sources=None, alert_seeds=None) -> dict:
    """`sources`: crawled under faults; `kill_sources` (default: the same): killed during a
    crawl, and crawled into the database that publish and rematch are killed on."""
    started = time.monotonic()
    kill_sources = tuple(kill_sources or sources)
    with tempfile.TemporaryDirectory(prefix="tv-reliability-") as tmp:
        h = Harness(Path(tmp), share, verbose)
        try:
            refs, durations = {}, {}
            full = h.fresh("clean-all")
            for source in dict.fromkeys((*sources, *kill_sources)):
                env = h.fresh(f"clean-{source}")
                durations[source] = h.timed(h.crawl_argv(source), env)
                refs[source] = snapshot(Path(env["TECHNOVEILLE_DB"]))
                if source in kill_sources:
                    h.run(h.crawl_argv(source), full)
                if check_rerun:  # a clean second run changes nothing (the bar for the others)
                    h.run(h.crawl_argv(source), env)
                    again = compare(refs[source], snapshot(Path(env["TECHNOVEILLE_DB"])))
                    if not again.clean:
                        raise SystemExit(f"a clean re-run of {source} changed the database: "
                                         f"{again.detail}")
            rng = random.Random(kill_seed)
            rows = []
            if "faults" in operations:
                rows += fault_crawls(h, refs, seeds, sources)
            if "crawl" in operations:
                rows.append(kill_crawls(h, refs, durations, rng, kills, kill_sources))
            if "publish" in operations:
                rows.append(kill_publish(h, full, rng, kills))
            if "rematch" in operations:
                rows.append(kill_rematch(h, full, rng, kills, kill_sources))
        finally:
            h.close()
    alerts = None
    if "alerts" in operations:
        alert_rows_, alerts = alert_rows(list(alert_seeds or seeds[:3]), kills, kill_seed)
        rows += alert_rows_
    return {"rows": rows, "faults": h.faults, "seeds": seeds, "kills": kills, "share": share,
            "kill_seed": kill_seed, "seconds": time.monotonic() - started, "alerts": alerts,
            "sources": list(sources), "kill_sources": list(kill_sources),
            "documents": {s: len(r["documents"]) for s, r in refs.items()},
            "hits": {s: len(r["hits"]) for s, r in refs.items()},
            "links": {s: len(r["links"]) for s, r in refs.items()}}


def table(result: dict) -> str:
    head = ("| test | runs | faults injected | kills | after 1st run: missing/extra/dup/changed "
            "| after recovery: missing | extra | duplicated | changed | integrity failures "
            "| half-written snapshots | messages sent twice (≤ kills) | state rows differing "
            "| verdict | note |")
    lines = [head, "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in result["rows"]:
        f = r.diff_first
        first = (f"{f.missing}/{f.extra}/{f.duplicated}/{f.changed}"
                 if r.faults and r.test.startswith("crawl") else "–")
        lines.append(f"| {r.test} | {r.runs} | {r.faults or '–'} | {r.kills or '–'} | {first} "
                     f"| {r.diff.missing} | {r.diff.extra} | {r.diff.duplicated} "
                     f"| {r.diff.changed} | {r.integrity_failures} | {r.half_written} "
                     f"| {r.repeated} | {r.diff.cache} "
                     f"| {'ok' if r.ok else 'FAIL'} | {r.note} |")
    return "\n".join(lines)


def uname() -> str:
    try:
        return subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return " ".join(platform.uname())


def report(result: dict) -> str:
    faults = result["faults"]
    total = sum(faults.values())
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(faults.items()))
    return "\n".join([
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Machine: `{uname()}`, "
        f"{os.cpu_count()} CPU (`nproc`), load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}.",
        f"Fault seeds: {', '.join(map(str, result['seeds']))}; share of requests faulted: "
        f"{result['share']:.0%}; sources under faults: {', '.join(result['sources'])}; "
        f"kill seed {result['kill_seed']}, {result['kills']} kills per operation (crawls of "
        f"{', '.join(result['kill_sources'])}); run time {result['seconds']:.0f} s.",
        f"Clean crawl (the reference): documents {result['documents']}, hits {result['hits']}, "
        f"links {result['links']}.",
        f"Faults injected into the crawls: {total} ({kinds}).",
        *([f"Alert sender: fault seeds {', '.join(map(str, a['seeds']))}, the clean send "
           f"(the reference) {a['pairs']} (recipient, document) pairs in {a['messages']} "
           f"messages (e-mails and webhook posts); faults injected into the sends: "
           f"{sum(r.faults for r in result['rows'] if r.test.startswith('alerts'))}."]
          if (a := result.get("alerts")) else []),
        f"Totals: {sum(r.faults for r in result['rows'])} faults injected, "
        f"{sum(r.kills for r in result['rows'])} kill -9 landed; rows lost "
        f"{sum(r.diff.missing for r in result['rows'])}, duplicated "
        f"{sum(r.diff.duplicated for r in result['rows'])}, extra "
        f"{sum(r.diff.extra for r in result['rows'])}, changed "
        f"{sum(r.diff.changed for r in result['rows'])}; verdict "
        f"{'ok' if all(r.ok for r in result['rows']) else 'FAIL'}.",
        "",
        table(result),
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="1,2,3,4,5", help="fault seeds (comma list)")
    ap.add_argument("--kills", type=int, default=20, help="kill -9 points per operation")
    ap.add_argument("--share", type=float, default=0.2, help="share of requests faulted")
    ap.add_argument("--kill-seed", type=int, default=0)
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument("--alert-seeds", default="1,2,3", help="fault seeds of the alert sender")
    ap.add_argument("--operations", default="faults,crawl,publish,rematch,alerts")
    ap.add_argument("--write", type=Path, help="write the figures into this Markdown file "
                                               "(between the reliability markers)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    result = run([int(s) for s in args.seeds.split(",") if s], args.kills, args.share,
                 [s for s in args.sources.split(",") if s], args.kill_seed,
                 operations=tuple(args.operations.split(",")), verbose=args.verbose,
                 alert_seeds=[int(s) for s in args.alert_seeds.split(",") if s])
    text = report(result)
    print(text)
    for r in result["rows"]:
        for line in r.diff.detail[:10]:
            print(f"  {r.test}: {line}")
    if args.write:
        write(args.write, text)
    return 0 if all(r.ok for r in result["rows"]) else 1


BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"


def write(path: Path, text: str) -> None:
    doc = path.read_text(encoding="utf-8") if path.exists() else f"{BEGIN}\n{END}\n"
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
