"""Builders of BOAMP records in the exact shape of the Explore API v2.1 (2026: 41 flat fields,
`donnees` and `gestion` as JSON strings), for the replay corpus and the tests.

`record(...)` makes the flat record; `fnsimple(...)`, `mapa(...)`, `dsp(...)`, `eforms_cn(...)`,
`eforms_can(...)` make `donnees` objects shaped like the real samples (see the research notes §4),
`gestion(...)` the management block. `fillers(day, n, seed)` makes `n` deterministic, realistic,
keyword-free notices for one publication day.
"""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

FAMILLE_LIBELLE = {"JOUE": "Marchés européens", "FNS": "Marchés entre 90 k€ et seuils européens",
                   "MAPA": "Marchés inférieurs à 90 k€", "DSP": "Délégations de service public"}
PERIMETRE = {"JOUE": "DIRECTIVE-24", "FNS": "FNSimple", "MAPA": "MAPA", "DSP": "DSP"}
NATURE_LIBELLE = {"APPEL_OFFRE": "Avis de marché", "ATTRIBUTION": "Résultat de marché",
                  "RECTIFICATIF": "Rectificatif", "MODIFICATION": "Modification",
                  "PRE-INFORMATION": "Avis de pré-information", "ANNULATION": "Annulation"}
TYPE_AVIS = {"APPEL_OFFRE": ["5", "1"], "ATTRIBUTION": ["10", "6"], "RECTIFICATIF": ["5", "3"],
             "MODIFICATION": ["13", "6"], "PRE-INFORMATION": ["1", "1"], "ANNULATION": ["5", "2"]}


def dumps(obj: Any) -> str:
    """The way ODS serialises `donnees`/`gestion`: default separators, non-ASCII kept."""
    return json.dumps(obj, ensure_ascii=False)


def gestion(idweb: str, *, famille: str, nature: str, statut: str = "INITIAL", buyer: str, published: str,
            deadline: str | None, end: str, descripteurs: list[tuple[str, str]], nature_marche: str,
            dep: str, resume: str, anterieur: str | None = None, titulaires: list[str] | None = None,
            procedure: str = "OUVERT") -> dict:
    nat: Any = {nature: {"STANDARD": ""}} if famille == "JOUE" else {nature: ""}
    ref: dict[str, Any] = {"IDWEB": idweb, "TYPE_AVIS": {"FAMILLE": {famille: ""},
                                                        "PERIMETRE": {PERIMETRE[famille]: ""},
                                                        "NATURE": nat, "STATUT": {statut: ""}}}
    if anterieur:
        ref["ANNONCE_ANTERIEUR"] = {"IDWEB": anterieur}
    idx: dict[str, Any] = {"SCHEMA": "3.2.5", "NOMORGANISME": buyer}
    if titulaires:
        idx["TITULAIRES"] = {"DENOMINATION": titulaires[0] if len(titulaires) == 1 else titulaires}
    idx["TYPE_PROCEDURE"] = {procedure: ""}
    idx["DATE_PUBLICATION"] = published
    if deadline:
        idx["DATE_LIMITE_REPONSE"] = deadline
    idx["DATE_FIN_DIFFUSION"] = end
    descs = [{"CODE": c, "LIBELLE": l} for c, l in descripteurs]
    idx["DESCRIPTEURS"] = {"DESCRIPTEUR": descs[0] if len(descs) == 1 else descs}
    idx["NATURE_MARCHE"] = {nature_marche: ""}
    idx["CRITERES_SOCIAUX_ENV"] = {"ENVIRONNEMENTAUX": ""}
    idx["DEP_PUBLICATION"] = dep
    idx["RESUME_OBJET"] = resume
    return {"REFERENCE": ref, "INDEXATION": idx}


def record(idweb: str, *, objet: str, famille: str, dep: list[str], published: str, end: str,
           deadline_flat: str | None, buyer: str, nature: str, etat: str = "INITIAL",
           descripteurs: list[tuple[str, str]], type_marche: str, donnees: Any, gestion_obj: Any,
           titulaire: list[str] | None = None, annonce_lie: list[str] | None = None,
           contractfolderid: str | None = None, procedure: str = "OUVERT") -> dict:
    """One flat record, keys in the API's order; `donnees`/`gestion` objects are serialised to strings
    (pass a str to store it as is, e.g. invalid JSON, or None for null)."""
    proc_lib = {"OUVERT": "Procédure Ouverte", "PROCEDURE_ADAPTEE": "Procédure adaptée",
                "DSP": "Délégation de service public"}.get(procedure, "Procédure NC")
    cat = nature.lower().replace("_", "").replace("-", "")
    return {
        "idweb": idweb, "id": idweb.replace("-", "_"), "contractfolderid": contractfolderid, "objet": objet,
        "filename": idweb, "famille": famille, "code_departement": dep, "code_departement_prestation": None,
        "famille_libelle": FAMILLE_LIBELLE[famille], "dateparution": published, "datefindiffusion": end,
        "datelimitereponse": deadline_flat, "nomacheteur": buyer, "titulaire": titulaire,
        "perimetre": PERIMETRE[famille], "type_procedure": procedure, "soustype_procedure": None,
        "procedure_libelle": proc_lib, "procedure_categorise": f"{procedure}/", "nature": nature,
        "sousnature": "STANDARD" if famille == "JOUE" else None, "nature_libelle": NATURE_LIBELLE[nature],
        "sousnature_libelle": None, "nature_categorise": f"{cat}/standard",
        "nature_categorise_libelle": f"{NATURE_LIBELLE[nature]}/", "criteres": ["environnementaux"],
        "marche_public_simplifie": None, "marche_public_simplifie_label": None, "etat": etat,
        "descripteur_code": [c for c, _ in descripteurs], "dc": [c for c, _ in descripteurs],
        "descripteur_libelle": [l for _, l in descripteurs], "type_marche": [type_marche],
        "type_marche_facette": [type_marche.capitalize()], "type_avis": TYPE_AVIS[nature],
        "annonce_lie": annonce_lie, "annonces_anterieures": None, "source_schema": "3.2.5",
        "gestion": gestion_obj if gestion_obj is None or isinstance(gestion_obj, str) else dumps(gestion_obj),
        "donnees": donnees if donnees is None or isinstance(donnees, str) else dumps(donnees),
        "url_avis": f"https://www.boamp.fr/pages/avis/?q=idweb:{idweb}",
    }


# --------------------------------------------------------------------------- donnees shapes

def _organisme_fns(buyer: str, siret: str, ville: str, cp: str) -> dict:
    return {"nomOfficiel": buyer, "typeIdentificationNational": {"siret": ""},
            "codeIdentificationNational": siret, "ville": ville, "cp": cp, "grpCommandes": {"non": ""}}


def fnsimple(*, buyer: str, siret: str, ville: str, cp: str, intitule: str, description: str, cpv: str,
             deadline: str, nature: str = "fournitures", lots: list[tuple[str, str, str]] | None = None,
             criteres: str = "Prix 60 %\nValeur technique 40 %", infos: str | None = None) -> dict:
    nm: dict[str, Any] = {"intitule": intitule, "codeCPV": {"objetPrincipal": {"classPrincipale": cpv}},
                          "natureMarche": {nature: ""}, "description": description, "lieuExecution": ville,
                          "dureeMois": "12", "valeurEstimee": {"@devise": "EUR", "valeur": "150000"},
                          "tranches": {"non": ""}, "reservationMarche": {"non": ""}}
    if lots:
        items = [{"numLot": n, "intitule": t, "description": d} for n, t, d in lots]
        nm["lotsMarche"] = {"oui": {"lot": items[0] if len(items) == 1 else items}}
    else:
        nm["lotsMarche"] = {"non": ""}
    initial: dict[str, Any] = {
        "communication": {"urlProfilAch": "https://www.marches-securises.fr", "identifiantInterne": "26/0412",
                          "nomContact": "Service commande publique", "telContact": "+33 491000000"},
        "procedure": {"procedureAdapteeO": "",
                      "capaciteEcoFin": "Déclaration concernant le chiffre d'affaires global des trois derniers exercices.",
                      "capaciteTech": "Liste des principales prestations effectuées au cours des trois dernières années.",
                      "techAchat": {"autres": ""}, "dateReceptionOffres": deadline,
                      "variantes": {"non": ""}, "criteresAttrib": criteres},
        "natureMarche": nm,
    }
    if infos:
        initial["informComplementaire"] = {"autresInformComplementaire": infos}
    return {"FNSimple": {"organisme": _organisme_fns(buyer, siret, ville, cp), "initial": initial}}


def fnsimple_rectificatif(*, buyer: str, siret: str, ville: str, cp: str, initial_idweb: str,
                          initial_date: str, rubrique: str, supprimer: str, ajouter: str) -> dict:
    return {"FNSimple": {"organisme": _organisme_fns(buyer, siret, ville, cp), "rectificatif": {
        "avisInitial": {"idWeb": initial_idweb, "dateParution": initial_date},
        "infosRectif": {"rubrique": rubrique, "supprimer": supprimer, "ajouter": ajouter}}}}


def _organisme_mapa(buyer: str, ville: str, cp: str, rue: str) -> dict:
    return {"acheteurPublic": buyer, "correspondantPRM": {"nom": "Monsieur le Maire"},
            "adr": {"voie": {"nomvoie": rue}, "cp": cp, "ville": ville},
            "coord": {"mel": "marches@" + ville.lower().replace(" ", "-") + ".fr"},
            "urlProfilAcheteur": "https://www.achatpublic.com"}


def mapa(*, buyer: str, ville: str, cp: str, rue: str, objet: str, quantites: str, deadline: str,
         nature: str = "fournitures", lots: list[tuple[str, str]] | None = None) -> dict:
    initial: dict[str, Any] = {
        "description": {"objet": objet, "lieuExecutionLivraison": {"ville": ville, "cp": cp}},
        "caracteristiques": {"quantites": quantites},
        "natureMarche": {nature: "", "nbMois": "12"},
        "delais": {"receptionOffres": deadline},
        "renseignements": {"idMarche": "2026-MAPA-031"},
        "criteres": {"criterePondere": [{"critere": "Prix", "criterePCT": "50"},
                                        {"critere": "Valeur technique", "criterePCT": "50"}]},
    }
    if lots:
        initial["lots"] = {"lot": [{"numLot": n, "description": d} for n, d in lots]}
    return {"MAPA": {"organisme": _organisme_mapa(buyer, ville, cp, rue), "initial": initial}}


def mapa_block(kind: str, *, buyer: str, ville: str, cp: str, rue: str, initial_idweb: str,
               body: dict) -> dict:
    """A MAPA `rectificatif` / `attribution` / `annulation` block naming its `avisInitial`."""
    return {"MAPA": {"organisme": _organisme_mapa(buyer, ville, cp, rue),
                     kind: {"avisInitial": {"idWeb": initial_idweb}, **body}}}


def dsp(*, buyer: str, ville: str, cp: str, titre: str, description: str, lot_description: str, cpv: str,
        deadline: str) -> dict:
    return {"DSP": {
        "organisme": {"acheteurPublic": buyer, "adr": {"voie": {"nomvoie": "Place de la Mairie"}, "cp": cp,
                                                       "ville": ville},
                      "coord": {"url": "https://www.example-commune.fr/"}, "codeNUTS": "FRL04"},
        "initial": {
            "descriptionMarche": {"titreMarche": titre, "numeroReference": "2026-DSP-02",
                                  "CPV": {"objetPrincipal": {"classPrincipale": cpv}},
                                  "natureMarche": {"services": ""}, "description": description,
                                  "divisibleLotNon": "",
                                  "lot": {"CPV": {"objetComplementaire": {"classPrincipale": cpv}},
                                          "description": lot_description, "dureeLot": {"nbMois": "72"}}},
            "renseignementsAdm": {"receptionInteret": deadline, "langue": {"langEC": "fr"}},
            "renseignementsCompl": {"instanceChargeeRecours": {"nomOfficiel": "Tribunal administratif de Marseille"}},
        }}}


def _org(org_id: str, name: str, siret: str, city: str, cp: str, nuts: str) -> dict:
    return {"efac:Company": {
        "cac:PartyIdentification": {"cbc:ID": {"@schemeName": "organization", "#text": org_id}},
        "cac:PartyName": {"cbc:Name": {"@languageID": "FRA", "#text": name}},
        "cac:PostalAddress": {"cbc:CityName": city, "cbc:PostalZone": cp,
                              "cbc:CountrySubentityCode": {"@listName": "nuts", "#text": nuts},
                              "cac:Country": {"cbc:IdentificationCode": {"@listName": "country", "#text": "FRA"}}},
        "cac:PartyLegalEntity": {"cbc:CompanyID": siret},
        "cac:Contact": {"cbc:Telephone": "+33 400000000", "cbc:ElectronicMail": "marches@example.fr"}}}


def _name(text: str) -> dict:
    return {"@languageID": "FRA", "#text": text}


def _lot(n: int, name: str, description: str, cpv: str, city: str, end_date: str | None,
         end_time: str | None) -> dict:
    lot: dict[str, Any] = {
        "cbc:ID": {"@schemeName": "Lot", "#text": f"LOT-{n:04d}"},
        "cac:TenderingTerms": {
            "cbc:FundingProgramCode": {"@listName": "eu-funded", "#text": "no-eu-funds"},
            "cac:AppealTerms": {"cac:PresentationPeriod": {"cbc:Description": _name(
                "Référé précontractuel, dans les conditions prévues aux articles L. 551-1 et suivants du code "
                "de justice administrative.")},
                "cac:AppealReceiverParty": {"cac:PartyIdentification": {"cbc:ID": "ORG-0002"}}}},
    }
    if end_date:
        lot["cac:TenderingProcess"] = {
            "cbc:SubmissionMethodCode": {"@listName": "esubmission", "#text": "required"},
            "cac:TenderSubmissionDeadlinePeriod": {"cbc:EndDate": end_date, "cbc:EndTime": end_time}}
    lot["cac:ProcurementProject"] = {
        "cbc:ID": str(n), "cbc:Name": _name(name), "cbc:Description": _name(description),
        "cbc:ProcurementTypeCode": {"@listName": "contract-nature", "#text": "supplies"},
        "cac:MainCommodityClassification": {"cbc:ItemClassificationCode": {"@listName": "cpv", "#text": cpv}},
        "cac:RealizedLocation": {"cac:Address": {"cbc:CityName": city}},
        "cac:PlannedPeriod": {"cbc:DurationMeasure": {"@unitCode": "MONTH", "#text": "48"}}}
    return lot


def eforms_cn(*, buyer: str, siret: str, city: str, cp: str, nuts: str, name: str, description: str,
              cpv: str, lots: list[tuple[str, str, str]], end_date: str | None, end_time: str | None,
              folder: str, notice_type: str = "ContractNotice") -> dict:
    """An eForms ContractNotice (or PriorInformationNotice): one lot → an object, several → a list."""
    lot_objs = [_lot(i, n, d, c, city, end_date, end_time) for i, (n, d, c) in enumerate(lots, start=1)]
    return {"EFORMS": {notice_type: {
        "ext:UBLExtensions": {"ext:UBLExtension": {"ext:ExtensionContent": {"efext:EformsExtension": {
            "efac:NoticeSubType": {"cbc:SubTypeCode": {"@listName": "notice-subtype",
                                                       "#text": "16" if notice_type == "ContractNotice" else "4"}},
            "efac:Organizations": {"efac:Organization": [
                _org("ORG-0001", buyer, siret, city, cp, nuts),
                _org("ORG-0002", "Tribunal administratif de Nice", "17060001100011", "Nice", "06000", "FRL03")]}}}}},
        "cbc:UBLVersionID": "2.3", "cbc:CustomizationID": "eforms-sdk-1.13",
        "cbc:ID": {"@schemeName": "notice-id", "#text": folder[::-1]},
        "cbc:ContractFolderID": folder, "cbc:IssueDate": "2026-10-30+01:00", "cbc:IssueTime": "10:12:00+01:00",
        "cbc:VersionID": "01", "cbc:RegulatoryDomain": "32014L0024",
        "cbc:NoticeTypeCode": {"@listName": "competition", "#text": "cn-standard"},
        "cbc:NoticeLanguageCode": {"@listName": "language", "#text": "FRA"},
        "cac:ContractingParty": {"cac:Party": {"cac:PartyIdentification": {"cbc:ID": "ORG-0001"}}},
        "cac:TenderingProcess": {"cbc:ProcedureCode": {"@listName": "procurement-procedure-type", "#text": "open"}},
        "cac:ProcurementProject": {
            "cbc:ID": "2026-017", "cbc:Name": _name(name), "cbc:Description": _name(description),
            "cbc:ProcurementTypeCode": {"@listName": "contract-nature", "#text": "supplies"},
            "cac:MainCommodityClassification": {"cbc:ItemClassificationCode": {"@listName": "cpv", "#text": cpv}},
            "cac:RealizedLocation": {"cac:Address": {"cbc:CityName": city, "cbc:PostalZone": cp}}},
        "cac:ProcurementProjectLot": lot_objs[0] if len(lot_objs) == 1 else lot_objs,
    }}}


def eforms_can(*, buyer: str, siret: str, city: str, cp: str, nuts: str, name: str, description: str,
               cpv: str, lots: list[tuple[str, str, str]], winners: list[tuple[str, str]], folder: str) -> dict:
    """An eForms ContractAwardNotice with one LotResult per lot, lot i won by winners[i]."""
    orgs = [_org("ORG-0001", buyer, siret, city, cp, nuts)]
    results, tenders, parties = [], [], []
    for i, (wname, wsiret) in enumerate(winners, start=1):
        orgs.append(_org(f"ORG-{i + 10:04d}", wname, wsiret, "Lyon", "69003", "FRK26"))
        results.append({"cbc:ID": {"@schemeName": "result", "#text": f"RES-{i:04d}"},
                        "cbc:TenderResultCode": {"@listName": "winner-selection-status", "#text": "selec-w"},
                        "efac:LotTender": {"cbc:ID": f"TEN-{i:04d}"},
                        "efac:TenderLot": {"cbc:ID": f"LOT-{i:04d}"}})
        tenders.append({"cbc:ID": {"@schemeName": "tender", "#text": f"TEN-{i:04d}"},
                        "cac:LegalMonetaryTotal": {"cbc:PayableAmount": {"@currencyID": "EUR", "#text": "250000"}},
                        "efac:TenderingParty": {"cbc:ID": f"TPA-{i:04d}"},
                        "efac:TenderLot": {"cbc:ID": f"LOT-{i:04d}"}})
        parties.append({"cbc:ID": {"@schemeName": "tendering-party", "#text": f"TPA-{i:04d}"},
                        "efac:Tenderer": {"cbc:ID": f"ORG-{i + 10:04d}"}})

    def one(x: list) -> Any:
        return x[0] if len(x) == 1 else x

    lot_objs = [_lot(i, n, d, c, city, None, None) for i, (n, d, c) in enumerate(lots, start=1)]
    return {"EFORMS": {"ContractAwardNotice": {
        "ext:UBLExtensions": {"ext:UBLExtension": {"ext:ExtensionContent": {"efext:EformsExtension": {
            "efac:NoticeResult": {"cbc:TotalAmount": {"@currencyID": "EUR", "#text": str(250000 * len(winners))},
                                  "efac:LotResult": one(results), "efac:LotTender": one(tenders),
                                  "efac:TenderingParty": one(parties)},
            "efac:NoticeSubType": {"cbc:SubTypeCode": {"@listName": "notice-subtype", "#text": "29"}},
            "efac:Organizations": {"efac:Organization": orgs}}}}},
        "cbc:UBLVersionID": "2.3", "cbc:CustomizationID": "eforms-sdk-1.12",
        "cbc:ContractFolderID": folder, "cbc:IssueDate": "2026-11-02Z", "cbc:IssueTime": "12:04:59Z",
        "cbc:NoticeTypeCode": {"@listName": "result", "#text": "can-standard"},
        "cac:ContractingParty": {"cac:Party": {"cac:PartyIdentification": {"cbc:ID": "ORG-0001"}}},
        "cac:ProcurementProject": {
            "cbc:Name": _name(name), "cbc:Description": _name(description),
            "cac:MainCommodityClassification": {"cbc:ItemClassificationCode": {"@listName": "cpv", "#text": cpv}}},
        "cac:ProcurementProjectLot": one(lot_objs),
        "cac:TenderResult": {"cbc:AwardDate": "2026-10-21+02:00"},
    }}}


# --------------------------------------------------------------------------- fillers

_BUYERS = [  # (name, siret, ville, cp, département)
    ("Commune de Montluçon", "21030185700014", "Montluçon", "03100", "3"),
    ("Ville d'Angers", "21490007800012", "Angers", "49000", "49"),
    ("Département de la Gironde", "22330001300016", "Bordeaux", "33000", "33"),
    ("Commune de Lannion", "21220113900018", "Lannion", "22300", "22"),
    ("Communauté de communes du Pays de Gex", "20000489400011", "Gex", "01170", "1"),
    ("Centre hospitalier de Dax", "26400015800013", "Dax", "40100", "40"),
    ("Ville de Besançon", "21250056500015", "Besançon", "25000", "25"),
    ("Syndicat des eaux du Vivier", "25790254000017", "Niort", "79000", "79"),
    ("Commune de Sète", "21340301500016", "Sète", "34200", "34"),
    ("Région Grand Est", "20005226500016", "Strasbourg", "67000", "67"),
    ("Office public de l'habitat de Tours", "27370001800018", "Tours", "37000", "37"),
    ("Commune d'Ajaccio", "21200004300010", "Ajaccio", "20000", "2A"),
]
_TOPICS = [  # (objet, description, cpv, descripteur, type_marche)
    ("Nettoyage des locaux administratifs", "Prestations de nettoyage courant des bureaux, sanitaires et vitres "
     "des bâtiments administratifs.", "90910000", ("239", "Nettoyage de locaux"), "SERVICES"),
    ("Restauration scolaire", "Fourniture et livraison de repas en liaison froide pour les écoles maternelles "
     "et élémentaires.", "55524000", ("306", "Restauration collective"), "SERVICES"),
    ("Travaux de réfection de voirie", "Réfection de chaussées, trottoirs et reprises de bordures sur le "
     "territoire communal.", "45233140", ("367", "Voirie"), "TRAVAUX"),
    ("Entretien des espaces verts", "Tonte, taille des haies et ramassage des feuilles dans les parcs et "
     "jardins publics.", "77310000", ("117", "Espaces verts"), "SERVICES"),
    ("Fourniture de papier et de consommables de bureau", "Accord-cadre à bons de commande pour la fourniture "
     "de papier, enveloppes et petites fournitures.", "30192000", ("148", "Fournitures de bureau"), "FOURNITURES"),
    ("Maintenance des ascenseurs", "Maintenance préventive et corrective des ascenseurs et monte-charges "
     "du patrimoine bâti.", "50750000", ("15", "Ascenseur"), "SERVICES"),
    ("Réfection de la toiture de l'école", "Dépose de la couverture existante, remplacement de la charpente "
     "et pose de tuiles mécaniques.", "45261210", ("339", "Toiture"), "TRAVAUX"),
    ("Transport scolaire", "Transport des élèves vers les établissements scolaires et les équipements sportifs.",
     "60130000", ("358", "Transport de personnes"), "SERVICES"),
    ("Assurances de la collectivité", "Souscription des contrats d'assurance dommages aux biens, "
     "responsabilité civile et flotte automobile.", "66510000", ("19", "Assurance"), "SERVICES"),
    ("Fourniture de produits d'entretien", "Fourniture de produits d'hygiène et d'entretien écolabellisés.",
     "39830000", ("280", "Produits d'entretien"), "FOURNITURES"),
    ("Rénovation énergétique du gymnase", "Isolation thermique par l'extérieur, remplacement des menuiseries "
     "et de la chaufferie.", "45321000", ("114", "Equipement sportif"), "TRAVAUX"),
    ("Location et entretien de vêtements de travail", "Location, lavage et entretien des vêtements de travail "
     "des agents techniques.", "98311000", ("35", "Blanchisserie"), "SERVICES"),
    ("Fourniture de livres pour la médiathèque", "Acquisition de livres imprimés et de bandes dessinées pour "
     "les bibliothèques du réseau.", "22113000", ("203", "Livres"), "FOURNITURES"),
    ("Collecte des déchets ménagers", "Collecte en porte-à-porte des ordures ménagères et des emballages "
     "recyclables.", "90511000", ("88", "Déchets"), "SERVICES"),
    ("Travaux de plomberie et de chauffage", "Remplacement des réseaux d'eau chaude sanitaire et des "
     "radiateurs du groupe scolaire.", "45330000", ("61", "Chauffage (travaux)"), "TRAVAUX"),
]


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def filler(day: str, idweb: str, rng: random.Random) -> dict:
    """One banal, keyword-free notice (FNSimple, MAPA or eForms) published on `day`."""
    buyer, siret, ville, cp, dep = rng.choice(_BUYERS)
    objet, desc, cpv, descr, tm = rng.choice(_TOPICS)
    objet = f"{objet} – {ville}"
    deadline_day = _shift(day, rng.randint(20, 45))
    hour = rng.choice([10, 12, 16, 17])
    end = deadline_day
    kind = rng.choices(["FNS", "MAPA", "JOUE"], weights=[4, 4, 2])[0]
    if kind == "FNS":
        naive = f"{deadline_day}T{hour:02d}:00:00"
        donnees = fnsimple(buyer=buyer, siret=siret, ville=ville, cp=cp, intitule=objet, description=desc,
                           cpv=cpv, deadline=naive, nature=tm.lower() if tm != "SERVICES" else "services")
        flat, g_deadline = naive + "+00:00", naive
    elif kind == "MAPA":
        naive = f"{deadline_day}T{hour:02d}:00:00"
        donnees = mapa(buyer=buyer, ville=ville, cp=cp, rue="1 place de l'Hôtel de Ville", objet=objet,
                       quantites=desc, deadline=naive)
        flat, g_deadline = naive + "+00:00", naive
    else:
        folder = f"{rng.getrandbits(32):08x}-1c2d-4e5f-8a9b-{rng.getrandbits(48):012x}"
        donnees = eforms_cn(buyer=buyer, siret=siret, city=ville, cp=cp, nuts="FRK26", name=objet,
                            description=desc, cpv=cpv, lots=[(objet, desc, cpv)], end_date=f"{deadline_day}+01:00",
                            end_time=f"{hour:02d}:00:00+01:00", folder=folder)
        flat, g_deadline = f"{deadline_day}T{hour - 1:02d}:00:00+00:00", f"{deadline_day}T{hour:02d}:00:00+01:00"
    procedure = "PROCEDURE_ADAPTEE" if kind == "MAPA" else "OUVERT"
    g = gestion(idweb, famille=kind, nature="APPEL_OFFRE", buyer=buyer, published=day, deadline=g_deadline,
                end=end, descripteurs=[descr], nature_marche=tm, dep=dep, resume=objet, procedure=procedure)
    return record(idweb, objet=objet, famille=kind, dep=[dep], published=day, end=end, deadline_flat=flat,
                  buyer=buyer, nature="APPEL_OFFRE", descripteurs=[descr], type_marche=tm, donnees=donnees,
                  gestion_obj=g, procedure=procedure,
                  contractfolderid=donnees["EFORMS"]["ContractNotice"]["cbc:ContractFolderID"]
                  if kind == "JOUE" else None)


def fillers(day: str, count: int, first_number: int, seed: int = 2026) -> list[dict]:
    """`count` deterministic fillers for `day`, idweb `26-<first_number>`, `26-<first_number + 1>`, …"""
    rng = random.Random(f"{seed}:{day}")
    return [filler(day, f"{day[2:4]}-{first_number + i}", rng) for i in range(count)]
