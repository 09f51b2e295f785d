"""Is each source healthy? Read from `crawl_runs` only, so the same facts serve the operators'
alerts (`technoveille alerts health`) and the site's « État des sources » page.

Three problems, each with a French explanation:
* `failed` — the last N runs (ALERTS_HEALTH_FAILED_RUNS) could not collect the source at all
  (status 'failed', or, for runs recorded before that column, a crawl that did not finish or
  got no response to any request);
* `empty` — the last run collected nothing on a day the source normally has documents (most
  earlier runs on the same weekday found some; without enough of those, most of the last 7);
* `errors` — the last run's error rate (errors / requests) is above ALERTS_HEALTH_ERROR_RATE
  and three times its usual rate (once the source has three earlier runs to compare with)."""
from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from technoveille.core import config

HISTORY = 30   # runs per source looked at


@dataclass
class Problem:
    kind: str
    detail: str


@dataclass
class SourceHealth:
    source: str
    last_run_at: str | None
    last_status: str
    documents_seen: int
    errors: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        return " ; ".join(p.detail for p in self.problems) or "normal"


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"pragma {table}")}


def _runs(conn: sqlite3.Connection, schema: str) -> dict[str, list[dict]]:
    info = f"{schema}.table_info(crawl_runs)" if schema else "table_info(crawl_runs)"
    cols = _columns(conn, info)
    if not cols:
        return {}
    status = "status" if "status" in cols else "null"
    failure = "failure" if "failure" in cols else "null"
    prefix = f"{schema}." if schema else ""
    rows = conn.execute(
        f"select source, started_at, finished_at, finish_reason, documents_seen, errors, "
        f"requests, responses, {status}, {failure} from {prefix}crawl_runs "
        f"order by source, id desc").fetchall()
    out: dict[str, list[dict]] = {}
    for row in rows:
        runs = out.setdefault(row[0], [])
        if len(runs) < HISTORY:
            runs.append(dict(zip(("source", "started_at", "finished_at", "finish_reason",
                                  "documents_seen", "errors", "requests", "responses",
                                  "status", "failure"), row)))
    return out


def failed(run: dict) -> bool:
    if run.get("status"):
        return run["status"] == "failed"
    if run.get("finished_at") is None and run.get("finish_reason") is None:
        return False  # running now
    return (run.get("finish_reason") not in ("finished", None)
            or ((run.get("requests") or 0) > 0 and not run.get("responses")))


def _weekday(run: dict) -> int | None:
    try:
        return datetime.fromisoformat(run["started_at"]).weekday()
    except (TypeError, ValueError):
        return None


def _normally_has_documents(last: dict, earlier: list[dict]) -> bool:
    ok = [r for r in earlier if not failed(r)]
    same_day = [r for r in ok if _weekday(r) is not None and _weekday(r) == _weekday(last)]
    sample = same_day if len(same_day) >= 2 else ok[:7]
    with_docs = sum(1 for r in sample if (r.get("documents_seen") or 0) > 0)
    return len(sample) >= 2 and with_docs * 2 > len(sample)


def _rate(run: dict) -> float:
    return (run.get("errors") or 0) / max(run.get("requests") or 0, 1)


def assess(conn: sqlite3.Connection, schema: str = "") -> list[SourceHealth]:
    """The health of every source that has runs (`schema`: 'pub' for an attached DB)."""
    failed_runs = max(config.get_int("ALERTS_HEALTH_FAILED_RUNS"), 1)
    threshold = config.get_float("ALERTS_HEALTH_ERROR_RATE")
    out = []
    for source, runs in sorted(_runs(conn, schema).items()):
        finished = [r for r in runs if r.get("finished_at") or r.get("finish_reason")]
        if not finished:
            continue
        last, earlier = finished[0], finished[1:]
        health = SourceHealth(source, last.get("finished_at") or last.get("started_at"),
                              "en échec" if failed(last) else "normal",
                              last.get("documents_seen") or 0, last.get("errors") or 0)
        streak = 0
        for run in finished:
            if not failed(run):
                break
            streak += 1
        if streak >= failed_runs:
            why = last.get("failure") or (
                f"aucune réponse ({last.get('requests') or 0} requêtes, "
                f"{last.get('errors') or 0} erreurs)" if not last.get("responses")
                else f"collecte interrompue ({last.get('finish_reason')})")
            times = "la dernière collecte" if streak == 1 else f"les {streak} dernières collectes"
            health.problems.append(Problem("failed", f"{times} ont échoué : {why}"
                                           if streak > 1 else f"{times} a échoué : {why}"))
        elif not failed(last) and not (last.get("documents_seen") or 0) \
                and _normally_has_documents(last, earlier):
            health.problems.append(Problem(
                "empty", "aucun document à la dernière collecte, alors que cette source en "
                         "donne d'habitude ce jour-là"))
        if not failed(last) and (last.get("requests") or 0) >= 5 and len(earlier) >= 3:
            usual = statistics.median([_rate(r) for r in earlier]) if earlier else 0.0
            rate = _rate(last)
            if rate > threshold and rate > 3 * usual:
                health.problems.append(Problem(
                    "errors", f"taux d'erreur de {rate:.0%} à la dernière collecte "
                              f"(d'habitude {usual:.0%})"))
        out.append(health)
    return out
