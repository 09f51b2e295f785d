"""The 101 départements of France (96 in metropolitan France, 5 overseas) with their name and
a fixed square on a tile-grid map (departements.csv: code, nom, ligne, colonne), for the map
on the charts page and any list of départements on the site. Bundled: no network needed.

The grid places each département near its real position (metropolitan départements by their
centre, Île-de-France spread over a 3×3 block, Corsica to the south-east, the overseas
départements in a row of their own); neighbours on the grid are usually neighbours in France."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).with_name("departements.csv")
OVERSEAS = ("971", "972", "973", "974", "976")


class Departement(NamedTuple):
    code: str
    nom: str
    ligne: int
    colonne: int


@lru_cache(maxsize=1)
def departements() -> tuple[Departement, ...]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return tuple(Departement(r["code"], r["nom"], int(r["ligne"]), int(r["colonne"]))
                     for r in csv.DictReader(f))


def names() -> dict[str, str]:
    """Code → name, e.g. {"06": "Alpes-Maritimes", "2A": "Corse-du-Sud", ...}."""
    return {d.code: d.nom for d in departements()}
