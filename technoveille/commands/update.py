"""`technoveille update`: the daily job (cron). Re-match when keywords.yml changed, crawl
every enabled source, publish, send the alerts that are due, check the sources' health
(operators are told of a broken source)."""
from __future__ import annotations

import argparse
import fcntl
import sys

from technoveille.core import db as state
from technoveille.vocabulary import load_or_explain
from pipelines.publish import publish
from pipelines.rematch import needs_rematch, rematch
from technoveille.core import config
from technoveille.commands import alerts as alerts_cmd, crawl, rematch as rematch_cmd


def register(sub):
    p = sub.add_parser("update", help="tâche quotidienne : collecter, réappliquer, publier")
    p.add_argument("--no-publish", action="store_true")
    p.add_argument("--no-alerts", action="store_true", help="ne pas envoyer les alertes")
    p.set_defaults(func=run)


def run(args) -> int:
    lock_path = config.db_path().with_suffix(".update.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"technoveille: une mise à jour est déjà en cours ({lock_path}) ; rien à faire",
                  file=sys.stderr)
            return 3
        return _update(args)


def _update(args) -> int:
    matcher = load_or_explain(config.keywords_path(), "mise à jour non lancée")
    if matcher is None:
        return 2
    db = state.connect(config.db_path())
    if needs_rematch(db, matcher):
        print("keywords.yml a changé : réapplication à tous les documents")
        rematch_cmd.print_report(rematch(db, matcher))
    db.close()
    names = crawl.enabled_sources()
    failed = crawl.run_crawls(names)
    if not args.no_publish:
        # published even when a source failed: the working database only ever gains rows from
        # a crawl (a failed source stores nothing and deletes nothing), so the snapshot holds
        # the same documents as before, plus the crawl_runs / crawl_errors rows that show the
        # failure on the site's « État des sources »
        counts = publish(config.db_path(), config.public_db_path())
        print(f"publié : {counts}")
        if failed:
            print("technoveille: instantané publié quand même (mêmes documents qu'avant, "
                  "échec visible dans l'état des sources)", file=sys.stderr)
    alert_status = 0
    if not args.no_alerts:
        print("alertes :", flush=True)
        alert_status = alerts_cmd.send(argparse.Namespace(dry_run=False))
        alerts_cmd.health(argparse.Namespace())  # its exit code: the crawl's already says it
    return 1 if failed or alert_status else 0
