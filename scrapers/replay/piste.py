"""Fake PISTE: the OAuth2 token endpoint and the three Légifrance API calls of the JORF flow,
answering in the documented JSON shapes (real 2020 samples + Swagger v2.4.2), built at
start-up from OUR JORFSIMPLE replay XML (data/jorf/archives), so both routes describe the
same texts.

  POST /piste/api/oauth/token                              client_credentials → token
  POST /piste/dila/legifrance/lf-engine-app/consult/lastNJo   {"nbElement": n}
  POST /piste/dila/legifrance/lf-engine-app/consult/jorfCont  {"id": JORFCONT…}
  POST /piste/dila/legifrance/lf-engine-app/consult/jorf      {"textCid": JORFTEXT…}
  GET  /piste/_stats                                        counters (tests)

The client_id chooses a behaviour (tests and demos of bad input):
  demo (or anything else)  normal
  bad-secret               token endpoint answers 400 invalid_client
  short-lived              tokens expire after 30 s (the client must refresh before expiry)
  revoke-once              every other token is revoked: its first use answers 401
  fail-401                 every API call answers 401
  fail-429                 /consult/jorf answers 429 (Retry-After: 1)
  fail-500                 /consult/jorfCont answers 500
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import parse_qs
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as DET

from scrapers.replay.jorf import DATA, shard

PREFIX = "/piste"
TOKEN_PATH = "/piste/api/oauth/token"
API_PATH = "/piste/dila/legifrance/lf-engine-app"
JSON = {"Content-Type": "application/json;charset=UTF-8"}

_lock = threading.Lock()
TOKENS: dict[str, dict] = {}  # token → {client, expires, used}
STATS: dict[str, int] = {}
_REVOKE = {"next": True}  # revoke-once: alternate revoked / good tokens


def _count(key: str) -> None:
    with _lock:
        STATS[key] = STATS.get(key, 0) + 1


def _ms(day: str | None) -> int | None:
    if not day or day.startswith("2999"):
        return None
    when = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1000)


def _text(el, tag):
    child = el.find(tag)
    return (child.text or "").strip() if child is not None and child.text else None


def _inner_html(el) -> str:
    """Serialised children of a CONTENU element (the API gives HTML strings)."""
    if el is None:
        return ""
    inner = (el.text or "").strip()
    for child in el:
        inner += ET.tostring(child, encoding="unicode")
    return inner.replace("\n", "")


def _eli_path(value: str | None) -> str | None:
    return value.replace("https://www.legifrance.gouv.fr", "") if value else None


def _cont_json(root, ref_stamp: str) -> dict:
    cid = _text(root, "ID")
    number = _text(root, "NUM")
    return {
        "id": cid, "cid": cid, "ancienId": None, "idEli": _eli_path(_text(root, "ID_ELI")),
        "origine": "JORF", "url": f"conteneur/JORF/CONT/{shard(cid)}/{cid}.xml",
        "nature": "JO", "titre": _text(root, "TITRE"), "etat": None, "num": number,
        "numero": None, "datePubli": _ms(_text(root, "DATE_PUBLI")), "relevantDate": None,
        "refInjection": f"MD-{ref_stamp.replace('-', '_')}_000_JOQUOT",
        "idTechInjection": f"index_DATA_JORF_CONT_{cid}",
    }


def _tms(node, existing: set[str], order: list[int]) -> list[dict]:
    out = []
    for tm in node.findall("TM"):
        order[0] += 1
        links = [{"id": l.get("idtxt"), "titre": l.get("titretxt"), "nature": None,
                  "ministere": None, "autorite": None, "emetteur": None, "etat": None,
                  "dateModif": None, "numSequence": None, "ordre": i + 1}
                 for i, l in enumerate(tm.findall("LIEN_TXT")) if l.get("idtxt") in existing]
        out.append({"titre": _text(tm, "TITRE_TM"), "niv": int(tm.get("niv") or 0),
                    "ordre": order[0], "liensTxt": links, "tms": _tms(tm, existing, order)})
    return out


def _article_json(art, order: int) -> dict:
    aid = _text(art, "ID")
    return {"executionTime": 0, "dereferenced": False, "id": aid, "cid": aid,
            "intOrdre": order, "etat": "VIGUEUR", "num": _text(art, "NUM"),
            "content": _inner_html(art.find("BLOC_TEXTUEL/CONTENU")), "nota": None,
            "comporteLiens": False, "articleVersion": "INITIALE", "type": "AUTONOME",
            "lstLienModification": [], "lstLienCitation": []}


def _text_json(root) -> dict:
    tid = _text(root, "ID")
    counter = [0]

    def level(node):
        sections, articles = [], []
        for child in node:
            counter[0] += 1024
            if child.tag == "SECTION_TA":
                sid = _text(child, "ID")
                sub_sections, sub_articles = level(child)
                sections.append({"executionTime": 0, "dereferenced": False, "id": sid,
                                 "cid": sid, "intOrdre": counter[0], "etat": "VIGUEUR",
                                 "title": _text(child, "TITRE_TA"), "sections": sub_sections,
                                 "articles": sub_articles, "commentaire": None})
            elif child.tag == "ARTICLE":
                articles.append(_article_json(child, counter[0]))
        return sections, articles

    sections, articles = level(root.find("STRUCT"))
    publi = _text(root, "DATE_PUBLI")
    alias = root.find("ELI_ALIAS/ID_ELI_ALIAS")
    return {
        "executionTime": 3, "dereferenced": False, "id": f"{tid}_01-01-2999",
        "idConteneur": None, "cid": tid, "title": _text(root, "TITREFULL"),
        "nor": _text(root, "NOR"), "eli": _eli_path(_text(root, "ID_ELI")),
        "alias": _eli_path(alias.text.strip()) if alias is not None and alias.text else None,
        "jorfText": _text(root, "ORIGINE_PUBLI"), "jurisState": "Sans état juridique",
        "visa": _inner_html(root.find("VISAS/CONTENU")),
        "signers": _inner_html(root.find("STRUCT/SIGNATAIRES/CONTENU")),
        "prepWork": _inner_html(root.find("TP/CONTENU")),
        "dateParution": _ms(publi), "dateTexte": _ms(_text(root, "DATE_TEXTE")),
        "numParution": _text(root, "NUM_PARUTION"), "notice": _inner_html(
            root.find("NOTICE/CONTENU")), "nota": "", "inap": False,
        "textNumber": "1", "textAbroge": False, "nature": _text(root, "NATURE"),
        "ministere": _text(root, "MINISTERE"), "dossiersLegislatifs": [], "motsCles": [],
        "liens": [], "sections": sections, "articles": articles,
        "jorfFileMetadata": [],
    }


@lru_cache(maxsize=1)
def corpus() -> tuple[dict, dict, dict]:
    """(containers: id → Conteneur json, sommaires: id → FullConteneur json,
    texts: JORFTEXT → ConsultJorfResponse json) from the replay XML."""
    conts, fulls, texts = {}, {}, {}
    for folder in sorted((DATA / "archives").iterdir()):
        stamp = folder.name.split("_", 1)[1]
        for cont_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
            ids = {p.stem for p in cont_dir.glob("JORFTEXT*.xml")}
            for path in sorted(cont_dir.glob("JORFTEXT*.xml")):
                texts[path.stem] = _text_json(DET.fromstring(path.read_bytes()))
            root = DET.fromstring((cont_dir / f"{cont_dir.name}.xml").read_bytes())
            cont = _cont_json(root, stamp)
            if int(stamp[9:11]) < 6:  # evening archives re-inject old JOs: not in lastNJo
                conts[cont["id"]] = cont
            full = dict(cont, structure={"liens": [], "tms": _tms(
                root.find("STRUCTURE_TXT"), ids, [0])})
            fulls[cont["id"]] = full
    return conts, fulls, texts


def _json(status: int, payload, headers=None):
    return status, dict(JSON, **(headers or {})), json.dumps(payload, ensure_ascii=False)


def _token(headers) -> tuple[int, dict, bytes]:
    form = parse_qs((headers.get("_body") or b"").decode("utf-8", "replace"))
    client = (form.get("client_id") or [""])[0]
    secret = (form.get("client_secret") or [""])[0]
    if form.get("grant_type") != ["client_credentials"] or not client or not secret \
            or client == "bad-secret":
        _count("token_refused")
        return _json(400, {"error": "invalid_client",
                           "error_description": "Invalid client credentials"})
    _count("token")
    lifetime = 30 if client == "short-lived" else 3600
    token = hashlib.sha256(f"{client}{time.time_ns()}".encode()).hexdigest()[:40]
    with _lock:
        # revoke-once: every other token is revoked at its first use (server-side revocation)
        revoke = client == "revoke-once" and _REVOKE["next"]
        if client == "revoke-once":
            _REVOKE["next"] = not revoke
        TOKENS[token] = {"client": client, "expires": time.time() + lifetime, "used": 0,
                         "revoke": revoke}
    return _json(200, {"access_token": token, "token_type": "Bearer",
                       "expires_in": lifetime, "scope": "openid"})


def _api(endpoint: str, headers) -> tuple[int, dict, bytes]:
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    token = auth[7:] if auth.startswith("Bearer ") else ""
    with _lock:
        info = TOKENS.get(token)
        if info:
            info["used"] += 1
    if not info or info["expires"] < time.time():
        _count("401")
        return _json(401, {"error": "invalid_token"})
    client = info["client"]
    if client == "fail-401" or (info["revoke"] and info["used"] == 1):
        _count("401")
        return _json(401, {"error": "invalid_token"})
    try:
        body = json.loads(headers.get("_body") or b"{}")
    except ValueError:
        return _json(400, {"error": "bad request"})
    _count(endpoint)
    conts, fulls, texts = corpus()
    if endpoint == "lastNJo":
        n = int(body.get("nbElement") or 5)
        latest = sorted(conts.values(), key=lambda c: c["datePubli"] or 0, reverse=True)[:n]
        return _json(200, {"executionTime": 12, "totalNbResult": 0, "containers": latest})
    if endpoint == "jorfCont":
        if client == "fail-500":
            return _json(500, {"error": "Internal Server Error"})
        # like the real API, a body without "id" gets the latest JO, not an error
        wanted = body.get("id") or max(conts.values(), key=lambda c: c["datePubli"])["id"]
        if wanted not in fulls:
            return _json(200, {"totalNbResult": 0, "executionTime": 4, "items": []})
        return _json(200, {"totalNbResult": 1, "executionTime": 20, "items": [
            {"joCont": fulls[wanted], "joEA": None, "joInap": None, "josPat": []}]})
    if endpoint == "jorf":
        if client == "fail-429":
            return _json(429, {"error": "Too Many Requests"}, {"Retry-After": "1"})
        cid = body.get("textCid")
        if cid not in texts:
            return _json(404, {"error": "Not Found"})
        return _json(200, texts[cid])
    return _json(404, {"error": "Not Found"})


def handler(path, query, headers):
    if path == f"{PREFIX}/_stats":
        with _lock:
            return _json(200, dict(STATS))
    if headers.get("_method") != "POST":
        return _json(405, {"error": "Method Not Allowed"})
    if path == TOKEN_PATH:
        return _token(headers)
    if path.startswith(API_PATH + "/consult/"):
        return _api(path.rsplit("/", 1)[-1], headers)
    return _json(404, {"error": "Not Found"})


ROUTES = [(PREFIX, handler)]


def demo_env(base_url: str) -> dict[str, str]:
    return {"PISTE_OAUTH_URL": f"{base_url}{TOKEN_PATH}",
            "PISTE_API_URL": f"{base_url}{API_PATH}"}
