"""Round 5 of the blind evaluation (docs/keywords-eval.md): engine rules on a small
vocabulary written here, vocabulary families on the real keywords.yml. Texts are fresh
wordings, not copies of the eval corpora."""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher

from .conftest import fires, quiet

RULES = """\
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


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    p = tmp_path_factory.mktemp("r5") / "keywords.yml"
    p.write_text(RULES, encoding="utf-8")
    return load_matcher(p)


def test_two_b_terms_in_different_parts_confirm_each_other(rules):
    parts = [{"label": "Point 4", "text": "Pose de trois caméras urbaines rue Haute."},
             {"label": "Point 9", "text": "Alerte sur tout objet délaissé en gare."}]
    r = rules.match(title="Compte rendu", text="", parts=parts)
    assert r.themes == ["video"] and len(r.hits) == 2


def test_doc_wide_rule_off_when_the_theme_has_a_suppressor(rules):
    parts = [{"label": "Lot 3", "text": "Pose de trois caméras urbaines."},
             {"label": "Lot 9", "text": "Courants faibles et objet délaissé."}]
    r = rules.match(title="Travaux", text="", parts=parts)
    assert not r.flagged


def test_acronyms_still_need_context_in_their_own_part(rules):
    parts = [{"label": "Point 1", "text": "Terrasse du restaurant LE TAJ."},
             {"label": "Point 2", "text": "Mise à jour du fichier des associations."}]
    assert not rules.match(title="Conseil", text="", parts=parts).flagged
    parts[0]["text"] = "Consultation du TAJ par les agents ; fichier."
    assert rules.match(title="Conseil", text="", parts=parts).flagged


def test_a_repeated_term_is_not_its_own_context(rules):
    # « caméra » inside the text's copy of the title's term does not confirm the title
    r = rules.match(title="Caméras de surveillance du littoral",
                    text="Objet : caméras de surveillance du littoral et de la dune.")
    assert not r.flagged
    r = rules.match(title="Caméras de surveillance du marché",
                    text="Objet : caméras de surveillance ; la police municipale visionne.")
    assert r.flagged


def test_near_sides_take_alternatives_and_prefixes(rules):
    for text in ("Un logiciel pour anticiper les cambriolages, testé par la police municipale.",
                 "Afin de prévoir la délinquance du week-end, la police municipale ...",
                 "Outil d'anticipation de la délinquance ; police municipale."):
        r = rules.match(text=text)
        assert r.themes == ["predictif"], text
    assert not rules.match(text="Il faut anticiper les travaux ; police municipale.").flagged


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


def test_prefix_hit_covers_the_whole_word_across_a_line_end_hyphen(rules):
    text = "LA VIDÉO-\nPROTECTION de la police municipale"
    r = rules.match(text=text)
    h = r.hits[0]
    assert text[h.start:h.end] == "VIDÉO-\nPROTECTION"
    assert "[[VIDÉO- PROTECTION]]" in h.snippet
    r = rules.match(text="vidéoprotections ; police municipale")
    assert r.hits[0].snippet.startswith("[[vidéoprotections]]")


# ---------------------------------------------------------------- real vocabulary
@pytest.mark.parametrize("title, text, theme", [
    ("Arrêté préfectoral", "autorise la prise de vues par des moyens aéroportés lors du "
     "rassemblement", "drones"),
    ("Avis", "engins télépilotés munis de caméras pour la surveillance du port", "drones"),
    ("Décret", "un outil permettant de rapprocher automatiquement la photographie d'un suspect "
     "et l'image du visage enregistrée ; police nationale", "biometrie"),
    ("Délibération", "vérification du gabarit facial des agents à l'entrée ; contrôle d'accès",
     "biometrie"),
    ("Conseil municipal", "extension de la vidéotranquillité au quartier des Pins", "video"),
    ("Marché", "logiciel détectant sur les flux vidéo les objets délaissés en gare ; sûreté",
     "video"),
    ("Stationnement", "véhicule équipé de lecteurs de plaques d'immatriculation", "video"),
    ("Délibération", "une cellule de visionnage des caméras ouverte la nuit ; police municipale",
     "video"),
    ("Convention", "analyse sonore de la place du marché pour alerter la police municipale",
     "son"),
    ("Avis CNIL", "des capteurs enregistrant les bruits de la rue pour signaler une agression ; "
     "voie publique", "son"),
    ("Marché", "logiciel de prévision des cambriolages pour orienter les patrouilles de la police "
     "municipale", "predictif"),
    ("Communiqué", "la gendarmerie teste un outil pour anticiper les atteintes aux biens",
     "predictif"),
    ("Arrêté", "fichier national des interdits de stade : durée de conservation", "fichiers"),
    ("Décret", "À l'article R. 236-13 du code de la sécurité intérieure, le mot : « cinq » est "
     "remplacé", "fichiers"),
])
def test_round5_positive_families(real, title, text, theme):
    fires(real, text, theme, title)


@pytest.mark.parametrize("title, text", [
    ("Plan local de sécurité", "la convention prévoit des actions de prévention de la "
     "délinquance ; police municipale"),
    ("Observation du littoral", "caméras de surveillance du trait de côte et de l'érosion"),
    ("Réseau d'eau", "capteurs acoustiques de détection des fuites sur les canalisations"),
    ("Salle des fêtes", "sonorisation et micros de la salle ; visioconférence"),
    ("Aéroport", "prévision des vols et du trafic de passagers"),
    ("Drones", "pulvérisation par aéronefs télépilotés sur les vignes ; gendarmerie informée"),
])
def test_round5_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 6 (blind6.jsonl)
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


@pytest.mark.parametrize("title, text, theme", [
    ("Maintenance des caméras de voie publique", "", "video"),
    ("Fourniture de caméras de vidéoprotection", "Commune de Lunel", "video"),
    ("Conseil municipal", "Pose de dix nouvelles caméras place Carnot. Il s'agit de lutter "
     "contre les incivilités.", "video"),
    ("Plateforme d'hypervision de la sûreté urbaine", "", "predictif"),
    ("Délinquance : la police nationale mise sur les algorithmes", "", "predictif"),
    ("Arrêté préfectoral", "transmission d'images au moyen de caméras aéroportées", "drones"),
    ("Arrêté", "dispositifs de reconnaissance biométrique aux abords du stade", "biometrie"),
])
def test_round6_positive_families(real, title, text, theme):
    fires(real, text, theme, title)


@pytest.mark.parametrize("title, text", [
    ("Salle du conseil", "Installation de deux caméras pour la retransmission des séances."),
    ("Mobilité", "Pose de nouvelles caméras de comptage des vélos."),
    ("Élevage", "biométrie des bovins et identification des animaux du cheptel"),
])
def test_round6_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 7 (blind7.jsonl)
@pytest.mark.parametrize("title, text, theme", [
    ("Avis", "caméras capables de lisant les plaques des voitures ; police municipale", "video"),
    ("Marché", "Système de reconnaissance des plaques – attribution", "video"),
    ("Ordre du jour", "Point 7 : convention de partage des images avec la gendarmerie", "video"),
    ("Ordre du jour", "Point 3 : pose de capteurs sonores sur le parvis", "son"),
    ("Marché", "Détecteurs de coups de feu – lot unique", "son"),
    ("Avis CNIL", "projet de fichier des personnes suivies pour radicalisation", "fichiers"),
    ("Décret", "consultation du fichier des objets et véhicules signalés", "fichiers"),
])
def test_round7_positive_families(real, title, text, theme):
    fires(real, text, theme, title)


@pytest.mark.parametrize("title, text", [
    ("Stand de tir", "détecteurs de présence au stand de tir à l'arc"),
    ("Bruit", "capteurs sonores de l'observatoire du bruit ; cartographie du bruit"),
    ("Canicule", "registre des personnes vulnérables tenu par le CCAS"),
])
def test_round7_false_positive_families(real, title, text):
    quiet(real, title, text)
