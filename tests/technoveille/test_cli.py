"""The command line as a user meets it: help, unknown source, broken vocabulary, no snapshot."""
from tests.conftest import run_cli


def test_help_lists_every_subcommand(tv_env):
    out = run_cli(["--help"], tv_env).stdout
    for command in ("crawl", "update", "publish", "serve", "rematch", "match", "demo", "replay",
                    "discover-scdl"):
        assert command in out


def test_unknown_source_is_refused(tv_env):
    proc = run_cli(["crawl", "bodacc"], tv_env, check=False)
    assert proc.returncode == 2
    assert "source inconnue 'bodacc'" in proc.stderr and "boamp" in proc.stderr


def test_broken_vocabulary_stops_the_crawl_before_it_starts(tv_env, tmp_path):
    bad = tmp_path / "keywords.yml"
    bad.write_text("themes:\n  drones:\n    label: x\n    A:\n      - {mode: bogus, term: drone}\n")
    proc = run_cli(["crawl", "boamp"], dict(tv_env, TECHNOVEILLE_KEYWORDS=str(bad)), check=False)
    assert proc.returncode == 2
    assert f"{bad}:5" in proc.stderr and "bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_without_snapshot_says_what_to_do(tv_env):
    proc = run_cli(["serve"], tv_env, check=False)
    assert proc.returncode == 2 and "technoveille publish" in proc.stderr


def test_publish_reports_counts(tv_env):
    run_cli(["crawl", "boamp", "--since", "2026-11-02", "--until", "2026-11-02"], tv_env)
    out = run_cli(["publish"], tv_env).stdout
    assert "publié" in out and "documents" in out
    import sqlite3
    conn = sqlite3.connect(tv_env["TECHNOVEILLE_PUBLIC_DB"])
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert conn.execute("select count(*) from documents").fetchone()[0] == 20
