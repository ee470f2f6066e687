"""The architecture's layers (pyproject.toml's import-linter contract, docs/architecture.md): the tree keeps them,
and an import that points up a layer, or sideways across one, breaks them; `make lint` runs the same check. The
page's ES modules keep layers of their own (docs/playground.md, "The page's modules"), checked here."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

LINT = Path(sys.executable).with_name("lint-imports")
needs_lint = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (requirements-lint.txt)")
PLAYGROUND = ROOT / "playground"
JS_LAYERS = [  # top to bottom: a module imports only from the layers below its own
    ["app.js"],
    ["course.js"],
    ["expression.js", "mlp.js", "gpt.js", "exercises.js"],
    ["engines.js", "training.js", "share.js"],
    ["views.js"],
    ["page.js"],
    ["worker-client.js"],
]
JS_APART = ["python-worker.js", "sandbox-worker.js", "sw.js"]  # workers: they import vendor/ only
STATIC = re.compile(r'^import\s(?:[^;]*?\sfrom\s)?"\./([^"]+)"', re.M)
DYNAMIC = re.compile(r"\bimport\(([^)]*)\)")


def _lint(tree):
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120)


def _copy(tmp_path):
    shutil.copytree(ROOT / "engine", tmp_path / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@needs_lint
def test_the_tree_keeps_its_layers(tmp_path):
    done = _lint(_copy(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("engine/engine.py", "from .nn import MLP", "engine.engine -> engine.nn"),  # the core knows nothing above it
        ("engine/draw/graph.py", "from ..proof import compare", "engine.draw.graph -> engine.proof.compare"),
        ("engine/teach/expr.py", "from ..playground import settings", "engine.teach.expr -> engine.playground"),
    ],
    ids=["up from the core", "sideways between siblings", "up from teaching to the playground"],
)
@needs_lint
def test_an_import_up_or_sideways_breaks_the_contract(tmp_path, module, line, broken):
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # broken on purpose\n")
    done = _lint(tree)
    assert done.returncode != 0 and "1 broken" in done.stdout
    assert broken in done.stdout


def _js_broken(sources):
    """Each import of the page's modules that leaves its layer: "a.js -> b.js" for a static import of a module on
    the same layer or above, "a.js -> import(...)" for a dynamic import of anything but vendor/ outside views.js
    (which imports a view's module by its name in VIEWS)."""
    layer = {name: depth for depth, names in enumerate(JS_LAYERS) for name in names}
    broken = []
    for name, text in sorted(sources.items()):
        for target in STATIC.findall(text):
            if not target.startswith("vendor/") and (name in JS_APART or layer.get(target, -1) <= layer[name]):
                broken.append(f"{name} -> {target}")
        for argument in DYNAMIC.findall(text):
            literal = re.fullmatch(r'"\./(vendor/[^"]+)"', argument.strip())
            if not literal and not (name == "views.js" and argument == "VIEWS[name].module"):
                broken.append(f"{name} -> import({argument})")
    return broken


def _unused_imports(sources):
    """Each name a module imports and never uses: "a.js imports x"."""
    unused = []
    for name, text in sorted(sources.items()):
        for found in re.finditer(r"^import \{([^}]*)\} from", text, re.M):
            rest = text[: found.start()] + text[found.end() :]
            for imported in (n.split(" as ")[-1].strip() for n in found.group(1).split(",")):
                if not re.search(rf"(?<![\w.$]){re.escape(imported)}(?![\w$])", rest):
                    unused.append(f"{name} imports {imported}")
    return unused


def _page_sources():
    return {path.name: path.read_text() for path in PLAYGROUND.glob("*.js")}


def test_every_module_of_the_page_has_a_layer_and_imports_only_below_it():
    sources = _page_sources()
    placed = {name for names in JS_LAYERS for name in names} | set(JS_APART)
    assert set(sources) == placed  # a new module is placed in a layer before it lands
    assert _js_broken(sources) == []
    assert _unused_imports(sources) == []
    assert re.findall(r"<script[^>]*>", (PLAYGROUND / "index.html").read_text()) == [
        '<script type="module" src="app.js">'
    ]  # one entry: everything else is imported


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("page.js", 'import { view } from "./mlp.js";', "page.js -> mlp.js"),
        ("mlp.js", 'import { view as other } from "./gpt.js";', "mlp.js -> gpt.js"),
        ("course.js", 'const m = await import("./exercises.js");', 'course.js -> import("./exercises.js")'),
        ("python-worker.js", 'import { $ } from "./page.js";', "python-worker.js -> page.js"),
    ],
    ids=["up from the bottom", "sideways between views", "a view imported by hand", "a worker importing the page"],
)
def test_an_import_of_the_page_up_or_sideways_is_caught(module, line, broken):
    sources = _page_sources()
    sources[module] = f"{line}\n{sources[module]}"
    assert _js_broken(sources) == [broken]


def test_a_name_imported_and_never_used_is_caught():
    sources = _page_sources()
    sources["gpt.js"] = sources["gpt.js"].replace(
        'import { $, fmt, report } from "./page.js";', 'import { $, fmt, python, report } from "./page.js";'
    )
    assert _unused_imports(sources) == ["gpt.js imports python"]


def test_the_page_preloads_exactly_the_modules_its_entry_imports():
    sources, todo, closure = _page_sources(), ["app.js"], set()
    while todo:  # app.js and what it imports statically, at any depth: the browser fetches them before app.js runs
        name = todo.pop()
        if name not in closure:
            closure.add(name)
            todo.extend(t for t in STATIC.findall(sources[name]) if not t.startswith("vendor/"))
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', (PLAYGROUND / "index.html").read_text())
    assert sorted(preloaded) == sorted(closure)  # fetched at once, not one level of imports after another
