"""URL normalisation and the stable ids derived from it (dedup of a PDF linked twice)."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_TRACKING = re.compile(r"(^|&)(utm_[a-z]+|fbclid|gclid|xtor)=[^&]*")


def normalise_url(url: str) -> str:
    """Scheme and host lower case, default port, fragment and tracking parameters dropped,
    query sorted, dot segments and percent-escapes canonical."""
    url = canonicalize_url(url.strip(), keep_fragments=False)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = _TRACKING.sub("", parts.query).lstrip("&")
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def url_id(url: str, length: int = 16) -> str:
    return hashlib.sha1(normalise_url(url).encode()).hexdigest()[:length]
