"""One benchmark table: `python -m bench [--sizes 10000,100000] [--smoke] [--write FILE]`.

Collects the rows of every benchmark module present (each exposes
``measure(size, workdir, progress) -> list[Row]``), prints one table (bench.table.render)
and a growth section (the same figure at each size). A module that cannot be imported is
skipped with a note. --smoke: 300 documents, every section once, a few requests per page."""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import tempfile
from pathlib import Path

from .corpus import default_workdir
from .table import Row, render

MODULES = ["ingest", "crawl", "rematch", "publish", "site"]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def growth(rows: list[Row]) -> str:
    by: dict[tuple[str, str], dict[int, str]] = {}
    for r in rows:
        if r.size:
            by.setdefault((r.section, r.what), {})[r.size] = r.figure
    out = ["| section | what | figures by size | growth |", "|---|---|---|---|"]
    for (section, what), figs in by.items():
        sizes = sorted(figs)
        if len(sizes) < 2:
            continue
        nums = [float(re.sub(r"[^\d.]", "", (re.search(r"[\d,.]+", figs[s]) or ["0"])[0]) or 0)
                for s in sizes]
        first, last = nums[0], nums[-1]
        ratio = (last / first) / (sizes[-1] / sizes[0]) if first else float("nan")
        note = (f"figure ×{last / first:.2f} for ×{sizes[-1] / sizes[0]:.0f} documents "
                f"(per document ×{ratio:.2f}: {'linear or better' if ratio <= 1.25 else 'worse than linear'})"
                if first else "")
        out.append(f"| {section} | {what} | " + "; ".join(f"{s:,}: {figs[s]}" for s in sizes)
                   + f" | {note} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args(argv)
    sizes = [300] if args.smoke else [int(s) for s in args.sizes.split(",")]
    workdir = args.workdir or (Path(tempfile.mkdtemp(prefix="bench-")) if args.smoke
                               else default_workdir())
    if args.smoke:
        from . import site
        site.REQUESTS, site.WARMUP = 3, 1

    def progress(line):
        print(line, file=sys.stderr, flush=True)
    rows, notes = [], []
    for name in MODULES:
        try:
            mod = importlib.import_module(f"bench.{name}")
            measure = mod.measure
        except (ImportError, AttributeError) as exc:
            notes.append(f"bench.{name} skipped: {exc}")
            continue
        for size in sizes:
            rows += measure(size, workdir, progress)
    text = render(rows) + "\n\n## Growth\n\n" + growth(rows)
    if notes:
        text += "\n\n" + "\n".join(f"- {n}" for n in notes)
    print(text)
    if args.write:
        doc = args.write.read_text(encoding="utf-8") if args.write.exists() else "# Performance\n"
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + f"{BEGIN}\n{text}\n{END}" + doc[doc.index(END) + len(END):]
        else:
            hist = args.write.parent / "history" / "performance.md"
            hist.write_text(hist.read_text(encoding="utf-8") + "\n\n" + doc, encoding="utf-8")
            doc = f"# Performance\n\n`python -m bench` (make bench); earlier figures: history/performance.md\n\n{BEGIN}\n{text}\n{END}\n"
        args.write.write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
