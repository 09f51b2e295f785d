"""Load keywords.yml for a command, or explain in French why it cannot be used."""
from __future__ import annotations

import sys

from pipelines.matching import VocabularyError, load_matcher


def load_or_explain(path, consequence: str, prog: str = "technoveille"):
    """The matcher, or None after printing « vocabulaire invalide, <consequence> : <error> »
    (the error names file, line and term). Nothing is touched before this succeeds."""
    try:
        return load_matcher(path)
    except VocabularyError as exc:
        print(f"{prog}: vocabulaire invalide, {consequence} : {exc}", file=sys.stderr)
        return None
