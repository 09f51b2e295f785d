"""One JORFSIMPLE increment (`JORFSIMPLE_YYYYMMDD-HHMMSS.tar.gz`) → documents, errors and
deletions. Pure: no Scrapy, no disk (members are read in memory by `safe_tar`).

Layout of a real increment:
  20260819-003035/jorf/simple/JORF/CONT/00/00/54/70/68/JORFCONT000054706874/
      JORFCONT000054706874.xml   sommaire (root <JO>)
      JORFTEXT0000547xxxxx.xml   one self-contained text each (root <TEXTE>)
  20260819-003035/liste_suppression_jorf.dat   (deletions; may be absent)
Only the member's file name is relied upon (the sharded folders are not).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from scrapers.parsers import jorf, safe_tar

ARCHIVE_RE = re.compile(r"^JORFSIMPLE_(\d{8})-(\d{6})\.tar\.gz$")
XML_NAME_RE = re.compile(r"^(JORF(?:CONT|TEXT)\d{12})\.xml$")
DELETION_LIST = "liste_suppression_jorf.dat"
REINJECTION_DAYS = 2  # a text whose JO is older than archive date − 2 days is a re-injection


@dataclass
class ArchiveResult:
    name: str
    documents: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    sommaires: dict[str, dict] = field(default_factory=dict)  # parsed JORFCONT of this archive
    ignored: int = 0
    complete: bool = True  # False when the archive could not be read to its end


def archive_stamp(name: str) -> str | None:
    """`JORFSIMPLE_20260819-003035.tar.gz` → `20260819-003035` (None if not an increment)."""
    m = ARCHIVE_RE.match(name)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def archive_date(name: str) -> date | None:
    stamp = archive_stamp(name)
    if not stamp:
        return None
    try:
        return date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
    except ValueError:
        return None


def archive_kind(name: str) -> str | None:
    """night (00–06h, the day's JO), midday (06–18h, corrections), evening (re-injections)."""
    stamp = archive_stamp(name)
    if not stamp:
        return None
    hour = int(stamp[9:11])
    return "night" if hour < 6 else "midday" if hour < 18 else "evening"


def is_reinjection(jo_date: str | None, archive_day: date | None) -> bool:
    """An old text delivered again (evening re-injections): not a new publication."""
    if not jo_date or archive_day is None:
        return False
    try:
        published = date.fromisoformat(jo_date[:10])
    except ValueError:
        return False
    return published < archive_day - timedelta(days=REINJECTION_DAYS)


def _xml_error(exc: Exception) -> str:
    if isinstance(exc, DefusedXmlException):
        return "forbidden-xml"  # entity expansion, external entity, DTD tricks
    if isinstance(exc, ParseError):
        return "malformed-xml"
    return "unexpected-xml"


def read_archive(name: str, body: bytes, *, max_member: int = safe_tar.MAX_MEMBER,
                 max_total: int = safe_tar.MAX_TOTAL,
                 known_sommaires: dict[str, dict] | None = None) -> ArchiveResult:
    """`known_sommaires`: JORFCONT id → parsed sommaire read from EARLIER archives (a mid-day
    correction re-delivers a text without its sommaire: the rubric still comes from it)."""
    result = ArchiveResult(name=name)
    known = known_sommaires or {}
    conts: dict[str, bytes] = {}
    texts: dict[str, tuple[str, bytes]] = {}  # JORFTEXT → (member path, bytes)
    cont_of_text: dict[str, str] = {}  # from the folder name JORFCONT…/JORFTEXT….xml
    deletion_data: list[bytes] = []
    try:
        for entry in safe_tar.iter_members(body, max_member=max_member, max_total=max_total):
            if isinstance(entry, safe_tar.Refused):
                result.errors.append({"record_id": entry.name, "reason": entry.reason,
                                      "detail": entry.detail})
                continue
            base = entry.name.rsplit("/", 1)[-1]
            m = XML_NAME_RE.match(base)
            if m and base.startswith("JORFCONT"):
                conts[m.group(1)] = entry.data
            elif m:
                texts[m.group(1)] = (entry.name, entry.data)
                parent = entry.name.rsplit("/", 2)[-2] if entry.name.count("/") else ""
                if jorf.CONT_ID_RE.fullmatch(parent):
                    cont_of_text[m.group(1)] = parent
            elif base == DELETION_LIST:
                deletion_data.append(entry.data)
            else:
                result.ignored += 1
    except safe_tar.ArchiveError as exc:
        result.complete = False
        result.errors.append({"record_id": name, "reason": exc.reason, "detail": exc.detail})

    parsed_conts = result.sommaires
    for cont_id, data in sorted(conts.items()):
        try:
            parsed_conts[cont_id] = jorf.parse_cont(data)
            result.containers.append(cont_id)
        except (ParseError, ValueError) as exc:
            result.errors.append({"record_id": cont_id, "reason": _xml_error(exc),
                                  "detail": f"{type(exc).__name__}: {exc}"[:500]})

    day = archive_date(name)
    kind = archive_kind(name)

    def sommaire(cont_id: str | None) -> dict | None:
        return parsed_conts.get(cont_id or "") or known.get(cont_id or "")

    for text_id, (path, data) in sorted(texts.items()):
        cont = sommaire(cont_of_text.get(text_id))
        try:
            fields = jorf.parse_text(data, cont)
            if cont is None and sommaire(fields["extra"].get("jo_id")) is not None:
                # not in a JORFCONT folder: its ORIGINE_PUBLI names the sommaire
                cont = sommaire(fields["extra"]["jo_id"])
                fields = jorf.parse_text(data, cont)
        except (ParseError, ValueError) as exc:
            result.errors.append({"record_id": text_id, "reason": _xml_error(exc),
                                  "detail": f"{type(exc).__name__}: {exc}"[:500]})
            continue
        if fields["source_id"] != text_id:
            result.errors.append({"record_id": text_id, "reason": "unexpected-xml",
                                  "detail": f"file {path} holds {fields['source_id']}"})
            continue
        extra = fields["extra"]
        if cont is None:
            # sommaire absent (re-injections) or unreadable: the rubric is unknown, the JO
            # number, date and id come from the text itself.
            extra.pop("rubric", None)
        extra["archive"] = name
        extra["archive_kind"] = kind
        extra["reinjected"] = is_reinjection(extra.get("jo_date") or fields["published_on"],
                                             day)
        result.documents.append(fields)

    for data in deletion_data:
        for deleted in jorf.parse_deletions(data):
            if deleted not in result.deletions:
                result.deletions.append(deleted)
    return result
