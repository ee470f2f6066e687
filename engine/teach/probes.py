"""What the grader runs of a learner's engine.py: probes. This module runs in the grader's child process
(engine.teach.sandbox), the only place where the learner's code runs, and turns each result into plain
data: numbers, lists of node positions, and the names of exceptions. It judges nothing: the grader's own
process compares the data with the reference engine and with finite differences (engine.teach.grade).

The graphs are described, never passed: an expression-language program (a spec) or a named case, built here
with the learner's Value class and, in the grader, with the reference's, so that both hold the same graph."""

import ast
import functools
import random
import sys
from contextlib import contextmanager
from pathlib import Path

from .. import engine as ref
from ..ops import BY_OP
from . import expr
from .exercises import rules_node

CHAIN_NODES = 100_000  # what the exercise text promises: a chain of 100,000 nodes at the default recursion limit


class NotPair(Exception):
    """A rule returned something other than a pair (gradient for a, gradient for b)."""

    def __init__(self, op, result):
        super().__init__(op, result)
        self.op, self.result = op, result


# --- random expressions, the same in both processes ---------------------------------------------------------


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


def instantiate(spec, V, values=None):
    """(leaves, out) of spec's program built with the leaf class V (values: {x0: number} to move inputs)."""
    given, made = statements(spec)
    inputs, out = expr.build("; ".join(given + made), leaf=V, values=values)
    return list(inputs.values()), out


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


# --- the reference pieces, working on any Value class -------------------------------------------------------


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
    gs = node_gradients(out, rules)
    return [gs.get(leaf, 0.0) for leaf in leaves]


def node_gradients(out, rules):
    """{node: d(out)/d(node)} for every node below out, by the chain rule with the given rules."""
    gs = {out: 1.0}
    for v in reference_order(out):
        a, b = v._a, v._b
        result = rules[v._op](a.data, b.data if hasattr(b, "data") else b, v.data, gs[v])
        if not (isinstance(result, tuple) and len(result) == 2):
            raise NotPair(v._op, result)
        for x, gx in ((a, result[0]), (b, result[1])):
            if hasattr(x, "_op"):
                gs[x] = gs[x] + gx if x in gs else gx
    return gs


@contextmanager
def patched(module):
    """The learner's module with the reference rules and topological order, restored after: backward() and
    grad() are graded on their own, whatever the learner's rules and order do."""
    saved_rules, saved_order = dict(module.RULES), module.topological_order
    try:
        module.RULES.update(reference_rules(module))
        module.topological_order = reference_order
        yield module
    finally:
        module.RULES.clear()
        module.RULES.update(saved_rules)
        module.topological_order = saved_order


# --- graphs of the topological-order exercise ---------------------------------------------------------------


def tanh_case(V):
    a, b = V(2.0), V(-3.0)
    h = a * b
    return (h * h + h).tanh() * a


def chain_case(V, nodes=CHAIN_NODES):
    y = V(0.5)
    for _ in range(nodes // 2):
        y = y * 1.0 + 0.0
    return y


def unlink(root):
    """Cut a graph into single nodes before it is freed. Freeing a long chain is a recursion in C, one level per
    node, which CPython stops in time natively but Pyodide's does not (a chain of 5,000 Values overflows
    WebAssembly's stack and kills the interpreter): the grader frees its 100,000-node chain so, in the browser
    too, and the benchmark its wide sum in Pyodide."""
    for v in reference_order(root):
        v._a = v._b = None


def graph(V, what):
    """The root of a described graph: {"case": "tanh"}, {"case": "chain"} or {"spec": spec}."""
    if "spec" in what:
        return instantiate(what["spec"], V)[1]
    return {"tanh": tanh_case, "chain": chain_case}[what["case"]](V)


# --- plain data ---------------------------------------------------------------------------------------------


def raw(x):
    """A learner's result as data: a number as a float (nan and inf included), anything else as its type and repr."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    return {"type": type(x).__name__, "repr": _repr(x)}


def _repr(x):
    try:
        text = repr(x)
    except Exception as e:  # a learner's __repr__ may raise
        text = f"<{type(x).__name__}: repr raised {type(e).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def _positions(order, root):
    """The learner's order as positions in the reference order of the same graph; a leaf is "leaf" and an object
    that is no node of the graph "other", so the grader can check it without the objects themselves."""
    at = {id(v): k for k, v in enumerate(reference_order(root))}
    return [at.get(id(v), "leaf" if hasattr(v, "_op") and not v._op else "other") for v in order]


# --- the probes: probe(module, **args) -> data ---------------------------------------------------------------


def probe_rule(module, op, a, b, out, g):
    result = module.RULES[op](a, b, out, g)
    if isinstance(result, tuple) and len(result) == 2:
        return {"pair": [raw(result[0]), raw(result[1])]}
    return {"returned": _repr(result)}


def probe_gradients(module, spec, ops, h=None):
    """The output and its gradients by the learner's rules for ops (the reference's for the rest); with h, also
    the output with each input moved by +h and by -h, for finite differences."""
    leaves, out = instantiate(spec, module.Value)
    rules = {**reference_rules(module), **{op: module.RULES[op] for op in ops}}
    try:
        gs = node_gradients(out, rules)
    except NotPair as e:
        return {"not_pair": e.op, "returned": _repr(e.result)}
    data = {"out": raw(out.data), "grads": [raw(gs.get(leaf, 0.0)) for leaf in leaves]}
    data["nodes"] = [raw(gs.get(v, 0.0)) for v in reference_order(out)]  # for the picture of a counterexample
    if h is not None:
        for key, d in (("up", h), ("down", -h)):
            data[key] = [raw(instantiate(spec, module.Value, {f"x{k}": x + d})[1].data) for k, x in enumerate(spec[0])]
    return data


def probe_order(module, what, calls=1):
    root = graph(module.Value, what)
    results = []
    try:
        for _ in range(calls):
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(1000)  # Python's default: the exercise asks for an order that needs no deeper stack
            try:
                order = module.topological_order(root)
            finally:
                sys.setrecursionlimit(limit)
            results.append(_positions(order, root) if isinstance(order, list) else {"type": type(order).__name__})
            del order
    finally:
        unlink(root)
    return {"calls": results}


def backward_case(V, name):
    """The named case of backward(): the Values whose .grad the grader reads, after backward() ran on them."""
    if name == "chain of ops":
        a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
        L = (a * b + c) * f
        L.backward()
        return [L, a, b, c, f]
    if name == "a + a":
        a = V(3.0)
        (a + a).backward()
        return [a]
    if name == "x*y + x*z":
        x, y, z = V(2.0), V(3.0), V(5.0)
        (x * y + x * z).backward()
        return [x, y, z]
    if name == "twice":
        x = V(2.0)
        y = x * x
        z = y * 3.0
        z.backward()
        z.backward()
        return [x, y, z]
    if name == "leaf twice":
        leaf = V(1.5)
        leaf.backward()
        leaf.backward()
        return [leaf]
    p, q = V(1.5), V(-2.0)
    if name == "_backward twice":
        r = p * q
        r.grad = 1.0
        r._backward()
        r._backward()
        return [p, q]
    if name == "_backward of p*p":
        s = p * p
        s.grad = 1.0
        p.grad = 0.0
        s._backward()
        return [p]
    x, w = V(0.5), V(-1.0)  # "_backward in order"
    o = (x * w + 0.3).tanh()
    o.grad = 1.0
    for v in reference_order(o):
        v._backward()
    return [x, w]


def probe_backward_case(module, name):
    with patched(module):
        return {"grads": [raw(v.grad) for v in backward_case(module.Value, name)]}


def probe_backward(module, spec):
    with patched(module):
        leaves, out = instantiate(spec, module.Value)
        out.backward()
        nodes = [raw(v.grad) for v in reference_order(out)]
        return {"out": raw(out.data), "grads": [raw(leaf.grad) for leaf in leaves], "nodes": nodes}


def probe_grad_case(module):
    """y = tanh(x) * x**3 at x = 0.5 with y.grad = 7: grad(create_graph=True), then grad() of that."""
    with patched(module):
        V = module.Value
        x = V(0.5)
        y = x.tanh() * x**3
        y.grad = 7.0
        (d1,) = module.grad(y, [x], create_graph=True)
        if not hasattr(d1, "_op"):
            return {"d1_not_value": raw(d1)}
        (d2,) = module.grad(d1, [x])
        return {
            "d1": raw(d1.data),
            "d2": raw(getattr(d2, "data", d2)),
            "d2_is_node": bool(getattr(d2, "_op", None)),
            "y_grad": raw(y.grad),
            "x_grad": raw(x.grad),
        }


def probe_grad(module, spec):
    """For each input x: d(out)/dx with create_graph=True, and d2(out)/dx2 by grad() of it."""
    with patched(module):
        V = module.Value
        leaves, out = instantiate(spec, V)
        firsts = module.grad(out, leaves, create_graph=True)
        pairs = []
        for k, g in enumerate(firsts):
            (g2,) = module.grad(g, [leaves[k]]) if g._op else (V(0.0),)
            pairs.append([raw(g.data), raw(g2.data)])
        return {"pairs": pairs}


PROBES = {
    "rule": probe_rule,
    "gradients": probe_gradients,
    "order": probe_order,
    "backward_case": probe_backward_case,
    "backward": probe_backward,
    "grad_case": probe_grad_case,
    "grad": probe_grad,
}
