"""Every site address and every SQL example of the README works on the demo database."""
import re

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SITE_PREFIXES = ("/technoveille", "/document/", "/dossier", "/graphiques", "/a-propos", "/-/")
PATHS = sorted({p for p in re.findall(r"`(/[^`\s]*)`", README)
                if p == "/" or p.startswith(SITE_PREFIXES)})
SQL = re.findall(r"```sql\n(.*?)```", README, re.S)


def test_the_readme_has_examples_to_check():
    assert len(PATHS) >= 15 and "/document/boamp:26-120012" in PATHS
    assert len(SQL) >= 5


@pytest.mark.parametrize("path", PATHS)
async def test_readme_address_works_on_the_demo(demo_ds, demo_db, path):
    if "<sha256>" in path:
        path = path.replace("<sha256>", demo_db.execute(
            "select sha256 from documents where sha256 is not null limit 1").fetchone()[0])
    r = await demo_ds.client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    kind = r.headers.get("content-type", "")
    if ".atom" in path:
        assert "<feed" in r.text and "<entry>" in r.text
    elif ".csv" in path:
        assert "," in r.text.splitlines()[0]
    elif ".json" in path:
        assert r.json() and "error" not in str(r.json())[:200].lower()
    elif "text/html" in kind:
        title = re.search(r"<title>(.*?)</title>", r.text, re.S).group(1)
        assert "message-error" not in r.text and "introuvable" not in title.lower()
        assert 'lang="fr"' in r.text


@pytest.mark.parametrize("sql", SQL, ids=[s.splitlines()[0][:60] for s in SQL])
async def test_readme_sql_example_runs_on_the_demo(demo_ds, sql):
    r = await demo_ds.client.get("/technoveille.json", params={"sql": sql, "_shape": "objects"})
    data = r.json()
    assert r.status_code == 200 and data["ok"], data.get("error")
    assert data["rows"], "an example that returns nothing on the demo teaches nothing"
