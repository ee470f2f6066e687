"""A whole class at once: python -m engine grade submissions/* [--csv FILE] [--json] [--scorecards DIR]

Each workspace is graded as `python -m engine grade DIR` grades one (the learner's code in child processes,
the verdict here), several at a time over the machine's cores. Each gets one row: its folder's name, the
points of each exercise, the total, and its first failure in words. A missing, empty or broken workspace
gets its row with the reason, and the others are graded all the same."""

import csv
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import grade
from .exercises import EXERCISES, MAX_POINTS

JSON_VERSION = 1


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


def grade_workspace(folder):
    folder = Path(folder)
    row = Submission(str(folder), folder.name or str(folder))
    if not folder.is_dir():
        row.error = f"{folder} is not a folder"
        return row
    try:
        row.results = grade.grade(folder)
    except grade.LoadError as e:
        row.error = str(e)
    return row


def grade_class(folders, workers=None):
    """[Submission] in the order of folders. The work is in child processes, so threads keep every core busy."""
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(grade_workspace, folders))
    seen = {}
    for r in rows:  # a/hw and b/hw: hw and hw-2, so that no scorecard overwrites another
        seen[r.name] = seen.get(r.name, 0) + 1
        if seen[r.name] > 1:
            r.name = f"{r.name}-{seen[r.name]}"
    return rows


def class_table(rows):
    """One line per workspace, for the terminal."""
    width = max([len(r.name) for r in rows] + [9])
    lines = [f"{'workspace':<{width}}  points  first failure"]
    for r in rows:
        points = "-" if r.error else f"{r.points}/{MAX_POINTS}"
        failure = r.first_failure if len(r.first_failure) <= 100 else r.first_failure[:97] + "..."
        lines.append(f"{r.name:<{width}}  {points:>6}  {failure}")
    graded = [r for r in rows if not r.error]
    mean = sum(r.points for r in graded) / len(graded) if graded else 0.0
    lines.append(f"{len(rows)} workspaces, {len(rows) - len(graded)} not gradable; mean {mean:.1f}/{MAX_POINTS} points")
    return "\n".join(lines)


def csv_text(rows):
    """The class as CSV: workspace, one column of points per exercise, total, max, first failure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["workspace", *(f"{e.number} {e.name}" for e in EXERCISES), "total", "max", "first failure"])
    for r in rows:
        points = [""] * len(EXERCISES) if r.error else [res.points for res in r.results]
        writer.writerow([r.name, *points, "" if r.error else r.points, MAX_POINTS, r.first_failure])
    return out.getvalue()


def class_json(rows):
    """{"version": 1, "workspaces": [...]}: each workspace as `grade DIR --json` has it, plus its folder and error."""
    return json.dumps(
        {
            "version": JSON_VERSION,
            "max_points": MAX_POINTS,
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


def scorecards(rows):
    """{file name: the workspace's scorecard}, to send each learner their own."""
    cards = {}
    for r in rows:
        text = (
            f"grade: {Path(r.folder) / 'engine.py'}\nerror: {r.error}"
            if r.error
            else grade.scorecard(r.folder, r.results)
        )
        cards[f"{r.name}.txt"] = text + "\n"
    return cards
