"""Dates of a BOAMP record: the publication day and the response deadline (see `boamp.py` for the rules).

Deadlines are ISO 8601 in Europe/Paris time with their offset, or a bare date when only a day is known.
Candidates come from `donnees` (the format readers), then `gestion`, then the flat `datelimitereponse`
(labelled UTC by ODS, which is true only when the source value carried an offset).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from scrapers.parsers.boamp_formats import Extracted
from scrapers.parsers.boamp_tree import txt

PARIS = ZoneInfo("Europe/Paris")
MAX_YEARS_AFTER, MAX_YEARS_BEFORE = 20, 5


class ParsedDeadline(NamedTuple):
    value: str | None  # ISO value in Europe/Paris, or a bare date
    year: int | None
    error: str | None


class DeadlineCandidate(NamedTuple):
    raw: str
    naive_is_utc: bool  # a value without offset is UTC (else Paris wall-clock time)


def parse_iso_date(value: Any) -> str | None:
    """'2026-08-19', '2006-07-4', '2026-08-19T00:00:00+00:00' → 'YYYY-MM-DD'; anything else → None."""
    m = re.match(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})", value) if isinstance(value, str) else None
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def publication_date(record: dict, indexation: dict, errors: list[str]) -> str | None:
    """`dateparution`, else gestion DATE_PUBLICATION; reported when neither is a date."""
    published_on = parse_iso_date(record.get("dateparution")) or parse_iso_date(indexation.get("DATE_PUBLICATION"))
    if not published_on:
        errors.append(f"dateparution missing or invalid ({record.get('dateparution')!r})")
    return published_on


_ISO_RE = re.compile(
    r"^(\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_FR_DATE_RE = re.compile(r"\b\d{1,2}(?:er)?\s+[^\W\d_]+\.?\s+\d{4}\b")
_FR_TIME_RE = re.compile(r"(\d{1,2})\s*(?:heures?|h)\s*(\d{2})?\b", re.I)


def parse_deadline(raw: str, *, naive_is_utc: bool = False) -> ParsedDeadline:
    """One raw deadline → (ISO value in Europe/Paris or a bare date, year, error).

    ISO shapes: with offset or `Z` (converted to Paris time), naive (Paris wall-clock time, or UTC when
    `naive_is_utc`), date-only (kept as a date), fractional seconds. French text (v110:
    « 21 juillet 2006, à 12 heures ») goes through dateparser.
    """
    s = raw.strip()
    m = _ISO_RE.match(s)
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if not 1 <= year <= 9999:
            return ParsedDeadline(None, year, f"deadline {s!r} has an impossible year")
        try:
            d = date(year, month, day)
        except ValueError:
            return ParsedDeadline(None, year, f"deadline {s!r} is not a real date")
        if m[4] is None:
            return ParsedDeadline(d.isoformat(), year, None)
        tz = None
        if m[7]:
            if m[7] == "Z":
                tz = timezone.utc
            else:
                sign = 1 if m[7][0] == "+" else -1
                digits = m[7][1:].replace(":", "")
                tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        elif naive_is_utc:
            tz = timezone.utc
        try:
            dt = datetime(year, month, day, int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=tz or PARIS)
            return ParsedDeadline(dt.astimezone(PARIS).isoformat(timespec="seconds"), year, None)
        except (ValueError, OverflowError):
            return ParsedDeadline(None, year, f"deadline {s!r} is not a real time")
    import dateparser  # slow import: only for the free-text legacy dates

    day = _FR_DATE_RE.search(s)
    parsed = dateparser.parse(day[0].replace("1er", "1"), languages=["fr"],
                              settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]}) \
        if day else None
    if not parsed:
        return ParsedDeadline(None, None, f"deadline {s!r} is not a date")
    hour = _FR_TIME_RE.search(s[day.end():])
    if hour and int(hour[1]) < 24 and int(hour[2] or 0) < 60:
        dt = datetime(parsed.year, parsed.month, parsed.day, int(hour[1]), int(hour[2] or 0), tzinfo=PARIS)
        return ParsedDeadline(dt.isoformat(timespec="seconds"), parsed.year, None)
    return ParsedDeadline(parsed.date().isoformat(), parsed.year, None)


def pick_deadline(candidates: list[DeadlineCandidate], published_on: str | None,
                  warnings: list[str]) -> str | None:
    """The first plausible deadline among the candidates; rejected ones are warned (once each)."""
    pub_year = int(published_on[:4]) if published_on else None
    seen: set[str] = set()
    for raw, naive_is_utc in candidates:
        if not raw or not raw.strip():
            continue
        value, year, error = parse_deadline(raw, naive_is_utc=naive_is_utc)
        if error is None and year is not None:
            if pub_year and not (pub_year - MAX_YEARS_BEFORE <= year <= pub_year + MAX_YEARS_AFTER):
                error = f"deadline {raw.strip()!r} rejected: year {year} is implausible for a notice " \
                        f"published in {pub_year}"
            elif not pub_year and not 1990 <= year <= 2100:
                error = f"deadline {raw.strip()!r} rejected: year {year} is implausible"
        if error:
            if error not in seen:
                seen.add(error)
                warnings.append(error)
            continue
        return value
    return None


def flat_deadline_is_true_utc(fmt: str | None, gestion_deadline: str, record: dict) -> bool:
    """Is the flat `datelimitereponse` (labelled UTC by ODS) a real UTC instant, or a naive Paris time
    relabelled? ODS converts the source value: right when it carried an offset, wrong when it was naive.
    The source is `gestion` DATE_LIMITE_REPONSE when present; else the national 3.2.5 formats (FNSimple,
    MAPA, DSP) and v110 are naive, EFORMS and v230 carry offsets; an unknown or missing `donnees`
    goes by famille/schema (national 3.2.5 notices are naive)."""
    m = _ISO_RE.match(gestion_deadline.strip())
    if m and m[4] is not None:
        return m[7] is not None
    if fmt in ("FNSimple", "MAPA", "DSP", "v110"):
        return False
    if fmt in ("EFORMS", "v230"):
        return True
    national = str(record.get("famille") or "").upper() in ("FNS", "MAPA", "DSP")
    return not (national and str(record.get("source_schema") or "").startswith("3."))


def deadline_candidates(record: dict, indexation: dict, ex: Extracted | None) -> list[DeadlineCandidate]:
    """The raw deadlines, best first: `donnees`, then `gestion`, then the flat field (UTC-labelled)."""
    gestion_deadline = txt(indexation.get("DATE_LIMITE_REPONSE")) or ""
    flat_true_utc = flat_deadline_is_true_utc(ex.format if ex else None, gestion_deadline, record)
    candidates = [DeadlineCandidate(d, False) for d in (ex.deadlines if ex else [])]
    candidates.append(DeadlineCandidate(gestion_deadline, False))
    flat = txt(record.get("datelimitereponse")) or ""
    if flat and not flat_true_utc:
        flat = re.sub(r"(?:\+00:?00|Z)$", "", flat.strip())  # a naive Paris time relabelled UTC by ODS
    candidates.append(DeadlineCandidate(flat, flat_true_utc))
    return candidates
