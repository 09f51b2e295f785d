"""Writes to the public database shared by the crawl pipeline and `technoveille rematch`
(one code path): vocabulary, documents and their FTS row, hits, links, flags, deletions."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

import sqlite_utils

from technoveille.core import places
from technoveille.core.db import (DOCUMENT_COLUMNS, get_state, now_iso, set_state,
                                   write_fts)
from technoveille.core.places import locate


# ---------------------------------------------------------------- vocabulary

def store_vocabulary(db: sqlite_utils.Database, matcher) -> None:
    """themes and terms tables mirror keywords.yml (rewritten only when it changed)."""
    if get_state(db, "vocabulary_version") == matcher.version:
        return
    with db.atomic():
        db.execute("delete from terms")
        db.execute("delete from themes")
        db["themes"].insert_all(
            [{"id": t["id"], "label": t.get("label"), "description": t.get("description")}
             for t in matcher.themes], pk="id")
        rows = []
        for t in matcher.terms:
            key = f"{t['theme']}|{t['term']}|{t.get('mode')}"
            rows.append({"id": hashlib.sha1(key.encode()).hexdigest()[:16], "theme": t["theme"],
                         "term": t["term"], "mode": t.get("mode"), "tier": t.get("tier")})
        db["terms"].insert_all(rows, pk="id", replace=True)
        set_state(db, "vocabulary_version", matcher.version)


# ---------------------------------------------------------------- documents

def content_hash(doc: dict) -> str:
    keys = ("url", "title", "text", "parts", "published_on", "doc_type", "authority",
            "authority_id", "place_name", "place_code", "related", "extra")
    payload = json.dumps({k: doc.get(k) for k in keys}, sort_keys=True, ensure_ascii=False,
                         default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def hit_rows(document_id: str, result) -> list[dict[str, Any]]:
    rows, seen = [], set()
    for h in result.hits:
        key = f"{document_id}|{h.theme}|{h.term}|{h.field}|{h.part_index}|{h.start}|{h.end}"
        hid = hashlib.sha1(key.encode()).hexdigest()[:20]
        if hid in seen:
            continue
        seen.add(hid)
        rows.append({"id": hid, "document_id": document_id, "theme": h.theme, "term": h.term,
                     "tier": h.tier, "part_label": h.part_label, "part_index": h.part_index,
                     "field": h.field, "start": h.start, "end": h.end, "snippet": h.snippet,
                     "negated": int(bool(h.negated))})
    return rows


def apply_match(db: sqlite_utils.Database, document_id: str, result, version: str
                ) -> tuple[list[dict], list[dict]]:
    """Replace a document's hits by `result` (caller holds the transaction).
    Returns (added, removed) hit rows, so rematch can report per theme."""
    new_rows = hit_rows(document_id, result)
    old = {r["id"]: r for r in db.query(
        "select id, theme, term from hits where document_id = ?", [document_id])}
    new_ids = {r["id"] for r in new_rows}
    added = [r for r in new_rows if r["id"] not in old]
    removed = [r for i, r in old.items() if i not in new_ids]
    if removed:
        db.execute(f"delete from hits where id in ({','.join('?' * len(removed))})",
                   [r["id"] for r in removed])
    if added:
        db["hits"].insert_all(added, pk="id")
    themes = json.dumps(sorted(result.themes), ensure_ascii=False)
    score = round(sum(result.scores.values()), 3) if result.scores else 0.0
    db.execute(
        "update documents set matched = ?, themes = ?, score = ?, match_version = ? "
        "where id = ? and (matched is not ? or themes is not ? or score is not ? "
        "or match_version is not ?)",
        [int(result.flagged), themes, score, version, document_id,
         int(result.flagged), themes, score, version])
    return added, removed


def index_fts(db: sqlite_utils.Database, document_id: str) -> None:
    row = db.execute("select rowid, title, text from documents where id = ?",
                     [document_id]).fetchone()
    if row is None:
        return
    write_fts(db, row[0], row[1], row[2])


def upsert_document(db: sqlite_utils.Database, doc: dict) -> str:
    """Insert or update one document (all columns always present: sqlite-utils #873).
    Returns 'new', 'updated' or 'unchanged'. Caller holds the transaction."""
    chash = content_hash(doc)
    existing = db.execute("select content_hash from documents where id = ?",
                          [doc["id"]]).fetchone()
    if existing and existing[0] == chash:
        return "unchanged"
    now = now_iso()
    row = {k: None for k in DOCUMENT_COLUMNS}
    for key in ("id", "source", "source_id", "url", "title", "text", "published_on",
                "doc_type", "authority", "authority_id", "place_name", "place_code",
                "fetched_at", "sha256", "archive"):
        row[key] = doc.get(key)
    row.update(locate(doc))
    for key in ("parts", "related", "extra"):
        row[key] = json.dumps(doc.get(key) or ([] if key != "extra" else {}),
                              ensure_ascii=False, sort_keys=True)
    row["content_hash"] = chash
    row["updated_at"] = now
    if existing:
        keep = ("matched", "flagged", "flag_reason", "themes", "score", "match_version",
                "first_seen")
        for key in keep:
            row.pop(key)
        db["documents"].update(doc["id"], row)
        status = "updated"
    else:
        row.update(first_seen=now, matched=0, flagged=0, themes="[]", score=0.0)
        db["documents"].insert(row, pk="id")
        status = "new"
    index_fts(db, doc["id"])
    replace_links(db, doc["id"], doc.get("source"), doc.get("related") or [])
    return status


def relocate(db: sqlite_utils.Database, force: bool = False) -> int:
    """Recompute documents.departement / commune / siren of every stored document with the
    current rules and reference data (technoveille.core.places), when their version changed
    since the last pass (or `force`). An unchanged document is never rewritten by a crawl, so
    this is how documents stored before a rule or the reference data changed get their
    places. Rewrites only the rows that change; returns their count. Caller may hold the
    transaction."""
    wanted = places.version()
    if not force and get_state(db, "places_version") == wanted:
        return 0
    changed, after = 0, -1
    while True:  # by chunks in rowid order: memory does not grow with the database
        rows = db.execute("select rowid, id, source, place_code, authority_id, title, "
                          "departement, commune, siren from documents where rowid > ? "
                          "order by rowid limit 2000", [after]).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        for _rowid, doc_id, source, place_code, authority_id, title, *current in rows:
            new = locate({"source": source, "place_code": place_code,
                          "authority_id": authority_id, "title": title})
            if [new["departement"], new["commune"], new["siren"]] != current:
                db.execute("update documents set departement = ?, commune = ?, siren = ? "
                           "where id = ?",
                           [new["departement"], new["commune"], new["siren"], doc_id])
                changed += 1
    set_state(db, "places_version", wanted)
    return changed


def replace_links(db: sqlite_utils.Database, document_id: str, source: str | None,
                  related: Iterable[dict]) -> None:
    rows = set()
    for rel in related:
        target = rel.get("source_id") if isinstance(rel, dict) else str(rel)
        if not target:
            continue
        target_id = target if ":" in target else f"{rel.get('source') or source}:{target}"
        if target_id == document_id:
            continue
        rows.add((target_id, (rel.get("relation") if isinstance(rel, dict) else None) or "lie"))
    current = {(r[0], r[1]) for r in db.execute(
        "select target_id, relation from links where document_id = ?", [document_id])}
    if current == rows:
        return
    db.execute("delete from links where document_id = ?", [document_id])
    if rows:
        db["links"].insert_all([{"document_id": document_id, "target_id": t, "relation": r}
                                for t, r in sorted(rows)], pk=("document_id", "target_id",
                                                               "relation"))


def propagate_flags(db: sqlite_utils.Database) -> int:
    """flagged = matched by keywords, or linked (rectificatif, annulation, attribution…) to a
    flagged document, transitively. Order-independent; rewrites only rows that change."""
    sql = """
    with recursive f(id) as (
        select id from documents where matched = 1
        union
        select l.document_id from links l join f on l.target_id = f.id
    ),
    wanted as (
        select d.id,
               case when d.matched = 1 then 1 when d.id in (select id from f) then 1 else 0 end
                   as flagged,
               case when d.matched = 1 then 'mots-clés'
                    when d.id in (select id from f) then 'avis lié à un document signalé'
                    else null end as reason
        from documents d
    )
    update documents set flagged = (select flagged from wanted where wanted.id = documents.id),
                         flag_reason = (select reason from wanted where wanted.id = documents.id)
    where id in (select w.id from wanted w join documents d2 on d2.id = w.id
                 where d2.flagged is not w.flagged or d2.flag_reason is not w.reason)
    """
    before = db.conn.total_changes
    db.execute(sql)
    return db.conn.total_changes - before


def mark_deleted(db: sqlite_utils.Database, deletion) -> str:
    """Mark a withdrawn text (`extra.deleted` = the archive) or article (added to
    `extra.deleted_articles` of the texts that hold it); nothing is erased. Returns what
    happened: 'marked', 'already', or 'never-stored'. Caller holds the transaction."""
    target = deletion.target
    if target.startswith("JORFARTI"):
        marked_any = False
        for doc_id, raw in db.execute(
                "select id, extra from documents where source = ? and extra like ?",
                [deletion.source, f"%{target}%"]).fetchall():
            extra = json.loads(raw or "{}")
            marked = extra.setdefault("deleted_articles", [])
            if target not in marked:
                marked.append(target)
                marked_any = True
                db.execute("update documents set extra = ? where id = ?",
                           [json.dumps(extra, ensure_ascii=False, sort_keys=True), doc_id])
        return "marked" if marked_any else "already"
    doc_id = f"{deletion.source}:{target}"
    row = db.execute("select extra from documents where id = ?", [doc_id]).fetchone()
    if row is None:
        return "never-stored"
    extra = json.loads(row[0] or "{}")
    if extra.get("deleted") == deletion.by:
        return "already"
    extra["deleted"] = deletion.by
    db.execute("update documents set extra = ?, updated_at = ? where id = ?",
               [json.dumps(extra, ensure_ascii=False, sort_keys=True), now_iso(), doc_id])
    return "marked"
