from scrapers.parsers.council.items import single_item, split_items

AVRANCHES_LIKE = """VILLE DE SAINT-EXEMPLE
PROCES VERBAL DE LA REUNION DU CONSEIL MUNICIPAL
DU LUNDI 2 MARS 2015
L'an deux mille quinze, le deux mars, le conseil municipal...

2015.03.02 - 1  ADOPTION DU COMPTE-RENDU DE LA SEANCE DU 8 DECEMBRE 2014

Avant d'aborder les questions inscrites à l'ordre du jour, il est proposé d'approuver le compte-rendu.
LE CONSEIL MUNICIPAL, A L'UNANIMITE, ADOPTE CE COMPTE-RENDU

2015.03.02 - 2  AMENAGEMENT DE LA PLACE DU MARCHE : APPROBATION DU DOSSIER DE

CONSULTATION DES ENTREPRISES

Le projet prévoit :
1-  d'approuver le dossier de consultation des entreprises,
2-  d'autoriser Monsieur le Maire à lancer les marchés.

2015.03.02 - 3  EXTENSION DU SYSTEME DE VIDÉO-

PROTECTION

L'augmentation des cambriolages conduit à proposer 6 caméras supplémentaires.
LE CONSEIL MUNICIPAL, A L'EXCEPTION DE M. X QUI S'ABSTIENT, ACCEPTE CES PROPOSITIONS

2015.03.02-4 TARIFS DU CAMPING MUNICIPAL
Les tarifs sont maintenus.
"""


def test_dated_headings_split_with_wrapped_titles():
    parts = split_items(AVRANCHES_LIKE)
    assert [p["label"] for p in parts] == [
        "1 – ADOPTION DU COMPTE-RENDU DE LA SEANCE DU 8 DECEMBRE 2014",
        "2 – AMENAGEMENT DE LA PLACE DU MARCHE : APPROBATION DU DOSSIER DE CONSULTATION DES ENTREPRISES",
        "3 – EXTENSION DU SYSTEME DE VIDÉO-PROTECTION",
        "4 – TARIFS DU CAMPING MUNICIPAL",
    ]
    # the item text holds the body (so a keyword hit points at the right item)
    assert "6 caméras supplémentaires" in parts[2]["text"]
    assert "6 caméras" not in parts[1]["text"] and "cambriolages" not in parts[3]["text"]
    # the numbered sub-list inside item 2 did not become items
    assert "d'autoriser Monsieur le Maire" in parts[1]["text"]


def test_plain_numbered_list_requires_a_sequence():
    text = ("CONSEIL MUNICIPAL DU 9 FEVRIER 2026\nLISTE DES DELIBERATIONS\n"
            "1 - Adoption du procès-verbal - Adoptée\n"
            "2 - Budget primitif 2026 - Adoptée\n"
            "Montant : 12 - 14 euros\n"
            "3 - Vidéoprotection : extension - Adoptée (2 abstentions)\n")
    parts = split_items(text)
    assert [p["label"] for p in parts] == [
        "1 – Adoption du procès-verbal - Adoptée", "2 – Budget primitif 2026 - Adoptée",
        "3 – Vidéoprotection : extension - Adoptée (2 abstentions)"]


def test_parenthesis_numbering():
    text = "ORDRE DU JOUR\n1) Métropole : enquête publique\n2) Mission locale : motion\n3) Questions diverses\n"
    assert [p["label"] for p in split_items(text)] == [
        "1 – Métropole : enquête publique", "2 – Mission locale : motion", "3 – Questions diverses"]


def test_deliberation_numbers_as_headings():
    text = ("SEANCE DU 6 OCTOBRE 2008\n08/0871/SOSP - Vidéoprotection - financement FIPD\ncorps un\n"
            "08/0872/SOSP - Police municipale - convention\ncorps deux\n")
    parts = split_items(text)
    assert [p["label"] for p in parts] == ["08/0871/SOSP – Vidéoprotection - financement FIPD",
                                          "08/0872/SOSP – Police municipale - convention"]


def test_no_heading_no_parts_and_single_item():
    assert split_items("Un texte sans aucun point numéroté.") == []
    assert single_item("texte", "D01 - Objet") == [{"label": "D01 - Objet", "text": "texte"}]
    assert single_item("", "x") == []


# Heading styles of real PVs / comptes rendus (research samples, shapes rewritten here).
OBJET_STYLE = """PROCES-VERBAL DU CONSEIL MUNICIPAL
Séance du jeudi 13 décembre 2018
Délibération D2018-66
Objet : approbation du procès-verbal de la séance du 8 octobre 2018
Adopté à l'unanimité.
Délibération D2018-67
Objet : Approbation de la modification n°1 du Plan Local d'Urbanisme
La modification a pour objet de :
1. Ajuster la stratégie règlementaire ;
2. Renforcer les exigences en termes de logements sociaux ;
3. Rectifier l'erreur matérielle sur le tracé.
Délibération D2018-68
Objet : Informations diverses
Information de la mise en fonctionnement du parc de vidéo protection.
"""


def test_deliberation_then_objet_line_beats_numbered_sub_points():
    parts = split_items(OBJET_STYLE)
    assert [p["label"] for p in parts] == [
        "D2018-66 – approbation du procès-verbal de la séance du 8 octobre 2018",
        "D2018-67 – Approbation de la modification n°1 du Plan Local d'Urbanisme",
        "D2018-68 – Informations diverses"]
    assert "vidéo protection" in parts[2]["text"] and "Renforcer" in parts[1]["text"]


def test_prefixed_and_year_numbered_deliberations():
    arbresle = ("IV. PERSONNEL\nDL-056-07-13 - Création de 5 postes d'adjoints techniques à\ntemps complet\n"
                "M. Z présente le dossier.\nEXPOSE :\ncorps\nV. FINANCES\n"
                "DL-057-07-13 - Informatisation réseau des médiathèques\nM. G présente le dossier.\n"
                "EXPOSE :\ncorps\n")
    assert [p["label"] for p in split_items(arbresle)] == [
        "DL-056-07-13 – Création de 5 postes d'adjoints techniques à",
        "DL-057-07-13 – Informatisation réseau des médiathèques"]
    liste = ("LISTE DES DÉLIBÉRATIONS\nSéance du 6 novembre 2026\n"
             "2026-069 - Approbation du procès-verbal - Adoptée\n"
             "2026-070 - Vidéoprotection : extension - Adoptée\n")
    assert [p["label"] for p in split_items(liste)] == [
        "2026-069 – Approbation du procès-verbal - Adoptée",
        "2026-070 – Vidéoprotection : extension - Adoptée"]
    other = "D2026-058 - Tarifs scolaires\ncorps\nDEL-2026-059 - Acquisition d'un drone\ncorps\n"
    assert [p["label"].split(" – ")[0] for p in split_items(other)] == ["D2026-058", "DEL-2026-059"]


def test_year_ranges_are_not_deliberation_numbers():
    text = ("ORDRE DU JOUR\n2025-2026 : bilan de l'année scolaire\n2026-2027 : projets\n"
            "1 - Budget\n2 - Vidéoprotection\n")
    assert [p["label"] for p in split_items(text)] == ["1 – Budget", "2 – Vidéoprotection"]
