"""BOAMP record parser: one test per `donnees` format, lots as object vs list, text hygiene, deadlines,
links, bad `donnees`, and small per-field tests. Fixtures are built here in the exact shape of the real
records (flat fields, `donnees`/`gestion` as JSON strings)."""
from __future__ import annotations

import json

import pytest

from scrapers.parsers.boamp import BoampRecordError, parse_record
from scrapers.parsers.boamp_dates import parse_deadline
from scrapers.parsers.boamp_formats import detect
from scrapers.parsers.boamp_links import v110_schema_links
from scrapers.parsers.boamp_tree import as_list
from technoveille.core.textclean import clean_text
from scrapers.replay import boamp_shapes as shapes


def flat(idweb="26-90001", *, donnees, gestion=None, **over):
    """A 2026-shaped flat record around `donnees` (object → JSON string, str kept as is)."""
    rec = shapes.record(idweb, objet="Objet de test", famille="FNS", dep=["4"], published="2026-11-02",
                        end="2026-12-01", deadline_flat=None, buyer="Commune de test", nature="APPEL_OFFRE",
                        descripteurs=[("239", "Nettoyage de locaux")], type_marche="SERVICES", donnees=donnees,
                        gestion_obj=gestion if gestion is not None else {"REFERENCE": {"IDWEB": idweb}})
    rec.update(over)
    return rec


def eforms_cn(lots, **kw):
    return shapes.eforms_cn(buyer="Ville de Nice", siret="21060088800015", city="Nice", cp="06364", nuts="FRL03",
                            name="Vidéoprotection urbaine", description="Extension du réseau de caméras.",
                            cpv="35125300", lots=lots, end_date=kw.get("end_date", "2026-12-07+01:00"),
                            end_time=kw.get("end_time", "12:00:00+01:00"), folder="5f1c2a9e-0000")


LOT_A = ("Caméras", "Fourniture de caméras dômes.", "35125300")
LOT_B = ("Maintenance du CSU", "Maintenance du centre de supervision urbain.", "50343000")


# ----------------------------------------------------------------------------- formats

def test_eforms_contract_notice_two_lots_as_list():
    r = parse_record(flat(donnees=eforms_cn([LOT_A, LOT_B]), objet="Vidéoprotection urbaine", famille="JOUE"))
    doc = r.document
    assert r.errors == []
    assert doc["extra"]["format"] == "EFORMS" and doc["extra"]["subtype"] == "ContractNotice"
    assert doc["doc_type"] == "avis de marché"
    assert [p["label"] for p in doc["parts"]] == ["Lot 1 – Caméras", "Lot 2 – Maintenance du CSU"]
    assert doc["parts"][1]["text"].endswith("Maintenance du centre de supervision urbain.")
    assert "Extension du réseau de caméras." in doc["text"]
    assert "Maintenance du centre de supervision urbain." in doc["text"]
    assert "Référé précontractuel" not in doc["text"]  # appeal boilerplate left out
    assert doc["authority"] == "Ville de Nice" and doc["authority_id"] == "21060088800015"
    assert doc["extra"]["cpv"] == ["35125300", "50343000"]
    assert doc["extra"]["deadline"] == "2026-12-07T12:00:00+01:00"


def test_eforms_single_lot_is_an_object():
    donnees = eforms_cn([LOT_A])
    assert isinstance(donnees["EFORMS"]["ContractNotice"]["cac:ProcurementProjectLot"], dict)
    doc = parse_record(flat(donnees=donnees)).document
    assert doc["parts"] == [{"label": "Lot 1 – Caméras", "text": "Caméras\nFourniture de caméras dômes."}]


def test_eforms_award_winners_and_link():
    donnees = shapes.eforms_can(buyer="Ville de Nice", siret="21060088800015", city="Nice", cp="06364",
                                nuts="FRL03", name="Équipements urbains", description="Attribution.",
                                cpv="35125300", lots=[LOT_A, LOT_B],
                                winners=[("CITEOS", "38075225900040"), ("SPIE CityNetworks", "40940114000217")],
                                folder="f-1")
    g = {"REFERENCE": {"IDWEB": "26-90002", "ANNONCE_ANTERIEUR": {"IDWEB": "26-80001"}}}
    doc = parse_record(flat("26-90002", donnees=donnees, gestion=g, nature="ATTRIBUTION",
                            titulaire=["CITEOS", "CITEOS"])).document
    assert doc["doc_type"] == "attribution"
    assert doc["extra"]["winners"] == [{"name": "CITEOS", "id": "38075225900040"},
                                       {"name": "SPIE CityNetworks", "id": "40940114000217"}]
    assert doc["related"] == [{"source_id": "26-80001", "relation": "attribution"}]
    assert "Titulaire(s) : CITEOS, SPIE CityNetworks" in doc["text"]


def test_eforms_prior_information_notice():
    donnees = shapes.eforms_cn(buyer="Ville de Toulouse", siret="21310555400017", city="Toulouse", cp="31000",
                               nuts="FRJ23", name="Caméras-piétons", description="Pré-information.",
                               cpv="32333200", lots=[LOT_A], end_date=None, end_time=None, folder="x",
                               notice_type="PriorInformationNotice")
    doc = parse_record(flat(donnees=donnees, nature=None)).document
    assert doc["extra"]["subtype"] == "PriorInformationNotice"
    assert doc["doc_type"] == "pré-information"
    assert doc["extra"]["deadline"] is None


def test_fnsimple_naive_deadline_is_paris_time_not_the_utc_label():
    donnees = shapes.fnsimple(buyer="Ville de Sanary sur Mer (83)", siret="21830123200011", ville="Sanary",
                              cp="83112", intitule="Acquisition d'aéronefs télépilotés",
                              description="Drones pour la police municipale.", cpv="35613000",
                              deadline="2026-09-22T16:00:00",
                              lots=[("1", "Drones", "Quatre drones."), ("2", "Formation", "Télépilotes.")])
    rec = flat(donnees=donnees, dateparution="2026-08-19", datelimitereponse="2026-09-22T16:00:00+00:00")
    doc = parse_record(rec).document
    assert doc["extra"]["format"] == "FNSimple"
    assert doc["extra"]["deadline"] == "2026-09-22T16:00:00+02:00"  # summer time in Paris
    assert doc["authority_id"] == "21830123200011"
    assert [p["label"] for p in doc["parts"]] == ["Lot 1 – Drones", "Lot 2 – Formation"]
    assert "Drones pour la police municipale." in doc["text"]
    assert doc["extra"]["cpv"] == ["35613000"]


def test_mapa_lots_criteria_and_deadline():
    donnees = shapes.mapa(buyer="Ville de Roubaix", ville="Roubaix", cp="59100", rue="17 Grand-Place",
                          objet="Système LAPI", quantites="Six caméras de lecture de plaques.",
                          deadline="2026-11-23T12:00:00", lots=[("1", "Caméras fixes"), ("2", "Logiciel")])
    doc = parse_record(flat(donnees=donnees, famille="MAPA")).document
    assert doc["extra"]["format"] == "MAPA" and doc["extra"]["subtype"] == "initial"
    assert doc["authority"] == "Ville de Roubaix" and doc["authority_id"] is None
    assert [p["label"] for p in doc["parts"]] == ["Lot 1", "Lot 2"]
    assert doc["parts"][0]["text"] == "Caméras fixes"
    assert "Six caméras de lecture de plaques." in doc["text"]
    assert doc["extra"]["deadline"] == "2026-11-23T12:00:00+01:00"
    assert doc["extra"]["cpv"] == []  # MAPA has no CPV


def test_mapa_rectificatif_links_through_avis_initial_only():
    donnees = shapes.mapa_block("rectificatif", buyer="Ville", ville="Lens", cp="62300", rue="r",
                                initial_idweb="26-70001",
                                body={"infosRectif": {"rubrique": "Date limite", "supprimer": "27 novembre",
                                                      "ajouter": "4 décembre 2026"}})
    doc = parse_record(flat(donnees=donnees, nature="RECTIFICATIF", etat="RECTIFICATIF")).document
    assert doc["doc_type"] == "rectificatif"
    assert doc["related"] == [{"source_id": "26-70001", "relation": "rectificatif"}]
    assert "4 décembre 2026" in doc["text"]


def test_dsp_single_lot_object_and_naive_reception_interet():
    donnees = shapes.dsp(buyer="Communauté de Communes du Val Briard", ville="Les Chapelles", cp="77610",
                         titre="Délégation de service public de la crèche",
                         description="Exploitation de la crèche multi accueil.",
                         lot_description="Accueil des enfants de 10 semaines à 3 ans.", cpv="85312110",
                         deadline="2026-10-16T18:00:00")
    doc = parse_record(flat(donnees=donnees, famille="DSP", dateparution="2026-09-11")).document
    assert doc["extra"]["format"] == "DSP"
    assert doc["authority"] == "Communauté de Communes du Val Briard"
    assert doc["parts"] == [{"label": "Lot 1", "text": "Accueil des enfants de 10 semaines à 3 ans."}]
    assert doc["extra"]["deadline"] == "2026-10-16T18:00:00+02:00"
    assert doc["extra"]["cpv"] == ["85312110"]


V230 = {"IDENTITE": {"DENOMINATION": "Ville de Paris", "CODE_IDENT_NATIONAL": "21750001600019",
                     "ADRESSE": "95 avenue de France", "CP": "75639", "VILLE": "Paris cedex 13"},
        "OBJET": {"TITRE_MARCHE": "Prestations de remorquage", "TYPE_MARCHE": {"SERVICE": ""},
                  "OBJET_COMPLET": "Accords-cadres de remorquage, en deux lots.",
                  "CPV": {"PRINCIPAL": "50118110"},
                  "LOTS": {"LOT": [{"NUM": "1", "INTITULE": "Véhicules légers", "DESCRIPTION": "Remorquage VL.",
                                    "CPV": {"PRINCIPAL": "50118110"}},
                                   {"NUM": "2", "INTITULE": "Poids lourds", "DESCRIPTION": "Remorquage PL."}]}},
        "CONDITION_DELAI": {"RECEPT_OFFRES": "2017-02-07T12:00:00+01:00"},
        "RENSEIGNEMENTS_COMPLEMENTAIRES": {"PROCEDURES_RECOURS_PRECISIONS": "Référé précontractuel possible."}}


def test_v230_upper_snake_shape():
    doc = parse_record(flat("16-186394", donnees=V230, dateparution="2017-01-01", objet=None,
                            source_schema="Boamp_v230.xsd")).document
    assert doc["extra"]["format"] == "v230"
    assert doc["title"] == "Prestations de remorquage"
    assert [p["label"] for p in doc["parts"]] == ["Lot 1 – Véhicules légers", "Lot 2 – Poids lourds"]
    assert doc["authority"] == "Ville de Paris" and doc["authority_id"] == "21750001600019"
    assert doc["extra"]["deadline"] == "2017-02-07T12:00:00+01:00"
    assert "Référé" not in doc["text"]


def test_v230_attribution_link_from_gestion_marche_and_winners():
    donnees = {"IDENTITE": {"DENOMINATION": "CHU St Etienne"},
               "OBJET": {"OBJET_COMPLET": "Intérim médical"},
               "ATTRIBUTION": {"DECISION": {"TITULAIRE": [{"DENOMINATION": "ARC INTERIM (Rang 1)"},
                                                          {"DENOMINATION": "PROMAN MEDICAL (Rang 2)"}],
                                            "RENSEIGNEMENT": [{"DATE_ATTRIBUTION": "2016-02-02"}]}}}
    g = {"REFERENCE": {"IDWEB": "17-4742"},
         "MARCHE": {"ANNONCE_ANTERIEUR": {"REFERENCE": {"IDWEB": "16-652"}}}}
    doc = parse_record(flat("17-4742", donnees=donnees, gestion=g, nature="ATTRIBUTION",
                            dateparution="2017-01-11")).document
    assert doc["related"] == [{"source_id": "16-652", "relation": "attribution"}]
    assert [w["name"] for w in doc["extra"]["winners"]] == ["ARC INTERIM (Rang 1)", "PROMAN MEDICAL (Rang 2)"]


V110 = {"AUTRES": ["Publiée dans 1 département(s) :57", "", "54 fourniture d'une classe modulaire"],
        "INFO": {"TRAVAUX": "", "EPT": ""},
        "IDENT": {"TITRE": "Nom et adresse officiels de l'organisme acheteur :",
                  "NOM": "communauté de communes de Seille et Mauchère.", "CP": "54610"},
        "OBJET": {"TITRE": "Objet du marché :", "OBJET_COMPLET": "fourniture et pose d'une classe en modulaire."},
        "PROCEDURE": {"@type": "procedure_adaptee"},
        "DELAI": {"RECEPT_OFFRES": "17 juillet 2006",
                  "AUTRES": [", à 17 h 30", "à compter de la date de reception des offres"]},
        "LOTS": {"TITRE": "Renseignements relatifs aux lots :", "NUM_LOT": ["1", "2"],
                 "AUTRES": ["Construction d'un modulaire.", "VRD - maçonnerie - clôture."]}}


def test_v110_shape_first_key_autres_french_deadline_and_parallel_lots():
    assert detect(V110)[0] == "v110"
    doc = parse_record(flat("BWP061810102313", donnees=V110, dateparution="2006-07-04",
                            source_schema="Boamp_v110.xsd")).document
    assert doc["extra"]["format"] == "v110"
    assert doc["extra"]["deadline"] == "2006-07-17T17:30:00+02:00"
    assert doc["parts"] == [{"label": "Lot 1", "text": "Construction d'un modulaire."},
                            {"label": "Lot 2", "text": "VRD - maçonnerie - clôture."}]
    assert "Objet du marché :" not in doc["text"]  # headings dropped
    assert doc["authority"] == "communauté de communes de Seille et Mauchère."


def test_v110_cancellation_links_from_gestion_avisliee_list_and_schema_field():
    g = {"NOJO": "BWP06184060013B", "REFERENCE": {"IDWEB": "BWP06184060013B",
                                                 "TYPE_AVIS": {"STATUT": {"RECTIFICATIF": ""}}},
         "INDEXATION": {"AVISLIEE": {"AVIS_PRECEDENT": [{"IDWEB": "BWP06173060423D"},
                                                        {"IDWEB": "BWP06173080211A"}]}}}
    schema = '{"ANNEE": "2006", "IDWEB": "BWP06173060423D"},{"ANNEE": "2006", "IDWEB": "BWP06173080211C"}'
    rec = flat("BWP06184060013B", donnees=V110, gestion=g, etat=None, dateparution="2006-07-05",
               annonces_anterieures_schema_v110=schema)
    doc = parse_record(rec).document
    assert doc["doc_type"] == "rectificatif"  # from gestion STATUT when etat is missing
    assert [r["source_id"] for r in doc["related"]] == ["BWP06173060423D", "BWP06173080211A", "BWP06173080211C"]
    assert {r["relation"] for r in doc["related"]} == {"rectificatif"}


# ----------------------------------------------------------------------------- bad donnees

@pytest.mark.parametrize("donnees, problem", [
    (None, "donnees is null"),
    ("", "donnees is empty"),
    ('{"FNSimple": {"organisme": {"nomOfficiel": "Ville de', "donnees is not valid JSON"),
    ("[1, 2]", "donnees is not a JSON object"),
])
def test_bad_donnees_still_yields_a_document_from_flat_fields(donnees, problem):
    r = parse_record(flat(donnees=donnees, objet="Vidéosurveillance des bâtiments communaux"))
    assert any(e.startswith(problem) for e in r.errors), r.errors
    assert r.document["title"] == "Vidéosurveillance des bâtiments communaux"
    assert r.document["text"].startswith("Vidéosurveillance des bâtiments communaux")
    assert r.document["published_on"] == "2026-11-02"
    assert r.document["extra"]["format"] is None
    assert r.document["extra"]["warnings"] == r.errors


def test_unknown_format_is_harvested_and_reported():
    r = parse_record(flat(donnees={"NOUVEAU": {"intitule": "Caméras nomades", "texte": "Une phrase à lire."}}))
    assert r.errors == ["donnees has an unknown format (first key 'NOUVEAU'); text harvested generically"]
    assert "Une phrase à lire." in r.document["text"]


def test_no_idweb_raises_and_gestion_idweb_is_a_fallback():
    rec = flat(donnees=None, gestion={"INDEXATION": {}})
    rec["idweb"] = None
    with pytest.raises(BoampRecordError):
        parse_record(rec)
    rec = flat(donnees=None, gestion={"REFERENCE": {"IDWEB": "26-5"}})
    rec["idweb"] = None
    r = parse_record(rec)
    assert r.document["source_id"] == "26-5"
    assert "idweb missing from the flat record; taken from gestion" in r.errors
    with pytest.raises(BoampRecordError):
        parse_record(["not", "a", "record"])


def test_invalid_gestion_is_reported():
    rec = flat(donnees=None)
    rec["gestion"] = "{oops"
    r = parse_record(rec)
    assert any(e.startswith("gestion is not valid JSON") for e in r.errors)


# ----------------------------------------------------------------------------- text hygiene

def test_mojibake_c1_and_html_entities_repaired_and_reported():
    rec = flat(donnees=None, objet="Vidéoprotection du c\x9cur de ville",
               nomacheteur="Saint-\u00c3\u0089tienne M\u00c3\u00a9tropole d&#039;agglom\u00e9ration")
    r = parse_record(rec)
    assert r.document["title"] == "Vidéoprotection du cœur de ville"
    assert r.document["authority"] == "Saint-Étienne Métropole d'agglomération"
    assert "text repaired: cp1252 C1 control characters" in r.errors
    assert "text repaired: UTF-8 mojibake" in r.errors


@pytest.mark.parametrize("raw, expected", [
    ("\x8cUVRE", "ŒUVRE"),
    ("l\x92école \x93drone\x94", "l’école “drone”"),
    ("D&amp;#039;ESCAUTPONT", "D'ESCAUTPONT"),
    ("vid\u00c3\u00a9o", "vidéo"),
    ("e\u0301", "é"),  # NFC
    ("café « prêt » à l'œil", "café « prêt » à l'œil"),  # clean text is left alone
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_nomacheteur_newlines_and_nbsp_folded():
    r = parse_record(flat(donnees=None, nomacheteur="Ville\u00a0de  Lille\nHôtel de ville"))
    assert r.document["authority"] == "Ville de Lille Hôtel de ville"


# ----------------------------------------------------------------------------- deadlines

@pytest.mark.parametrize("raw, naive_is_utc, expected", [
    ("2026-09-30T11:00:00+02:00", False, "2026-09-30T11:00:00+02:00"),
    ("2026-09-30T09:00:00Z", False, "2026-09-30T11:00:00+02:00"),
    ("2026-12-07T11:00:00+00:00", False, "2026-12-07T12:00:00+01:00"),
    ("2026-09-22T16:00:00", False, "2026-09-22T16:00:00+02:00"),
    ("2026-09-22T14:00:00", True, "2026-09-22T16:00:00+02:00"),
    ("2026-10-12T15:30:00.000+01:00", False, "2026-10-12T16:30:00+02:00"),
    ("2006-07-21", False, "2006-07-21"),
    ("1er septembre 2006 , à 17 h 15", False, "2006-09-01T17:15:00+02:00"),
])
def test_parse_deadline_shapes(raw, naive_is_utc, expected):
    assert parse_deadline(raw, naive_is_utc=naive_is_utc)[0] == expected


def test_deadline_7017_rejected_with_warning_not_crash():
    donnees = shapes.fnsimple(buyer="Ville de Mâcon", siret="21710270100019", ville="Mâcon", cp="71000",
                              intitule="Toiture", description="Réfection.", cpv="45261210",
                              deadline="7017-07-24T12:00:00")
    r = parse_record(flat(donnees=donnees, datelimitereponse="7017-07-24T12:00:00+00:00"))
    assert r.document["extra"]["deadline"] is None
    assert r.errors == ["deadline '7017-07-24T12:00:00' rejected: year 7017 is implausible for a notice "
                        "published in 2026"]
    assert r.document["extra"]["warnings"] == r.errors


def test_deadline_typo_falls_back_to_a_plausible_source():
    donnees = shapes.fnsimple(buyer="V", siret="21710270100019", ville="M", cp="71000", intitule="T",
                              description="D.", cpv="45261210", deadline="2924-04-15T12:00:00")
    g = {"REFERENCE": {"IDWEB": "26-90001"}, "INDEXATION": {"DATE_LIMITE_REPONSE": "2026-04-15T12:00:00"}}
    r = parse_record(flat(donnees=donnees, gestion=g, dateparution="2026-03-01"))
    assert r.document["extra"]["deadline"] == "2026-04-15T12:00:00+02:00"
    assert len(r.errors) == 1 and "2924" in r.errors[0]


def test_flat_deadline_only_national_is_relabelled_paris_eforms_is_true_utc():
    nat = parse_record(flat(donnees=None, datelimitereponse="2026-09-22T16:00:00+00:00")).document
    # no donnees: format unknown, the UTC label of a national notice is not trusted
    assert nat["extra"]["deadline"] == "2026-09-22T16:00:00+02:00"
    ef = parse_record(flat(donnees=eforms_cn([LOT_A], end_date=None), datelimitereponse="2026-12-07T11:00:00+00:00",
                           gestion={"REFERENCE": {"IDWEB": "x"}})).document
    assert ef["extra"]["deadline"] == "2026-12-07T12:00:00+01:00"


# ----------------------------------------------------------------------------- small fields

def test_url_defaults_to_the_avis_page():
    rec = flat(donnees=None, url_avis=None)
    assert parse_record(rec).document["url"] == "https://www.boamp.fr/pages/avis/?q=idweb:26-90001"


def test_departements_zero_padded_and_named():
    doc = parse_record(flat(donnees=None, code_departement=["4", "2A", "974"])).document
    assert doc["place_code"] == "04,2A,974"
    assert doc["place_name"] == "Alpes-de-Haute-Provence, Corse-du-Sud, La Réunion"
    assert doc["extra"]["departements"] == ["04", "2A", "974"]


@pytest.mark.parametrize("nature, etat, expected", [
    ("APPEL_OFFRE", "INITIAL", "avis de marché"),
    ("ATTRIBUTION", "INITIAL", "attribution"),
    ("APPEL_OFFRE", "ANNULATION", "annulation"),
    ("RECTIFICATIF", "INITIAL", "rectificatif"),
    ("MODIFICATION", "INITIAL", "modification"),
    ("INTENTION_CONCLURE", "INITIAL", "intention de conclure"),
])
def test_doc_type_from_nature_and_etat(nature, etat, expected):
    assert parse_record(flat(donnees=None, nature=nature, etat=etat)).document["doc_type"] == expected


def test_annonce_lie_and_gestion_links_deduplicated():
    g = {"REFERENCE": {"IDWEB": "26-90001", "ANNONCE_ANTERIEUR": {"IDWEB": "26-55241"}}}
    doc = parse_record(flat(donnees=None, gestion=g, nature="ATTRIBUTION", annonce_lie=["26-55241"])).document
    assert doc["related"] == [{"source_id": "26-55241", "relation": "attribution"}]


def test_winners_take_first_line_of_titulaire_and_merge_duplicates():
    doc = parse_record(flat(donnees=None, nature="ATTRIBUTION",
                            titulaire=["ATMOS", "ATMOS", "Groupe X\nmandataire du groupement"])).document
    assert [w["name"] for w in doc["extra"]["winners"]] == ["ATMOS", "Groupe X"]


def test_descripteurs_in_extra_and_text():
    doc = parse_record(flat(donnees=None, descripteur_libelle=["Vidéosurveillance"])).document
    assert doc["extra"]["descripteurs"] == ["Vidéosurveillance"]
    assert "Descripteurs : Vidéosurveillance" in doc["text"]


def test_document_keys_match_the_item():
    from technoveille.core.items import Document
    doc = parse_record(flat(donnees=eforms_cn([LOT_A]))).document
    item = Document(**doc)
    assert item.id == "boamp:26-90001"


def test_as_list_and_schema_links_helpers():
    assert as_list(None) == [] and as_list({"a": 1}) == [{"a": 1}] and as_list([1]) == [1]
    assert v110_schema_links('{"IDWEB": "A"},{"IDWEB": "B"}') == ["A", "B"]
    assert v110_schema_links(None) == []


def test_donnees_given_as_object_is_accepted():
    rec = flat(donnees=None)
    rec["donnees"] = json.loads(json.dumps(eforms_cn([LOT_A])))
    assert parse_record(rec).document["extra"]["format"] == "EFORMS"
