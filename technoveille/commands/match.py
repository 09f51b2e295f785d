"""`technoveille match [FICHIER|-]`: apply keywords.yml to JSON lines documents.

Input, one JSON object per line: {"id", "source", "title", "text", "parts"?}.
Output, one JSON line per input line, in order:
    {"id": ..., "flagged": true|false, "themes": [...], "scores": {...}, "hits": [...]}
An unreadable line gives {"id": null, "line": N, "error": "..."} (and a message on stderr);
the run goes on. Exit status: 0, or 1 when some lines were invalid, 2 for a bad vocabulary.
"""
from __future__ import annotations

import io
import json
import sys

from technoveille.core import config


def register(sub):
    p = sub.add_parser(
        "match", help="appliquer le vocabulaire à des documents (JSON lines)",
        description="Lit des documents JSON lines {id, source, title, text, parts} et écrit "
                    "une ligne JSON par document : id, flagged, themes, scores, hits. "
                    "Voir docs/keywords.md.")
    p.add_argument("file", nargs="?", default="-", metavar="FICHIER",
                   help="fichier JSON lines (« - » ou rien : entrée standard)")
    p.add_argument("--keywords", default=None,
                   help="vocabulaire (défaut : TECHNOVEILLE_KEYWORDS ou keywords.yml)")
    p.add_argument("--explain", action="store_true",
                   help="ajouter les occurrences écartées et la raison (sans contexte, supprimée…)")
    p.set_defaults(func=run)


def _doc_result(matcher, doc: dict, explain: bool) -> dict:
    parts = doc.get("parts") or []
    if not isinstance(parts, list):
        raise ValueError("« parts » doit être une liste de {label, text}")
    for p in parts:
        if not isinstance(p, (dict, str)):
            raise ValueError("« parts » doit être une liste de {label, text}")
    r = matcher.match(title=doc.get("title") or "", text=doc.get("text") or "", parts=parts)
    out = {"id": doc.get("id"), "flagged": r.flagged, "themes": r.themes, "scores": r.scores,
           "hits": [h.as_dict() for h in r.hits]}
    if explain:
        out["rejected"] = [dict(h.as_dict(), reason=why) for h, why in r.rejected]
    return out


def match_stream(matcher, lines, out, err, explain: bool = False) -> int:
    """Returns the number of invalid lines."""
    bad = 0
    for n, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        if not raw.strip():
            continue
        doc_id = None
        try:
            doc = json.loads(raw)
            if not isinstance(doc, dict):
                raise ValueError("un objet JSON {id, title, text, …} était attendu")
            doc_id = doc.get("id")
            res = _doc_result(matcher, doc, explain)
        except (ValueError, TypeError, RecursionError) as exc:
            bad += 1
            msg = f"ligne {n} : {exc}"
            print(f"technoveille match: {msg}", file=err)
            res = {"id": doc_id, "line": n, "error": msg}
        out.write(json.dumps(res, ensure_ascii=False) + "\n")
    out.flush()
    return bad


def run(args) -> int:
    from technoveille.vocabulary import load_or_explain

    matcher = load_or_explain(args.keywords or config.keywords_path(), "rien n'a été analysé",
                              prog="technoveille match")
    if matcher is None:
        return 2
    if args.file == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        bad = match_stream(matcher, stream, sys.stdout, sys.stderr, args.explain)
    else:
        try:
            fh = open(args.file, encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"technoveille match: {args.file} : {exc.strerror}", file=sys.stderr)
            return 2
        with fh:
            bad = match_stream(matcher, fh, sys.stdout, sys.stderr, args.explain)
    return 1 if bad else 0
