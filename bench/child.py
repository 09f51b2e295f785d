"""Run a child process and measure it: wall time and peak RSS (ru_maxrss of that child, from
os.wait4), its stderr lines passed to `progress` as they come."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def technoveille(*args: str) -> list[str]:
    return [sys.executable, "-m", "technoveille", *args]


def run(argv: list[str], env: dict | None = None, progress: Callable[[str], None] | None = None
        ) -> Measured:
    started = time.monotonic()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err_lines: list[str] = []

    def pump():
        for line in proc.stderr:
            err_lines.append(line)
            if progress and line.strip():
                progress(line.rstrip())

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    reader.join(5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux
    return Measured(seconds, usage.ru_maxrss / 1024, proc.returncode, out, "".join(err_lines))
