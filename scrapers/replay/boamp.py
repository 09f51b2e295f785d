"""Offline replay of the BOAMP Opendatasoft Explore API v2.1 (dataset `boamp`).

Answers `…/records` and `…/exports/json` under PREFIX with the query semantics the spider uses:

* `where`: clauses joined by `and` — `dateparution = date'YYYY-MM-DD'`, `dateparution >= / <= / > / <
  date'…'`, `dateparution in [date'…'..date'…']`, `field = 'v'`, `[not] field in ('a', 'b')`,
  `not (clause)`,
  `field is [not] null` (a list field matches on any element). Anything else: HTTP 400 like ODS.
* `order_by` (`idweb`, `dateparution desc`, comma list), `select` (a plain field list), `limit`
  (records: default 10, at most 100, else HTTP 400), `offset` (records: HTTP 400 when offset + limit
  > 10000, with the real ODS error JSON), `total_count`.
* `/exports/json`: a bare JSON list, no cap, `limit` default -1 (all).

Corpus: `data/boamp/records.json` (hand-written records, flat, `donnees`/`gestion` as JSON strings, every
`donnees` format) plus deterministic fillers generated at load time (`data/boamp/scenarios.json` gives each
day's total). Quirks from scenarios.json: an empty day, a page answered 429 + Retry-After once per server
process, a page whose JSON body is cut in the middle.
"""
from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from scrapers.replay.boamp_shapes import fillers

PREFIX = "/api/explore/v2.1/catalog/datasets/boamp"
DATA = Path(__file__).parent / "data" / "boamp"
MAX_LIMIT, MAX_WINDOW = 100, 10_000
JSON = {"Content-Type": "application/json; charset=utf-8"}

_lock = threading.Lock()
_rate_limited_served: set[tuple[str, int]] = set()


def reset_state() -> None:
    """Forget the 429s already served (a new server process starts with an empty set)."""
    with _lock:
        _rate_limited_served.clear()


@lru_cache(maxsize=1)
def scenarios() -> dict:
    return json.loads((DATA / "scenarios.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def corpus() -> tuple[dict, ...]:
    """Hand-written records + fillers, in a fixed (not date-sorted) order like the real default order."""
    records = json.loads((DATA / "records.json").read_text(encoding="utf-8"))
    for day, spec in sorted(scenarios()["fillers"].items()):
        existing = sum(1 for r in records if r["dateparution"] == day)
        records.extend(fillers(day, spec["total"] - existing, spec["first"]))
    return tuple(records)


# --------------------------------------------------------------------------- ODSQL subset

class QueryError(ValueError):
    pass


_DATE = r"date\s*'(\d{4}-\d{2}-\d{2})'"
_VALUE = r"""(?:'([^']*)'|"([^"]*)")"""
_CLAUSES = [
    ("range", re.compile(rf"^(\w+)\s+in\s+\[\s*{_DATE}\s*\.\.\s*{_DATE}\s*\]$", re.I)),
    ("cmpdate", re.compile(rf"^(\w+)\s*(>=|<=|=|>|<)\s*{_DATE}$", re.I)),
    ("eq", re.compile(rf"^(\w+)\s*(=|!=)\s*{_VALUE}$", re.I)),
    ("in", re.compile(r"^(not\s+)?(\w+)\s+in\s+\((.*)\)$", re.I)),
    ("null", re.compile(r"^(\w+)\s+is\s+(not\s+)?null$", re.I)),
]


def _values(x: Any) -> list:
    return x if isinstance(x, list) else [x]


def parse_where(where: str) -> list:
    """`where` → a list of predicates on a record; QueryError on anything outside the subset."""
    predicates = []
    for clause in re.split(r"\s+and\s+", where.strip(), flags=re.I) if where.strip() else []:
        clause = clause.strip()
        negated_group = re.match(r"^not\s*\((.*)\)$", clause, re.I)
        if negated_group:  # `not (famille in (...))`: the inner clause, negated
            inner = parse_where(negated_group[1])
            predicates.append(lambda r, inner=inner: not all(p(r) for p in inner))
            continue
        if clause.startswith("(") and clause.endswith(")"):
            clause = clause[1:-1].strip()
        for kind, rx in _CLAUSES:
            m = rx.match(clause)
            if m:
                break
        else:
            raise QueryError(f"ODSQL query is malformed: {clause}")
        if kind == "range":
            f, lo, hi = m[1], m[2], m[3]
            predicates.append(lambda r, f=f, lo=lo, hi=hi: r.get(f) is not None and lo <= r[f][:10] <= hi)
        elif kind == "cmpdate":
            f, op, v = m[1], m[2], m[3]
            ops = {">=": str.__ge__, "<=": str.__le__, "=": str.__eq__, ">": str.__gt__, "<": str.__lt__}
            predicates.append(lambda r, f=f, op=ops[op], v=v: r.get(f) is not None and op(r[f][:10], v))
        elif kind == "eq":
            f, neg, v = m[1], m[2] == "!=", m[3] if m[3] is not None else m[4]
            predicates.append(lambda r, f=f, v=v, neg=neg: (v in _values(r.get(f))) != neg)
        elif kind == "in":
            neg, f = bool(m[1]), m[2]
            vals = [a or b for a, b in re.findall(_VALUE, m[3])]
            predicates.append(lambda r, f=f, vals=vals, neg=neg:
                              any(v in vals for v in _values(r.get(f))) != neg)
        else:
            f, negated = m[1], bool(m[2])
            predicates.append(lambda r, f=f, negated=negated: (r.get(f) is None) != negated)
    return predicates


def single_day(where: str) -> str | None:
    m = re.search(rf"dateparution\s*=\s*{_DATE}", where or "", re.I)
    return m[1] if m else None


def order(records: list[dict], order_by: str) -> list[dict]:
    for spec in reversed([s.strip() for s in order_by.split(",") if s.strip()]):
        field, _, direction = spec.partition(" ")
        records = sorted(records, key=lambda r: (r.get(field) is None, str(r.get(field) or "")),
                         reverse=direction.strip().lower() == "desc")
    return records


# --------------------------------------------------------------------------- HTTP

def _error(status: int, code: str, message: str, extra_headers: dict | None = None):
    body = json.dumps({"error_code": code, "message": message}).encode()
    return status, {**JSON, **(extra_headers or {})}, body


def _int(query: dict, name: str, default: int) -> int:
    raw = (query.get(name) or [str(default)])[0]
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"Invalid value for {name} API parameter: {raw!r} is not an integer.")


def handle(path: str, query: dict[str, list[str]], headers: dict) -> tuple[int, dict, bytes]:
    endpoint = path[len(PREFIX):] if path.startswith(PREFIX) else path
    endpoint = endpoint.rstrip("/")
    if endpoint not in ("/records", "/exports/json"):
        return _error(404, "NotFound", f"Unknown endpoint {endpoint or '/'} (replay answers /records and "
                                       f"/exports/json)")
    export = endpoint == "/exports/json"
    where = (query.get("where") or [""])[0]
    try:
        predicates = parse_where(where)
        limit = _int(query, "limit", -1 if export else 10)
        offset = _int(query, "offset", 0)
    except QueryError as exc:
        return _error(400, "ODSQLError" if "ODSQL" in str(exc) else "InvalidRESTParameterError", str(exc))
    if not export:
        if not -1 <= limit <= MAX_LIMIT:
            return _error(400, "InvalidRESTParameterError", f"Invalid value for limit API parameter: {limit} "
                                                           f"was found but -1 <= limit <= 100 is expected.")
        limit = MAX_LIMIT if limit == -1 else limit
        if offset + limit > MAX_WINDOW:
            return _error(400, "InvalidRESTParameterError",
                          f"Invalid value for sum of offset + limit API parameter: {offset + limit} was found "
                          f"but <= {MAX_WINDOW} is expected.")

    day = single_day(where)
    sc = scenarios()
    if day and any(q["day"] == day and q["offset"] == offset for q in sc["rate_limited_once"]):
        with _lock:
            first_time = (day, offset) not in _rate_limited_served
            _rate_limited_served.add((day, offset))
        if first_time:
            return _error(429, "TooManyRequests", "Too many requests on the domain. Please contact the domain "
                                                  "administrator.", {"Retry-After": "1",
                                                                     "X-RateLimit-Limit": "50000",
                                                                     "X-RateLimit-Remaining": "0"})

    matched = [r for r in corpus() if all(p(r) for p in predicates)]
    order_by = (query.get("order_by") or [""])[0]
    if order_by:
        matched = order(matched, order_by)
    page = matched[offset:] if limit == -1 else matched[offset:offset + limit]
    select = (query.get("select") or ["*"])[0].strip()
    if select and select != "*":
        fields = [f.strip() for f in select.split(",") if f.strip()]
        page = [{f: r.get(f) for f in fields} for r in page]
    payload: Any = page if export else {"total_count": len(matched), "results": page}
    body = json.dumps(payload).encode("utf-8")  # ASCII-escaped, like the real API
    if day and any(q["day"] == day and q["offset"] == offset for q in sc["invalid_json_pages"]):
        body = body[: len(body) // 2]
    return 200, {**JSON, "X-RateLimit-Limit": "50000", "X-RateLimit-Remaining": "49990"}, body


ROUTES = [(PREFIX, handle)]
DEMO_SPIDER_ARGS = {"boamp": {"since": "2026-11-02", "until": "2026-11-09"}}


def demo_env(base_url: str) -> dict[str, str]:
    return {"BOAMP_API_URL": f"{base_url.rstrip('/')}{PREFIX}"}
