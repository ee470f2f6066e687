"""python playground/build.py [--site DIR]: fill playground/vendor/ (not committed) from the pinned npm packages,
this project's own modules and the lessons of playground/lessons/, so that the page runs offline from any static
host; with --site, also copy the whole static site (the page, its scripts and vendor/) into DIR, ready for GitHub
Pages or any static host.

Needs `npm ci --prefix playground` first (make playground does both)."""

import argparse
import ast
import html
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENDOR = HERE / "vendor"
ENTRY_MODULES = [  # what the page's workers import; the modules these import come with them (needed_modules)
    "engine.playground.training", "engine.playground.lessons", "engine.teach.stepper", "engine.grader.web",
]  # fmt: skip
CODEMIRROR_FILES = ["lib/codemirror.js", "lib/codemirror.css", "mode/python/python.js"]
PYODIDE_FILES = [  # pyodide.mjs: the Python runs in module workers only
    "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
]  # fmt: skip


# the site beside vendor/: the page, its ES modules (app.js and what it imports), its workers and its service worker
PAGE_FILES = ["index.html", *sorted(p.name for p in HERE.glob("*.js"))]


def needed_modules(entries):
    """The paths under engine/ of the modules that entries import, directly or through others, at any depth of the
    code (a function's own imports too), with every package's __init__.py on the way."""
    found, todo = set(), list(entries)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(2, len(parts) + 1):  # the packages above it: engine.a.b needs engine/a/__init__.py
            if (ROOT / Path(*parts[:i]) / "__init__.py").exists() and ".".join(parts[:i]) not in found:
                todo.append(".".join(parts[:i]))
        path = _path_of(name)
        if name in found or not path.exists():
            continue
        found.add(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
                todo.append(target)
                todo.extend(f"{target}.{alias.name}" for alias in node.names)  # a submodule, if it is one
    return sorted(str(_path_of(name).relative_to(ROOT / "engine")) for name in found)


def _path_of(name):
    parts = name.split(".")
    package = ROOT / Path(*parts) / "__init__.py"
    return package if package.exists() else ROOT / Path(*parts).with_suffix(".py")


def starting_content():
    """What the page shows before Pyodide is ready, made here by the same Python: the expression view's first
    example as the view draws it, the MLP view's default run at step 0, and the training views' forms."""
    from engine.playground import training
    from engine.teach.stepper import explained

    page = (HERE / "index.html").read_text()
    first = html.unescape(re.search(r'<select id="examples">\s*<option value="([^"]*)"', page).group(1))
    return {
        "text": first, "expression": json.loads(explained(first)), "forms": json.loads(training.forms()),
        "mlp": json.loads(training.mlp_start("{}")),
    }  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, help="also copy the static site into this folder")
    args = parser.parse_args(argv)
    modules = HERE / "node_modules"
    if not all((modules / name).is_dir() for name in ("pyodide", "@viz-js/viz", "codemirror", "marked")):
        print("error: run `npm ci --prefix playground` first (make playground does)", file=sys.stderr)
        return 1
    shutil.rmtree(VENDOR, ignore_errors=True)
    (VENDOR / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy(modules / "pyodide" / name, VENDOR / "pyodide" / name)
    (VENDOR / "viz").mkdir()
    shutil.copy(modules / "@viz-js" / "viz" / "dist" / "viz.js", VENDOR / "viz" / "viz.js")  # the ES module
    (VENDOR / "marked").mkdir()
    shutil.copy(modules / "marked" / "lib" / "marked.esm.js", VENDOR / "marked" / "marked.esm.js")
    (VENDOR / "codemirror").mkdir()
    for name in CODEMIRROR_FILES:
        shutil.copy(modules / "codemirror" / name, VENDOR / "codemirror" / Path(name).name)
    python = VENDOR / "python"
    files = []
    for name in needed_modules(ENTRY_MODULES):
        (python / "engine" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "engine" / name, python / "engine" / name)
        files.append(f"engine/{name}")
    import graphviz  # the pure-Python package that writes DOT, copied as it is installed here

    source = Path(graphviz.__file__).parent
    for path in sorted(source.rglob("*.py")):
        target = python / "graphviz" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        files.append(f"graphviz/{path.relative_to(source)}")
    (python / "manifest.json").write_text(json.dumps(files, indent=1) + "\n")
    sys.path.insert(0, str(ROOT))
    from engine.models.gpt import load_names  # the GPT view's words: the names package's lists, as the CLI reads them

    (VENDOR / "names.txt").write_text("\n".join(load_names()) + "\n")
    (VENDOR / "start.json").write_text(json.dumps(starting_content()) + "\n")
    from engine.playground import lessons  # the course: each lesson file checked here, so a bad one fails the build

    course = [lessons.read_lesson(p.name, p.read_text()) for p in sorted((HERE / "lessons").glob("*.md"))]
    (VENDOR / "lessons.json").write_text(json.dumps(course, indent=1) + "\n")
    # what the service worker keeps for offline use: every file of the site
    site = ["./", *PAGE_FILES, *sorted(str(p.relative_to(HERE)) for p in VENDOR.rglob("*") if p.is_file())]
    (VENDOR / "offline.json").write_text(json.dumps(site, indent=1) + "\n")
    if args.site:
        shutil.rmtree(args.site, ignore_errors=True)
        shutil.copytree(VENDOR, args.site / "vendor")
        for name in PAGE_FILES:
            shutil.copy(HERE / name, args.site / name)
        print(f"playground: the static site is in {args.site}")
    print(
        f"playground: {len(PYODIDE_FILES)} Pyodide files, Graphviz (viz.js), CodeMirror, marked, {len(files)} Python "
        f"modules, {len(course)} lessons in {VENDOR}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
