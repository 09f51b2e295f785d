"""The site walker on the replay pages: links to follow, documents found, health warnings."""
from __future__ import annotations

from parsel import Selector

from scrapers.parsers.council import walk
from scrapers.parsers.council.registry import Level
from scrapers.parsers.council.urls import url_id

from .pages import BASE, page, replay_council

VALMONT_LIST = f"{BASE}/councils/valmont/deliberations/"


def test_listing_sessions_dates_cross_checked_impossible_date_and_next_page(monkeypatch):
    level = replay_council(monkeypatch, "valmont-ville").sessions
    found = walk.sessions(page("valmont-list-1.html"), VALMONT_LIST, level)
    assert [type(f).__name__ for f in found.found] == [
        "SessionLink", "SessionLink", "DateProblem", "SessionLink", "SessionLink"]
    sept, mars, problem, fev, jan = found.found
    assert sept.url == f"{BASE}/councils/valmont/seances/conseil-2028-09-28/"
    # title year 2028 contradicts <time datetime="2026-10-01">: 2026 wins, with a note
    assert sept.session == walk.Session("Délibérations du conseil municipal du 28 septembre 2028",
                                        "2026-09-28", "année du titre 2028 corrigée en 2026 "
                                                      "(publié le 2026-10-01)")
    assert mars.session.date == "2026-03-28" and mars.session.date_note is None
    # « 31 février » cannot exist: reported, the <time> date is kept
    assert problem.detail == "impossible date « 31 fevrier 2026 »"
    assert fev.session.date == "2026-02-27"
    assert jan.url.endswith("/seances/conseil-26-janvier/")
    assert found.next_url == VALMONT_LIST + "?page=2"


def test_pagination_stops_at_max_pages_and_on_the_last_page(monkeypatch):
    level = replay_council(monkeypatch, "valmont-ville").sessions
    assert walk.sessions(page("valmont-list-1.html"), VALMONT_LIST, level, page=30).next_url is None
    last = walk.sessions(page("valmont-list-2.html"), VALMONT_LIST + "?page=2", level, page=2)
    assert last.next_url is None and any(isinstance(f, walk.SessionLink) for f in last.found)


def test_session_page_documents_typed_titled_and_dated_from_the_session(monkeypatch):
    council = replay_council(monkeypatch, "valmont-ville")
    session = walk.Session("Délibérations du conseil municipal du 28 mars 2026", "2026-03-28", None)
    url = f"{BASE}/councils/valmont/seances/conseil-28-mars/"
    found = walk.documents(page("valmont-conseil-28-mars.html"), url, council.documents,
                           council.id, council.default_type, session)
    docs = [f for f in found.found if isinstance(f, walk.DocumentLink)]
    assert len(docs) == len(found.found) == 14 and found.next_url is None
    odj, d01, d02 = docs[:3]
    assert odj.url == f"{BASE}/councils/valmont/files/odj-2026-03-28.pdf"
    assert odj.source_id == f"valmont-ville:{url_id(odj.url)}"
    # a short item title gets the session's; a long one stands alone
    assert odj.title == "Ordre du jour – Délibérations du conseil municipal du 28 mars 2026"
    assert d02.title == ("D02-2026_021 Extension du système de vidéoprotection urbaine - "
                         "demande de subvention FIPD")
    assert (odj.doc_type, d01.doc_type) == ("ordre du jour", "délibération")
    assert {d.date for d in docs} == {"2026-03-28"}
    annexe = next(d for d in docs if d.url.endswith("D03-maquette.pdf"))
    assert annexe.doc_type == "annexe"
    assert d01.info() == {
        "source_id": d01.source_id, "title": d01.title, "doc_type": "délibération",
        "date": "2026-03-28",
        "extra": {"council": "valmont-ville", "kind": "site",
                  "session": "Délibérations du conseil municipal du 28 mars 2026", "date_note": None}}


def test_accordion_page_without_sessions_and_a_page_that_changed_shape(monkeypatch):
    council = replay_council(monkeypatch, "berny-ville")
    found = walk.documents(page("berny-2026.html"), f"{BASE}/councils/berny/conseil/x",
                           council.documents, council.id)
    assert [(d.url.rsplit("/", 1)[1], d.doc_type, d.date) for d in found.found] == [
        ("ODJ-CM-2026-02-09.pdf", "ordre du jour", "2026-02-09"),
        ("Liste-deliberations-CM-20260209.pdf", "liste des délibérations", "2026-02-09"),
        ("PV-CM-20260209.pdf", "procès-verbal", "2026-02-09"),
        ("PV-CM-20260209-copie.pdf", "procès-verbal", "2026-02-09")]
    assert found.found[0].title == "Séance ordinaire du 9 février 2026, 19 h 30"
    assert found.found[0].extra["session"] == "Séance ordinaire du 9 février 2026, 19 h 30"
    changed = walk.documents(page("berny-2024.html"), f"{BASE}/councils/berny/conseil/y",
                             council.documents, council.id)
    assert changed.found == [walk.EmptyPage("documents-empty", "details.elementor-accordion-item")]


def test_dates_from_link_text_and_file_notes_out_of_titles():
    """SPIP table, default Level: the séance date is only in each link's text."""
    found = walk.documents(page("saintaubin.html"), f"{BASE}/councils/saint-aubin/spip.php?rubrique7",
                           Level(), "saint-aubin")
    got = {d.url.rsplit("/", 1)[1]: (d.title, d.doc_type, d.date) for d in found.found}
    assert got["pv_cm_121026.pdf"] == ("Procès-verbal de la séance du 12 octobre 2026",
                                       "procès-verbal", "2026-10-12")
    assert got["delib_2026_12.pdf"] == ("Délibération n° 2026-12 du 12 octobre 2026",
                                        "délibération", "2026-10-12")
    assert got["doc_8812.pdf"] == ("Télécharger le document", None, None)
    assert got["cr_cm_011225.pdf"][1:] == ("compte rendu", "2025-12-01")
    assert len(got) == 6


def test_pattern_types_and_non_http_links():
    html = """<ul>
      <li><a href="/a/pv-2026.pdf">Procès-verbal du conseil</a></li>
      <li><a href="/a/odj-2026.pdf">Ordre du jour du conseil</a></li>
      <li><a href="/a/page.html">Une page</a></li>
      <li><a href="mailto:x@y.fr">Écrire</a></li></ul>"""
    sel = Selector(text=html)
    only_pv = walk.documents(sel, "https://ville.test/conseil/", Level(types=["procès-verbal"]), "v")
    assert [d.url for d in only_pv.found] == ["https://ville.test/a/pv-2026.pdf"]
    by_pattern = walk.documents(sel, "https://ville.test/conseil/", Level(pattern=r"page\.html$"), "v")
    assert [d.url for d in by_pattern.found] == ["https://ville.test/a/page.html"]
    nothing = walk.documents(sel, "https://ville.test/", Level(pattern=r"\.docx$"), "v")
    assert nothing.found == [walk.EmptyPage("documents-empty", "a::attr(href)")]


def test_empty_listing_is_a_health_warning():
    found = walk.sessions(Selector(text="<p>rien</p>"), "https://ville.test/",
                          Level(item="article.seance", link="a::attr(href)"))
    assert found.found == [walk.EmptyPage("listing-empty", "article.seance")] and not found.next_url


def test_clean_anchor_drops_file_notes_only():
    assert walk.clean_anchor("PV du 3 mars (PDF – 182 Ko)") == "PV du 3 mars"
    assert walk.clean_anchor(" Délibération  [PDF, 1,2 Mo] ") == "Délibération"
    assert walk.clean_anchor("Budget (version 2)") == "Budget (version 2)"
