"""The keyword engine (issue 3): keywords.yml → Matcher; match(title, text, parts) → MatchResult.

    from pipelines.matching import load_matcher
    m = load_matcher("keywords.yml")      # VocabularyError(file, line, term, message)
    r = m.match(title=..., text=..., parts=[{"label": ..., "text": ...}])

See docs/keywords.md (French, for the people who edit keywords.yml) and engine.py.
"""
from __future__ import annotations

import functools
from pathlib import Path

from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN

from .engine import Hit, Matcher, MatchResult
from .errors import VocabularyError
from .vocabulary import load, parse

__all__ = ["load_matcher", "matcher_from_bytes", "Matcher", "MatchResult", "Hit",
           "VocabularyError", "MARK_OPEN", "MARK_CLOSE"]


def load_matcher(path) -> Matcher:
    """Read and validate keywords.yml; raises VocabularyError before anything else runs.
    The matcher of an unchanged file is built once per process (the match and store stages
    of a crawl share it)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return Matcher(load(path))  # raises the VocabularyError that says what is missing
    return _cached_matcher(data, str(path))


@functools.lru_cache(maxsize=4)
def _cached_matcher(data: bytes, path: str) -> Matcher:
    return Matcher(parse(data, path))


def matcher_from_bytes(data: bytes, path: str = "<keywords>") -> Matcher:
    return Matcher(parse(data, path))
