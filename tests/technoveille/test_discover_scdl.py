import yaml

from scrapers.parsers.council.registry import load
from tests.conftest import run_cli


def test_discover_scdl_writes_reviewable_registry(tv_env, tmp_path):
    out = tmp_path / "candidates.yml"
    proc = run_cli(["discover-scdl", "-o", str(out)], tv_env)
    assert "2 jeu(x)" in proc.stdout
    entries = yaml.safe_load(out.read_text(encoding="utf-8"))["councils"]
    assert [e["id"] for e in entries] == ["commune-de-fontclair", "syndicat-intercommunal-du-val-d-argent"]
    fontclair = entries[0]
    # the most recent SCDL resource, the SIRET of the organisation, left disabled for review
    assert fontclair["url"].endswith("/councils/fontclair/deliberations.csv")
    assert fontclair["siret"] == "21990002100017" and fontclair["enabled"] is False
    assert entries[1]["format"] == "json"
    councils = load(out)                      # candidates are valid registry entries
    assert {c.siren for c in councils} == {"219900021", None}


def test_discover_scdl_unreachable_api(tv_env, tmp_path):
    env = dict(tv_env, DATAGOUV_API_URL="http://127.0.0.1:9/api/1")
    proc = run_cli(["discover-scdl", "-o", str(tmp_path / "x.yml")], env, check=False)
    assert proc.returncode == 1 and "injoignable" in proc.stderr
