"""read_archive on increments shaped like DILA's: a mid-day correction that re-delivers a
text without its sommaire, two JOs in one archive with texts listed before their sommaire,
a text outside a JORFCONT folder."""
from __future__ import annotations

from scrapers.parsers import jorf_archive
from tests.scrapers import jorf_shapes as S

JO = S.jo("JORFCONT000057100001", "0254", "2026-11-02")
RUBRIC = ["Décrets, arrêtés, circulaires", "Textes généraux", "Ministère de l'intérieur"]
T1, T2 = "JORFTEXT000057100010", "JORFTEXT000057100020"


def text(text_id: str, journal: dict, n: int = 3) -> bytes:
    base = int(text_id[8:]) * 100
    arts = "".join(S.article(f"JORFARTI{base + i:012d}", "1er" if i == 0 else str(i + 1),
                             f"<p>\n<br/>Disposition {i + 1} du texte {text_id}.</p>")
                   for i in range(n))
    return S.texte(text_id, journal, arts)


def night() -> bytes:
    folder = S.cont_folder("20261102-003512", JO["id"])
    return S.tar_gz([
        (f"{folder}/{T1}.xml", text(T1, JO)),
        (f"{folder}/{T2}.xml", text(T2, JO, 5)),
        (f"{folder}/{JO['id']}.xml", S.sommaire(JO, [(RUBRIC, T1, "Décret 1"),
                                                      (RUBRIC, T2, "Décret 2")])),
    ])


def test_midday_correction_keeps_the_rubric_of_the_sommaire_read_earlier():
    first = jorf_archive.read_archive("JORFSIMPLE_20261102-003512.tar.gz", night())
    assert set(first.sommaires) == {JO["id"]}
    midday = S.tar_gz([(f"{S.cont_folder('20261102-135307', JO['id'])}/{T2}.xml",
                        text(T2, JO, 5))])
    alone = jorf_archive.read_archive("JORFSIMPLE_20261102-135307.tar.gz", midday)
    assert "rubric" not in alone.documents[0]["extra"]  # this archive has no sommaire
    again = jorf_archive.read_archive("JORFSIMPLE_20261102-135307.tar.gz", midday,
                                      known_sommaires=first.sommaires)
    (doc,) = again.documents
    assert doc["source_id"] == T2 and len(doc["parts"]) == 5
    assert doc["extra"]["rubric"] == " > ".join(RUBRIC)
    assert doc["extra"]["jo_number"] == "0254" and doc["extra"]["archive_kind"] == "midday"
    assert again.sommaires == {}  # nothing new to remember


def test_text_outside_a_jorfcont_folder_finds_its_sommaire_by_origine_publi():
    body = S.tar_gz([
        (f"20261102-003512/jorf/simple/JORF/TEXT/{S.shard(T1)}/{T1}.xml", text(T1, JO)),
        (f"{S.cont_folder('20261102-003512', JO['id'])}/{JO['id']}.xml",
         S.sommaire(JO, [(RUBRIC, T1, "Décret 1")])),
    ])
    (doc,) = jorf_archive.read_archive("JORFSIMPLE_20261102-003512.tar.gz", body).documents
    assert doc["extra"]["rubric"] == " > ".join(RUBRIC)
    assert doc["extra"]["jo_id"] == JO["id"]


def test_two_jos_of_one_day_with_texts_before_their_sommaires():
    jo2 = S.jo("JORFCONT000057100501", "0255", "2026-11-02")
    t3 = "JORFTEXT000057100510"
    f1, f2 = (S.cont_folder("20261102-003512", j["id"]) for j in (JO, jo2))
    body = S.tar_gz([
        (f"{f1}/{T1}.xml", text(T1, JO, 2)),
        (f"{f1}/{JO['id']}.xml", S.sommaire(JO, [(RUBRIC, T1, "Décret 1")])),
        (f"{f2}/{t3}.xml", text(t3, jo2, 7)),
        (f"{f2}/{jo2['id']}.xml", S.sommaire(jo2, [(["Avis et communications"], t3, "Avis")])),
    ])
    result = jorf_archive.read_archive("JORFSIMPLE_20261102-003512.tar.gz", body)
    docs = {d["source_id"]: d for d in result.documents}
    assert {k: (len(d["parts"]), d["extra"]["jo_number"], d["extra"]["rubric"])
            for k, d in docs.items()} == {
        T1: (2, "0254", " > ".join(RUBRIC)),
        t3: (7, "0255", "Avis et communications")}
    assert result.errors == [] and result.complete
