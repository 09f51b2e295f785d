"""The wordings of prefectoral acts (source `raa`, issue 14) on the real keywords.yml: drone
and VSA authorisations under their themes, vidéoprotection authorisations under video, the
OCR noise of scanned acts, and the aircraft acts that are not surveillance kept out.

The texts are written here in the shapes of the recueils (a sommaire entry as the act's
title, a separator page, the arrêté with its visas), never copied from the research samples.
Each act is matched as the `raa` source stores it: title = the act's title, text = its pages.
"""
from __future__ import annotations

import pytest

SEP = "26_Préf_Préfecture de la Drôme-et-Vivarais\n{id}\n{title}\n"
HEAD = ("PRÉFET\nDE LA DRÔME-ET-VIVARAIS\nLiberté\nÉgalité\nFraternité\n"
        "Cabinet\nDirection des sécurités\n")
GENDARMERIE = ("Vu la demande présentée le 3 juin par le commandant du groupement de "
               "gendarmerie départementale ;\nSur proposition du directeur de cabinet ;\n"
               "ARRÊTE\nArticle 1er – L'autorisation est accordée du 5 juin 8h00 au 6 juin "
               "20h00.\nArticle 2 – Le présent arrêté sera publié au recueil des actes "
               "administratifs de la préfecture.\n")
DRONE_TITLE = ("Arrêté préfectoral autorisant la captation, l'enregistrement et la transmission "
               "d'images au moyen de caméras installées sur des aéronefs")


def act(title: str, body: str, act_id: str = "26-2025-06-04-00003") -> tuple[str, str]:
    """(title, text) of one act as the raa parser stores it."""
    return title, SEP.format(id=act_id, title=title) + HEAD + body


# ------------------------------------------------------------------ positives: (id, title, text, theme)
POSITIVES = [
    ("drone-plural", *act(DRONE_TITLE, "Le préfet,\nVu le code de la sécurité intérieure ;\n"
                          + GENDARMERIE), "drones"),
    ("drone-singular", *act(
        "AP 2025-155-004 du 4 juin 2025 autorisant la captation, l'enregistrement et la "
        "transmission d'images au moyen d'une caméra installée sur un aéronef",
        GENDARMERIE), "drones"),
    ("drone-singular-title-only",
     "AP du 4 juin 2025 autorisant la transmission d'images au moyen d'une caméra installée "
     "sur un aéronef", "", "drones"),
    ("captation-par-drone", *act("AP captation d'images par drone - finalité 3 - festival",
                                 GENDARMERIE), "drones"),
    ("captation-image-drone-sommaire-entry",
     "AP captation d'image drone Finalité 1-raa", "", "drones"),
    ("utilisation-de-drones", *act(
        "Arrêté autorisant l'utilisation de drones par la direction interdépartementale de la "
        "police nationale lors du carnaval", GENDARMERIE), "drones"),
    ("sommaire-file-name", *act("AP autorisation utilisation Drones 21 juin 2025 PN.odt",
                                "Le préfet,\n" + GENDARMERIE), "drones"),
    ("cameras-without-accents", *act(
        "arrete autorisant la captation, l'enregistrement et la transmission d'images au moyen "
        "de cameras installees sur des aeronefs", GENDARMERIE), "drones"),
    ("au-moyens-de", *act(
        "Arrêté préfectoral autorisant la captation, l'enregistrement et la transmission "
        "d'images au moyens de caméras installées sur des aéronefs", GENDARMERIE), "drones"),
    ("csi-l-242-5", *act("Arrêté n° 2025-0412 du 4 juin 2025",
                         "Le préfet,\nVu le code de la sécurité intérieure, notamment son article "
                         "L. 242-5 ;\n" + GENDARMERIE), "drones"),
    ("csi-acronym-l-242-5", *act("Arrêté n° 2025-0413",
                                 "Vu le CSI, art. L. 242-5 ;\n" + GENDARMERIE), "drones"),
    ("decret-2023-283", *act("Arrêté n° 2025-0414",
                             "Vu le décret n° 2023-283 du 19 avril 2023 ;\n" + GENDARMERIE),
     "drones"),
    ("decret-misprinted-2023-238", *act("Arrêté n° 2025-0415",
                                        "Vu le décret n°2023-238 du 19 avril 2023 ;\n"
                                        + GENDARMERIE), "drones"),
    ("decret-wording-sur-les-aeronefs", *act(
        "Arrêté n° 2025-0416",
        "Vu le décret relatif à la mise en œuvre de dispositifs de captation installés sur les "
        "aéronefs pour des missions de police administrative ;\n" + GENDARMERIE), "drones"),
    # OCR noise of scanned acts
    ("ocr-square-apostrophe", *act(
        "Arrêté n°2025-00611 autorisant la captation, l□enregistrement et la transmission",
        "d□images au moyen d□une caméra installée sur l□aéronef de la gendarmerie\n"),
     "drones"),
    ("ocr-question-mark-apostrophe", *act(
        "Arrêté n°2025-00612", "l?enregistrement et la transmission d?images au moyen d?une "
        "caméra installée sur l?aéronef du groupement\n"), "drones"),
    ("ocr-capital-i-for-l", *act(
        "Arrété N°2025/06-05", "autorisant la càptation, I'enregistrement au moyen d'une caméra "
        "installée sur I'aéronef de la gendarmerie\n"), "drones"),
    ("ocr-five-for-s", *act(
        "Arrêté n° 2025-0420", "au moyen de caméra5 installée5 sur de5 aéronef5 pour la "
        "sécurité de5 per5onnes\n"), "drones"),
    ("ocr-cut-words-end-of-line", *act(
        "Arrêté n° 2025-0421", "au moyen de caméras instal-\nlées sur des aéro-\n\nnefs\n"),
     "drones"),
    ("ocr-cut-words-joined-lines", *act(
        "Arrêté n° 2025-0422", "au moyen de caméras instal- lées sur des aéro- nefs aux fins "
        "d'assurer la sécurité\n"), "drones"),
    ("ocr-lost-accents", *act(
        "Arrêté n° 2025-0423", "au moyen de cam\ufffdras install\ufffdes sur des "
        "a\ufffdronefs\n"), "drones"),
    ("drones-over-the-fireworks", *act(
        "AP autorisation utilisation drones 14 juillet PN.odt",
        "Le préfet autorise la direction départementale de la police nationale à utiliser des "
        "drones au-dessus du feu d'artifice et des quais.\n"), "drones"),
    ("ocr-capitals-broken-lines", *act(
        "ARRÊTÉ PRÉFECTORAL", "AUTORISANT LA CAPTATION, L'ENREGISTREMENT ET LA TRANSMISSION\n"
        "D'IMAGES AU MOYEN DE CAMÉRAS\nINSTALLÉES SUR DES\nAÉRONEFS\n"), "drones"),
    ("ocr-glued-words", *act(
        "Arrêté n° 2025-0424", "Vu la demande visant à obtenir l'autorisation de capter, "
        "d'enregistrer et de trans-mettre des images aumoyen de caméras installées sur des "
        "aéronefs aux fins deprévenir desatteintes\n"), "drones"),
    # VSA: the JO 2024 experiment
    ("vsa-traitement-algorithmique", *act(
        "Arrêté n° 2025-00977 portant autorisation de l'emploi dans trois gares d'un traitement "
        "algorithmique des images issues d'un système de vidéoprotection", GENDARMERIE),
     "video"),
    ("vsa-loi-2023-380-article-10", *act(
        "Arrêté n° 2025-00978",
        "Vu la loi n° 2023-380 du 19 mai 2023 relative aux jeux Olympiques et Paralympiques de "
        "2024 et portant diverses autres dispositions, notamment son article 10 ;\n"), "video"),
    ("vsa-traitements-algorithmiques-article-10", *act(
        "Arrêté n° 2025-00979",
        "Vu le décret relatif aux modalités de mise en œuvre des traitements algorithmiques "
        "prévus par l'article 10 de la loi relative aux jeux Olympiques ;\n"), "video"),
    ("vsa-decret-2023-828", *act("Arrêté n° 2025-00980",
                                 "Vu le décret n° 2023-828 du 28 août 2023 ;\n"), "video"),
    ("vsa-jo-experiment", *act(
        "Arrêté n° 2025-00981",
        "Considérant qu'à titre expérimental, les images collectées au moyen de caméras font "
        "l'objet de traitements algorithmiques pour détecter des événements prédéterminés ;\n"),
     "video"),
    # vidéoprotection authorisations
    ("videoprotection-commerce", *act(
        "Arrêté préfectoral n°2311/2025 portant autorisation d'un système de vidéoprotection",
        "Vu la demande d'autorisation présentée par le gérant du supermarché ;\n"), "video"),
    ("videoprotection-mairie-renouvellement",
     "Arrêté portant renouvellement de fonctionnement d'un système autorisé de vidéoprotection "
     "- Mairie de Saint-Romain - N°20250307", "", "video"),
    ("videoprotection-csi-l-251-1", *act(
        "Arrêté préfectoral n°2312/2025",
        "Vu le code de la sécurité intérieure, notamment ses articles L. 251-1 à L. 255-1 et "
        "R. 251-1 à R. 253-4 ;\nVu la demande présentée par le gérant du bureau de tabac ;\n"),
     "video"),
    ("videoprotection-csi-l-252-1", *act(
        "Arrêté n°2313/2025", "Vu le CSI, notamment son article L. 252-1 ;\n"), "video"),
    ("videoprotection-ocr-cut", *act(
        "ARRÊTÉ AUTORISANT LA MISE EN OEUVRE D'UN SYSTÈME DE VIDÉO-\nPROTECTION", ""), "video"),
    ("videoprotection-ocr-joined-line", *act(
        "Arrêté n°2314/2025", "portant autorisation d'un système de vidéo- protection aux "
        "abords de la mairie\n"), "video"),
]

# ------------------------------------------------------------------ negatives: (id, title, text)
NEGATIVES = [
    ("anti-drone-protection", *act(
        "Arrêté n° 2025-00702 autorisant la mise en œuvre de moyens de protection contre les "
        "menaces résultant d'aéronefs circulant sans personne à bord à Saint-Denis",
        "Le préfet de police,\nVu le code des transports ;\nConsidérant la rencontre de football "
        "au stade et les risques pour l'ordre public ;\n")),
    ("anti-drone-protection-title-only",
     "Arrêté autorisant la mise en œuvre de moyens de protection contre les menaces résultant "
     "d'aéronefs circulant sans personne à bord", ""),
    ("air-show", *act(
        "Arrêté portant autorisation d'un spectacle aérien comportant l'évolution d'aéronefs "
        "sans équipage à bord",
        "Le préfet,\nVu la demande du comité des fêtes ;\nConsidérant l'avis de la gendarmerie "
        "des transports aériens ;\n")),
    ("air-show-manifestation-aerienne", *act(
        "AP manifestation aérienne - démonstration de drones - fête du lac",
        "Le préfet,\nConsidérant l'avis de la gendarmerie des transports aériens ;\n")),
    ("vol-captif", *act(
        "AP plateforme vol captif - Saint-Maurice",
        "Le préfet,\nautorise la création d'une plateforme aérostatique temporaire pour un "
        "ballon captif ; la gendarmerie est chargée de l'exécution du présent arrêté.\n")),
    ("low-flight-exemption", *act(
        "AP portant dérogation aux hauteurs minimales de survol - société Hélivues",
        "Le préfet,\nla société est autorisée à survoler la commune au moyen d'un aéronef "
        "télépiloté pour des prises de vues ; la gendarmerie des transports aériens est "
        "informée.\n")),
    ("flight-ban", *act(
        "AP interdiction vol drone VD.odt",
        "Arrêté portant interdiction temporaire de survol par des drones de la commune lors de "
        "la visite officielle ; les contrevenants seront poursuivis par la police nationale.\n")),
    ("weapons-ban", *act(
        "ARRÊTÉ N°PREF-CAB-2025-014 interdiction temporaire de port et de transport d'armes "
        "festivités de fin d'année",
        "Considérant les risques de troubles à l'ordre public ; les services de la police "
        "nationale et de la gendarmerie sont chargés de l'exécution.\n")),
    ("roads", *act(
        "Arrêté portant réglementation temporaire de la circulation sur l'autoroute A7 pour "
        "des travaux de renforcement des berges",
        "Les forces de l'ordre et l'exploitant assurent la signalisation ; la vitesse est "
        "limitée à 90 km/h.\n")),
    ("wolf", *act(
        "Arrêté autorisant M. Lucien BARDOUX à effectuer des tirs de défense simple contre la "
        "prédation du loup",
        "Le tireur peut utiliser une lunette de visée et une caméra thermique ; l'Office "
        "français de la biodiversité et la gendarmerie sont informés.\n")),
    ("wild-boars", *act(
        "Arrêté ordonnant la destruction de jour comme de nuit de sangliers sur les communes "
        "de Vernoux et de Saint-Apollinaire",
        "Les lieutenants de louveterie pourront faire usage de sources lumineuses et de drones "
        "équipés de caméras thermiques ; la gendarmerie est informée.\n")),
    ("light-show-instead-of-fireworks",
     "Animation du 14 juillet", "La commune remplace le feu d'artifice par 200 drones "
     "lumineux ; la police municipale assurera la sécurité du public.\n"),
    ("sap-receipt", *act("Récépissé de déclaration de SAP de Mme Lucie GARNIER",
                         "Le préfet délivre le présent récépissé.\n")),
]


@pytest.mark.parametrize("title,text,theme", [c[1:] for c in POSITIVES],
                         ids=[c[0] for c in POSITIVES])
def test_raa_positive_wording_flags_its_theme(real, title, text, theme):
    r = real.match(title=title, text=text)
    assert r.flagged and theme in r.themes, ([(h.theme, h.term) for h in r.hits], r.rejected)


@pytest.mark.parametrize("title,text", [c[1:] for c in NEGATIVES], ids=[c[0] for c in NEGATIVES])
def test_raa_negative_stays_quiet(real, title, text):
    r = real.match(title=title, text=text)
    assert not r.flagged, [(h.theme, h.term, h.snippet) for h in r.hits]


def test_drone_act_is_not_also_video(real):
    """A drone authorisation is a drone act: « transmission d'images au moyen de caméras
    installées sur des aéronefs » does not count as a video term too."""
    r = real.match(title=DRONE_TITLE, text="")
    assert r.themes == ["drones"], [(h.theme, h.term) for h in r.hits]


def test_recording_word_beside_the_drone_term_is_not_a_video_backstop(real):
    """« l'enregistrement » next to « caméras installées sur des aéronefs », with « Police »
    in the same sentence, reads as the drone act's wording: no video backstop."""
    text = ("Préfecture de Police / Cabinet - Arrêté n°2025-00733 de la police autorisant la "
            "captation, l□enregistrement et la transmission d□images au moyen de caméras "
            "installées sur des aéronefs à Paris\n")
    r = real.match(title="", text=text)
    assert r.themes == ["drones"], [(h.theme, h.term, h.snippet) for h in r.hits]
    far = real.match(text="Les policiers consultent l'enregistrement des faits. " * 3
                          + "Par ailleurs, " + "le conseil approuve le budget annexe. " * 4
                          + "caméras installées sur des aéronefs.")
    assert "video" in far.themes     # the backstop still counts away from the drone term


def test_captation_by_drone_for_a_film_is_not_an_authorisation(real):
    r = real.match(text="Captation d'images par drone pour le tournage du film promotionnel de "
                        "l'office de tourisme.")
    assert "drones" not in r.themes


def test_the_act_is_named_by_its_hit_on_long_ocr_text(real):
    """A hit carries the act: its title field (the act's title, marked) and, deep in a long
    OCR text, a short snippet of the original noisy words with offsets into that text."""
    filler = ("Vu le code général des collectivités territoriales ; considérant la demande "
              "de la commune en date du 12 mars ; le présent arrêté est notifié. ") * 2500
    noisy = "au moyen de caméra5 installée5 sur de5 aéronef5 de la gendarmerie"
    title = ("Arrêté n°2025-00611 autorisant la captation, l□enregistrement et la transmission "
             "d□images au moyen de caméras installées sur des aéronefs")
    text = filler + noisy + " ; " + filler
    assert len(text) > 400_000
    r = real.match(title=title, text=text)
    drones = [h for h in r.hits if h.theme == "drones"]
    in_title = [h for h in drones if h.field == "title"]
    assert in_title and "[[caméras installées sur des aéronefs]]" in in_title[0].snippet
    assert in_title[0].snippet.startswith("…") or "Arrêté n°2025-00611" in in_title[0].snippet
    in_text = [h for h in drones if h.field == "text"]
    assert len(in_text) == 1
    h = in_text[0]
    assert text[h.start:h.end] == "caméra5 installée5 sur de5 aéronef5"
    assert "[[caméra5 installée5 sur de5 aéronef5]]" in h.snippet
    assert len(h.snippet) < 250
