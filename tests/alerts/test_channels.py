"""Chat and webhooks through Apprise to a local HTTP receiver, and the operators' channel:
told once when a source breaks, once when it recovers; secrets masked everywhere."""
from __future__ import annotations

import sqlite3

from tests.alerts.conftest import alerts, confirmed, private_rows
from tests.conftest import run_cli


def test_webhook_of_a_subscription(corpus_env, webhook):
    env = corpus_env
    sub = confirmed(env, "canal@example.org", "--theme", "drones")
    out = alerts(env, "channel", "add", webhook.url("salle?token=secret123"),
                 "--subscription", str(sub)).stdout
    assert "canal 1 ajouté" in out and "secret123" not in out
    webhook.status = 500                       # the receiver fails: nothing is lost
    failed = alerts(env, "send", check=False)
    assert failed.returncode == 1 and "canal 1" in failed.stderr
    assert private_rows(env, "select count(*) as n from channel_deliveries where status = "
                        "'pending'")[0]["n"] > 0
    webhook.status = 200
    alerts(env, "send")
    alerts(env, "send")
    [note] = webhook.bodies
    assert note["title"].startswith("technoveille : ") and "drones" in note["title"]
    assert "Acquisition d'aéronefs télépilotés" in note["message"]
    assert "http://site.test/document/boamp:26-120012" in note["message"]
    sent_to_mail = {r["document_id"] for r in private_rows(
        env, "select document_id from deliveries where subscription_id = ?", [sub])}
    sent_to_channel = {r["document_id"] for r in private_rows(
        env, "select document_id from channel_deliveries where status = 'sent'")}
    assert sent_to_channel == sent_to_mail
    listing = alerts(env, "list").stdout
    assert "json://127.0.0.1" in listing and "secret123" not in listing
    log = private_rows(env, "select recipient, error from sends where kind = 'channel'")
    assert log and all("secret123" not in (r["recipient"] or "") + (r["error"] or "")
                       for r in log)


def test_a_channel_of_its_own_gets_every_signalled_document(corpus_env, webhook):
    env = corpus_env
    alerts(env, "channel", "add", webhook.url("tout"))
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    con.execute("update channels set since = '2000-01-01'")
    con.commit()
    con.close()
    alerts(env, "send")
    flagged = sqlite3.connect(env["TECHNOVEILLE_DB"]).execute(
        "select count(*) from documents where flagged = 1").fetchone()[0]
    assert len(webhook.bodies) == 1
    assert private_rows(env, "select count(*) as n from channel_deliveries")[0]["n"] == flagged


def test_bad_channel_urls(corpus_env):
    env = corpus_env
    for url in ("pas-une-url", "nimporte://quoi", "json://"):
        bad = alerts(env, "channel", "add", url, check=False)
        assert bad.returncode == 2 and "non reconnue par Apprise" in bad.stderr, url
    bad = alerts(env, "channel", "add", "json://127.0.0.1/x", "--subscription", "42",
                 check=False)
    assert bad.returncode == 2 and "abonnement inconnu" in bad.stderr
    assert private_rows(env, "select count(*) as n from channels")[0]["n"] == 0


def test_operators_hear_once_when_a_source_breaks_and_once_when_it_recovers(
        corpus_env, webhook):
    env = dict(corpus_env, ALERTS_OPERATOR_URL=webhook.url("ops?key=opsecret"),
               TECHNOVEILLE_RETRY_TIMES="1")
    healthy = alerts(env, "health").stdout
    assert "boamp" in healthy and "normal" in healthy
    assert not webhook.bodies
    broken = dict(env, BOAMP_API_URL="http://127.0.0.1:9/api")  # nothing listens there
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-03"], broken,
            check=False)
    out = alerts(env, "health", check=False)
    assert out.returncode == 1 and "incident ouvert : BOAMP" in out.stdout
    [alarm] = webhook.bodies
    assert alarm["title"] == "technoveille : la source BOAMP (marchés publics) ne répond plus"
    assert "a échoué" in alarm["message"]
    alerts(env, "health", check=False)
    assert len(webhook.bodies) == 1            # once per incident
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-03"], env)
    alerts(env, "health")
    assert len(webhook.bodies) == 2
    assert webhook.bodies[1]["title"] == "technoveille : la source BOAMP (marchés publics) est rétablie"
    incidents = private_rows(env, "select * from incidents")
    assert len(incidents) == 1 and incidents[0]["closed_at"]
    log = private_rows(env, "select recipient from sends where kind = 'operator'")
    assert log and all("opsecret" not in r["recipient"] for r in log)


def test_operators_channel_down_is_retried(corpus_env, webhook):
    env = dict(corpus_env, ALERTS_OPERATOR_URL=webhook.url("ops"), TECHNOVEILLE_RETRY_TIMES="1")
    broken = dict(env, BOAMP_API_URL="http://127.0.0.1:9/api")
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-03"], broken,
            check=False)
    webhook.status = 503
    out = alerts(env, "health", check=False)
    assert "échec de notification" in out.stderr
    webhook.status = 200
    alerts(env, "health", check=False)
    assert len(webhook.bodies) == 1 and "ne répond plus" in webhook.bodies[0]["title"]
