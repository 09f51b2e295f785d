"""A document's keyword occurrences as a reader sees them: grouped by place (title, text,
each lot / article / agenda item), each wording shown once per place.

The hits table may report one wording several times at one place: on the stored text, on the
part (lot) and on the part's label, when the parts are not slices of the stored text; the
title is usually repeated at the head of the text too. This module does not rely on those
duplicates being there (nor on their being gone):

* a text hit that falls where the text repeats the title, a part's label or a part's text
  belongs to that title or part (its span is found in the text, whitespace-tolerant);
* in one place, hits of the part itself are all kept (two « drones » in a lot are two
  occurrences); a label or repeated-text hit is kept only when its wording (theme, term and
  matched words, folded) is not already there;
* exact repeats (same field, part, offsets and term) count once.

Pure functions over plain mappings (a `sqlite3.Row` or a dict), used by the document page
(datasette/plugins/document_occurrences.py) and testable without Datasette."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from technoveille.core.fold import fold_plain
from technoveille.core.highlight import MARK_CLOSE, MARK_OPEN

TITLE, TEXT = "title", "text"
# in a part, hits of the part's own text come first, then its label, then the repeated text
_RANK = {"part": 0, "label": 1, "title": 0, "text": 2}


@dataclass
class Place:
    kind: str                      # "title" | "text" | "part"
    label: str
    part_index: int | None = None
    hits: list[dict] = field(default_factory=list)


def _pattern(s: str) -> re.Pattern | None:
    words = s.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _find(text: str, s: str, start: int = 0, anchored: bool = False) -> tuple[int, int] | None:
    pattern = _pattern(s or "")
    if pattern is None:
        return None
    found = pattern.match(text, start) if anchored else pattern.search(text, start)
    return (found.start(), found.end()) if found else None


def text_spans(title: str | None, text: str | None, parts: list[dict]) -> list[tuple[int, int, object]]:
    """Where the stored text repeats the title (at its head) and each part's label and text:
    [(start, end, TITLE | part_index)], in text order."""
    text = text or ""
    spans: list[tuple[int, int, object]] = []
    cursor = 0
    head = _find(text, title or "", len(text) - len(text.lstrip()), anchored=True)
    if head:
        spans.append((head[0], head[1], TITLE))
        cursor = head[1]
    for index, part in enumerate(parts):
        for piece in (part.get("label"), part.get("text")):
            span = _find(text, piece or "", cursor)
            if span:
                spans.append((span[0], span[1], index))
                cursor = span[1]
    return spans


def wording(hit: Mapping) -> str:
    """The matched words of a hit (between the snippet's marks), folded."""
    snippet = hit.get("snippet") or ""
    start = snippet.find(MARK_OPEN)
    end = snippet.find(MARK_CLOSE, start + len(MARK_OPEN)) if start >= 0 else -1
    words = snippet[start + len(MARK_OPEN):end] if start >= 0 and end > start else snippet
    return " ".join(fold_plain(words).split())


def _parts(document: Mapping) -> list[dict]:
    parts = document.get("parts")
    if isinstance(parts, str):
        try:
            parts = json.loads(parts or "[]")
        except ValueError:
            parts = []
    return [p for p in (parts or []) if isinstance(p, Mapping)]


def _place_of(hit: dict, spans, n_parts: int):
    fieldname = hit.get("field") or TEXT
    index = hit.get("part_index")
    # "text" with a part_index: in the text, inside that part's heading (the engine says so)
    if fieldname in ("part", "label", TEXT) and index is not None and 0 <= index < n_parts:
        return index
    if fieldname == TITLE:
        return TITLE
    start = hit.get("start")
    if isinstance(start, int):
        for span_start, span_end, owner in spans:
            if span_start <= start < span_end:
                return owner
    return TEXT


def group_occurrences(document: Mapping, hits: Iterable[Mapping]) -> list[Place]:
    """The places of a document that hold occurrences, in reading order (title, text, parts),
    each with its distinct occurrences."""
    document = dict(document)
    parts = _parts(document)
    spans = text_spans(document.get("title"), document.get("text"), parts)
    seen_exact: set[tuple] = set()
    by_place: dict[object, list[dict]] = {}
    for raw in hits:
        hit = dict(raw)
        exact = (hit.get("field"), hit.get("part_index"), hit.get("start"), hit.get("end"),
                 hit.get("theme"), hit.get("term"))
        if exact in seen_exact:
            continue
        seen_exact.add(exact)
        hit["wording"] = wording(hit)
        by_place.setdefault(_place_of(hit, spans, len(parts)), []).append(hit)

    places: list[Place] = []
    order = [TITLE, TEXT] + list(range(len(parts)))
    for key in order:
        candidates = by_place.get(key)
        if not candidates:
            continue
        candidates.sort(key=lambda h: (_RANK.get(h.get("field") or TEXT, 2),
                                       h.get("start") if isinstance(h.get("start"), int) else 0))
        kept: list[dict] = []
        own_keys: set[tuple] = set()
        own_field = candidates[0].get("field") or TEXT
        for hit in candidates:
            wkey = (hit.get("theme"), hit.get("term"), hit["wording"])
            fieldname = hit.get("field") or TEXT
            if fieldname == own_field:
                kept.append(hit)     # the place's own hits: every one is an occurrence
            elif wkey not in own_keys:
                kept.append(hit)     # a wording only the label / repeated text holds
            else:
                continue
            own_keys.add(wkey)
        if key == TITLE:
            places.append(Place(TITLE, "Titre", None, kept))
        elif key == TEXT:
            places.append(Place(TEXT, "Texte", None, kept))
        else:
            places.append(Place("part", parts[key].get("label") or f"Partie {key + 1}", key,
                                kept))
    return places
