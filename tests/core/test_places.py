from technoveille.core.places import departement_of_insee, locate, named_places, siren_of, version


def test_siren_of_siret_siren_and_junk():
    assert siren_of("21060088800015") == "210600888"
    assert siren_of("210 600 888") == "210600888"
    assert siren_of("2106008880001") is None and siren_of(None) is None and siren_of("n/a") is None


def test_departement_of_insee():
    assert departement_of_insee("06088") == "06"
    assert departement_of_insee("2A004") == "2A"
    assert departement_of_insee("97411") == "974"
    assert departement_of_insee("0608") is None


def test_boamp_buyer_that_is_a_commune_gets_the_commune():
    # Ville de Nice's SIRET → SIREN 210600888 → INSEE 06088 (reference data)
    assert locate({"source": "boamp", "place_code": "06", "authority_id": "21060088800015"}) == {
        "departement": "06", "commune": "06088", "siren": "210600888"}
    # BOAMP writes « 6 »: still département 06
    assert locate({"source": "boamp", "place_code": "6", "authority_id": None}) == {
        "departement": "06", "commune": None, "siren": None}


def test_boamp_buyer_that_is_an_epci_gets_its_departement_not_a_commune():
    # Métropole d'Aix-Marseille-Provence (13, 83, 84), no département on the notice
    assert locate({"source": "boamp", "place_code": None, "authority_id": "20005480700018"}) == {
        "departement": "13", "commune": None, "siren": "200054807"}
    # an EPCI across départements keeps the notice's own when it is one of them, else its main one
    assert locate({"source": "boamp", "place_code": "84", "authority_id": "200054807"})["departement"] == "84"
    assert locate({"source": "boamp", "place_code": "06", "authority_id": "200054807"})["departement"] == "13"


def test_unknown_buyer_keeps_the_notice_departement():
    assert locate({"source": "boamp", "place_code": "42", "authority_id": "24420059300014"}) == {
        "departement": "42", "commune": None, "siren": "244200593"}
    assert locate({"source": "boamp", "place_code": "13,84", "authority_id": None})["departement"] == "13"


def test_council_document_keeps_its_commune_even_fictional():
    assert locate({"source": "council", "place_code": "59512", "authority_id": "215905126"}) == {
        "departement": "59", "commune": "59512", "siren": "215905126"}
    # Valmont Agglomération (demo): its deliberations stay in the commune of the registry
    assert locate({"source": "council", "place_code": "99001", "authority_id": "249900112"}) == {
        "departement": "99", "commune": "99001", "siren": "249900112"}
    # a council known only by its SIREN finds its commune
    assert locate({"source": "council", "place_code": None, "authority_id": "213801855"})["commune"] == "38185"


def test_jorf_text_names_a_departement_or_a_commune():
    assert locate({"source": "jorf"}) == {"departement": None, "commune": None, "siren": None}
    title = "Décret du 2 novembre 2026 portant nomination du préfet de l'Hérault - M. Arnaud CLAVEL"
    assert locate({"source": "jorf", "title": title}) == {
        "departement": "34", "commune": None, "siren": None}
    assert named_places("Arrêté portant création d'un fichier dans le département des Alpes-Maritimes") == ("06", None)
    assert named_places("Arrêté autorisant les caméras de la commune de Saint-Étienne") == ("42", "42218")
    # an ambiguous commune name is kept only with its département
    assert named_places("Arrêté relatif à la commune de Saint-Martin")[1] is None
    assert named_places("Arrêté relatif à la commune de Bully, département de la Loire") == ("42", "42027")
    # words that are also département names are not enough (« Nord », « Var », « Ain »)
    assert named_places("Arrêté relatif au couloir aérien nord du Var") == (None, None)
    assert locate({"source": "jorf", "title": "Arrêté du 5 novembre 2026 relatif à la qualité de l'air"}) == {
        "departement": None, "commune": None, "siren": None}


def test_version_names_the_reference_data():
    assert "@etalab/decoupage-administratif@" in version()
