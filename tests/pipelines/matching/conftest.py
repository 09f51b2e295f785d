"""Fixtures: a small test vocabulary (every mode and tier) and the real keywords.yml."""
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
