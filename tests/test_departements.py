"""The bundled tile grid: every département once, one square each, codes as INSEE writes them."""
from technoveille.core.departements import OVERSEAS, departements, names


def test_grid_has_the_101_departements_each_on_its_own_square():
    deps = departements()
    codes = [d.code for d in deps]
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"} | set(OVERSEAS)
    assert len(codes) == 101 and set(codes) == expected
    squares = [(d.ligne, d.colonne) for d in deps]
    assert len(set(squares)) == 101


def test_grid_roughly_follows_geography():
    pos = {d.code: (d.ligne, d.colonne) for d in departements()}
    assert pos["59"][0] < pos["75"][0] < pos["13"][0]      # Nord above Paris above Marseille
    assert pos["29"][1] < pos["75"][1] < pos["67"][1]      # Finistère left of Paris left of Strasbourg
    assert pos["2B"][0] < pos["2A"][0]                     # Haute-Corse above Corse-du-Sud
    assert names()["06"] == "Alpes-Maritimes" and names()["974"] == "La Réunion"
