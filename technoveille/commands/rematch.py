"""`technoveille rematch`: apply the current keywords.yml to every stored document."""
from __future__ import annotations


from technoveille.core import db as state
from technoveille.vocabulary import load_or_explain
from pipelines.rematch import rematch
from technoveille.core import config


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
    if report.get("relocated"):
        print(f"{report['relocated']} documents rattachés à nouveau (commune, département, SIREN)")


def run(args) -> int:
    matcher = load_or_explain(args.keywords or config.keywords_path(), "rien n'a été modifié")
    if matcher is None:
        return 2
    db = state.connect(config.db_path())
    report = rematch(db, matcher)
    print_report(report)
    return 0
