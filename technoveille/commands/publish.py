"""`technoveille publish`: snapshot the working database for Datasette."""
from __future__ import annotations

from pipelines.publish import publish
from technoveille.core import config


def register(sub):
    p = sub.add_parser("publish", help="publier un instantané pour Datasette")
    p.add_argument("--output", help="fichier publié (défaut : TECHNOVEILLE_PUBLIC_DB)")
    p.set_defaults(func=run)


def run(args) -> int:
    target = args.output or config.public_db_path()
    counts = publish(config.db_path(), target)
    print(f"publié : {target} — {counts['documents']} documents, {counts['flagged']} signalés, "
          f"{counts['hits']} occurrences, {counts['crawl_errors']} erreurs de collecte")
    return 0
