"""The grader: python -m engine grade DIR [--json] [--trusted] checks DIR/engine.py, exercise by exercise.

Each exercise is one check (engine/grader/checks.py). Its probes run on a copy of the learner's engine.py in a
sandbox of their own (engine/grader/sandbox.py), beside the runner and nothing of this package; what comes back
is data, checked against a strict schema (engine/grader/report.py); the verdict is computed here, from that data
and the reference engine. Whatever the learner's code does, the worst it can do is fail its own exercise."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..teach.exercises import MAX_POINTS
from . import checks, sandbox
from .report import MALFORMED

TIME_LIMIT = 20  # seconds per check, on the command line and in the page alike
JSON_VERSION = 2  # 2: the sandbox it ran in


class LoadError(Exception):
    """The learner's engine.py cannot be used; the message is one line naming the file (and line)."""


@dataclass
class Result:
    number: int
    name: str
    title: str
    status: str  # "pass", "fail" or "not started"
    points: int
    max_points: int
    message: str = ""

    @classmethod
    def of(cls, exercise, status, message):
        """An exercise's result: its points when it passes, 0 otherwise."""
        points = exercise.points if status == "pass" else 0
        return cls(exercise.number, exercise.name, exercise.title, status, points, exercise.points, message)


def load_line(path, report):
    """The one line of a report's load error, naming the file and the line."""
    line = report.get("line")
    where = f"{path}, line {line:.0f}" if isinstance(line, float) else str(path)
    return f"{where}: {report['load_error']}"


def grading(path, failures=None):
    """The grading of the engine.py at path as a conversation, the same on the command line and in the page: it
    yields each job (the load, then one per exercise) and is sent what running it gave, a report that passed the
    schema or the line that says why there is none; it returns [Result] (LoadError if the file is unusable).
    failures, a list if given, gets (exercise number, probe, data) of each wrong number (the page draws them)."""
    loaded = yield checks.load_job()
    if isinstance(loaded, str):
        raise LoadError(f"{path}: {loaded.replace('did not finish', 'importing it did not finish', 1)}")
    if "load_error" in loaded:
        if not isinstance(loaded["load_error"], str):
            raise LoadError(f"{path}: {MALFORMED}")
        raise LoadError(load_line(path, loaded))
    results, finished_ops = [], set()
    for check in checks.CHECKS:
        job = check.job(finished_ops)
        outcome = yield job
        failed = {}
        status, message = (
            ("fail", outcome) if isinstance(outcome, str) else checks.verdict(check, job["probes"], outcome, failed)
        )
        if failed and failures is not None:
            failures.append((check.exercise.number, failed["probe"], failed["data"]))
        if status == "pass":
            finished_ops |= set(check.exercise.ops)
        results.append(Result.of(check.exercise, status, message))
    return results


def drive(conversation, run):
    """Run a grading conversation to its end, each job by run(job) -> report or line; its [Result]."""
    try:
        job = next(conversation)
        while True:
            job = conversation.send(run(job))
    except StopIteration as done:
        return done.value


def in_sandbox(box, source):
    """run(job) for drive(): each job on source in a fresh sandbox of the kind box; its report, or the line why
    there is none."""

    def run(job):
        try:
            return sandbox.run_job(box, job, source, TIME_LIMIT)
        except sandbox.Stopped as e:
            return str(e)

    return run


def grade(folder, box, failures=None):
    """[Result] for each exercise of the engine in folder, each check in a fresh sandbox of the kind box
    (LoadError if the workspace is refused or unusable)."""
    try:
        source = sandbox.read_workspace(folder)
    except sandbox.Refused as e:
        raise LoadError(str(e)) from None
    return drive(grading(Path(folder) / "engine.py", failures), in_sandbox(box, source))


def scorecard(folder, results, box):
    lines = [f"grade: {Path(folder) / 'engine.py'}", f"sandbox: {box.description}"]
    for r in results:
        mark = {"pass": "pass", "fail": "FAIL", "not started": "not started"}[r.status]
        lines.append(f"{r.number}. {r.title:<72} {mark:>11}  {r.points:>2}/{r.max_points}")
        if r.status == "fail":
            lines.append(f"     {r.message}")
    total, top = sum(r.points for r in results), sum(r.max_points for r in results)
    passed = sum(r.status == "pass" for r in results)
    lines.append(f"score: {total}/{top} points, {passed} of {len(results)} exercises pass")
    return "\n".join(lines)


def scorecard_json(folder, results, box):
    return json.dumps(
        {
            "version": JSON_VERSION,
            "engine": str(Path(folder) / "engine.py"),
            "sandbox": box.name,
            "points": sum(r.points for r in results),
            "max_points": MAX_POINTS,
            "exercises": [asdict(r) for r in results],
        },
        indent=2,
    )
