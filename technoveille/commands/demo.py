"""`technoveille demo`: the whole chain offline — replay server, every spider against it,
publish, Datasette on http://127.0.0.1:8001 (data under data/demo/ unless overridden)."""
from __future__ import annotations

import os
import subprocess
import sys

from scrapers.replay.server import demo_setup, serve_in_thread
from technoveille.commands.crawl import enabled_sources
from technoveille.core import config


def register(sub):
    p = sub.add_parser("demo", help="démonstration hors ligne de bout en bout")
    p.add_argument("--port", type=int, default=8001, help="port de Datasette")
    p.add_argument("--no-serve", action="store_true", help="collecter et publier seulement")
    p.set_defaults(func=run)


def run(args) -> int:
    env = dict(os.environ)
    env.setdefault("TECHNOVEILLE_DB", "data/demo/technoveille.db")
    env.setdefault("TECHNOVEILLE_PUBLIC_DB", "data/demo/public/technoveille.db")
    env.setdefault("TECHNOVEILLE_ARCHIVE", "data/demo/archive")
    env.setdefault("TECHNOVEILLE_START_DELAY", "0")
    env.setdefault("TECHNOVEILLE_RETRY_BACKOFF", "0.5")
    server, base = serve_in_thread(port=config.get_int("TECHNOVEILLE_REPLAY_PORT"))
    replay_env, spider_args = demo_setup(base)
    env.update(replay_env)
    print(f"serveur de rejeu : {base}/", flush=True)
    python = sys.executable
    status = 0
    for name in enabled_sources():
        argv = [python, "-m", "technoveille", "crawl", name]
        for key, value in spider_args.get(name, {}).items():
            argv += ["-a", f"{key}={value}"]
        print("$", " ".join(argv[2:]), flush=True)
        status |= subprocess.call(argv, env=env)
    subprocess.check_call([python, "-m", "technoveille", "publish"], env=env)
    if args.no_serve:
        server.shutdown()
        return status
    return subprocess.call([python, "-m", "technoveille", "serve", "--port", str(args.port)],
                           env=env)
