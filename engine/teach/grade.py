"""The grader: python -m engine grade DIR [--json] checks DIR/engine.py, exercise by exercise.

Each exercise is checked in three ways: a few named cases first; then random expressions made of
the ops finished so far, against PyTorch float64 where it is installed and against the reference
engine where it is not; then finite differences. A failure reports the smallest counterexample
found, in words. Each exercise runs under a time limit, so a loop that never ends is a failure,
not a hang. Pieces of other exercises are replaced by the reference while one is graded, so
each exercise is graded on its own."""

import ast
import functools
import importlib.util
import json
import random
import signal
import sys
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import engine as ref
from ..check import compare as check
from ..ops import BY_OP
from . import expr
from .exercises import EXERCISES, rules_node

TIME_LIMIT = 20  # seconds per exercise
RTOL, ATOL = 1e-9, 1e-12
JSON_VERSION = 1


class LoadError(Exception):
    """The learner's engine.py cannot be used; the message is one line naming the file (and line)."""


class TimeLimit(Exception):
    pass


@dataclass
class Result:
    number: int
    name: str
    title: str
    status: str  # "pass", "fail" or "not started"
    points: int
    max_points: int
    message: str = ""


def load(folder):
    """DIR/engine.py imported as a module of its own, or LoadError with one clear line."""
    path = Path(folder) / "engine.py"
    if not path.is_file():
        raise LoadError(f"{path}: no such file (make a workspace with: python -m engine exercises --out {folder})")
    source = path.read_text()
    try:
        compile(source, str(path), "exec")
    except SyntaxError as e:
        raise LoadError(f"{path}, line {e.lineno}: {e.msg}") from None
    spec = importlib.util.spec_from_file_location(f"learner_engine_{abs(hash(str(path.resolve())))}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        with time_limit(TIME_LIMIT):
            spec.loader.exec_module(module)
    except TimeLimit:
        raise LoadError(f"{path}: importing it did not finish in {TIME_LIMIT} s") from None
    except Exception as e:
        raise LoadError(f"{path}, line {_line_in(e, path) or '?'}: {type(e).__name__}: {e}") from None
    for name in ("Value", "RULES", "topological_order", "grad"):
        if not hasattr(module, name):
            raise LoadError(f"{path} has no {name}: the grader needs every name of the workspace it was given")
    for name in ("backward", "_backward"):
        if not hasattr(module.Value, name):
            raise LoadError(f"{path}: Value has no {name}()")
    if not isinstance(module.RULES, dict):
        raise LoadError(f"{path}: RULES is a {type(module.RULES).__name__}; it must be a dict of rules by op")
    missing = sorted(set(ref.RULES) - set(module.RULES))
    if missing:
        raise LoadError(f"{path}: RULES has no row for {', '.join(missing)}")
    return module


def _line_in(error, path):
    """The line of path where error was raised (the innermost frame there), or None."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if path and Path(f.filename) == Path(path)]
    return frames[-1].lineno if frames else None


@contextmanager
def time_limit(seconds):
    def stop(signum, frame):
        raise TimeLimit

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class Fail(Exception):
    """A check failed; the message is the counterexample, in words."""


def matches(ours, ref_value, rtol=RTOL, atol=ATOL):
    """The check's comparison, for a learner's result that may not even be a number."""
    is_number = isinstance(ours, (int, float)) and not isinstance(ours, bool)
    return is_number and check.close(ours, ref_value, rtol, atol)


def shown(x):
    """A number as the grader's messages show it (anything else as its repr)."""
    return f"{x:.4g}" if isinstance(x, float) else repr(x)


# --- the reference pieces, working on the learner's Values --------------------------------------------


@functools.cache
def _reference_rules_code():
    node = rules_node(ast.parse(Path(ref.__file__).read_text()))
    return compile(ast.Expression(node.value), ref.__file__, "eval")


def reference_rules(module):
    """The reference RULES evaluated in the learner's module, so that they use its Value and helpers."""
    return eval(_reference_rules_code(), vars(module))


def reference_order(root):
    """The non-leaf nodes below root, each after all its users (a dict of marks, for any Value class)."""
    order, state, stack = [], {}, [root] if root._op else []
    while stack:
        v = stack.pop()
        if state.get(v) == 1:
            state[v] = 2
            order.append(v)
        elif v not in state:
            state[v] = 1
            stack.append(v)
            for x in (v._a, v._b):
                if hasattr(x, "_op") and x._op:
                    stack.append(x)
    order.reverse()
    return order


def gradients(out, leaves, rules):
    """d(out)/d(leaf) for each leaf, by the chain rule with the given rules, touching no .grad."""
    gs = {out: 1.0}
    for v in reference_order(out):
        a, b = v._a, v._b
        ga, gb = _pair(rules[v._op](a.data, b.data if hasattr(b, "data") else b, v.data, gs[v]), v._op)
        for x, gx in ((a, ga), (b, gb)):
            if hasattr(x, "_op"):
                gs[x] = gs[x] + gx if x in gs else gx
    return [gs.get(leaf, 0.0) for leaf in leaves]


def _pair(result, op):
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Fail(f"{op}: your rule returned {result!r}; it must return a pair (gradient for a, gradient for b)")
    return result


@contextmanager
def patched(module, rules=False, order=False):
    """The learner's module with reference rules and/or a reference topological order, restored after."""
    saved_rules, saved_order = dict(module.RULES), module.topological_order
    try:
        if rules:
            module.RULES.update(reference_rules(module))
        if order:
            module.topological_order = reference_order
        yield module
    finally:
        module.RULES.clear()
        module.RULES.update(saved_rules)
        module.topological_order = saved_order


# --- random expressions ------------------------------------------------------------------------------


def _statements(spec):
    """The inputs' and the steps' statements of spec = (inputs, steps) in the expression language: x0 = .., then
    one named node per step. A step (op, i, j) is op on node i and node j (or, for x ** number, the exponent j),
    in one of the op's forms in engine/ops.py; its place k picks which, so derived ops (x - y, 2 - x, 1.5 / x, ...)
    are checked as well."""
    inputs, steps = spec
    given = [f"x{k} = {x!r}" for k, x in enumerate(inputs)]
    names, made = [f"x{k}" for k in range(len(inputs))], []
    for k, (op, i, j) in enumerate(steps):
        row = BY_OP[op]
        name = "out" if k == len(steps) - 1 else f"h{k}"
        form = row.forms[k % len(row.forms)]
        made.append(f"{name} = " + form.format(a=names[i], b="" if row.constant_exponent else names[j], n=j))
        names.append(name)
    return given, made


def instantiate(spec, V, values=None):
    """(leaves, out) of spec's program built with the leaf class V (values: {x0: number} to move inputs)."""
    given, made = _statements(spec)
    inputs, out = expr.build("; ".join(given + made), leaf=V, values=values)
    return list(inputs.values()), out


def describe(spec):
    where = ", ".join(f"x{k} = {shown(x)}" for k, x in enumerate(spec[0]))
    return f"{'; '.join(_statements(spec)[1])} at {where}"


def random_specs(ops, count=120, seed=0):
    """Random expressions of the given ops, smallest first: 1 step, then 2, ... up to 6."""
    rng = random.Random(seed)
    ops = sorted(ops)
    specs = []
    for size in range(1, 7):
        for _ in range(count // 6):
            inputs = [round(rng.uniform(-2, 2), 3) for _ in range(rng.randint(1, 3))]
            steps = []
            for k in range(size):
                n = len(inputs) + k
                op = rng.choice(ops)
                j = rng.choice([2, 3, -1, 0.5, -0.5, 1.5]) if BY_OP[op].constant_exponent else rng.randrange(n)
                steps.append((op, rng.randrange(n), j))
            specs.append((inputs, steps))
    return specs


def expected_gradients(spec):
    """The output and d(out)/d(input): PyTorch float64 where it is installed, else the reference engine."""
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


def _finite_differences(spec, module, grads):
    inputs = spec[0]
    h = 1e-6
    for k in range(len(inputs)):
        up = instantiate(spec, module.Value, {f"x{k}": inputs[k] + h})[1]
        down = instantiate(spec, module.Value, {f"x{k}": inputs[k] - h})[1]
        numeric = (up.data - down.data) / (2 * h)
        if not matches(grads[k], numeric, 1e-4, 1e-5):
            raise Fail(
                f"{describe(spec)}: your dout/dx{k} is {shown(grads[k])}; finite differences say {shown(numeric)}"
            )


# --- the exercises -----------------------------------------------------------------------------------


def check_rule(module, op):
    """The learner's rule of op at the named cases of engine/ops.py, against the reference rule."""
    row = BY_OP[op]
    for case in row.cases:
        for g in (1.0, 2.5):
            if len(row.local) == 1:  # one input gets a gradient: x (and the exponent n of **)
                a, b = case if row.constant_exponent else (case, None)
                out = row.apply(ref.Value(a), b).data
                where, names = f"x = {shown(a)}" + (f", n = {shown(b)}" if b is not None else ""), ("x",)
            else:
                a, b = case
                out = row.apply(ref.Value(a), ref.Value(b)).data
                where, names = f"a = {shown(a)}, b = {shown(b)}", ("a", "b")
            got = _pair(module.RULES[op](a, b, out, g), op)
            want = ref.RULES[op](a, b, out, g)
            for k, var in enumerate(names):
                if not matches(got[k], want[k]):
                    formula = row.words(k, a=names[0], b="b", n="n")
                    raise Fail(
                        f"{op}: at {where} with upstream gradient {shown(g)}, your d/d{var} is {shown(got[k])}; "
                        f"expected {shown(want[k])} ({formula})"
                    )


def grade_rules(module, exercise, finished_ops):
    for op in exercise.ops:
        check_rule(module, op)
    ops = set(finished_ops) | set(exercise.ops)
    # the learner's rules for the ops finished so far; the reference's for the + and * that shape the inputs
    rules = {**reference_rules(module), **{op: module.RULES[op] for op in ops}}
    for spec in random_specs(ops, seed=exercise.number):
        leaves, out = instantiate(spec, module.Value)
        _check_against_reference(spec, out.data, gradients(out, leaves, rules), "your")
    for spec in random_specs(ops, count=12, seed=100 + exercise.number):
        leaves, out = instantiate(spec, module.Value)
        _finite_differences(spec, module, gradients(out, leaves, rules))


def grade_order(module):
    V = module.Value
    a, b = V(2.0), V(-3.0)
    h = a * b
    out = (h * h + h).tanh() * a
    _check_order(module, out, "for out = tanh(h*h + h) * a with h = a*b")
    _check_order(module, out, "called a second time on the same graph")
    x = V(0.5)
    y = x
    for _ in range(3000):
        y = y * 1.0 + 0.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        order = module.topological_order(y)
    except RecursionError:
        raise Fail("on a chain of 6,000 nodes, your topological_order hit RecursionError: make it iterative") from None
    finally:
        sys.setrecursionlimit(limit)
    if len(order) != 6000:
        raise Fail(f"on a chain of 6,000 nodes, your topological_order listed {len(order):,}")
    for spec in random_specs(set(ref.RULES), count=60, seed=5):
        _, out = instantiate(spec, V)
        _check_order(module, out, f"for {describe(spec)}")


def _check_order(module, root, where):
    order = module.topological_order(root)
    want = reference_order(root)
    if not isinstance(order, list):
        raise Fail(f"{where}: your topological_order returned {type(order).__name__}; it must return a list")
    if len(order) != len(set(order)):
        raise Fail(
            f"{where}: your topological_order lists a node more than once: {len(order)} entries, "
            f"expected each of the {len(want)} nodes once"
        )
    if set(order) != set(want):
        extra = " (a leaf among them)" if any(not v._op for v in order) else ""
        raise Fail(
            f"{where}: your topological_order lists {len(order)} nodes{extra}; "
            f"expected the {len(want)} non-leaf nodes below the root"
        )
    pos = {v: k for k, v in enumerate(order)}
    for v in order:
        for x in (v._a, v._b):
            if hasattr(x, "_op") and x._op and pos[x] < pos[v]:
                raise Fail(
                    f"{where}: your topological_order puts a node ({x._op}) before a node that uses it ({v._op})"
                )


def grade_backward(module):
    V = module.Value
    a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
    L = (a * b + c) * f
    L.backward()
    _expect(
        "for L = (a*b + c)*f at a = 2, b = -3, c = 10, f = -2",
        [L, a, b, c, f],
        [1.0, 6.0, -4.0, -2.0, 4.0],
        ["L", "a", "b", "c", "f"],
    )
    a = V(3.0)
    b = a + a
    b.backward()
    _expect("for b = a + a (a used twice) at a = 3", [a], [2.0], ["a"])
    x, y, z = V(2.0), V(3.0), V(5.0)
    out = x * y + x * z
    out.backward()
    _expect(
        "for out = x*y + x*z (x used by two nodes) at x = 2, y = 3, z = 5", [x, y, z], [8.0, 2.0, 2.0], ["x", "y", "z"]
    )
    x = V(2.0)
    y = x * x
    z = y * 3.0
    z.backward()
    z.backward()
    _expect(
        "for z = (x*x)*3 at x = 2, backward() called twice (leaves add up, other nodes hold the last call)",
        [x, y, z],
        [24.0, 3.0, 1.0],
        ["x", "x*x", "z"],
    )
    leaf = V(1.5)
    leaf.backward()
    leaf.backward()
    _expect("for a leaf x, x.backward() called twice (a leaf adds 1 each time)", [leaf], [2.0], ["x"])
    p, q = V(1.5), V(-2.0)
    r = p * q
    r.grad = 1.0
    r._backward()
    r._backward()
    _expect(
        "for r = p*q at p = 1.5, q = -2 with r.grad = 1, r._backward() called twice (it adds each time)",
        [p, q],
        [-4.0, 3.0],
        ["p", "q"],
    )
    s = p * p
    s.grad = 1.0
    p.grad = 0.0
    s._backward()
    _expect("for s = p*p at p = 1.5 with s.grad = 1, then s._backward()", [p], [3.0], ["p"])
    x, w = V(0.5), V(-1.0)
    o = (x * w + 0.3).tanh()
    o.grad = 1.0
    for v in reference_order(o):
        v._backward()
    rx, rw = ref.Value(0.5), ref.Value(-1.0)
    want = [g.data for g in ref.grad((rx * rw + 0.3).tanh(), [rx, rw])]
    _expect("for o = tanh(x*w + 0.3), o.grad = 1, then _backward() on each node in order", [x, w], want, ["x", "w"])
    for spec in random_specs(set(ref.RULES), count=60, seed=6):
        leaves, out = instantiate(spec, V)
        out.backward()
        _check_against_reference(spec, out.data, [leaf.grad for leaf in leaves], "after backward(), your")


def _expect(where, values, want, names):
    for v, w, name in zip(values, want, names, strict=True):
        if not matches(v.grad, w):
            raise Fail(f"{where}: your {name}.grad is {shown(v.grad)}; expected {shown(w)}")


def grade_grad(module):
    V = module.Value
    x = V(0.5)
    y = x.tanh() * x**3
    y.grad = 7.0
    (d1,) = module.grad(y, [x], create_graph=True)
    if not hasattr(d1, "_op"):
        raise Fail(f"grad(y, [x], create_graph=True) returned {d1!r}; it must return Values")
    (d2,) = module.grad(d1, [x])
    if getattr(d2, "_op", None):
        raise Fail("grad(y, [x]) without create_graph returned a node of a graph; expected a fresh leaf Value")
    rx = ref.Value(0.5)
    ry = rx.tanh() * rx**3
    (r1,) = ref.grad(ry, [rx], create_graph=True)
    (r2,) = ref.grad(r1, [rx])
    where = "for y = tanh(x) * x**3 at x = 0.5"
    if not matches(d1.data, r1.data):
        raise Fail(f"{where}: your dy/dx is {shown(d1.data)}; expected {shown(r1.data)}")
    if not matches(d2.data, r2.data):
        raise Fail(f"{where}: your second derivative is {shown(d2.data)}; expected {shown(r2.data)}")
    if y.grad != 7.0 or x.grad != 0.0:
        raise Fail(f"{where}: grad() changed .grad (y.grad {shown(y.grad)}, x.grad {shown(x.grad)}); it must not")
    for spec in random_specs(set(ref.RULES) - {"relu"}, count=30, seed=7):
        leaves, out = instantiate(spec, V)
        rleaves, rout = instantiate(spec, ref.Value)
        firsts = module.grad(out, leaves, create_graph=True)
        rfirsts = ref.grad(rout, rleaves, create_graph=True)
        for k, (g, rg) in enumerate(zip(firsts, rfirsts, strict=True)):
            (g2,) = module.grad(g, [leaves[k]]) if g._op else (V(0.0),)
            (rg2,) = ref.grad(rg, [rleaves[k]]) if rg._op else (ref.Value(0.0),)
            if not matches(g.data, rg.data, 1e-7, 1e-9) or not matches(g2.data, rg2.data, 1e-6, 1e-8):
                raise Fail(f"{describe(spec)}: your d2out/dx{k}2 is {shown(g2.data)}; expected {shown(rg2.data)}")


def grade_one(module, exercise, finished_ops):
    """(status, message) of one exercise, with the other exercises' pieces taken from the reference."""
    try:
        with time_limit(TIME_LIMIT):
            if exercise.ops:
                grade_rules(module, exercise, finished_ops)
            elif exercise.name == "topological_order":
                grade_order(module)
            elif exercise.name == "backward":
                with patched(module, rules=True, order=True):
                    grade_backward(module)
            else:
                with patched(module, rules=True, order=True):
                    grade_grad(module)
    except NotImplementedError as e:
        if str(e).startswith(f"exercise {exercise.number}"):
            return "not started", str(e)
        return "fail", f"raised NotImplementedError: {e}"
    except Fail as e:
        return "fail", str(e)
    except TimeLimit:
        return "fail", f"did not finish in {TIME_LIMIT} s (a loop that never ends?)"
    except RecursionError:
        return "fail", "RecursionError: make it iterative"
    except Exception as e:  # the learner's code raised: say where
        line = _line_in(e, getattr(module, "__file__", None))
        return "fail", f"your code raised {type(e).__name__}: {e}" + (f" (line {line} of engine.py)" if line else "")
    return "pass", ""


def grade(folder):
    """[Result] for each exercise of the engine in folder (LoadError if it cannot be used)."""
    module = load(folder)
    results, finished_ops = [], set()
    for e in EXERCISES:
        status, message = grade_one(module, e, finished_ops)
        if status == "pass":
            finished_ops |= set(e.ops)
        results.append(
            Result(e.number, e.name, e.title, status, e.points if status == "pass" else 0, e.points, message)
        )
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
