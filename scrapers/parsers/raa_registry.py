"""The prefecture registry (scrapers/prefectures.yml, or the file named by PREFECTURES_FILE)
for the `raa` source: loading, defaults and validation with errors a campaigner can act on
(« prefectures.yml, ligne 12, entrée « pref13 », champ « host » : … »), in the spirit of the
council registry (scrapers/parsers/council/registry.py). No code per prefecture: an entry
names its pages and, when the generic DSFR walk does not fit, a few overrides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scrapers.parsers.council.registry import RegistryError, _LineLoader
from technoveille.core import config

REQUIRED = ("id", "name", "departement", "host", "pages")
ENTRY_KEYS = set(REQUIRED) | {
    "year_regex", "month_regex", "card_regex", "select", "direct_pdf", "detail_pages",
    "browser", "enabled", "disabled_reason", "verified", "notes", "timezone", "delay",
    "revisit_months", "max_mb", "robots",
}
DEFAULTS = {"revisit_months": 2, "max_mb": 80, "delay": 5.0}
_DEPT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6])$")


@dataclass
class Prefecture:
    id: str
    name: str
    departement: str
    host: str
    pages: list[str]
    year_regex: str = r"([0-9]{4})"
    month_regex: str = r"([A-Za-zéû]+ [0-9]{4})"
    card_regex: str | None = None
    select: str | None = None
    direct_pdf: bool = False
    detail_pages: bool = False
    browser: bool = False
    enabled: bool = True
    disabled_reason: str | None = None
    verified: bool = False
    timezone: str = "Europe/Paris"
    delay: float = 5.0
    revisit_months: int = 2
    max_mb: float = 80
    robots: bool = True
    notes: str | None = None
    line: int | None = None

    @property
    def urls(self) -> list[str]:
        return [p if p.startswith("http") else self.host.rstrip("/") + p for p in self.pages]


def registry_path() -> Path:
    return Path(config.get("PREFECTURES_FILE"))


def _entry(path: str, raw, defaults: dict, index: int) -> Prefecture:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise RegistryError(path, line, f"n°{index + 1}", None,
                            "chaque préfecture doit être un bloc (id, name, departement…)")
    pid = str(raw.get("id") or raw.get("name") or f"n°{index + 1}")
    for key in REQUIRED:
        if raw.get(key) in (None, "", []):
            raise RegistryError(path, line, pid, key, "champ obligatoire manquant")
    unknown = set(raw) - ENTRY_KEYS - {"__line__"}
    if unknown:
        raise RegistryError(path, line, pid, sorted(unknown)[0],
                            f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}")
    dept = str(raw["departement"])
    if not _DEPT.match(dept):
        raise RegistryError(path, line, pid, "departement",
                            f"« {dept} » n'est pas un numéro de département (ex. \"26\", \"2A\")")
    host = str(raw["host"])
    if not re.match(r"^https?://[^/\s]+/?$", host):
        raise RegistryError(path, line, pid, "host",
                            f"« {host} » n'est pas une adresse de site (https://www.xxx.gouv.fr)")
    pages = raw["pages"] if isinstance(raw["pages"], list) else [raw["pages"]]
    for p in pages:
        if not isinstance(p, str) or not (p.startswith("/") or p.startswith("http")):
            raise RegistryError(path, line, pid, "pages",
                                f"« {p} » : chemin attendu commençant par / ou adresse complète")
    for key in ("year_regex", "month_regex", "card_regex"):
        if raw.get(key) is not None:
            try:
                re.compile(str(raw[key]))
            except re.error as exc:
                raise RegistryError(path, line, pid, key, f"expression invalide ({exc})")
    if raw.get("enabled") is False and not raw.get("disabled_reason"):
        raise RegistryError(path, line, pid, "disabled_reason",
                            "une entrée désactivée doit dire pourquoi")
    values = {**DEFAULTS, **defaults,
              **{k: v for k, v in raw.items() if k != "__line__"}}
    values.update(departement=dept, host=host.rstrip("/"), pages=pages, line=line,
                  id=str(raw["id"]), name=str(raw["name"]))
    try:
        values["delay"] = float(values["delay"])
        values["revisit_months"] = int(values["revisit_months"])
        values["max_mb"] = float(values["max_mb"])
    except (TypeError, ValueError) as exc:
        raise RegistryError(path, line, pid, None, f"nombre attendu ({exc})")
    return Prefecture(**values)


def load(path: str | Path | None = None, only_enabled: bool = False) -> list[Prefecture]:
    """Every prefecture of the registry; RegistryError (French, naming the entry and the
    field) on the first bad one."""
    p = Path(path) if path else registry_path()
    name = p.name
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_LineLoader) or {}
    except FileNotFoundError:
        raise RegistryError(name, None, None, None, "fichier introuvable") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RegistryError(name, mark.line + 1 if mark else None, None, None,
                            f"YAML illisible ({getattr(exc, 'problem', exc)})") from None
    defaults = {k: v for k, v in (data.get("defaults") or {}).items() if k != "__line__"}
    entries = data.get("prefectures")
    if not isinstance(entries, list):
        raise RegistryError(name, None, None, "prefectures", "liste des préfectures manquante")
    out, seen = [], set()
    for i, raw in enumerate(entries):
        pref = _entry(name, raw, defaults, i)
        if pref.id in seen:
            raise RegistryError(name, pref.line, pref.id, "id", "identifiant en double")
        seen.add(pref.id)
        if pref.enabled or not only_enabled:
            out.append(pref)
    return out
