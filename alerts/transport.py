"""How messages leave: SMTP (smtplib) to SMTP_URL, else a local Maildir (the embedded
default: `make demo` reads its digest there); chat and webhooks through Apprise.

SMTP_URL forms: `smtp://host:25` (STARTTLS when the server offers it),
`smtp://user:password@host:587?starttls=required`, `smtps://user:password@host:465`
(TLS from the start). User and password are percent-decoded. Secrets never reach a log line
or the database: `shown(url)` masks them."""
from __future__ import annotations

import logging
import mailbox
import re
import smtplib
import ssl
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import apprise

from technoveille.core import config

logger = logging.getLogger(__name__)

_SECRET_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<userinfo>[^@/\s]+)@", re.I)


def shown(url: str | None) -> str:
    """A URL with its secrets masked: userinfo, query values and long path tokens."""
    if not url:
        return ""
    text = _SECRET_IN_URL.sub(lambda m: m.group("scheme") + "***@", url)
    text = re.sub(r"([?&][^=&#]+=)[^&#]*", r"\1***", text)
    return re.sub(r"(?<=/)[A-Za-z0-9_\-]{16,}", "***", text)


class TransportError(Exception):
    """A message could not be handed over; it stays pending. `permanent` for a 5xx."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class MaildirTransport:
    """Mails written to a Maildir (new/): the default without SMTP_URL."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.description = f"boîte locale {self.path}"

    def send(self, message: Message) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(str(self.path), create=True)
            for sub in ("tmp", "new", "cur"):  # a folder made by hand, without its parts
                (self.path / sub).mkdir(exist_ok=True)
            box.add(message.as_bytes())
        except OSError as exc:
            raise TransportError(f"boîte locale {self.path} inutilisable ({exc.strerror})") \
                from None

    def close(self) -> None:
        pass


class SmtpTransport:
    """One connection per run, opened on the first message, re-opened after a failure."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise TransportError(f"SMTP_URL invalide : {shown(url)} (smtp://hôte:port ou "
                                 "smtps://…)", permanent=True)
        self.tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.starttls = (query.get("starttls") or ["auto"])[0].lower()
        self.timeout = timeout
        self.description = f"SMTP {self.host}:{self.port}"
        self._conn: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        if self.tls:
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.starttls == "required" or (self.starttls == "auto"
                                               and conn.has_extn("starttls")):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
        if self.user:
            conn.login(self.user, self.password or "")
        return conn

    def send(self, message: Message) -> None:
        try:
            if self._conn is None:
                self._conn = self._open()
            self._conn.send_message(message)
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise TransportError(f"le serveur SMTP a refusé le message ({exc.smtp_code})",
                                 permanent=500 <= exc.smtp_code < 600) from None
        except smtplib.SMTPRecipientsRefused as exc:
            self._drop()
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise TransportError(f"destinataire refusé par le serveur SMTP ({codes})",
                                 permanent=all(500 <= c < 600 for c in codes)) from None
        except smtplib.SMTPAuthenticationError:
            self._drop()
            raise TransportError("identifiant ou mot de passe SMTP refusé", permanent=True) \
                from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TransportError(f"serveur SMTP injoignable ou coupé ({type(exc).__name__})") \
                from None
        except UnicodeEncodeError:
            self._drop()
            raise TransportError("l'identifiant ou le mot de passe de SMTP_URL contient des "
                                 "caractères non ASCII, que le protocole ne permet pas",
                                 permanent=True) from None

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except Exception:  # noqa: BLE001
                pass
        self._conn = None


def mail_transport():
    url = config.get("SMTP_URL")
    if url:
        return SmtpTransport(url, config.get_float("ALERTS_SMTP_TIMEOUT"))
    return MaildirTransport(Path(config.get("ALERTS_MAILDIR")))


# ---------------------------------------------------------------------------- Apprise

def check_apprise_url(url: str) -> str:
    """A URL Apprise knows (Matrix, Mattermost, Telegram, ntfy, json:// webhook…)."""
    from alerts.criteria import AlertInputError

    url = (url or "").strip()
    if not url or len(url) > 2000 or apprise.Apprise.instantiate(url) is None:
        raise AlertInputError(f"adresse de canal non reconnue par Apprise : {shown(url)!r} "
                              "(exemples : json://hôte/chemin, ntfy://sujet, "
                              "matrix://utilisateur:jeton@hôte/#salon)", "url")
    return url


def notify(url: str, title: str, body: str, body_format: str = "markdown") -> None:
    """One Apprise notification; raises TransportError when it was not delivered."""
    app = apprise.Apprise()
    if not app.add(url):
        raise TransportError(f"canal invalide : {shown(url)}", permanent=True)
    fmt = {"markdown": apprise.NotifyFormat.MARKDOWN, "text": apprise.NotifyFormat.TEXT}[
        body_format]
    # Apprise logs through the "apprise" logger: its lines may hold the URL, keep them out
    logging.getLogger("apprise").setLevel(logging.CRITICAL)
    if not app.notify(title=title, body=body, body_format=fmt):
        raise TransportError(f"le canal {shown(url)} n'a pas accepté la notification")
