"""A published snapshot built the real way: a BOAMP crawl of the replay corpus in a
subprocess, then `technoveille publish`. Built once per test session."""
import os
import sqlite3

import pytest

from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="session")
def published(tmp_path_factory, replay_server):
    from scrapers.replay.server import demo_setup

    tmp = tmp_path_factory.mktemp("site")
    env = dict(os.environ)
    env.update(demo_setup(replay_server)[0])
    env.update({
        "TECHNOVEILLE_DB": str(tmp / "tv.db"),
        "TECHNOVEILLE_PUBLIC_DB": str(tmp / "public" / "technoveille.db"),
        "TECHNOVEILLE_ARCHIVE": str(tmp / "archive"),
        "TECHNOVEILLE_START_DELAY": "0", "TECHNOVEILLE_RETRY_BACKOFF": "0.2",
        "PYTHONPATH": str(ROOT),
    })
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-05"], env)
    run_cli(["publish"], env)
    return {"db": tmp / "public" / "technoveille.db", "archive": tmp / "archive", "env": env}


@pytest.fixture(scope="session")
def snapshot(published):
    conn = sqlite3.connect(published["db"])
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()
