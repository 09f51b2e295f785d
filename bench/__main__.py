"""`python -m bench`: every benchmark, one table (machine, date, each figure beside its bound).

    python -m bench [--sizes 10000,100000] [--smoke] [--write docs/PERFORMANCE.md]

Size-dependent sections (ingest + size, rematch, publish, site) run at every size on the
generated corpus (bench.corpus, cached under TECHNOVEILLE_BENCH_DIR); matching, alerts and OCR
once. A growth section compares the per-document cost between sizes. `--smoke` runs every
section once on a few hundred documents (CI); `--write` replaces the table between the markers
of docs/PERFORMANCE.md.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
from pathlib import Path

from .corpus import default_workdir
from .table import Row, render

SIZED = ("ingest", "rematch", "publish", "site")
ONCE = ("engine", "alerts", "ocr")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def progress(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def _rate(row: Row) -> float | None:
    m = re.search(r"([\d,]+(?:\.\d+)?) docs/s", row.figure)
    return float(m.group(1).replace(",", "")) if m else None


def growth(rows: list[Row]) -> list[Row]:
    """Per-document cost at each size against the smallest: ≤ 1.5× counts as linear or better."""
    out = []
    by = {}
    for r in rows:
        if r.size and _rate(r):
            by.setdefault((r.section, r.what), []).append((r.size, _rate(r)))
    for (section, what), points in by.items():
        points.sort()
        if len(points) < 2:
            continue
        (n0, r0), (n1, r1) = points[0], points[-1]
        out.append(Row("growth", n1, f"{section}: {what}", f"{r1:,.0f} docs/s at {n1:,} vs "
                       f"{r0:,.0f} at {n0:,}", "per-document cost ratio "
                       f"{r0 / r1:.2f}; linear or better ≤ 1.5", r0 / r1 <= 1.5))
    return out


def run(sizes: list[int], smoke: bool, workdir: Path) -> list[Row]:
    rows: list[Row] = []
    for size in sizes:
        for name in SIZED:
            mod = importlib.import_module(f"bench.{name}")
            progress(f"{name} at {size:,} documents")
            rows += mod.measure(size, workdir / name if name == "ingest" else workdir, progress)
    for name in ONCE:
        mod = importlib.import_module(f"bench.{name}")
        progress(name)
        if smoke and name == "engine":
            rows += mod.measure(0, workdir, progress, mb=1.0, naive_mb=0.1)
        elif smoke and name == "alerts":
            rows += mod.measure(0, workdir, progress, subscriptions=200, new=60, old=140)
        elif name == "ocr":
            rows += mod.measure(3 if smoke else 20, workdir / "ocr", progress)
        else:
            rows += mod.measure(0, workdir, progress)
    return rows + growth(rows)


def write(path: Path, table: str) -> None:
    text = path.read_text()
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="technoveille benchmarks, one table")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--smoke", action="store_true", help="a few hundred documents, seconds")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args(argv)
    sizes = [150, 300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.smoke, args.workdir or default_workdir())
    table = render(rows)
    print(table)
    if args.write:
        write(args.write, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
