"""A whole class at once: python -m engine grade submissions/* [--csv FILE] [--json] [--scorecards DIR]

Each workspace is graded as `python -m engine grade DIR` grades one (every check in a sandbox of its own, the
verdict here), several at a time over the machine's cores. Each gets one row: its folder's name, the points of
each exercise, the total, its first failure in words, and the sandbox it ran in. A missing, empty, broken or
hostile workspace gets its row with the reason, and the others are graded all the same: nothing one workspace
does can stop the class's CSV from being written."""

import csv
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..teach.exercises import EXERCISES, MAX_POINTS
from . import grade
from .report import one_line

JSON_VERSION = 2  # 2: the sandbox column


@dataclass
class Submission:
    folder: str
    name: str
    results: list = field(default_factory=list)  # [grade.Result]; empty when the workspace could not be graded
    error: str = ""  # why it could not be graded, in one line

    @property
    def points(self):
        return sum(r.points for r in self.results)

    @property
    def first_failure(self):
        if self.error:
            return self.error
        failed = next((r for r in self.results if r.status == "fail"), None)
        return f"{failed.number}. {failed.name}: {failed.message}" if failed else ""


def grade_workspace(folder, box):
    folder = Path(folder)
    row = Submission(str(folder), one_line(" ".join((folder.name or str(folder)).split())) or "?")
    if not folder.is_dir():
        row.error = one_line(f"{folder} is not a folder")
        return row
    try:
        row.results = grade.grade(folder, box)
    except grade.LoadError as e:
        row.error = one_line(str(e))
    except Exception as e:  # a failure stays inside its workspace: the class's CSV is written all the same
        row.error = one_line(f"the grader failed on this workspace: {type(e).__name__}: {e}")
    return row


def grade_class(folders, box, workers=None):
    """[Submission] in the order of folders. The work is in child processes, so threads keep every core busy."""
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(lambda f: grade_workspace(f, box), folders))
    seen = {}
    for r in rows:  # a/hw and b/hw: hw and hw-2, so that no scorecard overwrites another
        seen[r.name] = seen.get(r.name, 0) + 1
        if seen[r.name] > 1:
            r.name = f"{r.name}-{seen[r.name]}"
    return rows


def class_table(rows, box):
    """One line per workspace, for the terminal."""
    width = max([len(r.name) for r in rows] + [9])
    lines = [f"sandbox: {box.description}", f"{'workspace':<{width}}  points  first failure"]
    for r in rows:
        points = "-" if r.error else f"{r.points}/{MAX_POINTS}"
        failure = r.first_failure if len(r.first_failure) <= 100 else r.first_failure[:97] + "..."
        lines.append(f"{r.name:<{width}}  {points:>6}  {failure}")
    graded = [r for r in rows if not r.error]
    mean = sum(r.points for r in graded) / len(graded) if graded else 0.0
    lines.append(f"{len(rows)} workspaces, {len(rows) - len(graded)} not gradable; mean {mean:.1f}/{MAX_POINTS} points")
    return "\n".join(lines)


COLUMNS = ["workspace", *(f"{e.number} {e.name}" for e in EXERCISES), "total", "max", "first failure", "sandbox"]


def csv_text(rows, box):
    """The class as CSV: workspace, one column of points per exercise, total, max, first failure, sandbox."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        points = [""] * len(EXERCISES) if r.error else [res.points for res in r.results]
        total = "" if r.error else r.points
        writer.writerow([r.name, *points, total, MAX_POINTS, one_line(r.first_failure), box.name])
    return out.getvalue()


def class_json(rows, box):
    """{"version": 2, "workspaces": [...]}: each workspace as `grade DIR --json` has it, plus its folder and error."""
    return json.dumps(
        {
            "version": JSON_VERSION,
            "max_points": MAX_POINTS,
            "sandbox": box.name,
            "workspaces": [
                {
                    "folder": r.folder,
                    "name": r.name,
                    "error": r.error,
                    "points": None if r.error else r.points,
                    "exercises": [asdict(res) for res in r.results],
                }
                for r in rows
            ],
        },
        indent=2,
    )


def scorecards(rows, box):
    """{file name: the workspace's scorecard}, to send each learner their own."""
    cards = {}
    for r in rows:
        text = (
            f"grade: {Path(r.folder) / 'engine.py'}\nsandbox: {box.description}\nerror: {r.error}"
            if r.error
            else grade.scorecard(r.folder, r.results, box)
        )
        cards[f"{r.name}.txt"] = text + "\n"
    return cards
