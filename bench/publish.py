"""Benchmark of `technoveille publish` over the generated N-document database:
`python -m bench.publish --size 10000`.

The command runs in a child process on the cached corpus database (bench.corpus); the
snapshot is kept beside it (`<db>.public.db`) for bench.site. Figures: wall time, snapshot
size per 1,000 documents against the bytes of their text."""
from __future__ import annotations

from pathlib import Path

from .child import run, technoveille
from .corpus import build_info, cached_db
from .table import Row


def snapshot_path(db: Path) -> Path:
    """Beside the database, named as Datasette must see it (the database name is the file's)."""
    return db.with_name(db.name.removesuffix(".db") + ".public") / "technoveille.db"


def publish(db: Path, progress) -> tuple[Path, float]:
    target = snapshot_path(db)
    m = run(technoveille("publish"), {"TECHNOVEILLE_DB": str(db),
                                      "TECHNOVEILLE_PUBLIC_DB": str(target)}, progress)
    if m.returncode:
        raise RuntimeError(f"publish failed ({m.returncode}): {m.stderr[-2000:]}")
    return target, m.seconds


def snapshot(workdir: Path, size: int, progress) -> Path:
    """The published snapshot of the N-document corpus (published once for the current
    database)."""
    db = cached_db(workdir, size, progress=progress)
    target = snapshot_path(db)
    if not target.exists() or target.stat().st_mtime < db.stat().st_mtime:
        publish(db, progress)
    return target


def measure(size: int, workdir: Path, progress) -> list[Row]:
    db = cached_db(workdir, size, progress=progress)
    target, seconds = publish(db, progress)
    text = build_info(db).get("text_bytes") or 0
    snap = target.stat().st_size
    per_k = snap / size * 1000 / 1e6
    ratio = f"; {snap / text:.2f}× the {text / size * 1000 / 1e6:.1f} MB of text per 1,000 docs" if text else ""
    return [
        Row("publish", size, "technoveille publish (VACUUM INTO, optimize, ANALYZE)",
            f"{seconds:,.1f} s ({seconds / size * 1e6:,.0f} µs/doc)", ""),
        Row("publish", size, "snapshot size per 1,000 documents", f"{per_k:,.1f} MB",
            f"{snap / 1e6:,.0f} MB in all{ratio}"),
    ]


def main(argv=None) -> int:
    from .corpus import cli
    return cli(measure, __doc__, "technoveille publish benchmark", argv)


if __name__ == "__main__":
    raise SystemExit(main())
