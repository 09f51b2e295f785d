"""JORFSIMPLE parsing: every text shape of our replay corpus (written in the exact shape of
DILA's real files) plus edge cases written inline."""
from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import DefusedXmlException

from scrapers.parsers import jorf

DATA = Path(__file__).resolve().parents[3] / "scrapers" / "replay" / "data" / "jorf"
NIGHT = DATA / "archives" / "JORFSIMPLE_20261103-003512" / "JORFCONT000056003001"
NIGHT2 = DATA / "archives" / "JORFSIMPLE_20261104-004107" / "JORFCONT000056011001"


def load(folder: Path, name: str) -> bytes:
    return (folder / f"{name}.xml").read_bytes()


@pytest.fixture(scope="module")
def cont():
    return jorf.parse_cont(load(NIGHT, "JORFCONT000056003001"))


def test_sommaire_number_date_and_rubrics(cont):
    assert cont["id"] == "JORFCONT000056003001"
    assert cont["number"] == "0256"
    assert cont["date"] == "2026-11-03"
    assert cont["title"] == "JORF n°0256 du 3 novembre 2026"
    assert cont["eli"].endswith("/eli/jo/2026/11/3/0256")
    assert len(cont["texts"]) == 5  # including the protected text that has no file
    assert cont["texts"]["JORFTEXT000056003010"]["rubric"] == (
        "Décrets, arrêtés, circulaires > Textes généraux > Ministère de l'intérieur")
    assert cont["texts"]["JORFTEXT000056003040"]["rubric"] == (
        "Décrets, arrêtés, circulaires > Mesures nominatives > Ministère de l'intérieur")
    assert cont["texts"]["JORFTEXT000056003055"]["rubric"] == "Annonces"


def test_drone_decree_articles_and_metadata(cont):
    doc = jorf.parse_text(load(NIGHT, "JORFTEXT000056003010"), cont)
    assert doc["source"] == "jorf" and doc["source_id"] == "JORFTEXT000056003010"
    assert doc["url"] == "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000056003010"
    assert doc["doc_type"] == "décret"
    assert doc["authority"] == "Ministère de l'intérieur"
    assert doc["published_on"] == "2026-11-03"
    assert doc["title"].startswith("Décret n° 2026-1012 du 2 novembre 2026 portant application")
    assert [p["label"] for p in doc["parts"]] == ["Article 1", "Article 2", "Article 3",
                                                  "Article 4"]
    assert "caméras installées sur des aéronefs" in doc["parts"][1]["text"]
    assert "aéronefs" not in doc["parts"][0]["text"]
    # <i>Journal officiel</i> flattened inline, no stray line break
    assert "publié au Journal officiel de la République" in doc["parts"][3]["text"]
    extra = doc["extra"]
    assert extra["nor"] == "IOMD2630112D"
    assert extra["nature"] == "DECRET"
    assert extra["num"] == "2026-1012"
    assert extra["jo_number"] == "0256" and extra["jo_date"] == "2026-11-03"
    assert extra["jo_id"] == "JORFCONT000056003001"
    assert extra["date_texte"] == "2026-11-02"
    assert extra["eli"].endswith("/eli/decret/2026/11/2/IOMD2630112D/jo/texte")
    assert extra["eli_alias"].endswith("/eli/decret/2026/11/2/2026-1012/jo/texte")
    assert extra["rubric"].endswith("Ministère de l'intérieur")
    assert extra["signataires"].splitlines() == [
        "Fait le 2 novembre 2026.", "Sébastien LECORNU", "Par le Premier ministre :",
        "Le ministre de l'intérieur,", "Laurent NUÑEZ"]
    assert extra["articles"][1] == {"num": "2", "id": "JORFARTI000056003013"}
    # full text: notice, visas, every article with its label, signatures
    text = doc["text"]
    assert text.index("Publics concernés") < text.index("Vu le code de la sécurité intérieure")
    assert text.index("Décrète :") < text.index("Article 1\n") < text.index("Article 4\n")
    assert text.rstrip().endswith("Laurent NUÑEZ")
    assert "<p" not in text and "<br" not in text


def test_catastrophe_arrete_annex_table(cont):
    doc = jorf.parse_text(load(NIGHT, "JORFTEXT000056003024"), cont)
    assert doc["doc_type"] == "arrêté"
    assert [p["label"] for p in doc["parts"]] == ["Article 1", "Article 2", "Annexe"]
    annex = doc["parts"][2]["text"]
    assert "Hérault | Lodève | 12/10/2026" in annex
    assert "Gard | Le Vigan" in annex


def test_nomination_decree_without_eli(cont):
    doc = jorf.parse_text(load(NIGHT, "JORFTEXT000056003040"), cont)
    assert doc["doc_type"] == "décret"
    assert "eli" not in doc["extra"] and "num" not in doc["extra"]
    assert "Mesures nominatives" in doc["extra"]["rubric"]
    assert doc["parts"][0]["text"].startswith("M. Arnaud CLAVEL, préfet de la Creuse")


def test_sections_and_negated_article():
    cont2 = jorf.parse_cont(load(NIGHT2, "JORFCONT000056011001"))
    doc = jorf.parse_text(load(NIGHT2, "JORFTEXT000056011012"), cont2)
    assert [p["label"] for p in doc["parts"]] == ["Article 1", "Article 2", "Article 3",
                                                  "Article 4"]
    assert "aucun dispositif de reconnaissance faciale" in doc["parts"][2]["text"]
    text = doc["text"]
    assert text.index("Chapitre Ier : Finalités du traitement") < text.index("Article 1\n")
    assert text.index("Chapitre II : Données enregistrées") < text.index("Article 2\n")
    assert doc["extra"]["jo_number"] == "0257"


def test_avis_with_one_unnumbered_article_and_no_date():
    doc = jorf.parse_text(load(NIGHT2, "JORFTEXT000056011030"))
    assert doc["doc_type"] == "avis"
    assert [p["label"] for p in doc["parts"]] == ["Texte"]
    assert "1er janvier 2027" in doc["parts"][0]["text"]
    assert "date_texte" not in doc["extra"]  # 2999-01-01 placeholder
    assert "rubric" not in doc["extra"]  # no sommaire given
    assert doc["extra"]["jo_id"] == "JORFCONT000056011001"


def test_article_labels():
    assert jorf.article_label("4", 3, 5) == "Article 4"
    assert jorf.article_label("1er", 0, 5) == "Article 1er"
    assert jorf.article_label("annexe II", 4, 5) == "Annexe II"
    assert jorf.article_label("", 0, 1) == "Texte"
    assert jorf.article_label(None, 2, 3) == "Article (sans numéro, 3)"


def test_nature_labels():
    assert jorf.doc_type("LOI") == "loi"
    assert jorf.doc_type("ORDONNANCE") == "ordonnance"
    assert jorf.doc_type("DECISION") == "décision"
    assert jorf.doc_type("DELIBERATION") == "délibération"
    assert jorf.doc_type("LOI_ORGANIQUE") == "loi organique"
    assert jorf.doc_type("DECRETSEURO") == "decretseuro"  # unknown: kept, lower-cased
    assert jorf.doc_type(None) is None


def test_entity_bomb_is_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE TEXTE [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<TEXTE><ID>&b;</ID></TEXTE>')
    with pytest.raises(DefusedXmlException):
        jorf.parse_text(bomb)


def test_external_entity_is_refused():
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE TEXTE [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"\n<TEXTE><ID>&x;</ID></TEXTE>")
    with pytest.raises(DefusedXmlException):
        jorf.parse_text(xxe)


def test_malformed_and_wrong_root():
    with pytest.raises(ParseError):
        jorf.parse_text(b"<TEXTE><ID>JORFTEXT000000000001</ID>")
    with pytest.raises(jorf.JorfParseError):
        jorf.parse_text(load(NIGHT, "JORFCONT000056003001"))
    with pytest.raises(jorf.JorfParseError):
        jorf.parse_text(b"<TEXTE><ID>LEGITEXT000000000001</ID></TEXTE>")


def test_elements_found_by_name_not_order():
    """DILA's 2023 note: element order and whitespace may change."""
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<TEXTE><STRUCT><SIGNATAIRES><CONTENU><p>Fait le 1er novembre 2026.</p></CONTENU></SIGNATAIRES>
<ARTICLE><BLOC_TEXTUEL><CONTENU>Premier
alinéa.<br/>Second alinéa.</CONTENU></BLOC_TEXTUEL><NUM>1er</NUM><ID>JORFARTI000000000002</ID></ARTICLE>
</STRUCT><TITREFULL>Loi n° 2026-1 du 1er novembre 2026</TITREFULL><NATURE>LOI</NATURE>
<DATE_PUBLI>2026-11-02</DATE_PUBLI><ID>JORFTEXT000000000001</ID></TEXTE>""".encode()
    doc = jorf.parse_text(xml)
    assert doc["title"] == "Loi n° 2026-1 du 1er novembre 2026"
    assert doc["parts"] == [{"label": "Article 1er",
                             "text": "Premier alinéa.\nSecond alinéa."}]
    assert doc["extra"]["signataires"] == "Fait le 1er novembre 2026."


def test_deletion_list():
    data = (DATA / "archives" / "JORFSIMPLE_20261104-004107" / "liste_suppression_jorf.dat"
            ).read_bytes()
    assert jorf.parse_deletions(data) == ["JORFTEXT000056003041", "JORFARTI000056003046",
                                          "JORFARTI000056003047"]
    assert jorf.parse_deletions(b"\n  \njunk line\nfoo/JORFTEXT000000000009.xml\n") == [
        "JORFTEXT000000000009"]


def test_identical_unnumbered_articles_keep_their_own_position():
    """Two byte-identical unnumbered ARTICLE elements (copies happen in annexes) are two
    parts, each labelled by its own position."""
    from tests.scrapers import jorf_shapes as S

    journal = S.jo("JORFCONT000057300001", "0260", "2026-11-09")
    same = S.article("JORFARTI000057300011", "", "<p>\n<br/>Tableau : voir annexe.</p>")
    data = S.texte("JORFTEXT000057300010", journal,
                   S.article("JORFARTI000057300010", "1er", "<p>Premier.</p>") + same + same)
    doc = jorf.parse_text(data)
    assert [p["label"] for p in doc["parts"]] == [
        "Article 1er", "Article (sans numéro, 2)", "Article (sans numéro, 3)"]
