"""Shared fixtures: the replay server (real HTTP on loopback) and a CLI runner that runs
`technoveille` in a subprocess (real crawls never share pytest's process: pytest-asyncio)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def replay_server():
    from scrapers.replay.server import serve_in_thread

    server, base = serve_in_thread()
    yield base
    server.shutdown()


@pytest.fixture
def tv_env(tmp_path, replay_server):
    return crawl_env(tmp_path, replay_server)


def crawl_env(tmp_path, replay_server):
    """Environment for a subprocess crawl: fresh DB and archive, every base URL on the
    replay server, no politeness delays."""
    from scrapers.replay.server import demo_setup

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOAMP_", "JORF_", "PISTE_",
                                                                    "COUNCILS_", "DATAGOUV_"))}
    replay_env, _ = demo_setup(replay_server)
    env.update(replay_env)
    env.update({
        "TECHNOVEILLE_DB": str(tmp_path / "tv.db"),
        "TECHNOVEILLE_PUBLIC_DB": str(tmp_path / "public" / "tv.db"),
        "TECHNOVEILLE_ARCHIVE": str(tmp_path / "archive"),
        "TECHNOVEILLE_START_DELAY": "0",
        "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
        "TECHNOVEILLE_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    })
    return env


def crawl_demo(env, spider_args, sources=None):
    """Every enabled spider (or `sources`) against the replay server with its demo arguments
    (as `make demo`), then `technoveille publish`."""
    from technoveille.commands.crawl import enabled_sources

    for name in sources or enabled_sources():
        argv = ["crawl", name]
        for key, value in spider_args.get(name, {}).items():
            argv += ["-a", f"{key}={value}"]
        run_cli(argv, env)
    run_cli(["publish"], env)


def site_env(tmp, replay_server):
    """The crawl environment of tests/conftest.py, publishing to public/technoveille.db."""
    env = crawl_env(tmp, replay_server)
    env["TECHNOVEILLE_PUBLIC_DB"] = str(tmp / "public" / "technoveille.db")
    return env


@pytest.fixture(scope="session")
def demo_published(tmp_path_factory, replay_server):
    """The whole demo corpus (BOAMP, JORF, councils) crawled and published, for the pages
    that need documents of several sources (feeds per commune, charts per source, the map)."""
    from scrapers.replay.server import demo_setup

    tmp = tmp_path_factory.mktemp("demo-site")
    env = site_env(tmp, replay_server)
    spider_args = demo_setup(replay_server)[1]
    crawl_demo(env, spider_args)
    return {"db": tmp / "public" / "technoveille.db", "working": tmp / "tv.db",
            "archive": tmp / "archive", "env": env, "spider_args": spider_args}


def run_cli(args, env, timeout=300, check=True):
    proc = subprocess.run([sys.executable, "-m", "technoveille", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"technoveille {' '.join(args)} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-6000:]}")
    return proc


def dict_rows(db, sql, args=()):
    """Rows of a query on a database file, as dicts (opened and closed per call)."""
    import sqlite3

    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, args)]
    finally:
        con.close()
