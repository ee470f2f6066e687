"""python playground/build.py [--site DIR]: fill playground/vendor/ (not committed) from the pinned npm packages,
this project's own modules and the lessons of playground/lessons/, so that the page runs offline from any static
host; with --site, also copy the whole static site (the page, its scripts and vendor/) into DIR, ready for GitHub
Pages or any static host.

Needs `npm ci --prefix playground` first (make playground does both)."""

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENDOR = HERE / "vendor"
ENGINE_MODULES = [  # what the stepper and the grader need: standard library + graphviz
    "__init__.py", "engine.py", "ops.py", "files.py", "draw/__init__.py", "draw/graph.py",
    "check/__init__.py", "check/compare.py",
    "teach/__init__.py", "teach/expr.py", "teach/stepper.py",
    "teach/exercises.py", "teach/graphs.py", "grader/__init__.py", "grader/checks.py", "grader/grade.py",
    "grader/report.py", "grader/runner.py", "grader/sandbox.py", "grader/web.py",
    "nn.py", "draw/grouped.py", "models/__init__.py", "models/datasets.py", "models/moons.py", "models/gpt.py",
    "teach/live.py", "teach/settings.py", "teach/lessons.py",
]  # fmt: skip
CODEMIRROR_FILES = ["lib/codemirror.js", "lib/codemirror.css", "mode/python/python.js"]
PYODIDE_FILES = [  # pyodide.mjs: the Python runs in module workers only
    "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json",
]  # fmt: skip


PAGE_FILES = [  # the site beside vendor/
    "index.html", "app.js", "worker-client.js", "python-worker.js", "sandbox-worker.js", "training.js", "mlp.js",
    "gpt.js", "exercises.js", "engines.js", "course.js", "sw.js",
]  # fmt: skip


def starting_content():
    """What the page shows before Pyodide is ready, made here by the same Python: the expression view's first
    example as the view draws it, the MLP view's default run at step 0, and the training views' forms."""
    from engine.teach import live
    from engine.teach.stepper import explained

    page = (HERE / "index.html").read_text()
    first = html.unescape(re.search(r'<select id="examples">\s*<option value="([^"]*)"', page).group(1))
    return {
        "text": first, "expression": json.loads(explained(first)), "forms": json.loads(live.forms()),
        "mlp": json.loads(live.mlp_start("{}")),
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
    shutil.copy(modules / "@viz-js" / "viz" / "dist" / "viz-global.js", VENDOR / "viz" / "viz-global.js")
    (VENDOR / "marked").mkdir()
    shutil.copy(modules / "marked" / "lib" / "marked.umd.js", VENDOR / "marked" / "marked.umd.js")
    (VENDOR / "codemirror").mkdir()
    for name in CODEMIRROR_FILES:
        shutil.copy(modules / "codemirror" / name, VENDOR / "codemirror" / Path(name).name)
    python = VENDOR / "python"
    files = []
    for name in ENGINE_MODULES:
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
    from engine.teach import lessons  # the course: each lesson file checked here, so a bad one fails the build

    course = [lessons.parse(p.name, p.read_text()) for p in sorted((HERE / "lessons").glob("*.md"))]
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
