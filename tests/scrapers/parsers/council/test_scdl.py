import json
from datetime import date

import pytest

from scrapers.parsers.council import scdl

HEADER = ("COLL_NOM;COLL_SIRET;DELIB_ID;DELIB_DATE;DELIB_MATIERE_CODE;DELIB_MATIERE_NOM;DELIB_OBJET;"
          "BUDGET_ANNEE;BUDGET_NOM;PREF_ID;PREF_DATE;VOTE_EFFECTIF;VOTE_REEL;VOTE_POUR;VOTE_CONTRE;"
          "VOTE_ABSTENTION;DELIB_URL")


def test_semicolon_csv_with_datetimes_and_empty_columns():
    body = (HEADER + "\n"
            "COMMUNE D'EXEMPLE;21990001000019;DCM_2024_101;2024-06-24;1.10;Commande Publique/Marches publics;"
            "DCM 2024-101 - Vidéoprotection - marché;;;;2024-06-28 00:00:00;;;;;;https://ex.fr/a.pdf\n"
            "COMMUNE D'EXEMPLE;21990001000019;DCM_2024_102;24/06/2024;7.5;Finances locales/Subventions;"
            "DCM 2024-102 - Subventions;;;;;;;;;;\n").encode("utf-8")
    rows, bad = scdl.parse(body)
    assert bad == []
    assert [r.delib_id for r in rows] == ["DCM_2024_101", "DCM_2024_102"]
    assert rows[0].matiere_code == "1.10"          # read as text: 1.10 stays 1.10
    assert rows[0].date == date(2024, 6, 24) and rows[0].pref_date == date(2024, 6, 28)
    assert rows[1].date == date(2024, 6, 24) and rows[1].url is None
    assert rows[0].url == "https://ex.fr/a.pdf" and rows[0].coll_siret == "21990001000019"


def test_comma_csv_lowercase_headers_missing_and_extra_columns_bom_cp1252():
    body = ("\ufeffdelib_id,delib_date,delib_objet,Delib_Url,type_seance\n"
            "12,2023-01-05,Caméras piétons,https://ex.fr/12.pdf,Conseil\n").encode("utf-8")
    rows, _ = scdl.parse(body)
    assert rows[0].objet == "Caméras piétons" and rows[0].other == {"type_seance": "Conseil"}
    latin = "DELIB_ID;DELIB_DATE;DELIB_OBJET\n7;2023-01-05;Vidéoprotection\n".encode("cp1252")
    assert scdl.parse(latin)[0][0].objet == "Vidéoprotection"


def test_non_scdl_aliases():
    body = "AN;CONS;NUM;OBJ;LIEN;DATE\n2024;CM;2024-12;Drones;https://ex.fr/d.pdf;12/03/2024\n".encode()
    row = scdl.parse(body)[0][0]
    assert (row.delib_id, row.objet, row.url, row.date) == ("2024-12", "Drones", "https://ex.fr/d.pdf", date(2024, 3, 12))


def test_bad_rows_reported_not_fatal():
    body = (HEADER + "\nC;1;A1;2025-02-30;1.1;x;Objet A;;;;;;;;;;\nC;1;A2;2025-02-10;1.1;x;;;;;;;;;;;\n"
            "C;1;A3;2025-02-10;1.1;x;Objet C;;;;;;;;;;\n").encode()
    rows, bad = scdl.parse(body)
    assert [r.delib_id for r in rows] == ["A3"]
    assert sorted(e.reason for e in bad) == ["scdl-bad-date", "scdl-missing-field"]


def test_ods_v21_export_float_codes_and_nulls():
    body = json.dumps([{"coll_nom": "COMMUNE X", "coll_siret": "21990001000019", "delib_id": "2023_1",
                        "delib_date": "2023-12-04", "delib_matiere_code": 7.1, "delib_objet": "DCM 2023-1 - Y",
                        "pref_date": "2023-12-14 00:00:00", "vote_pour": None, "delib_url": None}]).encode()
    row = scdl.parse(body)[0][0]
    assert row.matiere_code == "7.1" and row.matiere_code_alt == "7.10"
    assert row.votes == {} and row.url is None


def test_ods_v1_records_with_file_objects_and_integer_siret():
    body = json.dumps({"nhits": 1, "records": [{"datasetid": "d", "recordid": "r1", "fields": {
        "delib_id": "C_1", "delib_date": "2021-07-21", "delib_objet": "OBJET", "delib_matiere_code": "5.1.2",
        "coll_siret": 24370075400035, "vote_pour": 73,
        "delib_url": {"format": "pdf", "filename": "1_2.pdf", "id": "abc123"}}}]}).encode()
    row = scdl.parse(body, file_url="https://p.fr/explore/dataset/d/files/{id}/download/")[0][0]
    assert row.url == "https://p.fr/explore/dataset/d/files/abc123/download/"
    assert row.coll_siret == "24370075400035" and row.matiere_code == "5.1.2"
    assert row.votes == {"pour": 73}


def test_unreadable_feeds():
    with pytest.raises(scdl.FeedError):
        scdl.parse(b"<!DOCTYPE html><html>maintenance</html>", "csv")
    with pytest.raises(scdl.FeedError):
        scdl.parse(b"{not json", "json")
    with pytest.raises(scdl.FeedError):
        scdl.parse(b"a;b;c\n1;2;3\n")
