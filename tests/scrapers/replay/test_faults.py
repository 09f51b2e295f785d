"""The replay server's fault-injecting mode: deterministic per (seed, request, attempt), a
retry draws again, per-source shares, and each kind misbehaves as it says on the wire."""
import http.client
import json
import socket

import pytest

from scrapers.replay.faults import ERROR_PAGE, KINDS, FaultPlan, parse_shares
from scrapers.replay.server import serve_in_thread

BOAMP = ("/api/explore/v2.1/catalog/datasets/boamp/records?"
         "where=dateparution%3Ddate%272026-11-02%27&limit=100")


def test_shares_parse_with_per_source_overrides():
    assert parse_shares("") == (0.0, {})
    assert parse_shares("0.2") == (0.2, {})
    assert parse_shares("0.2, council=0.5,boamp=0") == (0.2, {"council": 0.5, "boamp": 0.0})


def test_decisions_are_deterministic_per_seed_request_and_attempt():
    def draws(seed):
        plan = FaultPlan(0.5, seed=seed)
        return [plan.decide("boamp", "GET", f"/p{i % 20}") for i in range(200)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)
    plan = FaultPlan(0.5, seed=1)
    # the same request again is the next attempt: it draws anew (a retry can succeed)
    repeats = [plan.decide("boamp", "GET", "/same") for _ in range(40)]
    assert None in repeats and set(repeats) - {None}


def test_share_per_source_and_kinds():
    plan = FaultPlan(0.2, {"council": 0.0, "jorf": 1.0}, seed=3, kinds=("500", "reset"))
    boamp = [plan.decide("boamp", "GET", f"/b{i}") for i in range(2000)]
    assert 0.15 < sum(k is not None for k in boamp) / 2000 < 0.25
    assert {k for k in boamp if k} == {"500", "reset"}
    assert all(plan.decide("council", "GET", f"/c{i}") is None for i in range(200))
    assert all(plan.decide("jorf", "GET", f"/j{i}") for i in range(200))
    assert plan.summary()["requests"] == {"boamp": 2000, "council": 200, "jorf": 200}
    with pytest.raises(ValueError, match="unknown fault kinds: bogus"):
        FaultPlan(0.1, kinds=("bogus",))


def test_faults_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("TECHNOVEILLE_REPLAY_FAULTS", raising=False)
    assert FaultPlan.from_config() is None
    monkeypatch.setenv("TECHNOVEILLE_REPLAY_FAULTS", "0.3,jorf=0.1")
    monkeypatch.setenv("TECHNOVEILLE_REPLAY_FAULT_SEED", "7")
    monkeypatch.setenv("TECHNOVEILLE_REPLAY_FAULT_KINDS", "503,timeout")
    plan = FaultPlan.from_config()
    assert (plan.default, plan.per_source, plan.seed, plan.kinds) == (
        0.3, {"jorf": 0.1}, 7, ("503", "timeout"))


def one_request(base, path=BOAMP):
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("GET", path)
    return conn.getresponse()


@pytest.fixture(scope="module")
def clean_body():
    server, base = serve_in_thread(faults=None)
    try:
        return one_request(base).read()
    finally:
        server.shutdown()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_on_the_wire(kind, clean_body):
    server, base = serve_in_thread(faults=FaultPlan(1.0, kinds=(kind,), hold=0.5, slow=0.3))
    try:
        if kind in ("reset", "timeout"):
            with pytest.raises((ConnectionError, http.client.RemoteDisconnected, socket.error)):
                one_request(base).read()
            return
        response = one_request(base)
        if kind == "truncated":
            assert int(response.getheader("Content-Length")) == len(clean_body)
            with pytest.raises(http.client.IncompleteRead):
                response.read()
            return
        body = response.read()
        if kind.startswith(("429", "5")):
            assert response.status == int(kind[:3])
            assert (response.getheader("Retry-After") == "1") == (kind == "429-retry-after")
        elif kind == "error-page":
            assert (response.status, body) == (200, ERROR_PAGE)
            assert response.getheader("Content-Type").startswith("text/html")
        else:  # the real answer: slowly, or under a wrong Content-Type
            assert response.status == 200 and body == clean_body
            assert json.loads(body)["total_count"] == 20
            if kind == "content-type":
                assert response.getheader("Content-Type") == "application/octet-stream"
        assert server.faults.summary()["injected"] == {f"boamp/{kind}": 1}
    finally:
        server.shutdown()


def test_robots_txt_is_never_faulted():
    server, base = serve_in_thread(faults=FaultPlan(1.0))
    try:
        for _ in range(5):
            assert one_request(base, "/robots.txt").status == 200
        assert server.faults.summary()["requests"] == {}
    finally:
        server.shutdown()
