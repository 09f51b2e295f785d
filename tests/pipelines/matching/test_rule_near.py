"""Engine rules for near() terms and `exclude: ["near(word, N)"]`: distance, alternatives and
prefixes, punctuation, linear time, syntax errors."""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher


def test_near_sides_take_alternatives_and_prefixes(wide_rules):
    for text in ("Un logiciel pour anticiper les cambriolages, testé par la police municipale.",
                 "Afin de prévoir la délinquance du week-end, la police municipale ...",
                 "Outil d'anticipation de la délinquance ; police municipale."):
        r = wide_rules.match(text=text)
        assert r.themes == ["predictif"], text
    assert not wide_rules.match(text="Il faut anticiper les travaux ; police municipale.").flagged


def test_punctuation_glued_to_a_near_word_is_not_a_word(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  p:\n    label: P\n    description: P\n    A:\n"
                 "      - near(cambriolage, probable, 3)\n", encoding="utf-8")
    m = load_matcher(p)
    assert m.match(text="Des cambriolages, vols et dégâts jugés probables.").flagged is False
    assert m.match(text="Des cambriolages, vols et dégâts probables.").flagged   # 3 words
    assert m.match(text="Des cambriolages (vols, dégâts) probables.").flagged


def test_near_is_linear_with_many_far_partners(tmp_path):
    import time
    p = tmp_path / "kw.yml"
    p.write_text("context: [voie publique]\nthemes:\n  v:\n    label: V\n    description: V\n"
                 "    A:\n      - near(caméra, domaine public, 6)\n"
                 "    B:\n      - near(caméra, voie publique, 6)\n", encoding="utf-8")
    m = load_matcher(p)
    text = "Occupation du domaine public. " * 400_000 + "Caméras sur le domaine public."
    t0 = time.perf_counter()
    r = m.match(text=text)
    assert time.perf_counter() - t0 < 10
    assert r.themes == ["v"] and r.hits[0].start == text.rindex("Caméras")
    # a near term is its own evidence: its words may be context words
    assert m.match(text="Des caméras sur la voie publique.").themes == ["v"]
    assert not m.match(text="Des caméras sur le parvis.").flagged


def test_near_alternative_syntax_errors_name_file_line_term(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  t:\n    label: T\n    B:\n      - near(a* / , visage, 3)\n",
                 encoding="utf-8")
    with pytest.raises(VocabularyError) as exc:
        load_matcher(p)
    msg = str(exc.value)
    assert f"{p}:5" in msg and "near(a* / , visage, 3)" in msg and "alternative vide" in msg
    p.write_text("themes:\n  t:\n    label: T\n    B:\n      - near(ab* / visage, x, 3)\n",
                 encoding="utf-8")
    with pytest.raises(VocabularyError, match="trop court"):
        load_matcher(p)


def test_exclude_near_drops_a_hit_within_n_words(rules):
    r = rules.match(title="Smartphones",
                    text="Déverrouillage par empreinte ou reconnaissance faciale, écran 6 pouces.")
    assert not r.flagged
    far = ("Le déverrouillage des crédits est voté. " + "mot " * 10
           + "Le conseil refuse la reconnaissance faciale sur la voie publique.")
    r = rules.match(title="", text=far)
    assert r.themes == ["biometrie"]


def test_exclude_near_bad_syntax_names_file_line_term(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  b:\n    A:\n      - phrase: reconnaissance faciale\n"
                 "        exclude: [\"near(déverrouillage)\"]\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as exc:
        load_matcher(p)
    assert str(p) in str(exc.value) and "reconnaissance faciale" in str(exc.value)
