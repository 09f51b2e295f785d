"""The private database (TECHNOVEILLE_PRIVATE_DB): subscribers, subscriptions, channels,
deliveries, the send log, the flag snapshot (documents newly flagged by a rematch) and the
operators' incidents. The public Datasette never opens this file; `alerts` reads the working
public database through a read-only ATTACH under the name `pub`.

Every write that belongs together runs in one transaction (`transaction(db)`), so bad input
or a crash leaves nothing half-written."""
from __future__ import annotations

import contextlib
import secrets
import sqlite3
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import sqlite_utils

from technoveille.core.db import now_iso

SCHEMA = """
create table if not exists subscribers (
    id integer primary key,
    email text not null unique,          -- lower-cased
    status text not null default 'pending',  -- pending | active | unsubscribed
    token text not null unique,          -- secret: manage every subscription of this address
    created_at text not null,
    confirmed_at text
);
create table if not exists subscriptions (
    id integer primary key,
    subscriber_id integer not null references subscribers(id),
    status text not null default 'pending',  -- pending | active | unsubscribed
    token text not null unique,          -- secret: manage / unsubscribe this subscription
    confirm_token text unique,           -- secret, single use; null once confirmed
    criteria text not null,              -- JSON (alerts.criteria.Criteria)
    criteria_key text not null,          -- sha256 of the normalised criteria
    label text not null,                 -- French summary of the criteria
    frequency text not null default 'daily',  -- immediate | daily | weekly
    follow_ups integer not null default 1,    -- also rectificatifs, attributions… of sent ones
    created_at text not null,
    confirmed_at text,
    since text,                          -- cursor: documents first seen after this are news
    last_sent_at text,
    unsubscribed_at text,
    unique (subscriber_id, criteria_key)
);
create index if not exists subscriptions_status on subscriptions(status);
create table if not exists channels (
    id integer primary key,
    url text not null,                   -- secret (Apprise URL, may hold a token)
    shown text not null,                 -- the URL with its secrets masked
    subscription_id integer references subscriptions(id),  -- null: every signalled document
    operator integer not null default 0, -- 1: operators' channel (health), never documents
    status text not null default 'active',
    since text not null,
    created_at text not null,
    unique (url, subscription_id, operator)
);
create table if not exists deliveries (
    id integer primary key,
    subscription_id integer not null references subscriptions(id),
    document_id text not null,
    section text not null,               -- new | history | followup
    follows text,                        -- followup: the document it follows
    status text not null default 'pending',  -- pending | sent
    queued_at text not null,
    sent_at text,
    send_id integer references sends(id),
    unique (subscription_id, document_id)
);
create index if not exists deliveries_pending on deliveries(status, subscription_id);
create table if not exists channel_deliveries (
    id integer primary key,
    channel_id integer not null references channels(id),
    document_id text not null,
    section text not null,
    status text not null default 'pending',
    queued_at text not null,
    sent_at text,
    send_id integer references sends(id),
    unique (channel_id, document_id)
);
create table if not exists sends (
    id integer primary key,
    at text not null,
    kind text not null,                  -- confirmation | digest | channel | operator
    subscription_id integer,
    channel_id integer,
    recipient text,                      -- an address, or a channel's masked URL
    documents integer not null default 0,
    status text not null,                -- sent | failed
    error text,
    message_id text
);
create table if not exists flag_snapshot (
    document_id text not null,
    theme text not null,                 -- '' for a document signalled without a theme
    appeared_at text not null,           -- '' for what the first snapshot found
    primary key (document_id, theme)
) without rowid;
create table if not exists incidents (
    id integer primary key,
    source text not null,
    kind text not null,                  -- failed | empty | errors
    detail text not null,
    opened_at text not null,
    closed_at text,
    notified_open integer not null default 0,
    notified_close integer not null default 0
);
create index if not exists incidents_open on incidents(source, kind, closed_at);
create table if not exists meta (key text primary key, value text);
"""


def connect(path: str | Path) -> sqlite_utils.Database:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(_uri(path), uri=True, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    # WAL + NORMAL: a commit survives a killed process (the crash the delivery semantics
    # are about); after a power cut the last commits may be lost, i.e. their messages resent
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    conn.executescript(SCHEMA)
    with contextlib.suppress(OSError):
        path.chmod(0o600)  # subscribers' addresses: readable by the owner only
    return db


def _uri(path: Path) -> str:
    return "file:" + quote(str(path.resolve()))


def attach_public(db: sqlite_utils.Database, public_path: str | Path) -> bool:
    """ATTACH the working public database read-only as `pub`; False when it does not exist."""
    if "pub" in {row[1] for row in db.execute("pragma database_list")}:
        return True
    path = Path(public_path)
    if not path.exists():
        return False
    db.execute("ATTACH DATABASE ? AS pub", [_uri(path) + "?mode=ro"])
    return True


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (nothing half-written)."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def new_token() -> str:
    """256 random bits, URL-safe; never starting with « - » (a CLI would read an option)."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def log_send(db: sqlite_utils.Database, kind: str, status: str, *, subscription_id=None,
             channel_id=None, recipient=None, documents=0, error=None, message_id=None) -> int:
    cur = db.execute(
        "insert into sends (at, kind, subscription_id, channel_id, recipient, documents, "
        "status, error, message_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [now_iso(), kind, subscription_id, channel_id, recipient, documents, status, error,
         message_id])
    return cur.lastrowid
