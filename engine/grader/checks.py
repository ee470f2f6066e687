"""One check per exercise, each one object: its named cases, the probes that run beside the learner's code
(engine/grader/runner.py), the reference pieces those probes may use, and how their data is judged.

A rule's exercise runs named cases first (judged against PyTorch float64 where it is installed, the reference
engine where it is not), then random expressions of the ops finished so far, then finite differences. The
other exercises run the same random expressions through the learner's topological_order, backward() and grad(),
with the reference's rules and order standing in for the learner's, so that each exercise is graded on its own.
A job carries the reference pieces its probes need, as source text, and never a piece its exercise grades."""

import ast
import functools
import random
from pathlib import Path

from .. import engine as ref
from ..ops import BY_OP
from ..proof import compare
from ..teach import expr
from ..teach.exercises import EXERCISES, function_node, rules_node
from . import runner
from .report import MALFORMED, Malformed

RTOL, ATOL = 1e-9, 1e-12
CHAIN_NODES = 100_000  # what the exercise text promises: a chain of 100,000 nodes at the default recursion limit


class Fail(Exception):
    """A check failed; the message is the counterexample, in words."""


class Raised(Exception):
    """The learner's code raised while a probe ran: its name, message and line in engine.py, as data."""

    def __init__(self, data):
        super().__init__(data["raised"])
        self.name, self.message, self.line = data["raised"], data["message"], data["line"]
        if not (isinstance(self.name, str) and isinstance(self.message, str)):
            raise Malformed("raised")
        if not (self.line is None or isinstance(self.line, float)):
            raise Malformed("line")


def matches(ours, want, rtol=RTOL, atol=ATOL):
    """The comparison, for a learner's result that may not even be a number."""
    return isinstance(ours, float) and compare.close(ours, want, rtol, atol)


def shown(x):
    """A number as the grader's messages show it (anything else, from the learner's data, as its repr)."""
    if isinstance(x, dict):
        return str(x.get("repr", "?"))
    return f"{x:.4g}" if isinstance(x, float) else repr(x)


# --- the reference pieces, as source text cut from the core -------------------------------------------------------


@functools.cache
def _core():
    source = Path(ref.__file__).read_text()
    return source, ast.parse(source)


def piece(name):
    """The source text of a piece of the reference: "topological_order", "grad", or "rule:OP"."""
    source, tree = _core()
    if name.startswith("rule:"):
        rules = rules_node(tree).value
        value = next(v for k, v in zip(rules.keys, rules.values, strict=True) if k.value == name[5:])
        return ast.get_source_segment(source, value)
    return ast.get_source_segment(source, function_node(tree, name))


def pieces(names):
    """The job's pieces: {"rules": {op: source}, "topological_order": source, "grad": source}, of those named."""
    given = {"rules": {n[5:]: piece(n) for n in sorted(names) if n.startswith("rule:")}}
    given.update({n: piece(n) for n in sorted(names) if not n.startswith("rule:")})
    return given


ALL_RULES = frozenset(f"rule:{op}" for op in ref.RULES)


# --- random expressions ------------------------------------------------------------------------------------------


def statements(spec):
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


def program(spec):
    """spec as the runner builds it: one "name = expression" a line."""
    given, made = statements(spec)
    return given + made


def instantiate(spec, V, values=None):
    """(leaves, out) of spec's program built with the leaf class V (values: {x0: number} to move inputs)."""
    inputs, out = expr.build("; ".join(program(spec)), leaf=V, values=values)
    return list(inputs.values()), out


def describe(spec):
    where = ", ".join(f"x{k} = {shown(x)}" for k, x in enumerate(spec[0]))
    return f"{'; '.join(statements(spec)[1])} at {where}"


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


def spec_of(raw):
    """A spec as it came through JSON (lists), as random_specs makes it: (inputs, [(op, i, j), ...])."""
    inputs, steps = raw
    return (list(inputs), [tuple(step) for step in steps])


_EXPECTED = {}  # the grader's expressions are a fixed, seeded set: a few hundred entries at most


def expected_gradients(spec):
    """The output and d(out)/d(input): PyTorch float64 where it is installed, else the reference engine.
    Remembered per spec: every workspace of a class is checked on the same expressions."""
    key = repr(spec)
    if key not in _EXPECTED:  # two threads may both compute it: the same numbers either way
        try:
            import torch
        except ImportError:
            leaves, out = instantiate(spec, ref.Value)
            _EXPECTED[key] = out.data, [g.data for g in ref.grad(out, leaves)]
        else:
            leaves, out = instantiate(spec, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True))
            grads = torch.autograd.grad(out, leaves, allow_unused=True)
            _EXPECTED[key] = out.item(), [0.0 if g is None else g.item() for g in grads]
    return _EXPECTED[key]


def expected_rule(op, a, b, g):
    """What a rule must return at (a, b) with upstream gradient g: PyTorch float64's gradients where it is
    installed, else the reference rule. None for b's gradient where b is no Value."""
    key = (op, a, b, g)
    if key not in _EXPECTED:
        row = BY_OP[op]
        try:
            import torch
        except ImportError:
            out = row.apply(ref.Value(a), ref.Value(b) if len(row.local) == 2 else b).data
            _EXPECTED[key] = ref.RULES[op](a, b, out, g)
        else:
            t = lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)
            inputs = [t(a)] + ([t(b)] if len(row.local) == 2 else [])
            out = row.apply(inputs[0], inputs[1] if len(row.local) == 2 else b)
            grads = torch.autograd.grad(out, inputs, grad_outputs=torch.tensor(g, dtype=torch.float64))
            _EXPECTED[key] = (grads[0].item(), grads[1].item() if len(grads) == 2 else None)
    return _EXPECTED[key]


def _check_against_reference(spec, ours_value, ours_grads, what):
    value, want = expected_gradients(spec)
    if not matches(ours_value, value, 1e-7, 1e-9):
        raise Fail(f"{describe(spec)}: your out is {shown(ours_value)}; expected {shown(value)}")
    if len(ours_grads) != len(want):
        raise Malformed("grads")
    for k, (got, exp) in enumerate(zip(ours_grads, want, strict=True)):
        if not matches(got, exp, 1e-7, 1e-9):
            raise Fail(f"{describe(spec)}: {what} dout/dx{k} is {shown(got)}; expected {shown(exp)}")


def _not_a_tuple(op, returned):
    if not isinstance(returned, str):  # the runner hands back the repr of what the rule returned
        raise Malformed("returned")
    return Fail(f"{op}: your rule returned {returned}; it must return a tuple (gradient for a, gradient for b)")


# --- the checks ----------------------------------------------------------------------------------------------------


class Check:
    """An exercise's check. grades: the reference pieces its learner writes, never in its job; needs: the pieces
    its probes use."""

    grades = frozenset()
    needs = frozenset()

    def __init__(self, exercise):
        self.exercise = exercise

    def probes(self, finished_ops):
        raise NotImplementedError

    def job(self, finished_ops=()):
        """What the runner gets: the ops a workspace must have rows for, the pieces, the probes."""
        return {
            "exercise": self.exercise.number,
            "ops": sorted(ref.RULES),
            "pieces": pieces(self.needs - self.grades),
            "probes": self.probes(set(finished_ops)),
        }

    def judge(self, probe, data):
        """Raise Fail (a counterexample, in words) or Malformed; return when the probe's data is right."""
        getattr(self, f"judge_{probe['kind']}")(probe, data)


class RulesCheck(Check):
    """Exercises 1-4: the rules of the ops engine/ops.py gives the exercise."""

    needs = ALL_RULES | {"topological_order", "grad"}

    @property
    def grades(self):
        return frozenset(f"rule:{op}" for op in self.exercise.ops)

    def cases(self):
        """The named cases: each op's cases in engine/ops.py, at upstream gradients 1 and 2.5."""
        for op in self.exercise.ops:
            row = BY_OP[op]
            for case in row.cases:
                a, b = (case if row.constant_exponent else (case, None)) if len(row.local) == 1 else case
                out = row.apply(ref.Value(a), ref.Value(b) if len(row.local) == 2 else b).data
                for g in (1.0, 2.5):
                    yield {"kind": "rule", "op": op, "a": a, "b": b, "out": out, "g": g}

    def probes(self, finished_ops):
        ops = sorted(finished_ops | set(self.exercise.ops))
        n = self.exercise.number
        probes = list(self.cases())
        probes += [
            {"kind": "gradients", "program": program(s), "ops": ops, "about": {"spec": s}}
            for s in random_specs(ops, seed=n)
        ]
        for s in random_specs(ops, count=12, seed=100 + n):
            probes.append({"kind": "gradients", "program": program(s), "ops": ops, "h": 1e-6, "about": {"spec": s}})
        return probes

    def judge_rule(self, probe, data):
        op, a, b, g = probe["op"], probe["a"], probe["b"], probe["g"]
        if "pair" not in data:
            raise _not_a_tuple(op, data["returned"])
        pair = data["pair"]
        if not (isinstance(pair, list) and len(pair) == 2):
            raise Malformed("pair")
        row = BY_OP[op]
        if len(row.local) == 1:
            where, names = f"x = {shown(a)}" + (f", n = {shown(b)}" if b is not None else ""), ("x",)
        else:
            where, names = f"a = {shown(a)}, b = {shown(b)}", ("a", "b")
        want = expected_rule(op, a, b, g)
        for k, var in enumerate(names):
            if not matches(pair[k], want[k]):
                formula = row.words(k, a=names[0], b="b", n="n")
                raise Fail(
                    f"{op}: at {where} with upstream gradient {shown(g)}, your d/d{var} is {shown(pair[k])}; "
                    f"expected {shown(want[k])} ({formula})"
                )

    def judge_gradients(self, probe, data):
        spec = spec_of(probe["about"]["spec"])
        if "not_tuple" in data:
            raise _not_a_tuple(data["not_tuple"], data["returned"])
        if probe.get("h") is None:
            _check_against_reference(spec, data["out"], data["grads"], "your")
            return
        if not len(data["grads"]) == len(data["up"]) == len(data["down"]) == len(spec[0]):
            raise Malformed("finite differences")
        for k, (grad, up, down) in enumerate(zip(data["grads"], data["up"], data["down"], strict=True)):
            if not (isinstance(up, float) and isinstance(down, float)):
                raise Malformed("finite differences")
            numeric = (up - down) / (2 * probe["h"])
            if not matches(grad, numeric, 1e-4, 1e-5):
                raise Fail(
                    f"{describe(spec)}: your dout/dx{k} is {shown(grad)}; finite differences say {shown(numeric)}"
                )


_ORDERS = {}  # an order probe's facts, built once: every workspace of a class gets the same probes


def _order_facts(probe):
    """The reference's graph of an order probe, as numbers that outlive it: its non-leaf nodes (by their place in
    runner.listing) and each edge (input, user) between two of them, with the two ops."""
    key = repr((probe.get("chain_nodes"), probe.get("program")))
    if key not in _ORDERS:  # two threads may both build it: the same facts either way
        root = (
            runner.long_chain(ref.Value, probe["chain_nodes"])
            if probe.get("chain_nodes")
            else runner.build_program(probe["program"], ref.Value)[1]
        )
        try:
            nodes = runner.listing(root)
            number = {id(v): k for k, v in enumerate(nodes)}
            edges = [
                (number[id(x)], k, x._op, v._op)
                for k, v in enumerate(nodes)
                if v._op
                for x in (v._a, v._b)
                if type(x) is ref.Value and x._op
            ]
            _ORDERS[key] = len(nodes), frozenset(k for k, v in enumerate(nodes) if v._op), edges
        finally:  # in Pyodide, freeing the 100,000-node chain whole would kill the interpreter
            runner.unlink_graph(root)
    return _ORDERS[key]


class OrderCheck(Check):
    """Exercise 5: the topological order, held to Python's default recursion limit."""

    grades = frozenset({"topological_order"})

    def probes(self, finished_ops):
        tanh = ["a = 2.0", "b = -3.0", "h = a * b", "out = (h * h + h).tanh() * a"]
        probes = [{"kind": "order", "program": tanh, "calls": 2}, {"kind": "order", "chain_nodes": CHAIN_NODES}]
        return probes + [
            {"kind": "order", "program": program(s), "about": {"spec": s}}
            for s in random_specs(set(ref.RULES), count=60, seed=5)
        ]

    def judge_order(self, probe, data):
        if "about" in probe:
            where = f"for {describe(spec_of(probe['about']['spec']))}"
        elif probe.get("chain_nodes"):
            where = f"on a chain of {CHAIN_NODES:,} nodes"
        else:
            where = "for out = tanh(h*h + h) * a with h = a*b"
        if "recursion_limit" in data:
            raise Fail(
                f"{where}, your topological_order changed the recursion limit (to {shown(data['recursion_limit'])}); "
                f"it must work at Python's default of {runner.RECURSION_LIMIT:,}: make it iterative"
            )
        count, inner, edges = _order_facts(probe)
        if len(data["calls"]) != probe.get("calls", 1):
            raise Malformed("calls")
        for call, order in enumerate(data["calls"]):
            here = where if call == 0 else "called a second time on the same graph"
            if isinstance(order, dict):
                if not isinstance(order.get("type"), str):
                    raise Malformed("type")
                raise Fail(f"{here}: your topological_order returned {order['type']}; it must return a list")
            if len(order) != len(set(order)):
                raise Fail(
                    f"{here}: your topological_order lists a node more than once: {len(order)} entries, "
                    f"expected each of the {len(inner)} nodes once"
                )
            if set(order) != inner:
                leaf = any(isinstance(k, float) and 0 <= k < count and k not in inner for k in order)
                among = " (a leaf among them)" if leaf else ""
                raise Fail(
                    f"{here}: your topological_order lists {len(order):,} nodes{among}; "
                    f"expected the {len(inner):,} non-leaf nodes below the root"
                )
            at = {k: p for p, k in enumerate(order)}
            for child, user, child_op, user_op in edges:
                if at[child] < at[user]:
                    raise Fail(
                        f"{here}: your topological_order puts a node ({child_op}) before a node that uses it "
                        f"({user_op})"
                    )


class BackwardCase:
    """A named case of backward(): statements over V, the names whose .grad is read, and what it shows."""

    def __init__(self, where, program, read):
        self.where, self.program, self.read = where, program, read

    def expected(self):
        """The reference's .grad of each name read, by running the same statements on it."""
        scope = {"__builtins__": runner.BUILTINS, "V": ref.Value, "topological_order": ref.topological_order}
        exec("\n".join(self.program), scope)
        return [scope[name].grad for name in self.read]


BACKWARD_CASES = {
    "chain of ops": BackwardCase("for L = (a*b + c)*f at a = 2, b = -3, c = 10, f = -2",
                                 ["a = V(2.0)", "b = V(-3.0)", "c = V(10.0)", "f = V(-2.0)", "L = (a*b + c)*f",
                                  "L.backward()"], ["L", "a", "b", "c", "f"]),
    "a + a": BackwardCase("for b = a + a (a used twice) at a = 3", ["a = V(3.0)", "b = a + a", "b.backward()"], ["a"]),
    "x*y + x*z": BackwardCase("for out = x*y + x*z (x used by two nodes) at x = 2, y = 3, z = 5",
                              ["x = V(2.0)", "y = V(3.0)", "z = V(5.0)", "out = x*y + x*z", "out.backward()"],
                              ["x", "y", "z"]),
    "twice": BackwardCase("for z = (x*x)*3 at x = 2, backward() called twice (leaves add up, other nodes hold the "
                          "last call)", ["x = V(2.0)", "y = x * x", "z = y * 3.0", "z.backward()", "z.backward()"],
                          ["x", "y", "z"]),
    "leaf twice": BackwardCase("for a leaf x, x.backward() called twice (a leaf adds 1 each time)",
                               ["x = V(1.5)", "x.backward()", "x.backward()"], ["x"]),
    "_backward twice": BackwardCase("for r = p*q at p = 1.5, q = -2 with r.grad = 1, r._backward() called twice (it "
                                    "adds each time)", ["p = V(1.5)", "q = V(-2.0)", "r = p * q", "r.grad = 1.0",
                                                        "r._backward()", "r._backward()"], ["p", "q"]),
    "_backward of p*p": BackwardCase("for s = p*p at p = 1.5 with s.grad = 1, then s._backward()",
                                     ["p = V(1.5)", "s = p * p", "s.grad = 1.0", "p.grad = 0.0", "s._backward()"],
                                     ["p"]),
    "_backward in order": BackwardCase("for o = tanh(x*w + 0.3), o.grad = 1, then _backward() on each node in order",
                                       ["x = V(0.5)", "w = V(-1.0)", "o = (x * w + 0.3).tanh()", "o.grad = 1.0",
                                        "for v in topological_order(o): v._backward()"], ["x", "w"]),
}  # fmt: skip


class BackwardCheck(Check):
    """Exercise 6: backward() and _backward(), on the reference's rules and order."""

    grades = frozenset({"backward"})  # a method of Value: the reference's is never in a job
    needs = ALL_RULES | {"topological_order"}

    def probes(self, finished_ops):
        probes = [
            {"kind": "program", "program": c.program, "read": c.read, "about": {"case": n}}
            for n, c in BACKWARD_CASES.items()
        ]
        specs = random_specs(set(ref.RULES), count=60, seed=6)
        return probes + [{"kind": "backward", "program": program(s), "about": {"spec": s}} for s in specs]

    def judge_program(self, probe, data):
        case = BACKWARD_CASES[probe["about"]["case"]]
        if len(data["grads"]) != len(case.read):
            raise Malformed("grads")
        for got, want, name in zip(data["grads"], case.expected(), case.read, strict=True):
            if not matches(got, want):
                raise Fail(f"{case.where}: your {name}.grad is {shown(got)}; expected {shown(want)}")

    def judge_backward(self, probe, data):
        _check_against_reference(spec_of(probe["about"]["spec"]), data["out"], data["grads"], "after backward(), your")


class GradCheck(Check):
    """Exercise 7: grad(create_graph=True), on the reference's rules and order."""

    grades = frozenset({"grad"})
    needs = ALL_RULES | {"topological_order"}

    def probes(self, finished_ops):
        specs = random_specs(set(ref.RULES) - {"relu"}, count=30, seed=7)
        return [{"kind": "grad_case"}] + [{"kind": "grad", "program": program(s), "about": {"spec": s}} for s in specs]

    def judge_grad_case(self, probe, data):
        if "d1_not_value" in data:
            raise Fail(f"grad(y, [x], create_graph=True) returned {shown(data['d1_not_value'])}; it must return Values")
        if data["d2_is_node"] is not False:
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

    def judge_grad(self, probe, data):
        spec = spec_of(probe["about"]["spec"])
        rleaves, rout = instantiate(spec, ref.Value)
        firsts = ref.grad(rout, rleaves, create_graph=True)
        if len(data["pairs"]) != len(firsts):
            raise Malformed("pairs")
        for k, (pair, rg) in enumerate(zip(data["pairs"], firsts, strict=True)):
            g, g2 = pair
            (rg2,) = ref.grad(rg, [rleaves[k]]) if rg._op else (ref.Value(0.0),)
            if not matches(g, rg.data, 1e-7, 1e-9) or not matches(g2, rg2.data, 1e-6, 1e-8):
                raise Fail(f"{describe(spec)}: your d2out/dx{k}2 is {shown(g2)}; expected {shown(rg2.data)}")


_KINDS = {5: OrderCheck, 6: BackwardCheck, 7: GradCheck}
CHECKS = tuple(_KINDS.get(e.number, RulesCheck)(e) for e in EXERCISES)
BY_NUMBER = {c.exercise.number: c for c in CHECKS}


def load_job():
    """The job that only loads a workspace: its probes are none, and it needs no piece."""
    return {"exercise": 0, "ops": sorted(ref.RULES), "pieces": {"rules": {}}, "probes": []}


# --- the verdict ------------------------------------------------------------------------------------------------


def verdict(check, probes, report, failed=None):
    """(status, message) of one exercise from a report that the schema passed (engine/grader/report.py). Only data
    crosses: nothing in the report can run or patch anything. failed, a dict if given, gets the probe that failed
    and its data (the playground draws them)."""
    k = 0
    failed = {} if failed is None else failed
    try:
        if "load_error" in report:  # it loaded a moment ago: this run of it behaved otherwise
            raise Fail(f"engine.py: {report['load_error']}" if isinstance(report["load_error"], str) else MALFORMED)
        results = report["results"]
        if not isinstance(results, list) or len(results) > len(probes):
            raise Malformed("results")
        for k, probe in enumerate(probes):
            if k >= len(results):
                raise Fail("the check's process handed back fewer results than it was asked for")
            result = results[k]
            if "raised" in result:
                raise Raised(result)
            failed.update(probe=probe, data=result["ok"])
            check.judge(probe, result["ok"])
        failed.clear()
    except Raised as e:
        failed.clear()  # an exception, not a wrong number: nothing to draw
        return _raised_verdict(e, check.exercise, probes[k])
    except Fail as e:
        return "fail", str(e)
    except (Malformed, KeyError, TypeError, ValueError, IndexError, AttributeError):
        failed.clear()
        return "fail", MALFORMED
    return "pass", ""


def _raised_verdict(e, exercise, probe):
    if e.name == "NotImplementedError" and e.message.startswith(f"exercise {exercise.number}"):
        return "not started", e.message
    if e.name == "NotImplementedError":
        return "fail", f"raised NotImplementedError: {e.message}"
    if e.name == "RecursionError" and not exercise.ops:  # a recursive search over the graph
        if probe.get("chain_nodes"):
            return "fail", (
                f"on a chain of {CHAIN_NODES:,} nodes, your topological_order hit RecursionError: make it iterative"
            )
        return "fail", "RecursionError: make it iterative"
    line = f" (line {e.line:.0f} of engine.py)" if e.line else ""
    return "fail", f"your code raised {e.name}: {e.message}{line}"
