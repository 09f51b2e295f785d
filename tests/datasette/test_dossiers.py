"""Dossiers per commune and per buyer (/dossier/commune/<insee>, /dossier/acheteur/<siren>,
/dossiers) through Datasette's own client, on a snapshot built the real way: the BOAMP crawl
of the shared fixture, aged as if stored before the reference data existed, then a council
crawl of Nice (a real commune, also a BOAMP buyer of the replay) and Fontclair (fictional),
which relocates the older documents at its start, and `technoveille publish`."""
import re
import shutil
import sqlite3

import pytest
import yaml
from datasette.app import Datasette

from tests.conftest import ROOT, run_cli

HOSTILE = "<script>alert(1)</script> Vidéoprotection <img src=x onerror=alert(2)>"


@pytest.fixture(scope="session")
def dossier_db(published, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dossiers")
    work = tmp / "tv.db"
    shutil.copy(published["env"]["TECHNOVEILLE_DB"], work)
    conn = sqlite3.connect(work)
    with conn:   # as stored before this change: no commune for a buyer, an older version
        conn.execute("update documents set commune = null, siren = null")
        conn.execute("update state set value = 'places-1' where key = 'places_version'")
    conn.close()
    env = dict(published["env"], TECHNOVEILLE_DB=str(work),
               TECHNOVEILLE_PUBLIC_DB=str(tmp / "public" / "technoveille.db"))
    run_cli(["crawl", "council", "-a", "city=nice-ville,fontclair-ville"], env)
    from pipelines import db as dbm
    from technoveille.core.db import connect

    db = connect(work)
    with db.atomic():   # a hostile document, written by the store's own code
        dbm.upsert_document(db, {"id": "council:hostile:1", "source": "council",
                                 "source_id": "hostile:1", "title": HOSTILE, "text": HOSTILE,
                                 "authority": "<b>Mairie</b>", "place_name": "<i>Ville</i>",
                                 "place_code": "99004", "doc_type": "délibération",
                                 "published_on": "2026-10-01"})
        db.execute("update documents set matched = 1 where id = 'council:hostile:1'")
        dbm.propagate_flags(db)
    db.close()
    run_cli(["publish"], env)
    return tmp / "public" / "technoveille.db"


@pytest.fixture
async def ds(dossier_db):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    inst = Datasette(immutables=[str(dossier_db)], metadata=metadata,
                     plugins_dir=str(ROOT / "datasette" / "plugins"),
                     template_dir=str(ROOT / "datasette" / "templates"),
                     settings={"allow_download": False, "suggest_facets": False})
    await inst.invoke_startup()
    return inst


def rows(db, sql, args=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def section(html, start, end="</table>"):
    """The text of a page from heading `start` to the end of the table after it."""
    i = html.index(start)
    return html[i:html.index(end, i)]


async def test_older_boamp_documents_were_relocated_at_crawl_start(dossier_db):
    assert rows(dossier_db, "select id, commune, siren from documents where id = 'boamp:26-120011'") == [
        ("boamp:26-120011", "06088", "210600888")]


async def test_commune_dossier_holds_boamp_and_council_documents_flagged_first(ds, dossier_db):
    expected = rows(dossier_db, "select id, title, source, flagged from documents where commune = '06088'")
    assert {r[2] for r in expected} == {"boamp", "council"}
    r = await ds.client.get("/dossier/commune/06088")
    assert r.status_code == 200
    html = r.text
    assert "<h1>Dossier : Nice</h1>" in html
    assert "Alpes-Maritimes" in html and "Métropole Nice Côte d&#39;Azur" in html
    flagged = section(html, "<h2>Documents signalés (3)</h2>")
    others = section(html, "<h2>Autres documents (1)</h2>")
    assert html.index("Documents signalés") < html.index("Autres documents")
    for doc_id, title, source, is_flagged in expected:
        part = flagged if is_flagged else others
        assert f'<a href="/document/{doc_id}">' in part, doc_id
    # both sources in the flagged part, with their themes; the tender after the deliberation
    assert "BOAMP (marchés publics)" in flagged and "Conseil municipal ou communautaire" in flagged
    assert flagged.count("Vidéosurveillance, VSA et lecture de plaques") == 2
    assert "avis lié à un document signalé" in flagged      # the award, flagged through its link
    assert flagged.index("2026-11-04") < flagged.index("2026-11-02") < flagged.index("2026-10-12")
    assert "Subvention au festival du livre" in others
    assert 'href="/technoveille/flux.atom?commune=06088"' in html
    assert 'href="/dossier/acheteur/210600888"' in html and 'href="/dossier/acheteur/200030195"' in html


async def test_buyer_dossier_by_siren_and_by_siret(ds):
    r = await ds.client.get("/dossier/acheteur/210600888")
    assert r.status_code == 200
    assert "<h1>Dossier : Ville de Nice</h1>" in r.text
    assert "Documents signalés (3)" in r.text and "Extension et maintenance du système" in r.text
    assert 'href="/dossier/commune/06088"' in r.text
    assert 'href="/technoveille/flux.atom?acheteur=210600888"' in r.text
    r = await ds.client.get("/dossier/acheteur/21060088800015")
    assert r.status_code == 302 and r.headers["location"] == "/dossier/acheteur/210600888"


async def test_fictional_commune_is_named_from_its_documents(ds):
    r = await ds.client.get("/dossier/commune/99003")
    assert r.status_code == 200
    assert "<h1>Dossier : Fontclair</h1>" in r.text
    assert "Caméras piétons" in r.text or "caméras piétons" in r.text.lower()
    assert "pas celui d'une commune du découpage administratif" in r.text


@pytest.mark.parametrize("path, message", [
    ("/dossier/commune/99999", "Commune inconnue : aucun document et aucune commune de France n&#39;a le code INSEE 99999."),
    ("/dossier/commune/abc", "Code INSEE invalide"),
    ("/dossier/commune/" + "9" * 10000, "Code INSEE invalide"),
    ("/dossier/acheteur/123456789", "Acheteur inconnu : aucun document et aucune commune ni intercommunalité n&#39;a le SIREN 123456789."),
    ("/dossier/acheteur/12", "Numéro SIREN invalide"),
    ("/dossier/acheteur/%3Cscript%3E", "Numéro SIREN invalide"),
])
async def test_unknown_or_invalid_codes_answer_a_french_404(ds, path, message):
    r = await ds.client.get(path, follow_redirects=True)
    assert r.status_code == 404
    assert message in r.text
    assert "<script>" not in r.text.split("</head>")[1].replace("<script>\ndocument.body", "")


async def test_known_commune_without_documents_says_so(ds):
    r = await ds.client.get("/dossier/commune/75056")
    assert r.status_code == 200
    assert "<h1>Dossier : Paris</h1>" in r.text
    assert "Aucun document collecté pour cette commune pour l&#39;instant" in r.text
    r = await ds.client.get("/dossier/acheteur/200054781")          # Métropole du Grand Paris
    assert r.status_code == 200 and "Métropole du Grand Paris (métropole)" in r.text
    assert "Aucun document collecté pour cet acheteur pour l&#39;instant." in r.text


async def test_dossier_list_puts_the_most_flagged_first(ds, dossier_db):
    r = await ds.client.get("/dossiers")
    assert r.status_code == 200
    communes = section(r.text, "<h2>Communes")
    ranked = rows(dossier_db, "select commune, sum(flagged) from documents where commune is not null "
                              "group by commune having sum(flagged) > 0 order by 2 desc, count(*) desc")
    assert ranked[0][1] == 3 and ("06088", 3) in ranked   # Nice is among the most flagged
    shown = [(code, int(n)) for code, n in re.findall(
        r'href="/dossier/commune/(\w+)".*?</td><td>.*?</td>\s*<td>(\d+)</td>', communes, re.S)]
    assert sorted(shown) == sorted(ranked)
    assert [n for _, n in shown] == sorted((n for _, n in shown), reverse=True)
    start = communes.index('href="/dossier/commune/06088"')
    nice_row = communes[start:communes.index("</tr>", start)]
    assert "Nice" in nice_row and "<td>3</td><td>4</td>" in nice_row
    assert "BOAMP (marchés publics), Conseil municipal ou communautaire" in nice_row
    buyers = section(r.text, "<h2>Acheteurs")
    assert 'href="/dossier/acheteur/210600888">Ville de Nice</a>' in buyers
    # nothing unflagged in the list: Besançon's buyer has documents, none flagged
    assert "25056" not in communes


async def test_scraped_text_is_escaped_in_dossiers(ds):
    for path in ("/dossier/commune/99004", "/dossiers"):
        r = await ds.client.get(path)
        assert r.status_code == 200, path
        body = r.text.split("</head>", 1)[1]
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>Mairie" not in body
    r = await ds.client.get("/dossier/commune/99004")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Vidéoprotection" in r.text
    assert "&lt;i&gt;Ville&lt;/i&gt;" in r.text


async def test_reference_sql_functions_for_analysts(ds):
    r = await ds.client.get("/technoveille.json", params={
        "sql": "select commune_nom('06088') as a, organisme_nom('21060088800015') as b, "
               "departement_nom('2A') as c, commune_epci('06088') as d, organisme_type('200030195') as e, "
               "commune_nom('nope') as f", "_shape": "array"})
    assert r.json() == [{"a": "Nice", "b": "Nice", "c": "Corse-du-Sud", "d": "200030195",
                         "e": "METRO", "f": None}]
