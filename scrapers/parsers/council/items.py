"""Split a procès-verbal, a liste des délibérations or an ordre du jour into agenda items.

Each item becomes a part {"label", "text"} so a keyword hit points at
« 5 – APPROBATION DU DCE ET LANCEMENT DU MARCHE CONCERNANT LA VIDEO-PROTECTION »
rather than at a 40-page PDF. Heading styles, tried in order (the first that yields two or
more items wins):

1. séance-dated numbers (Avranches): ``2013.07.01 - 5  APPROBATION DU DCE …``
2. a délibération number on its own line, its title on the next « Objet : » line
   (``Délibération D2018-66`` / ``Objet : approbation …``, Fargues-Saint-Hilaire PV 2018)
3. délibération numbers: ``02/1094/EFAG`` (Marseille), ``21 C 0144`` (MEL),
   ``DCM 2025-363`` (Rennes), ``D01-2026_020`` (Bègles), ``N° 2016.02.16 -``,
   ``DL-056-07-13 -`` (L'Arbresle CR 2013), ``D2026-058``, ``DEL-2026-045``, ``2026-069 -``
4. plain numbers in sequence: ``5 – APPROBATION …``, ``5) Vidéoprotection : …``,
   ``N° 5 - …``, ``5. …`` (numbers must follow each other: 1, 2, 3…)

A heading's title continues on the next lines while they are in capitals (titles are often
wrapped, « LA VIDEO-\\n\\nPROTECTION »); a hyphen at a line end is joined without a space.
"""
from __future__ import annotations

import re

_OCR_DIGITS = str.maketrans({"I": "1", "l": "1", "O": "0", "o": "0"})

DATED = re.compile(
    r"^[ \t]*(?P<prefix>\d{4}\.\d{2}\.\d{2})\s*-\s*(?P<num>[0-9IlO]{1,3})\b[ \t]+(?P<title>\S.*)$",
    re.M)
_NUMBER = (r"\d{2}/\d{4}/[A-Z]{2,5}|\d{2} C \d{4}|DCM[ _]\d{4}[-_]\d+|\d{4}\.\d{2}\.\d{2}"
           # D01-2026_020, D2026-058, DEL-2026-045, DL-056-07-13, DELIB_2026_12
           r"|(?:D|DL|DEL|DELIB|DCM|DC)[-_ ]?\d{2,4}(?:[-_.]\d{2,4}){1,2}(?:_\d+)?"
           # 2026-069, 2026_12 (not a year range such as 2025-2026)
           r"|(?:19|20)\d{2}[-_](?!(?:19|20)\d{2}\b)\d{2,4}")
DELIB_NUMBER = re.compile(
    r"^[ \t]*(?:N°\s*)?(?P<num>" + _NUMBER + r")\b\s*[-–—:]?[ \t]*(?P<title>(?:[^\W\d_]|[«\"']).*)?$",
    re.M)
# « Délibération D2018-66 » (or « N° 2026-031 ») alone on its line, then « Objet : … »
DELIB_OBJET = re.compile(
    r"^[ \t]*(?:D[ÉEée]LIB[ÉEée]RATION|D[ée]lib[ée]ration)?[ \t]*(?:N°|n°|no)?[ \t]*(?P<num>[A-Z]{0,5}[-_ ]?\d[\w./-]*)"
    r"[ \t]*\n[ \t]*(?:OBJET|Objet)\s*:\s*(?P<title>\S.*)$", re.M)
PLAIN = re.compile(
    r"^[ \t]*(?:(?:N°|n°|Point|POINT|Rapport|RAPPORT)\s*)?(?P<num>\d{1,3})\s*(?:[-–—).:]|°\))"
    r"[ \t]*(?P<title>[A-ZÀ-ÖØ-Þ«\"'].*)$", re.M)


def _letters_upper_ratio(line: str) -> float:
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title_with_continuation(text: str, title: str, end: int, max_lines: int = 3) -> str:
    """Append the capitalised lines that continue a wrapped heading."""
    title = title.rstrip()
    rest = text[end:]
    lines = rest.split("\n")
    taken = 0
    for line in lines[1:]:
        if not line.strip():
            continue
        if taken >= max_lines:
            break
        stripped = line.strip()
        if PLAIN.match(line) or DATED.match(line) or DELIB_NUMBER.match(line):
            break
        if _letters_upper_ratio(stripped) < 0.8 or len(stripped) > 120:
            break
        if title.endswith("-"):
            title = title + stripped
        else:
            title = title + " " + stripped
        taken += 1
        if re.search(r"[.:;]$", stripped):
            break
    return _clean(title)


def _number(raw: str) -> str:
    return raw.translate(_OCR_DIGITS) if not raw.isdigit() else raw


def _dated(text: str) -> list[tuple[int, str, str, int]]:
    return [(m.start(), _number(m["num"]), m["title"], m.end()) for m in DATED.finditer(text)]


def _delib_numbers(text: str) -> list[tuple[int, str, str, int]]:
    return [(m.start(), m["num"], m["title"] or "", m.end()) for m in DELIB_NUMBER.finditer(text)
            if (m["title"] or "").strip()]


def _delib_objet(text: str) -> list[tuple[int, str, str, int]]:
    return [(m.start(), m["num"], m["title"], m.end()) for m in DELIB_OBJET.finditer(text)]


def _plain(text: str) -> list[tuple[int, str, str, int]]:
    """Plain numbered headings, kept only when their numbers follow each other."""
    out: list[tuple[int, str, str, int]] = []
    expected = None
    for m in PLAIN.finditer(text):
        n = int(m["num"])
        if expected is None:
            if n > 1:
                continue
        elif n != expected:
            continue
        out.append((m.start(), str(n), m["title"], m.end()))
        expected = n + 1
    return out


def split_items(text: str, min_items: int = 2) -> list[dict[str, str]]:
    """Agenda items of a PV / liste / ordre du jour; [] when no heading style fits."""
    if not text:
        return []
    for finder in (_dated, _delib_objet, _delib_numbers, _plain):
        heads = finder(text)
        if len(heads) >= min_items:
            break
    else:
        return []
    parts = []
    for i, (start, num, title, end) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        label = f"{num} – {_title_with_continuation(text, title, end)}"
        parts.append({"label": label, "text": text[start:stop].strip()})
    return parts


def single_item(text: str, label: str | None) -> list[dict[str, str]]:
    """A délibération is one item: its number and objet as the label, the whole text."""
    if not text:
        return []
    return [{"label": _clean(label or "Délibération"), "text": text.strip()}]
