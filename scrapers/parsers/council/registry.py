"""The council registry (scrapers/councils.yml, or the file named by COUNCILS_FILE):
loading, `${VAR}` substitution, defaults and validation with errors a campaigner can act on
(« councils.yml, ligne 12, entrée "rennes-ville", champ "kind" : … »).
Format documented in docs/councils.md (French) and docs/sources/council.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from parsel import Selector

from technoveille.core import config

DEFAULT_FILE = Path(config.DEFAULTS["COUNCILS_FILE"])
KINDS = ("scdl", "site")
DOC_TYPES = ("ordre du jour", "convocation", "rapport", "délibération",
             "liste des délibérations", "procès-verbal", "compte rendu", "annexe")
ENTRY_KEYS = {
    "id", "name", "body", "insee", "siren", "siret", "departement", "kind", "url", "urls",
    "years", "format", "file_url", "columns", "page", "sessions", "documents", "verify_tls",
    "verified", "notes", "robots", "revisit_months", "max_mb", "pdf_layout", "default_type",
    "enabled",
}
LEVEL_KEYS = {"item", "link", "title", "date", "next", "pattern", "types", "default_type",
              "max_pages", "content"}
DEFAULTS = {"revisit_months": 6, "max_mb": 50, "verify_tls": True, "verified": False,
            "pdf_layout": False, "enabled": True, "format": "auto"}
_ENV = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


class RegistryError(ValueError):
    def __init__(self, path: str, line: int | None, entry: str | None, key: str | None, msg: str):
        where = f"{path}" + (f", ligne {line}" if line else "")
        where += f", entrée « {entry} »" if entry else ""
        where += f", champ « {key} »" if key else ""
        super().__init__(f"{where} : {msg}")
        self.path, self.line, self.entry, self.key, self.msg = path, line, entry, key, msg


@dataclass
class Level:
    """How to read one page level (session listing or document list)."""
    item: str | None = None
    link: str = "a::attr(href)"
    title: str | None = None
    date: str | None = None
    next: str | None = None
    pattern: str | None = None
    types: list[str] | None = None
    default_type: str | None = None
    max_pages: int = 30
    content: str | None = None


@dataclass
class Council:
    id: str
    name: str
    kind: str
    urls: list[str]
    body: str | None = None
    insee: str | None = None
    siren: str | None = None
    departement: str | None = None
    format: str = "auto"
    file_url: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    page: str | None = None
    sessions: Level | None = None
    documents: Level = field(default_factory=Level)
    verify_tls: bool = True
    verified: bool = False
    robots: bool = True
    revisit_months: int = 6
    max_mb: float = 50
    pdf_layout: bool = False
    default_type: str | None = None
    enabled: bool = True
    notes: str | None = None
    line: int | None = None

    @property
    def authority(self) -> str:
        return self.body or self.name


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def registry_path() -> Path:
    return Path(config.get("COUNCILS_FILE"))


def _expand(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV.sub(lambda m: config.get(m[1]) or (m[2] or ""), value)
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    return value


def is_xpath(selector: str) -> bool:
    return selector.startswith(("/", "./", "(", "xpath:"))


def select(sel, selector: str):
    """CSS (with ::text / ::attr()) or XPath (starting with / ./ ( or `xpath:`)."""
    if selector.startswith("xpath:"):
        return sel.xpath(selector[6:])
    return sel.xpath(selector) if is_xpath(selector) else sel.css(selector)


def _check_selector(path, line, entry, key, selector):
    if not isinstance(selector, str) or not selector.strip():
        raise RegistryError(path, line, entry, key, "sélecteur vide ou qui n'est pas du texte")
    try:
        select(Selector(text="<html></html>"), selector)
    except Exception as exc:
        raise RegistryError(path, line, entry, key,
                            f"sélecteur invalide « {selector} » ({exc.__class__.__name__}: {exc})")


def _level(path, entry, key, raw) -> Level:
    line = raw.get("__line__") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        raise RegistryError(path, line, entry, key, "doit être un bloc (item, link, title…)")
    unknown = set(raw) - LEVEL_KEYS - {"__line__"}
    if unknown:
        raise RegistryError(path, line, entry, key,
                            f"clé(s) inconnue(s) : {', '.join(sorted(unknown))} "
                            f"(attendues : {', '.join(sorted(LEVEL_KEYS))})")
    for sk in ("item", "link", "title", "date", "next", "content"):
        if raw.get(sk) is not None:
            _check_selector(path, line, entry, f"{key}.{sk}", raw[sk])
    if raw.get("pattern"):
        try:
            re.compile(raw["pattern"])
        except re.error as exc:
            raise RegistryError(path, line, entry, f"{key}.pattern",
                                f"expression régulière invalide : {exc}")
    types = raw.get("types")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        bad = [t for t in types if t not in DOC_TYPES]
        if bad:
            raise RegistryError(path, line, entry, f"{key}.types",
                                f"type(s) inconnu(s) {bad} ; types possibles : {', '.join(DOC_TYPES)}")
    if raw.get("default_type") and raw["default_type"] not in DOC_TYPES:
        raise RegistryError(path, line, entry, f"{key}.default_type",
                            f"type inconnu ; types possibles : {', '.join(DOC_TYPES)}")
    fields = {k: v for k, v in raw.items() if k in LEVEL_KEYS and v is not None}
    if types is not None:
        fields["types"] = types
    return Level(**fields)


def _years(path, line, entry, raw, today: date) -> list[int]:
    if raw is None:
        return []
    if isinstance(raw, int):
        return list(range(today.year - raw + 1, today.year + 1))
    if isinstance(raw, list) and all(isinstance(y, int) for y in raw):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{4}", raw):
        a, b = map(int, raw.split("-"))
        return list(range(a, b + 1))
    raise RegistryError(path, line, entry, "years",
                        "attendu : un nombre d'années (3), une liste [2024, 2025] ou « 2019-2025 »")


def parse_entry(path: str, raw: dict, defaults: dict, today: date) -> Council:
    line = raw.get("__line__")
    entry = raw.get("id")
    if not entry or not isinstance(entry, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", entry):
        raise RegistryError(path, line, str(entry) if entry else None, "id",
                            "identifiant obligatoire, en minuscules, chiffres et tirets (ex. rennes-ville)")
    unknown = set(raw) - ENTRY_KEYS - {"__line__"}
    if unknown:
        raise RegistryError(path, line, entry, None,
                            f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}")
    data = dict(DEFAULTS)
    data.update({k: v for k, v in defaults.items() if k != "__line__"})
    data.update({k: v for k, v in raw.items() if k != "__line__"})
    data = _expand(data)
    if not data.get("name"):
        raise RegistryError(path, line, entry, "name", "nom obligatoire (ex. Ville de Rennes)")
    if data.get("kind") not in KINDS:
        raise RegistryError(path, line, entry, "kind",
                            f"« {data.get('kind')} » inconnu ; valeurs possibles : {', '.join(KINDS)}")
    urls = data.get("urls") or ([data["url"]] if data.get("url") else [])
    if isinstance(urls, str):
        urls = [urls]
    if not urls:
        raise RegistryError(path, line, entry, "url", "adresse obligatoire (url ou urls)")
    years = _years(path, line, entry, data.get("years"), today)
    expanded = []
    for u in urls:
        if not isinstance(u, str) or not re.match(r"^https?://\S+$", u.replace("{year}", "2000")):
            raise RegistryError(path, line, entry, "url", f"adresse invalide : {u!r}")
        if "{year}" in u:
            if not years:
                raise RegistryError(path, line, entry, "years",
                                    "l'adresse contient {year} : indiquez years (ex. years: 3)")
            expanded.extend(u.replace("{year}", str(y)) for y in years)
        else:
            expanded.append(u)
    for key, pattern, msg in (("insee", r"\d[\dAB]\d{3}", "5 caractères (ex. 35238, 2A004)"),
                              ("siren", r"\d{9}", "9 chiffres"), ("siret", r"\d{14}", "14 chiffres"),
                              ("departement", r"\d[\dAB]\d?", "numéro du département (ex. 35, 2A, 974)")):
        value = data.get(key)
        if value is not None:
            value = str(value).replace(" ", "")
            if not re.fullmatch(pattern, value):
                raise RegistryError(path, line, entry, key, f"format attendu : {msg}, reçu {value!r}")
            data[key] = value
    siren = data.get("siren") or (data.get("siret") or "")[:9] or None
    if data.get("format") not in ("auto", "csv", "json"):
        raise RegistryError(path, line, entry, "format", "valeurs possibles : auto, csv, json")
    sessions = _level(path, entry, "sessions", data["sessions"]) if data.get("sessions") else None
    documents = _level(path, entry, "documents", data.get("documents") or {})
    if data.get("default_type") and data["default_type"] not in DOC_TYPES:
        raise RegistryError(path, line, entry, "default_type",
                            f"type inconnu ; types possibles : {', '.join(DOC_TYPES)}")
    for key in ("verify_tls", "verified", "robots", "pdf_layout", "enabled"):
        if key in data and not isinstance(data[key], bool):
            raise RegistryError(path, line, entry, key, "attendu : true ou false")
    for key in ("revisit_months", "max_mb"):
        if not isinstance(data.get(key), (int, float)) or data[key] <= 0:
            raise RegistryError(path, line, entry, key, "attendu : un nombre positif")
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise RegistryError(path, line, entry, "columns", "attendu : colonne_du_fichier: COLONNE_SCDL")
    columns.pop("__line__", None)
    return Council(
        id=entry, name=str(data["name"]), kind=data["kind"], urls=expanded, body=data.get("body"),
        insee=data.get("insee"), siren=siren, departement=data.get("departement"),
        format=data["format"], file_url=data.get("file_url"), columns=columns,
        page=data.get("page"), sessions=sessions, documents=documents,
        verify_tls=data["verify_tls"], verified=data["verified"],
        robots=data.get("robots", data["kind"] == "site"),
        revisit_months=data["revisit_months"], max_mb=data["max_mb"],
        pdf_layout=data["pdf_layout"], default_type=data.get("default_type"),
        enabled=data["enabled"], notes=data.get("notes"), line=line)


def load(path: str | Path | None = None, today: date | None = None) -> list[Council]:
    path = Path(path or registry_path())
    today = today or date.today()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(str(path), None, None, None, f"fichier illisible ({exc.strerror})")
    try:
        doc = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RegistryError(str(path), mark.line + 1 if mark else None, None, None,
                            f"YAML invalide : {getattr(exc, 'problem', exc)}")
    if not isinstance(doc, dict) or not isinstance(doc.get("councils"), list):
        raise RegistryError(str(path), None, None, "councils",
                            "le fichier doit contenir une liste « councils: »")
    defaults = doc.get("defaults") or {}
    councils, seen = [], set()
    for raw in doc["councils"]:
        if not isinstance(raw, dict):
            raise RegistryError(str(path), None, None, None, f"entrée qui n'est pas un bloc : {raw!r}")
        council = parse_entry(str(path), raw, defaults, today)
        if council.id in seen:
            raise RegistryError(str(path), council.line, council.id, "id", "identifiant en double")
        seen.add(council.id)
        councils.append(council)
    return councils
