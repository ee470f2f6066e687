"""The grader's entry points for the playground, whose two Pyodide workers stand in for the command line's
two processes: one runs the learner's code (engine.teach.sandbox.run_probes), the other, which never loads it,
plans the probes and judges the data (this module). JSON in, JSON out, so only data crosses between them."""

import json

from . import exercises, grade

BY_NUMBER = {e.number: e for e in exercises.EXERCISES}


def web_workspace():
    """A fresh workspace's engine.py, and the exercises as the page lists them."""
    listed = [{"number": e.number, "name": e.name, "title": e.title, "points": e.points} for e in exercises.EXERCISES]
    return json.dumps({"source": exercises.workspace_source(), "exercises": listed})


def web_plan(number, finished_ops_json):
    return json.dumps(grade.plan(BY_NUMBER[number], set(json.loads(finished_ops_json))))


def web_verdict(number, probes_json, report_json):
    """The result of one exercise, as `grade DIR --json` lists it, and the ops it finishes when it passes."""
    e = BY_NUMBER[number]
    try:
        report = json.loads(report_json)
    except ValueError:
        report = {}
    status, message = grade.verdict(e, json.loads(probes_json), report if isinstance(report, dict) else {})
    result = grade.Result(e.number, e.name, e.title, status, e.points if status == "pass" else 0, e.points, message)
    return json.dumps({"result": result.__dict__, "ops": list(e.ops) if status == "pass" else []})


def web_scorecard(results_json, error=""):
    """The scorecard of `grade DIR --json` (version 1), for "engine.py"; with error, a file that did not load."""
    results = [grade.Result(**r) for r in json.loads(results_json)]
    doc = json.loads(grade.scorecard_json("", results))
    doc["engine"] = "engine.py"
    if error:
        doc["error"], doc["max_points"] = error, sum(e.points for e in exercises.EXERCISES)
    return json.dumps(doc)
