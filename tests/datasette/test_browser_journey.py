"""A campaigner's path through the demo site in a real browser: Playwright for Python driving
Debian's Chromium (no browser download): home → search « drone » → a hit → its document page →
its feed → its commune's dossier → the charts page, with a screenshot of each page (folder
printed at the end of the run). And the hostile document renders inert: no dialog, no request.

Steps whose page another part of issue #10 builds (dossiers, charts, feed filters) run when
the page exists; until then the test ends with a skip that names them."""
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright import sync_api  # the test extra pins it; `make chromium` installs the browser

from tests.datasette.conftest import SHOTS
from tests.datasette.test_browser import CHROMIUM_FLAGS, chromium, serve
HOSTILE = "council:fontclair-ville:2026_016"


@pytest.fixture(scope="module")
def demo_site(demo_published):
    yield from serve(demo_published["env"])


@pytest.fixture(scope="module")
def browser():
    for old in SHOTS.glob("*.png"):  # its own screenshots (the alerts test keeps alertes/)
        old.unlink()
    with sync_api.sync_playwright() as p:
        flags = [f for f in CHROMIUM_FLAGS if f != "--headless"]
        b = p.chromium.launch(executable_path=chromium(), headless=True, args=flags)
        yield b
        b.close()


class Watch:
    """Everything a page did that a campaigner should never see happen."""

    def __init__(self, page, base):
        self.dialogs, self.requests, self.errors, self.csp = [], [], [], []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
                and self.csp.append(m.text))
        # nothing leaves the machine: any request off the site is refused (and recorded)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                   else route.abort())


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, f"{name}: a blank page?"
    return path


def feed_filters(base):
    import json
    meta = json.loads(urllib.request.urlopen(base + "/-/metadata.json").read())
    flux = meta["databases"]["technoveille"]["queries"]["flux"]
    return set(flux.get("params") or []) | {w[1:] for w in flux["sql"].split() if w.startswith(":")}


def test_campaigners_journey(demo_site, browser, demo_db):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    watch = Watch(page, demo_site)
    missing = []

    # 1. home
    page.goto(demo_site + "/")
    assert "technologies de surveillance" in page.inner_text("section.content")
    assert page.locator("ul.derniers li").count() >= 5
    shot(page, "01-accueil")
    page.fill("#accueil-q", "drone")
    page.press("#accueil-q", "Enter")
    page.wait_for_url("**/technoveille/recherche?q=drone*")

    # 2. search « drone »: results with highlighted words; a council hit when there is one
    results = page.locator("li.resultat")
    assert results.count() >= 1 and page.locator("li.resultat mark").count() >= 1
    assert page.locator("section.facette").count() >= 2
    shot(page, "02-recherche-drone")
    flagged = None
    for selector in ('li.resultat:has(.badge) h3 a[href^="/document/council:"]',
                     "li.resultat:has(.badge) h3 a", "li.resultat h3 a"):
        if page.locator(selector).count():
            hit, flagged = page.locator(selector).first, "badge" in selector
            break
    if not flagged:
        missing.append("« drone » finds no flagged document without French stemming "
                       "(search part of #10)")
    title = hit.inner_text()
    hit.click()
    page.wait_for_url("**/document/**")

    # 3. its document page
    assert page.inner_text("h1") == title
    if flagged:
        assert page.locator("section.occurrences-partie mark").count() >= 1
    doc_id = urlsplit(page.url).path.removeprefix("/document/")
    shot(page, "03-document")
    subscribe = page.locator("a.sabonner").get_attribute("href")
    commune_link = page.locator('a[href^="/dossier/commune/"]')
    dossier = commune_link.first.get_attribute("href") if commune_link.count() else None

    # 4. its feed
    feed = urljoin(demo_site, subscribe)
    params = set(parse_qs(urlsplit(feed).query))
    if params - feed_filters(demo_site) - {"theme", "source"}:
        missing.append(f"feed filter {sorted(params)} (feeds part of #10) not in this branch")
    else:
        page.goto(feed)
        body = page.content()
        assert "<entry" in body or "entry" in page.inner_text("body")
        if flagged:
            assert title[:30] in page.inner_text("body"), "the document is in its own feed"
        shot(page, "04-flux")

    # 5. its commune's dossier
    if dossier is None:
        missing.append(f"no commune on {doc_id}: « drone » finds no council document without "
                       "French stemming (search part of #10)")
    elif status(demo_site + dossier) == 404:
        missing.append(f"{dossier} (dossiers part of #10) not in this branch")
    else:
        page.goto(demo_site + dossier)
        assert title[:30] in page.inner_text("body"), "the dossier holds the document"
        shot(page, "05-dossier-commune")

    # 6. the charts page
    if status(demo_site + "/graphiques") == 404:
        missing.append("/graphiques (charts part of #10) not in this branch")
    else:
        page.goto(demo_site + "/graphiques")
        page.wait_for_selector("svg, canvas", timeout=15_000)
        shot(page, "06-graphiques")

    off_site = [u for u in watch.requests if not u.startswith(demo_site)]
    assert not off_site and not watch.errors and not watch.dialogs, (off_site, watch.errors)
    assert not watch.csp, watch.csp  # our own (hashed) scripts are never blocked
    page.close()
    if missing:
        pytest.skip("steps left for the merge: " + "; ".join(missing))


def test_hostile_document_renders_inert(demo_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, demo_site)
    for path, name in ((f"/document/{HOSTILE}", "07-document-hostile"),
                       ("/technoveille/recherche?q=avenant", "08-recherche-hostile"),
                       ("/technoveille/signalements?source=council", "09-signalements-hostile")):
        page.goto(demo_site + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        text = page.inner_text("section.content")
        assert "<script>alert('titre')</script>" in text and "<img src=x onerror=alert(1)>" in text, path
        injected = page.evaluate("""() => [...document.querySelectorAll('script, img, iframe')]
            .filter(e => /alert|^x$/.test(e.textContent + (e.getAttribute('src') || ''))).length""")
        assert injected == 0, path
        shot(page, name)
    assert watch.dialogs == []
    assert not [u for u in watch.requests if urlsplit(u).path.rstrip("/").endswith("/x")], watch.requests
    assert not watch.errors


def test_csp_is_enforced_by_the_browser(demo_site, browser):
    """Even markup that escaped escaping could not run: an inline script is refused."""
    page = browser.new_page()
    page.goto(demo_site + f"/document/{HOSTILE}")
    with pytest.raises(sync_api.Error):
        page.add_script_tag(content="window.injected = 1")
    assert page.evaluate("typeof window.injected") == "undefined"
    page.close()
