"""The messages, in French: the confirmation mail and the digest (plain text + HTML), the
chat/webhook text. Scraped text is escaped in the HTML (Jinja autoescape, core.highlight)."""
from __future__ import annotations

import email.charset
import email.header
import email.policy
import json
import re
from dataclasses import dataclass, field
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote

import jinja2

from alerts.criteria import FREQUENCIES
from technoveille.core import config, sources
from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN, highlight_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHORT_THEMES = {"drones": "drones", "biometrie": "biométrie", "video": "vidéo", "son": "son",
                "predictif": "police prédictive", "fichiers": "fichiers",
                "fournisseurs": "fournisseurs"}
SECTIONS = {"new": "Nouveaux documents", "followup": "Suites de documents déjà envoyés",
            "history": "Trouvé dans l'historique"}
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _plaintext(value) -> str:
    return str(value or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                          autoescape=jinja2.select_autoescape(["html"]),
                          keep_trailing_newline=True)
_env.filters["highlight"] = highlight_html
_env.filters["plaintext"] = _plaintext


def date_fr(value) -> str:
    match = _DATE.match(str(value or ""))
    if not match:
        return str(value or "")
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return str(value)
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def site_url() -> str:
    return (config.get("TECHNOVEILLE_SITE_URL") or "http://127.0.0.1:8001").rstrip("/")


def alerts_url() -> str:
    return (config.get("TECHNOVEILLE_ALERTS_URL") or "").rstrip("/")


def document_link(doc_id: str) -> str:
    return f"{site_url()}/document/{quote(doc_id, safe=':@!$&()*+,;=-._~')}"


def manage_link(token: str) -> str:
    return f"{alerts_url()}/gerer/{token}"


def unsubscribe_link(token: str) -> str:
    return f"{alerts_url()}/desabonner/{token}"


def confirm_link(token: str) -> str:
    return f"{alerts_url()}/confirmer/{token}"


@dataclass
class Item:
    id: str
    title: str
    kind: str
    authority: str | None
    place: str | None
    date: str | None
    link: str
    original: str | None
    themes: str
    theme_ids: list[str]
    snippets: list[str]
    section: str = "new"
    follows: str | None = None
    follows_title: str | None = None
    follows_link: str | None = None
    followups: list["Item"] = field(default_factory=list)


def _base(db, doc_ids: list[str], theme_labels: dict[str, str], cache: dict) -> None:
    """Read the documents not yet in `cache` (two queries for all of them)."""
    missing = [d for d in dict.fromkeys(doc_ids) if d not in cache]
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        snippets: dict[str, list[str]] = {}
        for doc_id, snippet in db.execute(
                "select document_id, snippet from (select document_id, snippet, min(start) as s "
                f"from pub.hits where document_id in ({marks}) and negated = 0 and snippet is "
                "not null group by document_id, snippet) order by document_id, s", chunk):
            if len(snippets.setdefault(doc_id, [])) < 2:
                snippets[doc_id].append(snippet)
        for doc in db.execute(
                "select id, title, doc_type, source, authority, place_name, place_code, "
                f"published_on, url, themes, substr(text, 1, 600) from pub.documents "
                f"where id in ({marks})", chunk):
            theme_ids = json.loads(doc[9] or "[]")
            found = snippets.get(doc[0])
            if not found and doc[10]:
                text = " ".join(doc[10].split())
                found = [text[:280] + ("…" if len(text) > 280 else "")]
            place = " ".join(p for p in (doc[5], f"({doc[6]})" if doc[6] else None) if p) or None
            cache[doc[0]] = dict(
                id=doc[0], title=doc[1] or doc[0], kind=doc[2] or sources.label(doc[3]),
                authority=doc[4], place=place, date=date_fr(doc[7]) if doc[7] else None,
                link=document_link(doc[0]), original=doc[8],
                themes=", ".join(theme_labels.get(t, t) for t in theme_ids),
                theme_ids=theme_ids, snippets=found or [])


def load_items(db, rows: list[tuple[str, str, str | None]], theme_labels: dict[str, str],
               cache: dict | None = None) -> list[Item]:
    """Items for (document_id, section, follows) rows, read from the attached public DB;
    `cache` keeps what was read for the next message of the same run."""
    cache = {} if cache is None else cache
    _base(db, [r[0] for r in rows] + [r[2] for r in rows if r[2]], theme_labels, cache)
    items = []
    for doc_id, section, follows in rows:
        base = cache.get(doc_id)
        if base is None:
            continue
        item = Item(**base, section=section, follows=follows)
        item.theme_ids = list(base["theme_ids"])
        item.snippets = list(base["snippets"])
        if follows:
            target = cache.get(follows)
            item.follows_title = (target or {}).get("title") or follows
            item.follows_link = document_link(follows)
        items.append(item)
    return items


def group(items: list[Item]) -> list[dict]:
    """Sections in order; a follow-up whose original is in the same message goes under it."""
    by_id = {i.id: i for i in items}
    top = []
    for item in items:
        parent = by_id.get(item.follows) if item.follows else None
        if parent is not None and parent is not item:
            parent.followups.append(item)
        else:
            top.append(item)
    out = []
    for key, title in SECTIONS.items():
        chosen = [i for i in top if (i.section if i.section in SECTIONS else "new") == key]
        if chosen:
            out.append({"key": key, "title": title, "entries": chosen})
    return out


def subject(items: list[Item]) -> str:
    new = sum(1 for i in items if i.section != "history")
    old = len(items) - new
    themes = []
    for item in items:
        for theme in item.theme_ids:
            short = SHORT_THEMES.get(theme, theme)
            if short not in themes:
                themes.append(short)
    counts = []
    if new:
        counts.append(f"{new} nouveau document" if new == 1 else f"{new} nouveaux documents")
    if old:
        counts.append(f"{old} document trouvé dans l'historique" if old == 1
                      else f"{old} documents trouvés dans l'historique")
    text = "technoveille : " + " et ".join(counts)
    if themes:
        text += " — " + ", ".join(themes[:4])
    return text


# headers unfolded up to RFC 5322's hard limit: List-Unsubscribe stays on one line
POLICY = email.policy.compat32.clone(max_line_length=998)
_UTF8 = email.charset.Charset("utf-8")
_UTF8.body_encoding = email.charset.QP   # readable in any mail client's « view source »


def _header(value: str):
    return value if value.isascii() else email.header.Header(value, "utf-8")


def _message(to: str, subject_line: str, text: str, html: str, headers: dict) -> Message:
    """multipart/alternative (text, then HTML). Built with the compat32 classes: the header
    registry of email.policy costs more than the rest of a digest (bench/alerts.py)."""
    msg = MIMEMultipart("alternative", policy=POLICY)
    sender = config.get("ALERTS_FROM") or "technoveille <ne-pas-repondre@technoveille.invalid>"
    msg["From"] = _header(sender)
    msg["To"] = to
    msg["Subject"] = _header(subject_line)
    msg["Date"] = formatdate(localtime=False)
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "technoveille.invalid"
    msg["Message-ID"] = make_msgid("technoveille", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    for key, value in headers.items():
        msg[key] = value
    msg.attach(MIMEText(text, "plain", _UTF8, policy=POLICY))
    msg.attach(MIMEText(html, "html", _UTF8, policy=POLICY))
    return msg


def digest(sub, items: list[Item], max_full: int) -> Message:
    sections = group(items)
    shown, more, count = [], [], 0
    for section in sections:
        kept = []
        for item in section["entries"]:
            (kept if count < max_full else more).append(item)
            count += 1
        if kept:
            shown.append({**section, "entries": kept})
    subject_line = subject(items)
    total = len(items)
    intro = (f"Bonjour, voici {'le document' if total == 1 else f'les {total} documents'} "
             "que votre alerte technoveille a trouvé(s).")
    context = {"sub": sub, "sections": shown, "more": more, "subject": subject_line,
               "intro": intro, "frequency": FREQUENCIES.get(sub.frequency, sub.frequency),
               "manage_url": manage_link(sub.token),
               "unsubscribe_url": unsubscribe_link(sub.token)}
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_link(sub.token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"technoveille alerte {sub.id} <alerte-{sub.id}.technoveille.invalid>",
        "Precedence": "bulk",
    }
    return _message(sub.email, subject_line, _env.get_template("digest.txt").render(context),
                    _env.get_template("digest.html").render(context), headers)


def confirmation(sub, preview: int, preview_days: int) -> Message:
    subject_line = "technoveille : confirmez votre alerte"
    context = {"sub": sub, "subject": subject_line,
               "frequency": FREQUENCIES.get(sub.frequency, sub.frequency),
               "follow_ups": ("avec les suites (rectificatifs, attributions, annulations) des "
                              "documents envoyés") if sub.follow_ups
               else "nouveaux documents seulement",
               "preview": preview, "preview_days": preview_days,
               "confirm_url": confirm_link(sub.confirm_token or ""),
               "manage_url": manage_link(sub.token)}
    return _message(sub.email, subject_line,
                    _env.get_template("confirmation.txt").render(context),
                    _env.get_template("confirmation.html").render(context), {})


def _md(text: str) -> str:
    """Scraped text inside Markdown: its brackets, stars and backticks lose their meaning."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", str(text or ""))


def chat(items: list[Item], label: str) -> tuple[str, str]:
    """(title, markdown body) of one chat / webhook notification."""
    title = subject(items)
    lines = [f"Alerte : {label}", ""]
    for item in items[:50]:
        mark = " (trouvé dans l'historique)" if item.section == "history" else ""
        lines.append(f"- [{_md(item.title)}]({item.link}){mark} — {_md(item.kind)}"
                     + (f" — {_md(item.authority)}" if item.authority else ""))
    if len(items) > 50:
        lines.append(f"- … et {len(items) - 50} autre(s)")
    return title, "\n".join(lines)
