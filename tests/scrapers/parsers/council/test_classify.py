import pytest

from scrapers.parsers.council.classify import classify, is_document_url


@pytest.mark.parametrize("anchor, url, context, expected", [
    ("D04 – Vote du budget primitif", "https://v.fr/D04.pdf", None, "délibération"),
    ("D04 – Maquette du Budget", "https://v.fr/D04b.pdf", None, "annexe"),
    ("Ordre du jour", "https://v.fr/x.pdf", None, "ordre du jour"),
    ("Procès-verbal", "https://v.fr/PvCm-20260512.pdf", None, "procès-verbal"),
    ("Liste des délibérations", "https://v.fr/l.pdf", None, "liste des délibérations"),
    ("Compte-rendu sommaire", "https://v.fr/c.pdf", None, "compte rendu"),
    ("Rapport n° 28", "https://v.fr/r.pdf", None, "rapport"),
    ("Télécharger", "https://v.fr/D01.pdf", "D01-2026_020 Élection du Maire", "délibération"),
    ("Télécharger", "https://v.fr/2026-06-02-PV-Extraordinaire.pdf", None, "procès-verbal"),
    ("", "https://v.fr/files/CM_15_09_2014-_Proc%C3%A8s-verbal.pdf", None, "procès-verbal"),
    ("ODJ", "https://v.fr/a.pdf", None, "ordre du jour"),
    ("Photo du conseil", "https://v.fr/photo.pdf", None, None),
])
def test_classify(anchor, url, context, expected):
    assert classify(anchor, url, context) == expected


def test_is_document_url():
    assert is_document_url("https://v.fr/a/b/DOC.PDF")
    assert is_document_url("https://portal/explore/dataset/d/files/abc/download/")
    assert not is_document_url("https://v.fr/conseil-municipal/")


@pytest.mark.parametrize("anchor, expected", [
    ("D2026-058 Tarifs restauration scolaire 2027", "délibération"),
    ("DEL-2026-045 Convention de coordination police municipale", "délibération"),
    ("DL-056-07-13", "délibération"),
    ("Dossier 2026", None),
])
def test_prefixed_deliberation_numbers(anchor, expected):
    assert classify(anchor, "https://v.fr/doc.pdf") == expected


def test_type_from_the_document_header():
    from scrapers.parsers.council.classify import classify_header

    delib = ("RÉPUBLIQUE FRANÇAISE\nCOMMUNE DE X\nEXTRAIT DU REGISTRE DES DÉLIBÉRATIONS\n"
             "Séance du 6 novembre 2026\nObjet : Approbation du procès-verbal du 25 septembre")
    assert classify_header(delib) == "délibération"
    assert classify_header("VILLE DE X\nPROCÈS-VERBAL DE LA SÉANCE DU 2 JUILLET 2026\n1. …") == "procès-verbal"
    assert classify_header("COMMUNE\nRapporteur : M. le Maire\nTexte") is None
    assert classify_header("") is None
