"""`technoveille alerts …`: subscriptions, digests, channels and the operators' health check.
Bad input: a French message on stderr and exit code 2; nothing written."""
from __future__ import annotations

import fcntl
import sys

from technoveille.core import config


def register(sub):
    p = sub.add_parser("alerts", help="alertes : abonnements, envois, canaux, santé des sources")
    cmds = p.add_subparsers(dest="alerts_command", metavar="ACTION")
    cmds.required = True

    s = cmds.add_parser("subscribe", help="abonner une adresse (courriel de confirmation)")
    s.add_argument("email")
    for flag, dest, what in (("--theme", "themes", "thème (drones, video…)"),
                             ("--term", "terms", "terme du vocabulaire"),
                             ("--source", "sources", "source (boamp, jorf, council…)"),
                             ("--departement", "departements", "code de département"),
                             ("--commune", "communes", "code INSEE de commune"),
                             ("--acheteur", "acheteurs", "SIREN de l'acheteur")):
        s.add_argument(flag, dest=dest, action="append", default=[], help=what)
    s.add_argument("--query", default="", help="recherche libre (mêmes règles que le site)")
    s.add_argument("--frequency", default="daily", help="immediate, daily (défaut) ou weekly")
    s.add_argument("--new-only", action="store_true",
                   help="nouveaux documents seulement (sans rectificatifs, attributions…)")
    s.set_defaults(func=subscribe)

    c = cmds.add_parser("confirm", help="confirmer un abonnement (jeton du courriel)")
    c.add_argument("token")
    c.set_defaults(func=confirm)
    u = cmds.add_parser("unsubscribe", help="désabonner (jeton de gestion)")
    u.add_argument("token")
    u.set_defaults(func=unsubscribe)
    lst = cmds.add_parser("list", help="lister les abonnements et canaux")
    lst.set_defaults(func=list_all)
    snd = cmds.add_parser("send", help="envoyer ce qui est dû")
    snd.add_argument("--dry-run", action="store_true", help="montrer sans rien envoyer")
    snd.set_defaults(func=send)
    ch = cmds.add_parser("channel", help="canaux Apprise (Matrix, Mattermost, ntfy, webhook…)")
    ch_cmds = ch.add_subparsers(dest="channel_command", metavar="ACTION")
    ch_cmds.required = True
    add = ch_cmds.add_parser("add", help="ajouter un canal")
    add.add_argument("url")
    add.add_argument("--subscription", help="numéro d'abonnement (sinon : tout ce qui est signalé)")
    add.add_argument("--operator", action="store_true",
                     help="canal des opérateurs (pannes des sources), jamais de documents")
    add.set_defaults(func=channel_add)
    h = cmds.add_parser("health", help="santé des sources ; prévient les opérateurs")
    h.set_defaults(func=health)
    sv = cmds.add_parser("serve", help="pages d'abonnement (processus séparé du site)")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8002)
    sv.set_defaults(func=serve)


def fail(message: str) -> int:
    print(f"technoveille: {message}", file=sys.stderr)
    return 2


def open_db():
    from alerts.db import attach_public, connect

    db = connect(config.private_db_path())
    attach_public(db, config.db_path())
    return db


def has_documents(db) -> bool:
    """False (and says so) when nothing was ever collected into TECHNOVEILLE_DB."""
    try:
        db.execute("select 1 from pub.documents limit 1").fetchall()
        db.execute("select 1 from pub.crawl_runs limit 1").fetchall()
        return True
    except Exception:  # noqa: BLE001 — no database, or one made before any crawl
        print(f"aucune base de documents ({config.db_path()}) : rien n'a encore été collecté")
        return False


def subscribe(args) -> int:
    from alerts import send, subscriptions
    from alerts.criteria import AlertInputError
    from alerts.select import preview

    db = open_db()
    raw = {"themes": args.themes, "terms": args.terms, "sources": args.sources,
           "departements": args.departements, "communes": args.communes,
           "acheteurs": args.acheteurs, "query": args.query}
    try:
        result = subscriptions.subscribe(db, args.email, raw, send.vocabulary(db),
                                         args.frequency, follow_ups=not args.new_only)
    except AlertInputError as exc:
        return fail(str(exc))
    sub = result.subscription
    days = config.get_int("ALERTS_PREVIEW_DAYS")
    count = preview(db, sub.criteria, days)
    if result.outcome == "already-active":
        print(f"abonnement {sub.id} déjà actif pour {sub.email} : {sub.label}")
        return 0
    sent = send.send_confirmation(db, sub)
    said = {"created": "abonnement", "pending-again": "abonnement déjà en attente",
            "reactivated": "abonnement repris"}[result.outcome]
    print(f"{said} {sub.id} : {sub.email} — {sub.label} ({sub.frequency})")
    print(f"sur les {days} derniers jours, il aurait envoyé {count} document(s)")
    limit = config.get_int("ALERTS_TOO_MANY_PER_DAY")
    if count > limit * days:
        print(f"attention : plus de {limit} documents par jour en moyenne ; précisez l'alerte")
    if sent:
        print("courriel de confirmation envoyé ; l'alerte démarre à la confirmation")
    else:
        print("le courriel de confirmation n'a pas pu partir ; il sera renvoyé au prochain "
              "« technoveille alerts send »", file=sys.stderr)
    return 0


def _by_token(action, args, said) -> int:
    """confirm / unsubscribe: one token, one French line; unknown or used: exit 2."""
    from alerts import subscriptions

    db = open_db()
    try:
        sub = action(db, args.token)
    except subscriptions.InvalidToken:
        return fail(subscriptions.InvalidToken.message)
    print(said(sub))
    return 0


def confirm(args) -> int:
    from alerts import subscriptions

    return _by_token(subscriptions.confirm, args,
                     lambda s: f"abonnement {s.id} confirmé : {s.email} — {s.label}")


def unsubscribe(args) -> int:
    from alerts import subscriptions

    return _by_token(subscriptions.unsubscribe, args, lambda s: (
        f"abonnement {s.id} arrêté : {s.email} ne recevra plus « {s.label} »"))


def list_all(args) -> int:
    from alerts import subscriptions

    db = open_db()
    subs = subscriptions.all_subscriptions(db)
    if not subs:
        print("aucun abonnement")
    for s in subs:
        counts = dict(db.execute("select status, count(*) from deliveries where "
                                 "subscription_id = ? group by status", [s.id]).fetchall())
        print(f"{s.id:>5}  {s.status:<12} {s.frequency:<9} {s.email}  {s.label}  "
              f"[envoyés {counts.get('sent', 0)}, en attente {counts.get('pending', 0)}]")
    for cid, shown, sub_id, operator, status in db.execute(
            "select id, shown, subscription_id, operator, status from channels order by id"):
        target = "opérateurs" if operator else (f"abonnement {sub_id}" if sub_id
                                                else "tout ce qui est signalé")
        print(f"canal {cid}  {status:<8} {shown}  → {target}")
    return 0


def send(args) -> int:
    from alerts import send as sender

    db = open_db()
    if not has_documents(db):
        return 0
    # one sender at a time (cron every hour and `update` may meet): the second one waits for
    # nothing and says so, rather than read the same pending rows and send them twice
    lock_path = config.private_db_path().with_suffix(".send.lock")
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"technoveille: un envoi d'alertes est déjà en cours ({lock_path}) ; rien à "
                  "faire", file=sys.stderr)
            return 3
        report = sender.run(db, dry_run=args.dry_run)
    q = report.queued
    if args.dry_run:
        print(f"simulation : {report.messages} message(s) pour {report.documents} document(s) ; "
              f"rien n'est envoyé ni enregistré")
        for email, count in report.planned:
            print(f"  {email} : {count} document(s)")
    else:
        print(f"alertes : {q.get('queued', 0) + q.get('follow_ups', 0)} document(s) mis en file "
              f"({q.get('history', 0)} trouvé(s) dans l'historique), {report.messages} "
              f"message(s) envoyé(s) pour {report.documents} document(s), "
              f"{report.channel_messages} notification(s) de canal")
    if report.waiting:
        print(f"{report.waiting} abonnement(s) attendent leur prochain envoi (quotidien ou "
              "hebdomadaire)")
    if report.confirmations:
        print(f"{report.confirmations} courriel(s) de confirmation renvoyé(s)")
    for failure in report.failures:
        print(f"échec : {failure} (réessayé au prochain envoi)", file=sys.stderr)
    if not config.get("SMTP_URL") and not args.dry_run and report.messages:
        print(f"courriels déposés dans la boîte locale {config.get('ALERTS_MAILDIR')}/new/")
    return 1 if report.failures else 0


def channel_add(args) -> int:
    from alerts.criteria import AlertInputError
    from alerts.db import transaction
    from alerts.subscriptions import get, parse_id
    from alerts.transport import check_apprise_url, shown
    from technoveille.core.db import now_iso

    db = open_db()
    try:
        url = check_apprise_url(args.url)
        sub_id = parse_id(args.subscription) if args.subscription else None
        if sub_id is not None and (get(db, sub_id) is None or args.operator):
            raise AlertInputError(f"abonnement inconnu : {args.subscription}"
                                  if not args.operator else
                                  "--operator et --subscription ne vont pas ensemble")
    except AlertInputError as exc:
        return fail(str(exc))
    now = now_iso()
    with transaction(db):
        cur = db.execute("insert or ignore into channels (url, shown, subscription_id, operator, "
                         "since, created_at) values (?, ?, ?, ?, ?, ?)",
                         [url, shown(url), sub_id, int(args.operator), now, now])
    if not cur.rowcount:
        print(f"canal déjà enregistré : {shown(url)}")
        return 0
    target = ("les opérateurs" if args.operator else
              f"l'abonnement {sub_id}" if sub_id else "tous les documents signalés")
    print(f"canal {cur.lastrowid} ajouté : {shown(url)} → {target}")
    return 0


def health(args) -> int:
    from alerts import health as checker

    db = open_db()
    if not has_documents(db):
        return 0
    report = checker.run(db)
    if not report.sources:
        print("aucune collecte enregistrée")
    for h in report.sources:
        print(f"{h.source:<11} {h.last_status:<9} dernière collecte {h.last_run_at or '—'} : "
              f"{h.documents_seen} document(s), {h.errors} erreur(s) — {h.summary}")
    for line in report.opened:
        print(f"incident ouvert : {line}")
    for line in report.closed:
        print(f"rétablie : {line}")
    if (report.opened or report.closed) and not report.targets:
        print("aucun canal d'opérateur (ALERTS_OPERATOR_URL) : personne n'a été prévenu")
    for failure in report.failures:
        print(f"échec de notification : {failure}", file=sys.stderr)
    return 1 if any(not h.ok for h in report.sources) or report.failures else 0


def serve(args) -> int:
    import uvicorn

    from alerts.web import make_app

    print(f"pages d'abonnement sur http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(make_app(), host=args.host, port=args.port, log_level="warning")
    return 0
