"""Replay of DILA's JORFSIMPLE open-data directory (Apache listing + tar.gz increments).

The tarballs are BUILT at start-up, deterministically and in memory, from the XML we wrote
under data/jorf/archives/<archive name>/<JORFCONT id>/*.xml (+ an optional
liste_suppression_jorf.dat), in the real layout:
  <stamp>/jorf/simple/JORF/CONT/00/00/56/00/30/JORFCONT000056003001/JORF{CONT,TEXT}….xml
  <stamp>/liste_suppression_jorf.dat

Two directories are served:
  /OPENDATA/JORFSIMPLE/            the normal corpus (night, evening re-injection archives)
  /jorf-casse/OPENDATA/JORFSIMPLE/ bad input: 0-byte, truncated, path traversal, symlink and
                                   device members, malformed XML, entity bomb, a listed archive
                                   that answers 404 and unexpected listing entries
"""
from __future__ import annotations

import gzip
import io
import tarfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "jorf"
PREFIX = "/OPENDATA/JORFSIMPLE"
BAD_PREFIX = "/jorf-casse/OPENDATA/JORFSIMPLE"
FIXED_MTIME = 1_790_000_000  # members' mtime: fixed so the bytes never change


def shard(doc_id: str) -> str:
    """JORFCONT000054706874 → 00/00/54/70/68 (first 10 of the 12 digits, in pairs)."""
    digits = doc_id[8:18]
    return "/".join(digits[i:i + 2] for i in range(0, 10, 2))


def _tar_gz(entries: list[tuple[str, bytes | None, bytes]]) -> bytes:
    """entries: (name, data or None, tar type). Deterministic: gzip mtime 0, fixed owner."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz:
        with tarfile.open(fileobj=gz, mode="w|", format=tarfile.GNU_FORMAT) as tar:
            for name, data, kind in entries:
                info = tarfile.TarInfo(name)
                info.type = kind
                info.mtime = FIXED_MTIME
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if kind == tarfile.DIRTYPE:
                    info.mode = 0o755
                    tar.addfile(info)
                elif kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
                    info.linkname = (data or b"").decode()
                    tar.addfile(info)
                elif kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
                    info.devmajor, info.devminor = 1, 3
                    tar.addfile(info)
                else:
                    info.mode = 0o644
                    info.size = len(data or b"")
                    tar.addfile(info, io.BytesIO(data or b""))
    return raw.getvalue()


def _dirs(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def build_archive(folder: Path) -> bytes:
    """One increment from data/jorf/archives/JORFSIMPLE_<stamp>/."""
    stamp = folder.name.split("_", 1)[1]
    files: dict[str, bytes] = {}
    for cont_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        base = f"{stamp}/jorf/simple/JORF/CONT/{shard(cont_dir.name)}/{cont_dir.name}"
        for xml in sorted(cont_dir.glob("*.xml")):
            files[f"{base}/{xml.name}"] = xml.read_bytes()
    deletion = folder / "liste_suppression_jorf.dat"
    if deletion.exists():
        files[f"{stamp}/liste_suppression_jorf.dat"] = deletion.read_bytes()
    entries, seen = [], set()
    for name in sorted(files):
        for d in _dirs(name):
            if d not in seen:
                seen.add(d)
                entries.append((d, None, tarfile.DIRTYPE))
        entries.append((name, files[name], tarfile.REGTYPE))
    return _tar_gz(entries)


@lru_cache(maxsize=1)
def archives() -> dict[str, bytes]:
    return {f"{folder.name}.tar.gz": build_archive(folder)
            for folder in sorted((DATA / "archives").iterdir()) if folder.is_dir()}


@lru_cache(maxsize=1)
def bad_archives() -> dict[str, bytes | None]:
    """name → bytes (None: listed but answers 404)."""
    bad = DATA / "bad"
    good = (bad / "JORFTEXT000056020010.xml").read_bytes()
    base7 = f"20261107-003000/jorf/simple/JORF/CONT/{shard('JORFCONT000056020001')}/" \
            "JORFCONT000056020001"
    base8 = base7.replace("20261107", "20261108")
    traversal = _tar_gz([
        ("../../../../tmp/technoveille-evil/JORFTEXT000056020098.xml", good, tarfile.REGTYPE),
        ("/tmp/technoveille-evil/JORFTEXT000056020097.xml", good, tarfile.REGTYPE),
        (f"{base7}/JORFTEXT000056020099.xml", b"/etc/passwd", tarfile.SYMTYPE),
        (f"{base7}/JORFTEXT000056020096.xml", b"/etc/shadow", tarfile.LNKTYPE),
        (f"{base7}/JORFTEXT000056020095.xml", None, tarfile.CHRTYPE),
        (f"{base7}/JORFTEXT000056020010.xml", good, tarfile.REGTYPE),
    ])
    malformed = _tar_gz([
        (f"{base8}/JORFTEXT000056020020.xml", (bad / "JORFTEXT000056020020.xml").read_bytes(),
         tarfile.REGTYPE),
        (f"{base8}/JORFTEXT000056020030.xml", (bad / "JORFTEXT000056020030.xml").read_bytes(),
         tarfile.REGTYPE),
    ])
    night = archives()["JORFSIMPLE_20261103-003512.tar.gz"]
    return {
        "JORFSIMPLE_20261105-003000.tar.gz": b"",  # 0 bytes
        "JORFSIMPLE_20261106-003000.tar.gz": night[: len(night) * 2 // 3],  # truncated
        "JORFSIMPLE_20261107-003000.tar.gz": traversal,
        "JORFSIMPLE_20261108-003000.tar.gz": malformed,
        "JORFSIMPLE_20261109-003000.tar.gz": None,  # listed, then gone (404)
    }


def _human(size: int) -> str:
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"
    return str(size)


def _row(name: str, modified: str, size: str, icon: str = "compressed") -> str:
    pad = " " * max(1, 57 - len(name))
    return (f'<img src="/icons/{icon}.gif" alt="[   ]"> <a href="{name}">{name}</a>'
            f"{pad}{modified}  {size:>4}")


def _stamp_time(name: str) -> str:
    stamp = name.split("_", 1)[1][:15]
    when = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    return when.strftime("%Y-%m-%d %H:%M")


def listing(path: str, files: dict[str, bytes | None], extra_rows: list[str]) -> bytes:
    """An Apache 2.4 autoindex page, ISO-8859-1 like the real one."""
    rows = [
        _row("Avertissement_metadonnees_textes_entreprise_20181019.pdf", "2018-10-19 14:17",
             "185K", icon="layout"),
        _row("Freemium_jorf_simple_20250713-140000.tar.gz", "2025-07-13 10:14", "1.0G"),
    ]
    rows += extra_rows
    for name in sorted(files):
        body = files[name]
        rows.append(_row(name, _stamp_time(name), _human(len(body or b"x" * 4096))))
    html = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n'
        f"  <title>Index of {path.rstrip('/')}</title>\n </head>\n <body>\n<h1>Index of {path.rstrip('/')}</h1>\n"
        '<pre><img src="/icons/blank.gif" alt="Icon "> <a href="?C=N;O=D">Name</a>'
        "                                                     "
        '<a href="?C=M;O=A">Last modified</a>      <a href="?C=S;O=A">Size</a>  <hr>'
        '<img src="/icons/back.gif" alt="[PARENTDIR]"> <a href="/OPENDATA/">Parent Directory'
        "</a>                                                              -\n"
        + "\n".join(rows)
        + "\n<hr></pre>\n<address>Apache Server at echanges.dila.gouv.fr Port 443</address>\n"
        "</body></html>\n")
    return html.encode("iso-8859-1")


def _serve(prefix: str, files: dict[str, bytes | None], extra_rows: list[str], path: str):
    rest = path[len(prefix):].lstrip("/")
    if rest == "":
        body = listing(prefix + "/", files, extra_rows)
        return 200, {"Content-Type": "text/html;charset=ISO-8859-1"}, body
    if rest in files and files[rest] is not None:
        return 200, {"Content-Type": "application/x-gzip"}, files[rest]
    return 404, {"Content-Type": "text/html; charset=iso-8859-1"}, (
        b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>404 Not Found"
        b"</title></head><body><h1>Not Found</h1></body></html>\n")


def handler(path, query, headers):
    return _serve(PREFIX, archives(), [], path)


def bad_handler(path, query, headers):
    unexpected = [
        _row("JORFSIMPLE_2026111-003000.tar.gz", "2026-11-11 00:30", "12K"),
        _row("JORFSIMPLE_20261112-003000.zip", "2026-11-12 00:30", "12K"),
    ]
    return _serve(BAD_PREFIX, bad_archives(), unexpected, path)


ROUTES = [(PREFIX, handler), (BAD_PREFIX, bad_handler)]


def demo_env(base_url: str) -> dict[str, str]:
    return {"JORF_DUMPS_URL": f"{base_url}{PREFIX}/"}


# the replay archives are dated November 2026: a demo run reads them all
DEMO_SPIDER_ARGS = {"jorf": {"since": "2026-11-01"}}
