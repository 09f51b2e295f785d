"""Engine rules for acronyms: a hyphenated name is not the acronym, context stays local,
`exclude: near()` applies to them."""
from __future__ import annotations

from .conftest import fires, quiet


def test_acronym_inside_a_hyphenated_name_is_not_the_acronym(real):
    assert not real.match(text="Le stand LAPI-BIO présente l'élevage biologique.").flagged
    assert not real.match(text="Visite du TAJ-Mahal pour les lycéens.").flagged
    r = real.match(text="Quatre caméras LAPI aux entrées de la commune.")
    assert r.themes == ["video"]


def test_acronyms_still_need_context_in_their_own_part(wide_rules):
    parts = [{"label": "Point 1", "text": "Terrasse du restaurant LE TAJ."},
             {"label": "Point 2", "text": "Mise à jour du fichier des associations."}]
    assert not wide_rules.match(title="Conseil", text="", parts=parts).flagged
    parts[0]["text"] = "Consultation du TAJ par les agents ; fichier."
    assert wide_rules.match(title="Conseil", text="", parts=parts).flagged


def test_exclude_near_applies_to_acronyms(real):
    quiet(real, "Petite enfance", "Convention avec le lieu d'accueil parents-infants (LAPI) ; "
          "le LAPI, géré par l'association familiale, ouvre le mardi.")
    fires(real, "Quatre caméras LAPI aux entrées de la ville, reliées à la police municipale.",
          "video")
