"""A malformed keywords.yml: a clear error naming the file, the line and the term."""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher

HEAD = "themes:\n  video:\n    label: Vidéo\n    A:\n"


def err(tmp_path, body: str) -> VocabularyError:
    p = tmp_path / "kw.yml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(VocabularyError) as e:
        load_matcher(p)
    assert e.value.file == str(p)
    assert str(p) in str(e.value)
    return e.value


def test_unknown_mode(tmp_path):
    e = err(tmp_path, HEAD + "      - drone\n      - {regex: 'dr.ne'}\n")
    assert e.line == 6 and "mode inconnu « regex »" in e.message
    e = err(tmp_path, HEAD + "      - {term: LAPI, mode: acronyme}\n")
    assert e.line == 5 and e.term == "LAPI" and "acronyme" in e.message


def test_duplicate_term(tmp_path):
    e = err(tmp_path, HEAD + "      - vidéoprotection\n      - Vidéo-protection\n".replace(
        "Vidéo-protection", "VIDEOPROTECTION"))
    assert e.line == 6 and e.term == "VIDEOPROTECTION" and "double" in e.message
    assert "ligne 5" in e.message


def test_duplicate_across_themes(tmp_path):
    body = HEAD + "      - drone\n  drones:\n    label: D\n    B:\n      - drone\n"
    e = err(tmp_path, body)
    assert e.line == 9 and e.term == "drone" and "also: true" in e.message


def test_also_allows_a_term_in_a_second_theme(tmp_path):
    # a vendor's product: counted under its technology and under fournisseurs
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  son:\n    label: S\n    A:\n      - Sensivic\n"
                 "  fournisseurs:\n    label: F\n    A:\n      - {phrase: Sensivic, also: true}\n",
                 encoding="utf-8")
    r = load_matcher(p).match(text="Capteurs Sensivic place du marché.")
    assert r.themes == ["son", "fournisseurs"]
    assert [(h.theme, h.term) for h in r.hits] == [("son", "Sensivic"), ("fournisseurs", "Sensivic")]
    # still an error twice in one theme, and « also » takes true / false only
    e = err(tmp_path, HEAD + "      - Sensivic\n      - {phrase: Sensivic, also: true}\n")
    assert e.line == 6 and "double" in e.message
    e = err(tmp_path, HEAD + "      - {phrase: Sensivic, also: peut-être}\n")
    assert e.line == 5 and "also vaut true ou false" in e.message


def test_regex_like_input(tmp_path):
    for bad in ("drone|drones", "vidéo(surveillance)", "dr.*ne", "cam[eé]ra", "^drone$"):
        e = err(tmp_path, HEAD + f"      - '{bad}'\n")
        assert e.line == 5 and e.term == bad and "expressions" in e.message


def test_bad_near_prefix_acronym_and_yaml(tmp_path):
    assert "distance" in err(tmp_path, HEAD + "      - near(a b, c d, x)\n").message
    assert "trop court" in err(tmp_path, HEAD + "      - vid*\n").message
    assert "majuscules" in err(tmp_path, HEAD + "      - {acronym: lapi}\n").message
    e = err(tmp_path, HEAD + "      - [unclosed\n")
    assert e.line is not None and "YAML" in e.message
    assert "clé inconnue" in err(tmp_path, HEAD.replace("A:", "Z:") + "      - x\n").message
    assert "vide" in err(tmp_path, "").message


def test_not_utf8(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_bytes((HEAD.replace("Vidéo", "V") + "      - vid\xe9o\n").encode("latin-1"))
    with pytest.raises(VocabularyError) as e:
        load_matcher(p)
    assert e.value.line == 5 and "UTF-8" in e.value.message


def test_missing_file(tmp_path):
    with pytest.raises(VocabularyError):
        load_matcher(tmp_path / "absent.yml")
