"""`technoveille rematch`: apply the current keywords.yml to every stored document."""
from __future__ import annotations

import sys

from pipelines import db as dbm
from pipelines.matching import VocabularyError, load_matcher
from pipelines.rematch import rematch
from technoveille import config


def register(sub):
    p = sub.add_parser("rematch", help="réappliquer keywords.yml à tous les documents stockés")
    p.add_argument("--keywords", help="fichier de vocabulaire (défaut : TECHNOVEILLE_KEYWORDS)")
    p.set_defaults(func=run)


def print_report(report) -> None:
    themes = sorted(set(report["added"]) | set(report["removed"]))
    if not themes:
        print("aucun changement d'occurrence")
    for theme in themes:
        print(f"{theme:14s} +{report['added'][theme]:<6d} -{report['removed'][theme]}")


def run(args) -> int:
    path = args.keywords or config.keywords_path()
    try:
        matcher = load_matcher(path)
    except VocabularyError as exc:
        print(f"technoveille: vocabulaire invalide, rien n'a été modifié : {exc}", file=sys.stderr)
        return 2
    db = dbm.connect(config.db_path())
    report = rematch(db, matcher)
    print_report(report)
    return 0
