"""Benchmark of `technoveille rematch` over the generated N-document database:
`python -m bench.rematch --size 10000`.

The command runs in a child process on the cached corpus database (bench.corpus) with the
vocabulary it was built with, so it reads and matches every document and rewrites nothing
(hit ids are deterministic): the database stays the one the other read benchmarks use.
Wall time and the child's peak RSS (os.wait4's ru_maxrss). Goal at 1M documents: ≤ 5 min and
≤ 500 MB; the time goal scales linearly to smaller sizes (0.3 ms per document)."""
from __future__ import annotations

from pathlib import Path

from .child import run, technoveille
from .corpus import cached_db
from .table import Row

GOAL_S_PER_DOC = 300 / 1_000_000
GOAL_RSS_MB = 500


def measure(size: int, workdir: Path, progress) -> list[Row]:
    db = cached_db(workdir, size, progress=progress)
    m = run(technoveille("rematch"), {"TECHNOVEILLE_DB": str(db)}, progress)
    if m.returncode:
        raise RuntimeError(f"rematch failed ({m.returncode}): {m.stderr[-2000:]}")
    goal_s = GOAL_S_PER_DOC * size
    return [
        Row("rematch", size, "technoveille rematch: wall time",
            f"{m.seconds:,.1f} s ({size / m.seconds:,.0f} docs/s)",
            f"goal ≤ {goal_s:,.1f} s (5 min at 1M)", m.seconds <= goal_s),
        Row("rematch", size, "technoveille rematch: peak RSS", f"{m.peak_rss_mb:,.0f} MB",
            f"goal ≤ {GOAL_RSS_MB} MB", m.peak_rss_mb <= GOAL_RSS_MB),
    ]


def main(argv=None) -> int:
    from .corpus import cli
    return cli(measure, __doc__, "technoveille rematch benchmark", argv)


if __name__ == "__main__":
    raise SystemExit(main())
