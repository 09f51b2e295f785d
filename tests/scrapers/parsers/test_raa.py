"""Per-field tests of the RAA parser (scrapers/parsers/raa.py) and of the prefecture registry
(scrapers/parsers/raa_registry.py), on texts written for the project in the shape of real
recueils (cover, sommaire with service headings, OCR noise, free-text variant)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scrapers.parsers import raa
from scrapers.parsers import raa_registry as registry
from scrapers.parsers.council.registry import RegistryError

COVER = """ROCHEBRUNE
RECUEIL DES ACTES
ADMINISTRATIFS SPÉCIAL
N°99-2025-041
PUBLIÉ LE 21 FÉVRIER 2025"""

SOMMAIRE = """Sommaire
99_Préf_Préfecture de Rochebrune / Cabinet
99-2025-02-19-00002 - Arrêté autorisant la captation,
l'enregistrement et la transmission d'images au moyen de caméras
installées sur des aéronefs (3 pages) Page 3
99_DDT_Direction Départementale des Territoires / Service
Eaux Forêts
• 99-2025-02-20-00001 - AP battue administrative sangliers.odt (2 pages)Page 6
99-2025-O2-20-00004 - bad id is skipped (1 pages) Page 8
99-2025-02-20-00003 - Arrêté portant réglementation de la circulation (2 pages) Page S
2"""

FREE_TEXT = """RECUEIL DES ACTES ADMINISTRATIFS
n° 194 du 25 novembre 2025
SOMMAIRE
DDPP – Direction Départementale de la Protection des Populations
Arrêté Préfectoral n°DDPP/SPA/2025/409 du 24 novembre 2025 déterminant une zone réglementée.
"""


def test_cover_number_and_publication_date():
    c = raa.cover(COVER)
    assert c.number == "99-2025-041"
    assert c.published == date(2025, 2, 21)


def test_cover_with_bullet_and_without_accent():
    c = raa.cover("PREFET\nN° • 56-2024-044\nPUBLIE LE 4 JUIN 2024")
    assert (c.number, c.published) == ("56-2024-044", date(2024, 6, 4))


def test_cover_impossible_date_is_none():
    assert raa.cover("N°99-2025-001\nPUBLIÉ LE 31 FÉVRIER 2025").published is None


def test_sommaire_entries_titles_pages_services():
    entries = raa.sommaire(SOMMAIRE)
    assert [e.id for e in entries] == ["99-2025-02-19-00002", "99-2025-02-20-00001",
                                       "99-2025-02-20-00003"]
    first = entries[0]
    assert first.title == ("Arrêté autorisant la captation, l'enregistrement et la "
                           "transmission d'images au moyen de caméras installées sur des "
                           "aéronefs")
    assert (first.pages, first.first_page) == (3, 3)
    assert first.service == "99_Préf_Préfecture de Rochebrune / Cabinet"
    assert first.signed == date(2025, 2, 19)
    assert entries[1].service == ("99_DDT_Direction Départementale des Territoires / Service "
                                  "Eaux Forêts")
    assert entries[1].first_page == 6        # "(2 pages)Page 6": no space before Page
    assert entries[2].first_page == 5        # OCR "S" read as 5


def test_signed_date_from_id():
    assert raa.signed_date("26-2025-02-19-00002") == date(2025, 2, 19)
    assert raa.signed_date("26-2025-02-30-00002") is None
    assert raa.signed_date("2A-2024-11-29-00001") == date(2024, 11, 29)


def test_free_text_sommaire_has_no_entries():
    assert raa.sommaire(FREE_TEXT) == []
    with pytest.raises(raa.SommaireError, match="sommaire illisible"):
        raa.split([FREE_TEXT, "page 2"])


def _pages():
    som = """Sommaire
99_Préf_Préfecture de Rochebrune / Cabinet
99-2025-02-19-00002 - Arrêté drone (3 pages) Page 3
99-2025-02-20-00003 - Arrêté circulation (2 pages) Page 6"""
    return [COVER, som] + [f"texte page {i}" for i in range(3, 8)]


def test_split_cuts_at_page_numbers():
    cov, acts = raa.split(_pages())
    assert cov.number == "99-2025-041"
    assert [(a.id, a.first_page, a.last_page) for a in acts] == [
        ("99-2025-02-19-00002", 3, 5), ("99-2025-02-20-00003", 6, 7)]
    assert acts[0].text == "texte page 3\ntexte page 4\ntexte page 5"
    assert acts[1].service == "99_Préf_Préfecture de Rochebrune / Cabinet"


def test_split_page_past_the_end_is_an_error():
    pages = _pages()[:4]                          # 4 pages, the sommaire points to page 6
    with pytest.raises(raa.SommaireError, match="page 6 .* que 4 pages"):
        raa.split(pages)


def test_registry_seed_loads_and_dsfr_entry_is_short():
    prefs = registry.load()
    ids = [p.id for p in prefs]
    assert {"pref13", "pref59", "pref69", "ppparis"} <= set(ids)
    pp = next(p for p in prefs if p.id == "ppparis")
    assert pp.enabled is False and "playwright" in pp.disabled_reason
    assert "ppparis" not in [p.id for p in registry.load(only_enabled=True)]
    text = Path(registry.registry_path()).read_text(encoding="utf-8")
    block = text.split("- id: pref59")[1].split("\n\n")[0]
    assert len(("- id: pref59" + block).strip().splitlines()) <= 12


def _write(tmp_path, body):
    p = tmp_path / "prefectures.yml"
    p.write_text("prefectures:\n" + body, encoding="utf-8")
    return p


def test_registry_missing_field_names_prefecture_and_field(tmp_path):
    p = _write(tmp_path, "  - id: pref99\n    name: Préfecture de Rochebrune\n"
                         "    departement: \"99\"\n    pages: [/RAA]\n")
    with pytest.raises(RegistryError) as exc:
        registry.load(p)
    msg = str(exc.value)
    assert "pref99" in msg and "« host »" in msg and "manquant" in msg and "ligne 2" in msg


def test_registry_bad_departement_and_regex(tmp_path):
    base = ("  - id: pref26\n    name: Préfecture de la Drôme\n    host: https://www.drome.gouv.fr\n"
            "    pages: [/RAA]\n")
    with pytest.raises(RegistryError, match="pref26.*departement"):
        registry.load(_write(tmp_path, base + "    departement: \"260\"\n"))
    with pytest.raises(RegistryError, match="pref26.*year_regex.*invalide"):
        registry.load(_write(tmp_path, base + "    departement: \"26\"\n    year_regex: \"(\"\n"))
    with pytest.raises(RegistryError, match="pref26.*disabled_reason"):
        registry.load(_write(tmp_path, base + "    departement: \"26\"\n    enabled: false\n"))
