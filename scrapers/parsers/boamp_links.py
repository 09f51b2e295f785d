"""What a BOAMP notice is (its French `doc_type` label) and the earlier notices it relates to (`related`)."""
from __future__ import annotations

import json
import re
from typing import Any

from scrapers.parsers.boamp_formats import Extracted
from scrapers.parsers.boamp_tree import as_list, dig1, enum_key, strings, txt

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


def doc_type_of(record: dict, gestion: dict | None, ex: Extracted | None) -> str:
    """French label. Status (etat / gestion STATUT) wins over nature: an ANNULATION of a call is an
    « annulation »; then nature (flat, gestion), then the eForms notice type or national block."""
    type_avis = dig1(gestion, "REFERENCE", "TYPE_AVIS")
    statut = (record.get("etat") or enum_key(dig1(type_avis, "STATUT")) or "").upper()
    nature = (record.get("nature") or enum_key(dig1(type_avis, "NATURE")) or "").upper()
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


def gestion_links(gestion: dict | None) -> list[str]:
    """idweb of earlier notices named by `gestion` (3.2.5 REFERENCE, v230 MARCHE, v110 AVISLIEE)."""
    if not gestion:
        return []
    out: list[str] = []
    candidates = (as_list(dig1(gestion, "REFERENCE", "ANNONCE_ANTERIEUR"))
                  + as_list(dig1(gestion, "MARCHE", "ANNONCE_ANTERIEUR"))
                  + as_list(dig1(gestion, "INDEXATION", "AVISLIEE", "AVIS_PRECEDENT")))
    for item in candidates:
        if isinstance(item, dict):
            idweb = txt(item.get("IDWEB")) or txt(dig1(item, "REFERENCE", "IDWEB"))
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


def related_notices(record: dict, idweb: str, gestion: dict | None, ex: Extracted | None,
                    doc_type: str) -> list[dict[str, str]]:
    """`[{"source_id", "relation"}]`, each target once, never the notice itself. The named links
    (`annonce_lie`, gestion, `avisInitial`, v110 schema) take the relation of the doc type (« lie » when it
    has none); the flat `annonces_anterieures` are « lie »."""
    relation = RELATIONS.get(doc_type, "lie")
    related: list[dict[str, str]] = []
    for target in (strings(record.get("annonce_lie")) + gestion_links(gestion) + (ex.links if ex else [])
                   + v110_schema_links(record.get("annonces_anterieures_schema_v110"))):
        target = target.strip()
        if target and target != idweb and all(r["source_id"] != target for r in related):
            related.append({"source_id": target, "relation": relation})
    for target in strings(record.get("annonces_anterieures")):
        if target != idweb and all(r["source_id"] != target for r in related):
            related.append({"source_id": target, "relation": "lie"})
    return related
