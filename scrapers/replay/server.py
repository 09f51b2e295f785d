"""The offline replay server: one local HTTP server answering like every source.

Each source has a module `scrapers/replay/<source>.py` exposing
`ROUTES = [(prefix, handler)]`, `handler(path, query, headers) -> (status, headers, body)`.
The corpus is ours (scrapers/replay/data/), shaped like the real responses.

    python -m scrapers.replay.server --port 8765      # or: technoveille replay
"""
from __future__ import annotations

import argparse
import importlib
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

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


def load_routes() -> list[tuple[str, object]]:
    routes = []
    for module in source_modules():
        routes.extend(getattr(module, "ROUTES", []))
    # longest prefix first
    return sorted(routes, key=lambda r: -len(r[0]))


class ReplayHandler(BaseHTTPRequestHandler):
    routes: list = []
    server_version = "technoveille-replay/0.1"

    def _dispatch(self, head: bool = False):
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        for prefix, handler in self.routes:
            if parts.path == prefix or parts.path.startswith(prefix.rstrip("/") + "/"):
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
                listing = "\n".join(prefix for prefix, _ in self.routes)
                status, headers, body = 200, {"Content-Type": "text/plain"}, listing.encode()
            else:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
        self.send_response(status)
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers.setdefault("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head and status not in (204, 304):
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


def make_server(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("Handler", (ReplayHandler,), {"routes": load_routes()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(host: str = "127.0.0.1", port: int = 0):
    """Start the server in a daemon thread; returns (server, base_url)."""
    server = make_server(host, port)
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
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
