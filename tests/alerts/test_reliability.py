"""The alert sender under random SMTP / webhook failures and kill -9 (bench.reliability_alerts,
reduced: one seed, two kills; `make reliability` runs the full set)."""
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


def test_reduced_reliability_run():
    result = harness.run([1], 2)
    assert result["reference_pairs"] > 100
    for row in result["rows"]:
        assert row.ok, harness.table(result)
    assert result["rows"][0].faults > 0 and result["rows"][1].kills == 2
