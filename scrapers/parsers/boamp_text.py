"""The readable text of a BOAMP record: title, lots (the Document `parts`), descriptors and the full `text`.

Every string goes through the record's `TextCleaner` (so its repairs can be reported); `text` never
repeats a passage (compared case-insensitively, whitespace-folded).
"""
from __future__ import annotations

from dataclasses import dataclass

from scrapers.parsers.boamp_formats import Extracted
from scrapers.parsers.boamp_tree import as_list, dig1, strings, txt
from technoveille.core.textclean import TextCleaner


class TextBlocks:
    """Builds a text without repeating a passage (compared case-insensitively, whitespace-folded)."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.seen: set[str] = set()

    def add(self, s: str | None) -> None:
        key = " ".join((s or "").split()).casefold()
        if not key or key in self.seen:
            return
        self.seen.add(key)
        self.blocks.append(s)


@dataclass
class LotPart:
    label: str  # "Lot 2 – Name", or "Lot 2" without a name
    blocks: list[str]  # the name, then the lot's texts, without repeats

    @property
    def text(self) -> str:
        return "\n".join(self.blocks)

    def as_part(self) -> dict[str, str]:
        return {"label": self.label, "text": self.text}


def title_of(record: dict, ex: Extracted | None, indexation: dict, clean: TextCleaner,
             errors: list[str]) -> str | None:
    """`objet`, else the notice's title in `donnees`, else gestion RESUME_OBJET; reported when none."""
    title = clean(record.get("objet"), single_line=True) or clean(ex.title if ex else None, single_line=True) \
        or clean(indexation.get("RESUME_OBJET"), single_line=True) or None
    if not title:
        errors.append("no title: objet missing and none in donnees")
    return title


def lot_parts(ex: Extracted | None, clean: TextCleaner) -> list[LotPart]:
    """One part per lot of `donnees`, numbered by position when the lot has no number."""
    parts: list[LotPart] = []
    for i, lot in enumerate(ex.lots if ex else [], start=1):
        name = clean(lot.name, single_line=True)
        number = lot.number or str(i)
        body = TextBlocks()
        for t in ([name] if name else []) + [clean(t) for t in lot.texts]:
            body.add(t)
        parts.append(LotPart(label=f"Lot {number} – {name}" if name else f"Lot {number}", blocks=body.blocks))
    return parts


def descriptors_of(record: dict, indexation: dict, clean: TextCleaner) -> list[str]:
    """The BOAMP descriptors: flat `descripteur_libelle`, else gestion DESCRIPTEURS."""
    descripteurs = [clean(s, single_line=True) for s in strings(record.get("descripteur_libelle"))]
    if not descripteurs:
        for d in as_list(dig1(indexation, "DESCRIPTEURS", "DESCRIPTEUR")):
            s = txt(d.get("LIBELLE")) if isinstance(d, dict) else txt(d)
            if s:
                descripteurs.append(clean(s, single_line=True))
    return descripteurs


def assemble_text(title: str | None, ex: Extracted | None, lots: list[LotPart], descripteurs: list[str],
                  winner_names: list[str], clean: TextCleaner) -> str:
    """The full text: title, descriptions, every lot, every other text leaf, descriptors, winners."""
    text = TextBlocks()
    text.add(title)
    if ex:
        text.add(clean(ex.title))
        for d in ex.descriptions:
            text.add(clean(d))
    for lot in lots:
        text.add(lot.label)
        for t in lot.blocks:
            text.add(t)
    if ex:
        for t in ex.other_texts:
            text.add(clean(t))
    if descripteurs:
        text.add("Descripteurs : " + ", ".join(descripteurs))
    if winner_names:
        text.add("Titulaire(s) : " + ", ".join(winner_names))
    return "\n\n".join(text.blocks)
