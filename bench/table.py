"""The one benchmark table: every figure beside what bounds it.

Each benchmark module exposes ``measure(size: int, workdir: Path, progress) -> list[Row]``
(``size`` = number of generated documents; ``progress`` a callable taking one line of text,
called every few seconds on long steps). ``python -m bench`` collects the rows of every
module at every size and prints them with :func:`render`.
"""
from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass
class Row:
    section: str          # ingest | crawl | matching | rematch | site | alerts | publish | size | ocr
    size: int | None      # corpus size in documents (None when the figure does not depend on it)
    what: str             # what is measured, e.g. "normalise → match → store"
    figure: str           # the measured figure, formatted, e.g. "1,234 docs/s"
    bound: str = ""       # what bounds it: the bare baseline and/or the goal, e.g. "bare 3,936 docs/s → 0.31; goal ≥ 0.5"
    met: bool | None = None   # goal met? None when the row has no goal


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{' '.join(platform.uname()[:3])} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load average {load:.1f}")


def render(rows: list[Row], title: str = "technoveille benchmark") -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"{title} — {now}", f"machine: {machine()}", "",
           "| section | documents | what | figure | bound | goal |", "|---|---|---|---|---|---|"]
    for r in rows:
        goal = "" if r.met is None else ("met" if r.met else "**not met**")
        size = "" if r.size is None else f"{r.size:,}"
        out.append(f"| {r.section} | {size} | {r.what} | {r.figure} | {r.bound} | {goal} |")
    return "\n".join(out)
