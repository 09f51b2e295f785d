"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told to
fail the way real servers do: refuse connections (stopped), answer 4xx or 5xx to DATA, drop
the connection in the middle of DATA, or answer slowly."""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.mode = "ok"          # ok | tempfail | reject | drop | slow
        self.fail_next = 0        # fail only the next N messages (then "ok")
        self.delay = 0.0
        self.lock = threading.Lock()
        self.seen = 0
        self.hold_at = 0          # the N-th message waits for `release` before its reply
        self.holding = threading.Event()
        self.release = threading.Event()
        self.chooser = None       # a callable giving the mode of each message (fault runs)

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.hold_at and self.seen == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
        if self.chooser:
            mode = self.chooser()
        elif self.fail_next:
            mode = self.mode
            self.fail_next -= 1
        else:
            mode = "slow" if self.mode == "slow" else "ok"
        if mode == "slow" or self.delay:
            await asyncio.sleep(self.delay or 2.0)
        if mode == "tempfail":
            return "451 4.3.0 Essayez plus tard"
        if mode == "reject":
            return "554 5.7.1 Message refusé"
        if mode == "drop":
            server.transport.close()  # connection cut before the reply (no answer to DATA)
            return "421 closing"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"


class SmtpSink:
    def __init__(self, **smtp_parameters):
        """`smtp_parameters` go to aiosmtpd's SMTP (tls_context, require_starttls,
        authenticator, auth_required…)."""
        self.handler = Handler()
        self.port = free_port()
        self.parameters = smtp_parameters
        self.controller: Controller | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     **self.parameters)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def fail(self, mode: str, times: int = 10**6):
        self.handler.mode, self.handler.fail_next = mode, times

    def heal(self):
        self.handler.mode, self.handler.fail_next, self.handler.delay = "ok", 0, 0.0


def tls_login_sink(folder, user: str, password: str) -> SmtpSink:
    """An SMTP server that demands STARTTLS (a self-signed certificate made by openssl in
    `folder`, `sink.cert`) and a login `user` / `password`; `sink.logins` records each try."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
            and auth_data.password == password.encode()
        logins.append(ok)
        return AuthResult(success=ok)

    sink = SmtpSink(tls_context=context, require_starttls=True, authenticator=authenticator,
                    auth_required=True)
    sink.cert, sink.logins = cert, logins
    return sink
