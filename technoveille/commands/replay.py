"""`technoveille replay`: the offline replay server alone (for tests and manual crawls)."""
from __future__ import annotations

from scrapers.replay.server import demo_setup, make_server


def register(sub):
    p = sub.add_parser("replay", help="serveur local qui rejoue les sources (hors ligne)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=run)


def run(args) -> int:
    server = make_server(args.host, args.port)
    base = f"http://{args.host}:{server.server_address[1]}"
    env, _ = demo_setup(base)
    print(f"serveur de rejeu sur {base}/ ; variables à exporter :", flush=True)
    for key, value in sorted(env.items()):
        print(f"  export {key}={value}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
