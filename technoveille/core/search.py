"""French full-text search: the one function behind the search page, the documents table's
search box, the feeds and (later) alert queries.

FTS5 cannot run a Python tokenizer, so the index stores the stems next to the text:

    documents_fts(title, text, stems, stems_plain)

* `title`, `text`: the text as written (œ/æ spelled out; the `unicode61 remove_diacritics 2`
  tokenizer folds case and accents), for exact words, prefixes and readable snippets;
* `stems`: French Snowball stem of each word of title + text as written, then folded
  (« équipées » → équip, « caméras » → camer);
* `stems_plain`: the stem of each word once folded, for what people type without accents
  (« cameras » → cam, like « caméras » folded first). Snowball's French rules read accents,
  so the two differ for some words; one token per word in both columns, so phrases work.

`fts_query(q)` turns what a campaigner types into an FTS5 expression that is always valid:
each word matches itself in title/text OR its stem (both spellings) in the stems columns;
"phrases" match as phrases in both; prefix* and NEAR(...) match the text only; OR / AND /
NOT / parentheses are kept when they make sense. Empty or junk input matches nothing.
`fts_exact(q)` is the same expression without the stems: documents it matches rank first.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

import Stemmer

from technoveille.core.fold import fold_for_index, fold_plain

FTS_COLUMNS = ("title", "text", "stems", "stems_plain")
# bm25 weights, in FTS_COLUMNS order: a word typed exactly outweighs its inflections
BM25_WEIGHTS = (10.0, 4.0, 1.0, 1.0)
NOTHING = '"technoveille_recherche_vide"'
MAX_QUERY_CHARS = 1000   # longer input is cut (a 10,000-character paste still answers)
MAX_TERMS = 24           # words / phrases kept from one query
MAX_DEPTH = 6            # nested parentheses kept; deeper ones are dropped

WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"OR", "AND", "NOT"}
_TOKEN = re.compile(r'"[^"]*"\*?|NEAR\([^()"]*\)|[()]|[^\s()"]+')
_NEAR = re.compile(r"NEAR\(([^()]*?)(?:,\s*(\d+))?\s*\)")
_HYPHENATED = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)+\*?")

_local = threading.local()


def _stemmer():
    # a PyStemmer object is not thread-safe; Datasette calls SQL functions from several threads
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


def _clean(token: str) -> str:
    return "".join(WORD.findall(token))


@functools.lru_cache(maxsize=200_000)
def stem_pair(word: str) -> tuple[str, str]:
    """(stem of the word as written, folded; stem of the folded word) of one lower-case word."""
    stemmer = _stemmer()
    plain = _clean(fold_plain(word)) or word
    accented = _clean(fold_plain(stemmer.stemWord(word))) or plain
    return accented, stemmer.stemWord(plain)


def words(text: str | None) -> list[str]:
    """The words of a text as the index sees them: lower case, œ/æ spelled out, accents kept."""
    if not text:
        return []
    return WORD.findall(unicodedata.normalize("NFC", fold_for_index(text)).lower())


def index_values(title: str | None, text: str | None) -> tuple[str, str, str, str]:
    """The four FTS columns of one document (FTS_COLUMNS order)."""
    pairs = [stem_pair(w) for w in words(title) + words(text)]
    return (fold_for_index(title), fold_for_index(text),
            " ".join(p[0] for p in pairs), " ".join(p[1] for p in pairs))


# ------------------------------------------------------------------ queries


def _quote(ws: list[str]) -> str:
    return '"' + " ".join(ws) + '"'


_SUFFIXES = (("ees", "ées"), ("ee", "ée"), ("es", "és"), ("e", "é"))


def _accented_guess(word: str) -> str | None:
    """« equipee » typed without accents: the stem of « equipée », since Snowball's French
    rules read the accent of participles (« équipée » → equip, « equipee » → equipe)."""
    if not word.isascii():
        return None
    for plain, accented in _SUFFIXES:
        if word.endswith(plain) and len(word) > len(plain) + 2:
            guess = stem_pair(word[:-len(plain)] + accented)[0]
            return guess if guess != stem_pair(word)[0] else None
    return None


def _term(ws: list[str], prefix: bool, exact_only: bool) -> str:
    """One word or phrase: itself in the text, or its stems (a prefix matches the text only)."""
    exact = "{title text} : " + _quote(ws) + ("*" if prefix else "")
    if prefix or exact_only:
        return "(" + exact + ")"
    ws = [w.lower() for w in ws]
    pairs = [stem_pair(w) for w in ws]
    accented, plain = _quote([p[0] for p in pairs]), _quote([p[1] for p in pairs])
    guess = _accented_guess(ws[0]) if len(ws) == 1 else None
    if guess:
        accented = f"({accented} OR {_quote([guess])})"
    return f"({exact} OR stems : {accented} OR stems_plain : {plain})"


def _near(token: str, exact_only: bool) -> str | None:
    match = _NEAR.fullmatch(token)
    ws = WORD.findall(match.group(1)) if match else []
    if len(ws) < 2:
        return _term(ws, False, exact_only) if ws else None
    distance = f", {match.group(2)}" if match.group(2) else ""
    inner = " ".join(_quote([w]) for w in ws)
    out = "{title text} : NEAR(" + inner + distance + ")"
    if not exact_only:
        pairs = [stem_pair(w.lower()) for w in ws]
        for column, k in (("stems", 0), ("stems_plain", 1)):
            stems = " ".join(_quote([p[k]]) for p in pairs)
            out += f" OR {column} : NEAR({stems}{distance})"
    return "(" + out + ")"


def _pieces(q: str, exact_only: bool) -> list[str]:
    """Terms, operators and parentheses, each term already an FTS5 expression."""
    out, terms, depth = [], 0, 0
    for token in _TOKEN.findall(q):
        if token == "(":
            depth += 1
            out.append("(" if depth <= MAX_DEPTH else "")
            continue
        if token == ")":
            out.append(")" if depth <= MAX_DEPTH else "")
            depth -= 1
            continue
        if terms >= MAX_TERMS:
            continue
        if token in _OPERATORS:
            out.append(token)
            continue
        if token.startswith("NEAR("):
            piece = _near(token, exact_only)
        else:
            prefix = token.endswith("*")
            ws = WORD.findall(token)
            if not ws:
                continue
            piece = _term(ws, prefix, exact_only)
            if len(ws) > 1 and _HYPHENATED.fullmatch(token):
                # vidéo-protection: also the joined spelling, vidéoprotection
                piece = f"({piece} OR {_term([''.join(ws)], prefix, exact_only)})"
        if piece:
            out.append(piece)
            terms += 1
    return [p for p in out if p]


def _tidy(out: list[str]) -> list[str]:
    """An operator needs a term on each side; empty parentheses go; a leading NOT takes its
    operand with it (FTS5's NOT is binary: « NOT drone » alone cannot mean anything)."""
    cleaned: list[str] = []
    skip_next = False
    for token in out:
        if skip_next:
            skip_next = False
            if token != "(" and token not in _OPERATORS and token != ")":
                continue
        if token in _OPERATORS:
            if not cleaned or cleaned[-1] in _OPERATORS or cleaned[-1] == "(":
                skip_next = token == "NOT"
                continue
        if token == ")":
            while cleaned and cleaned[-1] in _OPERATORS:
                cleaned.pop()
            if cleaned and cleaned[-1] == "(":
                cleaned.pop()
                continue
        cleaned.append(token)
    while cleaned and cleaned[-1] in _OPERATORS:
        cleaned.pop()
    # FTS5 does not AND two parenthesised groups side by side: say it
    joined: list[str] = []
    for token in cleaned:
        if joined and joined[-1] not in _OPERATORS and joined[-1] != "(" \
                and token not in _OPERATORS and token != ")":
            joined.append("AND")
        joined.append(token)
    return joined


def _balanced(q: str) -> bool:
    depth = 0
    for ch in q:
        if ch in "()":
            depth += 1 if ch == "(" else -1
            if depth < 0:
                return False
    return depth == 0


def _build(q, exact_only: bool) -> str:
    if q is None:
        return NOTHING
    q = unicodedata.normalize("NFC", fold_for_index(str(q)[:MAX_QUERY_CHARS])).strip()
    q = q.replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"')
    if q.count('"') % 2:
        q = q.replace('"', " ")
    if not _balanced(re.sub(r'"[^"]*"', " ", q)):
        q = q.replace("(", " ").replace(")", " ")
    out = _tidy(_pieces(q, exact_only))
    if not any(p not in _OPERATORS and p not in "()" for p in out):
        return NOTHING
    return " ".join(out)


def fts_query(q) -> str:
    """What a campaigner typed → a valid FTS5 MATCH expression over documents_fts (stems)."""
    return _build(q, exact_only=False)


def fts_exact(q) -> str:
    """The same query without inflections: the documents it matches rank first."""
    return _build(q, exact_only=True)


def query_stems(q) -> set[str]:
    """Every stem (both spellings) of the words of a query: what the extract highlights."""
    out: set[str] = set()
    if not q:
        return out
    for token in _TOKEN.findall(fold_for_index(str(q)[:MAX_QUERY_CHARS])):
        if token in _OPERATORS or token in "()" or token.endswith("*"):
            continue
        for w in WORD.findall(token.lower()):
            out.update(stem_pair(w))
            guess = _accented_guess(w)
            if guess:
                out.add(guess)
    out.discard("near")
    return out


# ------------------------------------------------------------------ extracts


def extract(text: str | None, q, size: int = 24, open_mark: str = "[[",
            close_mark: str = "]]") -> str:
    """A readable extract of `text` around the first word that matches a word of `q` through
    its stem (« drones » for « drone »), those words marked — for documents that FTS5's
    snippet() cannot highlight because they matched through the stems columns only."""
    if not text:
        return ""
    stems = query_stems(q)
    spans, found = [], None
    for i, m in enumerate(WORD.finditer(text)):
        spans.append((m.start(), m.end()))
        if found is None:
            w = fold_for_index(m.group()).lower()
            if stems.intersection(stem_pair(w)):
                found = i
        if found is not None and i >= found + size:
            break
    if not spans:
        return text[:200]
    first = 0 if found is None else max(0, found - size // 4)
    window = spans[first:first + size]
    out, pos = [], window[0][0]
    for start, end in window:
        w = fold_for_index(text[start:end]).lower()
        if found is not None and stems.intersection(stem_pair(w)):
            out += [text[pos:start], open_mark, text[start:end], close_mark]
            pos = end
    out.append(text[pos:window[-1][1]])
    body = " ".join("".join(out).split())
    before = " … " if window[0][0] > 0 and first > 0 else ""
    after = " … " if len(spans) > first + size else ""
    return (before + body + after).strip()
