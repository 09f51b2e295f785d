"""`make bench`'s alerts benchmark runs end to end on a small corpus (no timing asserted): both
transports send the same digests, nothing due stays pending."""
from bench import alerts as bench


def test_alerts_bench_smoke(monkeypatch, tmp_path):
    monkeypatch.setenv("TECHNOVEILLE_ALERTS_URL", "http://alertes.test")
    result = bench.run(120, 300, 100, transports=("maildir", "smtp"))
    maildir, smtp = result["runs"]["maildir"], result["runs"]["smtp"]
    assert result["queued"] > 0 and maildir["messages"] > 0
    assert (maildir["messages"], maildir["documents"]) == (smtp["messages"], smtp["documents"])
    assert maildir["failures"] == smtp["failures"] == 0
    # what is still pending belongs to daily / weekly subscriptions that are not due
    assert (maildir["pending"] == 0) == (maildir["waiting"] == 0)
    assert maildir["documents"] + maildir["pending"] == result["queued"]
