"""Paths and settings read from the environment (one place, documented in the README)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "TECHNOVEILLE_DB": "data/technoveille.db",
    "TECHNOVEILLE_PUBLIC_DB": "data/public/technoveille.db",
    "TECHNOVEILLE_ARCHIVE": "data/archive",
    "TECHNOVEILLE_KEYWORDS": str(ROOT / "keywords.yml"),
    "TECHNOVEILLE_EVAL_DIR": str(ROOT / "eval"),   # eval/manifest.yml and eval/corpora/*.jsonl
    "TECHNOVEILLE_CONTACT_URL": "https://github.com/technoveille/technoveille",
    "BOAMP_API_URL": "https://boamp-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/boamp",
    "JORF_DUMPS_URL": "https://echanges.dila.gouv.fr/OPENDATA/JORFSIMPLE/",
    "JORF_FIRST_RUN_DAYS": "7",
    "PISTE_OAUTH_URL": "https://oauth.piste.gouv.fr/api/oauth/token",
    "PISTE_API_URL": "https://api.piste.gouv.fr/dila/legifrance/lf-engine-app",
}


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    return DEFAULTS.get(name, default)


def db_path() -> Path:
    return Path(get("TECHNOVEILLE_DB"))


def public_db_path() -> Path:
    return Path(get("TECHNOVEILLE_PUBLIC_DB"))


def archive_dir() -> Path:
    return Path(get("TECHNOVEILLE_ARCHIVE"))


def keywords_path() -> Path:
    return Path(get("TECHNOVEILLE_KEYWORDS"))
