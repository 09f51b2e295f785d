"""Scraped text stays text: a council document whose title and text carry <script>,
<img onerror> and <iframe> (replay corpus: Fontclair délibération 2026_016) renders inert on
every page; a Content-Security-Policy on every response; nothing private in /-/*.json."""
import base64
import hashlib
import json
import re

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT

HOSTILE = "council:fontclair-ville:2026_016"
ESCAPED_PAGES = [f"/document/{HOSTILE}",
                 "/technoveille/recherche?q=vid%C3%A9oprotection",
                 "/technoveille/signalements?source=council",
                 "/technoveille/occurrences_recentes",
                 f"/technoveille/documents/{HOSTILE.replace(':', '~3A')}",
                 "/technoveille/documents?source=council",
                 f"/technoveille/hits?document_id={HOSTILE}",
                 "/technoveille/flux?source=council"]


def assert_inert(html, path):
    doc = BeautifulSoup(html, "html.parser")
    for script in doc.find_all("script"):
        assert "alert" not in (script.string or "") and "alert" not in script.get("src", ""), path
    assert not doc.select('img[src="x"]') and not doc.find_all("iframe"), path
    assert not [t for t in doc.find_all(True) if any(a.startswith("on") for a in t.attrs)], path


def test_the_inertness_check_catches_live_markup():
    for live in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b onclick=x>b</b>",
                 '<iframe src="javascript:alert(3)"></iframe>'):
        with pytest.raises(AssertionError):
            assert_inert(f"<p>{live}</p>", "test")


async def test_the_hostile_document_is_in_the_demo(demo_db):
    title, text, flagged = demo_db.execute("select title, text, flagged from documents where id = ?",
                                           [HOSTILE]).fetchone()
    assert "<script>alert('titre')</script>" in title and "<img src=x onerror=alert(1)>" in title
    assert "<iframe" in text and flagged == 1


@pytest.mark.parametrize("path", ESCAPED_PAGES)
async def test_scraped_markup_is_escaped(demo_ds, path):
    r = await demo_ds.client.get(path)
    assert r.status_code == 200, path
    assert_inert(r.text, path)
    assert "&lt;script&gt;alert(" in r.text or "&lt;img src=x" in r.text, "the markup shows as text"


async def test_hostile_title_reads_as_text_on_its_page(demo_ds):
    r = await demo_ds.client.get(f"/document/{HOSTILE}")
    doc = BeautifulSoup(r.text, "html.parser")
    assert "<script>alert('titre')</script>" in doc.h1.get_text()
    assert "<img src=x onerror=alert(1)>" in doc.title.get_text()
    assert "<iframe" in doc.select_one(".document-text").get_text()


async def test_atom_feed_escapes_scraped_markup(demo_ds):
    r = await demo_ds.client.get("/technoveille/flux.atom?source=council")
    assert "DCM 2026-016" in r.text
    assert "<script>" not in r.text and "<img" not in r.text


def script_src(policy):
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


@pytest.mark.parametrize("path", ["/", f"/document/{HOSTILE}", "/technoveille/recherche?q=drone",
                                  "/technoveille", "/technoveille/documents",
                                  "/technoveille?sql=select+1", "/technoveille/signalements",
                                  "/a-propos", "/document/inconnu"])
async def test_csp_on_every_page_allows_only_its_own_inline_scripts(demo_ds, path):
    r = await demo_ds.client.get(path)
    policy = r.headers["content-security-policy"]
    directives = script_src(policy)
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["img-src"] == "'self' data:" and directives["frame-ancestors"] == "'none'"
    scripts = directives["script-src"].split()
    assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:])
    bodies = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    assert bodies, "every page has Datasette's menu script: it must be allowed by its hash"
    if "sql=" in path:
        assert len(bodies) >= 2  # and the SQL editor's
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts, (path, body[:80])
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_archive_keeps_its_sandbox_policy(demo_ds, demo_db):
    sha = demo_db.execute("select sha256 from documents where id = ?", [HOSTILE]).fetchone()[0]
    r = await demo_ds.client.get(f"/-/archive/{sha}")
    assert r.status_code == 200 and r.headers["content-security-policy"] == "sandbox"


async def test_no_database_download(demo_ds):
    r = await demo_ds.client.get("/technoveille.db")
    assert r.status_code in (403, 404) and not r.content.startswith(b"SQLite format 3")
    page = await demo_ds.client.get("/technoveille")
    assert "technoveille.db" not in page.text
    assert demo_ds.setting("allow_download") is False


@pytest.mark.parametrize("path", ["/-/metadata.json", "/-/databases.json", "/-/settings.json",
                                  "/-/plugins.json", "/-/versions.json", "/-/databases"])
async def test_introspection_reveals_no_path_nor_private_database(demo_ds, demo_published, path):
    r = await demo_ds.client.get(path)
    assert r.status_code == 200
    text = r.text
    for secret in (str(ROOT), str(demo_published["db"].parent), "/tmp/", "/home/", "/root"):
        assert secret not in text, (path, secret)
    assert '"path"' not in text and "private" not in text.lower()


async def test_databases_json_lists_the_public_database_only(demo_ds):
    rows = (await demo_ds.client.get("/-/databases.json")).json()
    assert [row["name"] for row in rows] == ["technoveille"]
    assert rows[0]["is_mutable"] is False and "path" not in rows[0]
    assert json.dumps(rows).count("/") == 0
