"""Bad input to `technoveille alerts`: a clear French message, exit code 2, nothing written to
the private database."""
from __future__ import annotations

import pytest

from tests.alerts.conftest import alerts, private_rows


def counts(env) -> dict:
    tables = ("subscribers", "subscriptions", "channels", "deliveries", "sends")
    try:
        return {t: private_rows(env, f"select count(*) as n from {t}")[0]["n"] for t in tables}
    except Exception:  # noqa: BLE001 — no private database yet
        return {}


@pytest.mark.parametrize("args, message", [
    (["pas-une-adresse"], "adresse électronique invalide"),
    (["a@b"], "adresse électronique invalide"),
    (["x@example.org", "--theme", "drone"], "thème inconnu : 'drone'"),
    (["x@example.org", "--departement", "999"], "département inconnu"),
    (["x@example.org", "--commune", "123"], "code INSEE de commune inconnu"),
    (["x@example.org", "--commune", "00000"], "code INSEE de commune inconnu"),
    (["x@example.org", "--acheteur", "12345"], "SIREN invalide"),
    (["x@example.org", "--acheteur", "abcdefghi"], "SIREN invalide"),
    (["x@example.org", "--source", "twitter"], "source inconnue"),
    (["x@example.org", "--term", "zzzz inconnu"], "terme inconnu du vocabulaire"),
    (["x@example.org", "--query", "x" * 10_000], "requête trop longue (10000 caractères"),
    (["x@example.org", "--query", "((( ))) ---"], "ne contient aucun mot"),
    (["x@example.org", "--frequency", "horaire"], "fréquence inconnue"),
])
def test_refused_with_a_french_message(corpus_env, args, message):
    env = corpus_env
    alerts(env, "list")  # the private database exists, empty
    before = counts(env)
    assert before["subscriptions"] == 0
    out = alerts(env, "subscribe", *args, check=False)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert counts(env) == before


def test_a_theme_by_its_label_and_a_term_by_its_plural(corpus_env):
    env = corpus_env
    out = alerts(env, "subscribe", "x@example.org", "--theme", "Drones et caméras aéroportées",
                 "--term", "drones").stdout
    assert "Drones et caméras aéroportées ; termes : drone" in out


@pytest.mark.parametrize("token", ["", "inconnu", "x" * 43, "' or 1=1 --"])
def test_unknown_tokens(corpus_env, token):
    env = corpus_env
    for action in ("confirm", "unsubscribe"):
        out = alerts(env, action, "--", token, check=False)
        assert out.returncode == 2 and "Ce lien n'est pas (ou plus) valable." in out.stderr


def test_resubscribing_while_pending_sends_the_confirmation_again(corpus_env, smtp):
    env = corpus_env
    alerts(env, "subscribe", "deux@example.org", "--theme", "video")
    out = alerts(env, "subscribe", "DEUX@example.org", "--theme", "video").stdout
    assert "abonnement déjà en attente 1" in out
    assert len(private_rows(env, "select * from subscriptions")) == 1
    assert len(private_rows(env, "select * from subscribers")) == 1
    links = [m.get_body(("plain",)).get_content() for m in smtp.messages]
    assert len(links) == 2 and links[0].split("/confirmer/")[1][:43] == \
        links[1].split("/confirmer/")[1][:43]
    token = private_rows(env, "select confirm_token from subscriptions")[0]["confirm_token"]
    alerts(env, "confirm", token)
    again = alerts(env, "subscribe", "deux@example.org", "--theme", "video").stdout
    assert "déjà actif" in again and len(smtp.messages) == 2


def test_subscription_while_smtp_is_down_is_kept_and_confirmed_later(corpus_env, smtp):
    env = corpus_env
    smtp.stop()
    out = alerts(env, "subscribe", "attente@example.org", "--theme", "son")
    assert "n'a pas pu partir" in out.stderr
    assert private_rows(env, "select status from subscriptions")[0]["status"] == "pending"
    smtp.start()
    sent = alerts(env, "send").stdout
    assert "1 courriel(s) de confirmation renvoyé(s)" in sent
    assert smtp.messages[-1]["Subject"] == "technoveille : confirmez votre alerte"
    assert "confirmation" not in alerts(env, "send").stdout


def test_private_database_is_for_its_owner_only(corpus_env):
    import os
    import stat

    env = corpus_env
    alerts(env, "list")
    mode = stat.S_IMODE(os.stat(env["TECHNOVEILLE_PRIVATE_DB"]).st_mode)
    assert mode == 0o600


def test_before_anything_was_collected(tmp_path, replay_server):
    from tests.alerts.conftest import alerts_env

    env = alerts_env(tmp_path, replay_server)
    for action in ("send", "health"):
        out = alerts(env, action)
        assert "rien n'a encore été collecté" in out.stdout and "Traceback" not in out.stderr


def test_one_sender_at_a_time(corpus_env):
    import fcntl
    from pathlib import Path

    env = corpus_env
    alerts(env, "list")
    lock = Path(env["TECHNOVEILLE_PRIVATE_DB"]).with_suffix(".send.lock")
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        out = alerts(env, "send", check=False)
    assert out.returncode == 3 and "déjà en cours" in out.stderr
