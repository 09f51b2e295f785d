"""SMTP_URL against a real server on loopback that demands STARTTLS and a login (aiosmtpd with
a self-signed certificate made by openssl): the password is percent-decoded, used, and never
written to the output or the private database."""
from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.alerts.conftest import alerts, private_rows
from tests.alerts.smtp import SmtpSink

USER, PASSWORD = "veille", "p@ss:w/rd%?#"


@pytest.fixture
def tls_sink(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
            and auth_data.password == PASSWORD.encode()
        logins.append(ok)
        return AuthResult(success=ok)

    sink = SmtpSink(tls_context=context, require_starttls=True, authenticator=authenticator,
                    auth_required=True)
    sink.cert, sink.logins = cert, logins
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
