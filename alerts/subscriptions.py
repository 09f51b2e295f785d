"""Subscribe (double opt-in), confirm, manage and unsubscribe by secret token — no account.

Tokens come from `secrets`. A token that does not exist and a token already used get the
same answer (`InvalidToken`), so nothing can be learnt by guessing. Every change is one
transaction: bad input leaves nothing in the private database."""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from alerts.criteria import AlertInputError, Criteria, Vocabulary, check, check_email, \
    check_frequency, describe
from alerts.db import new_token, transaction
from technoveille.core.db import now_iso


class InvalidToken(LookupError):
    """Unknown or already used: one message for both."""
    message = "Ce lien n'est pas (ou plus) valable."


@dataclass
class Subscription:
    id: int
    email: str
    status: str
    token: str
    confirm_token: str | None
    criteria: Criteria
    label: str
    frequency: str
    follow_ups: bool
    created_at: str
    confirmed_at: str | None
    since: str | None
    last_sent_at: str | None
    subscriber_token: str


_SELECT = """select s.id, p.email, s.status, s.token, s.confirm_token, s.criteria, s.label,
                    s.frequency, s.follow_ups, s.created_at, s.confirmed_at, s.since,
                    s.last_sent_at, p.token
             from subscriptions s join subscribers p on p.id = s.subscriber_id"""


def _row(row) -> Subscription:
    return Subscription(row[0], row[1], row[2], row[3], row[4], Criteria.from_json(row[5]),
                        row[6], row[7], bool(row[8]), row[9], row[10], row[11], row[12],
                        row[13])


def get(db: sqlite_utils.Database, sub_id: int) -> Subscription | None:
    row = db.execute(_SELECT + " where s.id = ?", [sub_id]).fetchone()
    return _row(row) if row else None


def by_token(db: sqlite_utils.Database, token: str) -> Subscription:
    """The subscription of a manage token (any status but unsubscribed)."""
    row = db.execute(_SELECT + " where s.token = ? and s.status != 'unsubscribed'",
                     [token or ""]).fetchone() if token else None
    if row is None:
        raise InvalidToken(token)
    return _row(row)


def of_subscriber(db: sqlite_utils.Database, email: str) -> list[Subscription]:
    return [_row(r) for r in db.execute(
        _SELECT + " where p.email = ? and s.status != 'unsubscribed' order by s.id", [email])]


def all_subscriptions(db: sqlite_utils.Database) -> list[Subscription]:
    return [_row(r) for r in db.execute(_SELECT + " order by s.id")]


@dataclass
class Subscribed:
    subscription: Subscription
    outcome: str          # created | pending-again | already-active | reactivated


def subscribe(db: sqlite_utils.Database, email: str, raw: dict, vocab: Vocabulary,
              frequency: str | None = None, follow_ups: bool = True) -> Subscribed:
    """Record a pending subscription (or find the same one). Raises AlertInputError."""
    email = check_email(email)
    criteria = check(raw, vocab)
    frequency = check_frequency(frequency)
    label = describe(criteria, vocab)
    now = now_iso()
    with transaction(db):
        row = db.execute("select id, status from subscribers where email = ?",
                         [email]).fetchone()
        if row is None:
            subscriber_id = db.execute(
                "insert into subscribers (email, status, token, created_at) "
                "values (?, 'pending', ?, ?)", [email, new_token(), now]).lastrowid
        else:
            subscriber_id = row[0]
        existing = db.execute("select id, status from subscriptions where subscriber_id = ? "
                              "and criteria_key = ?", [subscriber_id, criteria.key()]).fetchone()
        if existing is None:
            sub_id = db.execute(
                "insert into subscriptions (subscriber_id, status, token, confirm_token, "
                "criteria, criteria_key, label, frequency, follow_ups, created_at) "
                "values (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)",
                [subscriber_id, new_token(), new_token(), criteria.to_json(), criteria.key(),
                 label, frequency, int(follow_ups), now]).lastrowid
            outcome = "created"
        else:
            sub_id, status = existing
            if status == "active":
                outcome = "already-active"
            elif status == "pending":
                outcome = "pending-again"
                db.execute("update subscriptions set frequency = ?, follow_ups = ? where id = ?",
                           [frequency, int(follow_ups), sub_id])
            else:  # unsubscribed earlier: a new double opt-in, new tokens
                outcome = "reactivated"
                db.execute("update subscriptions set status = 'pending', token = ?, "
                           "confirm_token = ?, frequency = ?, follow_ups = ?, created_at = ?, "
                           "confirmed_at = null, since = null, unsubscribed_at = null "
                           "where id = ?", [new_token(), new_token(), frequency,
                                            int(follow_ups), now, sub_id])
    return Subscribed(get(db, sub_id), outcome)


def confirm(db: sqlite_utils.Database, confirm_token: str) -> Subscription:
    """Double opt-in: the link of the confirmation mail (single use). The cursor starts now."""
    now = now_iso()
    with transaction(db):
        row = db.execute("select id, subscriber_id from subscriptions where confirm_token = ? "
                         "and status = 'pending'", [confirm_token or ""]).fetchone() \
            if confirm_token else None
        if row is None:
            raise InvalidToken(confirm_token)
        db.execute("update subscriptions set status = 'active', confirm_token = null, "
                   "confirmed_at = ?, since = ? where id = ?", [now, now, row[0]])
        db.execute("update subscribers set status = 'active', confirmed_at = coalesce("
                   "confirmed_at, ?) where id = ?", [now, row[1]])
    return get(db, row[0])


def unsubscribe(db: sqlite_utils.Database, token: str) -> Subscription:
    """One click: the subscription stops; its pending deliveries are dropped."""
    sub = by_token(db, token)
    now = now_iso()
    with transaction(db):
        db.execute("update subscriptions set status = 'unsubscribed', confirm_token = null, "
                   "unsubscribed_at = ? where id = ?", [now, sub.id])
        db.execute("delete from deliveries where subscription_id = ? and status = 'pending'",
                   [sub.id])
        db.execute("delete from channel_deliveries where status = 'pending' and channel_id in "
                   "(select id from channels where subscription_id = ?)", [sub.id])
        db.execute("update channels set status = 'stopped' where subscription_id = ?", [sub.id])
        db.execute("update subscribers set status = 'unsubscribed' where id = (select "
                   "subscriber_id from subscriptions where id = ?) and not exists (select 1 "
                   "from subscriptions s2 where s2.subscriber_id = subscribers.id and "
                   "s2.status != 'unsubscribed')", [sub.id])
    return get(db, sub.id)


def update(db: sqlite_utils.Database, token: str, frequency: str | None = None,
           follow_ups: bool | None = None) -> Subscription:
    sub = by_token(db, token)
    frequency = check_frequency(frequency or sub.frequency)
    with transaction(db):
        db.execute("update subscriptions set frequency = ?, follow_ups = ? where id = ?",
                   [frequency, int(sub.follow_ups if follow_ups is None else follow_ups),
                    sub.id])
    return get(db, sub.id)


def parse_id(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise AlertInputError(f"numéro d'abonnement invalide : {value!r}", "subscription")
    if number <= 0:
        raise AlertInputError(f"numéro d'abonnement invalide : {value!r}", "subscription")
    return number
