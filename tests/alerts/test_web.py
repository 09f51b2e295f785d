"""The subscription pages (alerts/web.py) through httpx's ASGI transport: the real app with its
middleware (asgi_csrf, rate limit, headers), a copy of the crawled corpus, a fresh private
database and the aiosmtpd sink on loopback — every route and the bad input of issue #11."""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import httpx
import lxml.html
import pytest

from alerts.subscriptions import InvalidToken
from alerts.web import make_app
from tests.alerts.conftest import alerts, backdate, private_rows

BASE = "http://alertes.test"


@pytest.fixture
def env(corpus_env, monkeypatch):
    for key, value in corpus_env.items():
        if key.startswith(("TECHNOVEILLE_", "ALERTS_", "SMTP_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("ASGI_CSRF_SECRET", raising=False)
    return corpus_env


@pytest.fixture
def app(env):
    application = make_app()
    yield application
    application.alerts.close()


def client(app, ip="127.0.0.1"):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 40000)),
                             base_url=BASE)


def page(response):
    return lxml.html.fromstring(response.text)


def csrf(response) -> str:
    return page(response).xpath("//input[@name='csrftoken']/@value")[0]


async def submit(c, path="/", form_path="/", **fields):
    """Open `form_path` (for the CSRF cookie and token), then POST `fields` to `path`."""
    r = await c.get(form_path)
    assert r.status_code == 200, r.text[:500]
    data = {"csrftoken": csrf(r), "frequency": "daily", "suites": "oui", **fields}
    return await c.post(path, data=data)


def mail_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def token_of(smtp, route) -> str:
    return re.search(rf"/{route}/([A-Za-z0-9_-]+)", mail_text(smtp.messages[-1])).group(1)


def count(env, table) -> int:
    return private_rows(env, f"select count(*) as n from {table}")[0]["n"]


# ---------------------------------------------------------------------------- the form

async def test_form_is_french_accessible_and_prefilled_from_the_query_string(app, env):
    con = sqlite3.connect(env["TECHNOVEILLE_DB"])
    themes = dict(con.execute("select id, label from themes"))
    con.close()
    async with client(app) as c:
        r = await c.get("/", params=[("q", "caméra piéton"), ("theme", "drones"),
                                     ("theme", "video"), ("source", "boamp"),
                                     ("departement", "33"), ("departement", "2A"),
                                     ("commune", "33063"), ("acheteur", "213300635")])
    assert r.status_code == 200
    doc = page(r)
    assert doc.xpath("/html/@lang") == ["fr"]
    assert doc.xpath("//input[@name='q']/@value") == ["caméra piéton"]
    assert sorted(doc.xpath("//input[@name='theme'][@checked]/@value")) == ["drones", "video"]
    assert doc.xpath("//input[@name='source'][@checked]/@value") == ["boamp"]
    assert doc.xpath("//input[@name='departement']/@value") == ["33, 2A"]
    assert doc.xpath("//input[@name='commune']/@value") == ["33063"]
    assert doc.xpath("//input[@name='acheteur']/@value") == ["213300635"]
    # one checkbox per theme of the vocabulary, with its French label
    shown = {i.get("value"): i.getparent().text_content().strip()
             for i in doc.xpath("//input[@name='theme']")}
    assert shown == themes
    assert doc.xpath("//input[@name='frequency'][@checked]/@value") == ["daily"]
    assert doc.xpath("//input[@name='suites'][@checked]/@value") == ["oui"]
    # every control has a label: <label for=id> or a wrapping <label>
    labelled = set(doc.xpath("//label/@for"))
    for control in doc.xpath("//input[not(@type='hidden')]"):
        assert control.get("id") in labelled or control.getparent().tag == "label", \
            lxml.html.tostring(control)
    # nothing from elsewhere, no script
    assert not doc.xpath("//script | //link[@rel='stylesheet'] | //img | //iframe")
    assert "Recevoir cette alerte" in r.text and "aperçu" in r.text


async def test_security_headers_on_every_page(app):
    async with client(app) as c:
        for response in (await c.get("/"), await c.get("/gerer/inconnu"),
                         await c.get("/nulle-part"), await c.post("/", data={"a": "b"})):
            h = response.headers
            csp = h["content-security-policy"]
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
            assert "form-action 'self'" in csp and "script-src" not in csp
            assert h["x-frame-options"] == "DENY"
            assert h["referrer-policy"] == "no-referrer"
            assert h["cache-control"] == "no-store"
            assert h["x-content-type-options"] == "nosniff"


async def test_the_csp_allows_exactly_the_inline_stylesheet(app):
    import base64
    import hashlib

    async with client(app) as c:
        r = await c.get("/")
    style = re.search(r"<style>(.*?)</style>", r.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in r.headers["content-security-policy"]


async def test_scraped_or_typed_text_is_escaped(app):
    async with client(app) as c:
        r = await c.get("/", params={"q": '"><script>alert(1)</script>'})
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text


# ---------------------------------------------------------------------------- preview

def oracle_preview(env, days=30, source=None) -> int:
    cut = (datetime.now(timezone.utc) - timedelta(days=days)).replace(microsecond=0).isoformat()
    con = sqlite3.connect(env["TECHNOVEILLE_DB"])
    sql = "select count(*) from documents where flagged = 1 and first_seen > ?"
    args = [cut]
    if source:
        sql += " and source = ?"
        args.append(source)
    n = con.execute(sql, args).fetchone()[0]
    con.close()
    return n


async def test_preview_counts_the_last_30_days_without_writing(app, env):
    expected_all, expected_boamp = oracle_preview(env), oracle_preview(env, source="boamp")
    assert 0 < expected_boamp < expected_all
    async with client(app) as c:
        r = await submit(c, "/apercu")
        assert r.status_code == 200
        assert page(r).xpath("string(//*[@id='apercu-nombre'])") == str(expected_all)
        assert "tous les documents signalés" in r.text
        r = await submit(c, "/apercu", source="boamp", email="")
        assert page(r).xpath("string(//*[@id='apercu-nombre'])") == str(expected_boamp)
        # the form comes back with what was typed
        assert page(r).xpath("//input[@name='source'][@checked]/@value") == ["boamp"]
    assert count(env, "subscriptions") == 0 and count(env, "subscribers") == 0
    assert not page(r).xpath("//*[@id='apercu-attention']")  # a handful a day: no warning


async def test_preview_warns_above_too_many_a_day(env, monkeypatch):
    expected = oracle_preview(env)
    per_day = expected / 30
    monkeypatch.setenv("ALERTS_TOO_MANY_PER_DAY", str(int(per_day) - 1 if per_day >= 1 else 0))
    application = make_app()
    async with client(application) as c:
        r = await submit(c, "/apercu")
        warning = page(r).xpath("string(//*[@id='apercu-attention'])")
        assert "Attention" in warning and "documents par jour" in warning
        r = await submit(c, email="beaucoup@example.org")  # the subscribe page warns too
        assert "Attention" in r.text and "Vérifiez votre boîte" in r.text
    application.alerts.close()


# ---------------------------------------------------------------------------- bad input

BAD = [
    ({"email": "pas-une-adresse"}, "email", "adresse électronique invalide"),
    ({"email": "a@b..fr"}, "email", "adresse électronique invalide"),
    ({"theme": "astrologie"}, "theme", "thème inconnu"),
    ({"source": "twitter"}, "source", "source inconnue"),
    ({"departement": "999"}, "departement", "département inconnu"),
    ({"commune": "00000"}, "commune", "code INSEE de commune inconnu"),
    ({"acheteur": "12345"}, "acheteur", "SIREN invalide"),
    ({"q": "x" * 10_000}, "q", "requête trop longue (10000 caractères"),
    ({"q": "OR AND"}, "q", "ne contient aucun mot"),
    ({"frequency": "chaque heure"}, "frequency", "fréquence inconnue"),
    ({"suites": "peut-être"}, "suites", "nouveaux documents seulement"),
]


@pytest.mark.parametrize("fields, name, message", BAD, ids=[b[1] + str(i) for i, b in
                                                            enumerate(BAD)])
async def test_bad_input_comes_back_beside_its_field_and_writes_nothing(app, env, smtp, fields,
                                                                        name, message):
    form = {"email": "militante@example.org", "theme": "drones", **fields}
    async with client(app) as c:
        r = await submit(c, **form)
    assert r.status_code == 400
    doc = page(r)
    beside = doc.xpath(f"string(//*[@id='erreur-{name}'])")
    assert message in beside, (beside, r.text[:300])
    assert doc.xpath("string(//*[@role='alert'])").strip()  # the summary at the top
    if name not in ("theme", "source", "frequency", "suites"):
        control = doc.xpath(f"//*[@name='{name}' and not(@type='hidden')]")[0]
        assert control.get("aria-invalid") == "true"
        assert f"erreur-{name}" in control.get("aria-describedby")
        if name != "q":
            assert control.get("value") == form[name]  # what was typed is kept
    assert count(env, "subscribers") == 0 and count(env, "subscriptions") == 0
    assert smtp.messages == []


async def test_too_big_a_form_is_refused(app, env):
    async with client(app) as c:
        r = await c.get("/")
        r = await c.post("/", data={"csrftoken": csrf(r), "q": "x" * 300_000})
    assert r.status_code == 413 and "trop grand" in r.text
    assert count(env, "subscriptions") == 0


async def test_wrong_method_and_unknown_page(app):
    async with client(app) as c:
        r = await c.get("/apercu")
        assert r.status_code == 405 and r.headers["allow"] == "POST"
        r = await c.get("/nulle-part")
        assert r.status_code == 404 and "Page introuvable" in r.text


# ---------------------------------------------------------------------------- the whole path

async def test_subscribe_confirm_manage_unsubscribe(app, env, smtp):
    async with client(app) as c:
        r = await submit(c, email="Militante@Example.ORG", theme="drones", departement="06",
                         frequency="daily", suites="oui")
        assert r.status_code == 200 and "Vérifiez votre boîte" in r.text
        assert "militante@example.org" in r.text.lower()
        [sub] = private_rows(env, "select * from subscriptions")
        assert sub["status"] == "pending" and sub["frequency"] == "daily"
        assert sub["follow_ups"] == 1 and "Drones" in sub["label"] and "(06)" in sub["label"]
        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        assert mail["Subject"] == "technoveille : confirmez votre alerte"
        confirm = token_of(smtp, "confirmer")
        assert confirm == sub["confirm_token"]

        r = await c.get(f"/confirmer/{confirm}")
        assert r.status_code == 200 and "Votre alerte est confirmée" in r.text
        [sub] = private_rows(env, "select * from subscriptions")
        assert sub["status"] == "active" and sub["since"] and sub["confirm_token"] is None
        manage = page(r).xpath("//a[starts-with(@href, '/gerer/')]/@href")[0]
        assert manage == f"/gerer/{sub['token']}"

        r = await c.get(manage)
        assert r.status_code == 200
        doc = page(r)
        assert doc.xpath("string(//*[@id='libelle'])") == sub["label"]
        assert doc.xpath("string(//*[@id='etat'])") == "active"
        assert doc.xpath("string(//*[@id='envoyes'])") == "0 document en 0 courriel"
        assert doc.xpath("//input[@name='frequency'][@checked]/@value") == ["daily"]
        r = await c.post(manage, data={"csrftoken": csrf(r), "frequency": "weekly",
                                       "suites": "non"})
        assert r.status_code == 200 and "Modifications enregistrées" in r.text
        assert page(r).xpath("string(//*[@id='frequence'])") == "une fois par semaine"
        [sub] = private_rows(env, "select * from subscriptions")
        assert sub["frequency"] == "weekly" and sub["follow_ups"] == 0

        r = await c.get(manage, params={})
        r = await c.post(manage, data={"csrftoken": csrf(r), "frequency": "hourly",
                                       "suites": "oui"})
        assert r.status_code == 400 and "fréquence inconnue" in r.text
        [sub] = private_rows(env, "select * from subscriptions")
        assert sub["frequency"] == "weekly" and sub["follow_ups"] == 0  # nothing changed

        # a GET never unsubscribes: one button
        r = await c.get(f"/desabonner/{sub['token']}")
        assert r.status_code == 200
        buttons = page(r).xpath("//form[@method='post']//button")
        assert [b.text_content() for b in buttons] == ["Me désabonner"]
        assert private_rows(env, "select status from subscriptions")[0]["status"] == "active"
        r = await c.post(f"/desabonner/{sub['token']}", data={"csrftoken": csrf(r)})
        assert r.status_code == 200 and "Vous êtes désabonné" in r.text
        [sub] = private_rows(env, "select * from subscriptions")
        assert sub["status"] == "unsubscribed" and sub["unsubscribed_at"]
        r = await c.get(manage)
        assert r.status_code == 404


async def test_manage_lists_the_addresses_other_subscriptions(app, env, smtp):
    async with client(app) as c:
        await submit(c, email="a@example.org", theme="drones")
        await submit(c, email="a@example.org", source="jorf", q="reconnaissance faciale")
        await submit(c, email="b@example.org", theme="video")
        subs = private_rows(env, "select s.token, s.label, p.email from subscriptions s "
                                 "join subscribers p on p.id = s.subscriber_id order by s.id")
        r = await c.get(f"/gerer/{subs[0]['token']}")
    others = page(r).xpath("//ul[@class='autres']/li")
    assert len(others) == 1
    assert others[0].xpath("a/@href") == [f"/gerer/{subs[1]['token']}"]
    assert subs[1]["label"] in others[0].text_content()
    assert "en attente de confirmation" in others[0].text_content()
    assert subs[2]["label"] not in r.text


async def test_resubscribing_gives_the_same_page_and_no_duplicate(app, env, smtp):
    form = {"email": "deux-fois@example.org", "theme": "biometrie", "frequency": "daily"}
    async with client(app) as c:
        first = await submit(c, **form)
        again = await submit(c, **form)           # still pending
        assert first.status_code == again.status_code == 200
        assert first.text == again.text
        assert count(env, "subscribers") == 1 and count(env, "subscriptions") == 1
        assert len(smtp.messages) == 2             # the confirmation is sent again
        assert token_of(smtp, "confirmer") == private_rows(
            env, "select confirm_token from subscriptions")[0]["confirm_token"]
        r = await c.get(f"/confirmer/{token_of(smtp, 'confirmer')}")
        assert r.status_code == 200
        active = await submit(c, **form)          # already active: still the same page
        assert active.text == first.text
        assert count(env, "subscriptions") == 1
        assert private_rows(env, "select status from subscriptions")[0]["status"] == "active"


async def test_smtp_down_at_subscription_same_page_mail_retried_later(app, env, smtp):
    smtp.stop()
    async with client(app) as c:
        r = await submit(c, email="patiente@example.org", theme="drones")
    assert r.status_code == 200 and "Vérifiez votre boîte" in r.text
    assert [row["status"] for row in private_rows(env, "select status from sends")] == ["failed"]
    smtp.start()
    alerts(env, "send")  # the confirmation that never left goes now
    assert len(smtp.messages) == 1 and "/confirmer/" in mail_text(smtp.messages[0])


# ---------------------------------------------------------------------------- tokens

async def test_unknown_and_used_tokens_get_the_same_404(app, env, smtp):
    async with client(app) as c:
        await submit(c, email="jetons@example.org", theme="drones")
        confirm = token_of(smtp, "confirmer")
        assert (await c.get(f"/confirmer/{confirm}")).status_code == 200
        manage = private_rows(env, "select token from subscriptions")[0]["token"]
        r = await c.get(f"/desabonner/{manage}")
        assert (await c.post(f"/desabonner/{manage}", data={"csrftoken": csrf(r)})
                ).status_code == 200
        answers = [await c.get(f"/confirmer/{confirm}"),           # used
                   await c.get("/confirmer/" + "A" * 43),           # unknown
                   await c.get(f"/gerer/{manage}"),                 # unsubscribed since
                   await c.get("/gerer/" + "b" * 43),
                   await c.get(f"/desabonner/{manage}"),
                   await c.get("/desabonner/%2E%2E"),              # not a token's shape
                   await c.get("/gerer/" + "x" * 500),
                   await c.get("/confirmer/"),
                   await c.post(f"/desabonner/{manage}", data={"csrftoken": csrf(r)}),
                   await c.post("/gerer/" + "c" * 43, data={"csrftoken": csrf(r),
                                                             "frequency": "daily"})]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert InvalidToken.message in page(answers[0]).text_content()
    assert "set-cookie" not in answers[1].headers  # nothing that differs from one to another


async def test_token_pages_are_rate_limited_per_client(env, monkeypatch):
    monkeypatch.setenv("ALERTS_RATE_LIMIT", "5")
    application = make_app()
    async with client(application, "192.0.2.1") as guesser, \
            client(application, "192.0.2.2") as other:
        statuses = [(await guesser.get(f"/gerer/{'g' * 42}{i}")).status_code for i in range(5)]
        assert statuses == [404] * 5
        r = await guesser.get("/confirmer/" + "h" * 43)
        assert r.status_code == 429 and "Trop de demandes" in r.text
        assert r.headers["retry-after"] == "60"
        # a valid token does not get through either once the limit is reached
        assert (await guesser.get("/desabonner/" + "i" * 43)).status_code == 429
        assert (await other.get("/gerer/" + "j" * 43)).status_code == 404
        assert (await guesser.get("/")).status_code == 200  # the form is not limited
    application.alerts.close()


# ---------------------------------------------------------------------------- CSRF, one-click

async def test_posts_without_the_csrf_token_are_refused(app, env, smtp):
    async with client(app) as c:
        r = await c.post("/", data={"email": "csrf@example.org", "theme": "drones"})
        assert r.status_code == 403 and "Formulaire refusé" in r.text   # no cookie
        await c.get("/")                                                 # cookie, no field
        r = await c.post("/", data={"email": "csrf@example.org", "theme": "drones"})
        assert r.status_code == 403 and "Formulaire refusé" in r.text
        r = await c.post("/", data={"email": "csrf@example.org", "theme": "drones",
                                    "csrftoken": "faux"})
        assert r.status_code == 403
        assert count(env, "subscriptions") == 0 and smtp.messages == []
        await submit(c, email="csrf@example.org", theme="drones")
        await c.get(f"/confirmer/{token_of(smtp, 'confirmer')}")
    token = private_rows(env, "select token from subscriptions")[0]["token"]
    async with client(app) as stranger:
        r = await stranger.post(f"/gerer/{token}", data={"frequency": "weekly", "suites": "non"})
        assert r.status_code == 403
        r = await stranger.post(f"/desabonner/{token}", data={"unsubscribe": "1"})
        assert r.status_code == 403
        # the one-click body is exempt on the unsubscribe route only
        r = await stranger.post(f"/gerer/{token}", data={"List-Unsubscribe": "One-Click"})
        assert r.status_code == 403
    [sub] = private_rows(env, "select status, frequency from subscriptions")
    assert sub == {"status": "active", "frequency": "daily"}


async def test_one_click_unsubscribe_of_the_digest_headers(app, env, smtp):
    """RFC 8058: the mail provider POSTs `List-Unsubscribe=One-Click` to the List-Unsubscribe
    URL of a real digest — no cookie, no CSRF token."""
    async with client(app) as c:
        await submit(c, email="un-clic@example.org")  # every signalled document
        await c.get(f"/confirmer/{token_of(smtp, 'confirmer')}")
    [sub] = private_rows(env, "select id, token from subscriptions")
    backdate(env, sub["id"])
    alerts(env, "send")
    digest = smtp.messages[-1]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", "".join(str(digest["List-Unsubscribe"]).split())).group(1)
    assert url == f"{BASE}/desabonner/{sub['token']}"
    async with client(app) as provider:  # a fresh client: no cookie
        r = await provider.post(url, content=b"List-Unsubscribe=One-Click",
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and "Vous êtes désabonné" in r.text
    assert private_rows(env, "select status from subscriptions")[0]["status"] == "unsubscribed"
    assert private_rows(env, "select count(*) as n from deliveries where status = 'pending'"
                        )[0]["n"] == 0


async def test_one_click_as_multipart_and_with_a_cookie(app, env, smtp):
    async with client(app) as c:
        await submit(c, email="multi@example.org", theme="drones")
        await submit(c, email="multi@example.org", theme="video")
    tokens = [r["token"] for r in private_rows(env, "select token from subscriptions order by id")]
    async with client(app) as provider:
        r = await provider.post(f"/desabonner/{tokens[0]}",
                                files={"List-Unsubscribe": (None, "One-Click")})
        assert r.status_code == 200
    async with client(app) as browser:  # a provider that kept a cookie: still exempt
        await browser.get("/")
        r = await browser.post(f"/desabonner/{tokens[1]}",
                               data={"List-Unsubscribe": "One-Click"})
        assert r.status_code == 200
    assert [r["status"] for r in private_rows(env, "select status from subscriptions")] == \
        ["unsubscribed", "unsubscribed"]


# ---------------------------------------------------------------------------- failures

async def test_any_failure_is_a_french_500_page(env, monkeypatch, tmp_path):
    (tmp_path / "pas-une-base").mkdir()
    monkeypatch.setenv("TECHNOVEILLE_PRIVATE_DB", str(tmp_path / "pas-une-base"))
    application = make_app()
    async with client(application) as c:
        for r in (await c.get("/"), await c.get("/gerer/" + "k" * 43)):
            assert r.status_code == 500
            assert "Une erreur est survenue" in r.text and "Traceback" not in r.text
            assert r.headers["content-security-policy"].startswith("default-src 'none'")
    application.alerts.close()


async def test_without_a_public_database_the_form_still_works(env, monkeypatch, tmp_path):
    """Before the first crawl: themes from keywords.yml, a preview of 0."""
    monkeypatch.setenv("TECHNOVEILLE_DB", str(tmp_path / "absente.db"))
    application = make_app()
    async with client(application) as c:
        r = await c.get("/")
        assert "drones" in page(r).xpath("//input[@name='theme']/@value")
        r = await submit(c, "/apercu", theme="drones")
        assert r.status_code == 200
        assert page(r).xpath("string(//*[@id='apercu-nombre'])") == "0"
    application.alerts.close()
