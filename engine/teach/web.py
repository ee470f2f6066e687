"""The grader's entry points for the playground, whose two Pyodide workers stand in for the command line's
two processes: one runs the learner's code (engine.teach.sandbox.run_probes), the other, which never loads it,
plans the probes and judges the data (this module). JSON in, JSON out, so only data crosses between them."""

import json

from .. import engine as ref
from ..draw.graph import draw
from ..ops import BY_OP
from . import exercises, grade
from .probes import instantiate, reference_order

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
    failed = {}
    status, message = grade.verdict(e, json.loads(probes_json), report if isinstance(report, dict) else {}, failed)
    result = grade.Result.of(e, status, message)
    pictures = counterexample(failed["probe"], failed["data"]) if status == "fail" and failed else None
    return json.dumps({"result": result.__dict__, "ops": list(e.ops) if status == "pass" else [], "pictures": pictures})


def counterexample(probe, data):
    """The graph of a failed check twice, as DOT: with the learner's gradients and with the reference's, the first
    node where they part (from the output down) outlined in both. None for a check that has no such graph."""
    if probe["kind"] == "rule" and "pair" in data:
        return _rule_pictures(probe, data["pair"])
    if probe["kind"] not in ("gradients", "backward") or "nodes" not in data or probe.get("h") is not None:
        return None
    spec = grade.spec_of(probe["spec"])
    theirs, mine = instantiate(spec, ref.Value), instantiate(spec, ref.Value)
    mine[1].backward()
    order = reference_order(theirs[1])
    if len(order) != len(data["nodes"]):
        return None
    nodes = order + theirs[0]
    for v, g in zip(nodes, data["nodes"] + data["grads"], strict=True):
        v.grad = _number_or_nan(g)
    mine_nodes = reference_order(mine[1]) + mine[0]
    first = next(
        (
            k
            for k, (a, b) in enumerate(zip(nodes, mine_nodes, strict=True))
            if not grade.matches(a.grad, b.grad, 1e-7, 1e-9)
        ),
        None,
    )
    return _pair_of_pictures(theirs[1], mine[1], None if first is None else (nodes[first], mine_nodes[first]))


def _rule_pictures(probe, pair):
    """One op at the failing point: out.grad is the upstream gradient, the inputs hold the rule's results."""
    row = BY_OP[probe["op"]]
    want = ref.RULES[probe["op"]](probe["a"], probe["b"], probe["out"], probe["g"])
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
    k = 0 if len(row.local) == 1 or not grade.matches(pair[0], want[0]) else 1  # the input whose gradient is wrong
    return _pair_of_pictures(graphs[0][0], graphs[1][0], (graphs[0][1 + k], graphs[1][1 + k]))


def _number_or_nan(x):
    """A learner's gradient as the picture shows it: the number, or nan for what was no number at all."""
    return x if isinstance(x, float) else float("nan")


def _pair_of_pictures(yours, reference, first):
    return {
        "yours": draw(yours, highlight=first and first[0]).source,
        "reference": draw(reference, highlight=first and first[1]).source,
    }


def web_scorecard(results_json, error=""):
    """The scorecard of `grade DIR --json` (version 1), for "engine.py"; with error, a file that did not load."""
    results = [grade.Result(**r) for r in json.loads(results_json)]
    doc = json.loads(grade.scorecard_json("", results))
    doc["engine"] = "engine.py"
    if error:
        doc["error"], doc["max_points"] = error, exercises.MAX_POINTS
    return json.dumps(doc)
