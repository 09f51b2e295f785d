"""The offline replay server: one local HTTP server answering like every source.

Each source has a module `scrapers/replay/<source>.py` exposing
`ROUTES = [(prefix, handler)]`, `handler(path, query, headers) -> (status, headers, body)`.
The corpus is ours (scrapers/replay/data/), shaped like the real responses.

    python -m scrapers.replay.server --port 8765      # or: technoveille replay
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import logging
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from scrapers.replay.faults import ERROR_PAGE, FaultPlan

logger = logging.getLogger(__name__)

SOURCE_MODULES = ("boamp", "jorf", "piste", "council")
ROBOTS_TXT = b"User-agent: *\nDisallow: /councils/interdit/\n"


def source_modules():
    for name in SOURCE_MODULES:
        try:
            yield importlib.import_module(f"scrapers.replay.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"scrapers.replay.{name}":
                continue
            raise


def demo_setup(base_url: str) -> tuple[dict[str, str], dict[str, dict]]:
    """Environment variables and spider arguments that point every spider at this server.
    A source module may define `demo_env(base_url) -> dict` and `DEMO_SPIDER_ARGS`."""
    env, spider_args = {}, {}
    for module in source_modules():
        if hasattr(module, "demo_env"):
            env.update(module.demo_env(base_url))
        for spider, args in getattr(module, "DEMO_SPIDER_ARGS", {}).items():
            spider_args.setdefault(spider, {}).update(args)
    return env, spider_args


def load_routes() -> list[tuple[str, object, str]]:
    """(prefix, handler, source module name), longest prefix first."""
    routes = []
    for module in source_modules():
        source = module.__name__.rsplit(".", 1)[-1]
        routes.extend((prefix, handler, source) for prefix, handler in getattr(module, "ROUTES", []))
    return sorted(routes, key=lambda r: -len(r[0]))


class ReplayHandler(BaseHTTPRequestHandler):
    routes: list = []
    faults: FaultPlan | None = None
    server_version = "technoveille-replay/0.1"

    def _dispatch(self, head: bool = False):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        fault = None
        for prefix, handler, source in self.routes:
            if parts.path == prefix or parts.path.startswith(prefix.rstrip("/") + "/"):
                if self.faults is not None and not head:
                    target = self.path
                    if getattr(self, "request_body", b""):  # POSTs to one path differ by body
                        target += "#" + hashlib.sha256(self.request_body).hexdigest()[:16]
                    fault = self.faults.decide(source, self.command, target)
                    if fault and fault not in ("truncated", "slow", "content-type"):
                        return self._misbehave(fault)
                try:
                    request_headers = dict(self.headers)
                    request_headers["_body"] = getattr(self, "request_body", b"")
                    request_headers["_method"] = self.command
                    status, headers, body = handler(parts.path, query, request_headers)
                except Exception as exc:  # the replay must say what broke
                    logger.exception("replay handler failed")
                    status, headers, body = 500, {"Content-Type": "text/plain"}, repr(exc).encode()
                break
        else:
            if parts.path == "/robots.txt":
                # one host for every replayed source: a city path is disallowed so that the
                # robots.txt rules of city websites can be exercised
                status, headers, body = 200, {"Content-Type": "text/plain"}, ROBOTS_TXT
            elif parts.path == "/":
                listing = "\n".join(prefix for prefix, _, _ in self.routes)
                status, headers, body = 200, {"Content-Type": "text/plain"}, listing.encode()
            else:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        self.send_response(status)
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers.setdefault("Content-Length", str(len(body)))
        if fault == "content-type":
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            headers["Content-Type"] = "application/octet-stream"
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if head or status in (204, 304):
            return
        if fault == "truncated" and len(body) > 1:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault == "slow":
            chunks = 6
            step = max(1, -(-len(body) // chunks))
            for start in range(0, max(len(body), 1), step):
                time.sleep(self.faults.slow / chunks)
                self.wfile.write(body[start:start + step])
                self.wfile.flush()
        else:
            self.wfile.write(body)

    def _misbehave(self, fault: str) -> None:
        """Answer with the fault itself (the route's handler is not called)."""
        self.close_connection = True
        if fault == "timeout":
            time.sleep(self.faults.hold)
            return
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            return
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        if fault == "error-page":
            status, body = 200, ERROR_PAGE
            headers["Content-Type"] = "text/html; charset=utf-8"
        else:
            status = int(fault.split("-")[0])
            body = f"replay fault: {fault}".encode()
            if fault == "429-retry-after":
                headers["Retry-After"] = "1"
        headers["Content-Length"] = str(len(body))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch(head=True)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.request_body = self.rfile.read(length) if length else b""
        self._dispatch()

    def log_message(self, fmt, *args):
        logger.debug("replay: " + fmt, *args)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that gave up (timeout fault, kill -9 of a crawl) is not the server's error
        logger.debug("replay: connection from %s ended early", client_address, exc_info=True)


def make_server(host: str = "127.0.0.1", port: int = 0,
                faults: FaultPlan | None | str = "config") -> ThreadingHTTPServer:
    """The replay server; `faults` a FaultPlan, None (never) or "config" (the environment's
    TECHNOVEILLE_REPLAY_FAULTS…, off by default). The plan is `server.faults`."""
    plan = FaultPlan.from_config() if faults == "config" else faults
    handler = type("Handler", (ReplayHandler,), {"routes": load_routes(), "faults": plan})
    server = QuietServer((host, port), handler)
    server.faults = plan
    return server


def serve_in_thread(host: str = "127.0.0.1", port: int = 0,
                    faults: FaultPlan | None | str = "config"):
    """Start the server in a daemon thread; returns (server, base_url)."""
    server = make_server(host, port, faults)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}"


def main(argv=None):
    parser = argparse.ArgumentParser(description="technoveille offline replay server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    server = make_server(args.host, args.port)
    print(f"replay server on http://{args.host}:{server.server_address[1]}/", flush=True)
    if server.faults is not None:
        print(f"fault injection on: {server.faults}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
