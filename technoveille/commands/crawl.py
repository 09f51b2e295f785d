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
               log_level: str | None = None) -> int:
    """Run the spiders one after the other in one reactor. Returns the number of crawls
    that did not finish normally."""
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
    failures = []

    @defer.inlineCallbacks
    def sequence():
        for name in names:
            crawler = process.create_crawler(name)
            try:
                yield process.crawl(crawler, **(spider_args or {}).get(name, {}))
            except Exception as exc:  # a broken source must not stop the others
                print(f"technoveille: la collecte {name} a échoué : {exc}", file=sys.stderr)
                failures.append(name)
                continue
            reason = crawler.stats.get_value("finish_reason")
            if reason not in ("finished", None):
                failures.append(name)

    # all crawls done (crawlers are discarded when they finish): stop the reactor
    # (callLater: the sequence may end before the reactor runs, e.g. a spider failing in __init__)
    sequence().addBoth(lambda _: reactor.callLater(0, process._stop_reactor))
    process.start(stop_after_crawl=False)
    return len(failures)


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
