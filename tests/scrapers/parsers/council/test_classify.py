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
