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
import json
import mailbox
import os
import platform
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from alerts import db as private
from alerts import send
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


def bare(maildir: Path, count: int) -> float:
    started = time.perf_counter()
    box = mailbox.Maildir(str(maildir), create=True)
    for i in range(count):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@example.org", f"b{i}@example.org", "test"
        msg.set_content("document\n" * 20)
        box.add(msg.as_bytes())
    return time.perf_counter() - started


def run(subscriptions: int, new: int, old: int, seed: int = 7) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        build_public(tmp / "public.db", old, new, seed)
        built = time.perf_counter() - t0
        db = build_private(tmp / "private.db", subscriptions, seed)
        private.attach_public(db, tmp / "public.db")
        os.environ["ALERTS_MAILDIR"] = str(tmp / "mail")
        os.environ.pop("SMTP_URL", None)
        t0 = time.perf_counter()
        with private.transaction(db):
            from alerts import select

            queued = select.queue(db)
        queue_s = time.perf_counter() - t0
        db.execute("delete from deliveries")
        db.execute("delete from meta")
        db.execute("delete from flag_snapshot")
        t0 = time.perf_counter()
        report = send.run(db)
        send_s = time.perf_counter() - t0
        pending = db.execute("select count(*) from deliveries where status = 'pending'"
                             ).fetchone()[0]
        bare_s = bare(tmp / "bare", report.messages)
        return {"subscriptions": subscriptions, "new": new, "old": old, "built_s": built,
                "batch": queued["batch"], "queued": queued["queued"] + queued["follow_ups"],
                "queue_s": queue_s, "send_s": send_s, "messages": report.messages,
                "documents": report.documents, "waiting": report.waiting, "pending": pending,
                "failures": len(report.failures), "bare_s": bare_s}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=3_000)
    parser.add_argument("--old", type=int, default=7_000)
    args = parser.parse_args(argv)
    r = run(args.subscriptions, args.new, args.old)
    print(f"alerts send — {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"{datetime.now(timezone.utc):%Y-%m-%d}")
    print(f"{r['subscriptions']} subscriptions, {r['new']} new + {r['old']} old documents "
          f"(generated in {r['built_s']:.1f} s)")
    print("| step | time | figures |")
    print("|---|---|---|")
    print(f"| queue (SQL selection) | {r['queue_s']:.2f} s | {r['queued']} deliveries over a "
          f"batch of {r['batch']} documents |")
    print(f"| alerts send (queue + compose + Maildir) | {r['send_s']:.2f} s | {r['messages']} "
          f"digests, {r['documents']} documents; {r['waiting']} subscriptions not due |")
    print(f"| bare: {r['messages']} minimal messages to a Maildir | {r['bare_s']:.2f} s | "
          f"send / bare = {r['send_s'] / max(r['bare_s'], 1e-9):.1f} |")
    print(f"goal: alerts send ≤ 30 s → {'met' if r['send_s'] <= 30 else 'NOT met'}")
    return 0 if not r["failures"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
