"""Engine rules for context: what confirms a B term (context words, a second term, the
document-wide rule) and what does not; `needs_context: false / strict`."""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher


def test_context_inside_the_hit_is_not_context(rules):
    # « caméra » is video context, but it is a word of « caméras de surveillance » itself
    r = rules.match(title="Réhabilitation de l'EHPAD",
                    text="Appel malade et caméras de surveillance des circulations.")
    assert not r.flagged
    assert [why for _, why in r.rejected] == ["sans contexte"]
    r = rules.match(title="", text="Caméras de surveillance pour la sécurité du parking relais.")
    assert r.themes == ["video"]


def test_a_repeated_term_is_not_its_own_context(wide_rules):
    # « caméra » inside the text's copy of the title's term does not confirm the title
    r = wide_rules.match(title="Caméras de surveillance du littoral",
                         text="Objet : caméras de surveillance du littoral et de la dune.")
    assert not r.flagged
    r = wide_rules.match(title="Caméras de surveillance du marché",
                         text="Objet : caméras de surveillance ; la police municipale visionne.")
    assert r.flagged


def test_same_family_b_terms_do_not_confirm_each_other(rules):
    r = rules.match(title="Suivi biométrique des truites",
                    text="Mesure de la taille des poissons (biométrie) avant remise à l'eau.")
    assert not r.flagged
    # two B terms of one theme without a shared stem still confirm each other
    r = rules.match(title="", text="Vidéoprotection : analyse d'images des quais.")
    assert r.themes == ["video"]


def test_b_terms_of_other_families_still_confirm(rules):
    r = rules.match(title="", text="Travaux confiés à Sogetrel et à Citelum.")
    assert r.themes == ["fournisseurs"]


def test_two_b_terms_in_different_parts_confirm_each_other(wide_rules):
    parts = [{"label": "Point 4", "text": "Pose de trois caméras urbaines rue Haute."},
             {"label": "Point 9", "text": "Alerte sur tout objet délaissé en gare."}]
    r = wide_rules.match(title="Compte rendu", text="", parts=parts)
    assert r.themes == ["video"] and len(r.hits) == 2


def test_context_word_inside_its_exclude_phrase_is_no_context(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  f:\n    label: F\n    description: F\n    B:\n"
                 "      - traitement automatisé de données à caractère personnel dénommé\n"
                 "    context:\n      - phrase: fichier\n"
                 "        exclude: [aux fichiers et aux libertés]\n", encoding="utf-8")
    m = load_matcher(p)
    visas = "Vu la loi n° 78-17 relative à l'informatique, aux fichiers et aux libertés ;"
    body = " Il est créé un traitement automatisé de données à caractère personnel dénommé « X »."
    assert not m.match(text=visas + body).flagged
    assert m.match(text=visas + body + " Il est versé au fichier des suspects.").flagged


def test_needs_context_false_counts_alone_but_is_suppressed(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  v:\n    label: V\n    description: V\n    B:\n"
                 "      - {prefix: vidéoprot, needs_context: false}\n      - drone\n"
                 "    suppressors: [courants faibles]\n", encoding="utf-8")
    m = load_matcher(p)
    assert m.match(title="Vidéoprotection – demande de subvention", text="").themes == ["v"]
    assert not m.match(text="Lot 10 – courants faibles, vidéoprotection du hall.").flagged
    assert not m.match(text="Livraison de colis par drone.").flagged


def test_needs_context_only_for_b_terms(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  v:\n    label: V\n    description: V\n    A:\n"
                 "      - {phrase: caméra intelligente, needs_context: false}\n", encoding="utf-8")
    with pytest.raises(VocabularyError) as exc:
        load_matcher(p)
    assert ":6" in str(exc.value) and "caméra intelligente" in str(exc.value)


def test_longer_b_hit_inherits_counts_alone(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  video:\n    label: V\n    B:\n"
                 "      - {prefix: vidéoprot, needs_context: false}\n"
                 "      - caméra de vidéoprotection\n"
                 "    suppressors: [courants faibles]\n", encoding="utf-8")
    m = load_matcher(p)
    r = m.match(title="Fourniture de caméras de vidéoprotection")
    assert r.flagged and [h.term for h in r.hits] == ["caméra de vidéoprotection"]
    assert not m.match(title="Lot 4 courants faibles : caméras de vidéoprotection").flagged


def test_needs_context_strict_near_term_needs_another_word(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  video:\n    label: V\n    B:\n"
                 "      - {near: \"installation / pose, caméra, 4\", needs_context: strict}\n"
                 "      - {near: \"déploiement, caméra, 4\"}\n"
                 "    context: [caméra, incivilité]\n", encoding="utf-8")
    m = load_matcher(p)
    assert not m.match(text="Installation de deux caméras dans la salle.").flagged
    assert m.match(text="Installation de deux caméras. Contre les incivilités.").flagged
    assert m.match(text="Déploiement de deux caméras dans la salle.").flagged   # not strict
    p.write_text("themes:\n  video:\n    label: V\n    A:\n"
                 "      - {near: \"pose, caméra, 4\", needs_context: strict}\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="termes B"):
        load_matcher(p)
