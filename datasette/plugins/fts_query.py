"""SQL function fts_query(q): turns what a campaigner types into a valid FTS5 query, so the
search page never answers with « fts5: syntax error ».

Kept: "phrases", prefix*, OR / AND / NOT / NEAR(...), parentheses when balanced.
Repaired: an unpaired quote or parenthesis is dropped; punctuation inside words (l'œuvre,
L.242-5) makes a phrase of the pieces; a hyphenated word also matches its joined spelling
(vidéo-protection → "vidéo protection" OR vidéoprotection); œ/æ are spelled out like the index.
Empty input matches nothing (instead of an error)."""
import re

from datasette import hookimpl

from technoveille.core.fold import fold_for_index as fold_like_the_index

NOTHING = '"technoveille_recherche_vide"'
_OPERATORS = {"OR", "AND", "NOT"}
_TOKEN = re.compile(r'"[^"]*"|NEAR\([^()"]*\)|[()]|[^\s()"]+')
_WORD = re.compile(r"[\w]+", re.UNICODE)
_NEAR = re.compile(r"NEAR\(([^()]*?)(?:,\s*(\d+))?\s*\)")


def _near(token: str) -> str | None:
    match = _NEAR.fullmatch(token)
    words = _WORD.findall(match.group(1)) if match else []
    if len(words) < 2:
        return " ".join(words) or None
    distance = f", {match.group(2)}" if match.group(2) else ""
    return f"NEAR({' '.join(words)}{distance})"


def fts_query(q):
    if q is None:
        return NOTHING
    q = fold_like_the_index(str(q)).strip()
    if q.count('"') % 2:
        q = q.replace('"', " ")
    if q.count("(") != q.count(")"):
        q = q.replace("(", " ").replace(")", " ")
    out = []
    for token in _TOKEN.findall(q):
        if token.startswith("NEAR("):
            near = _near(token)
            if near:
                out.append(near)
            continue
        if token.startswith('"') or token in ("(", ")") or token in _OPERATORS:
            if token.startswith('"') and not _WORD.search(token):
                continue
            out.append(token)
            continue
        prefix = token.endswith("*")
        words = _WORD.findall(token)
        if not words:
            continue
        if len(words) == 1:
            out.append(words[0] + ("*" if prefix else ""))
        else:
            star = "*" if prefix else ""
            phrase = '"' + " ".join(words) + '"' + star
            if re.fullmatch(r"[\w]+(?:[-‐‑][\w]+)+\*?", token):
                # vidéo-protection: also the joined spelling, vidéoprotection
                out.append(f'({phrase} OR {"".join(words)}{star})')
            else:
                out.append(phrase)
    # an operator needs a term on each side
    cleaned = []
    for token in out:
        if token in _OPERATORS and (not cleaned or cleaned[-1] in _OPERATORS or cleaned[-1] == "("):
            continue
        if token == ")" and cleaned and cleaned[-1] in _OPERATORS:
            cleaned.pop()
        cleaned.append(token)
    out = cleaned
    # an operator cannot start or end the query
    while out and out[0] in _OPERATORS:
        out.pop(0)
    while out and out[-1] in _OPERATORS:
        out.pop()
    query = " ".join(out)
    while "( )" in query:
        query = query.replace("( )", " ").strip()
    if not _WORD.search(query.replace("NEAR(", "(")):
        return NOTHING
    return " ".join(query.split())


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
