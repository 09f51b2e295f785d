"""Per-section tests of the BOAMP parser (City Bureau style): saved records in `fixtures/boamp/` (copies of
records of the replay corpus, flat fields with `donnees`/`gestion` as JSON strings) and one small test per
extracted field, section by section, in the order `parse_record` composes them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.parsers.boamp import (Buyer, BoampRecordError, Places, build_extra, buyer_of, idweb_of,
                                    parse_record, publication_places, read_donnees, read_gestion,
                                    repair_warnings, siret_or_siren, winners_of)
from scrapers.parsers.boamp_dates import (DeadlineCandidate, ParsedDeadline, deadline_candidates,
                                          parse_deadline, pick_deadline, publication_date)
from scrapers.parsers.boamp_formats import Detected, detect
from scrapers.parsers.boamp_links import doc_type_of, gestion_links, related_notices
from scrapers.parsers.boamp_text import LotPart, assemble_text, descriptors_of, lot_parts, title_of
from scrapers.parsers.boamp_tree import dig1, strings
from technoveille.core.textclean import TextCleaner

FIXTURES = Path(__file__).parent / "fixtures" / "boamp"


def load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


FNSIMPLE = load("fnsimple_appel_offre_26-110421")
EFORMS_AWARD = load("eforms_attribution_26-122002")
V230_AWARD = load("v230_attribution_19-88104")
V110 = load("v110_appel_offre_BXP14161030441K")


def sections(record: dict) -> tuple[dict | None, dict, object]:
    """(gestion, indexation, extracted donnees) of a fixture, with no error expected."""
    errors: list[str] = []
    gestion = read_gestion(record, errors)
    ex = read_donnees(record, errors)
    assert errors == []
    return gestion, dig1(gestion, "INDEXATION") or {}, ex


# ----------------------------------------------------------------------------- identity

def test_read_gestion_decodes_the_json_string():
    errors: list[str] = []
    gestion = read_gestion(FNSIMPLE, errors)
    assert gestion["REFERENCE"]["IDWEB"] == "26-110421"
    assert gestion["INDEXATION"]["NOMORGANISME"] == "Lyon Parc Auto"
    assert errors == []


def test_read_gestion_absent_is_none_without_error_but_empty_is_reported():
    errors: list[str] = []
    assert read_gestion({"idweb": "1"}, errors) is None
    assert errors == []
    assert read_gestion({"idweb": "1", "gestion": "  "}, errors) is None
    assert errors == ["gestion is empty"]


def test_read_gestion_maps_the_old_dila_api_shape_to_upper_snake():
    old = {"reference": {"idweb": "20-152081"}, "indexation": {"datepublication": "2020-11-02"}}
    gestion = read_gestion({"gestion": json.dumps(old)}, [])
    assert gestion == {"REFERENCE": {"IDWEB": "20-152081"}, "INDEXATION": {"DATE_PUBLICATION": "2020-11-02"}}


def test_idweb_of_prefers_the_flat_field():
    errors: list[str] = []
    assert idweb_of(FNSIMPLE, {"REFERENCE": {"IDWEB": "autre"}}, errors) == "26-110421"
    assert errors == []


def test_idweb_of_falls_back_on_gestion_and_says_so():
    errors: list[str] = []
    assert idweb_of({"idweb": " "}, {"REFERENCE": {"IDWEB": " 26-110421 "}}, errors) == "26-110421"
    assert errors == ["idweb missing from the flat record; taken from gestion"]


def test_idweb_of_without_any_idweb_raises():
    with pytest.raises(BoampRecordError, match="no idweb"):
        idweb_of({}, {"REFERENCE": {}}, [])


@pytest.mark.parametrize("record, fmt, subtype", [
    (FNSIMPLE, "FNSimple", "initial"),
    (EFORMS_AWARD, "EFORMS", "ContractAwardNotice"),
    (V230_AWARD, "v230", None),
    (V110, "v110", None),
])
def test_read_donnees_picks_the_format_reader(record, fmt, subtype):
    errors: list[str] = []
    ex = read_donnees(record, errors)
    assert (ex.format, ex.subtype) == (fmt, subtype)
    assert errors == []


def test_read_donnees_bad_json_is_none_and_reported():
    errors: list[str] = []
    assert read_donnees({"donnees": "{pas du JSON"}, errors) is None
    assert len(errors) == 1 and errors[0].startswith("donnees is not valid JSON")


def test_read_donnees_unknown_format_is_reported_with_its_first_key():
    errors: list[str] = []
    ex = read_donnees({"donnees": json.dumps({"NOUVEAU": {"intitule": "Achat de drones"}})}, errors)
    assert ex.format == "inconnu" and ex.title == "Achat de drones"
    assert errors == ["donnees has an unknown format (first key 'NOUVEAU'); text harvested generically"]


def test_detect_returns_named_fields():
    detected = detect(json.loads(EFORMS_AWARD["donnees"]))
    assert isinstance(detected, Detected)
    assert (detected.format, detected.subtype) == ("EFORMS", "ContractAwardNotice")
    assert "cac:ProcurementProjectLot" in detected.body


# ----------------------------------------------------------------------------- dates

def test_publication_date_from_dateparution():
    errors: list[str] = []
    assert publication_date(FNSIMPLE, {}, errors) == "2026-10-15"
    assert errors == []


def test_publication_date_falls_back_on_gestion_then_reports():
    errors: list[str] = []
    assert publication_date({"dateparution": None}, {"DATE_PUBLICATION": "2014-06-10"}, errors) == "2014-06-10"
    assert errors == []
    assert publication_date({"dateparution": "10/06/2014"}, {}, errors) is None
    assert errors == ["dateparution missing or invalid ('10/06/2014')"]


def test_deadline_candidates_national_flat_utc_label_is_dropped():
    """FNSimple: donnees, gestion, then the flat `…+00:00` read back as the naive Paris time it was."""
    _, indexation, ex = sections(FNSIMPLE)
    assert FNSIMPLE["datelimitereponse"] == "2026-11-20T12:00:00+00:00"
    assert deadline_candidates(FNSIMPLE, indexation, ex) == [
        DeadlineCandidate("2026-11-20T12:00:00", False),
        DeadlineCandidate("2026-11-20T12:00:00", False),
        DeadlineCandidate("2026-11-20T12:00:00", False),
    ]


def test_deadline_candidates_v110_free_text_comes_first():
    _, indexation, ex = sections(V110)
    candidates = deadline_candidates(V110, indexation, ex)
    assert candidates[0].raw.startswith("7 juillet 2014 , à 16 h 30")
    assert candidates[1:] == [DeadlineCandidate("2014-07-07", False), DeadlineCandidate("2014-07-07T00:00:00", False)]


def test_deadline_candidates_eforms_flat_field_is_true_utc():
    _, indexation, ex = sections(EFORMS_AWARD)
    flat = deadline_candidates(dict(EFORMS_AWARD, datelimitereponse="2026-12-01T11:00:00+00:00"), indexation, ex)[-1]
    assert flat == DeadlineCandidate("2026-12-01T11:00:00+00:00", True)


def test_pick_deadline_fixtures():
    _, indexation, ex = sections(FNSIMPLE)
    assert pick_deadline(deadline_candidates(FNSIMPLE, indexation, ex), "2026-10-15", []) == "2026-11-20T12:00:00+01:00"
    _, indexation, ex = sections(V110)
    assert pick_deadline(deadline_candidates(V110, indexation, ex), "2014-06-10", []) == "2014-07-07T16:30:00+02:00"


def test_pick_deadline_skips_an_implausible_year_with_one_warning():
    warnings: list[str] = []
    candidates = [DeadlineCandidate("7017-01-05", False), DeadlineCandidate("7017-01-05", False),
                  DeadlineCandidate("2017-01-05T12:00:00", False)]
    assert pick_deadline(candidates, "2016-12-01", warnings) == "2017-01-05T12:00:00+01:00"
    assert warnings == ["deadline '7017-01-05' rejected: year 7017 is implausible for a notice published in 2016"]


def test_parse_deadline_returns_named_fields():
    parsed = parse_deadline("2026-11-20T11:00:00Z")
    assert isinstance(parsed, ParsedDeadline)
    assert (parsed.value, parsed.year, parsed.error) == ("2026-11-20T12:00:00+01:00", 2026, None)
    assert parse_deadline("2026-02-30").error == "deadline '2026-02-30' is not a real date"


# ----------------------------------------------------------------------------- title and lots

def test_title_of_is_objet():
    _, indexation, ex = sections(EFORMS_AWARD)
    assert title_of(EFORMS_AWARD, ex, indexation, TextCleaner(), []) == "Équipements urbains de la Ville de Nice"


def test_title_of_falls_back_on_donnees_then_gestion_then_reports():
    _, indexation, ex = sections(V110)
    no_objet = dict(V110, objet=None)
    assert title_of(no_objet, ex, indexation, TextCleaner(), []) == \
        "installation d'un système de vidéosurveillance urbaine : caméras, réseau de transmission et poste de " \
        "visualisation."
    assert title_of(no_objet, None, {"RESUME_OBJET": "Vidéo\n protection"}, TextCleaner(), []) == "Vidéo protection"
    errors: list[str] = []
    assert title_of(no_objet, None, {}, TextCleaner(), errors) is None
    assert errors == ["no title: objet missing and none in donnees"]


def test_lot_parts_named_lots():
    _, _, ex = sections(EFORMS_AWARD)
    lots = lot_parts(ex, TextCleaner())
    assert [lot.label for lot in lots] == ["Lot 1 – Lot 1 : fourniture et pose", "Lot 2 – Lot 2 : maintenance"]
    assert lots[1].blocks == ["Lot 2 : maintenance", "Maintenance des équipements."]
    assert lots[1].as_part() == {"label": "Lot 2 – Lot 2 : maintenance",
                                 "text": "Lot 2 : maintenance\nMaintenance des équipements."}


def test_lot_parts_unnamed_v110_lots():
    _, _, ex = sections(V110)
    assert [lot.as_part() for lot in lot_parts(ex, TextCleaner())] == [
        {"label": "Lot 1", "text": "caméras et enregistreurs."},
        {"label": "Lot 2", "text": "réseau de transmission par fibre optique."},
    ]


def test_lot_parts_without_donnees_or_lots():
    assert lot_parts(None, TextCleaner()) == []
    _, _, ex = sections(FNSIMPLE)
    assert lot_parts(ex, TextCleaner()) == []


# ----------------------------------------------------------------------------- descriptors, winners, text

def test_descriptors_of_flat_field():
    assert descriptors_of(EFORMS_AWARD, {}, TextCleaner()) == ["Prestations de services"]


def test_descriptors_of_falls_back_on_gestion():
    _, indexation, _ = sections(V110)
    assert descriptors_of(dict(V110, descripteur_libelle=None), indexation, TextCleaner()) == ["Vidéosurveillance"]


def test_winners_of_merges_flat_gestion_and_donnees():
    """Flat `titulaire` keeps its first line only; the SIRET comes from donnees; each name once."""
    _, indexation, ex = sections(EFORMS_AWARD)
    assert EFORMS_AWARD["titulaire"] == ["CITEOS", "SPIE CityNetworks\nmandataire du groupement"]
    assert winners_of(EFORMS_AWARD, indexation, ex, TextCleaner()) == [
        {"name": "CITEOS", "id": "38075225900040"},
        {"name": "SPIE CityNetworks", "id": "40940114000217"},
    ]


def test_winners_of_v230_names_without_siret():
    _, indexation, ex = sections(V230_AWARD)
    winners = winners_of(V230_AWARD, indexation, ex, TextCleaner())
    assert winners[:2] == [{"name": "SNEF Télécom (lot 1)", "id": None}, {"name": "SADE (lot 2)", "id": None}]


def test_winners_of_none_on_a_call_for_tenders():
    _, indexation, ex = sections(FNSIMPLE)
    assert winners_of(FNSIMPLE, indexation, ex, TextCleaner()) == []


def test_assemble_text_order_and_no_repeat():
    _, indexation, ex = sections(EFORMS_AWARD)
    clean = TextCleaner()
    text = assemble_text("Équipements urbains de la Ville de Nice", ex, lot_parts(ex, clean),
                         ["Prestations de services"], ["CITEOS", "SPIE CityNetworks"], clean)
    blocks = text.split("\n\n")
    assert blocks[:3] == ["Équipements urbains de la Ville de Nice", "Attribution des marchés d'équipements urbains.",
                          "Lot 1 – Lot 1 : fourniture et pose"]
    assert blocks[-2:] == ["Descripteurs : Prestations de services", "Titulaire(s) : CITEOS, SPIE CityNetworks"]
    assert blocks.count("Équipements urbains de la Ville de Nice") == 1  # also in other_texts
    assert len(blocks) == len({" ".join(b.split()).casefold() for b in blocks})


def test_assemble_text_without_donnees():
    lots = [LotPart(label="Lot 1", blocks=["Caméras"])]
    assert assemble_text("Titre", None, lots, [], [], TextCleaner()) == "Titre\n\nLot 1\n\nCaméras"


# ----------------------------------------------------------------------------- buyer and places

def test_buyer_of_from_donnees_with_siret():
    _, indexation, ex = sections(EFORMS_AWARD)
    assert buyer_of(EFORMS_AWARD, indexation, ex, TextCleaner()) == Buyer("Ville de Nice", "21060088800015")


def test_buyer_of_without_donnees_falls_back_on_flat_then_gestion():
    assert buyer_of(FNSIMPLE, {}, None, TextCleaner()) == Buyer("Lyon Parc Auto", None)
    assert buyer_of({}, {"NOMORGANISME": "Commune  de Fréjus"}, None, TextCleaner()) == \
        Buyer("Commune de Fréjus", None)


def test_buyer_of_v230_has_no_siret():
    _, indexation, ex = sections(V230_AWARD)
    assert buyer_of(V230_AWARD, indexation, ex, TextCleaner()) == Buyer("Ville de Béziers", None)


def test_siret_or_siren():
    assert siret_or_siren("210 600 888 00015") == "21060088800015"
    assert siret_or_siren("210.600.888") == "210600888"
    assert siret_or_siren("2106008880001") is None
    assert siret_or_siren(None) is None


def test_publication_places_normalises_the_code():
    assert EFORMS_AWARD["code_departement"] == ["6"]
    assert publication_places(EFORMS_AWARD, {}) == Places(codes=["06"], names=["Alpes-Maritimes"])


def test_publication_places_falls_back_on_gestion_each_code_once():
    assert publication_places({}, {"DEP_PUBLICATION": ["83", "6", "06", "2A"]}) == \
        Places(codes=["83", "06", "2A"], names=["Var", "Alpes-Maritimes", "Corse-du-Sud"])
    assert publication_places({}, {}) == Places(codes=[], names=[])


# ----------------------------------------------------------------------------- doc type and related notices

@pytest.mark.parametrize("record, expected", [
    (FNSIMPLE, "avis de marché"), (EFORMS_AWARD, "attribution"), (V230_AWARD, "attribution"), (V110, "avis de marché"),
])
def test_doc_type_of(record, expected):
    gestion, _, ex = sections(record)
    assert doc_type_of(record, gestion, ex) == expected


def test_doc_type_of_status_wins_over_nature():
    gestion, _, ex = sections(FNSIMPLE)
    assert doc_type_of(dict(FNSIMPLE, etat="ANNULATION"), gestion, ex) == "annulation"


def test_related_notices_flat_and_gestion_link_once():
    gestion, _, ex = sections(EFORMS_AWARD)
    assert EFORMS_AWARD["annonce_lie"] == ["26-120011"]
    assert gestion_links(gestion) == ["26-120011"]
    assert related_notices(EFORMS_AWARD, "26-122002", gestion, ex, "attribution") == \
        [{"source_id": "26-120011", "relation": "attribution"}]


def test_related_notices_v230_gestion_marche_link():
    gestion, _, ex = sections(V230_AWARD)
    assert gestion_links(gestion) == ["19-37512"]
    assert related_notices(V230_AWARD, "19-88104", gestion, ex, "attribution") == \
        [{"source_id": "19-37512", "relation": "attribution"}]


def test_related_notices_never_itself_and_earlier_notices_are_lie():
    record = {"annonce_lie": ["26-1", "26-9"], "annonces_anterieures": ["26-2", "26-1"]}
    assert related_notices(record, "26-9", None, None, "avis de marché") == \
        [{"source_id": "26-1", "relation": "lie"}, {"source_id": "26-2", "relation": "lie"}]


# ----------------------------------------------------------------------------- repairs, extra, composition

def test_repair_warnings_leave_html_entities_out():
    clean = TextCleaner()
    clean("Communaut&eacute; d&#039;agglom&eacute;ration")
    assert repair_warnings(clean) == []
    clean("CafÃ©")
    assert repair_warnings(clean) == ["text repaired: UTF-8 mojibake"]


def test_build_extra_fields_in_order():
    gestion, _, ex = sections(EFORMS_AWARD)
    winners = [{"name": "CITEOS", "id": "38075225900040"}]
    extra = build_extra(EFORMS_AWARD, gestion, ex, TextCleaner(), deadline=None, winners=winners,
                        descripteurs=["Prestations de services"], places=Places(["06"], ["Alpes-Maritimes"]),
                        errors=["un avertissement"])
    assert list(extra) == ["deadline", "nature", "etat", "famille", "cpv", "winners", "descripteurs", "type_marche",
                           "procedure", "contractfolderid", "format", "subtype", "departements", "warnings"]
    assert (extra["nature"], extra["etat"], extra["famille"]) == ("ATTRIBUTION", "INITIAL", "JOUE")
    assert extra["cpv"] == ["35125300", "50343000"]
    assert extra["procedure"] == "Procédure Ouverte"
    assert extra["contractfolderid"] == "5f1c2a9e-7d3b-4c21-9a8e-0b6d4e2f1a10"
    assert (extra["format"], extra["subtype"]) == ("EFORMS", "ContractAwardNotice")
    assert extra["departements"] == ["06"] and extra["winners"] is winners
    assert extra["warnings"] == ["un avertissement"]


def test_build_extra_classification_from_gestion_when_flat_fields_are_missing():
    gestion, _, ex = sections(V110)
    extra = build_extra({}, gestion, ex, TextCleaner(), deadline="2014-07-07", winners=[], descripteurs=[],
                        places=Places([], []), errors=[])
    assert (extra["nature"], extra["etat"], extra["famille"]) == ("APPEL_OFFRE", "INITIAL", "FNS")
    assert extra["deadline"] == "2014-07-07" and extra["type_marche"] == [] and extra["procedure"] is None


@pytest.mark.parametrize("field, expected", [
    ("source_id", "26-122002"),
    ("url", "https://www.boamp.fr/pages/avis/?q=idweb:26-122002"),
    ("title", "Équipements urbains de la Ville de Nice"),
    ("published_on", "2026-11-04"),
    ("doc_type", "attribution"),
    ("authority", "Ville de Nice"),
    ("authority_id", "21060088800015"),
    ("place_name", "Alpes-Maritimes"),
    ("place_code", "06"),
    ("related", [{"source_id": "26-120011", "relation": "attribution"}]),
])
def test_parse_record_fixture_fields(field, expected):
    assert parse_record(EFORMS_AWARD).document[field] == expected


def test_parse_record_fixture_parts_text_and_warnings():
    result = parse_record(EFORMS_AWARD)
    assert [p["label"] for p in result.document["parts"]] == ["Lot 1 – Lot 1 : fourniture et pose",
                                                                "Lot 2 – Lot 2 : maintenance"]
    assert result.document["text"].endswith("Titulaire(s) : CITEOS, SPIE CityNetworks")
    assert result.errors == [] and result.document["extra"]["warnings"] == []


def test_tree_helpers():
    assert dig1({"A": [{"B": "x"}, {"B": "y"}]}, "A", "B") == "x"
    assert dig1({"A": "texte"}, "A", "B") is None
    assert strings(["a", " ", {"#text": "b"}, None]) == ["a", "b"]
