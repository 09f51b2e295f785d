"""The labelled corpora (eval/corpora/) against their manifest (eval/manifest.yml), and the
evaluator's use of the manifest and of TECHNOVEILLE_EVAL_DIR."""
from __future__ import annotations

import json

import pytest

from pipelines.matching.evaluate import (TARGET_PRECISION, TARGET_RECALL,
                                         TARGET_THEME_ACCURACY, corpora_dir, corpus_paths,
                                         evaluate, load_corpus, load_manifest, main, unseen)

MANIFEST = load_manifest()


def test_manifest_lists_every_corpus_file_once():
    names = [p.name for p in corpus_paths()]
    assert {"dev.jsonl", "heldout.jsonl", "blind.jsonl"} <= set(names)
    assert set(MANIFEST) == set(names)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_manifest_entry_is_consistent(name):
    e = MANIFEST[name]
    assert e["description"].strip()
    assert e["recall_floor"] is not None and e["precision_floor"] is not None
    assert e["precision_floor"] >= TARGET_PRECISION     # precision is held on every file
    if e["status"] == "tuned":
        # a file a round has read is held to the targets, not to a lower floor
        assert e["tuned_in"] >= e["written_after"]
        assert e["recall_floor"] >= TARGET_RECALL
        assert e["theme_accuracy_floor"] >= TARGET_THEME_ACCURACY
    else:
        # unseen: written after the last round that tuned on the evaluators' blind files
        # (a round on one source's own corpus, such as raa.jsonl in round 19, reads no blind
        # file; docs/keywords-eval.md says which vocabulary each first run was measured on)
        assert e["tuned_in"] is None and e["written_after"] >= max(
            m["tuned_in"] for n, m in MANIFEST.items()
            if m["tuned_in"] is not None and n.startswith("blind"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_meets_its_manifest_floors(real, name):
    e = MANIFEST[name]
    docs = load_corpus(corpora_dir() / name)
    if name.startswith("blind"):
        assert all("why" in d or d["expected"]["flagged"] for d in docs), name
    res = evaluate(real, docs)
    f = res["flagged"]
    assert f["tp"] / (f["tp"] + f["fp"]) >= e["precision_floor"], (name, res["errors"])
    assert f["tp"] / (f["tp"] + f["fn"]) >= e["recall_floor"], (name, res["errors"])
    if e["theme_accuracy_floor"] is not None:
        ok, n = res["theme_accuracy"]
        assert ok / n >= e["theme_accuracy_floor"], (name, res["errors"])   # see docs


def test_evaluate_reports_every_corpus_file(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    names = [p.name for p in corpus_paths()]
    for name in names:
        assert f"== {name}:" in out
    assert out.count("theme accuracy") == len(names)
    assert out.count("(unseen corpus: measured, not enforced)") == len(unseen(MANIFEST))


# ---------------------------------------------------------------- TECHNOVEILLE_EVAL_DIR

DOCS = [{"id": "p", "source": "boamp", "title": "Caméra intelligente", "text": "",
         "expected": {"flagged": True, "themes": ["video"]}},
        {"id": "n", "source": "boamp", "title": "", "text": "Le théorème de Thalès.",
         "expected": {"flagged": False, "themes": []}},
        {"id": "m", "source": "boamp", "title": "", "text": "Rien ici.",        # a miss
         "expected": {"flagged": True, "themes": ["video"]}}]


def entry(file, status="tuned", recall=0.5, precision=0.9):
    return {"file": file, "written_after": 1, "status": status,
            "tuned_in": 2 if status == "tuned" else None, "recall_floor": recall,
            "precision_floor": precision, "theme_accuracy_floor": None, "description": "x"}


@pytest.fixture
def eval_dir(tmp_path, monkeypatch):
    (tmp_path / "corpora").mkdir()
    (tmp_path / "corpora" / "a.jsonl").write_text(
        "\n".join(json.dumps(d, ensure_ascii=False) for d in DOCS) + "\n", encoding="utf-8")
    monkeypatch.setenv("TECHNOVEILLE_EVAL_DIR", str(tmp_path))
    return tmp_path


def write_manifest(eval_dir, *entries):
    (eval_dir / "manifest.yml").write_text(json.dumps({"corpora": list(entries)}),
                                           encoding="utf-8")


def test_eval_dir_setting_and_floors_decide_the_exit_code(eval_dir, small_yml, capsys):
    write_manifest(eval_dir, entry("a.jsonl", recall=0.5))       # recall 1/2: floor met
    assert main(["--keywords", str(small_yml)]) == 0
    out = capsys.readouterr().out
    assert "== a.jsonl: 3 documents" in out and "NOT met" in out   # below the target...
    write_manifest(eval_dir, entry("a.jsonl", recall=0.6))        # ...and now below the floor
    assert main(["--keywords", str(small_yml)]) == 1
    assert "recall_floor 0.6: 0.500" in capsys.readouterr().err


def test_unseen_file_is_held_to_its_floor_only(eval_dir, small_yml, capsys):
    write_manifest(eval_dir, entry("a.jsonl", status="unseen", recall=0.5))
    assert main(["--keywords", str(small_yml)]) == 0
    assert "NOT met (unseen corpus: measured, not enforced)" in capsys.readouterr().out
    write_manifest(eval_dir, entry("a.jsonl", status="unseen", recall=0.9))
    assert main(["--keywords", str(small_yml)]) == 1


@pytest.mark.parametrize("entries,msg", [
    ([], "sans entrée ['a.jsonl']"),
    ([entry("a.jsonl"), entry("b.jsonl")], "sans fichier ['b.jsonl']"),
    ([entry("a.jsonl", status="seen")], "status must be one of"),
    ([{**entry("a.jsonl"), "tuned_in": None}], "tuned_in"),
    ([{**entry("a.jsonl"), "recall_floor": 95}], "recall_floor must be"),
    ([{k: v for k, v in entry("a.jsonl").items() if k != "description"}], "fields must be"),
    ([entry("a.jsonl"), entry("a.jsonl")], "listed twice"),
])
def test_bad_manifest_exits_2(eval_dir, small_yml, capsys, entries, msg):
    write_manifest(eval_dir, *entries)
    assert main(["--keywords", str(small_yml)]) == 2
    err = capsys.readouterr().err
    assert "manifeste invalide" in err and msg in err
