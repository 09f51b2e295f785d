"""Séance dates from French council documents and listings.

Handles « Séance du 25 Novembre 2002 », « DU LUNDI 15 SEPTEMBRE 2014 », « 1er juillet »,
« 05/12/2018 », « 2026-03-28 » and the written-out forms of PV openings
(« L'an deux mil dix-huit, et le cinq décembre », « L'AN DEUX MIL DIX, ET LE JEUDI 25 FEVRIER »).
Impossible dates (« 31 février ») raise ImpossibleDate instead of being silently dropped.
dateparser does the last-resort parsing of free listing text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import dateparser

from technoveille.core.fold import fold_plain

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12,
}
WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"

UNITS = {
    "zero": 0, "un": 1, "une": 1, "premier": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
    "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "cents": 100,
    "mil": 1000, "mille": 1000,
}


class ImpossibleDate(ValueError):
    """A date that reads well but does not exist (« 31 février 2020 »)."""


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and superscripts flattened."""
    return fold_plain(text)


def words_to_number(words: str) -> int | None:
    """« deux mil dix-huit » → 2018, « quatre-vingt-dix-neuf » → 99, « premier » → 1."""
    tokens = [t for t in re.split(r"[\s\-]+", fold(words).strip()) if t and t != "et"]
    if not tokens or any(t not in UNITS for t in tokens):
        return None
    total, current = 0, 0
    for tok in tokens:
        value = UNITS[tok]
        if value == 1000:
            total += (current or 1) * 1000
            current = 0
        elif value == 100:
            current = (current or 1) * 100
        elif value == 20 and current % 100 == 4:   # quatre-vingt(s) = 4 × 20
            current += 76
        else:
            current += value
    return total + current


_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if len(m) > 4 or m in ("mars", "mai", "juin", "aout")), key=len, reverse=True))
_NUMWORD = r"[a-z]+(?:[\s\-]+(?:et[\s\-]+)?[a-z]+)*?"
# « L'an deux mil dix-huit, et le cinq décembre » / « L'AN DEUX MIL DIX, ET LE JEUDI 25 FEVRIER »
WRITTEN_RE = re.compile(
    r"l'\s?an\s+(?P<year>" + _NUMWORD + r")\s*,?\s*(?:et\s+)?le\s+(?:(?:" + WEEKDAYS
    + r")\s+)?(?P<day>\d{1,2}|" + _NUMWORD + r")\s+(?P<month>" + _MONTH_NAMES + r")\b")
NUMERIC_MONTH_RE = re.compile(
    r"\b(?:(?:" + WEEKDAYS + r")\s+)?(?P<day>\d{1,2})\s*(?:er|e)?\s+(?P<month>[a-z]{3,9})\.?"
    r"\s+(?P<year>\d{4})\b")
SLASH_RE = re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})\b")
ISO_RE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
DAY_MONTH_RE = re.compile(
    r"\b(?:(?:" + WEEKDAYS + r")\s+)?(?P<day>\d{1,2})\s*(?:er|e)?\s+(?P<month>[a-z]{3,9})\b")


@dataclass
class FoundDate:
    value: date
    form: str      # written | month | slash | iso | dateparser
    start: int     # offset in the searched text


def _make(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ImpossibleDate(f"impossible date « {raw.strip()} »") from exc


def _day(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        return int(token)
    return words_to_number(token)


def find_dates(text: str, *, limit: int | None = None) -> list[FoundDate]:
    """Every plausible date in `text`, in order of appearance. Impossible ones raise."""
    folded = fold(text[:limit] if limit else text)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(m):
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in WRITTEN_RE.finditer(folded):
        month = MONTHS.get(m["month"])
        year = words_to_number(m["year"])
        day = _day(m["day"])
        if month and year and day and 1000 < year < 2200:
            found.append(FoundDate(_make(year, month, day, m.group(0)), "written", m.start()))
            taken.append(m.span())
    for m in NUMERIC_MONTH_RE.finditer(folded):
        month = MONTHS.get(m["month"])
        if month and free(m):
            found.append(FoundDate(_make(int(m["year"]), month, int(m["day"]), m.group(0)),
                                   "month", m.start()))
            taken.append(m.span())
    for regex, form in ((SLASH_RE, "slash"), (ISO_RE, "iso")):
        for m in regex.finditer(folded):
            if free(m) and 1 <= int(m["month"]) <= 12:
                found.append(FoundDate(_make(int(m["year"]), int(m["month"]), int(m["day"]),
                                             m.group(0)), form, m.start()))
                taken.append(m.span())
    found.sort(key=lambda f: f.start)
    return found


HEADER_HINT = re.compile(r"(seance|reunion|conseil|l'\s?an\s|proces|deliberation)")


def seance_date(text: str, *, header_chars: int = 3000) -> date | None:
    """The séance date from a document header: the first date near a séance/PV hint, else
    the first date of the header. Raises ImpossibleDate for « 31 février »-like headers."""
    head = text[:header_chars]
    dates = find_dates(head)
    if not dates:
        return None
    folded = fold(head)
    for d in dates:
        window = folded[max(0, d.start - 60): d.start]
        if d.form == "written" or HEADER_HINT.search(window):
            return d.value
    return dates[0].value


def parse_date(value: str | None, *, default_year: int | None = None) -> date | None:
    """One date from a listing string (`2026-03-28`, `28/03/2026`, `Séance du 1er juillet
    2013, 19 h 30`, `1er juillet` + default_year). Impossible dates raise ImpossibleDate."""
    if not value or not value.strip():
        return None
    dates = find_dates(value)
    if dates:
        return dates[0].value
    folded = fold(value)
    if default_year:
        m = DAY_MONTH_RE.search(folded)
        if m and MONTHS.get(m["month"]):
            return _make(default_year, MONTHS[m["month"]], int(m["day"]), m.group(0))
    parsed = dateparser.parse(value, languages=["fr"],
                              settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True})
    return parsed.date() if parsed else None


def cross_check(title_date: date | None, published: date | None) -> tuple[date | None, str | None]:
    """The title's year against the publication date (`<time datetime>` of the listing).

    A title dated after its own publication cannot be right (« du 28 septembre 2028 »
    published on 2026-10-01): keep day and month, take the publication year (the year
    before if that is still later than the publication). Returns (date, note)."""
    if title_date is None:
        return published, None
    if published is None or title_date <= published:
        return title_date, None
    for year in (published.year, published.year - 1):
        try:
            fixed = title_date.replace(year=year)
        except ValueError:
            continue
        if fixed <= published:
            return fixed, (f"année du titre {title_date.year} corrigée en {year} "
                           f"(publié le {published.isoformat()})")
    return published, f"date du titre {title_date.isoformat()} postérieure à la publication"
