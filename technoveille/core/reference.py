"""The administrative reference data bundled in the package (technoveille/core/data/, built
by scripts/build_reference.py from Etalab's « découpage administratif », MIT): communes,
EPCI / EPT and départements, read once, in memory, never from the network.

    commune("06088")            -> Commune(insee, nom, siren, departement, region, epci)
    commune_by_siren("210600888")
    epci("200030195")           -> Epci(siren, nom, type, departement, departements, membres)
    epci_of("06088")            -> the commune's EPCI (Métropole Nice Côte d'Azur) or None
    departement("06")           -> Departement(code, nom, region, region_nom)
    organisation(siren)         -> a Commune or an Epci, whichever has this SIREN
    name_of_siren(siren), departement_name(code), info()  (version, licence, counts)

Lookups take the forms found in the sources (a SIRET for a SIREN, « 6 » for « 06 », spaces)."""
from __future__ import annotations

import csv
import gzip
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data"


class Commune(NamedTuple):
    insee: str
    nom: str
    siren: str | None
    departement: str
    region: str | None
    epci: str | None        # SIREN of its EPCI à fiscalité propre


class Epci(NamedTuple):
    siren: str
    nom: str
    type: str               # CC, CA, CU, METRO, MET69, EPT
    departement: str | None  # where most of its inhabitants live
    departements: tuple[str, ...]
    membres: int


class Departement(NamedTuple):
    code: str
    nom: str
    region: str | None
    region_nom: str | None


def _rows(name: str):
    raw = (DATA / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return csv.DictReader(io.StringIO(raw.decode("utf-8")))


@lru_cache(maxsize=1)
def _tables():
    communes, by_siren = {}, {}
    for r in _rows("communes.csv.gz"):
        c = Commune(r["insee"], r["nom"], r["siren"] or None, r["departement"],
                    r["region"] or None, r["epci"] or None)
        communes[c.insee] = c
        if c.siren:
            by_siren[c.siren] = c
    epcis = {r["siren"]: Epci(r["siren"], r["nom"], r["type"], r["departement"] or None,
                              tuple(r["departements"].split()), int(r["membres"] or 0))
             for r in _rows("epci.csv.gz")}
    deps = {r["code"]: Departement(r["code"], r["nom"], r["region"] or None,
                                   r["region_nom"] or None) for r in _rows("departements.csv")}
    return communes, by_siren, epcis, deps


def _siren(value) -> str | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits[:9] if len(digits) in (9, 14) else None


def _insee(value) -> str | None:
    code = str(value or "").strip().upper()
    return code if len(code) == 5 else None


def _dep(value) -> str | None:
    code = str(value or "").strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code or None


def commune(insee) -> Commune | None:
    return _tables()[0].get(_insee(insee))


def commune_by_siren(siren) -> Commune | None:
    return _tables()[1].get(_siren(siren))


def epci(siren) -> Epci | None:
    return _tables()[2].get(_siren(siren))


def epci_of(insee) -> Epci | None:
    c = commune(insee)
    return epci(c.epci) if c and c.epci else None


def departement(code) -> Departement | None:
    return _tables()[3].get(_dep(code))


def departement_name(code) -> str | None:
    d = departement(code)
    return d.nom if d else None


def organisation(siren) -> Commune | Epci | None:
    return commune_by_siren(siren) or epci(siren)


def name_of_siren(siren) -> str | None:
    org = organisation(siren)
    return org.nom if org else None


def communes() -> list[Commune]:
    return list(_tables()[0].values())


def departements() -> list[Departement]:
    return sorted(_tables()[3].values())


@lru_cache(maxsize=1)
def info() -> dict:
    """Where the data comes from: package, version, licence, row counts."""
    return json.loads((DATA / "reference.json").read_text(encoding="utf-8"))


def version() -> str:
    meta = info()
    return f"{meta['source']}@{meta['version']}"
