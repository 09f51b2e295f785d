"""Regressions found by the adversarial acceptance check of the BOAMP watch (a foreign ODS server fed
with re-dated real records): v110 lots as parallel lists, the retired DILA API's lower-case v230 JSON,
and which flat `datelimitereponse` values are true UTC. Fixtures are written here, shaped like the real
records (flat fields, `donnees`/`gestion` as JSON strings)."""
from __future__ import annotations

import json

from scrapers.parsers.boamp import parse_record
from scrapers.parsers.boamp_formats import detect, legacy_api_upper
from scrapers.replay import boamp_shapes as shapes


def flat(idweb, *, donnees, gestion, **over):
    rec = shapes.record(idweb, objet="Objet", famille="FNS", dep=["38"], published="2026-11-03",
                        end="2026-12-01", deadline_flat=None, buyer="Commune de test", nature="APPEL_OFFRE",
                        descripteurs=[("239", "Nettoyage de locaux")], type_marche="TRAVAUX", donnees=donnees,
                        gestion_obj=gestion)
    rec.update(over)
    return rec


# --------------------------------------------------------------- v110: LOTS as parallel lists

V110_NAMED_LOTS = {
    "INFO": {"TRAVAUX": "", "COMMUNE": ""}, "TYPE_ACTIVITE_ORG": "",
    "IDENT": {"TITRE": "Nom et adresse officiels de l'organisme acheteur :", "NOM": "mairie de Voiron.",
              "CP": "38500", "VILLE": "Voiron"},
    "OBJET": {"TITRE": "Objet du marché :", "OBJET_COMPLET": "sécurisation des bâtiments communaux, 3 lots."},
    "LOTS": {"TITRE": "Renseignements relatifs aux lots :", "NUM_LOT": ["1", "2", "3"],
             "DESC_LOT": ["Contrôle d'accès.", "Télésurveillance des écoles et du gymnase.", "Alarmes intrusion."],
             "NOMENC_LOT": ["32323500.", "79711000.", "35121700."],
             "INFOS_COMPLEMENTAIRES": ["Badges et lecteurs.", "", "Tranche conditionnelle : salle des fêtes."]},
    "DELAI": {"RECEPT_OFFRES": "30 novembre 2026", "AUTRES": [", à 12 heures"]},
}


def test_v110_named_lots_are_parts_and_text():
    g = {"NOJO": "BWP26307000011A", "REFERENCE": {"IDWEB": "BWP26307000011A"}}
    doc = parse_record(flat("BWP26307000011A", donnees=V110_NAMED_LOTS, gestion=g,
                            source_schema="Boamp_v110.xsd")).document
    assert doc["extra"]["format"] == "v110"
    assert [p["label"] for p in doc["parts"]] == [
        "Lot 1 – Contrôle d'accès.", "Lot 2 – Télésurveillance des écoles et du gymnase.",
        "Lot 3 – Alarmes intrusion."]
    assert doc["parts"][0]["text"] == "Contrôle d'accès.\nBadges et lecteurs."
    assert doc["parts"][2]["text"].endswith("Tranche conditionnelle : salle des fêtes.")
    assert "Télésurveillance des écoles et du gymnase." in doc["text"]
    assert "Renseignements relatifs aux lots" not in doc["text"]
    assert doc["extra"]["cpv"] == ["32323500", "79711000", "35121700"]
    assert doc["extra"]["deadline"] == "2026-11-30T12:00:00+01:00"


def test_v110_single_lot_is_a_bare_string():
    donnees = dict(V110_NAMED_LOTS, LOTS={"TITRE": "Renseignements relatifs aux lots :", "NUM_LOT": "1",
                                          "DESC_LOT": "vidéoprotection du parking", "NOMENC_LOT": "32323500."})
    doc = parse_record(flat("BWP26307000012B", donnees=donnees, gestion={"REFERENCE": {"IDWEB": "x"}})).document
    assert doc["parts"] == [{"label": "Lot 1 – vidéoprotection du parking", "text": "vidéoprotection du parking"}]
    assert "vidéoprotection du parking" in doc["text"]


def test_v110_free_text_lots_unchanged_and_blank_entries_dropped():
    donnees = dict(V110_NAMED_LOTS, LOTS={"TITRE": "Renseignements relatifs aux lots :",
                                          "AUTRES": ["", "maçonnerie.", "serrurerie."], "NUM_LOT": ["2", "5"]})
    doc = parse_record(flat("BWP26307000013C", donnees=donnees, gestion={"REFERENCE": {"IDWEB": "x"}})).document
    assert doc["parts"] == [{"label": "Lot 2", "text": "maçonnerie."}, {"label": "Lot 5", "text": "serrurerie."}]


# --------------------------------------------------------------- the retired DILA API (lower-case v230)

FRAG = '<?xml version="1.0" encoding="UTF-16"?>\n<{0} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
# 2026-12-15T11:00:00Z as epoch milliseconds (12:00 in Paris)
DEADLINE_MS = 1_797_332_400_000

LEGACY_DONNEES = {
    "identite": {"denomination": "Ville de Martigues", "codeidentnational": None, "correspondant": "M. le Maire",
                 "adresse": "Hôtel de Ville", "cp": "13500", "ville": "Martigues", "tel": "04-00-00-00-00",
                 "mel": "marches@example.fr"},
    "typeorganisme": {"etat": None, "commune": FRAG.format("COMMUNE"), "autre": None},
    "objet": [{"titremarche": None,
               "typemarche": {"travaux": None, "fournitures": "", "service": None},
               "objetcomplet": "Fourniture et installation de caméras de vidéoprotection sur la voie publique.",
               "variantesnon": FRAG.format("VARIANTES_NON"),
               "caracteristiques": {"principales": "Douze caméras dômes et leur raccordement au centre de "
                                                   "supervision urbain.", "valeur": None},
               "lots": None}],
    "procedure": {"typeprocedure": {"ouvert": None, "procedureadapte": FRAG.format("PROCEDURE_ADAPTE")}},
    "conditiondelai": {"receptcandidat": None, "receptoffres": DEADLINE_MS,
                       "validiteoffre": {"dureejour": 120}},
    "rectif": None, "annulation": None,
}
LEGACY_GESTION = {
    "reference": {"idweb": "26-150001",
                  "typeavis": {"famille": {"mapa": FRAG.format("MAPA"), "fns": None, "joue": None},
                               "statut": {"initial": FRAG.format("INITIAL"), "rectificatif": None}}},
    "marche": {"annonceanterieur": None},
    "indexation": {"datepublication": 1_793_660_400_000, "datelimitereponse": DEADLINE_MS,
                   "resumeobjet": "caméras de vidéoprotection"},
}


def test_legacy_api_shape_is_read_as_v230():
    upper = legacy_api_upper(LEGACY_DONNEES)
    assert detect(LEGACY_DONNEES)[0] == "v230"
    assert upper["CONDITION_DELAI"]["RECEPT_OFFRES"] == "2026-12-15T11:00:00+00:00"
    assert upper["TYPE_ORGANISME"] == {"COMMUNE": ""}  # nulls dropped, XML fragment = empty element
    assert upper["OBJET"][0]["OBJET_COMPLET"].startswith("Fourniture")


def test_legacy_api_record_text_deadline_and_buyer():
    rec = flat("26-150001", donnees=LEGACY_DONNEES, gestion=LEGACY_GESTION, famille="MAPA",
               source_schema="Boamp_v230.xsd", datelimitereponse="2026-12-15T11:00:00+00:00")
    rec["gestion"] = json.dumps(LEGACY_GESTION)  # the old API's gestion, key for key
    r = parse_record(rec)
    doc = r.document
    assert r.errors == []
    assert doc["extra"]["format"] == "v230"
    assert doc["extra"]["deadline"] == "2026-12-15T12:00:00+01:00"  # epoch ms are true UTC instants
    assert doc["authority"] == "Ville de Martigues"
    assert "centre de supervision urbain" in doc["text"]
    assert "Fourniture et installation de caméras de vidéoprotection" in doc["text"]
    assert "<?xml" not in doc["text"] and "UTF-16" not in doc["text"]


def test_xml_fragments_are_never_text_even_in_unknown_shapes():
    donnees = {"NOUVEAU": {"intitule": "Objet lisible ici", "flag": FRAG.format("OUI")}}
    doc = parse_record(flat("26-150002", donnees=donnees, gestion={"REFERENCE": {"IDWEB": "x"}})).document
    assert "Objet lisible ici" in doc["text"] and "<?xml" not in doc["text"]


# --------------------------------------------------------------- which flat deadlines are true UTC

def test_flat_deadline_of_an_unknown_non_national_format_is_true_utc():
    rec = flat("26-150003", donnees={"NOUVEAU": {"intitule": "x y z"}}, gestion={"REFERENCE": {"IDWEB": "x"}},
               famille="JOUE", datelimitereponse="2026-12-15T11:00:00+00:00")
    assert parse_record(rec).document["extra"]["deadline"] == "2026-12-15T12:00:00+01:00"


def test_gestion_offset_decides_when_donnees_is_missing():
    g = {"REFERENCE": {"IDWEB": "x"}, "INDEXATION": {"DATE_LIMITE_REPONSE": "7026-12-15T12:00:00+01:00"}}
    # gestion's own value is a typo (rejected), but its offset says ODS converted the flat value right
    rec = flat("26-150004", donnees=None, gestion=g, datelimitereponse="2026-12-15T11:00:00+00:00")
    r = parse_record(rec)
    assert r.document["extra"]["deadline"] == "2026-12-15T12:00:00+01:00"
    g["INDEXATION"]["DATE_LIMITE_REPONSE"] = "7026-12-15T12:00:00"  # naive: the flat value is relabelled
    rec = flat("26-150004", donnees=None, gestion=g, datelimitereponse="2026-12-15T12:00:00+00:00")
    assert parse_record(rec).document["extra"]["deadline"] == "2026-12-15T12:00:00+01:00"
