"""Per-format readers of the BOAMP `donnees` object (already json-decoded), used by `boamp.py`.

The format is chosen from the top key (never from the date): `EFORMS` (then `ContractNotice`,
`ContractAwardNotice`, `PriorInformationNotice`, …), `FNSimple`, `MAPA`, `DSP` (the national 3.2.5
shapes, camelCase), the Boamp_v230 upper-snake shape (`IDENTITE`, `OBJET`, …) and the Boamp_v110 shape
(`INFO`, `IDENT`, `OBJET`, …; its first key is sometimes `AUTRES`, so legacy shapes go by key set).

The XML→JSON conventions and the generic tree readers are in `boamp_tree`.

Every reader returns an `Extracted` with raw (uncleaned) strings; `boamp.py` cleans and assembles them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, NamedTuple

from scrapers.parsers.boamp_tree import as_list, dig, dig_txt, enum_key, find_key, first_text, harvest, txt

NATIONAL = ("FNSimple", "MAPA", "DSP")


@dataclass
class Lot:
    number: str | None = None
    name: str | None = None
    texts: list[str] = field(default_factory=list)  # description first, then every other leaf


@dataclass
class Extracted:
    format: str  # EFORMS | FNSimple | MAPA | DSP | v230 | v110 | inconnu
    subtype: str | None = None  # eForms notice type, or national block (initial, rectificatif, …)
    title: str | None = None
    descriptions: list[str] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    buyer: str | None = None
    buyer_id: str | None = None
    deadlines: list[str] = field(default_factory=list)  # raw deadline strings, best first
    cpv: list[str] = field(default_factory=list)
    winners: list[dict[str, str | None]] = field(default_factory=list)  # {"name", "id"}
    links: list[str] = field(default_factory=list)  # idweb of earlier notices (avisInitial)
    other_texts: list[str] = field(default_factory=list)
    contractfolderid: str | None = None


# --------------------------------------------------------------------------- shared reader helpers

def _cpv_codes(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for v in values:
        for item in as_list(v):
            t = txt(item)
            if t and re.fullmatch(r"\d{8}(?:-\d)?", t.strip()) and t.strip() not in out:
                out.append(t.strip())
    return out


def _lot_number(*candidates: str | None) -> str | None:
    for c in candidates:
        if c:
            m = re.search(r"(\d+)\s*$", c.strip())
            if m:
                return str(int(m.group(1)))
            if len(c.strip()) <= 12:
                return c.strip()
    return None


# --------------------------------------------------------------------------- detection

# The retired DILA API (api.dila.fr, 2016–2021) served the v230 shape with lower-cased keys without
# underscores, absent elements as null, empty ones as a UTF-16 XML fragment and dates as epoch
# milliseconds. `legacy_api_upper` maps it back to the upper-snake shape the readers know.
_V230_KEYS = (
    "IDENTITE", "DENOMINATION", "CODE_IDENT_NATIONAL", "SIRET", "CORRESPONDANT", "ADRESSE", "ADRESSES_COMPLEMENTAIRES",
    "TYPE_ORGANISME", "TYPE_POUVOIR_ADJUDICATEUR", "ACTIVITE_PRINCIPALE", "OBJET", "TITRE_MARCHE", "REF_MARCHE",
    "TYPE_MARCHE", "OBJET_COMPLET", "CPV", "PRINCIPAL", "SUPPLEMENTAIRE", "LIEU_EXEC_LIVR", "CODE_NUTS",
    "CARACTERISTIQUES", "PRINCIPALES", "QUANTITE", "DUREE_DELAI", "DUREE_MOIS", "DIV_EN_LOTS", "LOTS", "LOT", "NUM",
    "INTITULE", "DESCRIPTION", "INFO_COMPL", "PROCEDURE", "TYPE_PROCEDURE", "CRITERES_ATTRIBUTION", "CRITERE",
    "CONDITION_DELAI", "RECEPT_OFFRES", "RECEPT_CANDIDATURES", "RECEPT_CANDIDAT", "VALIDITE_OFFRE",
    "CONDITION_RELATIVE_MARCHE", "CONDITION_PARTICIPATION", "CONDITION_ADMINISTRATIVE", "ATTRIBUTION", "DECISION",
    "TITULAIRE", "RENSEIGNEMENTS_COMPLEMENTAIRES", "RENS_COMPLEMENT", "PROCEDURES_RECOURS_PRECISIONS", "RECTIF",
    "ANNULATION", "MODIF", "PUBLICATION_ANTERIEURE", "TEL", "FAX", "MEL", "URL", "CP", "VILLE", "POSTE",
    # gestion
    "REFERENCE", "IDWEB", "TYPE_AVIS", "FAMILLE", "PERIMETRE", "NATURE", "STATUT", "MARCHE", "ANNONCE_ANTERIEUR",
    "INDEXATION", "DATE_PUBLICATION", "DATE_LIMITE_REPONSE", "DATE_FIN_DIFFUSION", "DESCRIPTEURS", "DESCRIPTEUR",
    "LIBELLE", "CODE", "DEP_PUBLICATION", "RESUME_OBJET", "NOMORGANISME", "TITULAIRES", "NOM_HTML",
)
_LEGACY_KEY = {k.replace("_", "").lower(): k for k in _V230_KEYS}
_EPOCH_KEY = re.compile(r"date|recept|limite|jusqu", re.I)


def is_legacy_api(node: Any) -> bool:
    return isinstance(node, dict) and bool(node) and all(isinstance(k, str) and k == k.lower() for k in node) \
        and bool({"identite", "objet", "conditiondelai", "reference", "indexation"} & set(node))


def legacy_api_upper(node: Any, key: str = "") -> Any:
    """Old DILA API JSON → the upper-snake v230 shape (nulls dropped, XML fragments → "", epoch ms → ISO UTC)."""
    if isinstance(node, dict):
        return {_LEGACY_KEY.get(k, k.upper()): legacy_api_upper(v, k) for k, v in node.items()
                if v is not None and v != []}
    if isinstance(node, list):
        return [legacy_api_upper(v, key) for v in node if v is not None]
    if isinstance(node, str) and node.lstrip().startswith("<?xml"):
        return ""
    if isinstance(node, int) and not isinstance(node, bool) and 10**11 < node < 10**14 and _EPOCH_KEY.search(key):
        return datetime.fromtimestamp(node / 1000, timezone.utc).isoformat(timespec="seconds")
    return node


class Detected(NamedTuple):
    format: str  # EFORMS | FNSimple | MAPA | DSP | v230 | v110 | inconnu
    subtype: str | None  # eForms notice type; the first key of an unknown format
    body: Any  # the object the format's reader reads


def detect(donnees: dict) -> Detected:
    """(format, subtype, body) from the top key of `donnees`; format "inconnu" when none fits."""
    if is_legacy_api(donnees):
        donnees = legacy_api_upper(donnees)
    first = next(iter(donnees), None)
    if first == "EFORMS":
        inner = donnees["EFORMS"]
        sub = enum_key(inner) if isinstance(inner, dict) else None
        return Detected("EFORMS", sub, inner.get(sub) if isinstance(inner, dict) and sub else inner)
    if first in NATIONAL:
        return Detected(first, None, donnees[first])
    keys = set(donnees)
    if "IDENTITE" in keys or ("OBJET" in keys and "CONDITION_DELAI" in keys):
        return Detected("v230", None, donnees)
    if "IDENT" in keys or "INFO" in keys:
        return Detected("v110", None, donnees)
    return Detected("inconnu", first, donnees)


def extract(donnees: dict) -> Extracted:
    fmt, sub, body = detect(donnees)
    if fmt == "EFORMS":
        ex = _eforms(body if isinstance(body, dict) else {})
    elif fmt in NATIONAL:
        ex = _national(body if isinstance(body, dict) else {})
    elif fmt == "v230":
        ex = _v230(body)
    elif fmt == "v110":
        ex = _v110(body)
    else:
        ex = Extracted(format=fmt)
        ex.title = first_text(body, ("intitule", "titre", "objet", "TITRE_MARCHE", "OBJET_COMPLET", "cbc:Name"))
        ex.other_texts = harvest(body)
    ex.format = fmt
    ex.subtype = ex.subtype or sub
    return ex


# --------------------------------------------------------------------------- EFORMS

_EF_EXT = ("ext:UBLExtensions", "ext:UBLExtension", "ext:ExtensionContent", "efext:EformsExtension")
_EF_SKIP = frozenset({"efac:Organizations", "cac:AppealTerms", "cac:ContractingParty", "efac:NoticeResult",
                      "cac:ProcurementProjectLot"})


def _eforms(nt: dict) -> Extracted:
    ex = Extracted(format="EFORMS")
    eext = dig(nt, *_EF_EXT)
    orgs: dict[str, dict[str, str | None]] = {}
    for org in dig(eext, "efac:Organizations", "efac:Organization"):
        for company in dig(org, "efac:Company"):
            oid = dig_txt(company, "cac:PartyIdentification", "cbc:ID")
            if oid:
                orgs[oid] = {"name": dig_txt(company, "cac:PartyName", "cbc:Name"),
                             "id": dig_txt(company, "cac:PartyLegalEntity", "cbc:CompanyID")}
    buyer_ref = dig_txt(nt, "cac:ContractingParty", "cac:Party", "cac:PartyIdentification", "cbc:ID")
    buyer = orgs.get(buyer_ref or "") or {}
    ex.buyer, ex.buyer_id = buyer.get("name"), buyer.get("id")
    ex.contractfolderid = dig_txt(nt, "cbc:ContractFolderID")

    proj = dig(nt, "cac:ProcurementProject")
    ex.title = dig_txt(proj, "cbc:Name")
    ex.descriptions = [t for t in (txt(d) for d in dig(proj, "cbc:Description") + dig(proj, "cbc:Note")) if t]

    for lot in dig(nt, "cac:ProcurementProjectLot"):
        lproj = dig(lot, "cac:ProcurementProject")
        name = dig_txt(lproj, "cbc:Name")
        desc = [t for t in (txt(d) for d in dig(lproj, "cbc:Description")) if t]
        rest = harvest(lot, _EF_SKIP)
        ex.lots.append(Lot(number=_lot_number(dig_txt(lot, "cbc:ID"), dig_txt(lproj, "cbc:ID")), name=name,
                           texts=desc + [t for t in rest if t not in desc and t != name]))
        for period in dig(lot, "cac:TenderingProcess", "cac:TenderSubmissionDeadlinePeriod"):
            end_date, end_time = dig_txt(period, "cbc:EndDate"), dig_txt(period, "cbc:EndTime")
            if end_date:
                ex.deadlines.append(f"{end_date.strip()[:10]}T{end_time.strip()}" if end_time
                                    else end_date.strip())
    ex.cpv = _cpv_codes(find_key(nt, ("cbc:ItemClassificationCode",)))

    result = dig(eext, "efac:NoticeResult")
    tender_party = {dig_txt(tp, "cbc:ID"): [txt(t) for t in dig(tp, "efac:Tenderer", "cbc:ID")]
                    for tp in dig(result, "efac:TenderingParty")}
    tender_to_party = {dig_txt(lt, "cbc:ID"): dig_txt(lt, "efac:TenderingParty", "cbc:ID")
                       for lt in dig(result, "efac:LotTender")}
    winning = [dig_txt(lr, "efac:LotTender", "cbc:ID") for lr in dig(result, "efac:LotResult")
               if dig_txt(lr, "cbc:TenderResultCode") in (None, "selec-w")]
    parties = [tender_to_party.get(t) for t in winning if t] or list(tender_party)
    for party in parties:
        for org_id in tender_party.get(party, []):
            org = orgs.get(org_id or "")
            if org and org.get("name") and org not in ex.winners:
                ex.winners.append(dict(org))
    ex.other_texts = harvest(nt, _EF_SKIP)
    return ex


# --------------------------------------------------------------------------- national 3.2.5

_NAT_SKIP = frozenset({"organisme", "instanceChargeeRecours", "communication", "adr", "coord", "avisInitial",
                       "lot", "titulaire", "attributaire"})


def _national(root: dict) -> Extracted:
    ex = Extracted(format="national")
    organisme = root.get("organisme") if isinstance(root.get("organisme"), dict) else {}
    blocks = {k: v for k, v in root.items() if k != "organisme"}
    ex.subtype = next((k for k, v in blocks.items() if isinstance(v, dict)), None)
    ex.buyer = first_text(organisme, ("nomOfficiel", "acheteurPublic", "denomination", "nom"),
                          frozenset({"PersonnePhysique", "correspondantPRM", "adr"}))
    ex.buyer_id = first_text(organisme, ("codeIdentificationNational", "siret", "SIRET"))
    ex.title = first_text(blocks, ("intitule", "titreMarche", "objet", "titre"), frozenset({"lot"}))
    ex.descriptions = [t for t in (txt(v) for v in find_key(blocks, ("description",), _NAT_SKIP)) if t]
    for container in find_key(blocks, ("lot",), frozenset({"organisme"})):
        for lot in as_list(container):
            if not isinstance(lot, dict):
                continue
            name = first_text(lot, ("intitule", "titre", "objet", "titreLot"))
            desc = [t for t in (txt(v) for v in find_key(lot, ("description",))) if t]
            rest = harvest(lot)
            ex.lots.append(Lot(number=_lot_number(first_text(lot, ("numLot", "numero", "num", "NUM"))), name=name,
                               texts=desc + [t for t in rest if t not in desc and t != name]))
    ex.cpv = _cpv_codes(find_key(blocks, ("classPrincipale", "classSupplementaire", "codeCPV")))
    ex.deadlines = [t for t in (txt(v) for v in find_key(
        blocks, ("dateReceptionOffres", "receptionOffres", "receptionInteret", "dateReceptionCandidatures",
                 "receptionCandidatures"))) if t]
    for initial in find_key(blocks, ("avisInitial",)):
        for item in as_list(initial):
            idweb = txt(item) if isinstance(item, str) else first_text(item, ("idWeb", "idweb", "IDWEB"))
            if idweb:
                ex.links.append(idweb.strip())
    for holder in find_key(blocks, ("titulaire", "attributaire")):
        for w in as_list(holder):
            name = txt(w) if isinstance(w, str) else first_text(
                w, ("nomOfficiel", "denomination", "nom", "raisonSociale"))
            if name:
                wid = None if isinstance(w, str) else first_text(w, ("codeIdentificationNational", "siret"))
                ex.winners.append({"name": name, "id": wid})
    ex.other_texts = harvest(blocks, _NAT_SKIP)
    return ex


# --------------------------------------------------------------------------- Boamp_v230 (2015–2021)

_V230_SKIP = frozenset({"IDENTITE", "ADRESSES_COMPLEMENTAIRES", "PROCEDURES_RECOURS_PRECISIONS", "LOTS",
                        "TITULAIRE", "ADRESSE", "CORRESPONDANT"})


def _v230(d: dict) -> Extracted:
    ex = Extracted(format="v230")
    ex.buyer = dig_txt(d, "IDENTITE", "DENOMINATION")
    ex.buyer_id = dig_txt(d, "IDENTITE", "CODE_IDENT_NATIONAL") or dig_txt(d, "IDENTITE", "SIRET")
    objets = dig(d, "OBJET")
    ex.title = dig_txt(objets, "TITRE_MARCHE") or dig_txt(objets, "OBJET_COMPLET")
    ex.descriptions = [t for t in (txt(v) for v in dig(objets, "OBJET_COMPLET")
                                   + dig(objets, "CARACTERISTIQUES", "PRINCIPALES")) if t]
    for lot in dig(objets, "LOTS", "LOT"):
        name = dig_txt(lot, "INTITULE")
        desc = [t for t in (txt(v) for v in dig(lot, "DESCRIPTION")) if t]
        rest = harvest(lot, frozenset({"CPV"}))
        ex.lots.append(Lot(number=_lot_number(dig_txt(lot, "NUM")), name=name,
                           texts=desc + [t for t in rest if t not in desc and t != name]))
    ex.cpv = _cpv_codes(list(find_key(d, ("PRINCIPAL", "SUPPLEMENTAIRE"))))
    ex.deadlines = [t for t in (txt(v) for v in find_key(d, ("RECEPT_OFFRES", "RECEPT_CANDIDATURES"))) if t]
    for titulaire in find_key(d, ("TITULAIRE",)):
        for w in as_list(titulaire):
            name = w if isinstance(w, str) else dig_txt(w, "DENOMINATION")
            if name:
                ex.winners.append({"name": name, "id": None if isinstance(w, str) else
                                   dig_txt(w, "CODE_IDENT_NATIONAL")})
    ex.other_texts = harvest(d, _V230_SKIP)
    return ex


# --------------------------------------------------------------------------- Boamp_v110 (2006–2015)

_V110_SKIP = frozenset({"IDENT", "TITRE", "ENVOI_BOMP", "DOCUMENTS", "LOTS", "DESCRIPTEURS", "INFO", "PROCEDURE"})


def _v110(d: dict) -> Extracted:
    ex = Extracted(format="v110")
    ex.buyer = dig_txt(d, "IDENT", "NOM")
    objet = dig(d, "OBJET")
    ex.title = dig_txt(objet, "TITRE_MARCHE") or dig_txt(objet, "OBJET_COMPLET")
    ex.descriptions = [t for t in (txt(v) for v in dig(objet, "OBJET_COMPLET")) if t]
    loose_texts: list[str] = []
    for lots in dig(d, "LOTS"):
        if not isinstance(lots, dict):
            continue
        parallel, leftovers = _v110_parallel_lots(lots)
        ex.lots.extend(parallel)
        loose_texts.extend(leftovers)
        ex.cpv.extend(c for c in _cpv_codes(t.rstrip(". ") for t in (txt(n) for n in as_list(lots.get("NOMENC_LOT")))
                                            if t) if c not in ex.cpv)
        for lot in dig(lots, "LOT"):
            ex.lots.append(Lot(number=dig_txt(lot, "NUM"), name=dig_txt(lot, "INTITULE"), texts=harvest(lot)))
    for delai in dig(d, "DELAI"):
        day = dig_txt(delai, "RECEPT_OFFRES") or dig_txt(delai, "RECEPT_CANDIDAT")
        if day:
            hint = " ".join(t for t in (txt(a) for a in dig(delai, "AUTRES")) if t)
            ex.deadlines.append(f"{day} {hint}".strip())
    ex.other_texts = harvest(d, _V110_SKIP) + loose_texts
    return ex


class ParallelLots(NamedTuple):
    lots: list[Lot]
    leftovers: list[str]  # texts that belong to no lot


def _v110_parallel_lots(lots: dict) -> ParallelLots:
    """v110 `LOTS` holds parallel lists (a bare string when there is one lot): `NUM_LOT`, `DESC_LOT` (the
    lot name), `INFOS_COMPLEMENTAIRES`, `NOMENC_LOT` (CPV), or `AUTRES` (free text; blanks and headings
    dropped). Returns (lots, texts that belong to no lot)."""
    numbers = [txt(n) for n in as_list(lots.get("NUM_LOT"))]
    names = [txt(n) for n in as_list(lots.get("DESC_LOT"))]
    infos = [txt(n) for n in as_list(lots.get("INFOS_COMPLEMENTAIRES"))]
    autres = [t for t in (txt(a) for a in as_list(lots.get("AUTRES"))) if t and not t.strip().endswith(":")]
    if not names and not infos:
        return ParallelLots([Lot(number=numbers[i] if i < len(numbers) else None, texts=[t])
                             for i, t in enumerate(autres)], [])
    out: list[Lot] = []
    for i in range(max(len(names), len(infos))):
        name = names[i] if i < len(names) else None
        texts = [infos[i]] if i < len(infos) and infos[i] else []
        if name or texts:
            out.append(Lot(number=numbers[i] if i < len(numbers) else None, name=name, texts=texts))
    return ParallelLots(out, autres)
