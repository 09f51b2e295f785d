"""/graphiques on the whole demo corpus: every bar and every tile carries the count SQL gives,
with a title; the tables hold the same numbers; each tile links to its département's list,
which holds that many documents; nothing is loaded from the network."""
import re
from collections import Counter

import lxml.html
import pytest

from technoveille.core.departements import departements
from tests.datasette.conftest import open_site
from tests.datasette.test_feeds import rows, themes_by_document

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
async def page(demo_published):
    ds = await open_site(demo_published["db"])
    r = await ds.client.get("/graphiques")
    assert r.status_code == 200
    return {"ds": ds, "html": r.text, "tree": lxml.html.fromstring(r.text)}


def dated_flagged(db):
    return {r["id"]: r for r in rows(db, "select id, source, published_on, departement from documents "
                                         "where flagged = 1 and published_on is not null")}


def bars(tree, chart_heading):
    """(serie, month) → count of the bars under one <h2>, and their titles."""
    h2 = tree.xpath(f"//h2[@id='{chart_heading}']")[0]
    out, titles = {}, {}
    for el in h2.itersiblings():
        if el.tag == "h2":
            break
        for rect in el.xpath(".//rect[contains(@class, 'bar')]"):
            key = (rect.get("data-serie"), rect.get("data-mois"))
            out[key] = int(rect.get("data-n"))
            titles[key] = rect.findtext("title")
    return out, titles


async def test_bars_per_theme_and_month_have_the_sql_counts(page, demo_published):
    db = demo_published["db"]
    docs = dated_flagged(db)
    expected = Counter()
    for doc_id, themes in themes_by_document(db).items():
        if doc_id in docs:
            for t in themes:
                expected[(t, docs[doc_id]["published_on"][:7])] += 1
    got, titles = bars(page["tree"], "par-theme")
    months = {m for _, m in got}
    window = {k: n for k, n in expected.items() if k[1] >= min(months)}
    assert got == window and len(got) > 5
    labels = {r["id"]: r["label"] for r in rows(db, "select id, label from themes")}
    (theme, month), n = max(got.items(), key=lambda kv: kv[1])
    assert titles[(theme, month)].startswith(labels[theme] + " — ")
    assert titles[(theme, month)].endswith(f" : {n} documents signalés")
    # the table holds every month, the older ones too, with the same numbers
    table = page["tree"].xpath("//table[@id='tableau-themes']")[0]
    heads = [th.text for th in table.xpath("./thead/tr/th")][1:]
    keys = [th.get("data-serie") for th in table.xpath("./thead/tr/th")][1:]
    assert heads[:len(labels)] == list(labels.values())
    cells = {}
    for tr in table.xpath("./tbody/tr"):
        for key, td in zip(keys, tr.xpath("./td")):
            if int(td.text):
                cells[(key, tr.get("data-mois"))] = int(td.text)
    assert cells == dict(expected)


async def test_bars_per_source_and_month_have_the_sql_counts(page, demo_published):
    db = demo_published["db"]
    expected = Counter((d["source"], d["published_on"][:7]) for d in dated_flagged(db).values())
    got, titles = bars(page["tree"], "par-source")
    assert {s for s, _ in got} == {"boamp", "jorf", "council"}
    assert got == {k: n for k, n in expected.items() if k[1] >= min(m for _, m in got)}
    assert all(t.startswith(("BOAMP", "Journal officiel", "Conseils municipaux")) for t in titles.values())
    totals = page["tree"].xpath("//table[@id='tableau-sources']/tfoot/tr/td/text()")
    assert [int(t) for t in totals] == [sum(n for (s, _), n in expected.items() if s == src)
                                        for src in ("boamp", "jorf", "council")]


async def test_map_has_a_tile_per_departement_with_its_count_and_list(page, demo_published):
    db = demo_published["db"]
    counts = {r["departement"]: r["n"] for r in rows(
        db, "select departement, count(*) as n from documents where flagged = 1 group by 1")}
    tiles = page["tree"].xpath("//svg[contains(@class, 'tile-map')]//a[contains(@class, 'tile')]")
    names = {d.code: d.nom for d in departements()}
    assert len(tiles) == 101 and {t.get("data-departement") for t in tiles} == set(names)
    coloured = 0
    for t in tiles:
        code = t.get("data-departement")
        n = counts.get(code, 0)
        assert int(t.get("data-n")) == n
        assert t.get("href") == f"/technoveille/signalements?departement={code}"
        plural = "s" if n > 1 else ""
        assert t.findtext("title") == f"{names[code]} ({code}) : {n} document{plural} signalé{plural}"
        level = t.find("rect").get("class")
        assert (level == "niveau-0") == (n == 0)
        coloured += n > 0
    assert coloured >= 8
    # the busiest tile is the darkest, and its list holds that many documents
    code, n = max(((c, k) for c, k in counts.items() if c in names), key=lambda x: x[1])
    busiest = [t for t in tiles if t.get("data-departement") == code][0]
    assert busiest.find("rect").get("class") == "niveau-5"
    r = await page["ds"].client.get(f"/technoveille/signalements.json?departement={code}&_shape=array")
    assert len(r.json()) == n
    # the table: the same numbers, and codes off the map (the demo's fictional 99) said so
    listed = {tr.get("data-departement"): int(tr.xpath("./td[3]/a")[0].text)
              for tr in page["tree"].xpath("//table[@id='tableau-departements']/tbody/tr")}
    assert listed == {c: k for c, k in counts.items() if c in names}
    off_map = {c: k for c, k in counts.items() if c and c not in names}
    for c, k in off_map.items():
        assert f"code {c} : {k} document" in page["html"]
    if None in counts:
        assert f"sans département connu (textes nationaux, notamment) : {counts[None]}" in page["html"]


async def test_chart_page_links_the_feeds_it_follows(page):
    html = page["html"]
    assert 'href="/technoveille/flux.atom?theme=drones"' in html
    assert 'href="/technoveille/flux.atom?source=council"' in html
    assert 'href="/technoveille/flux.atom?departement=06"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html


async def test_nothing_from_the_network_and_no_script_needed(page, demo_published):
    tree = page["tree"]
    remote = [el.get(attr) for el in tree.iter() for attr in ("src", "href")
              if isinstance(el.tag, str) and el.get(attr, "").startswith(("http:", "https:", "//"))
              and el.tag in ("script", "link", "img", "iframe")]
    assert remote == []
    # the page's own markup holds no script; Datasette's chrome may, the charts do not need it
    content = page["html"].split("<h1>Graphiques et carte</h1>", 1)[1].split("<footer", 1)[0]
    assert "tile-map" in content
    assert "<script" not in content and "style=" not in content
    css = (await page["ds"].client.get("/static/graphiques.css")).text
    assert ".tile-map" in css and not re.search(r"url\(|@import|@font-face", css)


async def test_chart_page_on_an_empty_database_says_so(tmp_path):
    from technoveille.core.db import connect

    connect(tmp_path / "technoveille.db", wal=False).close()
    ds = await open_site(tmp_path / "technoveille.db")
    r = await ds.client.get("/graphiques")
    assert r.status_code == 200
    assert "0 document signalé en tout" in r.text
    assert r.text.count("Aucun document signalé daté pour l'instant.") == 2
    assert "Aucun document signalé n'a de département pour l'instant." in r.text
    assert r.text.count('class="tile"') == 101
