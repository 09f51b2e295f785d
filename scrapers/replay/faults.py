"""Fault injection for the replay server (reliability harness, `make reliability`).

A `FaultPlan` decides, for each request a source route answers, whether the server misbehaves
and how. The decision is a hash of (seed, source, method, path + query [+ the body's hash for a
POST], attempt), where
`attempt` counts the earlier requests for the same method + path + query on this server: the
same seed gives the same faults on every run, and a retry (the next attempt) draws again, so
it can succeed. robots.txt and the root listing are never faulted (they belong to no source).

Settings (technoveille.core.config, env vars of the same name):
    TECHNOVEILLE_REPLAY_FAULTS       "" (off) | "0.2" | "0.2,council=0.1,boamp=0" (share of
                                     requests faulted; `source=share` overrides per source:
                                     boamp, jorf, piste, council)
    TECHNOVEILLE_REPLAY_FAULT_SEED   integer seed
    TECHNOVEILLE_REPLAY_FAULT_KINDS  "" (all of KINDS) or a comma list of them
    TECHNOVEILLE_REPLAY_FAULT_HOLD   seconds a "timeout" holds the connection before dropping
                                     it (longer than the crawl's TECHNOVEILLE_DOWNLOAD_TIMEOUT)
    TECHNOVEILLE_REPLAY_FAULT_SLOW   seconds a "slow" response takes to dribble its body
"""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field

#: every kind of misbehaviour, in the order the hash picks from
KINDS = (
    "429-retry-after",   # 429 with Retry-After: 1
    "429",               # 429 without Retry-After
    "500", "502", "503",
    "timeout",           # nothing sent for HOLD seconds, then the connection is dropped
    "reset",             # TCP reset (SO_LINGER 0) before any byte of the answer
    "truncated",         # the real headers (Content-Length of the whole body), half the body
    "slow",              # the real answer, its body dribbled over SLOW seconds
    "content-type",      # the real body under a wrong Content-Type
    "error-page",        # 200 text/html « service indisponible » page instead of the answer
)
#: faults after which the real answer is sent (the crawl must take it as usual)
ANSWERED = {"slow", "content-type"}

ERROR_PAGE = ("<!DOCTYPE html><html lang=\"fr\"><head><title>Service indisponible</title></head>"
              "<body><h1>Service temporairement indisponible</h1><p>Le serveur est en "
              "maintenance. Merci de réessayer plus tard.</p></body></html>").encode()


def parse_shares(value: str | None) -> tuple[float, dict[str, float]]:
    """"0.2,council=0.1" -> (0.2, {"council": 0.1})."""
    default, per_source = 0.0, {}
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, share = part.partition("=")
        if sep:
            per_source[name.strip()] = float(share)
        else:
            default = float(name)
    return default, per_source


@dataclass
class FaultPlan:
    default: float = 0.0
    per_source: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    kinds: tuple[str, ...] = KINDS
    hold: float = 3.0
    slow: float = 0.6

    def __post_init__(self):
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        self._lock = threading.Lock()
        self.attempts: Counter = Counter()
        self.injected: Counter = Counter()   # (source, kind) -> n
        self.requests: Counter = Counter()   # source -> n
        self.log: list[tuple[str, str, int, str]] = []  # (source, request, attempt, kind)

    @classmethod
    def from_config(cls) -> "FaultPlan | None":
        """The plan the environment asks for, or None when fault injection is off."""
        from technoveille.core import config

        default, per_source = parse_shares(config.get("TECHNOVEILLE_REPLAY_FAULTS"))
        if not default and not any(per_source.values()):
            return None
        kinds = tuple(k.strip() for k in (config.get("TECHNOVEILLE_REPLAY_FAULT_KINDS") or "")
                      .split(",") if k.strip()) or KINDS
        return cls(default, per_source, config.get_int("TECHNOVEILLE_REPLAY_FAULT_SEED"), kinds,
                   config.get_float("TECHNOVEILLE_REPLAY_FAULT_HOLD"),
                   config.get_float("TECHNOVEILLE_REPLAY_FAULT_SLOW"))

    def share(self, source: str) -> float:
        return self.per_source.get(source, self.default)

    def decide(self, source: str, method: str, target: str) -> str | None:
        """The fault for this request (counted), or None: answer normally."""
        key = f"{method} {target}"
        with self._lock:
            attempt = self.attempts[key]
            self.attempts[key] += 1
            self.requests[source] += 1
        share = self.share(source)
        if share <= 0:
            return None
        digest = hashlib.sha256(f"{self.seed}|{source}|{key}|{attempt}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw >= share:
            return None
        kind = self.kinds[int.from_bytes(digest[8:16], "big") % len(self.kinds)]
        with self._lock:
            self.injected[(source, kind)] += 1
            self.log.append((source, key, attempt, kind))
        return kind

    def summary(self) -> dict:
        with self._lock:
            return {"requests": dict(self.requests),
                    "injected": {f"{s}/{k}": n for (s, k), n in sorted(self.injected.items())}}
