"""`technoveille serve`: Datasette on the published snapshot (immutable, no download)."""
from __future__ import annotations

import os
import sys

from technoveille.core import config

ROOT = config.ROOT


def datasette_argv(db: str, host: str, port: int) -> list[str]:
    return [
        "datasette", "serve", "-i", str(db),
        "-m", str(ROOT / "metadata.yml"),
        "--template-dir", str(ROOT / "datasette" / "templates"),
        "--plugins-dir", str(ROOT / "datasette" / "plugins"),
        "--static", f"static:{ROOT / 'datasette' / 'static'}",
        "--setting", "allow_download", "off",
        "--setting", "sql_time_limit_ms", "3000",
        "--setting", "suggest_facets", "off",
        "--setting", "default_page_size", "50",
        "--setting", "truncate_cells_html", "400",
        "-h", host, "-p", str(port),
    ]


def register(sub):
    p = sub.add_parser("serve", help="servir le site Datasette (instantané publié)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.set_defaults(func=run)


def run(args) -> int:
    db = config.public_db_path()
    if not db.exists():
        print(f"technoveille: aucun instantané publié ({db}) ; lancez « technoveille publish »",
              file=sys.stderr)
        return 2
    argv = datasette_argv(str(db), args.host, args.port)
    from datasette.cli import cli

    print(f"Datasette sur http://{args.host}:{args.port}/", flush=True)
    os.environ.setdefault("TECHNOVEILLE_ARCHIVE", str(config.archive_dir().resolve()))
    return cli.main(args=argv[1:], prog_name="datasette", standalone_mode=True) or 0
