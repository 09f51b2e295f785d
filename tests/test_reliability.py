"""The reduced reliability run (the full one is `make reliability`), one table like the full
one: a crawl under 20 % injected faults, then the next run, equal to a clean crawl; kill -9
during a crawl, a publish, a rematch and an alerts send, then a normal re-run, equal to a clean
run, integrity_check ok, the published snapshot never half-written; the alert sender under a
randomly failing SMTP server and webhook delivers every due message exactly once. Real
subprocess crawls against the replay server, a real SMTP server (aiosmtpd)."""
from bench.reliability import report, run


def test_faults_and_kills_lose_nothing_and_duplicate_nothing():
    # council under faults (where they bite: an HTML error page served for a PDF); jorf killed
    result = run(seeds=[1], kills=1, share=0.2, sources=("council",), kill_sources=("jorf",),
                 kill_seed=1, check_rerun=False, alert_seeds=[1])
    text = report(result)
    rows = {r.test: r for r in result["rows"]}
    assert set(rows) == {"crawl council, 20% faults",
                         "kill -9 during a crawl", "kill -9 during a publish",
                         "kill -9 during a rematch",
                         "alerts send, SMTP and webhook failing at random (seed 1)",
                         "kill -9 during alerts send"}, text
    # faults were really injected, and did bite before the next run repaired them
    assert sum(result["faults"].values()) >= 10, text
    council = rows["crawl council, 20% faults"]
    assert council.diff_first.missing > 0, text
    for row in result["rows"]:
        assert row.ok, text + "\n" + "\n".join(row.diff.detail)
        assert (row.diff.missing, row.diff.extra, row.diff.duplicated, row.diff.changed) == (
            0, 0, 0, 0)
    assert result["documents"] == {"jorf": 7, "council": 26}
    assert "| kill -9 during a publish |" in text and "| kill -9 during alerts send |" in text
    assert "drones" in rows["kill -9 during a rematch"].note, text  # the rematch changed hits
    assert all(rows[f"kill -9 during {op}"].kills == 1
               for op in ("a crawl", "a publish", "a rematch", "alerts send")), text
    assert result["alerts"]["pairs"] > 100, text
    assert rows["alerts send, SMTP and webhook failing at random (seed 1)"].faults > 0, text
