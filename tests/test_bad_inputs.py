"""The bad-input corpus of the replay server, end to end and in one table: every hostile or
broken input served by the replay (BOAMP API, JORF archives and their broken directory
`/jorf-casse/`, council sites, feeds and PDFs) gives its crawl_errors row and a log line
`crawl error [source] record: reason`, no callback crashes, and every good document is stored.
docs/RELIABILITY.md counts these with the bad inputs tested at the parser level."""
import pytest

from tests.conftest import crawl_env, dict_rows, run_cli

DAY = "dateparution%3Ddate%27{}%27"
# (source, reason, record_id or None, a piece of the URL, what the input is)
CASES = [
    ("boamp", "empty-day", None, DAY.format("2026-11-06"), "a past day with 0 notices"),
    ("boamp", "empty-day", None, DAY.format("2026-11-08"), "a second empty day"),
    ("boamp", "invalid-json-page", None, DAY.format("2026-11-05") + "&order_by=idweb&limit=100&offset=100",
     "a page cut mid-JSON, again after 2 retries"),
    ("boamp", "record: deadline", "26-120023", DAY.format("2026-11-02"), "a deadline in the year 7017"),
    ("boamp", "record: donnees is empty", "26-123001", DAY.format("2026-11-05"), "empty `donnees`"),
    ("boamp", "record: donnees is not valid json", "26-120020", DAY.format("2026-11-02"),
     "`donnees` cut mid-JSON"),
    ("boamp", "record: donnees is null", "26-120021", DAY.format("2026-11-02"), "`donnees` null"),
    ("boamp", "record: text repaired", "26-120022", DAY.format("2026-11-02"), "UTF-8 mojibake (repaired)"),
    ("council", "documents-empty", "berny-ville", "/berny/conseil/proces-verbaux-2024",
     "a page whose selector finds nothing (site changed)"),
    ("council", "encoding-mismatch", "berny-ville", "/berny/conseil/proces-verbaux-2025",
     "cp1252 bytes in a page declared UTF-8"),
    ("council", "http-404", None, "/valmont/files/D04.pdf", "a linked PDF that is gone"),
    ("council", "impossible-date", "valmont-ville", "/valmont/deliberations/", "« 31 février »"),
    ("council", "needs-ocr", None, "/valmont/files/D10.pdf", "an image-only (blank) scan"),
    ("council", "not-a-pdf", None, "/valmont/files/D05.pdf", "an HTML maintenance page served as PDF"),
    ("council", "pdf-bomb", None, "/valmont/files/D07.pdf", "a PDF decompression bomb"),
    ("council", "pdf-corrupt", None, "/valmont/files/D09.pdf", "a corrupt PDF"),
    ("council", "redirect-loop", None, "/valmont/files/D06.pdf", "a redirect loop"),
    ("council", "scdl-bad-date", "fontclair-ville:2025_098", "/fontclair/deliberations.csv",
     "an SCDL CSV row with an impossible date"),
    ("council", "too-big", None, "/valmont/files/annexes-2026.pdf", "a 200 MB response"),
    ("jorf", "empty-archive", "JORFSIMPLE_20261105-003000.tar.gz", "", "a 0-byte archive"),
    ("jorf", "forbidden-xml", "JORFTEXT000056020030", "20261108", "XML entity expansion"),
    ("jorf", "http-404", "JORFSIMPLE_20261109-003000.tar.gz", "", "a listed archive that is gone"),
    ("jorf", "malformed-xml", "JORFTEXT000056020020", "20261108", "XML cut mid-element"),
    ("jorf", "truncated-archive", "JORFSIMPLE_20261106-003000.tar.gz", "", "a truncated tar.gz"),
    ("jorf", "unexpected-listing-entry", "JORFSIMPLE_2026111-003000.tar.gz", "",
     "a listing entry with a bad date"),
    ("jorf", "unexpected-listing-entry", "JORFSIMPLE_20261112-003000.zip", "", "a .zip in the listing"),
    ("jorf", "unsafe-member-path", "../../../../tmp/technoveille-evil/JORFTEXT000056020098.xml", "",
     "tar traversal (`..`)"),
    ("jorf", "unsafe-member-path", "/tmp/technoveille-evil/JORFTEXT000056020097.xml", "",
     "tar absolute member path"),
    ("jorf", "unsafe-member-type", None, "20261107", "tar symbolic link to /etc/passwd"),
    ("jorf", "unsafe-member-type", None, "20261107", "tar hard link to /etc/shadow"),
    ("jorf", "unsafe-member-type", None, "20261107", "tar character device"),
]
GOOD = {"boamp": 298, "jorf": 8, "council": 26}   # jorf: 7 texts + 1 inside the hostile archive


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, replay_server):
    env = dict(crawl_env(tmp_path_factory.mktemp("bad"), replay_server),
               TECHNOVEILLE_RETRY_BACKOFF="0")
    logs = {}
    for source, args in (("boamp", ["--since", "2026-11-02", "--until", "2026-11-09"]),
                         ("jorf", ["--since", "2026-11-01"]), ("council", [])):
        logs[source] = run_cli(["crawl", source, *args], env).stderr
    casse = dict(env, JORF_DUMPS_URL=f"{replay_server}/jorf-casse/OPENDATA/JORFSIMPLE/")
    logs["jorf"] += run_cli(["crawl", "jorf", "--since", "2026-11-01"], casse).stderr
    errors = dict_rows(env["TECHNOVEILLE_DB"], "select * from crawl_errors")
    return {"env": env, "logs": logs, "errors": errors}


def test_the_corpus_has_its_cases_and_no_other_error():
    assert len(CASES) == 31
    assert len({(c[0], c[1], c[2], c[4]) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("source,reason,record_id,url_part,what", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_bad_input_is_an_error_row_and_a_log_line(corpus, source, reason, record_id,
                                                      url_part, what):
    rows = [e for e in corpus["errors"] if e["source"] == source and e["reason"] == reason
            and (record_id is None or e["record_id"] == record_id) and url_part in e["url"]]
    assert rows, f"{what}: no {reason} row"
    row = rows[0]
    assert row["detail"], what
    assert f"crawl error [{source}] {row['record_id'] or '-'}: {reason}" in corpus["logs"][source]


def test_nothing_crashed_and_every_good_document_is_stored(corpus):
    # exactly the table: no error row we did not expect, none from a crashed callback
    from scrapers.parsers.council import pdf

    expected = [(c[0], c[1]) for c in CASES]
    if not pdf.ocr_available():  # the Valmont scan (D08) is read by OCR when installed
        expected.append(("council", "needs-ocr"))
    got = sorted((e["source"], e["reason"]) for e in corpus["errors"])
    assert got == sorted(expected)
    for log in corpus["logs"].values():
        assert "Traceback" not in log and "callback failed" not in log
    counts = {r["source"]: r["n"] for r in dict_rows(
        corpus["env"]["TECHNOVEILLE_DB"], "select source, count(*) as n from documents group by source")}
    assert counts == GOOD
