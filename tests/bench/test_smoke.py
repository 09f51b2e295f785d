"""`python -m bench --smoke`: every section of the one table runs and yields parseable figures
(no timed assertion: the figures are printed, not judged)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_table_has_every_section(tmp_path):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nafter\n")
    env = dict(os.environ, TECHNOVEILLE_BENCH_DIR=str(tmp_path / "work"))
    out = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--write", str(doc)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [line.split(" | ") for line in out.stdout.splitlines() if line.startswith("| ")
            and not line.startswith("| section") and not line.startswith("|---")]
    sections = {r[0].lstrip("| ") for r in rows}
    assert {"ingest", "size", "rematch", "publish", "site", "matching", "alerts", "ocr",
            "growth"} <= sections
    sized = {(r[0].lstrip("| "), r[1]) for r in rows}
    for section in ("ingest", "rematch", "publish", "site"):
        assert {(section, "150"), (section, "300")} <= sized, section
    for r in rows:                              # every measured figure carries a number
        if r[0].lstrip("| ") in ("ingest", "size", "rematch", "publish", "site", "matching",
                                 "alerts", "growth"):
            assert re.search(r"\d", r[3]), r
    assert "machine: " in out.stdout and "cores" in out.stdout
    text = doc.read_text()
    assert "old" not in text and text.endswith("after\n") and "| ingest | 300 |" in text
