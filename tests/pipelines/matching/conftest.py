"""Fixtures: small test vocabularies (every mode and tier; engine rules) and the real
keywords.yml; fires() / quiet() helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.matching import load_matcher

ROOT = Path(__file__).resolve().parents[3]

SMALL = """\
context:
  - police municipale
  - {acronym: CNIL}
themes:
  video:
    label: Vidéo
    description: Vidéosurveillance
    A:
      - caméra intelligente
      - {acronym: LAPI}
      - near(lecture automatisée, plaques, 4)
    B:
      - vidéoprotection
      - vidéosurveill*
      - {acronym: CSU}
    C:
      - traitement algorithmique
    context:
      - caméra
    suppressors:
      - courants faibles
  drones:
    label: Drones
    description: Drones
    A:
      - caméra installée sur un aéronef
    B:
      - drone
      - micro-drone
      - word: Thales
        exclude: [théorème de Thalès]
    context: [gendarmerie]
    suppressors: [épandage, ornitholog*]
"""


@pytest.fixture(scope="session")
def small_yml(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("voc") / "keywords.yml"
    p.write_text(SMALL, encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def small(small_yml):
    return load_matcher(small_yml)


# engine rules of context, suppressors, overlaps and exclude (test_rule_*.py, test_negation_parts)
RULES = """\
context:
  - gendarmerie
themes:
  video:
    label: Vidéo
    description: Vidéo
    A:
      - caméra augmentée
    B:
      - caméra de surveillance
      - vidéoprotection
      - analyse d'images
    context:
      - caméra
      - sécurité
    suppressors:
      - courants faibles
  biometrie:
    label: Biométrie
    description: Biométrie
    A:
      - phrase: reconnaissance faciale
        exclude: ["near(déverrouillage, 5)"]
    B:
      - biométrie
      - biométrique
      - empreinte digitale
  fichiers:
    label: Fichiers
    description: Fichiers
    A:
      - fichier automatisé des empreintes digitales
  fournisseurs:
    label: Fournisseurs
    description: Fournisseurs
    B:
      - Sogetrel
      - Citelum
"""

# document-wide context, acronyms, near() alternatives and prefixes (test_rule_*.py)
WIDE_RULES = """\
context:
  - police municipale
themes:
  video:
    label: Vidéo
    description: Vidéo
    B:
      - caméra de surveillance
      - caméra urbaine
      - objet délaissé
      - vidéoprot*
    context:
      - caméra
    suppressors:
      - courants faibles
  fichiers:
    label: Fichiers
    description: Fichiers
    B:
      - {acronym: TAJ}
    context:
      - fichier
  predictif:
    label: Prédictif
    description: Prédictif
    B:
      - near(anticip* / prévoir, délinquance / cambriolage, 6)
"""


def _load(tmp_path_factory, name, body):
    p = tmp_path_factory.mktemp(name) / "keywords.yml"
    p.write_text(body, encoding="utf-8")
    return load_matcher(p)


@pytest.fixture(scope="session")
def rules(tmp_path_factory):
    return _load(tmp_path_factory, "rules", RULES)


@pytest.fixture(scope="session")
def wide_rules(tmp_path_factory):
    return _load(tmp_path_factory, "wide_rules", WIDE_RULES)


@pytest.fixture(scope="session")
def real():
    return load_matcher(ROOT / "keywords.yml")


def fires(matcher, text, theme, title=""):
    """The theme fires on a fresh wording (the message shows hits and rejections)."""
    r = matcher.match(title=title, text=text)
    assert theme in r.themes, ([(h.term, h.theme) for h in r.hits], r.rejected)


def quiet(matcher, title, text):
    """A trap stays silent (the message shows what fired)."""
    r = matcher.match(title=title, text=text)
    assert not r.flagged, [(h.theme, h.term, h.snippet) for h in r.hits]
