"""Pure parsing of Légifrance API (PISTE) JSON for the JORF: `/consult/lastNJo`,
`/consult/jorfCont` and `/consult/jorf` → the same Document fields as the JORFSIMPLE
archives (scrapers.parsers.jorf), so both routes de-duplicate on the JORFTEXT id.

Shapes follow the real 2020 samples and Swagger v2.4.2 (parsed defensively: unknown fields
ignored, missing ones tolerated). Dates are epoch milliseconds at 00:00 UTC; `2999-01-01`
means "none". HTML fragments (visa, signers, article content) are parsed with lxml's HTML
parser (no entities, no network) and flattened like the XML CONTENU.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import lxml.html

from scrapers.parsers import jorf

ELI_HOST = "https://www.legifrance.gouv.fr"


class ApiShapeError(ValueError):
    """A JSON answer that does not have the documented shape."""


def epoch_day(value: Any) -> str | None:
    """Epoch ms (int or numeric string) or ISO string → `YYYY-MM-DD` (UTC), None if absent."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        day = value[:10]
        return None if day == jorf.NO_DATE else day
    try:
        day = datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return None
    return None if day == jorf.NO_DATE else day


def html_fragment_text(html: str | None) -> str:
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return jorf.html_text(root)


def containers(data: dict) -> list[dict]:
    """`/consult/lastNJo` → [{id, title, number, date, ref_injection}] (totalNbResult is not
    trusted: the real API answers 0 with five containers)."""
    if not isinstance(data, dict) or not isinstance(data.get("containers"), list):
        raise ApiShapeError("lastNJo: no 'containers' list")
    out = []
    for cont in data["containers"]:
        if not isinstance(cont, dict) or not jorf.CONT_ID_RE.fullmatch(str(cont.get("id"))):
            continue
        out.append({"id": cont["id"], "title": cont.get("titre"), "number": cont.get("num"),
                    "date": epoch_day(cont.get("datePubli")),
                    "ref_injection": cont.get("refInjection")})
    return out


def sommaire(data: dict, expected_id: str) -> dict:
    """`/consult/jorfCont {"id"}` → {id, title, number, date, texts: {JORFTEXT: {title,
    rubric}}}. Raises ApiShapeError when the answer is about another JO (the API answers
    the latest JO to a body it does not understand)."""
    items = data.get("items") if isinstance(data, dict) else None
    if not items or not isinstance(items, list) or not isinstance(items[0], dict):
        raise ApiShapeError("jorfCont: no items")
    cont = items[0].get("joCont") or {}
    if cont.get("id") != expected_id:
        raise ApiShapeError(f"jorfCont: asked {expected_id}, got {cont.get('id')}")
    texts: dict[str, dict] = {}

    def add(links, path):
        for link in links or []:
            tid = str((link or {}).get("id") or "")
            if jorf.TEXT_ID_RE.fullmatch(tid):
                texts.setdefault(tid, {"title": link.get("titre") or "",
                                       "rubric": " > ".join(p for p in path if p)})

    def walk(tms, path):
        for tm in sorted(tms or [], key=lambda t: (t or {}).get("ordre") or 0):
            title = (tm or {}).get("titre") or ""
            sub = path if (tm.get("niv") == 1 and not path) else path + [title]
            add(tm.get("liensTxt"), sub)
            walk(tm.get("tms"), sub)

    structure = cont.get("structure") or {}
    add(structure.get("liens"), [])
    walk(structure.get("tms"), [])
    return {"id": cont["id"], "title": cont.get("titre"), "number": cont.get("num"),
            "date": epoch_day(cont.get("datePubli")), "texts": texts}


def _ordered(node: dict) -> list[tuple[str, dict]]:
    """Sections and articles of one level in document order (intOrdre)."""
    items = [("section", s) for s in node.get("sections") or [] if isinstance(s, dict)]
    items += [("article", a) for a in node.get("articles") or [] if isinstance(a, dict)]
    return sorted(items, key=lambda kv: kv[1].get("intOrdre") or 0)


def consult_jorf(data: dict, cont: dict | None = None) -> dict:
    """`/consult/jorf {"textCid"}` → Document fields (source `jorf`, source_id JORFTEXT)."""
    if not isinstance(data, dict):
        raise ApiShapeError("jorf: not an object")
    cid = str(data.get("cid") or str(data.get("id") or "").split("_")[0])
    if not jorf.TEXT_ID_RE.fullmatch(cid):
        raise ApiShapeError(f"jorf: no JORFTEXT cid ({cid!r})")
    entries: list[dict] = []

    def walk(node):
        for kind, item in _ordered(node):
            if kind == "section":
                entries.append({"section": item.get("title") or ""})
                walk(item)
            else:
                entries.append({"id": item.get("id") or item.get("cid"), "num": item.get("num"),
                                "text": html_fragment_text(item.get("content"))})

    walk(data)
    articles = [e for e in entries if "id" in e]
    notice = html_fragment_text(data.get("notice"))
    visa = html_fragment_text(data.get("visa"))
    signers = html_fragment_text(data.get("signers"))
    body, parts = [t for t in (notice, visa) if t], []
    for entry in entries:
        if "section" in entry:
            if entry["section"]:
                body.append(entry["section"])
            continue
        label = jorf.article_label(entry["num"], articles.index(entry), len(articles))
        parts.append({"label": label, "text": entry["text"]})
        body.append(f"{label}\n{entry['text']}" if entry["text"] else label)
    if signers:
        body.append(signers)

    def eli(value):
        if not value:
            return None
        return ELI_HOST + value if str(value).startswith("/") else value

    published = epoch_day(data.get("dateParution"))
    rubric = (cont or {}).get("texts", {}).get(cid, {}).get("rubric") or None
    alias = str(data.get("alias") or "")
    number = re.search(r"/(\d{4}-\d+)/jo/texte$", alias)  # /eli/loi/2020/12/14/2020-1576/jo/texte
    extra = {
        "nature": data.get("nature"),
        "nor": data.get("nor") or None,
        "num": number.group(1) if number else None,
        "eli": eli(data.get("eli")),
        "eli_alias": eli(data.get("alias")),
        "jo_id": data.get("idConteneur") or (cont or {}).get("id"),
        "jo_number": data.get("numParution") or (cont or {}).get("number"),
        "jo_date": published or (cont or {}).get("date"),
        "jo_title": data.get("jorfText") or (cont or {}).get("title"),
        "date_texte": epoch_day(data.get("dateTexte")),
        "rubric": rubric,
        "signataires": signers or None,
        "articles": [{"num": a["num"], "id": a["id"]} for a in articles],
        "route": "api",
        "reinjected": False,
    }
    return {
        "source": "jorf",
        "source_id": cid,
        "url": jorf.LEGIFRANCE_TEXT_URL.format(cid),
        "title": data.get("title") or cid,
        "text": "\n\n".join(body),
        "parts": parts,
        "published_on": published or (cont or {}).get("date"),
        "doc_type": jorf.doc_type(data.get("nature")),
        "authority": data.get("ministere") or None,
        "extra": {k: v for k, v in extra.items() if v not in (None, "", [])},
    }
