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
(``technoveille.core.textclean``).

Modules: ``boamp_formats`` reads ``donnees`` per format (over the generic ``boamp_tree`` readers);
``boamp_dates`` the publication date and deadline; ``boamp_text`` the title, lots and full text;
``boamp_links`` the doc type and related notices; this module the identity, parties, places and the
composition.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from scrapers.parsers import departements
from scrapers.parsers.boamp_dates import deadline_candidates, pick_deadline, publication_date
from scrapers.parsers.boamp_formats import Extracted, extract, is_legacy_api, legacy_api_upper
from scrapers.parsers.boamp_links import doc_type_of, related_notices
from scrapers.parsers.boamp_text import assemble_text, descriptors_of, lot_parts, title_of
from scrapers.parsers.boamp_tree import as_list, dig1, enum_key, strings, txt
from technoveille.core.textclean import TextCleaner

SOURCE = "boamp"
AVIS_URL = "https://www.boamp.fr/pages/avis/?q=idweb:{idweb}"


class BoampRecordError(ValueError):
    """A record that cannot yield a Document at all (not an object, or no idweb)."""

    def __init__(self, idweb: str | None, reason: str):
        super().__init__(f"{idweb or '?'}: {reason}")
        self.idweb, self.reason = idweb, reason


@dataclass
class ParseResult:
    document: dict[str, Any]
    errors: list[str] = field(default_factory=list)


class Buyer(NamedTuple):
    name: str | None
    id: str | None  # SIRET or SIREN


class Places(NamedTuple):
    codes: list[str]  # normalised département codes, in record order, each once
    names: list[str]  # their names (the code itself when unknown)


# --------------------------------------------------------------------------- identity

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


def read_gestion(record: dict, errors: list[str]) -> dict | None:
    """The decoded `gestion` (None when absent or bad), the old DILA API shape mapped to upper-snake."""
    if record.get("gestion") is None:
        return None
    gestion = load_json_field(record.get("gestion"), "gestion", errors)
    return legacy_api_upper(gestion) if is_legacy_api(gestion) else gestion


def idweb_of(record: dict, gestion: dict | None, errors: list[str]) -> str:
    """The flat `idweb`, else gestion REFERENCE.IDWEB (reported); raises when there is none."""
    idweb = txt(record.get("idweb")) or txt(dig1(gestion, "REFERENCE", "IDWEB"))
    if not idweb:
        raise BoampRecordError(None, "no idweb in the record nor in gestion")
    if not txt(record.get("idweb")):
        errors.append("idweb missing from the flat record; taken from gestion")
    return idweb.strip()


def read_donnees(record: dict, errors: list[str]) -> Extracted | None:
    """`donnees` read by its format's reader; None when null/empty/invalid (reported)."""
    donnees = load_json_field(record.get("donnees"), "donnees", errors)
    if donnees is None:
        return None
    ex = extract(donnees)
    if ex.format == "inconnu":
        errors.append(f"donnees has an unknown format (first key {ex.subtype!r}); text harvested generically")
    return ex


# --------------------------------------------------------------------------- parties and places

def siret_or_siren(value: str | None) -> str | None:
    digits = re.sub(r"[\s.]", "", value or "")
    return digits if re.fullmatch(r"\d{14}|\d{9}", digits) else None


def winners_of(record: dict, indexation: dict, ex: Extracted | None,
               clean: TextCleaner) -> list[dict[str, str | None]]:
    """`[{"name", "id"}]` from the flat `titulaire` (first line: it can carry a sentence after a newline),
    gestion TITULAIRES, then `donnees`; one per name (case-insensitive), the first known SIRET kept."""
    candidates = ([(name, None) for name in strings(record.get("titulaire"))]
                  + [(name, None) for name in strings(dig1(indexation, "TITULAIRES", "DENOMINATION"))]
                  + [(w.get("name"), w.get("id")) for w in (ex.winners if ex else [])])
    winners: list[dict[str, str | None]] = []
    by_name: dict[str, dict[str, str | None]] = {}
    for raw, wid in candidates:
        name = clean((raw or "").split("\n")[0], single_line=True)
        if not name:
            continue
        key = name.casefold()
        if key in by_name:
            by_name[key]["id"] = by_name[key]["id"] or siret_or_siren(wid)
            continue
        by_name[key] = {"name": name, "id": siret_or_siren(wid)}
        winners.append(by_name[key])
    return winners


def buyer_of(record: dict, indexation: dict, ex: Extracted | None, clean: TextCleaner) -> Buyer:
    """The buyer from `donnees`, else flat `nomacheteur`, else gestion NOMORGANISME; its SIRET from `donnees`."""
    name = clean(ex.buyer if ex else None, single_line=True) or \
        clean(record.get("nomacheteur"), single_line=True) or \
        clean(indexation.get("NOMORGANISME"), single_line=True) or None
    return Buyer(name=name, id=siret_or_siren(ex.buyer_id if ex else None))


def publication_places(record: dict, indexation: dict) -> Places:
    """The publication départements: flat `code_departement`, else gestion DEP_PUBLICATION."""
    codes: list[str] = []
    for c in as_list(record.get("code_departement")) or as_list(indexation.get("DEP_PUBLICATION")):
        code = departements.normalise_code(c)
        if code and code not in codes:
            codes.append(code)
    return Places(codes=codes, names=[departements.name_of(c) or c for c in codes])


def repair_warnings(clean: TextCleaner) -> list[str]:
    """One warning per kind of text repair made so far (unescaped HTML entities are routine, not warned)."""
    return [f"text repaired: {repair}" for repair in sorted(clean.repairs - {"html entities"})]


def build_extra(record: dict, gestion: dict | None, ex: Extracted | None, clean: TextCleaner, *,
                deadline: str | None, winners: list[dict[str, str | None]], descripteurs: list[str],
                places: Places, errors: list[str]) -> dict[str, Any]:
    type_avis = ("REFERENCE", "TYPE_AVIS")
    return {
        "deadline": deadline,
        "nature": record.get("nature") or enum_key(dig1(gestion, *type_avis, "NATURE")),
        "etat": record.get("etat") or enum_key(dig1(gestion, *type_avis, "STATUT")),
        "famille": record.get("famille") or enum_key(dig1(gestion, *type_avis, "FAMILLE")),
        "cpv": list(ex.cpv) if ex else [],
        "winners": winners,
        "descripteurs": descripteurs,
        "type_marche": strings(record.get("type_marche")),
        "procedure": clean(record.get("procedure_libelle"), single_line=True) or None,
        "contractfolderid": txt(record.get("contractfolderid")) or (ex.contractfolderid if ex else None),
        "format": ex.format if ex else None,
        "subtype": ex.subtype if ex else None,
        "departements": places.codes,
        "warnings": list(errors),
    }


# --------------------------------------------------------------------------- the parser

def parse_record(record: dict) -> ParseResult:
    if not isinstance(record, dict):
        raise BoampRecordError(None, f"record is a {type(record).__name__}, not an object")
    errors: list[str] = []  # in this order: identity, dates, title, deadline, text repairs
    clean = TextCleaner()
    gestion = read_gestion(record, errors)
    idweb = idweb_of(record, gestion, errors)
    ex = read_donnees(record, errors)
    indexation = dig1(gestion, "INDEXATION") or {}

    published_on = publication_date(record, indexation, errors)
    title = title_of(record, ex, indexation, clean, errors)
    lots = lot_parts(ex, clean)
    descripteurs = descriptors_of(record, indexation, clean)
    winners = winners_of(record, indexation, ex, clean)
    text = assemble_text(title, ex, lots, descripteurs, [w["name"] for w in winners], clean)
    buyer = buyer_of(record, indexation, ex, clean)
    places = publication_places(record, indexation)
    doc_type = doc_type_of(record, gestion, ex)
    deadline = pick_deadline(deadline_candidates(record, indexation, ex), published_on, errors)
    errors.extend(repair_warnings(clean))  # before build_extra: `procedure` repairs are not reported

    document = {
        "source": SOURCE,
        "source_id": idweb,
        "url": txt(record.get("url_avis")) or AVIS_URL.format(idweb=idweb),
        "title": title,
        "text": text,
        "parts": [lot.as_part() for lot in lots],
        "published_on": published_on,
        "doc_type": doc_type,
        "authority": buyer.name,
        "authority_id": buyer.id,
        "place_name": ", ".join(places.names) or None,
        "place_code": ",".join(places.codes) or None,
        "related": related_notices(record, idweb, gestion, ex, doc_type),
        "extra": build_extra(record, gestion, ex, clean, deadline=deadline, winners=winners,
                             descripteurs=descripteurs, places=places, errors=errors),
    }
    return ParseResult(document=document, errors=errors)
