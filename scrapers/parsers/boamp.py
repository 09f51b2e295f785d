"""BOAMP record → Document fields. Pure functions, no Scrapy.

API
---
``parse_record(record: dict) -> ParseResult``

* ``record``: one flat record of the Opendatasoft Explore API v2.1 dataset ``boamp``, as found in
  ``/records`` ``results`` or in the ``/exports/json`` list. ``donnees`` and ``gestion`` are JSON
  *strings* (an already-decoded object is accepted too).
* ``ParseResult.document``: a dict with exactly the fields of ``technoveille.core.items.Document`` except
  ``fetched_at``/``sha256``/``archive`` (the spider does ``Document(**result.document)``).
* ``ParseResult.errors``: human-readable problems, one line each (``donnees`` null/empty/invalid JSON,
  unknown format, invalid ``gestion``, missing fields, rejected deadline, repaired mojibake…). The spider
  turns each into a ``CrawlError``. The same list is kept in ``document["extra"]["warnings"]``.
  A record with bad ``donnees`` still yields a Document from its flat fields.
* Raises ``BoampRecordError(idweb, reason)`` only when the record is not an object or has no idweb at
  all (neither ``idweb`` nor ``gestion.REFERENCE.IDWEB``).

Fields
------
``source`` "boamp"; ``source_id`` idweb; ``url`` ``url_avis`` or
``https://www.boamp.fr/pages/avis/?q=idweb:<idweb>``; ``title`` ``objet`` (else the notice's title);
``text`` the full text: title, descriptions, every lot, every other text leaf worth reading, descriptors,
winners; ``parts`` one ``{"label": "Lot 2 – Name", "text": …}`` per lot; ``published_on``
``dateparution``; ``doc_type`` a French label from ``etat``/``nature`` (« avis de marché »,
« attribution », « rectificatif », « annulation », « modification », « pré-information », …);
``authority``/``authority_id`` the buyer and its SIRET (from ``donnees``); ``place_code``/``place_name``
the publication département(s), comma-joined; ``related`` ``[{"source_id", "relation"}]`` from
``annonce_lie``, ``gestion`` (ANNONCE_ANTERIEUR, AVISLIEE), the v110 ``annonces_anterieures_schema_v110``
and the national ``avisInitial``; ``extra`` {deadline, nature, etat, famille, cpv, winners, descripteurs,
type_marche, contractfolderid, format, subtype, departements, procedure, warnings}.

Deadlines are ISO 8601 in Europe/Paris time with their offset (``2026-09-30T11:00:00+02:00``), or a bare
date when only a day is known. Naive national times are Paris wall-clock time; eForms values carry their
offset. The flat ``datelimitereponse`` is labelled UTC by ODS, which is true for eForms/v230 but not for
the national formats (a naive Paris time relabelled), so ``donnees`` and ``gestion`` are read first.
A deadline more than 20 years after (or 5 before) publication (typos like 7017) is rejected with a warning.

Text hygiene on every string: HTML entities, cp1252 C1 controls, UTF-8 mojibake, NFC
(``scrapers.parsers.textclean``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from scrapers.parsers import departements
from scrapers.parsers.boamp_formats import (Extracted, as_list, enum_key, extract, is_legacy_api,
                                            legacy_api_upper, txt)
from technoveille.core.textclean import TextCleaner

PARIS = ZoneInfo("Europe/Paris")
SOURCE = "boamp"
AVIS_URL = "https://www.boamp.fr/pages/avis/?q=idweb:{idweb}"
MAX_YEARS_AFTER, MAX_YEARS_BEFORE = 20, 5

DOC_TYPES = {
    "APPEL_OFFRE": "avis de marché",
    "ATTRIBUTION": "attribution",
    "RECTIFICATIF": "rectificatif",
    "ANNULATION": "annulation",
    "MODIFICATION": "modification",
    "PRE-INFORMATION": "pré-information",
    "PREINFORMATION": "pré-information",
    "INTENTION_CONCLURE": "intention de conclure",
    "PERIODIQUE": "avis périodique",
    "PROFIL_ACHETEUR": "avis sur profil d'acheteur",
    "SOUS_TRAITANCE": "sous-traitance",
    "QUALIFICATION": "système de qualification",
    "CONCESSION": "avis de concession",
}
EFORMS_DOC_TYPES = {
    "ContractNotice": "avis de marché",
    "ContractAwardNotice": "attribution",
    "PriorInformationNotice": "pré-information",
}
NATIONAL_BLOCK_TYPES = {"rectificatif": "rectificatif", "attribution": "attribution",
                        "annulation": "annulation", "modification": "modification"}
RELATIONS = {"rectificatif": "rectificatif", "annulation": "annulation", "attribution": "attribution",
             "modification": "modification"}


class BoampRecordError(ValueError):
    """A record that cannot yield a Document at all (not an object, or no idweb)."""

    def __init__(self, idweb: str | None, reason: str):
        super().__init__(f"{idweb or '?'}: {reason}")
        self.idweb, self.reason = idweb, reason


@dataclass
class ParseResult:
    document: dict[str, Any]
    errors: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- small field parsers

def load_json_field(value: Any, name: str, errors: list[str]) -> dict | None:
    """Decode a JSON-string field (`donnees`, `gestion`); report null/empty/invalid/non-object."""
    if isinstance(value, dict):
        return value
    if value is None:
        errors.append(f"{name} is null")
        return None
    if not isinstance(value, str):
        errors.append(f"{name} is a {type(value).__name__}, not a JSON string")
        return None
    if not value.strip():
        errors.append(f"{name} is empty")
        return None
    try:
        decoded = json.loads(value)
    except ValueError as exc:
        errors.append(f"{name} is not valid JSON ({exc}); starts {value[:60]!r}")
        return None
    if not isinstance(decoded, dict) or not decoded:
        errors.append(f"{name} is not a JSON object ({type(decoded).__name__})")
        return None
    return decoded


def parse_iso_date(value: Any) -> str | None:
    """'2026-08-19', '2006-07-4', '2026-08-19T00:00:00+00:00' → 'YYYY-MM-DD'; anything else → None."""
    m = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


_ISO_RE = re.compile(
    r"^(\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_FR_DATE_RE = re.compile(r"\b\d{1,2}(?:er)?\s+[^\W\d_]+\.?\s+\d{4}\b")
_FR_TIME_RE = re.compile(r"(\d{1,2})\s*(?:heures?|h)\s*(\d{2})?\b", re.I)


def parse_deadline(raw: str, *, naive_is_utc: bool = False) -> tuple[str | None, int | None, str | None]:
    """One raw deadline → (ISO value in Europe/Paris or a bare date, year, error).

    ISO shapes: with offset or `Z` (converted to Paris time), naive (Paris wall-clock time, or UTC when
    `naive_is_utc`), date-only (kept as a date), fractional seconds. French text (v110:
    « 21 juillet 2006, à 12 heures ») goes through dateparser.
    """
    s = raw.strip()
    m = _ISO_RE.match(s)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if not 1 <= year <= 9999:
            return None, year, f"deadline {s!r} has an impossible year"
        try:
            d = date(year, month, day)
        except ValueError:
            return None, year, f"deadline {s!r} is not a real date"
        if m[4] is None:
            return d.isoformat(), year, None
        tz = None
        if m[7]:
            if m[7] == "Z":
                tz = timezone.utc
            else:
                sign = 1 if m[7][0] == "+" else -1
                digits = m[7][1:].replace(":", "")
                tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        elif naive_is_utc:
            tz = timezone.utc
        try:
            dt = datetime(year, month, day, int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=tz or PARIS)
            return dt.astimezone(PARIS).isoformat(timespec="seconds"), year, None
        except (ValueError, OverflowError):
            return None, year, f"deadline {s!r} is not a real time"
    import dateparser  # slow import: only for the free-text legacy dates

    day = _FR_DATE_RE.search(s)
    parsed = dateparser.parse(day[0].replace("1er", "1"), languages=["fr"],
                              settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]}) \
        if day else None
    if not parsed:
        return None, None, f"deadline {s!r} is not a date"
    hour = _FR_TIME_RE.search(s[day.end():])
    if hour and int(hour[1]) < 24 and int(hour[2] or 0) < 60:
        dt = datetime(parsed.year, parsed.month, parsed.day, int(hour[1]), int(hour[2] or 0), tzinfo=PARIS)
        return dt.isoformat(timespec="seconds"), parsed.year, None
    return parsed.date().isoformat(), parsed.year, None


def pick_deadline(candidates: list[tuple[str, bool]], published_on: str | None,
                  warnings: list[str]) -> str | None:
    """The first plausible deadline among (raw, naive_is_utc) candidates; rejected ones are warned."""
    pub_year = int(published_on[:4]) if published_on else None
    seen: set[str] = set()
    for raw, naive_is_utc in candidates:
        if not raw or not raw.strip():
            continue
        value, year, error = parse_deadline(raw, naive_is_utc=naive_is_utc)
        if error is None and year is not None:
            if pub_year and not (pub_year - MAX_YEARS_BEFORE <= year <= pub_year + MAX_YEARS_AFTER):
                error = f"deadline {raw.strip()!r} rejected: year {year} is implausible for a notice " \
                        f"published in {pub_year}"
            elif not pub_year and not 1990 <= year <= 2100:
                error = f"deadline {raw.strip()!r} rejected: year {year} is implausible"
        if error:
            if error not in seen:
                seen.add(error)
                warnings.append(error)
            continue
        return value
    return None


def flat_deadline_is_true_utc(fmt: str | None, gestion_deadline: str, record: dict) -> bool:
    """Is the flat `datelimitereponse` (labelled UTC by ODS) a real UTC instant, or a naive Paris time
    relabelled? ODS converts the source value: right when it carried an offset, wrong when it was naive.
    The source is `gestion` DATE_LIMITE_REPONSE when present; else the national 3.2.5 formats (FNSimple,
    MAPA, DSP) and v110 are naive, EFORMS and v230 carry offsets; an unknown or missing `donnees`
    goes by famille/schema (national 3.2.5 notices are naive)."""
    m = _ISO_RE.match(gestion_deadline.strip())
    if m and m[4] is not None:
        return m[7] is not None
    if fmt in ("FNSimple", "MAPA", "DSP", "v110"):
        return False
    if fmt in ("EFORMS", "v230"):
        return True
    national = str(record.get("famille") or "").upper() in ("FNS", "MAPA", "DSP")
    return not (national and str(record.get("source_schema") or "").startswith("3."))


def siret_or_siren(value: str | None) -> str | None:
    digits = re.sub(r"[\s.]", "", value or "")
    return digits if re.fullmatch(r"\d{14}|\d{9}", digits) else None


def doc_type_of(record: dict, gestion: dict | None, ex: Extracted | None) -> str:
    """French label. Status (etat / gestion STATUT) wins over nature: an ANNULATION of a call is an
    « annulation »; then nature (flat, gestion), then the eForms notice type or national block."""
    type_avis = _dig1(gestion, "REFERENCE", "TYPE_AVIS")
    statut = (record.get("etat") or enum_key(_dig1(type_avis, "STATUT")) or "").upper()
    nature = (record.get("nature") or enum_key(_dig1(type_avis, "NATURE")) or "").upper()
    for key in (statut, nature):
        if key in ("ANNULATION", "RECTIFICATIF", "MODIFICATION"):
            return DOC_TYPES[key]
    if nature in DOC_TYPES:
        return DOC_TYPES[nature]
    if ex is not None:
        if ex.format == "EFORMS" and ex.subtype in EFORMS_DOC_TYPES:
            return EFORMS_DOC_TYPES[ex.subtype]
        if ex.subtype in NATIONAL_BLOCK_TYPES:
            return NATIONAL_BLOCK_TYPES[ex.subtype]
        if ex.subtype == "initial":
            return "avis de marché"
    libelle = record.get("nature_libelle")
    return libelle.strip().lower() if isinstance(libelle, str) and libelle.strip() else "avis"


def _dig1(node: Any, *path: str) -> Any:
    for key in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def gestion_links(gestion: dict | None) -> list[str]:
    """idweb of earlier notices named by `gestion` (3.2.5 REFERENCE, v230 MARCHE, v110 AVISLIEE)."""
    if not gestion:
        return []
    out: list[str] = []
    candidates = (as_list(_dig1(gestion, "REFERENCE", "ANNONCE_ANTERIEUR"))
                  + as_list(_dig1(gestion, "MARCHE", "ANNONCE_ANTERIEUR"))
                  + as_list(_dig1(gestion, "INDEXATION", "AVISLIEE", "AVIS_PRECEDENT")))
    for item in candidates:
        if isinstance(item, dict):
            idweb = txt(item.get("IDWEB")) or txt(_dig1(item, "REFERENCE", "IDWEB"))
        else:
            idweb = txt(item)
        if idweb:
            out.append(idweb.strip())
    return out


def v110_schema_links(value: Any) -> list[str]:
    """`annonces_anterieures_schema_v110`: JSON objects joined by commas, not a JSON list."""
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        items = json.loads(f"[{value}]")
    except ValueError:
        return re.findall(r'"IDWEB"\s*:\s*"([^"]+)"', value)
    return [i["IDWEB"].strip() for i in items if isinstance(i, dict) and isinstance(i.get("IDWEB"), str)]


def _strings(value: Any) -> list[str]:
    return [s for s in (txt(v) for v in as_list(value)) if s]


class _Text:
    """Builds `text` without repeating a passage (compared case-insensitively, whitespace-folded)."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.seen: set[str] = set()

    def add(self, s: str | None, seen_only: bool = False) -> None:
        key = " ".join((s or "").split()).casefold()
        if not key or key in self.seen:
            return
        self.seen.add(key)
        if not seen_only:
            self.blocks.append(s)


# --------------------------------------------------------------------------- the parser

def parse_record(record: dict) -> ParseResult:
    if not isinstance(record, dict):
        raise BoampRecordError(None, f"record is a {type(record).__name__}, not an object")
    errors: list[str] = []
    clean = TextCleaner()

    gestion = load_json_field(record.get("gestion"), "gestion", errors) if record.get("gestion") is not None \
        else None
    if is_legacy_api(gestion):
        gestion = legacy_api_upper(gestion)
    idweb = txt(record.get("idweb")) or txt(_dig1(gestion, "REFERENCE", "IDWEB"))
    if not idweb:
        raise BoampRecordError(None, "no idweb in the record nor in gestion")
    idweb = idweb.strip()
    if not txt(record.get("idweb")):
        errors.append("idweb missing from the flat record; taken from gestion")

    donnees = load_json_field(record.get("donnees"), "donnees", errors)
    ex: Extracted | None = None
    if donnees is not None:
        ex = extract(donnees)
        if ex.format == "inconnu":
            errors.append(f"donnees has an unknown format (first key {ex.subtype!r}); text harvested generically")

    indexation = _dig1(gestion, "INDEXATION") or {}

    # -- dates
    published_on = parse_iso_date(record.get("dateparution")) or parse_iso_date(indexation.get("DATE_PUBLICATION"))
    if not published_on:
        errors.append(f"dateparution missing or invalid ({record.get('dateparution')!r})")

    # -- title and text
    title = clean(record.get("objet"), single_line=True) or clean(ex.title if ex else None, single_line=True) \
        or clean(indexation.get("RESUME_OBJET"), single_line=True) or None
    if not title:
        errors.append("no title: objet missing and none in donnees")
    text = _Text()
    text.add(title)
    if ex:
        text.add(clean(ex.title))
        for d in ex.descriptions:
            text.add(clean(d))
    parts: list[dict[str, str]] = []
    for i, lot in enumerate(ex.lots if ex else [], start=1):
        name = clean(lot.name, single_line=True)
        number = lot.number or str(i)
        label = f"Lot {number} – {name}" if name else f"Lot {number}"
        body = _Text()
        for t in ([name] if name else []) + [clean(t) for t in lot.texts]:
            body.add(t)
        part_text = "\n".join(body.blocks)
        parts.append({"label": label, "text": part_text})
        text.add(label)
        for t in body.blocks:
            text.add(t)
    if ex:
        for t in ex.other_texts:
            text.add(clean(t))

    descripteurs = [clean(s, single_line=True) for s in _strings(record.get("descripteur_libelle"))]
    if not descripteurs:
        for d in as_list(_dig1(indexation, "DESCRIPTEURS", "DESCRIPTEUR")):
            s = txt(d.get("LIBELLE")) if isinstance(d, dict) else txt(d)
            if s:
                descripteurs.append(clean(s, single_line=True))
    if descripteurs:
        text.add("Descripteurs : " + ", ".join(descripteurs))

    # -- winners: flat titulaire (first line: it can carry a sentence after a newline), gestion, donnees
    winners: list[dict[str, str | None]] = []
    seen_w: dict[str, dict] = {}

    def add_winner(name: str | None, wid: str | None = None) -> None:
        name = clean((name or "").split("\n")[0], single_line=True)
        if not name:
            return
        key = name.casefold()
        if key in seen_w:
            seen_w[key]["id"] = seen_w[key]["id"] or siret_or_siren(wid)
            return
        seen_w[key] = {"name": name, "id": siret_or_siren(wid)}
        winners.append(seen_w[key])

    for name in _strings(record.get("titulaire")):
        add_winner(name)
    for name in _strings(_dig1(indexation, "TITULAIRES", "DENOMINATION")):
        add_winner(name)
    for w in ex.winners if ex else []:
        add_winner(w.get("name"), w.get("id"))
    if winners:
        text.add("Titulaire(s) : " + ", ".join(w["name"] for w in winners))

    # -- buyer
    authority = clean(ex.buyer if ex else None, single_line=True) or \
        clean(record.get("nomacheteur"), single_line=True) or \
        clean(indexation.get("NOMORGANISME"), single_line=True) or None
    authority_id = siret_or_siren(ex.buyer_id if ex else None)

    # -- places: publication départements
    codes: list[str] = []
    for c in as_list(record.get("code_departement")) or as_list(indexation.get("DEP_PUBLICATION")):
        code = departements.normalise_code(c)
        if code and code not in codes:
            codes.append(code)
    names = [departements.name_of(c) or c for c in codes]

    # -- doc type and links
    doc_type = doc_type_of(record, gestion, ex)
    relation = RELATIONS.get(doc_type, "lie")
    related: list[dict[str, str]] = []
    for target in (_strings(record.get("annonce_lie")) + gestion_links(gestion) + (ex.links if ex else [])
                   + v110_schema_links(record.get("annonces_anterieures_schema_v110"))):
        target = target.strip()
        if target and target != idweb and all(r["source_id"] != target for r in related):
            related.append({"source_id": target, "relation": relation})
    for target in _strings(record.get("annonces_anterieures")):
        if target != idweb and all(r["source_id"] != target for r in related):
            related.append({"source_id": target, "relation": "lie"})

    # -- deadline: donnees, then gestion, then the flat field (UTC-labelled)
    warnings_deadline: list[str] = []
    fmt = ex.format if ex else None
    gestion_deadline = txt(indexation.get("DATE_LIMITE_REPONSE")) or ""
    flat_true_utc = flat_deadline_is_true_utc(fmt, gestion_deadline, record)
    candidates = [(d, False) for d in (ex.deadlines if ex else [])]
    candidates.append((gestion_deadline, False))
    flat = txt(record.get("datelimitereponse")) or ""
    if flat and not flat_true_utc:
        flat = re.sub(r"(?:\+00:?00|Z)$", "", flat.strip())  # a naive Paris time relabelled UTC by ODS
    candidates.append((flat, flat_true_utc))
    deadline = pick_deadline(candidates, published_on, warnings_deadline)
    errors.extend(warnings_deadline)

    cpv = list(ex.cpv) if ex else []
    for repair in sorted(clean.repairs - {"html entities"}):
        errors.append(f"text repaired: {repair}")

    extra = {
        "deadline": deadline,
        "nature": record.get("nature") or enum_key(_dig1(gestion, "REFERENCE", "TYPE_AVIS", "NATURE")),
        "etat": record.get("etat") or enum_key(_dig1(gestion, "REFERENCE", "TYPE_AVIS", "STATUT")),
        "famille": record.get("famille") or enum_key(_dig1(gestion, "REFERENCE", "TYPE_AVIS", "FAMILLE")),
        "cpv": cpv,
        "winners": winners,
        "descripteurs": descripteurs,
        "type_marche": _strings(record.get("type_marche")),
        "procedure": clean(record.get("procedure_libelle"), single_line=True) or None,
        "contractfolderid": txt(record.get("contractfolderid")) or (ex.contractfolderid if ex else None),
        "format": fmt,
        "subtype": ex.subtype if ex else None,
        "departements": codes,
        "warnings": list(errors),
    }
    document = {
        "source": SOURCE,
        "source_id": idweb,
        "url": txt(record.get("url_avis")) or AVIS_URL.format(idweb=idweb),
        "title": title,
        "text": "\n\n".join(text.blocks),
        "parts": parts,
        "published_on": published_on,
        "doc_type": doc_type,
        "authority": authority,
        "authority_id": authority_id,
        "place_name": ", ".join(names) or None,
        "place_code": ",".join(codes) or None,
        "related": related,
        "extra": extra,
    }
    return ParseResult(document=document, errors=errors)
