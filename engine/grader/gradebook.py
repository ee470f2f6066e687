"""The class's grades into a learning platform's gradebook: python -m engine gradebook grades.csv --roster R --lms L

grades.csv is what `grade --csv` writes: a row per workspace, its total among the columns. The roster is a CSV
with a `workspace` column (the folder's name, as grades.csv has it) beside the columns the platform knows each
student by, as its own gradebook export has them:

- Canvas: Student, ID, SIS User ID, SIS Login ID and Section (Grades, Export). The import file has those five
  columns and one for the assignment; Canvas matches students by them, and a column it does not know becomes a
  new assignment (Grades, Import).
- Moodle: Email address, Username or ID number (any one). Its import from CSV (Grades, Import, CSV file) maps
  that column to the user field of the same name and the assignment's column to a grade item.

A workspace that could not be graded counts 0; a student with no graded workspace gets an empty cell, which
changes nothing on import."""

import csv
import io
from pathlib import Path

CANVAS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE = ("Email address", "Username", "ID number")
WHERE = {"canvas": "Canvas: Grades, Import", "moodle": "Moodle: Grades, Import, CSV file"}


class GradebookError(Exception):
    """A file that cannot be used, in one line."""


def _rows(path, needed):
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise GradebookError(f"{path}: cannot be read ({type(e).__name__})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise GradebookError(f"{path} has no column {', '.join(repr(c) for c in missing)}")
    return reader.fieldnames, list(reader)


def convert(grades_path, roster_path, lms, assignment):
    """(the import file's text, the graded workspaces that are in no roster row)."""
    _, graded = _rows(grades_path, ["workspace", "total"])
    fields, roster = _rows(roster_path, ["workspace"])
    if lms == "canvas":
        ids = list(CANVAS)
        if not {"Student", "ID", "SIS User ID"} & set(fields):
            raise GradebookError(f"{roster_path} needs one of the columns Student, ID or SIS User ID (Canvas)")
    else:
        ids = [c for c in MOODLE if c in fields]
        if not ids:
            raise GradebookError(f"{roster_path} needs one of the columns {', '.join(MOODLE)} (Moodle)")
    totals = {row["workspace"]: row["total"] or "0" for row in graded}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*ids, assignment])
    for row in roster:
        writer.writerow([*(row.get(c, "") for c in ids), totals.get(row["workspace"], "")])
    listed = {row["workspace"] for row in roster}
    return out.getvalue(), sorted(w for w in totals if w not in listed)
