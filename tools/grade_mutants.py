"""How many of the mutation run's killed mutants the grader catches: python tools/grade_mutants.py CLONE

CLONE is the clone where `nox -s mutation` ran (its .mutmut-cache holds the mutants). Each killed
mutant is applied there with `mutmut apply`, copied into a workspace and graded; the clone's
engine/engine.py is restored after each. Prints the count, and each mutant the grader passes."""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from engine.grader import grade, sandbox


def main(argv=None):
    clone = Path((argv or sys.argv[1:])[0]).resolve()
    db = sqlite3.connect(clone / ".mutmut-cache")
    killed = [row[0] for row in db.execute("select id from Mutant where status in ('ok_killed', 'bad_timeout')")]
    work = Path(tempfile.mkdtemp())
    caught, missed = 0, []
    try:
        for mutant in killed:
            subprocess.run(["mutmut", "apply", str(mutant)], cwd=clone, check=True, capture_output=True)
            shutil.copy(clone / "engine" / "engine.py", work / "engine.py")
            subprocess.run(["git", "checkout", "engine/engine.py"], cwd=clone, check=True, capture_output=True)
            try:
                results = grade.grade(work, sandbox.choose())
                failed = [r for r in results if r.status != "pass"]
            except grade.LoadError as e:
                failed = [e]
            if failed:
                caught += 1
            else:
                missed.append(mutant)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"grader: {caught} of {len(killed)} killed mutants caught; passed by the grader: {missed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
