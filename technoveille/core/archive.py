"""Content-addressed raw archive: campaigners cite documents that sources later delete.

Each response body that produced a document is kept once, as
`<TECHNOVEILLE_ARCHIVE>/<sha256[:2]>/<sha256>.gz` (gzip with mtime 0, so a re-run writes
identical bytes), with a `<sha256>.json` sidecar: url, status, content type, fetched_at.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path

from technoveille.core import config
from technoveille.core.db import now_iso


def relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.gz"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def store_bytes(body: bytes, url: str | None = None, status: int | None = None,
                content_type: str | None = None, root: Path | None = None) -> dict:
    root = Path(root or config.archive_dir())
    sha = hashlib.sha256(body).hexdigest()
    rel = relative_path(sha)
    target = root / rel
    fetched_at = now_iso()
    if not target.exists():
        _atomic_write(target, gzip.compress(body, mtime=0))
        meta = {"sha256": sha, "url": url, "status": status, "content_type": content_type,
                "fetched_at": fetched_at, "size": len(body)}
        _atomic_write(target.with_suffix("").with_suffix(".json"),
                      json.dumps(meta, ensure_ascii=False, indent=1).encode())
    return {"sha256": sha, "path": rel, "fetched_at": fetched_at}


def store_response(response) -> dict:
    cached = response.meta.get("_archive_entry") if hasattr(response, "meta") else None
    if cached and cached.get("url") == response.url:
        return cached
    ctype = response.headers.get(b"Content-Type")
    entry = store_bytes(response.body, url=response.url, status=response.status,
                        content_type=ctype.decode("latin-1") if ctype else None)
    entry["url"] = response.url
    try:
        response.meta["_archive_entry"] = entry
    except AttributeError:
        pass
    return entry


def read(sha256: str, root: Path | None = None) -> tuple[bytes, dict]:
    """The raw bytes and sidecar metadata of an archived response."""
    if not all(c in "0123456789abcdef" for c in sha256) or len(sha256) != 64:
        raise FileNotFoundError(sha256)
    root = Path(root or config.archive_dir())
    target = root / relative_path(sha256)
    meta_path = target.with_suffix("").with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    return gzip.decompress(target.read_bytes()), meta
