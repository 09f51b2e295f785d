"""The engine's data: the public result (Hit, Rejection, MatchResult) and the records the
scan hands to the tier rules (Field, Candidate, Context, Suppressor)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


# (entry index, start, end): what the automaton pass collects, in folded offsets (acronyms,
# once checked, in original offsets). A plain tuple, unpacked once where it is read: the pass
# builds ~5,000 per MB, and a NamedTuple costs 0.17 µs more each (~2.5 % of the engine's speed).
Found = tuple[int, int, int]


@dataclass
class Hit:
    theme: str
    term: str
    tier: str
    part_label: str | None
    part_index: int | None
    field: str              # "title" | "text" | "part"
    start: int
    end: int
    snippet: str
    negated: bool

    def as_dict(self) -> dict:
        return {"theme": self.theme, "term": self.term, "tier": self.tier,
                "field": self.field, "part_label": self.part_label,
                "part_index": self.part_index, "start": self.start, "end": self.end,
                "snippet": self.snippet, "negated": self.negated}


class Rejection(NamedTuple):
    """A B/C hit that did not count, and why (unpacks as `hit, why`)."""
    hit: Hit
    reason: str


@dataclass
class MatchResult:
    flagged: bool
    scores: dict
    themes: list
    hits: list
    rejected: list = field(default_factory=list)   # [Rejection] B/C hits that did not count
    version: str = ""       # Matcher.version (sha256 of keywords.yml) that gave this result


class Context(NamedTuple):
    """A context term found in a field; positions (original offsets) only when they matter."""
    theme: str | None       # None: a global context term
    start: int | None
    end: int | None


class Suppressor(NamedTuple):
    theme: str
    term: str               # as written in keywords.yml (shown in the rejection reason)
    start: int | None
    end: int | None


@dataclass(slots=True)
class Candidate:
    """A term hit before the tier rules, in original offsets of its field."""
    entry: int
    start: int
    end: int
    fld: Field
    part: Field | None = None   # text hit inside the label of this part
    alone: bool = False     # covers a same-theme B hit that needs no context


class Field:
    """One text matched on its own: the title, the text, a part or a part's label."""
    __slots__ = ("name", "index", "label", "text", "cands", "ctx", "sup", "ab")

    def __init__(self, name: str, index: int | None, label: str | None, text: str):
        self.name, self.index, self.label, self.text = name, index, label, text
        self.cands: list[Candidate] = []
        self.ctx: list[Context] = []
        self.sup: list[Suppressor] = []
        self.ab: list[Candidate] = []     # A/B candidates kept (evidence for other B hits)
