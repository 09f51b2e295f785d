"""The vocabulary cases of cases/<theme>.yml on the real keywords.yml: fresh wordings that must
flag (and fire their theme) and traps that must stay quiet. Texts are not copies of the eval
corpora. Engine rules are tested on small vocabularies in test_rule_*.py and the other modules."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

CASES_DIR = Path(__file__).resolve().parent / "cases"
KEYS = {"id", "title", "text", "parts", "flagged", "themes", "not_themes", "why", "round"}
THEMES = set(yaml.safe_load((ROOT / "keywords.yml").read_text(encoding="utf-8"))["themes"])


def load_cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            params.append(pytest.param(path.stem, case, id=f"{path.stem}/{case.get('id')}"))
    return params


CASES = load_cases()


def test_case_files_are_well_formed():
    assert {p.stem for p in CASES_DIR.glob("*.yml")} == THEMES      # one file per theme
    seen = set()
    for param in CASES:
        file_theme, case = param.values
        where = param.id
        assert where not in seen, f"{where}: id used twice"
        seen.add(where)
        assert set(case) <= KEYS and {"id", "text", "why"} <= set(case), where
        assert isinstance(case["text"], str) and case["why"].strip(), where
        assert "flagged" in case or case.get("not_themes"), f"{where}: flagged or not_themes"
        assert case.get("flagged", True) or not case.get("themes"), f"{where}: quiet with themes"
        named = set(case.get("themes", [])) | set(case.get("not_themes", []))
        assert named <= THEMES, f"{where}: unknown theme {named - THEMES}"
        for part in case.get("parts", []):
            assert set(part) == {"label", "text"}, where
    assert len(seen) >= 200


@pytest.mark.parametrize("file_theme,case", CASES)
def test_vocabulary_case(real, file_theme, case):
    r = real.match(title=case.get("title", ""), text=case["text"], parts=case.get("parts"))
    why = ([(h.theme, h.term, h.snippet) for h in r.hits],
           [(h.theme, h.term, reason) for h, reason in r.rejected], case["why"])
    if "flagged" in case:
        assert r.flagged is case["flagged"], why
    for theme in case.get("themes", []):
        assert theme in r.themes, why
    for theme in case.get("not_themes", []):
        assert theme not in r.themes, why
