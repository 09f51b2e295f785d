"""The fields of one document: its title, its text, its parts (lots, articles, agenda items)
and the labels of parts that are not a slice of the text.

A part found in the text is matched once, as a part: the text keeps only what lies outside
every part (`covered`), and a part's label written just before it in the text is context
and suppressor for that part only (`labels`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Context, Field, Suppressor


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


class LabelInText(NamedTuple):
    """A part's label written in the text just before the part."""
    start: int
    end: int
    part: Field


@dataclass
class Layout:
    title: Field
    text: Field | None
    parts: list[Field]
    labels_alone: list[Field]       # labels of parts that are not in text, matched alone
    covered: list[tuple[int, int]] = field(default_factory=list)   # parts found in text
    labels: list[LabelInText] = field(default_factory=list)

    @property
    def fields(self) -> list[Field]:
        """Every field, in output order: title, text, parts, labels matched alone."""
        return [self.title] + ([self.text] if self.text is not None else []) \
            + self.parts + self.labels_alone


def find_part(text: str, part: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of `part` in `text`, searched from `pos` then from the start: verbatim, else
    with any run of whitespace standing for any other (a source that lays lots out with blank
    lines in the text but single line breaks in the part)."""
    for start_at in (pos, 0):
        at = text.find(part, start_at)
        if at >= 0:
            return at, at + len(part)
    words = part.split()
    if not words:
        return None
    loose = re.compile(r"\s+".join(map(re.escape, words)))
    for start_at in (pos, 0):
        m = loose.search(text, start_at)
        if m:
            return m.start(), m.end()
    return None


def lay_out(title, text, parts) -> Layout:
    """Fields of a document; where each part (and its label) lies in the text."""
    title, text = as_text(title), as_text(text)
    part_fields = []
    for i, p in enumerate(parts or []):
        if isinstance(p, dict):
            ptext, plabel = as_text(p.get("text")), p.get("label")
        else:
            ptext, plabel = as_text(p), None
        plabel = None if plabel is None else as_text(plabel)
        part_fields.append(Field("part", i, plabel, ptext))
    doc = Layout(Field("title", None, None, title), None, part_fields, [])
    pos = 0
    for pf in part_fields:
        if not pf.text.strip():
            continue
        span = find_part(text, pf.text, pos) if text else None
        if span is None:
            # a part that is not a slice of text (the `match` input may give a preamble
            # as text and the articles as parts): matched on its own, label included
            if pf.label and pf.label.strip():
                doc.labels_alone.append(Field("label", pf.index, pf.label, pf.label))
            continue
        at, end = span
        doc.covered.append((at, end))
        if pf.label and pf.label.strip():
            la = text.rfind(pf.label, pos, at)
            if la >= 0 and not text[la + len(pf.label):at].strip():
                doc.labels.append(LabelInText(la, la + len(pf.label), pf))
        pos = end
    if text:
        doc.text = Field("text", None, None, text)
    return doc


def give_labels_to_parts(doc: Layout) -> None:
    """After the scan: a label matched alone is context / suppressor of its part, like a
    label in text; the text loses what the parts cover, and what lies in a part's label
    goes to that part."""
    for lf in doc.labels_alone:
        pf = doc.parts[lf.index]
        for c in lf.cands:
            c.part = pf
        pf.ctx += [Context(x.theme, None, None) for x in lf.ctx]
        pf.sup += [Suppressor(x.theme, x.term, None, None) for x in lf.sup]
        lf.ctx, lf.sup = [], []
    tf = doc.text
    if tf is None or not doc.covered:
        return
    covered = doc.covered

    def out(a, b):
        return a is None or not any(c0 <= a and b <= c1 for c0, c1 in covered)
    tf.cands = [c for c in tf.cands if out(c.start, c.end)]
    tf.ctx = [x for x in tf.ctx if out(x.start, x.end)]
    tf.sup = [x for x in tf.sup if out(x.start, x.end)]
    if not doc.labels:
        return
    # the label of a part (« Lot 10 – Courants faibles », an agenda item's
    # title) is context for that part only, not for the whole document
    labels = doc.labels

    def owner(a, b):
        if a is None:
            return None
        return next((lb.part for lb in labels if lb.start <= a and b <= lb.end), None)
    for c in tf.cands:
        c.part = owner(c.start, c.end)
    ctx, sup = [], []
    for x in tf.ctx:
        pf = owner(x.start, x.end)
        (pf.ctx.append(Context(x.theme, None, None)) if pf else ctx.append(x))
    for x in tf.sup:
        pf = owner(x.start, x.end)
        (pf.sup.append(Suppressor(x.theme, x.term, None, None)) if pf else sup.append(x))
    tf.ctx, tf.sup = ctx, sup
