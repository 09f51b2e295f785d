"""A published snapshot built the real way: a BOAMP crawl of the replay corpus in a
subprocess, then `technoveille publish`. Built once per test session."""
import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ROOT, crawl_demo, crawl_env, run_cli, site_env

# screenshots of the browser tests (printed at the end of the run)
SHOTS = Path(os.environ.get("TECHNOVEILLE_TEST_OUTPUT", ROOT / "test-output")) / "browser"


def pytest_terminal_summary(terminalreporter):
    if SHOTS.is_dir() and any(SHOTS.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {SHOTS}")


@pytest.fixture(scope="session")
def published(tmp_path_factory, replay_server):

    tmp = tmp_path_factory.mktemp("site")
    env = site_env(tmp, replay_server)
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-05"], env)
    run_cli(["publish"], env)
    return {"db": tmp / "public" / "technoveille.db", "archive": tmp / "archive", "env": env}


@pytest.fixture(scope="session")
def snapshot(published):
    conn = sqlite3.connect(published["db"])
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def site_datasette(db):
    """A Datasette set up as `technoveille serve` sets it up (same metadata, plugins,
    templates and --setting values), on a published database."""
    import yaml
    from datasette.app import Datasette

    from technoveille.commands.serve import datasette_argv

    argv = datasette_argv(str(db), "127.0.0.1", 0)
    settings = {argv[i + 1]: argv[i + 2] for i, arg in enumerate(argv) if arg == "--setting"}
    settings = {k: (False if v == "off" else True if v == "on" else int(v) if v.isdigit() else v)
                for k, v in settings.items()}
    return Datasette(immutables=[str(db)],
                     metadata=yaml.safe_load((ROOT / "metadata.yml").read_text()),
                     plugins_dir=str(ROOT / "datasette" / "plugins"),
                     template_dir=str(ROOT / "datasette" / "templates"),
                     static_mounts=[("static", str(ROOT / "datasette" / "static"))],
                     settings=settings)


@pytest.fixture
async def demo_ds(demo_published, monkeypatch):
    monkeypatch.setenv("TECHNOVEILLE_ARCHIVE", str(demo_published["archive"]))
    inst = site_datasette(demo_published["db"])
    await inst.invoke_startup()
    return inst


@pytest.fixture(scope="session")
def demo_db(demo_published):
    conn = sqlite3.connect(demo_published["db"])
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


async def open_site(db, settings=None):
    """Datasette over a published snapshot, configured as `technoveille serve` configures it."""
    import yaml
    from datasette.app import Datasette

    inst = Datasette(immutables=[str(db)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text()),
                     plugins_dir=str(ROOT / "datasette" / "plugins"),
                     template_dir=str(ROOT / "datasette" / "templates"),
                     static_mounts=[("static", str(ROOT / "datasette" / "static"))],
                     settings={"allow_download": False, "suggest_facets": False, **(settings or {})})
    await inst.invoke_startup()
    return inst
