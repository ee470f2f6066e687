"""Random expression DAGs for differential testing against PyTorch (float64).

A DAG is a list of inputs and a list of instructions; each instruction applies one op to
earlier nodes, chosen at random, so subexpressions are shared. The same instructions run on
Values and on tensors; the output's value and every input's gradient must agree:
|ours - torch| <= ATOL + RTOL * |torch| + SUM_TOL * S, and nan must meet nan, inf the same inf.

S is the sum of the absolute values of the chain-rule terms that make up the gradient. A
gradient is a sum of terms, and two engines may add them in different orders (PyTorch adds
them in its own order): (1 + 1e300) - 1e300 is 0 and (1e300 - 1e300) + 1 is 1, both correct
float64. So the tolerance grows with S; where S itself overflows, only nan must match nan."""

import math

from hypothesis import strategies as st

from engine import Value
from engine.engine import RULES, topological_order
from engine.ops import OPS
from engine.proof.compare import close

RTOL, ATOL = 1e-6, 1e-9  # float64 agrees to ~1e-16; this leaves room for an ulp amplified by a deep DAG
SUM_TOL = 1e-12  # times S, the size of the terms summed: room for the order of summation


def _instructions():
    """{name: (kind, function)} of every way a DAG node applies an op, derived from engine/ops.py: each op on
    Values, with a plain number on either side where Python allows one, and the derived ops (-, unary -),
    which have no row of their own. kind: "binary" (two nodes), "unary" (one node) or "constant" (a node, a number)."""
    out = {}
    for row in OPS:
        if row.method:
            out[row.written] = ("unary", row.apply)
        elif row.constant_exponent:
            out[row.written.replace(" n", " c")] = ("constant", row.apply)
        else:
            out[row.written] = ("binary", row.apply)
            out[row.written.replace(" b", " c")] = ("constant", row.apply)
            out[row.written.replace("a ", "c ").replace(" b", " a")] = (
                "constant",
                lambda a, c, row=row: row.apply(c, a),
            )
    out["a - b"] = ("binary", lambda a, b: a - b)
    out["c - a"] = ("constant", lambda a, c: c - a)
    out["-a"] = ("unary", lambda a: -a)
    return out


INSTRUCTIONS = _instructions()
KINDS = {
    kind: sorted(k for k, (kd, _) in INSTRUCTIONS.items() if kd == kind) for kind in ("binary", "unary", "constant")
}
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 1e-8, 1e8]
CONSTANTS = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, 1e-3, 10.0]

inputs = st.one_of(
    st.sampled_from(SPECIAL),
    st.floats(-10, 10, allow_nan=False, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([math.inf, -math.inf, math.nan]),
)


@st.composite
def dags(draw, max_inputs=4, max_ops=50):
    xs = draw(st.lists(inputs, min_size=1, max_size=max_inputs))
    n_ops = draw(st.integers(1, max_ops))
    prog = []
    for k in range(n_ops):
        size = len(xs) + k
        kind = draw(st.sampled_from(sorted(KINDS)))
        i = draw(st.integers(0, size - 1))
        if kind == "binary":
            prog.append((draw(st.sampled_from(KINDS[kind])), i, draw(st.integers(0, size - 1))))
        elif kind == "unary":
            prog.append((draw(st.sampled_from(KINDS[kind])), i, None))
        else:
            prog.append((draw(st.sampled_from(KINDS[kind])), i, draw(st.sampled_from(CONSTANTS))))
    return xs, prog


def evaluate(xs, prog, leaf):
    """Run the program on leaves made by `leaf`; the output is the last node."""
    leaves = [leaf(x) for x in xs]
    nodes = list(leaves)
    for name, i, j in prog:
        kind, apply = INSTRUCTIONS[name]
        nodes.append(apply(nodes[i]) if kind == "unary" else apply(nodes[i], nodes[j] if kind == "binary" else j))
    return leaves, nodes[-1]


def same(ours, ref, terms=0.0):
    if math.isinf(terms) and not (math.isnan(ours) or math.isnan(ref)):
        return True  # the terms overflow: which sum overflows first depends on the order
    return close(ours, ref, RTOL, ATOL + SUM_TOL * terms)


def term_sizes(out, leaves):
    """For each leaf, S: the sum of |term| over every chain-rule term of its gradient. The
    rules are linear in g, so running them on |g| and adding |results| gives S."""
    size = {out: 1.0}
    for v in topological_order(out):
        a, b = v._a, v._b
        ga, gb = RULES[v._op](a.data, b.data if isinstance(b, Value) else b, v.data, size[v])
        for x, gx in ((a, ga), (b, gb)):
            if isinstance(x, Value):
                size[x] = size.get(x, 0.0) + abs(gx)
    return [size.get(leaf, 0.0) for leaf in leaves]


def rel_error(ours, ref):
    if not (math.isfinite(ours) and math.isfinite(ref)):
        return 0.0 if same(ours, ref) else math.inf
    return abs(ours - ref) / max(abs(ref), 1e-300) if ours != ref else 0.0


def compare(xs, prog):
    """[(what, ours, torch, S)] for the output and each input's gradient; raises nothing."""
    import torch

    leaves, out = evaluate(xs, prog, Value)
    sizes = term_sizes(out, leaves)
    out.backward()
    tleaves, tout = evaluate(xs, prog, lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True))
    rows = [("value", out.data, tout.item(), 0.0)]
    if tout.requires_grad:
        tout.backward()
    for k, (v, t, s) in enumerate(zip(leaves, tleaves, sizes, strict=True)):
        rows.append((f"grad x{k}", v.grad, t.grad.item() if t.grad is not None else 0.0, s))
    return rows


def mismatches(xs, prog):
    return [row for row in compare(xs, prog) if not same(*row[1:])]
