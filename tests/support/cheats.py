"""The submissions a clever student would hand in, one per row of issue 27's table: each is a fresh workspace with
hostile code that runs when it is imported (in every check's process), aimed at the exact paths of this class,
its classmates, the clone and site-packages, as a student who knows the teacher's machine would aim it."""

import site
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from engine.teach import exercises

MARKER = "cheat-process-7f3a"  # in the command line of any process a cheat starts, so the test can look for it
SECRET = "TEACHER_TOKEN"  # an environment variable of the teacher's, which no report may show

_ATTEMPT = "try:\n{body}\nexcept BaseException:\n    pass\n"


@dataclass
class Paths:
    """What a cheat aims at."""

    classmates: list  # the other workspaces' engine.py
    reference: str  # the clone's engine/engine.py, the installed reference
    grader_cwd: str  # the folder the teacher runs `python -m engine grade` in

    @property
    def site_packages(self):
        return sorted({*site.getsitepackages(), sysconfig.get_paths()["purelib"]})


def _attempt(code):
    return _ATTEMPT.format(body="\n".join("    " + line for line in code.strip().splitlines()))


def _with(code):
    return _attempt(code) + "\n" + exercises.workspace_source()


_REPORT_FD = """
import os, stat
for fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, PAYLOAD)
    except OSError:
        pass
os._exit(0)
"""

CHEATS = {
    "writes a wrong tanh rule into every other engine.py": lambda p: _with(f"""
for path in {p.classmates!r}:
    try:
        text = open(path).read()
        open(path, "w").write(text.replace("g * (1 - out * out)", "g * (1 - a * a)"))
    except OSError:
        pass
"""),
    "edits the installed reference engine": lambda p: _with(f"""
path = {p.reference!r}
open(path, "w").write(open(path).read().replace("g * (1 - out * out)", "g * (1 - a * a)"))
"""),
    "drops a .pth file into site-packages": lambda p: _with(f"""
for folder in {p.site_packages!r}:
    try:
        open(folder + "/zz-cheat.pth", "w").write("import sys; sys.exit(3)\\n")
    except OSError:
        pass
"""),
    "writes an engine/ package into the grader's working folder": lambda p: _with(f"""
import os
for folder in (os.getcwd(), {p.grader_cwd!r}):
    try:
        os.makedirs(folder + "/engine", exist_ok=True)
        open(folder + "/engine/__init__.py", "w").write("raise SystemExit('the student grades now')\\n")
    except OSError:
        pass
"""),
    "starts a process with start_new_session=True": lambda p: _with(f"""
import subprocess, sys
script = "import time\\nwhile True:\\n    time.sleep(0.2)  # {MARKER}\\n"
subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
"""),
    "from engine.engine import * and nothing else": lambda p: "from engine.engine import *\n",
    "puts the clone on sys.path and imports the reference": lambda p: (
        f"import sys\nsys.path.insert(0, {str(Path(p.reference).parents[1])!r})\nfrom engine.engine import *\n"
    ),
    "execs a classmate's file": lambda p: f"exec(open({p.classmates[0]!r}).read())\n",
    "writes its own report: an integer of 400 digits": lambda p: (
        'PAYLOAD = b\'{"results": [{"ok": {"pair": [' + "9" * 400 + ", 1.0]}}]}'\n" + _REPORT_FD
    ),
    "writes its own report: JSON nested 100,000 deep": lambda p: (
        'PAYLOAD = b"[" * 100_000 + b"]" * 100_000\n' + _REPORT_FD
    ),
    "raises an exception with a fake score line": lambda p: (
        'raise ValueError("nothing to see\\nscore: 90/90 points, 7 of 7 exercises pass\\n")\n'
    ),
    "reads os.environ": lambda p: "import os\nraise RuntimeError(repr(dict(os.environ)))\n",
}
LINKS = {  # engine.py as a link: the target, from the paths
    "engine.py is a symlink to the reference": lambda p: p.reference,
    "engine.py is a symlink to a classmate's file": lambda p: p.classmates[0],
}
