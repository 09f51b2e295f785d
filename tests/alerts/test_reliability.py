"""The verdict of the alert sender's reliability harness (bench.reliability_alerts) sees every
kind of failure; its reduced run is a row of the one reliability table (tests/test_reliability.py),
`make reliability` runs the full set."""
from collections import Counter

from bench import reliability_alerts as harness


def test_the_verdict_sees_losses_extras_and_duplicates():
    reference = Counter({("a", "d1"): 1, ("a", "d2"): 1})
    for pairs, messages, broken in [
        (Counter({("a", "d1"): 1}), Counter({("a", frozenset({"d1"})): 1}), "missing"),
        (Counter({("a", "d1"): 1, ("a", "d2"): 1, ("b", "d1"): 1}),
         Counter({("a", frozenset({"d1", "d2"})): 1, ("b", frozenset({"d1"})): 1}), "extra"),
        (Counter({("a", "d1"): 2, ("a", "d2"): 1}),
         Counter({("a", frozenset({"d1", "d2"})): 1, ("a", frozenset({"d1"})): 1}),
         "duplicated"),
    ]:
        row = harness.Row("t")
        harness.compare(row, reference, pairs, messages)
        assert getattr(row, broken) == 1 and not row.ok, broken
    row = harness.Row("t", kills=0)
    harness.compare(row, reference, Counter({("a", "d1"): 2, ("a", "d2"): 2}),
                    Counter({("a", frozenset({"d1", "d2"})): 2}))
    assert row.repeated_messages == 1 and not row.ok  # a repeat without a kill is a fault
