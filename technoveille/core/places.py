"""Where a document belongs, for dossiers, feeds and the map: its département (code), its
commune (INSEE code) and its buyer or author (SIREN), derived from the fields the parsers fill
and the bundled reference data (technoveille.core.reference):

    BOAMP    place_code = département code(s); authority_id = the buyer's SIRET (or SIREN).
             A buyer whose SIREN is a commune's gets that commune (and its département);
             an EPCI's SIREN gets the EPCI's département (the notice's own département when
             the EPCI spans it).
    council  place_code = the commune's INSEE code, kept as given (fictional demo communes
             included); authority_id = its SIREN; a SIREN alone finds the commune.
    JORF     authority = the ministry, no SIREN; a title naming a département (« préfet de
             l'Hérault », « département des Alpes-Maritimes ») gets it, a title naming
             « commune de X » gets X when the name is one commune of France (or one in the
             named département).

`locate()` is the one place these rules live; the store writes its result into the
`departement`, `commune` and `siren` columns of `documents`, and `pipelines.db.relocate`
recomputes them for stored documents when `VERSION` changes."""
from __future__ import annotations

import re
from functools import lru_cache

from technoveille.core import reference
from technoveille.core.fold import fold_plain

RULES = "2"                 # bump when the rules below change
_DIGITS = re.compile(r"\d+")


def version() -> str:
    """Rules and reference data together: stored documents are relocated when it changes."""
    return f"places-{RULES}+{reference.version()}"


def siren_of(identifier: str | None) -> str | None:
    """SIREN (9 digits) of a SIRET (14) or SIREN, spaces allowed; None otherwise."""
    if not identifier:
        return None
    digits = "".join(_DIGITS.findall(str(identifier)))
    return digits[:9] if len(digits) in (9, 14) else None


def departement_of_insee(insee: str | None) -> str | None:
    """Département code of a commune's INSEE code (2A/2B for Corsica, 97x overseas)."""
    if not insee or len(insee) != 5:
        return None
    return insee[:3] if insee.startswith("97") else insee[:2]


def _dep_code(code: str) -> str:
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _codes(place_code) -> list[str]:
    return [_dep_code(c.strip().upper()) for c in str(place_code or "").split(",") if c.strip()]


# ---------------------------------------------------------------- names in a title

_PREP = r"(?:de la |de l'|du |des |de |d')"


@lru_cache(maxsize=1)
def _departement_pattern():
    names = sorted((fold_plain(d.nom) for d in reference.departements()), key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(r"\b(?:departements?|prefete?s?|prefecture)\s+" + _PREP
                      + r"(" + alternatives + r")(?![\w-])")


@lru_cache(maxsize=1)
def _departement_by_name():
    return {fold_plain(d.nom): d.code for d in reference.departements()}


@lru_cache(maxsize=1)
def _communes_by_name():
    index: dict[str, list] = {}
    for c in reference.communes():
        index.setdefault(fold_plain(c.nom), []).append(c)
    return index


_COMMUNE = re.compile(r"\b(?:commune|ville)\s+(?:de |d')([\w'-]+(?:[ -][\w'-]+){0,4})")


def named_places(title: str | None) -> tuple[str | None, str | None]:
    """(département code, commune INSEE) a text's title names, or None for each."""
    if not title:
        return None, None
    text = fold_plain(title)
    m = _departement_pattern().search(text)
    dep = _departement_by_name()[m[1]] if m else None
    commune = None
    for m in _COMMUNE.finditer(text):
        words = m[1].split(" ")
        index = _communes_by_name()
        for n in range(len(words), 0, -1):      # longest name first (« Saint-Martin-de-Ré »)
            found = index.get(" ".join(words[:n]))
            if found:
                if dep:
                    found = [c for c in found if c.departement == dep]
                if len(found) == 1:
                    commune = found[0]
                break
        if commune:
            break
    if commune:
        return commune.departement, commune.insee
    return dep, None


# ---------------------------------------------------------------- locate

def locate(doc: dict) -> dict[str, str | None]:
    codes = _codes(doc.get("place_code"))
    commune = departement = None
    if len(codes) == 1 and len(codes[0]) == 5 and codes[0][:2].isalnum():
        commune, departement = codes[0], departement_of_insee(codes[0])
    elif codes and all(len(c) in (2, 3) for c in codes):
        departement = codes[0]
    siren = siren_of(doc.get("authority_id"))
    if siren and commune is None:
        town = reference.commune_by_siren(siren)
        group = None if town else reference.epci(siren)
        if town:
            commune, departement = town.insee, town.departement
        elif group and group.departement:
            departement = next((c for c in codes if c in group.departements), group.departement)
    if doc.get("source") == "jorf" and commune is None and departement is None:
        departement, commune = named_places(doc.get("title"))
    return {"departement": departement, "commune": commune, "siren": siren}
