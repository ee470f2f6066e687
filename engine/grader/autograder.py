"""A Gradescope autograder, for a class past one machine: python -m engine autograder --out autograder.zip

Gradescope builds an image from the zip once (setup.sh, as root, in /autograder/source), then runs every
submission in a container of its own: run_autograder grades /autograder/submission/engine.py and writes
/autograder/results/results.json to Gradescope's published specification. Each exercise is a test with its
name, score, max_score, status and output; where a random expression is the counterexample, its details are a
test of their own that shows only once the grades are published.

In the container the learner's code runs in bubblewrap where it can make a sandbox there, and otherwise as
nobody: setup.sh makes the grader's files unreadable to it, and the runner's limits (no new process, 1 GiB)
hold all the same. The zip holds the engine package's modules that grading imports, standard library only."""

import ast
import io
import json
import stat
import sys
import time
import zipfile
from pathlib import Path

from . import grade, sandbox

PACKAGE = Path(__file__).resolve().parents[1]  # engine/
SUBMISSION, RESULTS = Path("/autograder/submission"), Path("/autograder/results")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder's image: Python, and bubblewrap to try.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 bubblewrap >/dev/null
# the grader's files: root's alone, so that a learner's code running as nobody can read none of them
chmod -R go-rwx /autograder/source
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in a container of its own: the grade lands in results.json.
set -uo pipefail
mkdir -p /autograder/results
chmod 755 /autograder/results
cd /autograder/source
exec python3 -E -s -m engine.grader.autograder  # -m puts this folder first on sys.path
"""


def modules(entry="grader/autograder.py"):
    """The package's modules that entry imports, itself included, found by reading their imports."""
    wanted, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        path = PACKAGE / name
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = Path(name).parent
                for _ in range(node.level - 1):
                    base = base.parent
                module = base.joinpath(*node.module.split(".")) if node.module else base
                for target in (module, *(module / alias.name for alias in node.names)):  # a module, or its modules
                    for candidate in (f"{target}.py", f"{target}/__init__.py"):
                        if (PACKAGE / candidate).is_file():
                            todo.append(str(Path(candidate)))
        for parent in Path(name).parents:  # each package's __init__.py on the way
            init = parent / "__init__.py"
            if (PACKAGE / init).is_file():
                todo.append(str(init))
    return sorted(wanted)


def build_zip():
    """The autograder as bytes: setup.sh and run_autograder at the top, the engine package's needed modules."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            z.writestr(info, text)
        for name in modules():
            info = zipfile.ZipInfo(f"engine/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            z.writestr(info, (PACKAGE / name).read_text())
    return out.getvalue()


HIDDEN = "a random expression is the counterexample: its details show when the grades are published"


def results(results_list, failures, box, seconds):
    """results.json, as Gradescope specifies it, for a graded submission."""
    random = {number for number, probe, _ in failures if "spec" in probe.get("about", {})}
    tests = []
    for r in results_list:
        status = "passed" if r.status == "pass" else "failed"
        name = f"{r.number}. {r.title}"
        output = r.message if r.status == "not started" or r.number not in random else HIDDEN
        tests.append({"number": str(r.number), "name": name, "score": r.points, "max_score": r.max_points,
                      "status": status, "output": output, "visibility": "visible"})  # fmt: skip
        if r.number in random:
            tests.append({"number": f"{r.number}.1", "name": f"{name}: the counterexample", "score": 0,
                          "max_score": 0, "status": "failed", "output": r.message,
                          "visibility": "after_published"})  # fmt: skip
    return {
        "score": sum(r.points for r in results_list),
        "execution_time": round(seconds),
        "output": f"sandbox: {box.description}",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def unusable(error, box, seconds):
    """results.json for a submission that could not be graded: every exercise 0, the reason in one line."""
    from ..teach.exercises import EXERCISES

    tests = [{"number": str(e.number), "name": f"{e.number}. {e.title}", "score": 0, "max_score": e.points,
              "status": "failed", "output": error, "visibility": "visible"} for e in EXERCISES]  # fmt: skip
    return {"score": 0, "execution_time": round(seconds), "output": f"{error}\nsandbox: {box.description}",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}  # fmt: skip


def container_sandbox():
    """bubblewrap where it makes a sandbox in this container, else the container itself, the learner as nobody."""
    return sandbox.Bubblewrap() if sandbox.bubblewrap_problem() is None else sandbox.Container()


def grade_submission(submission=SUBMISSION, out=RESULTS / "results.json"):
    """Grade the submission's engine.py and write results.json; Gradescope reads the score from there."""
    start = time.monotonic()
    box = container_sandbox()
    failures = []
    try:
        graded = grade.grade(submission, box, failures)
        doc = results(graded, failures, box, time.monotonic() - start)
    except grade.LoadError as e:
        doc = unusable(str(e).replace(str(submission), "the submission"), box, time.monotonic() - start)
    out.write_text(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(grade_submission())
