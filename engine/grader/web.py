"""The grader's entry points for the playground, whose workers stand in for the command line's processes: a
fresh sandbox worker per grading runs the learner's code with engine/grader/runner.py alone, and the page's
Python worker, which never loads a learner's code, holds the grading conversation of engine/grader/grade.py (the
same as the command line's) and judges. JSON in, JSON out; the page relays and draws, and decides nothing."""

import itertools
import json

from .. import engine as ref
from ..draw.graph import draw
from ..ops import BY_OP
from ..teach import exercises
from . import checks, grade, report, sandbox

_GRADINGS = {}  # the gradings in progress, by id: (conversation, failures)
_IDS = itertools.count(1)


def settings():
    """What the page needs to know of the grader: its one time limit, in seconds."""
    return json.dumps({"time_limit": grade.TIME_LIMIT})


def workspace():
    """A fresh workspace's engine.py, and the exercises as the page lists them."""
    listed = [{"number": e.number, "name": e.name, "title": e.title, "points": e.points} for e in exercises.EXERCISES]
    return json.dumps({"source": exercises.workspace_source(), "exercises": listed})


def grading_start():
    """A new grading of the editor's engine.py: its id, the first job and what the page says meanwhile."""
    failures = []
    conversation = grade.grading("engine.py", failures)
    key = next(_IDS)
    _GRADINGS.clear()  # one grading at a time in a page
    _GRADINGS[key] = (conversation, failures)
    return _step(key, lambda: next(conversation))


def grading_next(key, report_text, stopped_json="null"):
    """Send what the sandbox worker gave for the last job: its report's text, or, where the page stopped it,
    {"timeout": true} or {"crashed": "what the worker said"}. The next job, or the scorecard when done."""
    conversation, _ = _GRADINGS[key]
    outcome = _outcome(report_text, json.loads(stopped_json))
    return _step(key, lambda: conversation.send(outcome))


def _outcome(report_text, stopped):
    """What a job gave, as grading() takes it: the report, checked against the schema, or the line why not."""
    if isinstance(stopped, dict) and stopped.get("timeout"):
        return sandbox.out_of_time(grade.TIME_LIMIT)
    if isinstance(stopped, dict) and "crashed" in stopped:
        return f"the check's worker crashed: {report.one_line(str(stopped['crashed']))}"
    try:
        return report.parse_report(report_text if isinstance(report_text, str) else "")
    except report.Malformed:
        return report.MALFORMED


def _step(key, advance):
    failures = _GRADINGS[key][1]
    try:
        job = advance()
    except StopIteration as done:
        del _GRADINGS[key]
        return json.dumps({"done": True, "scorecard": _scorecard(done.value), "pictures": _pictures(failures)})
    except grade.LoadError as e:
        del _GRADINGS[key]
        return json.dumps({"done": True, "scorecard": _scorecard([], str(e)), "pictures": None})
    number = job["exercise"]
    status = (f"grading exercise {number} of {len(checks.CHECKS)}: {checks.BY_NUMBER[number].exercise.title}"
              if number else "loading engine.py")  # fmt: skip
    return json.dumps({"done": False, "id": key, "job": json.dumps(job), "status": status})


def _scorecard(results, error=""):
    """The scorecard of `grade DIR --json`, for "engine.py" graded in the page; with error, a file that did not load."""
    doc = {
        "version": grade.JSON_VERSION,
        "engine": "engine.py",
        "sandbox": "browser",
        "points": sum(r.points for r in results),
        "max_points": exercises.MAX_POINTS,
        "exercises": [r.__dict__ for r in results],
        "summary": (
            f"engine.py does not load: {error}"
            if error
            else f"score: {sum(r.points for r in results)}/{exercises.MAX_POINTS} points, "
            f"{sum(r.status == 'pass' for r in results)} of {len(results)} exercises pass"
        ),
    }
    if error:
        doc["error"] = error
    return doc


def _pictures(failures):
    """The first wrong number's check drawn twice, or None."""
    for number, probe, data in failures:
        pictures = counterexample(probe, data)
        if pictures:
            return {"number": number, "title": f"Exercise {number}: the counterexample, drawn", **pictures}
    return None


def counterexample(probe, data):
    """The graph of a failed check twice, as DOT: with the learner's gradients and with the reference's, the first
    node where they part (from the output down) outlined in both. None for a check that has no such graph."""
    if not isinstance(data, dict):
        return None
    if probe["kind"] == "rule" and isinstance(data.get("pair"), list) and len(data["pair"]) == 2:
        return _rule_pictures(probe, data["pair"])
    if probe["kind"] not in ("gradients", "backward") or "nodes" not in data or probe.get("h") is not None:
        return None
    spec = checks.spec_of(probe["about"]["spec"])
    theirs, mine = checks.instantiate(spec, ref.Value), checks.instantiate(spec, ref.Value)
    mine[1].backward()
    order = ref.topological_order(theirs[1])
    if len(order) != len(data["nodes"]) or len(theirs[0]) != len(data["grads"]):
        return None
    nodes = order + theirs[0]
    for v, g in zip(nodes, data["nodes"] + data["grads"], strict=True):
        v.grad = _number_or_nan(g)
    mine_nodes = ref.topological_order(mine[1]) + mine[0]
    first = next(
        (
            k
            for k, (a, b) in enumerate(zip(nodes, mine_nodes, strict=True))
            if not checks.matches(a.grad, b.grad, 1e-7, 1e-9)
        ),
        None,
    )
    return _pair_of_pictures(theirs[1], mine[1], None if first is None else (nodes[first], mine_nodes[first]))


def _rule_pictures(probe, pair):
    """One op at the failing point: out.grad is the upstream gradient, the inputs hold the rule's results."""
    row = BY_OP[probe["op"]]
    want = checks.expected_rule(probe["op"], probe["a"], probe["b"], probe["g"])
    graphs = []
    for grads in (pair, want):
        a = ref.Value(probe["a"], "x" if len(row.local) == 1 else "a")
        b = ref.Value(probe["b"], "b") if len(row.local) == 2 else probe["b"]
        out = row.apply(a, b)
        out.label, out.grad = "out", probe["g"]
        a.grad = _number_or_nan(grads[0])
        if len(row.local) == 2:
            b.grad = _number_or_nan(grads[1])
        graphs.append((out, a, b))
    k = 0 if len(row.local) == 1 or not checks.matches(pair[0], want[0]) else 1  # the input whose gradient is wrong
    return _pair_of_pictures(graphs[0][0], graphs[1][0], (graphs[0][1 + k], graphs[1][1 + k]))


def _number_or_nan(x):
    """A learner's gradient as the picture shows it: the number, or nan for what was no number at all."""
    return x if isinstance(x, float) else float("nan")


def _pair_of_pictures(yours, reference, first):
    return {
        "yours": draw(yours, highlight=first and first[0]).source,
        "reference": draw(reference, highlight=first and first[1]).source,
    }


TRAINS_ON = (1, 2, 3, 4, 5, 6)  # the exercises an engine needs for the training views: its rules and backward()


def training_check(card_json):
    """Whether a graded engine.py is ready to train the page's models: {"ready", "failing", "warning"}, the warning
    naming each exercise of TRAINS_ON that does not pass."""
    card = json.loads(card_json)
    passed = {r["number"] for r in card["exercises"] if r["status"] == "pass"}
    failing = [n for n in TRAINS_ON if n not in passed]
    titles = "; ".join(f"exercise {n} ({checks.BY_NUMBER[n].exercise.title})" for n in failing)
    warning = f"your engine fails {titles}: its training may part from the reference's" if failing else ""
    return json.dumps({"ready": not failing, "failing": failing, "warning": warning})
