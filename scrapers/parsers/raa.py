"""From a recueil des actes administratifs (RAA) to its arrêtés: pure functions over the text
of each page (native text, or OCR — the caller gives the pages).

- `cover(text)`: the recueil's number and « PUBLIÉ LE … » date from page 1;
- `sommaire(text)`: service headings and entries
  `26-2025-02-19-00002 - <titre> (3 pages) Page 3`, titles spread over several lines, with
  OCR noise (`S`/`s` read for 5, `O` for 0, bullets, missing spaces before « Page »);
- `split(pages)`: one act per sommaire entry — id, title, signature date (from the id), page
  range, service, text of its pages. A free-text sommaire (no ids nor pages, Loire-Atlantique)
  gives no entries: the caller stores the recueil whole with an error row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
          "juillet": 7, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
          "decembre": 12}

_ACT_ID = r"(?P<id>\d[\dA-B]{1,2}-\d{4}-\d{2}-\d{2}-\d{5})"
_ENTRY_START = re.compile(r"^[\s•·\-*]*" + _ACT_ID + r"\s*[-–]\s*(?P<rest>.*)$")
_ENTRY_END = re.compile(
    r"\((?P<n>[\dSsOo]+)\s*pages?\)\s*Page\s*(?P<page>[\dSsOo]+)\s*$", re.I)
_HEADING = re.compile(r"^\s*\d[\dAB]{1,3}_\S")
_NUMBER = re.compile(r"N\s*[°ºo]\s*[•·]?\s*(?P<n>\d[\dAB]{1,2}-\d{4}-\d{3}\w*)", re.I)
_PUBLISHED = re.compile(r"PUBLI[ÉE]\s+LE\s+(?P<d>\d{1,2})(?:er)?\s+(?P<m>[A-Za-zÉÈÛéèûô]+)\s+"
                        r"(?P<y>\d{4})", re.I)


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.lower())
                   if unicodedata.category(c) != "Mn")


def _digits(s: str) -> int:
    """OCR-tolerant integer: S/s read for 5, O/o for 0 (as Projet-Furet does)."""
    return int(s.translate(str.maketrans("SsOo", "5500")))


@dataclass
class Cover:
    number: str | None
    published: date | None


@dataclass
class Entry:
    id: str
    title: str
    pages: int
    first_page: int
    service: str | None
    signed: date | None


@dataclass
class Act:
    id: str
    title: str
    signed: date | None
    first_page: int
    last_page: int
    service: str | None
    text: str


def cover(text: str) -> Cover:
    m = _NUMBER.search(text or "")
    p = _PUBLISHED.search(text or "")
    published = None
    if p:
        month = MONTHS.get(_fold(p["m"]))
        if month:
            try:
                published = date(int(p["y"]), month, int(p["d"]))
            except ValueError:
                published = None
    return Cover(m["n"] if m else None, published)


def signed_date(act_id: str) -> date | None:
    """`26-2025-02-19-00002` → 19 February 2025; None for an impossible date."""
    m = re.match(r"^\w+-(\d{4})-(\d{2})-(\d{2})-\d+$", act_id)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def sommaire(text: str) -> list[Entry]:
    """The entries of a sommaire (one or more pages of text), in order."""
    lines = [ln.strip() for ln in (text or "").splitlines()]
    out: list[Entry] = []
    service: str | None = None
    heading: list[str] = []
    cur: dict | None = None
    for ln in lines:
        if not ln:
            continue
        start = _ENTRY_START.match(ln)
        if cur is None and start:
            if heading:
                service, heading = " ".join(heading), []
            cur = {"id": start["id"], "title": start["rest"]}
        elif cur is not None:
            cur["title"] += " " + ln
        elif _HEADING.match(ln) or heading:
            if _HEADING.match(ln):
                heading = [ln]
            elif len(heading) < 3:
                heading.append(ln)
            continue
        else:
            continue
        end = _ENTRY_END.search(cur["title"])
        if end:
            title = re.sub(r"\s+", " ", cur["title"][:end.start()]).strip(" -–")
            out.append(Entry(cur["id"], title, _digits(end["n"]), _digits(end["page"]),
                             service.rstrip(" /") if service else None,
                             signed_date(cur["id"])))
            cur = None
    return out


class SommaireError(ValueError):
    """The sommaire cannot be read or does not fit the recueil (message in French)."""


def split(pages: list[str]) -> tuple[Cover, list[Act]]:
    """Cut a recueil (text of each page, page 1 first) into its acts at the sommaire's page
    numbers. SommaireError when no entry is found or a page number points past the end."""
    if not pages:
        raise SommaireError("recueil vide (aucune page)")
    head = cover(pages[0])
    entries: list[Entry] = []
    for i, text in enumerate(pages[:6]):
        if i and entries and not _ENTRY_START.search(text or ""):
            break
        entries += [e for e in sommaire(text) if e.id not in {x.id for x in entries}]
    if not entries:
        raise SommaireError("sommaire illisible : aucune entrée « <id> - <titre> (n pages) "
                            "Page p » trouvée")
    total = len(pages)
    acts = []
    for k, e in enumerate(entries):
        if e.first_page > total:
            raise SommaireError(f"le sommaire renvoie à la page {e.first_page} pour {e.id}, "
                                f"mais le recueil n'a que {total} pages")
        nxt = entries[k + 1].first_page - 1 if k + 1 < len(entries) else total
        last = min(max(e.first_page + e.pages - 1, e.first_page), total)
        if nxt >= e.first_page:
            last = min(last, nxt) if nxt < total else last
        acts.append(Act(e.id, e.title, e.signed, e.first_page, last, e.service,
                        "\n".join(pages[e.first_page - 1:last])))
    return head, acts
