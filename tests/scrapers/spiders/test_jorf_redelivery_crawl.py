"""Real `technoveille crawl jorf` runs (subprocess) against a plain `python -m http.server`
style directory (its listing, not Apache's) whose archives re-deliver texts, as DILA's
mid-day corrections and later increments do:

  JORFSIMPLE_20261020-003100  before --since: never downloaded
  JORFSIMPLE_20261102-003512  night: sommaire + 3 texts (drone wording only in Article 3)
  JORFSIMPLE_20261102-135307  mid-day: text 2 rectified, WITHOUT the sommaire
  JORFSIMPLE_20261105-003100  night 3 days later: text 1 unchanged, text 3 changed, no sommaire
  JORFSIMPLE_20261105-215000  a deletion list only

Crawled in two runs (--until 2026-11-02, then --since), so a re-delivery meets the version
stored by an earlier run as well as one yielded earlier in the same run."""
from __future__ import annotations

import functools
import json
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import run_cli
from tests.conftest import dict_rows as rows
from tests.scrapers import jorf_shapes as S

JO = S.jo("JORFCONT000057200001", "0254", "2026-11-02")
RUBRIC = ["Décrets, arrêtés, circulaires", "Textes généraux", "Ministère de l'intérieur"]
T1, T2, T3 = "JORFTEXT000057200010", "JORFTEXT000057200020", "JORFTEXT000057200030"
DRONE = ("Les services de la police nationale sont autorisés à mettre en œuvre des "
         "traitements d'images au moyen de caméras installées sur des aéronefs.")


def arts(text_id: str, n: int, special: dict[int, str] | None = None) -> list[str]:
    base = int(text_id[8:]) * 100
    return [S.article(f"JORFARTI{base + i:012d}", "1er" if i == 0 else str(i + 1),
                      f"<p>\n<br/>{(special or {}).get(i, f'Disposition {i + 1}.')}</p>")
            for i in range(n)]


def text1() -> bytes:  # sections, the drone wording in Article 3 only, an annex table
    a = arts(T1, 4, {2: DRONE})
    annex = S.article(f"JORFARTI{int(T1[8:]) * 100 + 9:012d}", "Annexe",
                      "<table>\n<tr>\n<td>Département</td>\n<td>Nombre</td>\n</tr>\n<tr>\n"
                      "<td>Gard</td>\n<td>4</td>\n</tr>\n</table>")
    struct = (S.section("JORFSCTA000572000101", "Chapitre Ier", "".join(a[:2]))
              + S.section("JORFSCTA000572000102", "Chapitre II", "".join(a[2:])) + annex)
    return S.texte(T1, JO, struct, nor="IOMD2630010D",
                   title="Décret n° 2026-1012 du 30 octobre 2026")


def text2(rectified: bool = False) -> bytes:
    extra = {1: "Disposition 2 (rectifiée)."} if rectified else None
    return S.texte(T2, JO, "".join(arts(T2, 6, extra)), nature="ARRETE", nor="IOMA2630020A",
                   title="Arrêté du 29 octobre 2026", seq=2)


def text3(changed: bool = False) -> bytes:
    extra = {0: "Disposition 1, lien corrigé."} if changed else None
    return S.texte(T3, JO, "".join(arts(T3, 2, extra)), nature="ARRETE", nor="IOMA2630030A",
                   title="Arrêté du 30 octobre 2026", seq=3)


def build(folder) -> dict[str, int]:
    """Writes the directory; returns JORFTEXT → number of <ARTICLE> (counted in our XML)."""
    old = S.jo("JORFCONT000057150001", "0245", "2026-10-20")
    f = {stamp: S.cont_folder(stamp, JO["id"]) for stamp in
         ("20261102-003512", "20261102-135307", "20261105-003100")}
    archives = {
        "JORFSIMPLE_20261020-003100.tar.gz": S.tar_gz([
            (f"{S.cont_folder('20261020-003100', old['id'])}/JORFTEXT000057150010.xml",
             S.texte("JORFTEXT000057150010", old, "".join(arts("JORFTEXT000057150010", 1))))]),
        "JORFSIMPLE_20261102-003512.tar.gz": S.tar_gz([
            (f"{f['20261102-003512']}/{T1}.xml", text1()),
            (f"{f['20261102-003512']}/{T2}.xml", text2()),
            (f"{f['20261102-003512']}/{T3}.xml", text3()),
            (f"{f['20261102-003512']}/{JO['id']}.xml", S.sommaire(
                JO, [(RUBRIC, T1, "Décret 1"), (RUBRIC, T2, "Arrêté 2"),
                     (RUBRIC, T3, "Arrêté 3")]))]),
        "JORFSIMPLE_20261102-135307.tar.gz": S.tar_gz([
            (f"{f['20261102-135307']}/{T2}.xml", text2(rectified=True))]),
        "JORFSIMPLE_20261105-003100.tar.gz": S.tar_gz([
            (f"{f['20261105-003100']}/{T1}.xml", text1()),
            (f"{f['20261105-003100']}/{T3}.xml", text3(changed=True))]),
        "JORFSIMPLE_20261105-215000.tar.gz": S.tar_gz([
            ("20261105-215000/liste_suppression_jorf.dat",
             f"jorf/global/texte/version/JORF/TEXT/{S.shard(T3)}/{T3}\n"
             "jorf/global/article/JORF/ARTI/00/00/57/20/00/JORFARTI005720001001\n".encode())]),
    }
    directory = folder / "OPENDATA" / "JORFSIMPLE"
    directory.mkdir(parents=True)
    for name, body in archives.items():
        (directory / name).write_bytes(body)
    (directory / "Freemium_jorf_simple_20250713-140000.tar.gz").write_bytes(b"never fetched")
    return {T1: text1().count(b"<ARTICLE>"), T2: text2().count(b"<ARTICLE>"),
            T3: text3().count(b"<ARTICLE>")}


class Handler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, fmt, *args):
        Handler.requests.append(self.path)



def snapshot(db) -> dict:
    return {t: rows(db, f"select * from {t} order by 1")
            for t in ("documents", "hits", "links", "state", "crawl_errors")}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jorf-redelivery")
    articles = build(tmp / "www")
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Handler, directory=str(tmp / "www")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JORF_", "PISTE_"))}
    env.update({"TECHNOVEILLE_DB": str(tmp / "tv.db"), "TECHNOVEILLE_ARCHIVE": str(tmp / "a"),
                "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_LOG_LEVEL": "INFO",
                "JORF_DUMPS_URL": f"http://127.0.0.1:{server.server_port}/OPENDATA/JORFSIMPLE/"})
    try:
        run_cli(["crawl", "jorf", "--since", "2026-11-01", "--until", "2026-11-02"], env)
        run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
        first_requests = list(Handler.requests)
        before = snapshot(tmp / "tv.db")
        Handler.requests.clear()
        run_cli(["crawl", "jorf", "--since", "2026-11-01"], env)
        yield {"db": tmp / "tv.db", "articles": articles, "first": first_requests,
               "second": list(Handler.requests), "before": before}
    finally:
        server.shutdown()


def docs(db) -> dict[str, dict]:
    out = {}
    for r in rows(db, "select * from documents"):
        r["extra"], r["parts"] = json.loads(r["extra"]), json.loads(r["parts"])
        out[r["source_id"]] = r
    return out


def test_every_text_with_all_its_articles(crawled):
    stored = docs(crawled["db"])
    assert {k: len(d["parts"]) for k, d in stored.items()} == crawled["articles"]
    assert [p["label"] for p in stored[T1]["parts"]] == [
        "Article 1er", "Article 2", "Article 3", "Article 4", "Annexe"]
    assert stored[T1]["parts"][4]["text"] == "Département | Nombre\nGard | 4"
    for text_id, doc in stored.items():
        assert doc["url"] == f"https://www.legifrance.gouv.fr/jorf/id/{text_id}"
        assert (doc["extra"]["jo_number"], doc["extra"]["jo_date"]) == ("0254", "2026-11-02")
    assert (stored[T1]["doc_type"], stored[T2]["doc_type"]) == ("décret", "arrêté")
    assert stored[T1]["extra"]["nor"] == "IOMD2630010D"


def test_a_re_delivered_text_keeps_its_rubric_and_stays_a_new_publication(crawled):
    stored = docs(crawled["db"])
    for text_id in (T1, T2, T3):
        extra = stored[text_id]["extra"]
        assert extra["rubric"] == " > ".join(RUBRIC), text_id
        # first delivered by the JO's own night archive: not a re-injection, even when a
        # later increment (3 days after) delivers it again
        assert extra["reinjected"] is False, text_id
    assert "Disposition 2 (rectifiée)." in stored[T2]["text"]
    assert stored[T2]["extra"]["archive"] == "JORFSIMPLE_20261102-135307.tar.gz"
    assert stored[T3]["parts"][0]["text"] == "Disposition 1, lien corrigé."
    assert stored[T3]["extra"]["archive"] == "JORFSIMPLE_20261105-003100.tar.gz"
    assert stored[T3]["extra"]["deleted"] == "JORFSIMPLE_20261105-215000.tar.gz"


def test_an_unchanged_re_delivery_leaves_the_row_alone(crawled):
    doc = docs(crawled["db"])[T1]
    assert doc["extra"]["archive"] == "JORFSIMPLE_20261102-003512.tar.gz"
    assert doc["extra"]["archive_kind"] == "night"
    assert doc["updated_at"] == doc["first_seen"]
    runs = rows(crawled["db"], "select * from crawl_runs order by id")
    assert [(r["documents_new"], r["documents_updated"], r["documents_unchanged"])
            for r in runs] == [(3, 0, 0), (0, 1, 1), (0, 0, 0)]


def test_hits_name_their_article(crawled):
    hits = rows(crawled["db"], "select * from hits where document_id = ?", [f"jorf:{T1}"])
    # the only surveillance wording is in article 3: every hit names it, and drones is among
    # the themes (the bare « caméras » of the next sentence may add video: same article)
    assert {(h["field"], h["part_label"]) for h in hits} == {("part", "Article 3")}
    assert "drones" in {h["theme"] for h in hits}


def test_downloads_and_second_run(crawled):
    archives = [p.rsplit("/", 1)[1] for p in crawled["first"] if p.endswith(".tar.gz")]
    assert archives == ["JORFSIMPLE_20261102-003512.tar.gz", "JORFSIMPLE_20261102-135307.tar.gz",
                        "JORFSIMPLE_20261105-003100.tar.gz", "JORFSIMPLE_20261105-215000.tar.gz"]
    assert not [p for p in crawled["second"] if p.endswith(".tar.gz")]
    assert [p for p in crawled["second"] if re.search(r"JORFSIMPLE/$", p)]
    assert snapshot(crawled["db"]) == crawled["before"]
