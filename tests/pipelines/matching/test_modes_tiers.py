"""Every mode (phrase, word, prefix, acronym, near) and tier (A, B, C) rule."""
from __future__ import annotations

import hashlib


def terms(r):
    return sorted((h.theme, h.term, h.tier) for h in r.hits)


def test_phrase_with_generated_plural_and_determiners(small):
    for text in ("une caméra installée sur un aéronef", "des caméras installées sur des aéronefs",
                 "CAMÉRAS INSTALLÉES SUR LES AÉRONEFS", "la caméra installée sur l’aéronef"):
        r = small.match(text=text)
        assert r.flagged and r.themes == ["drones"], text
        assert terms(r) == [("drones", "caméra installée sur un aéronef", "A")]


def test_word_needs_boundaries_and_inflects(small):
    assert small.match(text="la gendarmerie achète des drones").themes == ["drones"]
    assert small.match(text="aérodrome et hippodrome, gendarmerie").hits == []
    r = small.match(text="un micro drone, un microdrone et un micro-drone ; gendarmerie")
    assert [h.term for h in r.hits].count("micro-drone") == 3


def test_prefix_mode(small):
    r = small.match(text="secteur vidéosurveillé ; police municipale")
    assert terms(r) == [("video", "vidéosurveill*", "B")]
    assert small.match(text="la vidéo surveillance, police municipale").flagged  # split form
    assert not small.match(text="vidéo, surveillance, police municipale").flagged


def test_acronym_is_case_sensitive_on_original_text(small):
    assert small.match(text="le lapin et la Lapi").hits == []
    assert small.match(text="LAPIN LAPIDAIRE").hits == []
    r = small.match(text="Le dispositif LAPI de la ville")
    assert terms(r) == [("video", "LAPI", "A")]
    h = r.hits[0]
    assert "Le dispositif LAPI de la ville"[h.start:h.end] == "LAPI"


def test_near_mode(small):
    r = small.match(text="la lecture automatisée des plaques d'immatriculation")
    assert terms(r) == [("video", "near(lecture automatisée, plaques, 4)", "A")]
    assert small.match(text="plaques minéralogiques, puis lecture automatisée").flagged
    far = "lecture automatisée de un deux trois quatre cinq six plaques"
    assert not small.match(text=far).flagged


def test_tier_a_flags_alone(small):
    r = small.match(text="Une caméra intelligente.")
    assert r.flagged and r.scores == {"video": 1.0}


def test_tier_b_needs_context(small):
    assert not small.match(text="installation de vidéoprotection").flagged
    assert small.match(text="vidéoprotection et caméra").flagged                 # theme context
    assert small.match(text="vidéoprotection ; police municipale").flagged       # global context
    assert small.match(text="vidéoprotection, avis de la CNIL").flagged          # acronym context
    r = small.match(text="installation de vidéoprotection")
    assert [why for _, why in r.rejected] == ["sans contexte"]


def test_tier_b_with_second_term(small):
    r = small.match(text="vidéoprotection reliée au CSU")
    assert r.flagged and {h.term for h in r.hits} == {"vidéoprotection", "CSU"}


def test_tier_c_never_flags_but_scores(small):
    r = small.match(text="un traitement algorithmique des données fiscales")
    assert not r.flagged and r.scores == {"video": 0.1} and r.hits == []
    r = small.match(text="traitement algorithmique, caméra intelligente")
    assert r.flagged and ("video", "traitement algorithmique", "C") in terms(r)
    assert r.scores["video"] == 1.1


def test_suppressor_beats_context(small):
    r = small.match(text="Épandage par drone pour la gendarmerie")
    assert not r.flagged
    assert r.rejected[0][1] == "supprimé par « épandage »"
    assert not small.match(text="suivi ornithologique par drone, gendarmerie").flagged
    # suppressors do not veto A terms
    assert small.match(text="épandage ; caméras installées sur des aéronefs").flagged


def test_exclude_removes_the_overlapping_hit_only(small):
    assert small.match(text="le théorème de Thalès, gendarmerie").hits == []
    assert small.match(text="Thales livre la gendarmerie").themes == ["drones"]


def test_same_occurrence_not_duplicated(small):
    r = small.match(text="vidéoprotection vidéosurveillance caméra", title="")
    spans = [(h.theme, h.start, h.end) for h in r.hits]
    assert len(spans) == len(set(spans))
    r = small.match(title="micro-drone", text="", parts=None)
    assert len(r.hits) == 0 or len({(h.start, h.end) for h in r.hits}) == len(r.hits)


def test_overlap_keeps_best_tier(real):
    r = real.match(text="la vidéosurveillance algorithmique")
    assert [(h.term, h.tier) for h in r.hits] == [("vidéosurveillance algorithmique", "A")]


def test_interface(small, small_yml):
    assert small.version == hashlib.sha256(small_yml.read_bytes()).hexdigest()
    assert {t["id"] for t in small.themes} == {"video", "drones"}
    assert {"theme": "video", "term": "vidéosurveill*", "mode": "prefix", "tier": "B"} in small.terms
    assert {"theme": "video", "term": "LAPI", "mode": "acronym", "tier": "A"} in small.terms
    modes = {t["mode"] for t in small.terms}
    assert modes == {"phrase", "word", "prefix", "acronym", "near"}


def test_result_carries_the_vocabulary_version(small, small_yml, real):
    # the store records which keywords.yml gave the hits without looking the matcher up
    digest = hashlib.sha256(small_yml.read_bytes()).hexdigest()
    assert small.match(title="caméra intelligente").version == digest
    assert small.match(title="rien", text="").version == digest      # no hit: still there
    other = real.match(title="caméra intelligente")
    assert other.version == real.version and other.version != digest


def test_real_vocabulary_themes(real):
    ids = [t["id"] for t in real.themes]
    assert ids == ["drones", "biometrie", "video", "son", "predictif", "fichiers", "fournisseurs"]
    assert all(t["label"] and t["description"] for t in real.themes)
