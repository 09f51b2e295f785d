"""Acronym traps and false-positive families from KEYWORDS.md, on the real vocabulary."""
from __future__ import annotations

import pytest

NEGATIVE = [
    "Le lapin et le lapis-lazuli de la LAPIDAIRE exposition.",
    "Dîner au restaurant TAJ MAHAL ; le Taj est complet.",
    "Viens avec tes amis ! TES IDÉES COMPTENT.",
    "L'abbaye du XXIIe siècle et du XXIe siècle ; titre XXII du règlement ; Jean XXIII.",
    "Le théorème de Thalès au collège.",
    "Biométrie oculaire avant chirurgie de la cataracte, service d'ophtalmologie.",
    "Renouvellement de l'hyperviseur VMware ESXi.",
    "Algorithme de maintenance prédictive des pompes.",
    "Véhicules avec caméra de recul pour la police municipale.",
    "Épandage par drone sur les vignes.",
    "Comptage ornithologique par drone.",
    "Spectacle de drones pour le 14 juillet.",
    "Reconnaissance de l'état de catastrophe naturelle.",
    "Gardiennage et surveillance des bâtiments communaux.",
    "La Régie des transports métropolitains (RTM) achète des bus.",
    "Smartphones avec déverrouillage par reconnaissance faciale.",
]

POSITIVE = [
    ("Consultation du TAJ par la police nationale.", "fichiers"),
    ("Le fichier TES des titres électroniques.", "fichiers"),
    ("La start-up XXII analyse les images des caméras.", "fournisseurs"),
    ("Thales et l'hyperviseur urbain de la police municipale.", "predictif"),
    ("Déploiement de la LAPI.", "video"),
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_trap_not_flagged(real, text):
    r = real.match(text=text)
    assert not r.flagged, [(h.term, h.snippet) for h in r.hits]


@pytest.mark.parametrize("text,theme", POSITIVE)
def test_true_uses_flagged(real, text, theme):
    r = real.match(text=text)
    assert theme in r.themes, r.rejected
