"""Every setting of technoveille, read in one place: an environment variable of the same name
overrides each default below. Spiders take theirs from Scrapy settings, which
`scrapers/settings.py` fills from here; pipelines, the CLI and the Datasette plugins call
`get()` or the path helpers. The README lists the variables a user sets."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DEFAULTS: dict[str, str] = {
    # where data lives
    "TECHNOVEILLE_DB": "data/technoveille.db",
    "TECHNOVEILLE_PUBLIC_DB": "data/public/technoveille.db",
    "TECHNOVEILLE_ARCHIVE": "data/archive",
    "TECHNOVEILLE_KEYWORDS": str(ROOT / "keywords.yml"),
    "COUNCILS_FILE": str(ROOT / "scrapers" / "councils.yml"),
    "PREFECTURES_FILE": str(ROOT / "scrapers" / "prefectures.yml"),   # RAA registry (source raa)
    "TECHNOVEILLE_EVAL_DIR": str(ROOT / "eval"),   # eval/manifest.yml and eval/corpora/*.jsonl
    # what runs
    "TECHNOVEILLE_SOURCES": "",          # comma list for `crawl all` / update / demo; empty: all
    "TECHNOVEILLE_LOG_LEVEL": "INFO",
    "TECHNOVEILLE_REPLAY_PORT": "0",     # demo replay server; 0: a free port
    # replay fault injection (scrapers/replay/faults.py; off unless a share is given):
    # "0.2" or "0.2,council=0.1" (share of requests faulted, per-source overrides), the seed,
    # the kinds (comma list, empty: all), how long a "timeout" holds, how long "slow" dribbles
    "TECHNOVEILLE_REPLAY_FAULTS": "",
    "TECHNOVEILLE_REPLAY_FAULT_SEED": "0",
    "TECHNOVEILLE_REPLAY_FAULT_KINDS": "",
    "TECHNOVEILLE_REPLAY_FAULT_HOLD": "3",
    "TECHNOVEILLE_REPLAY_FAULT_SLOW": "0.6",
    # the site's public address (absolute links in the Atom feeds); empty: the request's own
    "TECHNOVEILLE_SITE_URL": "",
    # politeness and retries (every spider)
    "TECHNOVEILLE_CONTACT_URL": "https://github.com/technoveille/technoveille",
    "TECHNOVEILLE_START_DELAY": "1.0",
    "TECHNOVEILLE_DOWNLOAD_DELAY": "0",
    "TECHNOVEILLE_DOWNLOAD_TIMEOUT": "120",   # seconds (Scrapy DOWNLOAD_TIMEOUT)
    "TECHNOVEILLE_RETRY_TIMES": "4",
    "TECHNOVEILLE_RETRY_BACKOFF": "2.0",
    "TECHNOVEILLE_RETRY_BACKOFF_MAX": "120",
    # sources
    "BOAMP_API_URL": "https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp",
    "JORF_DUMPS_URL": "https://echanges.dila.gouv.fr/OPENDATA/JORFSIMPLE/",
    "JORF_FIRST_RUN_DAYS": "7",
    "JORF_MAX_ARCHIVE_BYTES": str(200 * 1024 * 1024),
    "JORF_MAX_MEMBER_BYTES": str(64 * 1024 * 1024),
    "JORF_MAX_TOTAL_BYTES": str(1024 * 1024 * 1024),
    "PISTE_OAUTH_URL": "https://oauth.piste.gouv.fr/api/oauth/token",
    "PISTE_API_URL": "https://api.piste.gouv.fr/dila/legifrance/lf-engine-app",
    "PISTE_CLIENT_ID": "",
    "PISTE_CLIENT_SECRET": "",
    "PISTE_DOWNLOAD_DELAY": "0.5",
    "DATAGOUV_API_URL": "https://www.data.gouv.fr/api/1",
    # alerts (private data: never in a file the public Datasette opens)
    "TECHNOVEILLE_PRIVATE_DB": "data/private.db",
    "TECHNOVEILLE_ALERTS_URL": "http://127.0.0.1:8002",  # the subscription pages (alerts serve)
    "SMTP_URL": "",                      # smtp://user:pass@host:587, smtps://…; empty: Maildir
    "ALERTS_FROM": "technoveille <ne-pas-repondre@technoveille.invalid>",
    "ALERTS_MAILDIR": "data/mail",       # where mails go without SMTP_URL
    "ALERTS_SMTP_TIMEOUT": "30",
    "ALERTS_OPERATOR_URL": "",           # Apprise URL(s) of the operators, comma separated
    "ALERTS_PREVIEW_DAYS": "30",
    "ALERTS_TOO_MANY_PER_DAY": "50",     # the preview warns above this many documents a day
    "ALERTS_MAX_PER_MESSAGE": "100",     # documents listed in one digest (the rest: a link)
    "ALERTS_HEALTH_FAILED_RUNS": "1",    # consecutive failed runs that open an incident
    "ALERTS_HEALTH_ERROR_RATE": "0.2",   # an error rate above this (and 3× the usual) too
    "ALERTS_RATE_LIMIT": "20",           # token pages a client may open per minute
    "ASGI_CSRF_SECRET": "",              # signs the pages' CSRF cookie; empty: one per process
}


def get(name: str, default: str | None = None) -> str | None:
    """The environment variable `name` when set and not empty, else its default."""
    value = os.environ.get(name)
    if value:
        return value
    value = DEFAULTS.get(name)
    return value if value not in (None, "") else default


def get_int(name: str) -> int:
    return int(get(name) or 0)


def get_float(name: str) -> float:
    return float(get(name) or 0)


def db_path() -> Path:
    return Path(get("TECHNOVEILLE_DB"))


def public_db_path() -> Path:
    return Path(get("TECHNOVEILLE_PUBLIC_DB"))


def archive_dir() -> Path:
    return Path(get("TECHNOVEILLE_ARCHIVE"))


def keywords_path() -> Path:
    return Path(get("TECHNOVEILLE_KEYWORDS"))


def private_db_path() -> Path:
    return Path(get("TECHNOVEILLE_PRIVATE_DB"))


def scrapy_settings() -> dict[str, object]:
    """The source settings every spider reads from `self.settings` (same names)."""
    names = ("TECHNOVEILLE_DB", "TECHNOVEILLE_KEYWORDS", "COUNCILS_FILE", "BOAMP_API_URL",
             "JORF_DUMPS_URL", "PISTE_OAUTH_URL", "PISTE_API_URL", "PISTE_CLIENT_ID",
             "PISTE_CLIENT_SECRET")
    out: dict[str, object] = {name: get(name) for name in names}
    for name in ("JORF_FIRST_RUN_DAYS", "JORF_MAX_ARCHIVE_BYTES", "JORF_MAX_MEMBER_BYTES",
                 "JORF_MAX_TOTAL_BYTES"):
        out[name] = get_int(name)
    out["PISTE_DOWNLOAD_DELAY"] = get_float("PISTE_DOWNLOAD_DELAY")
    return out
