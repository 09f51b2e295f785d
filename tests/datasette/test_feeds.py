"""Atom feeds (/technoveille/flux.atom) on the whole demo corpus, parsed as XML: the entries of
each filter are the flagged documents SQL says, ids and dates survive a re-crawl and an
update, links go to our document pages, bad filters give a valid feed and never a 500."""
import json
import shutil
from datetime import datetime
from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree

from tests.conftest import dict_rows, run_cli
from tests.datasette.conftest import crawl_demo, open_site

ATOM = "{http://www.w3.org/2005/Atom}"
TAG = "tag:technoveille,2026:document/"
EMPTY = "tag:technoveille,2026:flux-vide"


rows = dict_rows


def themes_by_document(db):
    """Themes of each flagged document, computed here the long way: its own, plus those of
    the documents it is linked to in either direction."""
    own = {r["id"]: set(json.loads(r["themes"] or "[]"))
           for r in rows(db, "select id, themes from documents")}
    flagged = {r["id"] for r in rows(db, "select id from documents where flagged = 1")}
    out = {d: set(own[d]) for d in flagged}
    for link in rows(db, "select document_id, target_id from links"):
        a, b = link["document_id"], link["target_id"]
        if a in out and b in own:
            out[a] |= own[b]
        if b in out and a in own:
            out[b] |= own[a]
    return out


async def feed(ds, **params):
    r = await ds.client.get("/technoveille/flux.atom" + ("?" + urlencode(params) if params else ""))
    assert r.status_code == 200, (params, r.text[:500])
    assert r.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(r.content)
    assert root.tag == ATOM + "feed" and root.find(ATOM + "updated") is not None
    entries = []
    for e in root.findall(ATOM + "entry"):
        entries.append({"id": e.findtext(ATOM + "id"), "title": e.findtext(ATOM + "title"),
                        "updated": e.findtext(ATOM + "updated"),
                        "link": e.find(ATOM + "link").get("href"),
                        "content": e.findtext(ATOM + "content"),
                        "author": e.findtext(f"{ATOM}author/{ATOM}name")})
    return entries


def ids(entries):
    return {e["id"][len(TAG):] for e in entries if e["id"].startswith(TAG)}


@pytest.fixture
async def demo_ds(demo_published):
    return await open_site(demo_published["db"])


async def test_feed_entries_per_filter_are_the_flagged_documents_sql_finds(demo_ds, demo_published):
    db = demo_published["db"]
    flagged = {r["id"] for r in rows(db, "select id from documents where flagged = 1")}
    by_theme = themes_by_document(db)
    one = rows(db, "select departement, commune, siren from documents where flagged = 1 "
                   "and commune is not null and siren is not null order by id limit 1")[0]
    siret = rows(db, "select authority_id from documents where flagged = 1 and length(authority_id) = 14 "
                     "order by id limit 1")[0]["authority_id"]
    cases = {
        (): flagged,
        (("theme", "drones"),): {d for d, t in by_theme.items() if "drones" in t},
        (("theme", "video"), ("source", "council")):
            {d for d, t in by_theme.items() if "video" in t and d.startswith("council:")},
        (("terme", "drone"),): {r["document_id"] for r in rows(
            db, "select h.document_id from hits h join documents d on d.id = h.document_id "
                "where d.flagged = 1 and h.term = 'drone' and h.negated = 0")},
        # a word as found, under the vocabulary's prefix term « vidéoprot* »
        (("terme", "Vidéoprotection"),): {r["document_id"] for r in rows(
            db, "select h.document_id from hits h join documents d on d.id = h.document_id "
                "where d.flagged = 1 and h.term = 'vidéoprot*' and h.negated = 0")},
        (("source", "jorf"),): {d for d in flagged if d.startswith("jorf:")},
        (("departement", "06"),): {r["id"] for r in rows(
            db, "select id from documents where flagged = 1 and departement = '06'")},
        (("departement", one["departement"]),): {r["id"] for r in rows(
            db, "select id from documents where flagged = 1 and departement = ?", [one["departement"]])},
        (("commune", one["commune"]),): {r["id"] for r in rows(
            db, "select id from documents where flagged = 1 and commune = ?", [one["commune"]])},
        (("acheteur", one["siren"]),): {r["id"] for r in rows(
            db, "select id from documents where flagged = 1 and siren = ?", [one["siren"]])},
        (("acheteur", siret),): {r["id"] for r in rows(
            db, "select id from documents where flagged = 1 and siren = ?", [siret[:9]])},
    }
    sizes = {}
    for params, expected in cases.items():
        assert expected, f"the demo corpus should hold documents for {params}"
        got = ids(await feed(demo_ds, **dict(params)))
        assert got == expected, params
        sizes[params] = len(got)
    # the filters do filter: fewer entries than the whole feed, and not all the same
    assert all(n < sizes[()] for p, n in sizes.items() if p)
    assert len(set(sizes.values())) > 3


async def test_entries_link_to_our_document_page_with_stable_id_and_first_seen(demo_ds, demo_published):
    db = demo_published["db"]
    docs = {r["id"]: r for r in rows(db, "select id, title, doc_type, first_seen, url from documents "
                                         "where flagged = 1")}
    entries = await feed(demo_ds)
    assert len(entries) == len(docs)
    for e in entries:
        doc_id = e["id"][len(TAG):]
        d = docs[doc_id]
        assert e["id"] == TAG + doc_id
        updated = datetime.fromisoformat(e["updated"])
        assert updated.tzinfo is not None and updated == datetime.fromisoformat(d["first_seen"])
        assert e["link"] == f"http://localhost/document/{doc_id}"   # ours, not the official page
        assert d["title"] in e["title"] and d["url"] in e["content"]
    # newest first, by first collection
    seen = [datetime.fromisoformat(e["updated"]) for e in entries]
    assert seen == sorted(seen, reverse=True)
    # the link answers with that document's page
    page = await demo_ds.client.get(entries[0]["link"].removeprefix("http://localhost"))
    assert page.status_code == 200 and docs[entries[0]["id"][len(TAG):]]["title"][:30] in page.text


async def test_site_url_setting_makes_links_absolute_on_the_public_address(demo_ds, monkeypatch):
    monkeypatch.setenv("TECHNOVEILLE_SITE_URL", "https://veille.example.org/")
    entries = await feed(demo_ds, source="council")
    assert entries and all(e["link"].startswith("https://veille.example.org/document/council:")
                           for e in entries)


@pytest.mark.parametrize("params", [
    {"theme": "inconnu"}, {"departement": "zz"}, {"terme": "x" * 10_000}, {"commune": "<script>"},
    {"acheteur": "abc"}, {"acheteur": "1" * 40}, {"source": "boamp", "departement": "974"},
    {"theme": "'; drop table documents; --"}, {"terme": "\"vidéo"}, {"departement": "\x00"},
])
async def test_bad_filters_give_a_valid_empty_feed(demo_ds, params):
    entries = await feed(demo_ds, **params)
    assert [e["id"] for e in entries] == [EMPTY]
    assert "Aucun document signalé" in entries[0]["title"]


async def test_ids_and_dates_survive_a_recrawl_and_an_update(demo_published, tmp_path):
    """Re-crawl the councils on a copy of the database, then update one flagged document the
    way the store does (pipelines.db.upsert_document): same ids, same <updated>, new title;
    a title with markup and a control character stays text in valid XML."""
    from pipelines.db import upsert_document
    from technoveille.core.db import connect, stored_document

    before = {e["id"]: e for e in await feed(await open_site(demo_published["db"]))}
    shutil.copy(demo_published["working"], tmp_path / "tv.db")
    env = dict(demo_published["env"], TECHNOVEILLE_DB=str(tmp_path / "tv.db"),
               TECHNOVEILLE_PUBLIC_DB=str(tmp_path / "public" / "technoveille.db"),
               TECHNOVEILLE_ARCHIVE=str(tmp_path / "archive"))
    crawl_demo(env, demo_published["spider_args"], sources=["council"])
    target = sorted(i for i in before if i.startswith(TAG + "boamp:"))[0][len(TAG):]
    db = connect(tmp_path / "tv.db")
    doc = stored_document(db, target)
    doc["title"] = "Avenant <script>alert(1)</script>\x0c <img src=x onerror=alert(2)> & co"
    with db.conn:
        assert upsert_document(db, doc) == "updated"
    db.close()
    run_cli(["publish"], env)
    ds = await open_site(tmp_path / "public" / "technoveille.db")
    r = await ds.client.get("/technoveille/flux.atom")
    assert b"<script" not in r.content and b"<img" not in r.content
    after = {e["id"]: e for e in await feed(ds)}
    assert after.keys() == before.keys()
    assert all(after[i]["updated"] == before[i]["updated"] for i in before)
    assert after[TAG + target]["title"].endswith(
        "Avenant <script>alert(1)</script>  <img src=x onerror=alert(2)> & co")
    assert after[TAG + target]["title"] != before[TAG + target]["title"]


async def test_signalements_page_links_its_feed_with_its_filters(demo_ds):
    r = await demo_ds.client.get("/technoveille/signalements?theme=video&source=&departement=06")
    assert r.status_code == 200
    href = "/technoveille/flux.atom?theme=video&amp;departement=06"
    assert f'<link rel="alternate" type="application/atom+xml" title="technoveille — documents signalés" href="{href}">' in r.text
    assert f'<a href="{href}">S\'abonner à ces signalements (flux Atom)</a>' in r.text
    r = await demo_ds.client.get("/technoveille/signalements")
    assert '<a href="/technoveille/flux.atom">S\'abonner' in r.text
