"""Where a document belongs, for dossiers, feeds and the map: its département (code), its
commune (INSEE code) and its buyer or author (SIREN), derived from the fields the parsers fill.

    BOAMP    place_code = département code; authority_id = the buyer's SIRET (or SIREN)
    council  place_code = the commune's INSEE code; authority_id = its SIREN
    JORF     none (a ministry)

`locate()` is the one place these rules live; the store writes its result into the
`departement`, `commune` and `siren` columns of `documents`."""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")


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


def locate(doc: dict) -> dict[str, str | None]:
    code = (doc.get("place_code") or "").strip().upper() or None
    commune = departement = None
    if code and len(code) == 5 and code[:2].isalnum():
        commune, departement = code, departement_of_insee(code)
    elif code and len(code) in (2, 3):
        departement = code
    return {"departement": departement, "commune": commune,
            "siren": siren_of(doc.get("authority_id"))}
