"""`technoveille crawl SOURCE… [--since] [--until]`: run spiders in this process."""
from __future__ import annotations

import os
import sys

ENABLED = ("boamp", "jorf", "council")


def enabled_sources() -> list[str]:
    """Sources of `crawl all`, `update` and `demo`: TECHNOVEILLE_SOURCES (comma list) or all."""
    from technoveille.core import config

    wanted = [s.strip() for s in (config.get("TECHNOVEILLE_SOURCES") or "").split(",") if s.strip()]
    available = spider_names()
    return [n for n in (wanted or ENABLED) if n in available]


def spider_names() -> list[str]:
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    return sorted(SpiderLoader.from_settings(get_project_settings()).list())


def run_crawls(names: list[str], spider_args: dict[str, dict] | None = None,
               log_level: str | None = None) -> list[tuple[str, str]]:
    """Run the spiders one after the other in one reactor, then print the run's summary
    (French: one line per source, each failed source named with its reason). Returns
    [(source, reason)] of the sources that could not be collected (crawl_runs.status 'failed',
    or a spider that could not start)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    settings = get_project_settings()
    # before anything imports twisted.internet.reactor (which installs the default one)
    install_reactor(settings["TWISTED_REACTOR"])
    from twisted.internet import defer, reactor

    if log_level:
        settings.set("LOG_LEVEL", log_level)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)  # the CLI's logging handler prints
    process = CrawlerProcess(settings)
    outcomes: list[tuple[str, int | None, str | None]] = []  # (source, run id, failure)

    @defer.inlineCallbacks
    def sequence():
        for name in names:
            args = (spider_args or {}).get(name, {})
            crawler = process.create_crawler(name)
            try:
                yield process.crawl(crawler, **args)
            except Exception as exc:  # a broken source must not stop the others
                print(f"technoveille: la collecte {name} a échoué : {exc}", file=sys.stderr)
                from pipelines.store import record_failed_start
                from technoveille.core import config

                record_failed_start(settings.get("TECHNOVEILLE_DB") or config.db_path(), name,
                                    str(exc), args)
                outcomes.append((name, None, f"la collecte n'a pas démarré : {exc}"))
                continue
            stats = crawler.stats
            reason = stats.get_value("finish_reason")
            failure = stats.get_value("technoveille/failure")
            if failure is None and reason not in ("finished", None):
                failure = f"collecte interrompue ({reason})"
            outcomes.append((name, stats.get_value("technoveille/run_id"), failure))

    # all crawls done (crawlers are discarded when they finish): stop the reactor
    # (callLater: the sequence may end before the reactor runs, e.g. a spider failing in __init__)
    sequence().addBoth(lambda _: reactor.callLater(0, process._stop_reactor))
    process.start(stop_after_crawl=False)
    print_summary(outcomes, settings.get("TECHNOVEILLE_DB"))
    return [(name, failure) for name, _, failure in outcomes if failure]


def print_summary(outcomes, db_path) -> None:
    """`Bilan de la collecte` on stdout; the failed sources again on stderr (cron mails both)."""
    from technoveille.core import config, db as state

    if not outcomes:
        return
    runs = {}
    if any(run_id for _, run_id, _ in outcomes):
        db = state.connect(db_path or config.db_path())
        try:
            runs = {run_id: state.crawl_run(db, run_id) for _, run_id, _ in outcomes if run_id}
        finally:
            db.close()
    print("Bilan de la collecte :")
    width = max(len(name) for name, _, _ in outcomes)
    for name, run_id, failure in outcomes:
        run = runs.get(run_id) or {}
        if failure:
            print(f"  {name:<{width}} : ÉCHEC — {failure}")
            continue
        print(f"  {name:<{width}} : {run.get('documents_seen') or 0} documents "
              f"({run.get('documents_new') or 0} nouveaux, "
              f"{run.get('documents_updated') or 0} modifiés, "
              f"{run.get('documents_unchanged') or 0} inchangés), "
              f"{run.get('errors') or 0} erreurs, {run.get('requests') or 0} requêtes")
    failed = [(name, failure) for name, _, failure in outcomes if failure]
    if failed:
        plural = "s n'ont" if len(failed) > 1 else " n'a"
        print(f"technoveille: {len(failed)} source{plural} pas pu être collectée"
              f"{'s' if len(failed) > 1 else ''} : "
              + " ; ".join(f"{name} ({failure})" for name, failure in failed), file=sys.stderr)
    sys.stdout.flush()


def register(sub):
    p = sub.add_parser("crawl", help="collecter une ou plusieurs sources",
                       description="Collecte les sources nommées (boamp, jorf, council, "
                                   "legifrance) ou toutes (all).")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--since", help="début de la fenêtre (AAAA-MM-JJ)")
    p.add_argument("--until", help="fin de la fenêtre (AAAA-MM-JJ)")
    p.add_argument("--export", action="store_true",
                   help="BOAMP : passer par /exports/json (rattrapage long)")
    p.add_argument("-a", dest="spider_args", action="append", default=[],
                   metavar="NOM=VALEUR", help="argument passé au spider (ex. -a city=rennes)")
    p.set_defaults(func=run)


def check_vocabulary() -> bool:
    """Refuse to crawl with a broken keywords.yml (clear message, nothing started)."""
    from technoveille.core import config
    from technoveille.vocabulary import load_or_explain

    return load_or_explain(config.keywords_path(), "collecte non lancée") is not None


def run(args) -> int:
    if not check_vocabulary():
        return 2
    available = spider_names()
    names = []
    for name in args.sources:
        if name == "all":
            names.extend(enabled_sources())
        elif name in available:
            names.append(name)
        else:
            print(f"technoveille: source inconnue {name!r} (disponibles : "
                  f"{', '.join(available)})", file=sys.stderr)
            return 2
    kwargs = {}
    if args.since:
        kwargs["since"] = args.since
    if args.until:
        kwargs["until"] = args.until
    if args.export:
        kwargs["export"] = "1"
    for pair in args.spider_args:
        key, _, value = pair.partition("=")
        kwargs[key] = value
    failed = run_crawls(names, {n: dict(kwargs) for n in names})
    return 1 if failed else 0
