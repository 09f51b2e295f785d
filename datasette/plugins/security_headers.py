"""Content-Security-Policy and companion headers on every response of the site.

Scripts: our origin only, plus the exact inline scripts of the templates (Datasette's own menu
closer and SQL editor, any of ours), allowed by their sha256 — computed here from the template
files, never from a response, so a script that came in with scraped text can never run even if
it escaped escaping. No plugin-less inline script, no eval, nothing from another origin; images
from our origin (an injected <img src=https://…> cannot call out). A response that sets its own
policy (the raw archive: `sandbox`) keeps it."""
import base64
import hashlib
import re
from pathlib import Path

import datasette
from datasette import hookimpl

_INLINE = re.compile(r"<script>(.*?)</script>", re.S)
TEMPLATE_DIRS = [Path(datasette.__file__).parent / "templates",
                 Path(__file__).resolve().parent.parent / "templates"]
# table.html renders one inline script from a value: both of its possible bodies
RENDERED = ["DATASETTE_ALLOW_FACET = true;", "DATASETTE_ALLOW_FACET = false;"]


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def inline_script_hashes() -> list[str]:
    bodies = set(RENDERED)
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.rglob("*.html")):
            for body in _INLINE.findall(template.read_text(encoding="utf-8")):
                if body.strip() and "{{" not in body and "{%" not in body:
                    bodies.add(body)
    return sorted(_hash(b) for b in bodies)


def policy() -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(inline_script_hashes()),
        "style-src 'self' 'unsafe-inline'",   # Datasette's pages use style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


POLICY = policy()
HEADERS = [(b"content-security-policy", POLICY.encode()),
           (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"),
           (b"x-frame-options", b"DENY")]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    headers = list(event.get("headers") or [])
                    present = {name.lower() for name, _ in headers}
                    headers += [(k, v) for k, v in HEADERS if k not in present]
                    event = dict(event, headers=headers)
                await send(event)

            return await app(scope, receive, send_with_headers)
        return with_headers
    return wrap
