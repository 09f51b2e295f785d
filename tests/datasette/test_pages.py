"""The campaigners' pages in French, through Datasette's own client on the demo database:
home page, search form and facets, canned queries without Datasette's English chrome."""
import json
import re
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

ENGLISH_CHROME = ["Custom SQL query", "Query parameters", "Run SQL", "returning", "This data as",
                  "Powered by", "Data license", "0 results", "Log out"]


def soup(response):
    return BeautifulSoup(response.text, "html.parser")


def content(response):
    return soup(response).select_one("section.content")


async def test_home_says_what_is_watched_since_when_with_latest_signalements(demo_ds, demo_db):
    r = await demo_ds.client.get("/")
    assert r.status_code == 200
    page = content(r)
    text = page.get_text(" ")
    for source in ("BOAMP", "Journal officiel", "Conseils municipaux"):
        assert source in text
    # per-source counts and the earliest publication date, from the data
    for row in demo_db.execute("select source, count(*) n, sum(flagged) f, min(published_on) d "
                               "from documents group by source"):
        cells = [td.get_text(" ", strip=True) for td in page.select(f'tr[data-source="{row["source"]}"] td')]
        assert str(row["n"]) == cells[2] and str(row["f"]) == cells[3], cells
        year = row["d"][:4]
        assert year in cells[4]
    first_run = demo_db.execute("select min(started_at) from crawl_runs").fetchone()[0]
    assert "depuis la première collecte" in text and first_run[:4] in text
    latest = demo_db.execute("select id, title from documents where flagged = 1 "
                             "order by published_on desc, id limit 12").fetchall()
    links = [a["href"] for a in page.select("ul.derniers a")]
    assert links == [f"/document/{row['id']}" for row in latest]
    hrefs = {a["href"] for a in page.select("a")}
    assert {"/technoveille/recherche", "/dossiers", "/graphiques", "/technoveille",
            "/technoveille/signalements"} <= hrefs
    assert page.select_one('form[action="/technoveille/recherche"] input[name="q"]')
    assert not [w for w in ENGLISH_CHROME if w in r.text]


async def test_analysts_pages_stay_one_click_away_and_unchanged(demo_ds):
    r = await demo_ds.client.get("/technoveille")
    assert r.status_code == 200 and "documents" in r.text
    r = await demo_ds.client.get("/technoveille", params={"sql": "select count(*) as n from documents"})
    assert r.status_code == 200 and 'id="sql-editor"' in r.text  # Datasette's own SQL page


async def test_search_form_has_select_lists_filled_from_the_data(demo_ds, demo_db):
    r = await demo_ds.client.get("/technoveille/recherche", params={"q": "vidéoprotection"})
    form = soup(r).select_one("form.recherche")
    assert form["action"] == "/technoveille/recherche" and form.select_one('input[name="q"]')["value"] == "vidéoprotection"

    def options(name):
        select = form.select_one(f'select[name="{name}"]')
        assert select is not None, f"{name} must be a select list"
        return {o["value"] for o in select.select("option")} - {""}

    assert options("theme") == {r[0] for r in demo_db.execute("select id from themes")}
    assert options("source") == {r[0] for r in demo_db.execute("select distinct source from documents")}
    assert options("departement") == {r[0] for r in demo_db.execute(
        "select distinct departement from documents where coalesce(departement, '') != ''")}
    assert options("annee") == {r[0] for r in demo_db.execute(
        "select distinct substr(published_on, 1, 4) from documents where published_on is not null")}
    assert options("type") == {r[0] for r in demo_db.execute(
        "select distinct doc_type from documents where coalesce(doc_type, '') != ''")}
    assert not form.select('input[type="text"]'), "no free text box where a list is expected"


async def test_search_results_highlight_and_count_per_facet(demo_ds):
    r = await demo_ds.client.get("/technoveille/recherche", params={"q": "vidéoprotection"})
    page = content(r)
    results = page.select("li.resultat")
    data = (await demo_ds.client.get("/technoveille/recherche.json",
                                     params={"q": "vidéoprotection", "_shape": "array"})).json()
    assert len(results) == len(data) >= 3
    assert f"{len(data)} documents trouvés" in page.select_one(".compte").get_text(" ", strip=True)
    assert all(li.select_one(".snippet mark") for li in results if li.select_one(".snippet"))
    assert [li.select_one("h3 a")["href"] for li in results] == [f"/document/{d['document']}" for d in data]
    # facet counts agree with the rows, and each link filters the search to that many rows
    facets = {s["data-facet"]: s for s in page.select("section.facette")}
    assert {"source", "theme", "annee", "type"} <= set(facets)
    for facet, column in (("source", "source"), ("type", "nature")):
        expected = {}
        for row in data:
            expected[row[column]] = expected.get(row[column], 0) + 1
        shown = {parse_qs(urlsplit(li.a["href"]).query)[facet][0]: int(li.select_one(".nombre").text)
                 for li in facets[facet].select("li")}
        assert shown == expected, facet
    link = facets["source"].select_one("li a")["href"]
    filtered = await demo_ds.client.get("/technoveille/recherche" + link)
    count = int(facets["source"].select_one("li .nombre").text)
    assert len(content(filtered).select("li.resultat")) == count
    assert content(filtered).select_one("li.choisi")  # the chosen value is marked, with a way out
    themes = {}
    for row in data:
        for theme in json.loads(row["themes"] or "[]"):
            themes[theme] = themes.get(theme, 0) + 1
    shown = {parse_qs(urlsplit(li.a["href"]).query)["theme"][0]: int(li.select_one(".nombre").text)
             for li in facets["theme"].select("li")}
    assert shown == themes


async def test_search_filters_each_parameter(demo_ds, demo_db):
    base = {"q": "vidéoprotection OR caméra OR drone"}

    async def ids(**filters):
        r = await demo_ds.client.get("/technoveille/recherche.json",
                                     params={**base, **filters, "_shape": "array"})
        assert r.status_code == 200, r.text
        return {row["document"] for row in r.json()}

    everything = await ids()
    assert len(everything) > 5
    by = lambda sql, *a: {r[0] for r in demo_db.execute(sql, a)} & everything  # noqa: E731
    assert await ids(source="council") == by("select id from documents where source = ?", "council")
    assert await ids(departement="99") == by("select id from documents where departement = ?", "99")
    assert await ids(annee="2025") == by("select id from documents where published_on like '2025%'")
    assert await ids(type="délibération") == by("select id from documents where doc_type = ?", "délibération")
    assert await ids(theme="video") == by(
        "select id from documents d where exists (select 1 from json_each(d.themes) where value = 'video')")
    assert await ids(source="council", annee="2021") == set()


async def test_search_bad_input_answers_in_french_never_500(demo_ds):
    cases = {"": "Tapez un ou plusieurs mots", "   ": "Tapez un ou plusieurs mots",
             "x" * 10_000: "Aucun document", '"vidéo': None, "OR": None, "NOT": None,
             "(((": None, "AND OR NOT": None, "NEAR(": None, "zzzzzz": "Aucun document ne contient"}
    for q, message in cases.items():
        r = await demo_ds.client.get("/technoveille/recherche", params={"q": q})
        assert r.status_code == 200, (q[:20], r.status_code)
        assert "message-error" not in r.text and "Traceback" not in r.text
        if message:
            assert message in r.text, q[:20]
    r = await demo_ds.client.get("/technoveille/recherche", params={"q": "drone", "annee": "abcd",
                                                                     "departement": "<b>"})
    assert r.status_code == 200 and "Aucun document" in r.text and "<b>" not in content(r).decode_contents()


async def test_canned_queries_have_french_chrome(demo_ds):
    for name in ("signalements", "occurrences_recentes", "etat_des_sources", "recherche", "flux"):
        r = await demo_ds.client.get(f"/technoveille/{name}")
        assert r.status_code == 200, name
        english = [w for w in ENGLISH_CHROME if w in r.text]
        assert not english, (name, english)
        assert 'lang="fr"' in r.text
    r = await demo_ds.client.get("/technoveille/signalements")
    page = soup(r)
    assert page.select_one('select[name="theme"]') and page.select_one('select[name="source"]')
    assert "Afficher" in page.select_one("form.filtres button").text
    assert "Propulsé par" in page.select_one("footer").text


async def test_every_list_offers_csv_and_json(demo_ds):
    for path in ("/technoveille/signalements", "/technoveille/recherche?q=drone",
                 "/technoveille/occurrences_recentes", "/technoveille/etat_des_sources"):
        r = await demo_ds.client.get(path)
        links = {a.text: a["href"] for a in soup(r).select(".export-links a")}
        assert "CSV" in links and "JSON" in links, path
        csv = await demo_ds.client.get(links["CSV"])
        assert csv.status_code == 200 and "," in csv.text.splitlines()[0], path
        js = await demo_ds.client.get(links["JSON"])
        assert js.status_code == 200 and js.json()["ok"] is True, path
    r = await demo_ds.client.get("/technoveille/documents.csv?_size=5")
    assert r.status_code == 200 and r.text.startswith("id,source,")


async def test_sql_time_limit_is_kept(demo_ds):
    assert demo_ds.setting("sql_time_limit_ms") == 3000
    r = await demo_ds.client.get("/technoveille.json", params={
        "sql": "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"})
    assert r.status_code == 400 and "interrupted" in r.text.lower()


def test_french_dates_and_labels():
    import sys

    from tests.conftest import ROOT
    sys.path.insert(0, str(ROOT / "datasette" / "plugins"))
    from french_display import date_fr, search_facets

    assert date_fr("2026-02-16") == "16 février 2026" and date_fr("2026-03-01T10:00") == "1er mars 2026"
    assert date_fr(None) == "" and date_fr("bientôt") == "bientôt" and date_fr("2026-13-01") == "2026-13-01"
    rows = [{"source": "boamp", "themes": '["video", "son"]', "date": "2026-01-02", "nature": "avis"},
            {"source": "boamp", "themes": "pas du json", "date": None, "nature": "avis"}]
    facets = {f["param"]: f["values"] for f in search_facets(rows, {"q": "x", "source": "boamp"})}
    assert [(v["value"], v["count"], v["selected"]) for v in facets["source"]] == [("boamp", 2, True)]
    assert facets["source"][0]["href"] == "?q=x"  # clicking the chosen value removes the filter
    assert {v["value"] for v in facets["theme"]} == {"video", "son"}
    assert "departement" not in facets
    assert re.search(r"annee=2026", facets["annee"][0]["href"])
