"""A local HTTP receiver for Apprise's json:// webhooks: keeps every JSON body it accepts (with
the request path under "_path");
`status` makes it answer an error instead (500, 404…); a `chooser` (fault runs) gives each
request a status, "drop" (connection closed before any reply, body not kept) or "slow" (kept,
200 after `slow` seconds); `stop()` / `start()` refuse connections in between (same port)."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, slow: float = 1.5):
        self.bodies: list[dict] = []
        self.status = 200
        self.chooser = None       # a callable giving the answer to each request (fault runs)
        self.slow = slow
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status = receiver.chooser() if receiver.chooser else receiver.status
                if status == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if status == "slow":
                    time.sleep(receiver.slow)
                    status = 200
                if status == 200:
                    receiver.bodies.append({**json.loads(raw or b"{}"), "_path": self.path})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.handler = Handler
        self.port = 0
        self.server = None
        self.start()

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def close(self):
        self.stop()
