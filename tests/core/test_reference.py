"""The bundled reference data (technoveille/core/data/, built by scripts/build_reference.py
from Etalab's découpage administratif) and its loader."""
import gzip
import hashlib
import importlib.util
import io
import json
import tarfile

from technoveille.core import reference
from tests.conftest import ROOT


def test_commune_by_insee_and_by_siren_or_siret():
    nice = reference.commune("06088")
    assert (nice.nom, nice.siren, nice.departement, nice.region, nice.epci) == (
        "Nice", "210600888", "06", "93", "200030195")
    assert reference.commune_by_siren("210600888") == nice
    assert reference.commune_by_siren("21060088800015") == nice      # a BOAMP buyer's SIRET
    assert reference.commune_by_siren("210 600 888") == nice
    assert reference.commune("2A004").nom == "Ajaccio"
    assert reference.commune("97411").departement == "974"
    assert reference.commune("99001") is None and reference.commune("abc") is None
    assert reference.commune(None) is None and reference.commune_by_siren("123") is None


def test_epci_of_a_commune_and_by_siren():
    assert reference.epci_of("06088").nom == "Métropole Nice Côte d'Azur"
    lyon = reference.epci_of("69123")
    assert (lyon.nom, lyon.type, lyon.departement) == ("Métropole de Lyon", "MET69", "69")
    grenoble = reference.epci("200040715")
    assert grenoble.nom == "Grenoble-Alpes-Métropole" and grenoble.membres == 49
    assert reference.epci("24420077000012").nom == "Saint-Étienne Métropole"   # a SIRET works
    assert reference.organisation("200030195").type == "METRO"
    assert reference.organisation("210600888").insee == "06088"
    assert reference.name_of_siren("999999999") is None


def test_departements_by_code():
    assert reference.departement_name("06") == "Alpes-Maritimes"
    assert reference.departement_name("6") == "Alpes-Maritimes"          # BOAMP writes « 6 »
    assert reference.departement("2B").nom == "Haute-Corse"
    assert reference.departement("974").region_nom == "La Réunion"
    assert reference.departement_name("99") is None
    assert len(reference.departements()) == reference.info()["counts"]["departements"] >= 101


def test_files_match_their_recorded_version_licence_and_checksums():
    meta = reference.info()
    assert meta["source"] == "@etalab/decoupage-administratif" and meta["licence"] == "MIT"
    assert reference.version() == f"@etalab/decoupage-administratif@{meta['version']}"
    for name, digest in meta["sha256"].items():
        raw = (reference.DATA / name).read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        assert hashlib.sha256(raw).hexdigest() == digest, name
    assert meta["counts"]["communes"] == len(reference.communes()) > 34000
    assert "Permission is hereby granted" in (reference.DATA / "LICENSE-decoupage-administratif.txt").read_text()


def _script():
    spec = importlib.util.spec_from_file_location("build_reference", ROOT / "scripts" / "build_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tarball(path):
    """A tiny package shaped like the npm one: two communes, one EPCI across two départements."""
    files = {
        "package.json": {"name": "@etalab/decoupage-administratif", "version": "0.0.1", "license": "MIT"},
        "data/communes.json": [
            {"code": "01001", "nom": "Aa", "type": "commune-actuelle", "departement": "01", "region": "84", "siren": "210100012"},
            {"code": "02001", "nom": "Bé", "type": "commune-actuelle", "departement": "02", "region": "32", "siren": "210200010"},
            {"code": "01002", "nom": "Old", "type": "commune-deleguee", "departement": "01", "region": "84"}],
        "data/epci.json": [{"code": "200000001", "nom": "CC Test", "type": "CC", "membres": [
            {"code": "01001", "populationMunicipale": 10}, {"code": "02001", "populationMunicipale": 500}]}],
        "data/ept.json": [],
        "data/regions.json": [{"code": "84", "nom": "Auvergne-Rhône-Alpes"}, {"code": "32", "nom": "Hauts-de-France"}],
        "data/departements.json": [{"code": "01", "nom": "Ain", "region": "84"}, {"code": "02", "nom": "Aisne", "region": "32"}],
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, content in list(files.items()) + [("LICENSE", "MIT License")]:
            data = content.encode() if isinstance(content, str) else json.dumps(content).encode()
            info = tarfile.TarInfo("package/" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_build_script_offline_from_a_tarball_is_deterministic(tmp_path):
    script = _script()
    tarball = _tarball(tmp_path / "pkg.tgz")
    out = tmp_path / "out"
    assert script.main(["--tarball", str(tarball), "--out", str(out)]) == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    communes = gzip.decompress(first["communes.csv.gz"]).decode().splitlines()
    assert communes == ["insee,nom,siren,departement,region,epci",
                        "01001,Aa,210100012,01,84,200000001", "02001,Bé,210200010,02,32,200000001"]
    # the EPCI's main département is where most of its inhabitants live
    assert gzip.decompress(first["epci.csv.gz"]).decode().splitlines()[1] == \
        "200000001,CC Test,CC,02,01 02,2"
    assert json.loads(first["reference.json"])["version"] == "0.0.1"
    script.main(["--tarball", str(tarball), "--out", str(out)])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
