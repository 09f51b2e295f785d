from datetime import date
from pathlib import Path

import pytest

from scrapers.parsers.council.registry import DEFAULT_FILE, RegistryError, load

TODAY = date(2026, 4, 1)


def write(tmp_path, text):
    path = tmp_path / "councils.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_seed_registry_is_valid_and_covers_the_campaign_cities():
    councils = {c.id: c for c in load(DEFAULT_FILE, today=TODAY)}
    names = " ".join(c.name for c in councils.values())
    for city in ("Marseille", "Nice", "Saint-Étienne", "Avignon", "Rennes", "Toulouse", "Paris",
                 "Montpellier"):
        assert city in names
    assert "Saint-Étienne Métropole" in names and "Rennes Métropole" in names
    rennes = councils["rennes-ville"]
    assert rennes.kind == "scdl" and rennes.siren == "213502388" and rennes.verify_tls is False
    assert all(c.verified is False for c in councils.values() if c.kind == "site")


def test_short_entry_with_years_and_env(tmp_path, monkeypatch):
    monkeypatch.setenv("MY_BASE", "https://ville.example")
    path = write(tmp_path, """
councils:
  - id: exemple
    name: Ville d'Exemple
    insee: "99123"
    siret: "21990123400010"
    kind: site
    url: ${MY_BASE}/pv-{year}
    years: 2
    documents: {item: details, title: "summary::text", types: [procès-verbal]}
""")
    (c,) = load(path, today=TODAY)
    assert c.urls == ["https://ville.example/pv-2025", "https://ville.example/pv-2026"]
    assert c.siren == "219901234" and c.robots is True and c.documents.types == ["procès-verbal"]


@pytest.mark.parametrize("entry, where", [
    ("  - {id: a, name: A, kind: ftp, url: 'http://a'}", "kind"),
    ("  - {id: a, name: A, kind: site}", "url"),
    ("  - {id: A B, name: A, kind: site, url: 'http://a'}", "id"),
    ("  - {id: a, name: A, kind: site, url: 'http://a', insee: '123'}", "insee"),
    ("  - {id: a, name: A, kind: site, url: 'http://a/{year}'}", "years"),
    ("  - {id: a, name: A, kind: site, url: 'http://a', documents: {item: 'li[['}}", "documents.item"),
    ("  - {id: a, name: A, kind: site, url: 'http://a', documents: {types: [minutes]}}", "documents.types"),
    ("  - {id: a, name: A, kind: site, url: 'http://a', colour: red}", "colour"),
    ("  - {id: a, name: A, kind: site, url: 'http://a', robots: 'oui'}", "robots"),
])
def test_clear_errors(tmp_path, entry, where):
    path = write(tmp_path, "councils:\n" + entry + "\n")
    with pytest.raises(RegistryError) as exc:
        load(path, today=TODAY)
    assert where in str(exc.value) and "ligne 2" in str(exc.value)


def test_duplicate_ids_and_bad_yaml(tmp_path):
    path = write(tmp_path, "councils:\n  - {id: a, name: A, kind: site, url: 'http://a'}\n"
                           "  - {id: a, name: B, kind: site, url: 'http://b'}\n")
    with pytest.raises(RegistryError, match="double"):
        load(path)
    with pytest.raises(RegistryError, match="YAML invalide"):
        load(write(tmp_path, "councils:\n  - id: [\n"))
    with pytest.raises(RegistryError, match="illisible"):
        load(Path(tmp_path / "absent.yml"))
