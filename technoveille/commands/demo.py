"""`technoveille demo`: the whole chain offline — replay server; a sample subscriber whose
alert is confirmed before anything is collected; every spider against the replay server;
publish; the alerts sent to a local Maildir (data/demo/mail/); Datasette on
http://127.0.0.1:8001 and the subscription pages on http://127.0.0.1:8002 (data under
data/demo/ unless overridden)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from scrapers.replay.server import demo_setup, serve_in_thread
from technoveille.commands.crawl import enabled_sources
from technoveille.core import config

DEMO_ADDRESS = "militante@example.org"


def register(sub):
    p = sub.add_parser("demo", help="démonstration hors ligne de bout en bout")
    p.add_argument("--port", type=int, default=8001, help="port de Datasette")
    p.add_argument("--alerts-port", type=int, default=8002, help="port des pages d'abonnement")
    p.add_argument("--no-serve", action="store_true", help="collecter, publier, alerter seulement")
    p.set_defaults(func=run)


def _tv(env, *args, check=True) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "technoveille", *args]
    print("$ technoveille", " ".join(args), flush=True)
    proc = subprocess.run(argv, env=env)
    if check and proc.returncode:
        raise SystemExit(proc.returncode)
    return proc


def _subscribe_sample(env) -> None:
    """The sample subscriber: every signalled document, at once; confirmed as its owner would
    (the confirmation mail lands in the local mailbox too)."""
    _tv(env, "alerts", "subscribe", DEMO_ADDRESS, "--frequency", "immediate")
    con = sqlite3.connect(env["TECHNOVEILLE_PRIVATE_DB"])
    row = con.execute("select s.confirm_token from subscriptions s join subscribers p on "
                      "p.id = s.subscriber_id where p.email = ? and s.status = 'pending'",
                      [DEMO_ADDRESS]).fetchone()
    con.close()
    if row and row[0]:
        _tv(env, "alerts", "confirm", row[0])


def run(args) -> int:
    env = dict(os.environ)
    env.setdefault("TECHNOVEILLE_DB", "data/demo/technoveille.db")
    env.setdefault("TECHNOVEILLE_PUBLIC_DB", "data/demo/public/technoveille.db")
    env.setdefault("TECHNOVEILLE_ARCHIVE", "data/demo/archive")
    env.setdefault("TECHNOVEILLE_PRIVATE_DB", "data/demo/private.db")
    env.setdefault("ALERTS_MAILDIR", "data/demo/mail")
    env.setdefault("TECHNOVEILLE_ALERTS_URL", f"http://127.0.0.1:{args.alerts_port}")
    env.setdefault("TECHNOVEILLE_SITE_URL", f"http://127.0.0.1:{args.port}")
    env.setdefault("TECHNOVEILLE_START_DELAY", "0")
    env.setdefault("TECHNOVEILLE_RETRY_BACKOFF", "0.5")
    env.pop("SMTP_URL", None)  # the demo never mails anyone: the local mailbox only
    server, base = serve_in_thread(port=config.get_int("TECHNOVEILLE_REPLAY_PORT"))
    replay_env, spider_args = demo_setup(base)
    env.update(replay_env)
    print(f"serveur de rejeu : {base}/", flush=True)
    if Path(env["TECHNOVEILLE_DB"]).exists():
        print("(base de démonstration existante : l'alerte ne recevra que les nouveautés ; "
              "« make demo » repart d'une base vide)", flush=True)
    _subscribe_sample(env)
    status = 0
    for name in enabled_sources():
        argv = ["crawl", name]
        for key, value in spider_args.get(name, {}).items():
            argv += ["-a", f"{key}={value}"]
        status |= _tv(env, *argv, check=False).returncode
    _tv(env, "publish")
    _tv(env, "alerts", "send", check=False)
    _tv(env, "alerts", "health", check=False)
    mails = sorted(Path(env["ALERTS_MAILDIR"], "new").glob("*"), key=lambda p: p.stat().st_mtime)
    if mails:
        print(f"courriels de {DEMO_ADDRESS} (confirmation, puis alerte) : "
              f"{Path(env['ALERTS_MAILDIR']).resolve()}/new/ — le dernier : {mails[-1].resolve()}",
              flush=True)
    if args.no_serve:
        server.shutdown()
        return status
    python = sys.executable
    pages = subprocess.Popen([python, "-m", "technoveille", "alerts", "serve", "--port",
                              str(args.alerts_port)], env=env)
    try:
        return subprocess.call([python, "-m", "technoveille", "serve", "--port", str(args.port)],
                               env=env)
    finally:
        pages.terminate()
