from technoveille.core.places import departement_of_insee, locate, siren_of


def test_siren_of_siret_siren_and_junk():
    assert siren_of("21060088800015") == "210600888"
    assert siren_of("210 600 888") == "210600888"
    assert siren_of("2106008880001") is None and siren_of(None) is None and siren_of("n/a") is None


def test_departement_of_insee():
    assert departement_of_insee("06088") == "06"
    assert departement_of_insee("2A004") == "2A"
    assert departement_of_insee("97411") == "974"
    assert departement_of_insee("0608") is None


def test_locate_per_source():
    assert locate({"source": "boamp", "place_code": "06", "authority_id": "21060088800015"}) == {
        "departement": "06", "commune": None, "siren": "210600888"}
    assert locate({"source": "council", "place_code": "59512", "authority_id": "215905126"}) == {
        "departement": "59", "commune": "59512", "siren": "215905126"}
    assert locate({"source": "jorf"}) == {"departement": None, "commune": None, "siren": None}
