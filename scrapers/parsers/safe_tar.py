"""Safe, in-memory reading of a .tar.gz (DILA open-data increments).

Nothing is ever extracted to disk: members are read into memory one by one from a streaming
tarfile over a size-capped gzip reader. The rules:

* only regular files are returned; directories are skipped silently; symbolic links, hard
  links, character/block devices, FIFOs and any other type are refused;
* a member name that is absolute (`/…`, `C:\\…`), contains `..`, a NUL byte or a backslash
  is refused;
* a member larger than `max_member` bytes is refused (its bytes are not read);
* the archive stops with an error when the decompressed stream exceeds `max_total` bytes or
  holds more than `max_members` entries (gzip/tar bombs);
* an empty (0-byte), truncated or corrupt archive stops with an error; members already read
  before the damage are kept;
* a body that is already a plain tar (HTTP layer decompressed a `Content-Encoding: x-gzip`
  answer) is read the same way.

`iter_members` yields `Member` (name, data) and `Refused` (name, reason, detail) records in
archive order and raises `ArchiveError` when the archive itself cannot be read further.
"""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 1024 * 1024 * 1024
MAX_MEMBERS = 500_000


class ArchiveError(Exception):
    """The archive cannot be read (further): empty, truncated, corrupt, or over a cap."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


@dataclass(frozen=True)
class Refused:
    name: str
    reason: str
    detail: str = ""


class _CappedReader(io.RawIOBase):
    """File-like view of a decompressed stream that fails past `limit` bytes."""

    def __init__(self, raw, limit: int):
        self._raw = raw
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._limit - self.count + 1
        data = self._raw.read(size)
        self.count += len(data)
        if self.count > self._limit:
            raise ArchiveError("archive-too-large",
                               f"more than {self._limit} bytes once decompressed")
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def unsafe_name(name: str) -> str | None:
    """Why a member name is refused, or None when it is a safe relative path."""
    if not name:
        return "empty member name"
    if "\x00" in name:
        return "NUL byte in member name"
    if "\\" in name:
        return "backslash in member name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute member path"
    if ".." in PurePosixPath(name).parts:
        return "'..' in member path"
    return None


def _type_name(info: tarfile.TarInfo) -> str:
    if info.issym():
        return "symbolic link"
    if info.islnk():
        return "hard link"
    if info.ischr() or info.isblk():
        return "device"
    if info.isfifo():
        return "fifo"
    return f"type {info.type!r}"


def iter_members(body: bytes, *, max_member: int = MAX_MEMBER, max_total: int = MAX_TOTAL,
                 max_members: int = MAX_MEMBERS) -> Iterator[Member | Refused]:
    if not body:
        raise ArchiveError("empty-archive", "0 bytes")
    if body[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=io.BytesIO(body))
    elif body[257:262] == b"ustar":
        # already decompressed on the way (a server sending Content-Encoding: x-gzip)
        raw = io.BytesIO(body)
    else:
        raise ArchiveError("not-gzip", f"starts with {body[:8]!r}")
    stream = _CappedReader(raw, max_total)
    count = 0
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                count += 1
                if count > max_members:
                    raise ArchiveError("too-many-members", f"more than {max_members}")
                name = info.name
                if info.isdir():
                    problem = unsafe_name(name.rstrip("/"))
                    if problem:
                        yield Refused(name, "unsafe-member-path", problem)
                    continue
                problem = unsafe_name(name)
                if problem:
                    yield Refused(name, "unsafe-member-path", problem)
                    continue
                if not info.isreg():
                    target = f" -> {info.linkname}" if info.linkname else ""
                    yield Refused(name, "unsafe-member-type", f"{_type_name(info)}{target}")
                    continue
                if info.size > max_member:
                    yield Refused(name, "member-too-large",
                                  f"{info.size} bytes > {max_member}")
                    continue
                handle = tar.extractfile(info)
                data = handle.read() if handle is not None else b""
                if len(data) != info.size:
                    raise ArchiveError("truncated-archive",
                                       f"{name}: {len(data)} of {info.size} bytes")
                yield Member(name, data)
    except ArchiveError:
        raise
    except (EOFError, tarfile.ReadError, tarfile.StreamError, zlib.error, gzip.BadGzipFile,
            OSError) as exc:
        reason = "truncated-archive" if isinstance(exc, EOFError) or "truncat" in str(
            exc).lower() or "end of" in str(exc).lower() else "corrupt-archive"
        raise ArchiveError(reason, f"{type(exc).__name__}: {exc}") from None
