"""Légifrance API JSON → the same Document fields as the archives."""
from __future__ import annotations

import pytest

from scrapers.parsers import jorf, legifrance as api
from scrapers.replay import piste
from scrapers.replay.jorf import DATA

NIGHT = DATA / "archives" / "JORFSIMPLE_20261104-004107" / "JORFCONT000056011001"


def test_last_n_jo_ignores_total_and_converts_epoch_ms():
    data = {"executionTime": 415, "totalNbResult": 0, "containers": [
        {"id": "JORFCONT000042612872", "titre": "JORF n°0294 du 5 décembre 2020",
         "num": "0294", "datePubli": 1607126400000,
         "refInjection": "MD-20201205_011008_593_JOQUOT"},
        {"id": "not-a-container"}]}
    assert api.containers(data) == [{
        "id": "JORFCONT000042612872", "title": "JORF n°0294 du 5 décembre 2020",
        "number": "0294", "date": "2020-12-05",
        "ref_injection": "MD-20201205_011008_593_JOQUOT"}]
    with pytest.raises(api.ApiShapeError):
        api.containers({"items": []})


def test_epoch_day():
    assert api.epoch_day(1607990400000) == "2020-12-15"
    assert api.epoch_day("1607990400000") == "2020-12-15"
    assert api.epoch_day("2026-06-05T00:00:00.000+0000") == "2026-06-05"
    assert api.epoch_day(32472144000000) is None  # 2999-01-01
    assert api.epoch_day(None) is None


def test_jorfcont_checks_the_returned_jo_and_walks_the_rubrics():
    data = {"items": [{"joCont": {"id": "JORFCONT000000000002", "titre": "JORF n°2",
                                  "num": "0002", "datePubli": 1607126400000,
                                  "structure": {"liens": [{"id": "JORFTEXT000000000009"}],
                                                "tms": [{"titre": "Journal officiel", "niv": 1,
                                                         "ordre": 1, "liensTxt": [], "tms": [
                                                    {"titre": "LOIS", "niv": 2, "ordre": 2,
                                                     "liensTxt": [{"id": "JORFTEXT000000000001",
                                                                   "titre": "Loi"}],
                                                     "tms": []}]}]}}}]}
    cont = api.sommaire(data, "JORFCONT000000000002")
    assert cont["texts"]["JORFTEXT000000000001"] == {"title": "Loi", "rubric": "LOIS"}
    assert cont["texts"]["JORFTEXT000000000009"]["rubric"] == ""
    with pytest.raises(api.ApiShapeError):  # the API answers the latest JO to a wrong body
        api.sommaire(data, "JORFCONT000000000001")
    with pytest.raises(api.ApiShapeError):
        api.sommaire({"items": []}, "JORFCONT000000000002")


def test_consult_jorf_matches_the_archive_parse():
    """The fake API answer is generated from our XML: both routes must give the same
    title, text and articles."""
    xml = (NIGHT / "JORFTEXT000056011012.xml").read_bytes()
    cont_xml = jorf.parse_cont((NIGHT / "JORFCONT000056011001.xml").read_bytes())
    from_archive = jorf.parse_text(xml, cont_xml)
    payload = piste._text_json(piste.DET.fromstring(xml))
    from_api = api.consult_jorf(payload, cont_xml)
    for key in ("source", "source_id", "url", "title", "text", "parts", "published_on",
                "doc_type", "authority"):
        assert from_api[key] == from_archive[key], key
    assert from_api["extra"]["nor"] == "IOMD2629870D"
    assert from_api["extra"]["num"] == "2026-1030"
    assert from_api["extra"]["eli"] == from_archive["extra"]["eli"]


def test_consult_jorf_nested_sections_in_intordre_order():
    data = {"id": "JORFTEXT000000000001_01-01-2999", "cid": "JORFTEXT000000000001",
            "title": "Décret", "nature": "DECRET", "dateParution": 1607990400000,
            "visa": "<p align='left'><br/>Le Premier ministre,<br/>Décrète :</p>",
            "signers": "<p>Fait le 1er décembre 2020.</p>",
            "articles": [{"id": "JORFARTI000000000009", "num": "3", "intOrdre": 30,
                          "content": "<p>Trois &amp; fin.</p>"}],
            "sections": [{"title": "Titre Ier", "intOrdre": 10, "sections": [], "articles": [
                {"id": "JORFARTI000000000002", "num": "2", "intOrdre": 20,
                 "content": "<p>Deux.</p>"},
                {"id": "JORFARTI000000000001", "num": "1", "intOrdre": 5,
                 "content": "<p>Un.<br>Suite.</p>"}]}]}
    doc = api.consult_jorf(data)
    assert doc["parts"] == [{"label": "Article 1", "text": "Un.\nSuite."},
                            {"label": "Article 2", "text": "Deux."},
                            {"label": "Article 3", "text": "Trois & fin."}]
    assert doc["text"].startswith("Le Premier ministre,\nDécrète :\n\nTitre Ier\n\nArticle 1")
    assert doc["published_on"] == "2020-12-15"
    with pytest.raises(api.ApiShapeError):
        api.consult_jorf({"id": "LEGITEXT000000000001"})
