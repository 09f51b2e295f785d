"""Which documents reach which subscription: every kind of criterion against an oracle computed
from the working DB, follow-ups presented with what they follow, documents newly flagged by a
rematch sent once in « trouvé dans l'historique »."""
from __future__ import annotations

import re
import sqlite3

import pytest
import yaml

from tests.alerts.conftest import alerts, alerts_env, confirmed, private_rows
from tests.alerts.test_delivery import body
from tests.conftest import ROOT, run_cli


def delivered(env, sub_id) -> set[str]:
    return {r["document_id"] for r in private_rows(
        env, "select document_id from deliveries where subscription_id = ?", [sub_id])}


def oracle(env, sql, args=()) -> set[str]:
    con = sqlite3.connect(env["TECHNOVEILLE_DB"])
    try:
        return {r[0] for r in con.execute(sql, args)}
    finally:
        con.close()


@pytest.mark.parametrize("args, expected_sql", [
    (["--source", "boamp"], "select id from documents where flagged = 1 and source = 'boamp'"),
    (["--departement", "13"],
     "select id from documents where flagged = 1 and departement = '13'"),
    (["--theme", "video", "--source", "council"],
     "select id from documents d where flagged = 1 and source = 'council' and exists ("
     "select 1 from json_each(d.themes) where value = 'video')"),
    (["--term", "drone"],
     "select distinct d.id from documents d join hits h on h.document_id = d.id "
     "where d.flagged = 1 and h.negated = 0 and h.term = 'drone'"),
    (["--query", "vidéoprotection"], None),
    ([], "select id from documents where flagged = 1"),
])
def test_each_kind_of_criterion(corpus_env, args, expected_sql):
    env = corpus_env
    sub = confirmed(env, "critere@example.org", *args)
    alerts(env, "send")
    got = delivered(env, sub)
    if expected_sql is None:  # the query: same rules as the site's search (core.search)
        from technoveille.core.search import fts_query

        expected = oracle(env, "select d.id from documents d where d.rowid in (select rowid "
                          "from documents_fts where documents_fts match ?)",
                          [fts_query("vidéoprotection")])
    else:
        expected = oracle(env, expected_sql)
    assert expected, "the oracle found nothing: the test would prove nothing"
    # follow-ups are on: what follows (links, transitively) a selected document comes too
    links = oracle_links(env)
    while True:
        more = {follower for follower, target in links if target in expected} - expected
        if not more:
            break
        expected |= more
    assert got == expected


def oracle_links(env):
    con = sqlite3.connect(env["TECHNOVEILLE_DB"])
    try:
        return con.execute("select document_id, target_id from links").fetchall()
    finally:
        con.close()


def test_buyer_and_commune(corpus_env):
    env = corpus_env
    con = sqlite3.connect(env["TECHNOVEILLE_DB"])
    siren, = con.execute("select siren from documents where flagged = 1 and siren is not null "
                         "group by siren order by count(*) desc limit 1").fetchone()
    commune, = con.execute("select commune from documents where flagged = 1 and commune is not "
                           "null group by commune order by count(*) desc limit 1").fetchone()
    con.close()
    by_buyer = confirmed(env, "acheteur@example.org", "--acheteur", siren)
    by_commune = confirmed(env, "commune@example.org", "--commune", commune)
    alerts(env, "send")
    assert delivered(env, by_buyer) == oracle(
        env, "select id from documents where flagged = 1 and siren = ?", [siren])
    assert delivered(env, by_commune) == oracle(
        env, "select id from documents where flagged = 1 and commune = ?", [commune])


def test_new_only_leaves_out_follow_ups(corpus_env):
    env = corpus_env
    with_follow = confirmed(env, "suites@example.org", "--theme", "drones")
    new_only = confirmed(env, "nouveaux@example.org", "--theme", "drones", "--new-only")
    alerts(env, "send")
    assert "boamp:26-122001" in delivered(env, with_follow)      # rectificatif of 26-120012
    assert "boamp:26-120012" in delivered(env, new_only)
    assert "boamp:26-122001" not in delivered(env, new_only)


def test_a_follow_up_arriving_later_is_presented_with_what_it_follows(
        tmp_path, replay_server, smtp):
    env = alerts_env(tmp_path, replay_server, smtp.url)
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-03"], env)
    sub = confirmed(env, "suivi@example.org", "--theme", "drones")
    alerts(env, "send")
    first = smtp.messages[-1]
    assert "Acquisition d'aéronefs télépilotés" in body(first)
    run_cli(["crawl", "boamp", "--since", "2026-11-04", "--until", "2026-11-05"], env)
    alerts(env, "send")
    second = smtp.messages[-1]
    text = body(second)
    assert "Suites de documents déjà envoyés" in text
    assert re.search(r"Suite de : Acquisition d'aéronefs télépilotés.*"
                     r"http://site\.test/document/boamp:26-120012", text)
    assert "boamp:26-122001" in text and "boamp:26-120012" not in delivered_twice(env, sub)


def delivered_twice(env, sub):
    rows = private_rows(env, "select document_id, count(*) as n from deliveries where "
                        "subscription_id = ? group by document_id having n > 1", [sub])
    return {r["document_id"] for r in rows}


def test_rematch_finds_in_history_once(corpus_env, smtp, tmp_path):
    env = corpus_env
    alerts(env, "subscribe", "histoire@example.org", "--theme", "fichiers", "--frequency",
           "immediate")
    row = private_rows(env, "select id, confirm_token from subscriptions")[0]
    alerts(env, "confirm", row["confirm_token"])       # cursor: now (after the crawl)
    alerts(env, "send")                                 # nothing new; first snapshot
    before = len(smtp.messages)
    assert private_rows(env, "select count(*) as n from deliveries")[0]["n"] == 0
    # the vocabulary learns a word of an old, unflagged notice
    newly = oracle(env, "select id from documents where flagged = 0 and (text like ? or title "
                        "like ?)", ["%nettoyage des locaux%"] * 2)
    assert "boamp:26-120017" in newly
    vocab = yaml.safe_load((ROOT / "keywords.yml").read_text(encoding="utf-8"))
    vocab["themes"]["fichiers"].setdefault("A", []).append("nettoyage des locaux")
    keywords = tmp_path / "keywords.yml"
    keywords.write_text(yaml.safe_dump(vocab, allow_unicode=True), encoding="utf-8")
    env["TECHNOVEILLE_KEYWORDS"] = str(keywords)
    run_cli(["rematch"], env)
    alerts(env, "send")
    digest = smtp.messages[before]
    text = body(digest)
    assert "Trouvé dans l'historique" in text and "Nettoyage des locaux" in text
    assert digest["Subject"].startswith(f"technoveille : {len(newly)} documents trouvés dans "
                                        "l'historique — fichiers")
    rows = private_rows(env, "select document_id, section from deliveries")
    assert {r["document_id"] for r in rows} == newly      # nothing else was old news
    assert {r["section"] for r in rows} == {"history"}
    alerts(env, "send")
    assert len(smtp.messages) == before + 1


def test_queueing_is_sql_over_the_batch(corpus_env):
    """One INSERT … SELECT per subscription over the batch tables: the number of statements
    does not grow with the number of documents."""
    import sqlite3 as s3

    from alerts import db as private, select

    env = corpus_env
    for n in range(3):
        confirmed(env, f"sql{n}@example.org", "--theme", "video")
    con = private.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    private.attach_public(con, env["TECHNOVEILLE_DB"])
    statements = []
    con.conn.set_trace_callback(statements.append)
    with private.transaction(con):
        counts = select.queue(con)
    con.conn.set_trace_callback(None)
    documents = s3.connect(env["TECHNOVEILLE_DB"]).execute("select count(*) from documents"
                                                           ).fetchone()[0]
    assert counts["batch"] == documents and counts["queued"] > 0
    inserts = [s for s in statements if s.lstrip().lower().startswith(
        "insert or ignore into deliveries")]
    assert len(inserts) == 3 + 1   # one per subscription, one for follow-ups (nothing chained)
    assert len(statements) < 60
