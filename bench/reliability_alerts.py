"""Reliability of the alert sender (its rows are part of `bench.reliability`'s one table,
`make reliability`; a reduced run in `make test`, tests/test_reliability.py).

    python -m bench.reliability_alerts                 # alone: 3 fault seeds, 20 kills
    python -m bench.reliability_alerts --seeds 1 --kills 2

The replay corpus is crawled once; a dozen confirmed subscriptions (every kind of criterion)
and two Apprise webhooks are set on it. A clean `alerts send` to a real SMTP server on loopback
(aiosmtpd, tests/alerts/smtp.py) and a local webhook receiver (tests/alerts/webhook.py) is the
reference: which document reached which address or channel. Then:

1. **faults** (per seed): every message meets a seeded random answer — accepted, 451, 554, the
   connection dropped in the middle of DATA, a reply slower than ALERTS_SMTP_TIMEOUT — and the
   SMTP server is down (refused) for some rounds; the webhook answers 200, 404, 429, 500 or
   503, drops the connection before replying, or answers slowly, and is down (refused) for
   some rounds. `alerts send` runs round after round (the faults stop after round 6) until
   nothing is pending. Every (recipient, document) of the reference must arrive exactly once.
2. **kill -9** at seeded random instants of a send (a send that ended first is started again
   on a fresh copy with a narrower window, so every kill lands mid-send), then a normal send:
   nothing missing, nothing extra, at most the one message that was being handed over sent
   twice per kill (alerts/send.py's documented window).

Counts in (recipient, document) pairs; duplicated messages counted apart. Exits 1 on a loss,
an extra, a duplicate beyond that window, or a failed integrity check.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.reliability import integrity

ROOT = Path(__file__).resolve().parents[1]
SUBSCRIPTIONS = [
    ("drones@example.org", ["--theme", "drones"]),
    ("video@example.org", ["--theme", "video"]),
    ("biometrie@example.org", ["--theme", "biometrie", "--new-only"]),
    ("boamp@example.org", ["--source", "boamp"]),
    ("conseils@example.org", ["--source", "council"]),
    ("jo@example.org", ["--source", "jorf"]),
    ("bdr@example.org", ["--departement", "13"]),
    ("requete@example.org", ["--query", "vidéoprotection"]),
    ("terme@example.org", ["--term", "drone"]),
    ("tout@example.org", []),
    ("son@example.org", ["--theme", "son", "--theme", "predictif"]),
    ("fichiers@example.org", ["--theme", "fichiers", "--source", "jorf"]),
]
_DOC_LINE = re.compile(r"^(?:   Sur technoveille : |   ↳ suite : .* — |- .* — )(\S+/document/\S+)$",
                       re.M)
_CHAT_LINK = re.compile(r"\]\((\S+/document/[^)\s]+)\)")


@dataclass
class Row:
    test: str
    runs: int = 0
    faults: int = 0
    kills: int = 0
    missing: int = 0
    extra: int = 0
    duplicated: int = 0          # pairs received twice beyond the documented window
    repeated_messages: int = 0   # whole messages received twice (the crash window)
    integrity_failures: int = 0
    note: str = ""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.duplicated or self.integrity_failures) \
            and self.repeated_messages <= self.kills


def received(sink, hook) -> tuple[Counter, Counter]:
    """(recipient, document) pairs, and (recipient, frozenset of documents) messages."""
    pairs, messages = Counter(), Counter()
    for msg in sink.messages:
        if "confirmez" in str(msg["Subject"]):
            continue
        text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        docs = _DOC_LINE.findall(text)
        messages[(msg["To"], frozenset(docs))] += 1
        for doc in docs:
            pairs[(msg["To"], doc)] += 1
    for body in hook.bodies:
        docs = _CHAT_LINK.findall(body.get("message", ""))
        channel = "webhook " + body.get("_path", "")
        messages[(channel, frozenset(docs))] += 1
        for doc in docs:
            pairs[(channel, doc)] += 1
    return pairs, messages


class Harness:
    def __init__(self, tmp: Path):
        from scrapers.replay.server import demo_setup, serve_in_thread
        from tests.alerts.smtp import SmtpSink
        from tests.alerts.webhook import Receiver

        self.tmp = tmp
        self.server, base = serve_in_thread()
        replay_env, self.spider_args = demo_setup(base)
        self.sink, self.hook = SmtpSink(), Receiver()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("BOAMP_", "JORF_", "PISTE_", "COUNCILS_", "SMTP_", "ALERTS_"))}
        env.update(replay_env)
        env.update({"TECHNOVEILLE_DB": str(tmp / "tv.db"),
                    "TECHNOVEILLE_PUBLIC_DB": str(tmp / "public.db"),
                    "TECHNOVEILLE_ARCHIVE": str(tmp / "archive"),
                    "TECHNOVEILLE_PRIVATE_DB": str(tmp / "template.db"),
                    "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
                    "TECHNOVEILLE_SITE_URL": "http://site.test",
                    "TECHNOVEILLE_ALERTS_URL": "http://alertes.test",
                    "SMTP_URL": self.sink.url, "ALERTS_SMTP_TIMEOUT": "1",
                    "PYTHONPATH": str(ROOT)})
        self.env = env

    def tv(self, env, *args, check=True) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "technoveille", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        if check and proc.returncode:
            raise SystemExit(f"technoveille {' '.join(args)}: {proc.stderr[-2000:]}")
        return proc

    def setup(self) -> None:
        from technoveille.commands.crawl import enabled_sources

        for name in enabled_sources():
            argv = ["crawl", name]
            for key, value in self.spider_args.get(name, {}).items():
                argv += ["-a", f"{key}={value}"]
            self.tv(self.env, *argv)
        for email, args in SUBSCRIPTIONS:
            self.tv(self.env, "alerts", "subscribe", email, "--frequency", "immediate", *args)
        self.tv(self.env, "alerts", "channel", "add", self.hook.url("canal"))
        con = sqlite3.connect(self.env["TECHNOVEILLE_PRIVATE_DB"])
        for (token,) in con.execute("select confirm_token from subscriptions").fetchall():
            self.tv(self.env, "alerts", "confirm", token)
        con.execute("update subscriptions set since = '2000-01-01T00:00:00+00:00'")
        con.execute("update channels set since = '2000-01-01T00:00:00+00:00'")
        first = con.execute("select min(id) from subscriptions").fetchone()[0]
        con.commit()
        con.close()
        self.tv(self.env, "alerts", "channel", "add", self.hook.url("abonnement"),
                "--subscription", str(first))
        con = sqlite3.connect(self.env["TECHNOVEILLE_PRIVATE_DB"])
        con.execute("update channels set since = '2000-01-01T00:00:00+00:00'")
        con.commit()
        con.close()

    def fresh(self, name: str) -> dict:
        """A copy of the template private DB; the sink and the receiver emptied."""
        path = self.tmp / f"{name}.db"
        src = sqlite3.connect(self.env["TECHNOVEILLE_PRIVATE_DB"])
        dst = sqlite3.connect(path)
        src.backup(dst)
        dst.close()
        src.close()
        self.sink.messages.clear()
        self.hook.bodies.clear()
        return dict(self.env, TECHNOVEILLE_PRIVATE_DB=str(path))

    def pending(self, env) -> int:
        con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
        try:
            return con.execute("select (select count(*) from deliveries where status = "
                               "'pending') + (select count(*) from channel_deliveries where "
                               "status = 'pending')").fetchone()[0]
        finally:
            con.close()

    def close(self) -> None:
        self.sink.stop()
        self.hook.close()
        self.server.shutdown()


def compare(row: Row, reference: Counter, pairs: Counter, messages: Counter) -> None:
    row.missing += sum(1 for key in reference if key not in pairs)
    row.extra += sum(1 for key in pairs if key not in reference)
    repeated = sum(n - 1 for n in messages.values() if n > 1)
    row.repeated_messages += repeated
    twice = sum(n - 1 for n in pairs.values() if n > 1)
    if repeated == 0:
        row.duplicated += twice


def faults(h: Harness, reference: Counter, seed: int) -> Row:
    row = Row(f"alerts send, SMTP and webhook failing at random (seed {seed})")
    rng = random.Random(seed)
    env = h.fresh(f"faults-{seed}")
    kinds = Counter()

    def smtp_mode():
        mode = rng.choices(["ok", "tempfail", "reject", "drop", "slow"], [5, 2, 1, 1, 1])[0]
        kinds[mode] += mode != "ok"
        return mode

    def hook_status():
        status = rng.choices([200, 404, 429, 500, 503, "drop", "slow"], [10, 1, 1, 1, 1, 1, 1])[0]
        kinds[f"webhook {status}"] += status != 200
        return status

    h.sink.handler.chooser, h.hook.chooser = smtp_mode, hook_status
    try:
        for attempt in range(1, 30):
            faulty = attempt <= 6
            if not faulty:
                h.sink.handler.chooser = h.hook.chooser = None
            down = faulty and rng.random() < 0.25
            hook_down = faulty and rng.random() < 0.2
            if down:
                h.sink.stop()
                kinds["refused"] += 1
            if hook_down:
                h.hook.stop()
                kinds["webhook refused"] += 1
            h.tv(env, "alerts", "send", check=False)
            row.runs += 1
            if down:
                h.sink.start()
            if hook_down:
                h.hook.start()
            if not faulty and not h.pending(env):
                break
    finally:
        h.sink.handler.chooser = h.hook.chooser = None
        h.sink.heal()
    time.sleep(2.5)  # slow replies of the fault rounds may still land
    pairs, messages = received(h.sink, h.hook)
    compare(row, reference, pairs, messages)
    row.faults = sum(kinds.values())
    row.integrity_failures += integrity(Path(env["TECHNOVEILLE_PRIVATE_DB"])) != "ok"
    row.note = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()) if n)
    return row


def kills(h: Harness, reference: Counter, clean_seconds: float, n: int, seed: int) -> Row:
    """n kills that land (a send that ended before its kill is started again on a fresh copy,
    the window narrowed to what it took), each followed by a normal send."""
    row = Row("kill -9 during alerts send")
    rng = random.Random(seed)
    tries = 0
    lo = min(0.3, clean_seconds / 3)   # Python's start-up: before it, nothing was sent
    for i in range(n):
        hi = max(clean_seconds, lo)
        for _ in range(12):
            env = h.fresh(f"kill-{i}")
            tries += 1
            proc = subprocess.Popen([sys.executable, "-m", "technoveille", "alerts", "send"],
                                    env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            started = time.monotonic()
            try:
                proc.wait(timeout=rng.uniform(lo, hi))
                hi = max(lo, (time.monotonic() - started) * 0.9)  # ended first: again
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                row.kills += 1
                break
        row.integrity_failures += integrity(Path(env["TECHNOVEILLE_PRIVATE_DB"])) != "ok"
        h.tv(env, "alerts", "send", check=False)
        row.runs += 2
        time.sleep(0.3)  # a reply of the killed send still in flight
        pairs, messages = received(h.sink, h.hook)
        compare(row, reference, pairs, messages)
        row.integrity_failures += integrity(Path(env["TECHNOVEILLE_PRIVATE_DB"])) != "ok"
    row.note = f"{row.kills} of {n} kills landed mid-send ({tries} sends started)"
    return row


def run(seeds: list[int], n_kills: int, kill_seed: int = 0) -> dict:
    with tempfile.TemporaryDirectory(prefix="tv-reliability-alerts-") as tmp:
        h = Harness(Path(tmp))
        try:
            h.setup()
            env = h.fresh("clean")
            started = time.monotonic()
            h.tv(env, "alerts", "send")
            clean_seconds = time.monotonic() - started
            reference, messages = received(h.sink, h.hook)
            if any(n > 1 for n in reference.values()):
                raise SystemExit("the clean run sent a document twice to one recipient")
            if h.pending(env):
                raise SystemExit("the clean run left deliveries pending")
            rows = [faults(h, reference, seed) for seed in seeds]
            if n_kills:
                rows.append(kills(h, reference, clean_seconds, n_kills, kill_seed))
        finally:
            h.close()
    return {"rows": rows, "reference_pairs": len(reference), "reference_messages":
            sum(messages.values()), "clean_seconds": clean_seconds, "seeds": seeds,
            "kills": n_kills}


def table(result: dict) -> str:
    lines = ["| test | runs | faults injected | kills | missing | extra | duplicated pairs "
             "| messages sent twice (≤ kills) | integrity failures | verdict | note |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in result["rows"]:
        lines.append(f"| {r.test} | {r.runs} | {r.faults or '–'} | {r.kills or '–'} "
                     f"| {r.missing} | {r.extra} | {r.duplicated} | {r.repeated_messages} "
                     f"| {r.integrity_failures} | {'ok' if r.ok else 'FAIL'} | {r.note} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--kill-seed", type=int, default=0)
    args = ap.parse_args(argv)
    result = run([int(s) for s in args.seeds.split(",") if s], args.kills, args.kill_seed)
    print(f"reference: {result['reference_pairs']} (recipient, document) pairs in "
          f"{result['reference_messages']} messages, clean send {result['clean_seconds']:.1f} s")
    print(table(result))
    return 0 if all(r.ok for r in result["rows"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
