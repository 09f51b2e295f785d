"""Round 8: the `backstop:` section (device word × policing-purpose word in one sentence)."""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher

from .conftest import fires, quiet

KW = """\
themes:
  video:
    label: Vidéo
    description: V
    B:
      - caméra de surveillance
    suppressors:
      - sécurité incendie
  drones:
    label: Drones
    description: D
    B:
      - drone
      - caméra aéroportée
    suppressors:
      - épandage
backstop:
  distance: 6
  purpose: [police*, gendarm*, forces de l'ordre]
  themes:
    video: [caméra*, image*]
    drones: [drone*]
"""


@pytest.fixture
def m(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text(KW, encoding="utf-8")
    return load_matcher(p)


def test_device_and_purpose_in_one_sentence_flag_the_device_theme(m):
    r = m.match(text="Les images des bus seront transmises aux forces de l'ordre.")
    assert r.themes == ["video"]
    h = r.hits[0]
    assert h.term == "backstop(video)" and h.tier == "B"
    assert "[[images]]" in h.snippet          # the hit is the device word


def test_no_purpose_word_or_another_sentence_or_too_far_is_no_hit(m):
    assert not m.match(text="Les images des bus seront diffusées sur le site.").flagged
    assert not m.match(text="Les images du patrimoine. La police municipale recrute.").flagged
    assert not m.match(text="Les images prises au festival par les photographes amateurs de "
                            "la ville sont remises à la police.").flagged   # 13 words apart
    # a line break ends the sentence (a lot's label, then its text)
    assert not m.match(text="Lot 3 – caméras\nLa police municipale est hors marché").flagged


def test_suppressor_of_the_theme_vetoes_the_backstop(m):
    r = m.match(text="Caméras reliées au poste de police, lot sécurité incendie.")
    assert not r.flagged
    assert ("backstop(video)", "supprimé par « sécurité incendie »") in [
        (h.term, why) for h, why in r.rejected]
    # a suppressor of another theme does not
    assert m.match(text="Caméras reliées au poste de police ; épandage.").themes == ["video"]


def test_device_word_inside_a_term_of_another_theme_is_that_term(m):
    # « caméras » inside the drones term « caméras aéroportées »: not also filed under video
    r = m.match(text="Des caméras aéroportées de la police nationale survoleront la fête.")
    assert "video" not in r.themes
    assert m.match(text="Des caméras de la police nationale survoleront la fête.").themes == [
        "video"]
    # a B term of the device's own theme is shown and counts alone instead
    r = m.match(text="Deux drones de la police nationale survoleront la fête.")
    assert r.themes == ["drones"]
    assert [h.term for h in r.hits] == ["drone"]


def test_backstop_hit_is_no_evidence_for_other_b_terms(m):
    # « caméra de surveillance » needs context; « images … police » in another sentence
    # of the same text flags video by itself but is not context for the B term
    r = m.match(text="Caméras de surveillance du hall. Images remises à la police.")
    assert r.themes == ["video"]
    assert {h.term for h in r.hits} == {"backstop(video)"}


def test_no_plural_generated_words_are_found_as_written(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text(KW.replace("drones: [drone*]", "drones: [sons]").replace(
        "  drones:\n    label", "  drones:\n    label"), encoding="utf-8")
    m = load_matcher(p)
    assert not m.match(text="La commune et son dispositif de police municipale.").flagged
    assert m.match(text="Des capteurs de sons alertent la police.").themes == ["drones"]


@pytest.mark.parametrize("bad,msg", [
    ("backstop:\n  purpose: [police]\n  themes:\n    nope: [caméra]\n", "thème inconnu"),
    ("backstop:\n  purpose: [police]\n", "la clé « themes » manque"),
    ("backstop:\n  purpose: [police / gendarmerie]\n  themes:\n    video: [caméra]\n",
     "un mot par ligne"),
    ("backstop:\n  distance: 80\n  purpose: [police]\n  themes:\n    video: [caméra]\n",
     "entre 1 et 50"),
    ("backstop:\n  purpose: [pol*]\n  themes:\n    video: [caméra]\n", "trop court"),
    ("backstop:\n  other: 1\n  purpose: [police]\n  themes:\n    video: [caméra]\n",
     "clé inconnue"),
])
def test_backstop_errors_name_the_line(tmp_path, bad, msg):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  video:\n    label: V\n    A: [LAPI]\n" + bad, encoding="utf-8")
    with pytest.raises(VocabularyError) as e:
        load_matcher(p)
    assert msg in str(e.value) and "kw.yml:" in str(e.value)


def test_real_vocabulary_backstop_catches_plain_descriptions(real):
    cases = [
        ("Les enquêteurs du commissariat consultent les enregistrements de la commune.", "video"),
        ("Des capteurs de sons installés rue Belsunce alertent la police municipale.", "son"),
        ("La gendarmerie peut comparer le visage d'un suspect aux photographies.", "biometrie"),
    ]
    for text, theme in cases:
        assert theme in real.match(text=text).themes, text
    for text in ("Une exposition photographique d'images d'archives prêtées par la gendarmerie.",
                 "Nuisances sonores nocturnes : arrêté de tranquillité publique.",
                 "La commune et son plan de tranquillité publique."):
        assert not real.match(text=text).flagged, text


def test_pdf_line_break_inside_a_sentence_does_not_end_it(real):
    # the backstop pairs a device word and a policing word of one sentence; a PDF breaks lines
    # mid-sentence (a word, then a lowercase word on the next line)
    pdf = ("Les images, transmises par réseau 4G, sont\nconsultées par les agents de police "
           "municipale assermentés.")
    fires(real, pdf, "video")
    # a lot's label and its text stay two sentences
    quiet(real, "Marché de travaux", "Lot 3 – Images de synthèse\nPolice de caractères et "
          "signalétique du hall.")
