"""SCDL « Délibérations » feeds: CSV (any delimiter), Opendatasoft exports (v2.1 bare array)
and Opendatasoft v1 search results, normalised to one record shape.

Real-world deviations handled (research notes §2.1): `;` delimiter, upper/lower case headers,
matière codes as floats (5.7) or three levels (5.1.2), `2025-09-29 00:00:00` datetimes and
`DD/MM/YYYY` dates, empty strings and nulls, ODS *file objects* instead of URLs, SIRET as an
integer, non-SCDL aliases (AN/NUM/OBJ/LIEN, assemblee/titre/lien…), missing optional columns
and extra columns (kept in `other`).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

REQUIRED = ("delib_id", "delib_date", "delib_objet")
SCDL_FIELDS = (
    "coll_nom", "coll_siret", "delib_id", "delib_date", "delib_matiere_code",
    "delib_matiere_nom", "delib_objet", "budget_annee", "budget_nom", "pref_id", "pref_date",
    "vote_effectif", "vote_reel", "vote_pour", "vote_contre", "vote_abstention", "delib_url",
)
# Non-SCDL column names seen in real feeds → SCDL names.
ALIASES = {
    "num": "delib_id", "ndeg_delib": "delib_id", "numero": "delib_id", "n_delib": "delib_id",
    "obj": "delib_objet", "objet": "delib_objet", "titre": "delib_objet",
    "lien": "delib_url", "url": "delib_url", "date_de_la_seance": "delib_date",
    "date_seance": "delib_date", "date": "delib_date", "assemblee": "type_seance",
    "rubrique": "delib_matiere_nom", "cons": "type_seance",
}


class FeedError(ValueError):
    """The feed as a whole cannot be read (not CSV/JSON, no usable column)."""


@dataclass
class Delib:
    delib_id: str
    objet: str
    date: date | None
    coll_nom: str | None = None
    coll_siret: str | None = None
    matiere_code: str | None = None
    matiere_code_raw: Any = None
    matiere_code_alt: str | None = None   # "7.10" when a float 7.1 may have lost its zero
    matiere_nom: str | None = None
    url: str | None = None
    pref_date: date | None = None
    votes: dict[str, int] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)
    row: int | None = None


class RowError(ValueError):
    def __init__(self, row: int | None, record_id: str | None, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.row, self.record_id, self.reason, self.detail = row, record_id, reason, detail


def _key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.strip().lower().lstrip("\ufeff")).strip("_")
    return ALIASES.get(key, key)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_feed_date(value: Any) -> date | None:
    """`YYYY-MM-DD`, with a time or a timezone, or `DD/MM/YYYY`. Raises ValueError."""
    if _empty(value):
        return None
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: [\d:]+)?$", text)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(f"unreadable date {text!r}")


def matiere(value: Any) -> tuple[str | None, str | None]:
    """Matière code as text, plus the alternative a float may hide (7.1 → '7.10')."""
    if _empty(value):
        return None, None
    if isinstance(value, float):
        text = repr(value)
        alt = text + "0" if re.fullmatch(r"\d\.\d", text) else None
        return text, alt
    text = str(value).strip().replace(",", ".")
    return text, None


def _url(value: Any, file_url: str | None) -> str | None:
    """A URL string, or an ODS file object {id, filename} turned into a download URL."""
    if _empty(value):
        return None
    if isinstance(value, dict):
        if value.get("url"):
            return value["url"]
        if value.get("id") and file_url:
            return file_url.format(id=value["id"], filename=value.get("filename", ""))
        return None
    text = str(value).strip()
    return text if re.match(r"^https?://", text) else None


def _int(value: Any) -> int | None:
    if _empty(value):
        return None
    try:
        return int(float(str(value).replace(",", ".")))
    except ValueError:
        return None


def normalise(raw: dict[str, Any], *, row: int | None = None, file_url: str | None = None,
              columns: dict[str, str] | None = None) -> Delib:
    """One feed record (any case, aliases, extra columns) → Delib. Raises RowError."""
    rec: dict[str, Any] = {}
    mapping = {_key(k): v for k, v in (columns or {}).items()}
    for k, v in raw.items():
        key = _key(k)
        rec[mapping.get(key, key)] = v
    rid = None if _empty(rec.get("delib_id")) else str(rec["delib_id"]).strip()
    missing = [f for f in REQUIRED if _empty(rec.get(f))]
    if missing:
        raise RowError(row, rid, "scdl-missing-field", f"champ(s) manquant(s) : {', '.join(missing)}")
    try:
        when = parse_feed_date(rec.get("delib_date"))
    except ValueError as exc:
        raise RowError(row, rid, "scdl-bad-date", str(exc)) from exc
    try:
        pref = parse_feed_date(rec.get("pref_date"))
    except ValueError:
        pref = None
    code, alt = matiere(rec.get("delib_matiere_code"))
    siret = rec.get("coll_siret")
    votes = {k[5:]: _int(rec.get(k)) for k in SCDL_FIELDS if k.startswith("vote_")}
    other = {k: v for k, v in rec.items() if k not in SCDL_FIELDS and not _empty(v)}
    return Delib(
        delib_id=rid, objet=str(rec["delib_objet"]).strip(), date=when,
        coll_nom=None if _empty(rec.get("coll_nom")) else str(rec["coll_nom"]).strip(),
        coll_siret=None if _empty(siret) else re.sub(r"\D", "", str(siret)),
        matiere_code=code, matiere_code_raw=rec.get("delib_matiere_code"), matiere_code_alt=alt,
        matiere_nom=None if _empty(rec.get("delib_matiere_nom")) else str(rec["delib_matiere_nom"]),
        url=_url(rec.get("delib_url"), file_url), pref_date=pref,
        votes={k: v for k, v in votes.items() if v is not None}, other=other, row=row)


def decode(body: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def read_csv(body: bytes) -> list[dict[str, str]]:
    text = decode(body)
    if not text.strip():
        raise FeedError("empty CSV")
    if text.lstrip()[:1] in "<{[":
        raise FeedError("not a CSV (looks like HTML or JSON)")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def read_json(body: bytes) -> list[dict[str, Any]]:
    """Explore v2.1 exports/json (bare array), v2.1 /records ({"results": […]}),
    v1 search ({"records": [{"fields": {…}}]})."""
    try:
        data = json.loads(decode(body))
    except json.JSONDecodeError as exc:
        raise FeedError(f"invalid JSON: {exc}") from exc
    if isinstance(data, dict):
        if "records" in data:
            return [dict(r.get("fields") or {}, _recordid=r.get("recordid")) for r in data["records"]]
        if "results" in data:
            return list(data["results"])
        raise FeedError("JSON object without records/results")
    if not isinstance(data, list):
        raise FeedError("JSON is neither a list nor an object")
    return [r.get("fields", r) if isinstance(r, dict) else {} for r in data]


def parse(body: bytes, fmt: str = "auto", *, file_url: str | None = None,
          columns: dict[str, str] | None = None) -> tuple[list[Delib], list[RowError]]:
    """Whole feed → (records, row errors). Raises FeedError when the feed is unreadable."""
    if fmt == "auto":
        head = body.lstrip()[:1]
        fmt = "json" if head in (b"[", b"{") else "csv"
    records: Iterable[dict[str, Any]] = read_json(body) if fmt in ("json", "ods", "ods_v1") else read_csv(body)
    good, bad = [], []
    for i, rec in enumerate(records, start=1):
        try:
            good.append(normalise(rec, row=i, file_url=file_url, columns=columns))
        except RowError as exc:
            bad.append(exc)
    if not good and bad and all(e.reason == "scdl-missing-field" for e in bad):
        keys = sorted(_key(k) for k in (records[0] if isinstance(records, list) and records else {}))
        raise FeedError(f"no SCDL record: columns {keys}")
    return good, bad
