"""The site as a campaigner sees it: a real Datasette server and a real headless Chromium."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env):
    """`technoveille serve` on a free port with `env`; yields its base URL, then stops it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "technoveille", "serve", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise AssertionError(proc.stdout.read().decode()[-3000:])
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def site(published):
    yield from serve(published["env"])


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("chromium is required for the site tests: `make test` installs it")
    return path


def dump_dom(url, tmp_path):
    out = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=3000", "--dump-dom", url],
                         capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_home_page_in_chromium(site, tmp_path):
    dom = dump_dom(site + "/", tmp_path)
    assert "technologies de surveillance" in dom
    assert "Derniers documents signalés" in dom or "derniers documents signalés" in dom


def test_search_page_renders_highlighted_results(site, tmp_path, snapshot):
    dom = dump_dom(site + "/technoveille/recherche?q=videoprotection", tmp_path)
    assert "<mark>" in dom.lower()
    assert "vidéoprotection" in dom.lower() or "videoprotection" in dom.lower()


def test_screenshot_of_flagged_documents(site, tmp_path):
    shot = tmp_path / "signalements.png"
    out = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p2'}",
                          "--window-size=1280,900", f"--screenshot={shot}",
                          site + "/technoveille/signalements"],
                         capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one


def test_document_page_in_chromium(site, tmp_path, snapshot):
    doc_id, title = snapshot.execute(
        "select id, title from documents where matched = 1 order by id limit 1").fetchone()
    dom = dump_dom(site + f"/document/{doc_id}", tmp_path)
    import html
    assert title in html.unescape(dom)
    assert "<mark>" in dom and "Texte intégral" in html.unescape(dom)


def test_charts_page_in_chromium(site, tmp_path, snapshot):
    """Chromium parses the inline SVG: 101 linked tiles in the SVG namespace, titled bars."""
    import lxml.html

    dom = lxml.html.fromstring(dump_dom(site + "/graphiques", tmp_path))
    tiles = dom.xpath("//svg[contains(@class, 'tile-map')]/a[@href]")
    assert len(tiles) == 101
    n = snapshot.execute("select count(*) from documents where flagged = 1 and departement = '06'"
                         ).fetchone()[0]
    tile = [t for t in tiles if t.get("data-departement") == "06"][0]
    assert tile.findtext("title") == f"Alpes-Maritimes (06) : {n} document{'s' if n > 1 else ''} " \
                                     f"signalé{'s' if n > 1 else ''}"
    assert dom.xpath("//svg[contains(@class, 'bars')]/rect[@data-n]/title")
