"""Benchmark of `alerts send`: `python -m bench.alerts [--subscriptions 10000] [--new 3000]`.

A generated public database (old documents plus a day of new ones, ~1 % signalled, with
themes, hits, places and the FTS index) and a private database of confirmed subscriptions
mixing every kind of criterion (themes, départements, sources, terms, communes, buyers, free
queries) and the three frequencies. Measured, in one process:

* queue: the SQL selection of what is due (alerts.select.queue);
* send: the whole `alerts send` (queue, compose the French digests, write them to a Maildir);
* bare: writing as many minimal messages to a Maildir, without selection or composition — the
  floor the send is compared with.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import mailbox
import os
import platform
import random
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from alerts import db as private
from alerts import select, send
from alerts.criteria import Criteria
from technoveille.core.db import connect, write_fts

from .engine import make_doc

THEMES = ["drones", "biometrie", "video", "son", "predictif", "fichiers", "fournisseurs"]
TERMS = ["drone", "reconnaissance faciale", "vidéoprotection", "LAPI", "capteur sonore"]
QUERIES = ["caméra", "drone", "vidéoprotection", '"police municipale"', "reconnaissance faciale",
           "lecture de plaques", "caméras piétons"]
DEPS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]


def iso(dt: datetime) -> str:
    return dt.replace(microsecond=0).isoformat()


def build_public(path: Path, old: int, new: int, seed: int) -> None:
    rng = random.Random(seed)
    db = connect(path)
    now = datetime.now(timezone.utc)
    db.execute("insert or ignore into themes (id, label) values " + ", ".join(
        f"('{t}', '{t}')" for t in THEMES))
    conn = db.conn
    conn.execute("BEGIN")
    for i in range(old + new):
        fresh = i >= old
        flagged = rng.random() < 0.01
        themes = rng.sample(THEMES, rng.randint(1, 2)) if flagged else []
        text = make_doc(rng, positive=flagged)
        seen = now - (timedelta(minutes=rng.randint(1, 600)) if fresh
                      else timedelta(days=rng.randint(2, 400)))
        dep = rng.choice(DEPS)
        doc_id = f"boamp:b-{i}"
        cur = conn.execute(
            "insert into documents (id, source, source_id, url, title, text, parts, "
            "published_on, doc_type, authority, place_name, place_code, departement, commune, "
            "siren, matched, flagged, themes, first_seen) values (?, ?, ?, ?, ?, ?, '[]', ?, "
            "'avis de marché', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, rng.choice(["boamp", "jorf", "council"]), f"b-{i}",
             f"https://example.org/{i}", text.split("\n", 1)[0][:200], text,
             iso(seen)[:10], f"Acheteur {i % 500}", f"Département {dep}", dep, dep,
             f"{dep[:2]}{rng.randint(1, 400):03d}", f"{200000000 + i % 500}", int(flagged),
             int(flagged), json.dumps(themes), iso(seen)])
        write_fts(db, cur.lastrowid, text.split("\n", 1)[0][:200], text)
        for theme in themes:
            term = rng.choice(TERMS)
            conn.execute("insert into hits (id, document_id, theme, term, tier, start, end, "
                         "snippet, negated) values (?, ?, ?, ?, 'A', 0, 10, ?, 0)",
                         [f"{doc_id}:{theme}", doc_id, theme, term, f"… [[{term}]] …"])
    conn.execute("COMMIT")
    db.close()


def criteria(rng: random.Random) -> Criteria:
    kind = rng.random()
    if kind < 0.4:
        return Criteria(themes=tuple(sorted(rng.sample(THEMES, rng.randint(1, 2)))))
    if kind < 0.6:
        return Criteria(themes=(rng.choice(THEMES),), departements=(rng.choice(DEPS),))
    if kind < 0.7:
        return Criteria(sources=(rng.choice(["boamp", "jorf", "council"]),))
    if kind < 0.8:
        return Criteria(query=rng.choice(QUERIES), departements=(rng.choice(DEPS),))
    if kind < 0.9:
        return Criteria(terms=(rng.choice(TERMS),))
    if kind < 0.95:
        dep = rng.choice(DEPS)
        return Criteria(communes=(f"{dep[:2]}{rng.randint(1, 400):03d}",))
    return Criteria(acheteurs=(f"{200000000 + rng.randint(0, 499)}",))


def build_private(path: Path, subscriptions: int, seed: int):
    rng = random.Random(seed + 1)
    db = private.connect(path)
    since = iso(datetime.now(timezone.utc) - timedelta(days=1))
    with private.transaction(db):
        for i in range(subscriptions):
            c = criteria(rng)
            sid = db.execute("insert into subscribers (email, status, token, created_at, "
                             "confirmed_at) values (?, 'active', ?, ?, ?)",
                             [f"abonne{i}@example.org", private.new_token(), since, since]
                             ).lastrowid
            db.execute("insert into subscriptions (subscriber_id, status, token, criteria, "
                       "criteria_key, label, frequency, follow_ups, created_at, confirmed_at, "
                       "since) values (?, 'active', ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                       [sid, private.new_token(), c.to_json(), c.key(), f"alerte {i}",
                        rng.choices(["immediate", "daily", "weekly"], [6, 3, 1])[0], since,
                        since, since])
    return db


def bare_maildir(maildir: Path, count: int) -> float:
    started = time.perf_counter()
    box = mailbox.Maildir(str(maildir), create=True)
    for i in range(count):
        box.add(_minimal(i).as_bytes())
    return time.perf_counter() - started


def bare_smtp(port: int, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for i in range(count):
            conn.send_message(_minimal(i))
    return time.perf_counter() - started


def _minimal(i: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", f"b{i}@example.org", "test"
    msg.set_content("document\n" * 20)
    return msg


@contextlib.contextmanager
def smtp_sink():
    """aiosmtpd's Sink handler (accepts and drops) in its own process, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c",
                             "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def run(subscriptions: int, new: int, old: int, seed: int = 7,
        transports=("maildir", "smtp")) -> dict:
    out: dict = {"subscriptions": subscriptions, "new": new, "old": old, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        build_public(tmp / "public.db", old, new, seed)
        out["built_s"] = time.perf_counter() - t0
        for transport in transports:
            db = build_private(tmp / f"private-{transport}.db", subscriptions, seed)
            private.attach_public(db, tmp / "public.db")
            t0 = time.perf_counter()
            with private.transaction(db):
                queued = select.queue(db)
            out["queue_s"] = time.perf_counter() - t0
            out["batch"], out["queued"] = queued["batch"], queued["queued"] + queued["follow_ups"]
            db.execute("delete from deliveries")
            db.execute("delete from meta")
            db.execute("delete from flag_snapshot")
            with contextlib.ExitStack() as stack:
                if transport == "smtp":
                    port = stack.enter_context(smtp_sink())
                    os.environ["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
                else:
                    os.environ.pop("SMTP_URL", None)
                    os.environ["ALERTS_MAILDIR"] = str(tmp / "mail")
                t0 = time.perf_counter()
                report = send.run(db)
                send_s = time.perf_counter() - t0
                bare_s = (bare_smtp(port, report.messages) if transport == "smtp"
                          else bare_maildir(tmp / "bare", report.messages))
            pending = db.execute("select count(*) from deliveries where status = 'pending'"
                                 ).fetchone()[0]
            out["runs"][transport] = {
                "send_s": send_s, "bare_s": bare_s, "messages": report.messages,
                "documents": report.documents, "waiting": report.waiting, "pending": pending,
                "failures": len(report.failures)}
            db.close()
    os.environ.pop("SMTP_URL", None)
    return out


def measure(size: int, workdir, progress, subscriptions: int = 10_000, new: int = 3_000,
            old: int = 7_000) -> list:
    """The alerts row of the one table: `alerts send` to the embedded Maildir (`size` unused)."""
    from .table import Row
    progress(f"alerts: {subscriptions:,} subscriptions × {new:,} new documents")
    r = run(subscriptions, new, old, transports=("maildir",))
    m = r["runs"]["maildir"]
    goal = 30.0 * subscriptions / 10_000
    return [Row("alerts", None, f"alerts send, {subscriptions:,} subscriptions × {new:,} new "
                f"documents → Maildir", f"{m['send_s']:.1f} s ({m['messages']:,} digests)",
                f"bare: as many minimal messages {m['bare_s']:.1f} s; queue {r['queue_s']:.1f} s; "
                f"goal ≤ {goal:.0f} s", m["send_s"] <= goal and m["pending"] == 0)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=3_000)
    parser.add_argument("--old", type=int, default=7_000)
    parser.add_argument("--transports", default="maildir,smtp")
    args = parser.parse_args(argv)
    r = run(args.subscriptions, args.new, args.old, transports=args.transports.split(","))
    print(f"alerts send — {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"{datetime.now(timezone.utc):%Y-%m-%d}")
    print(f"{r['subscriptions']} subscriptions, {r['new']} new + {r['old']} old documents "
          f"(generated in {r['built_s']:.1f} s)")
    print("| step | time | figures |")
    print("|---|---|---|")
    print(f"| queue (SQL selection) | {r['queue_s']:.2f} s | {r['queued']} deliveries over a "
          f"batch of {r['batch']} documents |")
    met = True
    for transport, run_ in r["runs"].items():
        where = "Maildir" if transport == "maildir" else "SMTP on loopback (aiosmtpd Sink)"
        print(f"| alerts send → {where} | {run_['send_s']:.2f} s | {run_['messages']} digests, "
              f"{run_['documents']} documents; {run_['waiting']} subscriptions not due |")
        print(f"| bare: {run_['messages']} minimal messages → {where} | {run_['bare_s']:.2f} s | "
              f"send / bare = {run_['send_s'] / max(run_['bare_s'], 1e-9):.1f} |")
        met &= run_["send_s"] <= 30 and not run_["failures"]
    print(f"goal: alerts send ≤ 30 s → {'met' if met else 'NOT met'}")
    return 0 if all(not x["failures"] for x in r["runs"].values()) else 1

if __name__ == "__main__":
    raise SystemExit(main())
