"""`technoveille update` ends with the alerts and the health check; `technoveille demo` shows a
sample subscriber's digest in a local mailbox."""
from __future__ import annotations

import email
import email.policy
import re
import sqlite3
from pathlib import Path

from tests.alerts.conftest import alerts, alerts_env, private_rows
from tests.conftest import run_cli


def test_update_sends_what_it_collected(tmp_path, replay_server, smtp):
    env = alerts_env(tmp_path, replay_server, smtp.url)
    env["TECHNOVEILLE_SOURCES"] = "council"
    alerts(env, "subscribe", "conseils@example.org", "--source", "council", "--frequency",
           "immediate")
    token = private_rows(env, "select confirm_token from subscriptions")[0]["confirm_token"]
    alerts(env, "confirm", token)
    out = run_cli(["update"], env).stdout
    assert "publié :" in out and "alertes :" in out
    assert "1 message(s) envoyé(s)" in out
    assert re.search(r"council\s+normal", out)
    flagged = sqlite3.connect(env["TECHNOVEILLE_DB"]).execute(
        "select count(*) from documents where source = 'council' and flagged = 1").fetchone()[0]
    digest = smtp.messages[-1]
    assert digest["To"] == "conseils@example.org"
    assert digest["Subject"].startswith(f"technoveille : {flagged} nouveaux documents")


def test_demo_leaves_a_digest_in_the_local_mailbox(tmp_path, replay_server):
    env = alerts_env(tmp_path, replay_server)
    for key in ("TECHNOVEILLE_ALERTS_URL", "TECHNOVEILLE_SITE_URL"):
        env.pop(key)
    out = run_cli(["demo", "--no-serve"], env, timeout=600).stdout
    assert "abonnement 1 confirmé : militante@example.org" in out
    mailbox = Path(env["ALERTS_MAILDIR"]) / "new"
    match = re.search(r"le dernier : (\S+)", out)
    assert match and Path(match.group(1)).parent == mailbox.resolve()
    mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
             for p in mailbox.iterdir()]
    subjects = [m["Subject"] for m in mails]
    flagged = sqlite3.connect(env["TECHNOVEILLE_DB"]).execute(
        "select count(*) from documents where flagged = 1").fetchone()[0]
    assert len(mails) == 2 and "technoveille : confirmez votre alerte" in subjects
    assert any(s.startswith(f"technoveille : {flagged} nouveaux documents — ") for s in subjects)
    digest = next(m for m in mails if "nouveaux" in m["Subject"])
    text = digest.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:8001/document/boamp:26-120012" in text
    assert "http://127.0.0.1:8002/desabonner/" in text
