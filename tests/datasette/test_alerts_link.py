"""The public site links to the subscription pages (TECHNOVEILLE_ALERTS_URL, plugin
alerts_link.py): « Recevoir les alertes » in the header and the footer, « Créer une alerte »
on the search page and the dossier pages with their parameters — which the subscription form
(alerts/web.py) takes as its prefill."""
from urllib.parse import parse_qs, urlsplit

import httpx
import lxml.html

from alerts.web import make_app

ALERTS = "https://alertes.example.org"


def html(response):
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


async def test_header_and_footer_link_to_the_subscription_pages(demo_ds, monkeypatch):
    monkeypatch.setenv("TECHNOVEILLE_ALERTS_URL", ALERTS + "/")
    for path in ("/", "/technoveille/signalements", "/dossiers"):
        doc = html(await demo_ds.client.get(path))
        assert doc.xpath("//ul[@class='site-nav']//a[.='Recevoir les alertes']/@href") == \
            [ALERTS + "/"], path
        assert doc.xpath("//footer//a[@class='alertes']/@href") == [ALERTS + "/"], path
    monkeypatch.delenv("TECHNOVEILLE_ALERTS_URL")  # the default: `alerts serve` on this host
    doc = html(await demo_ds.client.get("/"))
    assert doc.xpath("//a[.='Recevoir les alertes']/@href") == ["http://127.0.0.1:8002/"]


async def test_search_and_dossiers_offer_an_alert_with_their_parameters(demo_ds, demo_db,
                                                                        demo_published,
                                                                        monkeypatch, tmp_path):
    monkeypatch.setenv("TECHNOVEILLE_ALERTS_URL", ALERTS)
    doc = html(await demo_ds.client.get("/technoveille/recherche",
                                        params={"q": "vidéo", "theme": "video",
                                                "source": "council", "annee": "2026"}))
    [link] = doc.xpath("//a[.='Créer une alerte pour cette recherche']/@href")
    assert link.startswith(ALERTS + "/?")
    search = parse_qs(urlsplit(link).query)
    assert search == {"q": ["vidéo"], "theme": ["video"], "source": ["council"]}
    doc = html(await demo_ds.client.get("/technoveille/recherche"))  # no words: no alert
    assert not doc.xpath("//a[.='Créer une alerte pour cette recherche']")

    commune = demo_db.execute("select commune from documents where commune is not null "
                              "group by commune order by count(*) desc limit 1").fetchone()[0]
    siren = demo_db.execute("select siren from documents where siren is not null "
                            "group by siren order by count(*) desc limit 1").fetchone()[0]
    doc = html(await demo_ds.client.get(f"/dossier/commune/{commune}"))
    [by_commune] = doc.xpath("//a[.='Créer une alerte pour ce dossier']/@href")
    assert by_commune == f"{ALERTS}/?commune={commune}"
    doc = html(await demo_ds.client.get(f"/dossier/acheteur/{siren}"))
    [by_buyer] = doc.xpath("//a[.='Créer une alerte pour ce dossier']/@href")
    assert by_buyer == f"{ALERTS}/?acheteur={siren}"

    # the subscription form takes these parameters as they are
    app = make_app(tmp_path / "private.db", demo_published["db"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=ALERTS) as c:
        form = html(await c.get(link))
        assert form.xpath("//input[@name='q']/@value") == ["vidéo"]
        assert form.xpath("//input[@name='theme'][@checked]/@value") == ["video"]
        assert form.xpath("//input[@name='source'][@checked]/@value") == ["council"]
        assert html(await c.get(by_commune)).xpath("//input[@name='commune']/@value") == [commune]
        form = html(await c.get(by_buyer))
        assert form.xpath("//input[@name='acheteur']/@value") == [siren]
        # and the prefilled form is valid: the preview accepts it (a demo commune too)
        token = form.xpath("//input[@name='csrftoken']/@value")[0]
        for query in (search, {"commune": [commune]}, {"acheteur": [siren]}):
            r = await c.post("/apercu", data={"csrftoken": token, "frequency": "daily",
                                              "suites": "oui", **query})
            assert r.status_code == 200, (query, r.text[:2000])
            assert html(r).xpath("//*[@id='apercu-nombre']"), query
    app.alerts.close()
