"""A local HTTP receiver for Apprise's json:// webhooks: keeps every JSON body it accepts (with
the request path under "_path");
`status` makes it answer an error instead (500, 404…)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.bodies: list[dict] = []
        self.status = 200
        self.chooser = None       # a callable giving the status of each request (fault runs)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status = receiver.chooser() if receiver.chooser else receiver.status
                if status == 200:
                    receiver.bodies.append({**json.loads(raw or b"{}"), "_path": self.path})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def close(self):
        self.server.shutdown()
