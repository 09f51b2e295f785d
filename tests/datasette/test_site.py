"""The public site through Datasette's own client: French metadata, FTS without accents,
hits with highlighted snippets, canned queries, Atom feed, archive route, no download."""

import pytest
import yaml
from datasette.app import Datasette

from tests.conftest import ROOT


@pytest.fixture
async def ds(published, monkeypatch):
    monkeypatch.setenv("TECHNOVEILLE_ARCHIVE", str(published["archive"]))
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    inst = Datasette(immutables=[str(published["db"])], metadata=metadata,
                     plugins_dir=str(ROOT / "datasette" / "plugins"),
                     template_dir=str(ROOT / "datasette" / "templates"),
                     static_mounts=[("static", str(ROOT / "datasette" / "static"))],
                     settings={"allow_download": False, "suggest_facets": False})
    await inst.invoke_startup()
    return inst


async def test_index_is_in_french_with_licence(ds):
    r = await ds.client.get("/")
    assert r.status_code == 200
    assert "technologies de surveillance" in r.text
    assert "Licence Ouverte / etalab-2.0" in r.text


async def test_whole_database_download_is_off(ds):
    r = await ds.client.get("/technoveille.db")
    assert r.status_code in (403, 404)
    assert not r.content.startswith(b"SQLite format 3")


async def test_search_ignores_accents(ds, snapshot):
    expected = {row[0] for row in snapshot.execute(
        "select title from documents where text like '%vidéoprotection%' or title like '%vidéoprotection%'")}
    assert expected, "the replay corpus must contain vidéoprotection notices"
    r = await ds.client.get("/technoveille/documents.json?_search=videoprotection&_shape=array&_size=max")
    titles = {row["title"] for row in r.json()}
    assert expected <= titles


async def test_signalements_lists_flagged_boamp_documents(ds, snapshot):
    flagged = snapshot.execute(
        "select title from documents where flagged = 1 and source = 'boamp' order by published_on desc limit 3"
    ).fetchall()
    assert flagged
    r = await ds.client.get("/technoveille/signalements")
    assert r.status_code == 200
    for (title,) in flagged:
        assert title.split("&")[0][:40] in r.text.replace("&#39;", "'").replace("&amp;", "&")
    unflagged = snapshot.execute(
        "select id from documents where flagged = 0 and source = 'boamp' limit 1").fetchone()
    data = (await ds.client.get("/technoveille/signalements.json?_shape=array")).json()
    assert unflagged[0] not in {row["document"] for row in data}


async def test_hits_show_highlighted_snippets_with_their_documents(ds, snapshot):
    hit = snapshot.execute("select id, document_id, snippet, term from hits limit 1").fetchone()
    r = await ds.client.get(f"/technoveille/hits/{hit['id']}")
    assert r.status_code == 200
    assert "<mark>" in r.text
    assert hit["document_id"] in r.text  # the foreign key links to its document
    r = await ds.client.get("/technoveille/occurrences_recentes")
    assert "<mark>" in r.text


async def test_snippet_html_is_escaped(ds):
    from datasette.plugins import pm

    cells = pm.hook.render_cell(value="<script>x</script> [[drone]]", column="snippet",
                                table="hits", database="technoveille", datasette=ds, row={},
                                request=None, value_type=None, pks=None, column_type=None)
    html = [str(c) for c in cells if c][0]
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>drone</mark>" in html


async def test_atom_feed_has_flagged_documents(ds, snapshot):
    r = await ds.client.get("/technoveille/flux.atom")
    assert r.status_code == 200
    assert "<entry>" in r.text
    title = snapshot.execute(
        "select title from documents where flagged = 1 order by published_on desc, id limit 1").fetchone()[0]
    assert title[:30].replace("&", "&amp;").replace("'", "&#39;")[:20] in r.text or title[:20] in r.text


async def test_fold_function_for_analysts(ds):
    r = await ds.client.get("/technoveille.json", params={
        "sql": "select count(*) as n from documents where fold(text) like '%videoprotection%'",
        "_shape": "array"})
    assert r.json()[0]["n"] > 0


async def test_archive_route_serves_raw_copy(ds, snapshot):
    sha = snapshot.execute("select sha256 from documents where sha256 is not null limit 1").fetchone()[0]
    r = await ds.client.get(f"/-/archive/{sha}")
    assert r.status_code == 200
    import hashlib
    assert hashlib.sha256(r.content).hexdigest() == sha
    assert "total_count" in r.text  # a BOAMP API page
    assert (await ds.client.get("/-/archive/" + "0" * 64)).status_code == 404


async def test_source_health_query(ds):
    r = await ds.client.get("/technoveille/etat_des_sources.json?_shape=array")
    rows = r.json()
    boamp = [row for row in rows if row["source"] == "boamp"][0]
    assert boamp["documents_en_base"] > 100 and boamp["resultat"] == "finished"
    assert (boamp["statut"], boamp["raison_echec"]) == ("ok", None)


async def test_source_state_says_what_the_operators_hear(published, tmp_path):
    """The état des sources page and `alerts health` share technoveille.core.health: a source
    whose last run reached nobody is « en échec », with the reason."""
    import shutil
    import sqlite3

    from tests.datasette.conftest import open_site

    db = tmp_path / "technoveille.db"
    shutil.copy(published["db"], db)
    con = sqlite3.connect(db)
    con.execute("insert into crawl_runs (source, args, started_at, finished_at, finish_reason, "
                "documents_seen, errors, requests, responses) values ('boamp', '{}', "
                "'2026-12-07T06:00:00+00:00', '2026-12-07T06:01:00+00:00', 'finished', 0, 9, "
                "9, 0)")
    con.commit()
    con.close()
    site = await open_site(db)
    rows = (await site.client.get("/technoveille/etat_des_sources.json?_shape=array")).json()
    boamp = [row for row in rows if row["source"] == "boamp"][0]
    assert boamp["etat"] == "en échec"
    assert "la dernière collecte a échoué : aucune réponse (9 requêtes, 9 erreurs)" in \
        boamp["probleme"]
    page = (await site.client.get("/technoveille/etat_des_sources")).text
    assert "en échec" in page and "aucune réponse" in page
    healthy = await open_site(published["db"])
    rows = (await healthy.client.get("/technoveille/etat_des_sources.json?_shape=array")).json()
    assert {row["etat"] for row in rows} == {"normal"} and {row["probleme"] for row in rows} == {None}


async def test_crawl_errors_are_published(ds):
    r = await ds.client.get("/technoveille/crawl_errors.json?_shape=array")
    reasons = {row["reason"] for row in r.json()}
    assert any("invalid-json-page" in x for x in reasons)


async def test_document_cells_link_to_the_document_page(ds, snapshot):
    doc_id = snapshot.execute("select id from documents where flagged = 1 limit 1").fetchone()[0]
    r = await ds.client.get("/technoveille/signalements")
    assert f'href="/document/{doc_id}"' in r.text
    encoded = doc_id.replace(":", "~3A")
    page = await ds.client.get(f"/technoveille/documents/{encoded}")
    assert page.status_code == 200


async def test_about_page_in_french(ds):
    r = await ds.client.get("/a-propos")
    assert r.status_code == 200
    assert "Citer une source" in r.text and "/-/archive/" in r.text


async def test_stylesheet_is_served_and_linked(ds):
    page = await ds.client.get("/")
    assert "/static/technoveille.css" in page.text
    css = await ds.client.get("/static/technoveille.css")
    assert css.status_code == 200 and "mark" in css.text


async def test_document_page_reads_like_a_document(ds, snapshot):
    doc = snapshot.execute(
        "select d.id, d.title, d.url, d.sha256 from documents d where d.flagged = 1 and d.matched = 1 "
        "and d.source = 'boamp' and exists (select 1 from hits h where h.document_id = d.id "
        "and h.part_label like 'Lot%') limit 1").fetchone()
    r = await ds.client.get(f"/document/{doc['id']}")
    assert r.status_code == 200
    import html
    text = html.unescape(r.text)
    assert doc["title"] in text and doc["url"] in text
    assert f"/-/archive/{doc['sha256']}" in r.text
    assert "<mark>" in r.text and "Lot" in text
    assert "Texte intégral" in text
    missing = await ds.client.get("/document/boamp:nope")
    assert missing.status_code == 404


async def test_document_page_shows_links_both_ways(ds, snapshot):
    link = snapshot.execute("select document_id, target_id from links l join documents t "
                            "on t.id = l.target_id limit 1").fetchone()
    r = await ds.client.get(f"/document/{link['target_id']}")
    assert f'href="/document/{link["document_id"]}"' in r.text


async def test_atom_feed_filters_by_source(ds, snapshot):
    r = await ds.client.get("/technoveille/flux.atom?source=jorf&theme=")
    assert r.status_code == 200  # this snapshot has BOAMP only: a valid feed with one notice
    assert r.text.count("<entry>") == 1 and "Aucun document signalé" in r.text
    r = await ds.client.get("/technoveille/flux.atom?source=boamp&theme=video")
    assert "<entry>" in r.text


async def test_search_page_without_query_or_with_junk_shows_no_error(ds):
    for url in ("/technoveille/recherche", "/technoveille/recherche?q=%22vid%C3%A9o",
                "/technoveille/recherche?q=l%27%C5%93uvre+OR"):
        r = await ds.client.get(url)
        assert r.status_code == 200 and "message-error" not in r.text, url
    r = await ds.client.get("/technoveille/recherche.json?q=vid%C3%A9o-protection&_shape=array")
    assert r.json(), "« vidéo-protection » typed with its hyphen still finds documents"
