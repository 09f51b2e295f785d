"""Precision and recall of keywords.yml on labelled corpora: `python -m pipelines.matching.evaluate`.

Corpora: every *.jsonl under eval/corpora/ (the directory `TECHNOVEILLE_EVAL_DIR`, default
<repo>/eval), each described in eval/manifest.yml: the round after which it was written,
whether a tuning round has read it (`tuned`) or it is kept `unseen`, its floors and what it is
(history in docs/keywords-eval.md). Each line
{"id", "source", "title", "text", "parts"?, "expected": {"flagged": bool, "themes": [...]},
"why"?}.
Per theme: a document counts as a true positive when the theme is expected and fired.
Overall: on `flagged`; "theme accuracy" is the share of expected-positive documents whose
expected themes all fired. The exit code is 1 when a file falls below a floor of its manifest
entry (a file without one: the targets), 2 when the vocabulary or the manifest is invalid.
`--errors` lists the documents that were wrong and why.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from technoveille.core import config

from . import VocabularyError, load_matcher

TARGET_RECALL, TARGET_PRECISION, TARGET_THEME_ACCURACY = 0.95, 0.90, 0.90
FLOORS = ("recall_floor", "precision_floor", "theme_accuracy_floor")
STATUSES = ("tuned", "unseen")
FIELDS = {"file", "written_after", "status", "tuned_in", "description", *FLOORS}
DEFAULT_ENTRY = {"status": "tuned", "recall_floor": TARGET_RECALL,
                 "precision_floor": TARGET_PRECISION,
                 "theme_accuracy_floor": TARGET_THEME_ACCURACY}


class ManifestError(ValueError):
    """eval/manifest.yml is missing, malformed or out of step with eval/corpora/."""


def eval_dir() -> Path:
    return Path(config.get("TECHNOVEILLE_EVAL_DIR"))


def corpora_dir() -> Path:
    return eval_dir() / "corpora"


def corpus_paths() -> list[Path]:
    """The corpora in report order: dev, heldout, then the others by name."""
    return sorted(corpora_dir().glob("*.jsonl"),
                  key=lambda p: (p.stem not in ("dev", "heldout"), p.stem))


def load_manifest(path: Path | None = None) -> dict[str, dict]:
    """file name → manifest entry, checked (fields, status, floors)."""
    path = path or eval_dir() / "manifest.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ManifestError(f"{path}: {exc}") from exc
    entries = data.get("corpora") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: expected a `corpora:` list")
    out: dict[str, dict] = {}
    for e in entries:
        name = e.get("file") if isinstance(e, dict) else None
        where = f"{path}: {name or e!r}"
        if not name or set(e) != FIELDS:
            raise ManifestError(f"{where}: fields must be {sorted(FIELDS)}")
        if name in out:
            raise ManifestError(f"{where}: listed twice")
        if e["status"] not in STATUSES:
            raise ManifestError(f"{where}: status must be one of {STATUSES}")
        if (e["status"] == "unseen") != (e["tuned_in"] is None):
            raise ManifestError(f"{where}: `tuned_in` is null exactly when the file is unseen")
        for f in FLOORS:
            if e[f] is not None and not (isinstance(e[f], (int, float)) and 0 <= e[f] <= 1):
                raise ManifestError(f"{where}: {f} must be null or a number in [0, 1]")
        out[name] = e
    return out


def unseen(manifest: dict[str, dict]) -> set[str]:
    return {name for name, e in manifest.items() if e["status"] == "unseen"}


def load_corpus(path) -> list[dict]:
    docs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                doc = json.loads(line)
                doc.setdefault("id", f"{Path(path).name}:{n}")
                docs.append(doc)
    return docs


def _ratio(a, b):
    return a / b if b else 1.0


def evaluate(matcher, docs) -> dict:
    theme_ids = [t["id"] for t in matcher.themes]
    per = {t: {"tp": 0, "fp": 0, "fn": 0} for t in theme_ids}
    flag = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    theme_ok = theme_n = 0
    errors = []
    for d in docs:
        r = matcher.match(title=d.get("title", ""), text=d.get("text", ""), parts=d.get("parts"))
        exp = d["expected"]
        got, want = set(r.themes), set(exp.get("themes", []))
        if exp["flagged"] and r.flagged:
            flag["tp"] += 1
        elif r.flagged:
            flag["fp"] += 1
        elif exp["flagged"]:
            flag["fn"] += 1
        else:
            flag["tn"] += 1
        if exp["flagged"]:
            theme_n += 1
            theme_ok += want <= got
        for t in theme_ids:
            if t in want and t in got:
                per[t]["tp"] += 1
            elif t in got:
                per[t]["fp"] += 1
            elif t in want:
                per[t]["fn"] += 1
        if got != want or exp["flagged"] != r.flagged:
            errors.append({"id": d["id"], "expected": sorted(want), "got": sorted(got),
                           "hits": [(h.theme, h.term, h.tier) for h in r.hits],
                           "rejected": [(h.theme, h.term, why) for h, why in r.rejected]})
    return {"themes": per, "flagged": flag, "errors": errors, "n": len(docs),
            "theme_accuracy": (theme_ok, theme_n)}


def figures(res: dict) -> dict[str, float]:
    """Flagged recall and precision, theme accuracy — the figures the floors apply to."""
    f = res["flagged"]
    ok_n, all_n = res.get("theme_accuracy", (0, 0))
    return {"recall_floor": _ratio(f["tp"], f["tp"] + f["fn"]),
            "precision_floor": _ratio(f["tp"], f["tp"] + f["fp"]),
            "theme_accuracy_floor": _ratio(ok_n, all_n)}


def below_floors(res: dict, entry: dict) -> list[str]:
    """The floors of a manifest entry that the figures do not reach (empty: all met)."""
    got = figures(res)
    return [f"{f} {entry[f]}: {got[f]:.3f}" for f in FLOORS
            if entry.get(f) is not None and got[f] < entry[f]]


def report(name: str, res: dict, out=None, show_errors=False, is_unseen=False) -> bool:
    out = out or sys.stdout
    f = res["flagged"]
    prec = _ratio(f["tp"], f["tp"] + f["fp"])
    rec = _ratio(f["tp"], f["tp"] + f["fn"])
    print(f"== {name}: {res['n']} documents", file=out)
    print(f"{'theme':<14}{'precision':>10}{'recall':>10}{'tp':>5}{'fp':>5}{'fn':>5}", file=out)
    tp = fp = fn = 0
    for t, c in res["themes"].items():
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
        print(f"{t:<14}{_ratio(c['tp'], c['tp'] + c['fp']):>10.3f}"
              f"{_ratio(c['tp'], c['tp'] + c['fn']):>10.3f}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}",
              file=out)
    print(f"{'themes (all)':<14}{_ratio(tp, tp + fp):>10.3f}{_ratio(tp, tp + fn):>10.3f}"
          f"{tp:>5}{fp:>5}{fn:>5}", file=out)
    print(f"{'flagged':<14}{prec:>10.3f}{rec:>10.3f}{f['tp']:>5}{f['fp']:>5}{f['fn']:>5}"
          f"   (tn {f['tn']})", file=out)
    ok_n, all_n = res.get("theme_accuracy", (0, 0))
    print(f"{'theme accuracy':<14}{_ratio(ok_n, all_n):>10.3f}   ({ok_n}/{all_n} positives with "
          f"every expected theme fired)", file=out)
    ok = prec >= TARGET_PRECISION and rec >= TARGET_RECALL
    print(f"target precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}: "
          f"{'met' if ok else 'NOT met'}"
          f"{' (unseen corpus: measured, not enforced)' if is_unseen else ''}", file=out)
    if show_errors:
        for e in res["errors"]:
            print(f"  {e['id']}: expected {e['expected']} got {e['got']} hits={e['hits']} "
                  f"rejected={e['rejected']}", file=out)
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", help="JSON lines files (default: eval/corpora/*.jsonl)")
    ap.add_argument("--keywords", default=config.get("TECHNOVEILLE_KEYWORDS"))
    ap.add_argument("--errors", action="store_true", help="list the misclassified documents")
    args = ap.parse_args(argv)
    try:
        matcher = load_matcher(args.keywords)
    except VocabularyError as exc:
        print(f"vocabulaire invalide : {exc}", file=sys.stderr)
        return 2
    try:
        manifest = load_manifest()
    except ManifestError as exc:
        print(f"manifeste invalide : {exc}", file=sys.stderr)
        return 2
    paths = args.corpora or corpus_paths()
    if not args.corpora:
        names = {p.name for p in paths}
        if names != set(manifest):
            print(f"manifeste invalide : sans entrée {sorted(names - set(manifest))}, "
                  f"sans fichier {sorted(set(manifest) - names)}", file=sys.stderr)
            return 2
    ok = True
    for p in paths:
        entry = manifest.get(Path(p).name, DEFAULT_ENTRY)
        res = evaluate(matcher, load_corpus(p))
        report(Path(p).name, res, show_errors=args.errors, is_unseen=entry["status"] == "unseen")
        missed = below_floors(res, entry)
        if missed:
            print(f"{Path(p).name} : sous les seuils de eval/manifest.yml ({'; '.join(missed)})",
                  file=sys.stderr)
        ok &= not missed
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
