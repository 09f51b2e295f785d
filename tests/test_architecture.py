"""The layers of docs/ARCHITECTURE.md hold: import-linter's contracts (pyproject.toml) pass on
the code and fail on a deliberate bad import; the Datasette plugins (not a package, so out of
import-linter's reach) import the core only; no spider runs SQL."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("technoveille", "scrapers", "pipelines", "alerts")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
                          cwd=cwd, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


def test_contracts_are_kept():
    out = lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The packages (code only) and pyproject.toml in a scratch folder."""
    dest = tmp_path_factory.mktemp("layers")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("data", "__pycache__", "*.yml"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


@pytest.mark.parametrize("module, bad_import, contract", [
    ("pipelines/store.py", "import scrapers.spiders.base", "scrapers, pipelines and alerts never import each other"),
    ("scrapers/middlewares.py", "import pipelines.db", "scrapers, pipelines and alerts never import each other"),
    ("technoveille/core/items.py", "import pipelines.db", "the core imports no other layer"),
    ("technoveille/core/config.py", "import technoveille.commands", "the core imports no other layer"),
    ("scrapers/spiders/base.py", "import technoveille.cli", "sources, pipelines and alerts never import the CLI"),
    ("alerts/__init__.py", "import pipelines.db", "scrapers, pipelines and alerts never import each other"),
    ("alerts/__init__.py", "import technoveille.commands", "sources, pipelines and alerts never import the CLI"),
    ("technoveille/core/fold.py", "import alerts", "the core imports no other layer"),
])
def test_a_bad_import_breaks_its_contract(copy, module, bad_import, contract):
    path = copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{bad_import}  # deliberate\n", encoding="utf-8")
    try:
        out = lint(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert out.returncode != 0
    assert f"{contract} BROKEN" in out.stdout, out.stdout


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("plugin", sorted((ROOT / "datasette" / "plugins").glob("*.py")),
                         ids=lambda p: p.name)
def test_datasette_plugins_import_the_core_only(plugin):
    ours = {m for m in imported_modules(plugin) if m.split(".")[0] in PACKAGES}
    assert all(m == "technoveille.core" or m.startswith("technoveille.core.") for m in ours), ours


def test_the_import_scan_sees_plugin_imports():
    assert "technoveille.core.archive" in imported_modules(
        ROOT / "datasette" / "plugins" / "archive_route.py")


def test_no_sql_in_scrapers():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "scrapers").rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "execute(" in line]
    assert offenders == []
