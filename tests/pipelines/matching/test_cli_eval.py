"""`technoveille match` and the evaluation figures."""
from __future__ import annotations

import io
import json
import subprocess
import sys

from pipelines.matching.evaluate import corpora_dir, evaluate, load_corpus
from technoveille.commands.match import match_stream

from .conftest import ROOT


def test_match_stream_outputs_one_line_per_input(small):
    lines = [json.dumps({"id": "a", "source": "boamp", "title": "Caméra intelligente",
                         "text": ""}),
             "{not json",
             json.dumps({"id": "b", "title": "x", "text": "rien", "parts": "oops"}),
             "",
             json.dumps({"id": "c", "title": "", "text": "LAPI",
                         "parts": [{"label": "Lot 1", "text": "vidéoprotection, caméra"}]})]
    out, err = io.StringIO(), io.StringIO()
    bad = match_stream(small, lines, out, err)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert bad == 2 and len(rows) == 4
    assert rows[0]["id"] == "a" and rows[0]["flagged"] and rows[0]["themes"] == ["video"]
    assert rows[0]["hits"][0]["snippet"] == "[[Caméra intelligente]]"
    assert rows[1]["error"].startswith("ligne 2") and rows[2]["id"] == "b"
    # text that is not made of the parts is a preamble: matched too, hits in reading order
    assert [(h["field"], h["part_label"], h["term"]) for h in rows[3]["hits"]] == [
        ("text", None, "LAPI"), ("part", "Lot 1", "vidéoprotection")]
    assert "ligne 2" in err.getvalue()


def test_cli_subprocess(tmp_path, small_yml):
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"id": "x", "title": "Drones", "text": "gendarmerie"}) + "\n"
                   + "\xff garbage\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "technoveille", "match", str(src),
                        "--keywords", str(small_yml)], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert p.returncode == 1 and len(rows) == 2
    assert rows[0] == {**rows[0], "id": "x", "flagged": True, "themes": ["drones"]}
    assert "error" in rows[1]


def test_cli_bad_vocabulary(tmp_path):
    bad = tmp_path / "kw.yml"
    bad.write_text("themes:\n  v:\n    A:\n      - {regex: x}\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "technoveille", "match", "-",
                        "--keywords", str(bad)], input="", capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert p.returncode == 2 and f"{bad}:4" in p.stderr


def test_eval_corpus_meets_targets(real):
    for name, minimum in (("dev.jsonl", 80), ("heldout.jsonl", 30)):
        docs = load_corpus(corpora_dir() / name)
        assert len(docs) >= minimum
        res = evaluate(real, docs)
        f = res["flagged"]
        assert f["tp"] / (f["tp"] + f["fp"]) >= 0.90, res["errors"]
        assert f["tp"] / (f["tp"] + f["fn"]) >= 0.95, res["errors"]


def test_eval_corpus_covers_every_theme_and_source():
    docs = load_corpus(corpora_dir() / "dev.jsonl")
    themes = {t for d in docs for t in d["expected"]["themes"]}
    assert themes == {"drones", "biometrie", "video", "son", "predictif", "fichiers",
                      "fournisseurs"}
    assert {d["source"] for d in docs} == {"boamp", "jorf", "council"}
    assert sum(not d["expected"]["flagged"] for d in docs) >= 30
