"""The subscription pages (`technoveille alerts serve`): a plain ASGI app, Jinja2 templates
(alerts/templates/pages/), asgi_csrf, served by uvicorn — its own process, bound to the private
database (the public Datasette never opens it), reading the working public database through
the read-only ATTACH of alerts.db.

Routes (French pages, no script, no external asset):

    GET  /                       the form (prefilled from ?q=&theme=&source=&departement=&commune=&acheteur=)
    POST /apercu                 the same form with the 30-day preview (and a warning above
                                 ALERTS_TOO_MANY_PER_DAY documents a day)
    POST /                       subscribe, send the confirmation mail, « vérifiez votre boîte »
                                 (the same page whatever the address's state: nothing is revealed)
    GET  /confirmer/<token>      double opt-in (single-use token)
    GET  /gerer/<token>          the subscription, its other ones, a form to change it
    POST /gerer/<token>          change frequency / follow-ups
    GET  /desabonner/<token>     ONE button (a GET never unsubscribes: mail scanners prefetch)
    POST /desabonner/<token>     unsubscribe — the form's POST, or the RFC 8058 one-click POST
                                 of a mail provider (body `List-Unsubscribe=One-Click`, no
                                 cookie, no CSRF token: the only POST exempt from CSRF)

Unknown and already used tokens get the same 404; token routes (and the subscribe POST, which
sends a mail) are rate-limited per client IP (ALERTS_RATE_LIMIT per minute, in memory).
Security headers on every response: a strict Content-Security-Policy (no script; the inline
stylesheet allowed by its sha256), X-Frame-Options DENY, Referrer-Policy no-referrer (tokens
are in the URLs), Cache-Control no-store.

Handlers are synchronous (SQLite, smtplib) and run in worker threads, each with its own
connection to the private database; every write is one transaction of alerts.subscriptions,
so an exception leaves nothing half-written (and answers a French 500 page)."""
from __future__ import annotations

import asyncio
import base64
import email.parser
import email.policy
import hashlib
import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import jinja2
from asgi_csrf import asgi_csrf

from alerts import db as private
from alerts import select, send, subscriptions
from alerts.criteria import FREQUENCIES, AlertInputError, check, check_email, check_frequency, \
    describe
from technoveille.core import config, sources
from technoveille.core.search import MAX_QUERY_CHARS

logger = logging.getLogger(__name__)

PAGES = Path(__file__).resolve().parent / "templates" / "pages"
MAX_BODY = 256 * 1024                 # a form with a 10,000-character query is ~60 KB
VOCABULARY_TTL = 60.0                 # seconds a loaded vocabulary is reused
TOKEN_ROUTE = re.compile(r"^/(confirmer|gerer|desabonner)/([^/]*)$")
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
ONE_CLICK = {"List-Unsubscribe": ["One-Click"]}
FIELDS = {"email": "email", "theme": "theme", "term": "theme", "source": "source",
          "departement": "departement", "commune": "commune", "acheteur": "acheteur",
          "query": "q", "frequency": "frequency", "suites": "suites"}
FOLLOW_UPS = {"oui": "aussi leurs suites (rectificatifs, attributions, annulations)",
              "non": "nouveaux documents seulement"}

_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _style_hash() -> str:
    """The sha256 of the inline stylesheet of base.html (the only style the CSP allows)."""
    body = _STYLE.search((PAGES / "base.html").read_text(encoding="utf-8")).group(1)
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def policy() -> str:
    return "; ".join(["default-src 'none'", f"style-src {_style_hash()}", "img-src 'none'",
                      "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"])


def security_headers() -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", policy().encode()),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-content-type-options", b"nosniff"),
            (b"cache-control", b"no-store"),
            (b"x-robots-tag", b"noindex, nofollow"),
            (b"cross-origin-opener-policy", b"same-origin")]


# ---------------------------------------------------------------------------- plumbing

@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    client: str
    csrftoken: object = None   # callable from asgi_csrf (sets the cookie when called)

    def one(self, name: str, source: dict | None = None) -> str:
        values = (self.form if source is None else source).get(name) or [""]
        return values[0]


@dataclass
class Response:
    status: int
    body: str
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    content_type: bytes = b"text/html; charset=utf-8"


class RateLimiter:
    """At most `limit` hits per client in any `window` seconds (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.hits: dict[str, deque] = {}
        self.lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = self.clock()
        with self.lock:
            if len(self.hits) > 10_000:  # forget the clients gone quiet
                for key in [k for k, q in self.hits.items() if not q or q[-1] <= now - self.window]:
                    del self.hits[key]
            hits = self.hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def masked(path: str) -> str:
    """A path fit for a log line: no token."""
    return TOKEN_ROUTE.sub(lambda m: f"/{m.group(1)}/***", path)


async def read_body(receive) -> bytes | None:
    """The whole request body; None when it is larger than MAX_BODY."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def parse_form(headers: dict[bytes, bytes], body: bytes) -> dict[str, list[str]]:
    kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if kind == b"multipart/form-data":  # RFC 8058 allows it for the one-click POST
        raw = (b"Content-Type: " + headers.get(b"content-type", b"") + b"\r\n\r\n" + body)
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        form: dict[str, list[str]] = {}
        if msg.is_multipart():
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name and not part.get_filename():
                    form.setdefault(name, []).append(part.get_content().strip()
                                                     if part.get_content_maintype() == "text"
                                                     else "")
        return form
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    return parse_qs(text, keep_blank_values=True)


# ---------------------------------------------------------------------------- the app

class AlertsApp:
    def __init__(self, private_path: Path, public_path: Path):
        self.private_path, self.public_path = Path(private_path), Path(public_path)
        self.local = threading.local()
        self.connections: list = []
        self.connections_lock = threading.Lock()
        self.limiter = RateLimiter(max(config.get_int("ALERTS_RATE_LIMIT"), 1))
        self.preview_days = config.get_int("ALERTS_PREVIEW_DAYS")
        self.too_many = config.get_int("ALERTS_TOO_MANY_PER_DAY")
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(PAGES)),
                                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.headers = security_headers()
        self._vocab = (0.0, None)
        self._vocab_lock = threading.Lock()

    # -- database (one connection per worker thread)
    def db(self):
        conn = getattr(self.local, "db", None)
        if conn is None:
            conn = private.connect(self.private_path)
            self.local.db = conn
            with self.connections_lock:
                self.connections.append(conn)
        private.attach_public(conn, self.public_path)  # the public DB may appear later
        return conn

    def close(self):
        with self.connections_lock:
            for conn in self.connections:
                try:
                    conn.conn.close()
                except Exception:  # noqa: BLE001 — closing at shutdown, from another thread
                    pass
            self.connections.clear()

    def vocabulary(self, db):
        with self._vocab_lock:
            at, vocab = self._vocab
            if vocab is None or time.monotonic() - at > VOCABULARY_TTL or not vocab.themes:
                vocab = send.vocabulary(db)
                self._vocab = (time.monotonic(), vocab)
            return vocab

    # -- rendering
    def page(self, status: int, template: str, request: Request | None = None, **context
             ) -> Response:
        if request is not None and request.csrftoken is not None:
            context.setdefault("csrftoken", request.csrftoken)
        context.setdefault("csrftoken", lambda: "")
        body = self.env.get_template(template).render(frequencies=FREQUENCIES,
                                                      follow_choices=FOLLOW_UPS, **context)
        return Response(status, body)

    def message(self, status: int, title: str, text: str, **context) -> Response:
        return self.page(status, "message.html", title=title, text=text, **context)

    def invalid_token(self) -> Response:
        return self.message(404, "Lien non valable", subscriptions.InvalidToken.message,
                            home=True)

    def too_many_requests(self) -> Response:
        response = self.message(429, "Trop de demandes",
                                "Trop de demandes depuis votre adresse en peu de temps. "
                                "Attendez une minute, puis réessayez.")
        response.headers.append((b"retry-after", b"60"))
        return response

    # -- ASGI
    async def __call__(self, scope, receive, send_event):
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send_event)
        if scope["type"] != "http":
            return
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        body = scope.get("alerts.body", b"")
        form = parse_form(headers, body) if scope["method"] == "POST" else {}
        request = Request(scope["method"], scope["path"],
                          parse_qs(scope.get("query_string", b"").decode("latin-1"),
                                   keep_blank_values=True),
                          form, (scope.get("client") or ("?", 0))[0], scope.get("csrftoken"))
        try:
            response = await asyncio.to_thread(self.handle, request,
                                               bool(scope.get("alerts.one_click")))
        except Exception:  # noqa: BLE001 — any failure: a French page, nothing half-written
            logger.exception("alerts page %s %s failed", request.method, masked(request.path))
            response = self.message(500, "Erreur",
                                    "Une erreur est survenue ; rien n'a été enregistré à "
                                    "moitié. Réessayez dans quelques minutes.", home=True)
        await respond(send_event, response, self.headers)

    async def lifespan(self, receive, send_event):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send_event({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.close()
                await send_event({"type": "lifespan.shutdown.complete"})
                return

    # -- routing
    def handle(self, request: Request, one_click: bool) -> Response:
        path, method = request.path, request.method
        if path == "/":
            if method in ("GET", "HEAD"):
                return self.form_page(request)
            if method == "POST":
                if not self.limiter.allow(request.client):
                    return self.too_many_requests()
                return self.subscribe(request)
            return self.not_allowed("GET, POST")
        if path == "/apercu":
            if method == "POST":
                if not self.limiter.allow(request.client):
                    return self.too_many_requests()
                return self.preview_page(request)
            return self.not_allowed("POST")
        match = TOKEN_ROUTE.match(path)
        if match is None:
            return self.message(404, "Page introuvable", "Cette page n'existe pas.", home=True)
        route, token = match.groups()
        allowed = {"confirmer": ("GET",), "gerer": ("GET", "POST"),
                   "desabonner": ("GET", "POST")}[route]
        if method not in allowed:
            return self.not_allowed(", ".join(allowed))
        if not self.limiter.allow(request.client):
            return self.too_many_requests()
        if not TOKEN_SHAPE.match(token):
            return self.invalid_token()
        try:
            if route == "confirmer":
                return self.confirm(request, token)
            if route == "gerer":
                return self.manage(request, token) if method == "GET" else \
                    self.change(request, token)
            return self.unsubscribe_page(request, token) if method == "GET" else \
                self.unsubscribe(request, token, one_click)
        except subscriptions.InvalidToken:
            return self.invalid_token()

    def not_allowed(self, allow: str) -> Response:
        response = self.message(405, "Méthode non permise",
                                "Cette adresse ne s'ouvre pas de cette façon.", home=True)
        response.headers.append((b"allow", allow.encode()))
        return response

    # -- the form
    def _values(self, source: dict[str, list[str]]) -> dict:
        """The form's values from a query string or a posted form."""
        def texts(name):
            return ", ".join(v.strip() for v in source.get(name) or [] if v.strip())
        return {"email": (source.get("email") or [""])[0].strip(),
                "themes": [v for v in source.get("theme") or [] if v],
                "sources": [v for v in source.get("source") or [] if v],
                "departement": texts("departement"), "commune": texts("commune"),
                "acheteur": texts("acheteur"), "q": (source.get("q") or [""])[0],
                "frequency": (source.get("frequency") or ["daily"])[0],
                "suites": (source.get("suites") or ["oui"])[0]}

    @staticmethod
    def _raw(values: dict) -> dict:
        split = re.compile(r"[\s,;]+")
        return {"themes": values["themes"], "sources": values["sources"],
                "departements": [v for v in split.split(values["departement"]) if v],
                "communes": [v for v in split.split(values["commune"]) if v],
                "acheteurs": [v for v in re.split(r"[,;]+", values["acheteur"]) if v.strip()],
                "query": values["q"]}

    def form_page(self, request: Request, status: int = 200, values: dict | None = None,
                  errors: dict | None = None, preview: dict | None = None) -> Response:
        db = self.db()
        vocab = self.vocabulary(db)
        values = values or self._values(request.query)
        themes = sorted(vocab.themes.items(), key=lambda kv: kv[1].lower())
        return self.page(status, "form.html", request, values=values, errors=errors or {},
                         themes=themes, sources=sources.SOURCES, preview=preview,
                         preview_days=self.preview_days, max_query=MAX_QUERY_CHARS)

    def _check(self, request: Request, values: dict, db, with_email: bool):
        """(criteria, frequency, follow_ups) or raises AlertInputError."""
        vocab = self.vocabulary(db)
        if with_email:
            check_email(values["email"])
        criteria = check(self._raw(values), vocab)
        frequency = check_frequency(values["frequency"])
        if values["suites"] not in FOLLOW_UPS:
            raise AlertInputError("choisissez « nouveaux documents seulement » ou « aussi "
                                  "leurs suites »", "suites")
        return criteria, frequency, values["suites"] == "oui"

    def _preview(self, db, criteria) -> dict:
        count = select.preview(db, criteria, self.preview_days)
        per_day = count / max(self.preview_days, 1)
        return {"count": count, "days": self.preview_days, "per_day": per_day,
                "too_many": count > self.too_many * self.preview_days, "limit": self.too_many,
                "label": describe(criteria, self.vocabulary(db))}

    def _errors(self, exc: AlertInputError) -> dict:
        return {FIELDS.get(exc.field or "", "general"): str(exc)}

    def preview_page(self, request: Request) -> Response:
        db = self.db()
        values = self._values(request.form)
        try:
            criteria, _, _ = self._check(request, values, db, with_email=False)
        except AlertInputError as exc:
            return self.form_page(request, 400, values, self._errors(exc))
        return self.form_page(request, 200, values, preview=self._preview(db, criteria))

    def subscribe(self, request: Request) -> Response:
        db = self.db()
        values = self._values(request.form)
        try:
            self._check(request, values, db, with_email=True)
            result = subscriptions.subscribe(db, values["email"], self._raw(values),
                                             self.vocabulary(db), values["frequency"],
                                             follow_ups=values["suites"] == "oui")
        except AlertInputError as exc:
            return self.form_page(request, 400, values, self._errors(exc))
        sub = result.subscription
        if result.outcome != "already-active":
            send.send_confirmation(db, sub)  # a failure is logged; `alerts send` retries it
        # one page for every outcome: nothing tells whether the address was known
        return self.page(200, "verifiez.html", request, email=sub.email,
                         preview=self._preview(db, sub.criteria),
                         frequency=FREQUENCIES[sub.frequency],
                         follow_ups=FOLLOW_UPS["oui" if sub.follow_ups else "non"])

    # -- token pages
    def _details(self, db, sub) -> dict:
        sent = db.execute("select count(*) from deliveries where subscription_id = ? and "
                          "status = 'sent'", [sub.id]).fetchone()[0]
        messages = db.execute("select count(*) from sends where subscription_id = ? and "
                              "kind = 'digest' and status = 'sent'", [sub.id]).fetchone()[0]
        return {"sub": sub, "sent_documents": sent, "sent_messages": messages,
                "frequency": FREQUENCIES.get(sub.frequency, sub.frequency),
                "follow_ups": FOLLOW_UPS["oui" if sub.follow_ups else "non"]}

    def confirm(self, request: Request, token: str) -> Response:
        db = self.db()
        sub = subscriptions.confirm(db, token)
        return self.page(200, "confirme.html", request, **self._details(db, sub))

    def manage(self, request: Request, token: str, status: int = 200, saved: bool = False,
               errors: dict | None = None) -> Response:
        db = self.db()
        sub = subscriptions.by_token(db, token)
        others = [s for s in subscriptions.of_subscriber(db, sub.email) if s.id != sub.id]
        return self.page(status, "gerer.html", request, others=others, saved=saved,
                         errors=errors or {}, **self._details(db, sub))

    def change(self, request: Request, token: str) -> Response:
        db = self.db()
        subscriptions.by_token(db, token)  # unknown token: the 404 before any check
        suites = request.one("suites")
        try:
            if suites not in FOLLOW_UPS:
                raise AlertInputError("choisissez « nouveaux documents seulement » ou « aussi "
                                      "leurs suites »", "suites")
            subscriptions.update(db, token, check_frequency(request.one("frequency")),
                                 follow_ups=suites == "oui")
        except AlertInputError as exc:
            return self.manage(request, token, 400, errors=self._errors(exc))
        return self.manage(request, token, saved=True)

    def unsubscribe_page(self, request: Request, token: str) -> Response:
        db = self.db()
        sub = subscriptions.by_token(db, token)
        return self.page(200, "desabonner.html", request, sub=sub)

    def unsubscribe(self, request: Request, token: str, one_click: bool) -> Response:
        db = self.db()
        sub = subscriptions.unsubscribe(db, token)
        return self.page(200, "desabonne.html", request, sub=sub, one_click=one_click)


async def respond(send_event, response: Response, security: list) -> None:
    body = response.body.encode("utf-8")
    headers = [(b"content-type", response.content_type),
               (b"content-length", str(len(body)).encode()), *security, *response.headers]
    await send_event({"type": "http.response.start", "status": response.status,
                      "headers": headers})
    await send_event({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------------------- middleware

def _guard(app: AlertsApp, inner):
    """Outside asgi_csrf: reads the body once (MAX_BODY), recognises the RFC 8058 one-click
    POST (the only POST exempt from CSRF, through asgi_csrf's skip_if_scope), and refuses a
    POST without the CSRF cookie — asgi_csrf lets those through, we do not: every form of
    these pages carries its token."""
    async def guarded(scope, receive, send_event):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return await inner(scope, receive, send_event)
        body = await read_body(receive)
        if body is None:
            return await respond(send_event, app.message(
                413, "Demande trop grande", "Le formulaire envoyé est trop grand."), app.headers)
        headers = {k.lower(): v for k, v in scope.get("headers") or []}
        one_click = (scope["method"] == "POST" and scope["path"].startswith("/desabonner/")
                     and parse_form(headers, body) == ONE_CLICK)
        if not one_click and not headers.get(b"cookie"):
            return await respond(send_event, csrf_refused(app), app.headers)
        scope = {**scope, "alerts.body": body, "alerts.one_click": one_click}
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay_receive():
            return replay.pop(0) if replay else await receive()

        return await inner(scope, replay_receive, send_event)
    return guarded


def csrf_refused(app: AlertsApp) -> Response:
    return app.message(403, "Formulaire refusé",
                       "Ce formulaire a expiré ou ne vient pas de ces pages. Rechargez la "
                       "page, puis renvoyez-le.", home=True)


def make_app(private_path=None, public_path=None):
    """The ASGI app of the subscription pages, bound to the private database."""
    app = AlertsApp(private_path or config.private_db_path(), public_path or config.db_path())

    async def csrf_failed(scope, send_event, message_id):
        await respond(send_event, csrf_refused(app), app.headers)

    secure = (config.get("TECHNOVEILLE_ALERTS_URL") or "").startswith("https://")
    # the signing secret: ASGI_CSRF_SECRET (asgi_csrf's own variable), else one per process
    # (a restart then makes the open forms answer « Formulaire refusé » once)
    protected = asgi_csrf(app, signing_secret=config.get("ASGI_CSRF_SECRET") or None,
                          skip_if_scope=lambda scope: bool(scope.get("alerts.one_click")),
                          cookie_secure=secure, send_csrf_failed=csrf_failed)
    guarded = _guard(app, protected)

    async def application(scope, receive, send_event):
        if scope["type"] == "lifespan":
            return await app.lifespan(receive, send_event)
        return await guarded(scope, receive, send_event)

    application.alerts = app  # for the tests: the app behind the middleware
    return application
