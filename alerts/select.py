"""Which documents are due to which subscription — in SQL, set by set.

The cursor is our ingestion (`documents.first_seen`), not the publication date: a notice
published last week and collected today is news. Each run:

1. `refresh_snapshot`: the (document, theme) pairs of every signalled document are compared
   with the last run's; a pair that appears on a document we already held unflagged at the
   last run was found by a `rematch` → « trouvé dans l'historique ».
2. `build_batch`: the documents any subscription may still want (first seen after the oldest
   cursor, or newly found in the history) go into temporary tables — their themes (a
   follow-up inherits the themes of what it follows, as in the feeds), their terms, and, when
   a subscription has a free-text query, an in-memory FTS5 index of the same columns as the
   public one (core.search), so each saved query runs over the batch only (percolation).
3. `queue`: one INSERT … SELECT per subscription into `deliveries` (UNIQUE (subscription,
   document): a document reaches a subscription once), then the follow-ups of what was
   delivered (links), then the channels.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import sqlite_utils

from alerts.criteria import Criteria, bind, where
from technoveille.core.db import FTS_TOKENIZE, now_iso
from technoveille.core.search import FTS_COLUMNS, index_values

logger = logging.getLogger(__name__)

_THEMES_OF_BATCH = "exists (select 1 from temp.batch_themes bt where bt.rid = n.rid and {})"
_TERMS_OF_BATCH = "exists (select 1 from temp.batch_terms bt where bt.rid = n.rid and {})"


def _meta(db, key, default=None):
    row = db.execute("select value from meta where key = ?", [key]).fetchone()
    return row[0] if row else default


def _set_meta(db, key, value):
    db.execute("insert into meta (key, value) values (?, ?) on conflict(key) do update set "
               "value = excluded.value", [key, value])


def refresh_snapshot(db: sqlite_utils.Database, now: str) -> int:
    """Update flag_snapshot from the public documents; returns how many pairs were found in
    the history (appeared on a document first seen before the previous snapshot)."""
    previous = _meta(db, "snapshot_at")
    db.execute("drop table if exists temp.current_flags")
    db.execute("""create temp table current_flags as
        select d.id as document_id, coalesce(j.value, '') as theme, d.first_seen as first_seen
        from pub.documents d left join json_each(coalesce(d.themes, '[]')) j
        where d.flagged = 1
        union
        select d.id, '', d.first_seen from pub.documents d where d.flagged = 1""")
    db.execute("create index temp.current_flags_pk on current_flags(document_id, theme)")
    if previous is None:
        found = 0
        db.execute("insert or ignore into flag_snapshot select document_id, theme, '' "
                   "from temp.current_flags")
    else:
        cur = db.execute(
            "insert or ignore into flag_snapshot (document_id, theme, appeared_at) "
            "select c.document_id, c.theme, case when c.first_seen <= ? then ? else '' end "
            "from temp.current_flags c where not exists (select 1 from flag_snapshot f "
            "where f.document_id = c.document_id and f.theme = c.theme)", [previous, now])
        found = db.execute("select count(distinct document_id) from flag_snapshot "
                           "where appeared_at = ?", [now]).fetchone()[0] if cur.rowcount else 0
    db.execute("delete from flag_snapshot where not exists (select 1 from temp.current_flags c "
               "where c.document_id = flag_snapshot.document_id and c.theme = flag_snapshot.theme)")
    _set_meta(db, "snapshot_at", now)
    return found


def build_batch(db: sqlite_utils.Database, floor: str, with_fts: bool) -> int:
    """The temporary tables of the documents still due to someone (see the module doc)."""
    for name in ("batch", "batch_themes", "batch_terms", "batch_fts"):
        db.execute(f"drop table if exists temp.{name}")
    db.execute("""create temp table batch as
        select d.rowid as rid, d.id, d.source, d.departement, d.commune, d.siren, d.flagged,
               d.matched, d.first_seen,
               (select max(f.appeared_at) from flag_snapshot f where f.document_id = d.id)
                   as appeared_at
        from pub.documents d
        where d.first_seen > :floor
           or d.id in (select document_id from flag_snapshot where appeared_at > :floor)""",
               {"floor": floor})
    db.execute("create unique index temp.batch_rid on batch(rid)")
    for column in ("first_seen", "source", "departement", "commune", "siren"):
        db.execute(f"create index temp.batch_{column} on batch({column})")
    db.execute("""create temp table batch_themes as
        select b.rid, j.value as theme from temp.batch b join pub.documents d on d.rowid = b.rid,
            json_each(coalesce(d.themes, '[]')) j
        union
        select b.rid, j.value from temp.batch b join pub.links l on l.document_id = b.id
            join pub.documents t on t.id = l.target_id, json_each(coalesce(t.themes, '[]')) j""")
    db.execute("create index temp.batch_themes_rid on batch_themes(rid, theme)")
    db.execute("""create temp table batch_terms as
        select distinct b.rid, h.term from temp.batch b join pub.hits h on h.document_id = b.id
        where h.negated = 0""")
    db.execute("create index temp.batch_terms_rid on batch_terms(rid, term)")
    size = db.execute("select count(*) from temp.batch").fetchone()[0]
    if with_fts:
        db.execute(f"create virtual table temp.batch_fts using fts5({', '.join(FTS_COLUMNS)}, "
                   f"tokenize = '{FTS_TOKENIZE}')")
        _fill_batch_fts(db)
    return size


def _fill_batch_fts(db: sqlite_utils.Database) -> None:
    """The batch's rows of the public index, copied when the public FTS table keeps its
    columns, else computed again from the documents (core.search.index_values)."""
    columns = ", ".join(FTS_COLUMNS)
    cur = db.execute(f"insert into temp.batch_fts (rowid, {columns}) select f.rowid, "
                     + ", ".join(f"f.{c}" for c in FTS_COLUMNS)
                     + " from pub.documents_fts f where f.rowid in (select rid from temp.batch)"
                     " and f.stems is not null")
    copied = max(cur.rowcount, 0)
    if copied == db.execute("select count(*) from temp.batch").fetchone()[0]:
        return
    rows = db.execute("select b.rid, d.title, d.text from temp.batch b join pub.documents d "
                      "on d.rowid = b.rid where b.rid not in (select rowid from temp.batch_fts)")
    db.conn.executemany(
        f"insert into temp.batch_fts (rowid, {columns}) values (?, ?, ?, ?, ?)",
        ((rid, *index_values(title, text)) for rid, title, text in rows))


def _batch_where(criteria: Criteria, params: dict) -> str:
    return where(
        criteria, params=params,
        themes_of=lambda cond: _THEMES_OF_BATCH.format(cond.format(theme="bt.theme")),
        terms_of=lambda cond: _TERMS_OF_BATCH.format(cond.format(term="bt.term")),
        fts_rowids=lambda q: f"select rowid from temp.batch_fts where batch_fts match {q}")


def _history_clause(criteria: Criteria, params: dict) -> str:
    """A document found in the history: a pair that appeared after the cursor, on the theme
    the subscription follows (or, without themes, the document's first signal)."""
    if criteria.themes:
        themes = ", ".join(bind(params, t) for t in criteria.themes)
        return ("exists (select 1 from flag_snapshot f where f.document_id = n.id "
                f"and f.appeared_at > :since and f.theme in ({themes}))")
    return ("exists (select 1 from flag_snapshot f where f.document_id = n.id "
            "and f.appeared_at > :since and f.theme = '')")


def queue_subscription(db: sqlite_utils.Database, sub_id: int, criteria: Criteria,
                       since: str, follow_ups: bool, now: str) -> int:
    params: dict = {}
    clause = _batch_where(criteria, params)
    history = _history_clause(criteria, params)
    only_matched = "" if follow_ups else "and (n.matched = 1 or n.flagged = 0) "
    sql = (
        "insert or ignore into deliveries (subscription_id, document_id, section, queued_at) "
        "select :sub, n.id, case when n.first_seen > :since then 'new' else 'history' end, :now "
        f"from temp.batch n where ({clause}) {only_matched}"
        f"and (n.first_seen > :since or (n.appeared_at > :since and {history}))")
    cur = db.execute(sql, {"sub": sub_id, "since": since, "now": now, **params})
    return cur.rowcount


def queue_follow_ups(db: sqlite_utils.Database, now: str) -> int:
    """Follow-ups (rectificatif, attribution, annulation…: links to a document already
    delivered) of every subscription that asked for them, transitively."""
    total = 0
    for _ in range(5):
        cur = db.execute("""
            insert or ignore into deliveries (subscription_id, document_id, section, follows,
                                              queued_at)
            select s.id, n.id, 'followup', l.target_id, :now
            from temp.batch n join pub.links l on l.document_id = n.id
            join deliveries dv on dv.document_id = l.target_id
            join subscriptions s on s.id = dv.subscription_id
            where s.status = 'active' and s.follow_ups = 1 and n.first_seen > s.since""",
                         {"now": now})
        total += max(cur.rowcount, 0)
        if cur.rowcount <= 0:
            break
    # a follow-up queued as an ordinary new document is still shown with what it follows:
    # under it when both go in the same message, among the « suites » when it was sent before
    db.execute("""update deliveries set
            follows = (select l.target_id from pub.links l join deliveries dv
                       on dv.document_id = l.target_id
                       and dv.subscription_id = deliveries.subscription_id
                       where l.document_id = deliveries.document_id
                       order by dv.status = 'sent' desc limit 1),
            section = case when exists (
                select 1 from pub.links l join deliveries dv on dv.document_id = l.target_id
                and dv.subscription_id = deliveries.subscription_id and dv.status = 'sent'
                where l.document_id = deliveries.document_id) then 'followup' else section end
        where status = 'pending' and section = 'new' and exists (
            select 1 from pub.links l join deliveries dv on dv.document_id = l.target_id
            and dv.subscription_id = deliveries.subscription_id
            where l.document_id = deliveries.document_id)""")
    return total


def queue_channels(db: sqlite_utils.Database, now: str) -> int:
    """A channel of a subscription gets what the subscription gets; a channel of its own
    (no subscription) gets every signalled document first seen after it was added."""
    cur = db.execute("""
        insert or ignore into channel_deliveries (channel_id, document_id, section, queued_at)
        select c.id, dv.document_id, dv.section, :now from channels c
        join subscriptions s on s.id = c.subscription_id and s.status = 'active'
        join deliveries dv on dv.subscription_id = c.subscription_id
        where c.status = 'active' and c.operator = 0 and dv.queued_at >= c.since""",
                     {"now": now})
    total = max(cur.rowcount, 0)
    cur = db.execute("""
        insert or ignore into channel_deliveries (channel_id, document_id, section, queued_at)
        select c.id, n.id, case when n.first_seen > c.since then 'new' else 'history' end, :now
        from channels c join temp.batch n
        where c.status = 'active' and c.operator = 0 and c.subscription_id is null
          and n.flagged = 1
          and (n.first_seen > c.since or exists (select 1 from flag_snapshot f
               where f.document_id = n.id and f.theme = '' and f.appeared_at > c.since))""",
                     {"now": now})
    return total + max(cur.rowcount, 0)


def queue(db: sqlite_utils.Database, now: str | None = None) -> dict[str, int]:
    """Everything due, in the private database (caller holds the transaction)."""
    now = now or now_iso()
    history = refresh_snapshot(db, now)
    subs = db.execute("select id, criteria, since, follow_ups from subscriptions "
                      "where status = 'active' order by id").fetchall()
    floors = [s[2] for s in subs] + [r[0] for r in db.execute(
        "select since from channels where status = 'active' and operator = 0")]
    if not floors:
        return {"history": history, "batch": 0, "queued": 0, "follow_ups": 0, "channels": 0}
    parsed = [(sid, Criteria.from_json(raw), since, bool(fu)) for sid, raw, since, fu in subs]
    size = build_batch(db, min(floors), with_fts=any(c.query for _, c, _, _ in parsed))
    queued = 0
    if size:
        for sid, criteria, since, follow_ups in parsed:
            queued += max(queue_subscription(db, sid, criteria, since, follow_ups, now), 0)
    follow = queue_follow_ups(db, now) if size else 0
    channels = queue_channels(db, now) if size else 0
    return {"history": history, "batch": size, "queued": queued, "follow_ups": follow,
            "channels": channels}


# ---------------------------------------------------------------------------- preview

def preview(db: sqlite_utils.Database, criteria: Criteria, days: int) -> int:
    """How many documents first seen over the last `days` days the criteria select (over the
    public tables directly: no batch)."""
    cut = (datetime.now(timezone.utc) - timedelta(days=days)).replace(microsecond=0).isoformat()
    params: dict = {}
    clause = where(
        criteria, params=params,
        themes_of=lambda cond: (
            "(exists (select 1 from json_each(coalesce(n.themes, '[]')) j where "
            + cond.format(theme="j.value") + ") or exists (select 1 from pub.links l "
            "join pub.documents t on t.id = l.target_id, json_each(coalesce(t.themes, '[]')) j "
            "where l.document_id = n.id and " + cond.format(theme="j.value") + "))"),
        terms_of=lambda cond: ("exists (select 1 from pub.hits h where h.document_id = n.id "
                               "and h.negated = 0 and " + cond.format(term="h.term") + ")"),
        fts_rowids=lambda q: f"select rowid from pub.documents_fts where documents_fts match {q}")
    sql = ("select count(*) from (select rowid as rid, * from pub.documents) n "
           f"where n.first_seen > :cut and {clause}")
    try:
        return db.execute(sql, {"cut": cut, **params}).fetchone()[0]
    except Exception as exc:  # noqa: BLE001 — no public database yet
        logger.info("preview unavailable: %s", exc)
        return 0
