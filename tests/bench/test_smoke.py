"""`python -m bench --smoke`: every section present, figures parse (no timed assertion)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--workdir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900, check=True).stdout
    for section in ("rematch", "publish", "site"):
        rows = [line for line in out.splitlines() if line.startswith(f"| {section} | 300 |")]
        assert rows, section
        for row in rows:
            assert re.search(r"\d", row.split("|")[4])
    assert "## Growth" in out and "machine:" in out
