"""SMTP_URL against a real server on loopback that demands STARTTLS and a login (aiosmtpd with
a self-signed certificate made by openssl): the password is percent-decoded, used, and never
written to the output or the private database."""
from __future__ import annotations

import pytest

from tests.alerts.conftest import alerts, private_rows
from tests.alerts.smtp import tls_login_sink

USER, PASSWORD = "veille", "p@ss:w/rd%?#"


@pytest.fixture
def tls_sink(tmp_path):
    sink = tls_login_sink(tmp_path, USER, PASSWORD)
    yield sink
    sink.stop()


def test_starttls_and_login(corpus_env, tls_sink):
    from urllib.parse import quote

    env = dict(corpus_env, SSL_CERT_FILE=str(tls_sink.cert),
               SMTP_URL=f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{tls_sink.port}"
                        "?starttls=required")
    out = alerts(env, "subscribe", "tls@example.org", "--theme", "drones")
    assert "courriel de confirmation envoyé" in out.stdout
    assert tls_sink.logins == [True]
    assert tls_sink.messages[-1]["To"] == "tls@example.org"
    bad = dict(env, SMTP_URL=f"smtp://{USER}:mauvais@127.0.0.1:{tls_sink.port}")
    refused = alerts(bad, "subscribe", "tls2@example.org", "--theme", "drones")
    assert "n'a pas pu partir" in refused.stderr
    plain = dict(corpus_env, SMTP_URL=f"smtp://127.0.0.1:{tls_sink.port}?starttls=no")
    alerts(plain, "subscribe", "tls3@example.org", "--theme", "drones")
    assert len(tls_sink.messages) == 1     # the server wants TLS: nothing left in clear
    everything = out.stdout + out.stderr + refused.stdout + refused.stderr
    for row in private_rows(env, "select * from sends"):
        everything += " ".join(str(v) for v in row.values())
    assert PASSWORD not in everything and quote(PASSWORD, safe="") not in everything
    assert "mauvais" not in everything


def test_a_password_smtp_cannot_carry(corpus_env, tls_sink):
    env = dict(corpus_env, SSL_CERT_FILE=str(tls_sink.cert),
               SMTP_URL=f"smtp://{USER}:d%C3%A9j%C3%A0@127.0.0.1:{tls_sink.port}")
    out = alerts(env, "subscribe", "tls@example.org", "--theme", "drones")
    assert "n'a pas pu partir" in out.stderr and "Traceback" not in out.stderr
    [failed] = private_rows(env, "select error from sends")
    assert "caractères non ASCII" in failed["error"] and "déjà" not in failed["error"]
