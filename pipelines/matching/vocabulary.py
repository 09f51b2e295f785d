"""keywords.yml → a validated Vocabulary. Every error names the file, the line and the term.

Format (documented for campaigners in docs/keywords.md):

    context: [police municipale, gendarmerie, ...]      # global context terms
    backstop: {distance: 12, purpose: [police*, ...], themes: {video: [caméra*, ...]}}
    themes:
      drones:
        label: Drones
        description: ...
        A: [caméras installées sur des aéronefs, ...]   # flags alone
        B: [drone, {acronym: UAS}, ...]                  # needs context or a second term
        C: [...]                                         # score only
        context: [...]                                   # context of this theme
        suppressors: [épandage, ornitholog*, ...]        # veto the B and C terms

A term is a string (mode word for one word, phrase for several, prefix when it ends with
« * », near when written « near(a, b, n) ») or a mapping with one mode key
(phrase / word / prefix / acronym / near) and options `exclude` (list), `variants` (bool)
and, for B terms, `needs_context` (true / false / strict). A term may appear in two themes
only when one of the two lines says `also: true` (a vendor's product: « Sensivic » is `son`
and `fournisseurs`); any other repetition is an error. Each side of a near() may list
alternatives separated by « / », each possibly a prefix ending in « * ».
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import VocabularyError
from technoveille.core.fold import fold

MODES = ("phrase", "word", "prefix", "acronym", "near")
TIERS = ("A", "B", "C")
THEME_KEYS = {"label", "description", "A", "B", "C", "context", "suppressors"}
OPTION_KEYS = {"exclude", "variants", "needs_context", "also"}
_FORBIDDEN = re.compile(r"[|()\[\]{}\\^$+?<>]|\*(?!\s*$)|\.\*")
_NEAR = re.compile(r"^\s*near\s*\((.*)\)\s*$", re.I | re.S)


@dataclass
class Term:
    theme: str | None         # None for global context
    kind: str                 # term | context | suppressor
    term: str                 # as written (display)
    mode: str
    tier: str | None
    line: int
    text: str = ""            # phrase/word/prefix/acronym text; near: ""
    near: tuple | None = None  # (a, b, n)
    exclude: list = field(default_factory=list)
    exclude_near: list = field(default_factory=list)  # [(word, n)]: veto within n words
    variants: bool = True
    needs_context: bool = True   # B only: false = counts alone unless a suppressor vetoes it
    strict_context: bool = False  # B only (« needs_context: strict »): the term's own words
                                  # are never its context (near terms otherwise count them)
    backstop: bool = False    # built from the `backstop:` section (device × purpose near term)
    also: bool = False        # « also: true »: the same term may also be listed in another theme


@dataclass
class Theme:
    id: str
    label: str
    description: str
    line: int


@dataclass
class Vocabulary:
    path: str
    version: str
    themes: list[Theme]
    terms: list[Term]         # every entry: terms, context, suppressors


def _scalar(node, path, term=None) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise VocabularyError(path, node.start_mark.line + 1, term,
                              "une valeur texte était attendue")
    return str(node.value)


def _mapping(node, path, what, term=None) -> list[tuple[str, yaml.Node, int]]:
    if not isinstance(node, yaml.MappingNode):
        raise VocabularyError(path, node.start_mark.line + 1, term,
                              f"{what} : une table (clé: valeur) était attendue")
    out, seen = [], {}
    for k, v in node.value:
        key = _scalar(k, path, term)
        line = k.start_mark.line + 1
        if key in seen:
            raise VocabularyError(path, line, key,
                                  f"clé « {key} » en double (déjà ligne {seen[key]})")
        seen[key] = line
        out.append((key, v, line))
    return out


def _check_text(text: str, path, line, mode) -> None:
    if not text.strip():
        raise VocabularyError(path, line, text, "terme vide")
    if _FORBIDDEN.search(text):
        raise VocabularyError(
            path, line, text, "caractères spéciaux non pris en charge (| ( ) [ ] { } \\ ^ $ + ? "
            "ou * ailleurs qu'en fin de terme) : ce fichier n'utilise pas d'expressions "
            "régulières ; écrivez chaque forme comme un terme")
    folded = fold(text.rstrip("* "))
    if not re.search(r"[a-z0-9]", folded):
        raise VocabularyError(path, line, text, "le terme ne contient ni lettre ni chiffre")
    if mode == "prefix" and len(folded.replace(" ", "")) < 4:
        raise VocabularyError(path, line, text,
                              "préfixe trop court (4 lettres au moins), il trouverait trop de mots")
    if mode == "word" and " " in folded:
        raise VocabularyError(path, line, text,
                              "le mode word n'accepte qu'un seul mot (utilisez phrase)")
    if mode == "acronym" and not re.search(r"[A-Z]", text):
        raise VocabularyError(path, line, text,
                              "un acronyme s'écrit avec des majuscules (il est cherché tel quel)")


def _parse_near(value, path, line, term) -> tuple:
    if isinstance(value, str):
        m = _NEAR.match(value)
        if not m:
            raise VocabularyError(path, line, term, "near s'écrit near(mot1, mot2, N)")
        items = [x.strip() for x in m.group(1).split(",")]
    else:
        items = [str(x).strip() for x in value]
    if len(items) != 3:
        raise VocabularyError(path, line, term,
                              "near attend trois éléments : deux termes et une distance en mots")
    a, b, n = items
    try:
        dist = int(n)
    except ValueError:
        raise VocabularyError(path, line, term,
                              f"near : la distance « {n} » n'est pas un nombre entier") from None
    if not 1 <= dist <= 50:
        raise VocabularyError(path, line, term, "near : la distance doit être entre 1 et 50 mots")
    for x in (a, b):
        # a side may list alternatives « a / b » and end a word with « * » (prefix)
        alts = [y.strip() for y in x.split("/")]
        if not all(alts):
            raise VocabularyError(path, line, term, "near : alternative vide autour de « / »")
        for y in alts:
            if y.endswith("*"):
                _check_text(y[:-1].rstrip(), path, line, "prefix")
            else:
                _check_text(y, path, line, "phrase")
    return a, b, dist


def _entry(node, path, theme, kind, tier) -> Term:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        if _NEAR.match(text):
            a, b, n = _parse_near(text, path, line, text)
            return Term(theme, kind, f"near({a}, {b}, {n})", "near", tier, line, near=(a, b, n))
        if text.rstrip().endswith("*"):
            core = text.rstrip()[:-1].rstrip()
            _check_text(core, path, line, "prefix")
            return Term(theme, kind, core + "*", "prefix", tier, line, text=core)
        mode = "phrase" if " " in fold(text) else "word"
        _check_text(text, path, line, mode)
        return Term(theme, kind, text.strip(), mode, tier, line, text=text.strip())
    if isinstance(node, yaml.MappingNode):
        items = _mapping(node, path, "terme")
        keys = [k for k, _, _ in items]
        term_label = None
        if "term" in keys:  # explicit form {term: ..., mode: ...}
            d = {k: v for k, v, _ in items}
            term_label = _scalar(d["term"], path)
            mode = _scalar(d["mode"], path, term_label) if "mode" in d else "phrase"
            if mode not in MODES:
                raise VocabularyError(path, line, term_label,
                                      f"mode inconnu « {mode} » (modes : {', '.join(MODES)})")
            items = [(mode, d["term"], line)] + [(k, v, ln) for k, v, ln in items
                                                  if k not in ("term", "mode")]
            keys = [k for k, _, _ in items]
        modes = [k for k in keys if k in MODES]
        unknown = [k for k in keys if k not in MODES and k not in OPTION_KEYS]
        if unknown:
            raise VocabularyError(path, line, term_label or unknown[0],
                                  f"mode inconnu « {unknown[0]} » (modes : {', '.join(MODES)} ; "
                                  f"options : exclude, variants, needs_context, also)")
        if len(modes) != 1:
            raise VocabularyError(path, line, term_label,
                                  "un terme a exactement un mode (phrase, word, prefix, "
                                  "acronym ou near)")
        mode = modes[0]
        value = next(v for k, v, _ in items if k == mode)
        opts = {k: v for k, v, _ in items if k in OPTION_KEYS}
        if mode == "near":
            raw = (_scalar(value, path) if isinstance(value, yaml.ScalarNode)
                   else [_scalar(x, path) for x in value.value])
            if isinstance(raw, str) and not _NEAR.match(raw):
                raw = [x.strip() for x in raw.split(",")]
            a, b, n = _parse_near(raw, path, line, str(raw))
            t = Term(theme, kind, f"near({a}, {b}, {n})", "near", tier, line, near=(a, b, n))
        else:
            text = _scalar(value, path).strip()
            _check_text(text, path, line, mode)
            label = text + "*" if mode == "prefix" else text
            t = Term(theme, kind, label, mode, tier, line, text=text.rstrip("*").strip())
        if "exclude" in opts:
            ex = opts["exclude"]
            if not isinstance(ex, yaml.SequenceNode):
                raise VocabularyError(path, line, t.term, "exclude attend une liste")
            for x in ex.value:
                s = _scalar(x, path, t.term)
                m = _NEAR.match(s)
                if m:   # near(word, N): the hit is dropped when word is within N words
                    items = [i.strip() for i in m.group(1).split(",")]
                    xline = x.start_mark.line + 1
                    if len(items) != 2 or not items[1].isdigit() or not 1 <= int(items[1]) <= 50:
                        raise VocabularyError(path, xline, t.term,
                                              "dans exclude, near s'écrit near(mot, N) "
                                              "avec N entre 1 et 50")
                    _check_text(items[0], path, xline, "phrase")
                    t.exclude_near.append((items[0], int(items[1])))
                    continue
                _check_text(s, path, x.start_mark.line + 1, "phrase")
                t.exclude.append(s)
        if "needs_context" in opts:
            v = _scalar(opts["needs_context"], path, t.term).lower()
            if v not in ("true", "false", "yes", "no", "oui", "non", "strict"):
                raise VocabularyError(path, line, t.term,
                                      "needs_context vaut true, false ou strict")
            if tier != "B":
                raise VocabularyError(path, line, t.term,
                                      "needs_context ne s'applique qu'aux termes B")
            t.needs_context = v in ("true", "yes", "oui", "strict")
            t.strict_context = v == "strict"
        for opt in ("variants", "also"):
            if opt in opts:
                v = _scalar(opts[opt], path, t.term).lower()
                if v not in ("true", "false", "yes", "no", "oui", "non"):
                    raise VocabularyError(path, line, t.term, f"{opt} vaut true ou false")
                setattr(t, opt, v in ("true", "yes", "oui"))
        return t
    raise VocabularyError(path, line, None, "un terme est un texte ou une table")


def _entries(node, path, theme, kind, tier) -> list[Term]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", None):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise VocabularyError(path, node.start_mark.line + 1, None,
                              "une liste de termes (lignes commençant par « - ») était attendue")
    return [_entry(x, path, theme, kind, tier) for x in node.value]


def _key(t: Term) -> tuple:
    if t.mode == "near":
        a, b, n = t.near
        return ("near", fold(a), fold(b), n)
    if t.mode == "acronym":
        return ("acronym", t.text)
    return ("text", fold(t.text), t.mode == "prefix")


def _words(node, path, what) -> list[tuple[str, int]]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise VocabularyError(path, node.start_mark.line + 1, what,
                              f"backstop : « {what} » attend une liste de mots")
    out = []
    for x in node.value:
        w = _scalar(x, path, what).strip()
        ln = x.start_mark.line + 1
        if "/" in w or "," in w:
            raise VocabularyError(path, ln, w, "backstop : un mot par ligne (ni « / » ni « , »)")
        if w.endswith("*"):
            _check_text(w[:-1].rstrip(), path, ln, "prefix")
        else:
            _check_text(w, path, ln, "phrase")
        out.append((w, ln))
    return out


def _backstop(node, path, theme_ids) -> list[Term]:
    """`backstop: {distance, purpose: [...], themes: {theme: [device words]}}` → one B near
    term per theme, « device / … , purpose / … , distance », that counts without context
    (suppressors of the theme still veto it). No plural / feminine forms are generated: each
    word is found as written (« sons » is not « son »), « mot* » finds every form."""
    fields = {k: (v, ln) for k, v, ln in _mapping(node, path, "backstop")}
    for k, (_, ln) in fields.items():
        if k not in ("distance", "purpose", "themes"):
            raise VocabularyError(path, ln, k,
                                  f"clé inconnue « {k} » dans backstop (distance, purpose, themes)")
    for k in ("purpose", "themes"):
        if k not in fields:
            raise VocabularyError(path, node.start_mark.line + 1, "backstop",
                                  f"backstop : la clé « {k} » manque")
    dist = _scalar(fields["distance"][0], path, "distance") if "distance" in fields else "12"
    purpose = " / ".join(w for w, _ in _words(fields["purpose"][0], path, "purpose"))
    out = []
    for tid, dnode, tline in _mapping(fields["themes"][0], path, "backstop themes"):
        if tid not in theme_ids:
            raise VocabularyError(path, tline, tid, f"backstop : thème inconnu « {tid} »")
        devices = " / ".join(w for w, _ in _words(dnode, path, tid))
        a, b, n = _parse_near([devices, purpose, dist], path, tline, f"backstop {tid}")
        out.append(Term(tid, "term", f"backstop({tid})", "near", "B", tline, near=(a, b, n),
                        needs_context=False, backstop=True, variants=False))
    return out


def parse(data: bytes, path: str) -> Vocabulary:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise VocabularyError(path, line, None, "le fichier n'est pas en UTF-8") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise VocabularyError(path, line, None,
                              f"YAML invalide : {getattr(exc, 'problem', exc)}") from None
    if root is None:
        raise VocabularyError(path, 1, None, "fichier vide")
    top = dict((k, (v, ln)) for k, v, ln in _mapping(root, path, "racine"))
    for k, (_, ln) in top.items():
        if k not in ("themes", "context", "version", "backstop"):
            raise VocabularyError(path, ln, k,
                                  f"clé inconnue « {k} » (themes, context, backstop)")
    if "themes" not in top:
        raise VocabularyError(path, 1, None, "la clé « themes » manque")
    terms: list[Term] = []
    if "context" in top:
        terms += _entries(top["context"][0], path, None, "context", None)
    themes = []
    for tid, tnode, tline in _mapping(top["themes"][0], path, "themes"):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", tid):
            raise VocabularyError(path, tline, tid,
                                  "identifiant de thème : minuscules, chiffres et _ seulement")
        fields = {}
        for k, v, ln in _mapping(tnode, path, f"thème {tid}"):
            if k not in THEME_KEYS:
                raise VocabularyError(path, ln, k, f"clé inconnue « {k} » dans le thème {tid} "
                                      f"(label, description, A, B, C, context, suppressors)")
            fields[k] = v
        label = _scalar(fields["label"], path, tid) if "label" in fields else tid
        desc = _scalar(fields["description"], path, tid) if "description" in fields else ""
        themes.append(Theme(tid, label, desc, tline))
        for tier in TIERS:
            if tier in fields:
                terms += _entries(fields[tier], path, tid, "term", tier)
        if "context" in fields:
            terms += _entries(fields["context"], path, tid, "context", None)
        if "suppressors" in fields:
            terms += _entries(fields["suppressors"], path, tid, "suppressor", None)
    if "backstop" in top:
        terms += _backstop(top["backstop"][0], path, {t.id for t in themes})
    seen: dict[tuple, Term] = {}
    for t in terms:
        scope = ("term",) if t.kind == "term" else (t.kind, t.theme)
        k = scope + _key(t)
        if k in seen:
            first = seen[k]
            if t.kind == "term" and t.theme != first.theme and (t.also or first.also):
                continue   # a vendor's product counted in its theme and under fournisseurs
            hint = (" ; pour le compter aussi dans ce thème, ajouter « also: true »"
                    if t.kind == "term" and t.theme != first.theme else "")
            raise VocabularyError(path, t.line, t.term,
                                  f"terme en double (déjà ligne {first.line}"
                                  f"{', thème ' + first.theme if first.theme else ''}){hint}")
        seen[k] = t
    if not any(t.kind == "term" for t in terms):
        raise VocabularyError(path, 1, None, "aucun terme A, B ou C")
    return Vocabulary(path, hashlib.sha256(data).hexdigest(), themes, terms)


def load(path) -> Vocabulary:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise VocabularyError(str(p), None, None, f"lecture impossible : {exc.strerror}") from None
    return parse(data, str(p))
