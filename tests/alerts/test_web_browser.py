"""A subscriber's path through the subscription pages in a real browser: Playwright for Python
driving Debian's Chromium, against `technoveille alerts serve` (uvicorn, its own process) on a
free port, mails caught by the aiosmtpd sink — subscribe with the preview, open the
confirmation link taken from the captured mail, manage (weekly, new documents only),
unsubscribe through the mail's link. Asserts on the pages and on the private database rows;
a screenshot of each page in test-output/browser/alertes/."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright import sync_api

from tests.alerts.conftest import private_rows
from tests.alerts.smtp import free_port
from tests.conftest import ROOT
from tests.datasette.conftest import SHOTS
from tests.datasette.test_browser import CHROMIUM_FLAGS, chromium

ALERT_SHOTS = SHOTS / "alertes"


@pytest.fixture
def server(corpus_env):
    """`technoveille alerts serve` on a free port; its base URL is TECHNOVEILLE_ALERTS_URL,
    so the links of the mails lead back to it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**corpus_env, "TECHNOVEILLE_ALERTS_URL": base}
    proc = subprocess.Popen([sys.executable, "-m", "technoveille", "alerts", "serve",
                             "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    else:
        proc.kill()
    if proc.poll() is not None:
        raise AssertionError(proc.stdout.read().decode()[-3000:])
    yield base, env
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        flags = [f for f in CHROMIUM_FLAGS if f != "--headless"]
        b = p.chromium.launch(executable_path=chromium(), headless=True, args=flags)
        yield b
        b.close()


def shot(page, name):
    ALERT_SHOTS.mkdir(parents=True, exist_ok=True)
    path = ALERT_SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, f"{name}: a blank page?"


def mail_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_subscribe_confirm_manage_unsubscribe_in_chromium(server, browser, smtp):
    base, env = server
    page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="fr-FR")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"erreur : {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("request", lambda r: r.url.startswith(base) or problems.append(f"requête : {r.url}"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               else route.abort())

    # 1. the form, prefilled as the public site's « Créer une alerte » link does, the preview
    page.goto(base + "/?theme=drones&q=")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Drones et caméras aéroportées").is_checked()
    page.get_by_label("Votre adresse électronique").fill("navigatrice@example.org")
    page.get_by_label("BOAMP (marchés publics)").check()
    page.get_by_role("button", name=re.compile("Voir l'aperçu")).click()
    preview = page.locator("#apercu-nombre")
    assert preview.is_visible()
    previewed = int(preview.text_content())
    assert page.get_by_label("BOAMP (marchés publics)").is_checked()   # the form kept it
    # the inline stylesheet is applied (allowed by its hash in the CSP)
    colour = page.locator("button.principal").evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(11, 79, 156)"
    shot(page, "01-formulaire-apercu")
    assert private_rows(env, "select count(*) as n from subscriptions")[0]["n"] == 0

    # 2. subscribe
    page.get_by_label("une fois par jour").check()
    page.get_by_role("button", name="Recevoir cette alerte").click()
    assert page.get_by_role("heading", name="Vérifiez votre boîte").is_visible()
    assert "navigatrice@example.org" in page.content()
    assert int(page.locator("#apercu-nombre").text_content()) == previewed
    shot(page, "02-verifiez-votre-boite")
    [sub] = private_rows(env, "select * from subscriptions")
    assert sub["status"] == "pending" and "BOAMP" in sub["label"]

    # 3. the confirmation link of the captured mail
    assert len(smtp.messages) == 1
    link = re.search(r"http://\S+/confirmer/\S+", mail_text(smtp.messages[0])).group(0)
    assert link.startswith(base + "/confirmer/")
    page.goto(link)
    assert page.get_by_role("heading", name="Votre alerte est confirmée").is_visible()
    shot(page, "03-confirmee")
    [sub] = private_rows(env, "select * from subscriptions")
    assert sub["status"] == "active" and sub["confirm_token"] is None and sub["since"]

    # 4. manage: weekly, new documents only
    page.get_by_role("link", name="Gérer cette alerte").click()
    assert page.locator("#libelle").text_content() == sub["label"]
    page.get_by_label("une fois par semaine").check()
    page.get_by_label("Nouveaux documents seulement").check()
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Modifications enregistrées").is_visible()
    assert page.locator("#frequence").text_content() == "une fois par semaine"
    shot(page, "04-gerer")
    [sub] = private_rows(env, "select * from subscriptions")
    assert sub["frequency"] == "weekly" and sub["follow_ups"] == 0 and sub["status"] == "active"

    # 5. unsubscribe by the link of the mail: one button, then it is done
    page.goto(base + f"/desabonner/{sub['token']}")
    assert private_rows(env, "select status from subscriptions")[0]["status"] == "active"
    shot(page, "05-desabonner")
    page.get_by_role("button", name="Me désabonner").click()
    assert page.get_by_role("heading", name="Vous êtes désabonné").is_visible()
    shot(page, "06-desabonne")
    assert private_rows(env, "select status from subscriptions")[0]["status"] == "unsubscribed"

    assert problems == []  # no script error, no CSP violation, nothing asked elsewhere

    # the manage link is dead now, with the same answer as an unknown one
    response = page.goto(base + f"/gerer/{sub['token']}")
    assert response.status == 404
    assert "Ce lien n'est pas (ou plus) valable." in page.locator("main").text_content()
    page.close()
