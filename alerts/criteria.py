"""What a subscription follows, checked and normalised, and the SQL that selects it.

Within one kind the values are alternatives (drones OR vidéo); across kinds they all hold
(drones AND in the Gironde). Without a free-text query only signalled documents count (the
watch's vocabulary decides); a query follows the site's search rules (core.search) over every
document, as the search page does.

Every check raises AlertInputError with a French message: the CLI prints it and exits 2, the
subscription pages show it beside the field."""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from technoveille.core import reference, sources
from technoveille.core.fold import fold_plain
from technoveille.core.search import MAX_QUERY_CHARS, NOTHING, fts_query

FREQUENCIES = {"immediate": "dès qu'un document arrive", "daily": "une fois par jour",
               "weekly": "une fois par semaine"}
MAX_VALUES = 50           # values of one kind in one subscription
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                   r"[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


class AlertInputError(ValueError):
    """Bad input from a subscriber or an operator; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Criteria:
    themes: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    acheteurs: tuple[str, ...] = ()
    query: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Criteria":
        data = json.loads(raw)
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})

    def key(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def is_empty(self) -> bool:
        return not any(asdict(self).values())


@dataclass
class Vocabulary:
    """The themes and terms a subscription may name (from the working database, else from
    keywords.yml)."""
    themes: dict[str, str] = field(default_factory=dict)       # id → French label
    terms: dict[str, str] = field(default_factory=dict)        # folded term → term as stored
    communes_seen: set[str] = field(default_factory=set)     # INSEE codes found in documents

    @classmethod
    def load(cls, db=None, keywords: Path | None = None) -> "Vocabulary":
        vocab = cls()
        if db is not None:
            try:
                vocab.themes = {r[0]: r[1] or r[0] for r in db.execute(
                    "select id, label from pub.themes order by id")}
                vocab.terms = {fold_plain(r[0]).strip(): r[0] for r in db.execute(
                    "select distinct term from pub.terms")}
                vocab.communes_seen = {r[0] for r in db.execute(
                    "select distinct commune from pub.documents where commune is not null")}
            except Exception:  # noqa: BLE001 — no public database yet: read keywords.yml
                vocab.themes, vocab.terms, vocab.communes_seen = {}, {}, set()
        if not vocab.themes and keywords is not None and keywords.exists():
            data = yaml.safe_load(keywords.read_text(encoding="utf-8")) or {}
            for theme, spec in (data.get("themes") or {}).items():
                vocab.themes[theme] = (spec or {}).get("label") or theme
                for tier in ("A", "B", "C"):
                    for term in (spec or {}).get(tier) or []:
                        if isinstance(term, str):
                            vocab.terms[fold_plain(term).strip()] = term
        return vocab


def _listed(values, kind: str) -> list[str]:
    out: list[str] = []
    for value in values or ():
        for piece in str(value).split(","):
            piece = piece.strip()
            if piece and piece not in out:
                out.append(piece)
    if len(out) > MAX_VALUES:
        raise AlertInputError(f"trop de valeurs pour {kind} ({len(out)} ; {MAX_VALUES} au plus)",
                              kind)
    return out


def _suggest(value: str, known) -> str:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    return f" (vouliez-vous dire : {', '.join(close)} ?)" if close else ""


def check_email(value: str) -> str:
    email = (value or "").strip()
    if len(email) > 254 or not EMAIL.match(email) or ".." in email:
        raise AlertInputError(f"adresse électronique invalide : {value!r}", "email")
    # one subscriber per mailbox: providers treat the local part case-insensitively
    return email.lower()


def check_frequency(value: str | None) -> str:
    value = (value or "daily").strip().lower()
    aliases = {"immediat": "immediate", "immédiat": "immediate", "quotidien": "daily",
               "jour": "daily", "hebdomadaire": "weekly", "semaine": "weekly"}
    value = aliases.get(value, value)
    if value not in FREQUENCIES:
        raise AlertInputError(f"fréquence inconnue {value!r} : immediate, daily ou weekly",
                              "frequency")
    return value


def _term(value: str, vocab: Vocabulary) -> str:
    folded = fold_plain(value).strip()
    if folded in vocab.terms:
        return vocab.terms[folded]
    for known_folded, term in vocab.terms.items():  # « drones » for the stored « drone* »
        if known_folded.endswith("*") and folded.startswith(known_folded[:-1]):
            return term
    for known_folded, term in vocab.terms.items():  # a plural typed: « drones » for « drone »
        if folded.rstrip("sx") == known_folded:
            return term
    raise AlertInputError(f"terme inconnu du vocabulaire : {value!r}"
                          f"{_suggest(folded, vocab.terms)} ; pour un mot quelconque, "
                          "utilisez une requête (--query)", "term")


def _siren(value: str) -> str:
    digits = re.sub(r"[\s.]", "", value)
    if not digits.isdigit() or len(digits) not in (9, 14):
        raise AlertInputError(f"SIREN invalide : {value!r} (9 chiffres, ou un SIRET de 14)",
                              "acheteur")
    return digits[:9]


def check(raw: dict, vocab: Vocabulary) -> Criteria:
    """Criteria from raw input ({'themes': [...], 'terms': [...], ..., 'query': str})."""
    themes = []
    for theme in _listed(raw.get("themes"), "theme"):
        key = theme.lower()
        by_label = {fold_plain(label): tid for tid, label in vocab.themes.items()}
        key = key if key in vocab.themes else by_label.get(fold_plain(theme), key)
        if key not in vocab.themes:
            raise AlertInputError(f"thème inconnu : {theme!r} (thèmes : "
                                  f"{', '.join(vocab.themes) or 'aucun'})", "theme")
        themes.append(key)
    terms = [_term(t, vocab) for t in _listed(raw.get("terms"), "term")]
    srcs = []
    for source in _listed(raw.get("sources"), "source"):
        if source.lower() not in sources.SOURCES:
            raise AlertInputError(f"source inconnue : {source!r} (sources : "
                                  f"{', '.join(sources.SOURCES)})", "source")
        srcs.append(source.lower())
    deps = []
    for dep in _listed(raw.get("departements"), "departement"):
        found = reference.departement(dep)
        if found is None:
            raise AlertInputError(f"département inconnu : {dep!r} (un code comme 33, 2A ou 974)",
                                  "departement")
        deps.append(found.code)
    communes = []
    for code in _listed(raw.get("communes"), "commune"):
        found = reference.commune(code)
        if found is None and code.upper() in vocab.communes_seen:
            communes.append(code.upper())  # a commune of our documents (a fictional replay one)
            continue
        if found is None:
            raise AlertInputError(f"code INSEE de commune inconnu : {code!r} (5 caractères, "
                                  "par exemple 33063 pour Bordeaux)", "commune")
        communes.append(found.insee)
    acheteurs = [_siren(v) for v in _listed(raw.get("acheteurs"), "acheteur")]
    query = (raw.get("query") or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        raise AlertInputError(f"requête trop longue ({len(query)} caractères ; "
                              f"{MAX_QUERY_CHARS} au plus)", "query")
    if query and fts_query(query) == NOTHING:
        raise AlertInputError(f"la requête {query!r} ne contient aucun mot à chercher", "query")
    criteria = Criteria(tuple(sorted(themes)), tuple(sorted(terms)), tuple(sorted(srcs)),
                        tuple(sorted(deps)), tuple(sorted(communes)), tuple(sorted(acheteurs)),
                        " ".join(query.split()))
    return criteria


def describe(criteria: Criteria, vocab: Vocabulary) -> str:
    """A French one-line summary: « Drones… ; Gironde (33) ; requête : caméra »."""
    parts = []
    if criteria.themes:
        parts.append(", ".join(vocab.themes.get(t, t) for t in criteria.themes))
    if criteria.terms:
        parts.append("termes : " + ", ".join(criteria.terms))
    if criteria.sources:
        parts.append(", ".join(sources.label(s) for s in criteria.sources))
    if criteria.departements:
        parts.append(", ".join(f"{reference.departement_name(d) or d} ({d})"
                               for d in criteria.departements))
    if criteria.communes:
        names = []
        for code in criteria.communes:
            found = reference.commune(code)
            names.append(f"{found.nom if found else code} ({code})")
        parts.append(", ".join(names))
    if criteria.acheteurs:
        parts.append("acheteur " + ", ".join(
            f"{reference.name_of_siren(s) or s} ({s})" for s in criteria.acheteurs))
    if criteria.query:
        parts.append(f"requête : {criteria.query}")
    return " ; ".join(parts) or "tous les documents signalés"


# ---------------------------------------------------------------------------- SQL

def bind(params: dict, value) -> str:
    """A named parameter for `value` (`:p0`, `:p1`…), added to `params`."""
    name = f"p{len(params)}"
    params[name] = value
    return ":" + name


def _in(column: str, values, params: dict) -> str:
    return f"{column} in ({', '.join(bind(params, v) for v in values)})"


def where(criteria: Criteria, *, themes_of, terms_of, fts_rowids, params: dict) -> str:
    """The WHERE clause over a documents relation aliased `n` (columns rid, source,
    departement, commune, siren, flagged). `themes_of(in_sql)`, `terms_of(in_sql)` and
    `fts_rowids()` give the sub-selects of the relation at hand."""
    clauses = []
    if not criteria.query:
        clauses.append("n.flagged = 1")
    if criteria.sources:
        clauses.append(_in("n.source", criteria.sources, params))
    if criteria.departements:
        clauses.append(_in("n.departement", criteria.departements, params))
    if criteria.communes:
        clauses.append(_in("n.commune", criteria.communes, params))
    if criteria.acheteurs:
        clauses.append(_in("n.siren", criteria.acheteurs, params))
    if criteria.themes:
        clauses.append(themes_of(_in("{theme}", criteria.themes, params)))
    if criteria.terms:
        clauses.append(terms_of(_in("{term}", criteria.terms, params)))
    if criteria.query:
        clauses.append(f"n.rid in ({fts_rowids(bind(params, fts_query(criteria.query)))})")
    return " and ".join(clauses) or "1"
