"""The document page (/document/<id>) on the demo database: occurrences grouped by part, each
wording once per place; linked notices; same buyer, same commune; archive; subscribe link."""
from bs4 import BeautifulSoup


def page(r):
    return BeautifulSoup(r.text, "html.parser").select_one("section.content")


async def test_one_occurrence_per_place_grouped_by_part(demo_ds, demo_db):
    # the drone notice of the issue: 20 hit rows (text, lots and lot labels repeat each other)
    doc_id = "boamp:26-120012"
    rows = demo_db.execute("select count(*) from hits where document_id = ?", [doc_id]).fetchone()[0]
    r = await demo_ds.client.get(f"/document/{doc_id}")
    assert r.status_code == 200
    body = page(r)
    sections = {s.h3.contents[0].strip(): s for s in body.select("section.occurrences-partie")}
    assert list(sections) == ["Titre", "Texte", "Lot 1 – Drones quadrirotors avec caméra thermique",
                              "Lot 2 – Formation des télépilotes"]
    shown = {label: [li.select_one(".snippet mark").text for li in s.select("ul.occurrences li")]
             for label, s in sections.items()}
    assert shown == {"Titre": ["aéronefs télépilotés"], "Texte": ["drones", "caméras thermiques"],
                     "Lot 1 – Drones quadrirotors avec caméra thermique": ["Drones", "caméra thermique", "drones"],
                     "Lot 2 – Formation des télépilotes": ["télépilotes", "télépilotes"]}
    total = sum(len(v) for v in shown.values())
    assert body.select_one("#occurrences").text == f"Occurrences ({total})"
    assert rows >= total  # whether or not the hits table still holds the repeats


async def test_label_only_wording_is_kept_on_its_lot(demo_ds):
    r = await demo_ds.client.get("/document/boamp:26-120011")
    lot1 = [s for s in page(r).select("section.occurrences-partie") if s.h3.text.startswith("Lot 1")][0]
    terms = [li.select_one(".terme").text for li in lot1.select("li")]
    assert "caméra de vidéoprotection" in terms and "(intitulé)" in lot1.text
    assert terms.count("CSU") == 1


async def test_linked_notices_same_buyer_same_commune_archive_feed(demo_ds, demo_db):
    doc = demo_db.execute("select * from documents where id = 'council:fontclair-ville:2026_014'").fetchone()
    r = await demo_ds.client.get(f"/document/{doc['id']}")
    body = page(r)
    hrefs = [a["href"] for a in body.select("a")]
    assert f"/dossier/commune/{doc['commune']}" in hrefs and f"/dossier/acheteur/{doc['siren']}" in hrefs
    assert f"/-/archive/{doc['sha256']}" in hrefs
    subscribe = body.select_one("a.sabonner")
    assert subscribe.text == "S'abonner" and subscribe["href"] == f"/technoveille/flux.atom?commune={doc['commune']}"
    same_commune = {r[0] for r in demo_db.execute(
        "select id from documents where commune = ? and id != ?", [doc["commune"], doc["id"]])}
    assert same_commune
    lists = {h2.text.split(" (")[0]: h2.find_next("ul") for h2 in body.select("h2")}
    listed = {a["href"].removeprefix("/document/") for a in lists["Autres documents de la même commune"].select("a")}
    assert listed == same_commune
    same_buyer = {r[0] for r in demo_db.execute(
        "select id from documents where siren = ? and id != ?", [doc["siren"], doc["id"]])}
    listed = {a["href"].removeprefix("/document/") for a in lists["Autres documents du même acheteur"].select("a")}
    assert listed == same_buyer
    # a BOAMP notice and its rectificatif link each other
    r = await demo_ds.client.get("/document/boamp:26-122001")
    linked = page(r).select("ul.lies li")
    assert any(li.a["href"] == "/document/boamp:26-120012" and li.text.startswith("Rectifie") for li in linked)
    r = await demo_ds.client.get("/document/boamp:26-120012")
    assert any(li.a["href"] == "/document/boamp:26-122001" and "Rectifié par" in li.text
               for li in page(r).select("ul.lies li"))


async def test_subscribe_link_without_commune_or_buyer_follows_the_theme(demo_ds, demo_db):
    doc = demo_db.execute("select id, themes from documents where flagged = 1 and commune is null "
                          "and siren is null and themes != '[]' limit 1").fetchone()
    r = await demo_ds.client.get(f"/document/{doc['id']}")
    href = page(r).select_one("a.sabonner")["href"]
    import json
    assert href == f"/technoveille/flux.atom?theme={json.loads(doc['themes'])[0]}"
    feed = await demo_ds.client.get(href)
    assert feed.status_code == 200 and "<entry>" in feed.text


async def test_unknown_document_is_a_french_404(demo_ds):
    r = await demo_ds.client.get("/document/boamp:nexiste-pas")
    assert r.status_code == 404 and "Document introuvable" in r.text
