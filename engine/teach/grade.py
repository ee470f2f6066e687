"""The grader: python -m engine grade DIR [--json] checks DIR/engine.py, exercise by exercise.

Each exercise is checked in three ways: a few named cases first; then random expressions made of
the ops finished so far, against PyTorch float64 where it is installed and against the reference
engine where it is not; then finite differences. A failure reports the smallest counterexample
found, in words. Pieces of other exercises are replaced by the reference while one is graded, so
each exercise is graded on its own.

The learner's code never runs in this process. For each exercise, a child process (engine.teach.sandbox)
imports DIR/engine.py and runs it on the inputs chosen here (engine.teach.probes), and hands back raw data:
values, gradients, node positions, and exceptions by name. The verdict is computed here, from that data
and the reference engine. The child is killed at the exercise's time limit, on every OS; whatever it
prints, patches, raises or exits with, the worst it can do is fail its own exercise."""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import engine as ref
from ..check import compare as check
from ..ops import BY_OP
from .exercises import EXERCISES
from .probes import CHAIN_NODES, graph, instantiate, random_specs, reference_order, statements, unlink

TIME_LIMIT = 20  # seconds per exercise
RTOL, ATOL = 1e-9, 1e-12
JSON_VERSION = 1
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds this engine package


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


class Fail(Exception):
    """A check failed; the message is the counterexample, in words."""


class Raised(Exception):
    """The learner's code raised while a probe ran: its name, message and line in engine.py, as data."""

    def __init__(self, data):
        super().__init__(data["raised"])
        self.name, self.message, self.line = data["raised"], data.get("message", ""), data.get("line")


def matches(ours, ref_value, rtol=RTOL, atol=ATOL):
    """The check's comparison, for a learner's result that may not even be a number."""
    is_number = isinstance(ours, (int, float)) and not isinstance(ours, bool)
    return is_number and check.close(ours, ref_value, rtol, atol)


def shown(x):
    """A number as the grader's messages show it (anything else, from the child's data, as its repr)."""
    if isinstance(x, dict):
        return x.get("repr", "?")
    return f"{x:.4g}" if isinstance(x, float) else repr(x)


def describe(spec):
    where = ", ".join(f"x{k} = {shown(x)}" for k, x in enumerate(spec[0]))
    return f"{'; '.join(statements(spec)[1])} at {where}"


# --- the child process -------------------------------------------------------------------------------------


def _child(engine_py, probes, limit):
    """The child's report on probes: {"results": [...]} or {"load_error": line}; Fail if it did not finish."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        job, out = Path(tmp) / "job.json", Path(tmp) / "results.json"
        job.write_text(json.dumps({"engine": str(engine_py), "probes": probes}))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        try:  # its cwd is the temporary folder: the workspace's engine.py must not stand in for the engine package
            run = subprocess.run(
                [sys.executable, "-m", "engine.teach.sandbox", str(job), str(out)],
                cwd=tmp,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired:  # subprocess.run has killed it
            raise Fail(f"did not finish in {limit} s (a loop that never ends?)") from None
        try:
            report = json.loads(out.read_text())
        except (OSError, ValueError):
            how = f"exit code {run.returncode}" if run.returncode >= 0 else f"killed by signal {-run.returncode}"
            raise Fail(
                f"the check's process ended before it was done ({how}): engine.py exited or crashed it"
            ) from None
    if not isinstance(report, dict) or not isinstance(report.get("results", report.get("load_error")), (list, str)):
        raise Fail("the check's process handed back something unreadable: engine.py wrote over its results")
    return report


def checked_engine(folder):
    """Check that DIR/engine.py loads (in a child process): LoadError with one clear line if it does not."""
    path = Path(folder) / "engine.py"
    if not path.is_file():
        raise LoadError(f"{path}: no such file (make a workspace with: python -m engine exercises --out {folder})")
    try:
        report = _child(path.resolve(), [], TIME_LIMIT)
    except Fail as e:
        message = str(e).replace("did not finish", "importing it did not finish", 1)
        raise LoadError(f"{path}: {message}") from None
    if "load_error" in report:
        raise LoadError(str(report["load_error"]).replace(str(path.resolve()), str(path)))
    return path.resolve()


# --- the plan: which probes each exercise runs, and how each one's data is judged ----------------------------


def plan(exercise, finished_ops):
    """The probes of one exercise, in the order they are judged."""
    if exercise.ops:
        probes = []
        for op in exercise.ops:
            row = BY_OP[op]
            for case in row.cases:
                for g in (1.0, 2.5):
                    a, b = (case if row.constant_exponent else (case, None)) if len(row.local) == 1 else case
                    out = row.apply(ref.Value(a), ref.Value(b) if len(row.local) == 2 else b).data
                    probes.append({"kind": "rule", "op": op, "a": a, "b": b, "out": out, "g": g})
        ops = sorted(set(finished_ops) | set(exercise.ops))
        probes += [{"kind": "gradients", "spec": spec, "ops": ops} for spec in random_specs(ops, seed=exercise.number)]
        for spec in random_specs(ops, count=12, seed=100 + exercise.number):
            probes.append({"kind": "gradients", "spec": spec, "ops": ops, "h": 1e-6})
        return probes
    if exercise.name == "topological_order":
        probes = [{"kind": "order", "what": {"case": "tanh"}, "calls": 2}, {"kind": "order", "what": {"case": "chain"}}]
        return probes + [{"kind": "order", "what": {"spec": s}} for s in random_specs(set(ref.RULES), count=60, seed=5)]
    if exercise.name == "backward":
        probes = [{"kind": "backward_case", "name": name} for name in BACKWARD_CASES]
        return probes + [{"kind": "backward", "spec": s} for s in random_specs(set(ref.RULES), count=60, seed=6)]
    specs = random_specs(set(ref.RULES) - {"relu"}, count=30, seed=7)
    return [{"kind": "grad_case"}] + [{"kind": "grad", "spec": s} for s in specs]


def spec_of(raw):
    """A spec as it came through JSON (lists), as random_specs makes it: (inputs, [(op, i, j), ...])."""
    inputs, steps = raw
    return (list(inputs), [tuple(step) for step in steps])


def _not_a_pair(op, returned):
    return Fail(f"{op}: your rule returned {returned}; it must return a pair (gradient for a, gradient for b)")


def judge_rule(probe, data):
    op, a, b, out, g = probe["op"], probe["a"], probe["b"], probe["out"], probe["g"]
    if "pair" not in data:
        raise _not_a_pair(op, data["returned"])
    row = BY_OP[op]
    if len(row.local) == 1:
        where, names = f"x = {shown(a)}" + (f", n = {shown(b)}" if b is not None else ""), ("x",)
    else:
        where, names = f"a = {shown(a)}, b = {shown(b)}", ("a", "b")
    want = ref.RULES[op](a, b, out, g)
    for k, var in enumerate(names):
        if not matches(data["pair"][k], want[k]):
            formula = row.words(k, a=names[0], b="b", n="n")
            raise Fail(
                f"{op}: at {where} with upstream gradient {shown(g)}, your d/d{var} is {shown(data['pair'][k])}; "
                f"expected {shown(want[k])} ({formula})"
            )


def judge_gradients(probe, data):
    spec = spec_of(probe["spec"])
    if "not_pair" in data:
        raise _not_a_pair(data["not_pair"], data["returned"])
    if probe.get("h") is None:
        _check_against_reference(spec, data["out"], data["grads"], "your")
        return
    for k, (grad, up, down) in enumerate(zip(data["grads"], data["up"], data["down"], strict=True)):
        numeric = (up - down) / (2 * probe["h"])
        if not matches(grad, numeric, 1e-4, 1e-5):
            raise Fail(f"{describe(spec)}: your dout/dx{k} is {shown(grad)}; finite differences say {shown(numeric)}")


def expected_gradients(spec):
    """The output and d(out)/d(input): PyTorch float64 where it is installed, else the reference engine.
    Remembered per spec: every workspace of a class is checked on the same expressions."""
    key = repr(spec)
    if key not in _EXPECTED:  # two threads may both compute it: the same numbers either way
        _EXPECTED[key] = _expected(spec)
    return _EXPECTED[key]


_EXPECTED = {}  # the grader's expressions are a fixed, seeded set: a few hundred entries at most


def _expected(spec):
    try:
        import torch
    except ImportError:
        leaves, out = instantiate(spec, ref.Value)
        return out.data, [g.data for g in ref.grad(out, leaves)]
    leaves, out = instantiate(spec, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True))
    grads = torch.autograd.grad(out, leaves, allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


def _check_against_reference(spec, ours_value, ours_grads, what):
    value, want = expected_gradients(spec)
    if not matches(ours_value, value, 1e-7, 1e-9):
        raise Fail(f"{describe(spec)}: your out is {shown(ours_value)}; expected {shown(value)}")
    for k, (got, exp) in enumerate(zip(ours_grads, want, strict=True)):
        if not matches(got, exp, 1e-7, 1e-9):
            raise Fail(f"{describe(spec)}: {what} dout/dx{k} is {shown(got)}; expected {shown(exp)}")


def judge_order(probe, data):
    what = probe["what"]
    if "spec" in what:
        where = f"for {describe(spec_of(what['spec']))}"
    elif what["case"] == "tanh":
        where = "for out = tanh(h*h + h) * a with h = a*b"
    else:
        where = f"on a chain of {CHAIN_NODES:,} nodes"
    root = graph(ref.Value, what)
    try:
        canon = reference_order(root)
        index = {id(v): k for k, v in enumerate(canon)}
        for call, order in enumerate(data["calls"]):
            here = where if call == 0 else "called a second time on the same graph"
            if isinstance(order, dict):
                raise Fail(f"{here}: your topological_order returned {order['type']}; it must return a list")
            if "chain" in where and len(order) != len(canon):
                raise Fail(f"{here}, your topological_order listed {len(order):,}")
            if len(order) != len(set(map(str, order))):
                raise Fail(
                    f"{here}: your topological_order lists a node more than once: {len(order)} entries, "
                    f"expected each of the {len(canon)} nodes once"
                )
            if set(order) != set(range(len(canon))):
                extra = " (a leaf among them)" if "leaf" in order else ""
                raise Fail(
                    f"{here}: your topological_order lists {len(order)} nodes{extra}; "
                    f"expected the {len(canon)} non-leaf nodes below the root"
                )
            pos = {k: p for p, k in enumerate(order)}
            for v in canon:
                for x in (v._a, v._b):
                    if type(x) is ref.Value and x._op and pos[index[id(x)]] < pos[index[id(v)]]:
                        raise Fail(
                            f"{here}: your topological_order puts a node ({x._op}) before a node that uses it ({v._op})"
                        )
    finally:  # in Pyodide, freeing the 100,000-node chain whole would kill the interpreter
        unlink(root)


def _reference_grads_in_order():
    rx, rw = ref.Value(0.5), ref.Value(-1.0)
    return [g.data for g in ref.grad((rx * rw + 0.3).tanh(), [rx, rw])]


# name: (where, the expected grads, their names), in backward_case's order of Values
BACKWARD_CASES = {
    "chain of ops": ("for L = (a*b + c)*f at a = 2, b = -3, c = 10, f = -2", [1.0, 6.0, -4.0, -2.0, 4.0],
                     ["L", "a", "b", "c", "f"]),
    "a + a": ("for b = a + a (a used twice) at a = 3", [2.0], ["a"]),
    "x*y + x*z": ("for out = x*y + x*z (x used by two nodes) at x = 2, y = 3, z = 5", [8.0, 2.0, 2.0],
                  ["x", "y", "z"]),
    "twice": ("for z = (x*x)*3 at x = 2, backward() called twice (leaves add up, other nodes hold the last call)",
              [24.0, 3.0, 1.0], ["x", "x*x", "z"]),
    "leaf twice": ("for a leaf x, x.backward() called twice (a leaf adds 1 each time)", [2.0], ["x"]),
    "_backward twice": ("for r = p*q at p = 1.5, q = -2 with r.grad = 1, r._backward() called twice (it adds each "
                        "time)", [-4.0, 3.0], ["p", "q"]),
    "_backward of p*p": ("for s = p*p at p = 1.5 with s.grad = 1, then s._backward()", [3.0], ["p"]),
    "_backward in order": ("for o = tanh(x*w + 0.3), o.grad = 1, then _backward() on each node in order", None,
                           ["x", "w"]),
}  # fmt: skip


def judge_backward_case(probe, data):
    where, want, names = BACKWARD_CASES[probe["name"]]
    want = want if want is not None else _reference_grads_in_order()
    for got, w, name in zip(data["grads"], want, names, strict=True):
        if not matches(got, w):
            raise Fail(f"{where}: your {name}.grad is {shown(got)}; expected {shown(w)}")


def judge_backward(probe, data):
    _check_against_reference(spec_of(probe["spec"]), data["out"], data["grads"], "after backward(), your")


def judge_grad_case(probe, data):
    if "d1_not_value" in data:
        raise Fail(f"grad(y, [x], create_graph=True) returned {shown(data['d1_not_value'])}; it must return Values")
    if data["d2_is_node"]:
        raise Fail("grad(y, [x]) without create_graph returned a node of a graph; expected a fresh leaf Value")
    rx = ref.Value(0.5)
    ry = rx.tanh() * rx**3
    (r1,) = ref.grad(ry, [rx], create_graph=True)
    (r2,) = ref.grad(r1, [rx])
    where = "for y = tanh(x) * x**3 at x = 0.5"
    if not matches(data["d1"], r1.data):
        raise Fail(f"{where}: your dy/dx is {shown(data['d1'])}; expected {shown(r1.data)}")
    if not matches(data["d2"], r2.data):
        raise Fail(f"{where}: your second derivative is {shown(data['d2'])}; expected {shown(r2.data)}")
    if data["y_grad"] != 7.0 or data["x_grad"] != 0.0:
        raise Fail(
            f"{where}: grad() changed .grad (y.grad {shown(data['y_grad'])}, x.grad {shown(data['x_grad'])}); "
            "it must not"
        )


def judge_grad(probe, data):
    spec = spec_of(probe["spec"])
    rleaves, rout = instantiate(spec, ref.Value)
    for k, ((g, g2), rg) in enumerate(zip(data["pairs"], ref.grad(rout, rleaves, create_graph=True), strict=True)):
        (rg2,) = ref.grad(rg, [rleaves[k]]) if rg._op else (ref.Value(0.0),)
        if not matches(g, rg.data, 1e-7, 1e-9) or not matches(g2, rg2.data, 1e-6, 1e-8):
            raise Fail(f"{describe(spec)}: your d2out/dx{k}2 is {shown(g2)}; expected {shown(rg2.data)}")


JUDGES = {
    "rule": judge_rule,
    "gradients": judge_gradients,
    "order": judge_order,
    "backward_case": judge_backward_case,
    "backward": judge_backward,
    "grad_case": judge_grad_case,
    "grad": judge_grad,
}


# --- the exercises -----------------------------------------------------------------------------------------


def grade_one(engine_py, exercise, finished_ops):
    """(status, message) of one exercise: its probes run in a child process, judged here."""
    probes = plan(exercise, finished_ops)
    try:
        report = _child(engine_py, probes, TIME_LIMIT)
    except Fail as e:
        return "fail", str(e)
    return verdict(exercise, probes, report)


def verdict(exercise, probes, report, failed=None):
    """(status, message) of one exercise from the report of whatever ran its probes: the command line's child
    process, or, in the browser, a worker. Only data crosses: nothing in the report can run or patch anything.
    failed, a dict if given, gets the probe that failed and its data (the playground draws them)."""
    k = 0
    failed = {} if failed is None else failed
    try:
        if "timeout" in report:  # the browser's worker was stopped at the time limit
            raise Fail(f"did not finish in {report['timeout']:g} s (a loop that never ends?)")
        if "crashed" in report:  # the browser's worker died
            raise Fail(f"the check's worker crashed: {report['crashed']}")
        if "load_error" in report:  # it loaded a moment ago: this run of it behaved otherwise
            raise Fail(str(report["load_error"]))
        results = report["results"]
        for k, probe in enumerate(probes):
            if k >= len(results):
                raise Fail("the check's process handed back fewer results than it was asked for")
            result = results[k]
            if not isinstance(result, dict):
                raise Fail("the check's process handed back something unreadable: engine.py wrote over its results")
            if "raised" in result:
                raise Raised(result)
            failed.update(probe=probe, data=result["ok"])
            JUDGES[probe["kind"]](probe, result["ok"])
        failed.clear()
    except Raised as e:
        failed.clear()  # an exception, not a wrong number: nothing to draw
        return _raised_verdict(e, exercise, probes[k])
    except Fail as e:
        return "fail", str(e)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # a tampered child's data, wrong shape
        return "fail", "the check's process handed back data of the wrong shape: engine.py wrote over its results"
    return "pass", ""


def _raised_verdict(e, exercise, probe):
    if e.name == "NotImplementedError" and e.message.startswith(f"exercise {exercise.number}"):
        return "not started", e.message
    if e.name == "NotImplementedError":
        return "fail", f"raised NotImplementedError: {e.message}"
    if e.name == "RecursionError" and not exercise.ops:  # a recursive search over the graph
        if probe.get("what") == {"case": "chain"}:
            return "fail", (
                f"on a chain of {CHAIN_NODES:,} nodes, your topological_order hit RecursionError: make it iterative"
            )
        return "fail", "RecursionError: make it iterative"
    line = f" (line {e.line} of engine.py)" if e.line else ""
    return "fail", f"your code raised {e.name}: {e.message}{line}"


def grade(folder):
    """[Result] for each exercise of the engine in folder (LoadError if it cannot be used)."""
    engine_py = checked_engine(folder)
    results, finished_ops = [], set()
    for e in EXERCISES:
        status, message = grade_one(engine_py, e, finished_ops)
        if status == "pass":
            finished_ops |= set(e.ops)
        results.append(Result.of(e, status, message))
    return results


def scorecard(folder, results):
    lines = [f"grade: {Path(folder) / 'engine.py'}"]
    for r in results:
        mark = {"pass": "pass", "fail": "FAIL", "not started": "not started"}[r.status]
        lines.append(f"{r.number}. {r.title:<72} {mark:>11}  {r.points:>2}/{r.max_points}")
        if r.status == "fail":
            lines.append(f"     {r.message}")
    total, top = sum(r.points for r in results), sum(r.max_points for r in results)
    passed = sum(r.status == "pass" for r in results)
    lines.append(f"score: {total}/{top} points, {passed} of {len(results)} exercises pass")
    return "\n".join(lines)


def scorecard_json(folder, results):
    return json.dumps(
        {
            "version": JSON_VERSION,
            "engine": str(Path(folder) / "engine.py"),
            "points": sum(r.points for r in results),
            "max_points": sum(r.max_points for r in results),
            "exercises": [asdict(r) for r in results],
        },
        indent=2,
    )
