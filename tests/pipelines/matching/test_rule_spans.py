"""Engine rules for spans and variants: overlapping hits of two themes, quotation marks, a
prefix hit across an end-of-line hyphen, « de la » as a determiner variant."""
from __future__ import annotations


def test_b_hit_inside_an_a_name_of_another_theme_is_dropped(rules):
    r = rules.match(title="Décret relatif au fichier automatisé des empreintes digitales",
                    text="Durées de conservation.")
    assert r.themes == ["fichiers"]
    assert {h.theme for h in r.hits} == {"fichiers"}


def test_quotation_marks_do_not_break_phrases(rules):
    r = rules.match(title="", text="Position sur les caméras « augmentées » dans l'espace public.")
    assert r.themes == ["video"]
    hit = r.hits[0]
    assert "[[caméras « augmentées]]" in hit.snippet


def test_prefix_hit_covers_the_whole_word_across_a_line_end_hyphen(wide_rules):
    text = "LA VIDÉO-\nPROTECTION de la police municipale"
    r = wide_rules.match(text=text)
    h = r.hits[0]
    assert text[h.start:h.end] == "VIDÉO-\nPROTECTION"
    assert "[[VIDÉO- PROTECTION]]" in h.snippet
    r = wide_rules.match(text="vidéoprotections ; police municipale")
    assert r.hits[0].snippet.startswith("[[vidéoprotections]]")


def test_de_la_between_words_is_a_variant(real):
    r = real.match(title="", text="Fourniture d'un hyperviseur de la sécurité urbaine.")
    assert "predictif" in r.themes
