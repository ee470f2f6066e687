"""The architecture's layers (pyproject.toml's import-linter contract, docs/architecture.md): the tree keeps them,
and an import that points up a layer, or sideways across one, breaks them; `make lint` runs the same check."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (requirements-lint.txt)")


def _lint(tree):
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120)


def _copy(tmp_path):
    shutil.copytree(ROOT / "engine", tmp_path / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_its_layers(tmp_path):
    done = _lint(_copy(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("engine/engine.py", "from .nn import MLP", "engine.engine -> engine.nn"),  # the core knows nothing above it
        ("engine/draw/graph.py", "from ..check import compare", "engine.draw.graph -> engine.check.compare"),
        ("engine/teach/expr.py", "from ..playground import settings", "engine.teach.expr -> engine.playground"),
    ],
    ids=["up from the core", "sideways between siblings", "up from teaching to the playground"],
)
def test_an_import_up_or_sideways_breaks_the_contract(tmp_path, module, line, broken):
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # broken on purpose\n")
    done = _lint(tree)
    assert done.returncode != 0 and "1 broken" in done.stdout
    assert broken in done.stdout
