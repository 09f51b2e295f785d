"""The keyword engine (issue 3): keywords.yml → Matcher; match(title, text, parts) → MatchResult.

    from pipelines.matching import load_matcher
    m = load_matcher("keywords.yml")      # VocabularyError(file, line, term, message)
    r = m.match(title=..., text=..., parts=[{"label": ..., "text": ...}])

See docs/keywords.md (French, for the people who edit keywords.yml) and engine.py.
"""
from __future__ import annotations

from .engine import MARK_CLOSE, MARK_OPEN, Hit, Matcher, MatchResult
from .errors import VocabularyError
from .vocabulary import load, parse

__all__ = ["load_matcher", "matcher_from_bytes", "Matcher", "MatchResult", "Hit",
           "VocabularyError", "MARK_OPEN", "MARK_CLOSE"]


def load_matcher(path) -> Matcher:
    """Read and validate keywords.yml; raises VocabularyError before anything else runs."""
    return Matcher(load(path))


def matcher_from_bytes(data: bytes, path: str = "<keywords>") -> Matcher:
    return Matcher(parse(data, path))
