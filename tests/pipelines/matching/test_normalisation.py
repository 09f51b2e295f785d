"""Folding: accents, case, œ, apostrophes, NBSP, hyphens, end-of-line hyphenation, mojibake,
HTML entities, lost accents — with offsets and snippets pointing at the original words."""
from __future__ import annotations

import unicodedata

import pytest

from technoveille.core.fold import fold, fold_text

CASES = [
    ("VIDÉOPROTECTION", "vidéoprotection"),
    (unicodedata.normalize("NFD", "vidéoprotection"), "vidéoprotection"),       # combining marks
    ("vidéo-protection", "vidéoprotection"),
    ("vidéo protection", "vidéoprotection"),
    ("vidéo\u2011protection", "vidéoprotection"),                                 # non-breaking hyphen
    ("VIDEO-\nPROTECTION", "vidéoprotection"),                                    # end-of-line hyphen
    ("vidéo-\r\n   protection", "vidéoprotection"),
    ("vidÃ©oprotection", "vidéoprotection"),                                      # mojibake latin-1
    ("vidĂ©oprotection", "vidéoprotection"),                                      # mojibake cp1250
    ("vid&eacute;oprotection", "vidéoprotection"),                                # HTML entity
    ("vid&#233;oprotection", "vidéoprotection"),
    ("vid\ufffdoprotection", "vidéoprotection"),                                  # lost accent
    ("caméras\u00a0installées sur\u202fdes aéronefs", "caméra installée sur un aéronef"),  # NBSP
    ("caméra installée sur l’aéronef", "caméra installée sur un aéronef"),       # apostrophe
    ("caméras\ninstallées  sur\tdes aéronefs", "caméra installée sur un aéronef"),  # whitespace
]


@pytest.mark.parametrize("text,term", CASES)
def test_variant_found_and_offsets_map_to_original(small, text, term):
    doc = f"Préambule « {text} » ; police municipale, caméra."
    r = small.match(text=doc)
    hits = [h for h in r.hits if h.term == term]
    assert len(hits) == 1, (text, r.hits, r.rejected)
    h = hits[0]
    assert doc[h.start:h.end] == text
    assert "[[" + " ".join(text.split()) + "]]" in h.snippet


def test_oe_ae_and_ligatures():
    assert fold("Œuvre d’art, ex æquo, ﬁscalité") == "oeuvre d'art, ex aequo, fiscalite"


def test_fold_to_original_on_expanding_chars():
    s = "Œuvre cœur ex æquo Straße vidéo"
    f = fold_text(s)
    i = f.text.index("video")
    assert s[slice(*f.to_original(i, i + 5))] == "vidéo"


def test_other_scripts_are_boundaries():
    assert fold("дрон drone") == "#### drone"


def test_snippet_marks_original_words(real):
    text = ("Le conseil municipal approuve l'extension du dispositif. " * 3
            + "Les agents de la police municipale utiliseront des caméras-piétons dès 2024.")
    r = real.match(text=text)
    h = r.hits[0]
    assert h.snippet.count("[[") == 1 and "[[caméras-piétons]]" in h.snippet
    assert h.snippet.startswith("…")
