"""`technoveille`: the command line. Each subcommand is a module of technoveille.commands
exposing `register(subparsers)`; the parser sets `func` on the namespace."""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys

import technoveille.commands as commands_pkg


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="technoveille",
        description="Veille des sources publiques (BOAMP, Journal officiel, conseils "
                    "municipaux) sur les technologies de surveillance policière.")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"technoveille.commands.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv=None) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "scrapers.settings")
    parser = build_parser()
    args = parser.parse_args(argv)
    from technoveille.core import config

    level = "DEBUG" if args.verbose else (config.get("TECHNOVEILLE_LOG_LEVEL") or "INFO").upper()
    logging.basicConfig(level=level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # Scrapy resets the root logger's level
        handler.setLevel(level)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
