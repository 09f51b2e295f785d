"""Regressions for the failure classes found by the blind evaluation (docs/keywords-eval.md).

Engine rules are tested on a small vocabulary written here; vocabulary families on the real
keywords.yml. Texts are fresh wordings, not copies of the eval corpora.
"""
from __future__ import annotations

import pytest

from pipelines.matching import VocabularyError, load_matcher

from .conftest import fires, quiet

RULES = """\
context:
  - gendarmerie
themes:
  video:
    label: Vidéo
    description: Vidéo
    A:
      - caméra augmentée
    B:
      - caméra de surveillance
      - vidéoprotection
      - analyse d'images
    context:
      - caméra
      - sécurité
    suppressors:
      - courants faibles
  biometrie:
    label: Biométrie
    description: Biométrie
    A:
      - phrase: reconnaissance faciale
        exclude: ["near(déverrouillage, 5)"]
    B:
      - biométrie
      - biométrique
      - empreinte digitale
  fichiers:
    label: Fichiers
    description: Fichiers
    A:
      - fichier automatisé des empreintes digitales
  fournisseurs:
    label: Fournisseurs
    description: Fournisseurs
    B:
      - Sogetrel
      - Citelum
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    p = tmp_path_factory.mktemp("rules") / "keywords.yml"
    p.write_text(RULES, encoding="utf-8")
    return load_matcher(p)


# ---------------------------------------------------------------- engine rules

def test_context_inside_the_hit_is_not_context(rules):
    # « caméra » is video context, but it is a word of « caméras de surveillance » itself
    r = rules.match(title="Réhabilitation de l'EHPAD",
                    text="Appel malade et caméras de surveillance des circulations.")
    assert not r.flagged
    assert [why for _, why in r.rejected] == ["sans contexte"]
    r = rules.match(title="", text="Caméras de surveillance pour la sécurité du parking relais.")
    assert r.themes == ["video"]


def test_same_family_b_terms_do_not_confirm_each_other(rules):
    r = rules.match(title="Suivi biométrique des truites",
                    text="Mesure de la taille des poissons (biométrie) avant remise à l'eau.")
    assert not r.flagged
    # two B terms of one theme without a shared stem still confirm each other
    r = rules.match(title="", text="Vidéoprotection : analyse d'images des quais.")
    assert r.themes == ["video"]


def test_b_terms_of_other_families_still_confirm(rules):
    r = rules.match(title="", text="Travaux confiés à Sogetrel et à Citelum.")
    assert r.themes == ["fournisseurs"]     # a policy for keywords.yml (suppressors), not the engine


def test_b_hit_inside_an_a_name_of_another_theme_is_dropped(rules):
    r = rules.match(title="Décret relatif au fichier automatisé des empreintes digitales",
                    text="Durées de conservation.")
    assert r.themes == ["fichiers"]
    assert {h.theme for h in r.hits} == {"fichiers"}


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


def test_part_label_is_context_of_its_part_only(rules):
    # the label of lot 2 (a suppressor) must not veto the hit of lot 1
    parts = [{"label": "Lot 1 – Caméras de la place", "text": "Caméras de surveillance, sécurité."},
             {"label": "Lot 2 – Génie civil et courants faibles", "text": "Tranchées, fourreaux."}]
    text = "Objet : tranche 2.\n" + "\n".join(f"{p['label']}\n{p['text']}" for p in parts)
    r = rules.match(title="Extension de la vidéoprotection", text=text, parts=parts)
    assert r.themes == ["video"]
    assert any(h.part_label == "Lot 1 – Caméras de la place" for h in r.hits)
    # ... and a suppressor in a hit's own label still vetoes it
    parts = [{"label": "Lot 10 – Courants faibles", "text": "Caméras de surveillance, sécurité."}]
    text = "Construction d'un gymnase.\n" + f"{parts[0]['label']}\n{parts[0]['text']}"
    r = rules.match(title="Construction d'un gymnase", text=text, parts=parts)
    assert not r.flagged and "courants faibles" in r.rejected[0][1]


def test_quotation_marks_do_not_break_phrases(rules):
    r = rules.match(title="", text="Position sur les caméras « augmentées » dans l'espace public.")
    assert r.themes == ["video"]
    hit = r.hits[0]
    assert "[[caméras « augmentées]]" in hit.snippet


# ---------------------------------------------------------------- vocabulary families

@pytest.mark.parametrize("title,text,theme", [
    # fresh wording of face identification
    ("Bilan du carnaval", "Un logiciel d'identification des personnes à partir de l'image de "
     "leur visage a été testé ; la CNIL a exprimé des réserves.", "biometrie"),
    ("", "Recours à la reconnaissance biométrique faciale par la police.", "biometrie"),
    # CCTV without the canonical terms
    ("Convention relative au déport des images vers le commissariat",
     "Les images des caméras de la ville sont transmises au commissariat.", "video"),
    ("", "Extension du système de vidÃ©oprotection urbaine au quartier nord.", "video"),
    ("", "Recommandation sur les caméras dites « augmentées » dans l'espace public.", "video"),
    ("", "Huit lecteurs automatiques de plaques minéralogiques aux entrées de ville.", "video"),
    # gunshot detection worded differently
    ("", "Détection et localisation acoustique des coups de feu, alertes au CSU.", "son"),
    # drones: a generic verb must not act as a suppressor
    ("Avis sur l'usage de caméras aéroportées par les douanes",
     "La Commission relève que les aéronefs télépilotés survoleraient des zones habitées "
     "pour la surveillance des frontières.", "drones"),
    ("", "Un logiciel prédictif mis à disposition de la police pour anticiper la délinquance.",
     "predictif"),
])
def test_positive_families(real, title, text, theme):
    r = real.match(title=title, text=text)
    assert theme in r.themes, [(h.term, why) for h, why in r.rejected]


@pytest.mark.parametrize("title,text", [
    ("Smartphones durcis", "Déverrouillage par empreinte ou reconnaissance faciale, 5G."),
    ("Pêches électriques d'inventaire", "Suivi biométrique des truites, mesure de la biométrie."),
    ("Contrôle qualité", "Analyse d'images et vision par ordinateur pour détecter les défauts "
     "d'étiquetage sur la ligne de conditionnement."),
    ("Effacement des réseaux", "Travaux d'éclairage public confiés à Sogetrel ou Citelum."),
    ("Bâtiments", "Badgeuses à lecture d'empreinte digitale pour la gestion du pointage."),
])
def test_false_positive_families(real, title, text):
    r = real.match(title=title, text=text)
    assert not r.flagged, r.hits


# ---------------------------------------------------------------- round 2 (blind2.jsonl)

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


def test_acronym_inside_a_hyphenated_name_is_not_the_acronym(real):
    assert not real.match(text="Le stand LAPI-BIO présente l'élevage biologique.").flagged
    assert not real.match(text="Visite du TAJ-Mahal pour les lycéens.").flagged
    r = real.match(text="Quatre caméras LAPI aux entrées de la commune.")
    assert r.themes == ["video"]


def test_de_la_between_words_is_a_variant(real):
    r = real.match(title="", text="Fourniture d'un hyperviseur de la sécurité urbaine.")
    assert "predictif" in r.themes


@pytest.mark.parametrize("text,theme", [
    ("Acquisition de quadricoptères équipés de caméras pour la police municipale.", "drones"),
    ("Des caméras capables d'identifier automatiquement les visages, selon la CNIL.",
     "biometrie"),
    ("Quatorze caméras sur le domaine public communal, reliées à la police municipale.",
     "video"),
    ("Un système de reconnaissance automatique des plaques alertera la police municipale.",
     "video"),
    ("Des boîtiers capables de détecter les cris et les bris de verre alertent la police "
     "municipale.", "son"),
    ("Avis sur des caméras dotées de traitements algorithmiques dans les gares.", "video"),
    ("Licences du logiciel de gestion vidéo Milestone du centre de supervision.",
     "fournisseurs"),
])
def test_round2_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Espace aérien", "Les aéronefs sans équipage à bord de loisir ; déclaration au préfet."),
    ("Inventaire des chauves-souris", "Détection acoustique et caméra thermique des chiroptères."),
    ("Crues", "Caméras de surveillance des crues pour la sécurité des secours."),
    ("Bennes", "Caméras embarquées de détection des angles morts, sécurité des piétons."),
    ("Rugby", "Analyse vidéo des matchs et de la performance sportive par caméras."),
])
def test_round2_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 3 (blind3.jsonl)

@pytest.mark.parametrize("text,theme", [
    ("Un logiciel d'identification faciale pour comparer des images de suspects.", "biometrie"),
    ("Des caméras analysant les visages des passants afin de détecter des émotions.",
     "biometrie"),
    ("Installer huit caméras aux abords du skate-park, images consultables par la police "
     "municipale.", "video"),
    ("Des boîtiers d'écoute intelligente détectant les appels à l'aide, alerte aux agents de "
     "la police municipale.", "son"),
    ("Fourniture de 40 caméras Axis pour le centre de supervision urbain.", "fournisseurs"),
])
def test_round3_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Véhicules de la police municipale", "Trois véhicules équipés d'une caméra de recul."),
    ("Spectacle", "Mapping vidéo sur la cathédrale ; sécurité assurée par la police municipale."),
    ("Smartphones", "Déverrouillage par identification faciale ou code, écran 6 pouces."),
])
def test_round3_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 4 (blind4.jsonl)

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


@pytest.mark.parametrize("title,text,flagged", [
    ("Vidéoprotection – demande de subvention", "La commune sollicite la Région pour la "
     "deuxième phase de son système de vidéoprotection.", True),
    ("Groupe scolaire", "Lot 04 – Électricité CFO/CFA : alarme intrusion, interphonie et "
     "vidéoprotection du parvis.", False),
    ("Convention", "Les policiers municipaux consultent le fichier des véhicules volés.", True),
])
def test_round4_families(real, title, text, flagged):
    assert real.match(title=title, text=text).flagged is flagged


# ---------------------------------------------------------------- round 9 (blind9.jsonl)

@pytest.mark.parametrize("text,theme", [
    # identifying people by a body feature, no context word needed
    ("Essai d'un programme identifiant les passants d'après les traits du visage.", "biometrie"),
    ("Projet de caméras reconnaissant les piétons à leur silhouette.", "biometrie"),
    ("Un logiciel identifierait chaque passant par sa démarche.", "biometrie"),
    # DNA / fingerprint stores are files and biometrics
    ("Le ministère de l'intérieur précise la durée de conservation au fichier des empreintes "
     "génétiques.", "fichiers"),
    ("Le ministère de l'intérieur précise la durée de conservation au fichier des empreintes "
     "génétiques.", "biometrie"),
    ("Les policiers municipaux interrogent le système d'immatriculation des véhicules.",
     "fichiers"),
    ("Décret autorisant un logiciel de prise de notes pour les gendarmes en intervention.",
     "fichiers"),
    # forecasting participles and data pooling for policing
    ("Un outil prévoyant les secteurs de cambriolage sera fourni à la police municipale.",
     "predictif"),
    ("La plateforme croise les mains courantes et les appels pour la police municipale.",
     "predictif"),
    ("Des boîtiers signalent aux policiers les cris ou une vitre brisée.", "son"),
    ("Des capteurs thermiques avertissent la police nationale des intrusions.", "video"),
])
def test_round9_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Concertation", "Le conseil reconnaît la démarche engagée par les habitants du quartier."),
    ("Urbanisme", "Le projet redonne un nouveau visage au quartier ; on reconnaît la silhouette "
     "du beffroi."),
    ("Dépistage", "Test d'empreinte génétique proposé aux familles par le centre de santé."),
    ("Budget", "La délibération prévoyant la hausse des tarifs de cantine est adoptée."),
    ("Mobilités", "Le logiciel agrège les données de fréquentation des bus."),
])
def test_round9_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 10 (blind10.jsonl)

@pytest.mark.parametrize("text,theme", [
    ("Le module repère automatiquement une silhouette dans les enregistrements.", "video"),
    ("Solution de recherche dans les enregistrements vidéo pour les opérateurs du CSU.",
     "video"),
    ("Des lecteurs relèvent les numéros d'immatriculation aux entrées de la ville.", "video"),
    ("Installer encore des caméras dans nos rues pour filmer les habitants ?", "video"),
    ("Les opposants raillent un logiciel censé deviner où auront lieu les cambriolages.",
     "predictif"),
    ("Outil destiné à cartographier les risques de délinquance par quartier.", "predictif"),
    ("Scanner le visage des supporters à l'entrée du stade : la CNIL s'inquiète.", "biometrie"),
    ("Le décret étend les fichiers de renseignement aux opinions politiques.", "fichiers"),
    ("Le logiciel conserve l'identité des personnes interpellées pendant cinq ans.",
     "fichiers"),
    ("Survols par engin sans pilote au-dessus des points de deal.", "drones"),
    ("Maintenance des enregistreurs Milestone du centre de supervision.", "fournisseurs"),
])
def test_round10_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Accessibilité", "Sous-titrage automatique des vidéos du conseil municipal."),
    ("Téléphonie", "Sauvegarde automatique des enregistrements du standard de la mairie."),
    ("Patrimoine", "Le photographe relève la plaque commémorative du monument."),
    ("Flotte", "Le service relève les numéros des véhicules municipaux pour l'assureur."),
    ("Ressources humaines", "Le logiciel de paie conserve l'identité des agents."),
    ("Prévention", "Cartographie des risques d'inondation par quartier."),
])
def test_round10_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 11 (blind11.jsonl)

@pytest.mark.parametrize("text,theme", [
    ("Vu le code de la sécurité intérieure, notamment ses articles L. 242-1 à L. 242-8.",
     "drones"),
    ("Le boîtier écoute l'ambiance sonore et repère les rixes ou une explosion ; alerte à la "
     "police municipale.", "son"),
    ("Écoute automatisée de la voie publique aux abords de la gare.", "son"),
    ("L'application compare la photo du titre au visage de l'usager ; le gabarit du visage "
     "est effacé ensuite (ministère de l'intérieur).", "biometrie"),
    ("Décret relatif aux traitements de données à caractère personnel concernant le suivi des "
     "personnes en voie de radicalisation.", "fichiers"),
    ("Essai d'Anyvision sur les images de la ville.", "biometrie"),
    ("Essai d'Anyvision sur les images de la ville.", "fournisseurs"),
    ("Licences Briefcam pour le centre de supervision.", "video"),
    ("Capteurs Sensivic installés place de la mairie.", "fournisseurs"),
])
def test_round11_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Paie", "Cotisations sociales : application de l'article L. 242-1 du code de la sécurité "
     "sociale."),
    ("Football", "Système d'analyse vidéo des matchs pour le staff technique du club."),
    ("Urbanisme", "Une photographie de la façade ; le visage du quartier change."),
])
def test_round11_false_positive_families(real, title, text):
    quiet(real, title, text)


def test_preamble_and_articles_given_apart(real):
    # `technoveille match` input where text is the visas and parts the articles (blind11)
    r = real.match(title="Décret n° 2026-1 relatif à la sécurité des grands événements",
                   text="Vu le code de la sécurité intérieure ; Décrète :",
                   parts=[{"label": "Article 1", "text": "Dispositions générales."},
                          {"label": "Article 2", "text": "Les images des caméras font l'objet "
                           "d'un traitement algorithmique pour repérer les mouvements de foule."}])
    assert "video" in r.themes
    assert {h.part_label for h in r.hits if h.theme == "video"} == {"Article 2"}


# ---------------------------------------------------------------- round 12 (blind12.jsonl)

@pytest.mark.parametrize("text,theme", [
    ("Un engin volant radiocommandé équipé d'une caméra est prêté à la gendarmerie.", "drones"),
    ("La base où sont enregistrées les empreintes des doigts des personnes mises en cause "
     "(police scientifique).", "fichiers"),
    ("Relevé des empreintes papillaires dans les commissariats.", "biometrie"),
    ("Le logiciel compare les traits de la personne filmée avec la puce du passeport.",
     "biometrie"),
    ("Carte des quartiers où un cambriolage est jugé le plus probable cette semaine, pour la "
     "police municipale.", "predictif"),
    ("Détecteurs de bruits couplés aux caméras du centre de supervision, pour la sécurité.",
     "video"),
])
def test_round12_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Cuivre", "Il est probable que le vol de câbles retarde le chantier ; la police municipale "
     "est prévenue."),
    ("Mariage", "Le photographe compare la photo du mariage à la photographie officielle ; "
     "passeport demandé."),
    ("Aéromodélisme", "Le modèle réduit radiocommandé du club sera exposé au forum."),
    ("Bilan carbone", "La base de données des empreintes carbone des bâtiments communaux."),
])
def test_round12_false_positive_families(real, title, text):
    quiet(real, title, text)


def test_missing_person_is_not_a_police_file_entry(real):
    r = real.match(text="Recherche des personnes signalées disparues par la gendarmerie.")
    assert "fichiers" not in r.themes


def test_punctuation_glued_to_a_near_word_is_not_a_word(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  p:\n    label: P\n    description: P\n    A:\n"
                 "      - near(cambriolage, probable, 3)\n", encoding="utf-8")
    m = load_matcher(p)
    assert m.match(text="Des cambriolages, vols et dégâts jugés probables.").flagged is False
    assert m.match(text="Des cambriolages, vols et dégâts probables.").flagged   # 3 words
    assert m.match(text="Des cambriolages (vols, dégâts) probables.").flagged


# ---------------------------------------------------------------- round 13 (blind13, blind14)

def test_suppressor_of_a_text_without_parts_must_be_close(rules):
    # whole minutes in one text: an unrelated item a page away does not veto the hit
    filler = " Le conseil approuve le compte administratif du budget annexe." * 20   # ~1,250 chars
    far = ("Lot unique : courants faibles de la salle des fêtes." + filler
           + " Caméras de surveillance de la place, pour la sécurité des commerces.")
    assert rules.match(title="Procès-verbal", text=far).themes == ["video"]
    close = ("Lot unique : courants faibles de la salle des fêtes. Caméras de surveillance du "
             "hall, pour la sécurité des commerces.")
    r = rules.match(title="Procès-verbal", text=close)
    assert not r.flagged and "courants faibles" in r.rejected[0][1]


@pytest.mark.parametrize("text,theme", [
    ("La base nationale tenue par les services de renseignement recense les signalements "
     "pour radicalisation.", "fichiers"),
    ("L'agent relève les empreintes de deux doigts ; la carte d'identité est enregistrée dans "
     "la base nationale des titres.", "fichiers"),
    ("L'agent relève les empreintes de deux doigts du demandeur du passeport.", "biometrie"),
    ("Achat d'un appareil volant sans pilote à bord, télécommandé depuis le sol, pour la police "
     "municipale.", "drones"),
    ("Les opérateurs visionnent les images et procèdent à une levée de doute.", "video"),
])
def test_round13_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Action sociale", "Le PASP accompagne les ménages en difficulté ; subvention au CCAS."),
    ("Informatique", "Licences d'hyperviseur VMware et migration des machines virtuelles, y compris "
     "celles de la police municipale et de la vidéothèque."),
    ("Eau potable", "Capteurs acoustiques et analyse des bruits anormaux pour localiser les fuites "
     "du réseau d'eau potable."),
    ("Transports", "Maintenance du SAEIV d'origine Thales et caméras de recul des autobus ; sécurité "
     "des voyageurs."),
    ("Tramway", "Caméras embarquées pour l'inspection automatique de la voie et de la ligne "
     "aérienne de contact ; sécurité ferroviaire."),
])
def test_round13_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 14 (blind15, blind16)

def test_a_suppressed_hit_is_no_evidence(tmp_path):
    p = tmp_path / "kw.yml"
    p.write_text("themes:\n  d:\n    label: D\n    description: D\n    B:\n"
                 "      - aéronef sans équipage à bord\n      - {acronym: UAS}\n"
                 "    suppressors: [aéromodélisme]\n", encoding="utf-8")
    m = load_matcher(p)
    parts = [{"label": "Article 1", "text": "Les zones géographiques UAS sont publiées."},
             {"label": "Article 2", "text": "Les clubs d'aéromodélisme exploitent leurs "
              "aéronefs sans équipage à bord sur les sites déclarés."}]
    r = m.match(title="Arrêté relatif à l'espace aérien", text="", parts=parts)
    assert not r.flagged
    # without the suppressor the two terms confirm each other
    parts[1]["text"] = "Les aéronefs sans équipage à bord de l'État."
    assert m.match(title="Arrêté relatif à l'espace aérien", text="", parts=parts).flagged


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


@pytest.mark.parametrize("text,theme", [
    ("Le logiciel retrouverait une même personne dans les enregistrements en mesurant sa "
     "physionomie (police municipale).", "biometrie"),
    ("Le dispositif relève l'empreinte d'un doigt des visiteurs des établissements "
     "pénitentiaires.", "biometrie"),
    ("Les agents interrogeront la base nationale qui recense les personnes recherchées "
     "(police municipale).", "fichiers"),
    ("Un petit aéronef piloté depuis le sol suivra les rodéos pour la police municipale.",
     "drones"),
    ("Douze dispositifs optiques sur mâts reliés au poste de la police municipale.", "video"),
    ("Abonnement à Map Révélation pour la police municipale.", "fournisseurs"),
])
def test_round14_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Musée", "Étude des publics : analyse des émotions déclarées par les visiteurs."),
    ("Informatique", "Ordinateurs portables : connexion par reconnaissance du visage de "
     "l'utilisateur (Windows Hello)."),
    ("Bourses", "Vu la loi relative à l'informatique, aux fichiers et aux libertés. Il est créé "
     "un traitement automatisé de données à caractère personnel dénommé « Bourses »."),
    ("Datacenter", "Migration des machines virtuelles ; hypervision réseau ; stockage Huawei."),
    ("Justice", "Salles équipées de caméras et de microphones pour la télécommunication "
     "audiovisuelle avec les officiers de police judiciaire."),
    ("Conseil", "Caméras et microphones pour la retransmission des séances sur le site de la "
     "ville."),
    ("Uniformes", "Les vélos de la police municipale portent une plaque arrière « POLICE "
     "MUNICIPALE »."),
])
def test_round14_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 15 (blind17, blind18)

def test_exclude_near_applies_to_acronyms(real):
    quiet(real, "Petite enfance", "Convention avec le lieu d'accueil parents-infants (LAPI) ; "
          "le LAPI, géré par l'association familiale, ouvre le mardi.")
    fires(real, "Quatre caméras LAPI aux entrées de la ville, reliées à la police municipale.",
          "video")


@pytest.mark.parametrize("text,theme", [
    ("Des boîtiers écoutent en permanence la rue et distinguent un bris de vitre d'une "
     "détonation ; alerte aux agents de la police municipale.", "son"),
    ("Registre informatisé des mineurs signalés, consultable par la police municipale.",
     "fichiers"),
    ("Les policiers municipaux consulteront les bases nationales recensant les véhicules volés et les "
     "personnes recherchées par la justice.", "fichiers"),
    ("L'application nationale des personnes faisant l'objet d'une mesure de recherche ou de "
     "surveillance discrète (policiers, gendarmes).", "fichiers"),
    ("Les opérateurs relèvent, sur les images transmises, les infractions au stationnement ; "
     "avis de contravention au titulaire.", "video"),
])
def test_round15_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Antennes", "Antennes relais 5G : les équipements Huawei déposés (sécurité des réseaux "
     "radioélectriques) sont remplacés."),
    ("Recherche", "Biométrie sportive et analyse du mouvement des athlètes (caméras "
     "infrarouges)."),
    ("Environnement", "Espèces protégées : Morpho hecuba ; études de biométrie des populations."),
    ("Formation", "Caméras embarquées des véhicules école de la police nationale, sur piste "
     "fermée (formation à la conduite)."),
    ("Colis", "Livraison de colis par aéronefs circulant sans personne à bord ; caméras de "
     "navigation."),
    ("Cinéma", "Prises de vues sur la voie publique pour le tournage d'un film ; la police "
     "municipale règle la circulation."),
    ("Emploi", "Les personnes recherchées pour les emplois saisonniers de la plage."),
])
def test_round15_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 16 (blind19, blind20)

@pytest.mark.parametrize("text,theme", [
    ("Le logiciel de vidéo-prot. permet de retrouver une personne à partir d'une simple photo "
     "de son visage.", "biometrie"),
    ("Rechercher un individu dans les flux enregistrés à partir d'une image de référence de son "
     "visage (CSU).", "biometrie"),
    ("Cartes de risque transmises chaque matin au chef de poste pour planifier les patrouilles "
     "de la police municipale.", "predictif"),
    ("Le logiciel croise les signalements avec les interventions passées pour la police "
     "municipale.", "predictif"),
])
def test_round16_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("EHPAD", "Vidéosurveillance nocturne et détection de chute pour le personnel soignant."),
    ("Pêche", "Relevé des données biométriques des captures par les observateurs en criée."),
    ("Énergie", "Plateforme d'hypervision énergétique : l'hyperviseur agrège les données des "
     "compteurs communicants."),
    ("Déchetterie", "Deux caméras thermiques détectent tout point chaud dans les bennes."),
])
def test_round16_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 17 (blind21, blind22)

@pytest.mark.parametrize("text,theme", [
    ("Remplacement des caméras et de l'enregistrement des images des coursives du centre "
     "pénitentiaire.", "video"),
    ("Quarante appareils d'enregistrement vidéo fixés sur la tenue des policiers municipaux.",
     "video"),
    ("Le logiciel estime les quartiers où de nouveaux faits ont le plus de chances de se "
     "produire, pour orienter les patrouilles de la police municipale.", "predictif"),
    ("Un algorithme calcule un indice de risque par îlot pour la police municipale ; les "
     "secteurs où des rixes sont susceptibles de survenir.", "predictif"),
    ("Contrôle des visiteurs des établissements pénitentiaires par lecture du réseau veineux "
     "de la main.", "biometrie"),
])
def test_round17_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Culture", "Traitement automatisé de données à caractère personnel dénommé « Passeport "
     "culturel jeunes » ; avis de la Commission nationale de l'informatique et des libertés."),
    ("Formation", "Acquisition d'un simulateur de tir vidéo interactif pour la formation des "
     "policiers municipaux."),
    ("Biodiversité", "Comptage de la faune sauvage par drone équipé d'une caméra thermique ; "
     "analyse d'images."),
])
def test_round17_false_positive_families(real, title, text):
    quiet(real, title, text)


# ---------------------------------------------------------------- round 18 (blind23, blind24)

def test_pdf_line_break_inside_a_sentence_does_not_end_it(real):
    # the backstop pairs a device word and a policing word of one sentence; a PDF breaks lines
    # mid-sentence (a word, then a lowercase word on the next line)
    pdf = ("Les images, transmises par réseau 4G, sont\nconsultées par les agents de police "
           "municipale assermentés.")
    fires(real, pdf, "video")
    # a lot's label and its text stay two sentences
    quiet(real, "Marché de travaux", "Lot 3 – Images de synthèse\nPolice de caractères et "
          "signalétique du hall.")


@pytest.mark.parametrize("text,theme", [
    ("Les images collectées par les caméras peuvent faire l'objet d'un traitement par des "
     "logiciels repérant des événements prédéterminés.", "video"),
    ("Un logiciel signale automatiquement aux opérateurs les sacs laissés sans surveillance et "
     "les attroupements sur les images des caméras.", "video"),
    ("Décret relatif à la base nationale des profils ADN utilisée par les services d'enquête.",
     "fichiers"),
    ("Les policiers municipaux vérifient si une personne figure sur la liste nationale des "
     "individus recherchés par les autorités judiciaires.", "fichiers"),
    ("Arrêté portant création d'un traitement relatif aux personnes faisant l'objet d'une "
     "interdiction de stade (ministre de l'intérieur).", "fichiers"),
])
def test_round18_positive_families(real, text, theme):
    fires(real, text, theme)


@pytest.mark.parametrize("title,text", [
    ("Informatique", "Portables avec connexion à la session par reconnaissance faciale "
     "(Windows Hello)."),
    ("Environnement", "Un drone muni d'une caméra thermique repère les faons avant la fauche."),
    ("Collèges", "Programme VSA (vie sexuelle et affective) ; campagne « TES CHOIX, TES "
     "DROITS »."),
    ("Jeunesse", "L'affiche reprendra les titres « TES IDÉES COMPTENT » et « TES PROJETS »."),
    ("Animaux", "Traitement automatisé de données à caractère personnel dénommé « Fichier "
     "national d'identification des carnivores domestiques » (ministre de l'agriculture)."),
])
def test_round18_false_positive_families(real, title, text):
    quiet(real, title, text)
