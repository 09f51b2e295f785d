"""From subscription to digest, against a real SMTP server on loopback: double opt-in, the
cursor on our ingestion, the digest's content and headers, nothing sent twice, SMTP failures
leave documents pending, a crash mid-batch repeats at most one message."""
from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time

from tests.alerts.conftest import alerts, alerts_env, backdate, confirmed, private_rows
from tests.conftest import ROOT, crawl_demo


def body(msg, subtype="plain") -> str:
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content()


def expected_for_theme(db_path, theme: str) -> set[str]:
    """The oracle, computed independently in Python: signalled documents carrying the theme,
    or following (links) a document that carries it."""
    con = sqlite3.connect(db_path)
    docs = {i: (f, json.loads(t or "[]")) for i, f, t in con.execute(
        "select id, flagged, themes from documents")}
    links = con.execute("select document_id, target_id from links").fetchall()
    con.close()
    out = {i for i, (flagged, themes) in docs.items() if flagged and theme in themes}
    for follower, target in links:
        if docs.get(follower, (0,))[0] and theme in docs.get(target, (0, []))[1]:
            out.add(follower)
    return out


def test_subscribe_confirm_crawl_send(tmp_path, replay_server, smtp):
    from scrapers.replay.server import demo_setup

    env = alerts_env(tmp_path, replay_server, smtp.url)
    crawl_demo(env, demo_setup(replay_server)[1], sources=["jorf"])  # something crawled before
    out = alerts(env, "subscribe", "Militante@Example.ORG", "--theme", "drones",
                 "--frequency", "immediate").stdout
    assert re.search(r"abonnement 1 : militante@example\.org — Drones", out), out
    assert re.search(r"sur les 30 derniers jours, il aurait envoyé [1-9]\d* document", out), out
    [confirmation] = smtp.messages
    assert confirmation["Subject"] == "technoveille : confirmez votre alerte"
    assert confirmation["To"] == "militante@example.org"
    text = body(confirmation)
    assert "Drones et caméras aéroportées" in text and "Fréquence : dès qu'un document arrive" in text
    token = re.search(r"http://alertes\.test/confirmer/([\w-]+)", text).group(1)
    # nothing goes to a subscription that is not confirmed
    alerts(env, "send")
    assert len(smtp.messages) == 1
    assert "confirmé" in alerts(env, "confirm", token).stdout
    used = alerts(env, "confirm", token, check=False)
    assert used.returncode == 2 and "pas (ou plus) valable" in used.stderr

    # what was collected before the confirmation is not news; the next crawl is
    alerts(env, "send")
    assert len(smtp.messages) == 1
    crawl_demo(env, demo_setup(replay_server)[1], sources=["boamp", "council"])
    sent = alerts(env, "send").stdout
    assert "1 message(s) envoyé(s)" in sent, sent
    digest = smtp.messages[-1]
    ids = set(re.findall(r"http://site\.test/document/([^\s<>\"]+)", body(digest)))
    jorf_ids = {i for i in ids if i.startswith("jorf:")}
    assert not jorf_ids, "documents first seen before the confirmation were sent"
    expected = {i for i in expected_for_theme(env["TECHNOVEILLE_DB"], "drones")
                if not i.startswith("jorf:")}
    assert expected and ids == expected
    assert "boamp:26-120012" in ids  # the drone tender of the replay corpus
    assert digest["Subject"].startswith(f"technoveille : {len(expected)} nouveaux documents — ")
    assert "drones" in digest["Subject"]
    # RFC 8058 one-click unsubscribe, and the links in both parts
    sub_token = private_rows(env, "select token from subscriptions")[0]["token"]
    assert digest["List-Unsubscribe"] == f"<http://alertes.test/desabonner/{sub_token}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = body(digest, "html")
    assert f"http://alertes.test/desabonner/{sub_token}" in html
    assert f"http://alertes.test/gerer/{sub_token}" in body(digest)
    assert "<mark>" in html  # highlighted snippets
    rows = private_rows(env, "select document_id, status from deliveries")
    assert {r["document_id"] for r in rows} == expected and {r["status"] for r in rows} == {"sent"}

    # a second send delivers nothing new
    again = alerts(env, "send").stdout
    assert "0 message(s) envoyé(s)" in again and len(smtp.messages) == 2

    # unsubscribe: nothing more, the token is spent
    assert "arrêté" in alerts(env, "unsubscribe", sub_token).stdout
    assert alerts(env, "unsubscribe", sub_token, check=False).returncode == 2
    assert private_rows(env, "select status from subscriptions")[0]["status"] == "unsubscribed"


def test_smtp_down_then_up_delivers_everything_once(corpus_env, smtp):
    env = corpus_env
    for n in range(3):
        confirmed(env, f"abonne{n}@example.org")
    confirmations = len(smtp.messages)
    smtp.stop()
    down = alerts(env, "send", check=False)
    assert down.returncode == 1 and "injoignable" in down.stderr
    assert {r["status"] for r in private_rows(env, "select status from deliveries")} == {"pending"}
    smtp.start()
    for mode in ("tempfail", "reject", "drop"):
        smtp.fail(mode, times=1)
        failed = alerts(env, "send", check=False)
        assert failed.returncode == 1, mode
    smtp.heal()
    alerts(env, "send")
    alerts(env, "send")
    digests = smtp.messages[confirmations:]
    per_recipient = {}
    for msg in digests:
        per_recipient.setdefault(msg["To"], []).append(msg)
    assert sorted(per_recipient) == [f"abonne{n}@example.org" for n in range(3)]
    assert all(len(v) == 1 for v in per_recipient.values()), "a digest was sent twice"
    pending = private_rows(env, "select count(*) as n from deliveries where status != 'sent'")
    assert pending[0]["n"] == 0
    log = private_rows(env, "select status, error from sends where kind = 'digest'")
    assert sum(r["status"] == "failed" for r in log) >= 4
    assert all("@" not in (r["error"] or "") for r in log)


def test_slow_smtp_server_times_out_and_retries(corpus_env, smtp):
    env = dict(corpus_env, ALERTS_SMTP_TIMEOUT="1")
    confirmed(env, "lente@example.org")
    smtp.handler.delay = 3.0
    slow = alerts(env, "send", check=False)
    assert slow.returncode == 1
    smtp.heal()
    time.sleep(2.5)  # the slow reply of the first attempt lands; it was not recorded as sent
    alerts(env, "send")
    assert private_rows(env, "select count(*) as n from deliveries where status = 'pending'"
                        )[0]["n"] == 0


def test_a_crash_mid_batch_repeats_at_most_one_message(corpus_env, smtp):
    env = corpus_env
    for n in range(5):
        confirmed(env, f"lot{n}@example.org")
    before = len(smtp.messages)
    smtp.handler.hold_at = smtp.handler.seen + 3  # the 3rd digest waits before its reply
    proc = subprocess.Popen([sys.executable, "-m", "technoveille", "alerts", "send"], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert smtp.handler.holding.wait(120), "the send never reached the third message"
    proc.send_signal(signal.SIGKILL)   # killed between handing over and recording
    proc.wait(30)
    smtp.handler.release.set()
    time.sleep(0.5)
    alerts(env, "send")
    digests = smtp.messages[before:]
    counts = {}
    for msg in digests:
        counts[msg["To"]] = counts.get(msg["To"], 0) + 1
    assert sorted(counts) == [f"lot{n}@example.org" for n in range(5)]
    assert sum(counts.values()) - 5 <= 1, counts
    assert private_rows(env, "select count(*) as n from deliveries where status = 'pending'"
                        )[0]["n"] == 0
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()


def test_dry_run_writes_nothing(corpus_env, smtp):
    env = corpus_env
    confirmed(env, "essai@example.org", "--theme", "video")
    before = len(smtp.messages)
    out = alerts(env, "send", "--dry-run").stdout
    assert re.search(r"simulation : 1 message\(s\) pour [1-9]\d* document", out), out
    assert "essai@example.org" in out
    assert len(smtp.messages) == before
    assert private_rows(env, "select count(*) as n from deliveries")[0]["n"] == 0


def test_daily_subscription_waits_for_its_day(corpus_env, smtp):
    env = corpus_env
    alerts(env, "subscribe", "quotidien@example.org", "--theme", "drones")
    row = private_rows(env, "select id, confirm_token from subscriptions")[0]
    alerts(env, "confirm", row["confirm_token"])
    backdate(env, row["id"])
    before = len(smtp.messages)
    alerts(env, "send")          # confirmed in 2000: its first day is long past
    assert len(smtp.messages) == before + 1
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    con.execute("update deliveries set status = 'pending'")  # as if new documents came
    con.execute("update deliveries set id = id + 1000")
    con.commit()
    con.close()
    out = alerts(env, "send").stdout
    assert "attendent leur prochain envoi" in out and len(smtp.messages) == before + 1
