"""backward(), explained one chain-rule term at a time: what the playground's stepper shows.

For an expression of the expression language (engine/expr.py): the graph's DOT before and after
backprop (the same DOT that `python -m engine draw` writes), the gradients, a finite-difference
check of each by the engine itself, and the steps. A step is one node and one of its inputs:
d(out)/d(input) += d(out)/d(node) x d(node)/d(input), with the local derivative as a formula and a
number; for an input used by several nodes, the running sum over its uses so far."""

import json

from . import expr
from .draw import draw, fmt
from .engine import RULES, Value, topological_order

# d(node)/d(input), in words, for the input in position 0 (a) or 1 (b) of each op
LOCAL = {
    ("+", 0): "1",
    ("+", 1): "1",
    ("*", 0): "{b}",
    ("*", 1): "{a}",
    ("/", 0): "1 / {b}",
    ("/", 1): "-{a} / {b}^2",
    ("**", 0): "{n} * {a}^{m}",
    ("pow", 0): "{b} * {a}^({b} - 1)",
    ("pow", 1): "{a}^{b} * ln({a})",
    ("exp", 0): "exp({a})",
    ("log", 0): "1 / {a}",
    ("tanh", 0): "1 - tanh({a})^2",
    ("relu", 0): "1 if {a} > 0 else 0",
    ("sigmoid", 0): "sigmoid({a}) * (1 - sigmoid({a}))",
}


def name(v):
    return v.label or f"({v._op})" if v._op else v.label or "x"


def terms(out):
    """out.backward() replayed one chain-rule term at a time: yields (node, input, position of the input,
    term) after adding each term to the input's .grad. Every gradient below out starts at 0, out's at 1."""
    order = topological_order(out)
    for v in order:
        v.grad = 0.0
    for leaf in {x for v in order for x in v._prev if not x._op}:
        leaf.grad = 0.0
    out.grad = 1.0  # set now, not at the first step: step 0 shows the seed
    return _terms(order)


def _terms(order):
    for v in order:
        a, b = v._a, v._b
        grads = RULES[v._op](a.data, b.data if isinstance(b, Value) else b, v.data, v.grad)
        for position, (x, gx) in enumerate(zip((a, b), grads, strict=True)):
            if isinstance(x, Value):
                x.grad += gx
                yield v, x, position, gx


def explain(out):
    """The steps of out.backward() as dicts, after running it term by term (leaves' grads are filled)."""
    top = name(out)
    steps = [{"node": top, "input": top, "text": f"d{top}/d{top} = 1: every backward pass starts here", "sum": ""}]
    uses = {}
    for v, x, position, gx in terms(out):
        a, b = v._a, v._b
        local = gx / v.grad if v.grad else 0.0
        formula = LOCAL[(v._op, position)].format(
            a=name(a),
            b=name(b) if isinstance(b, Value) else fmt(b) if b is not None else "",
            n=fmt(b) if v._op == "**" else "",
            m=fmt(b - 1) if v._op == "**" else "",
        )
        uses.setdefault(x, []).append((name(v), gx))
        through = uses[x]
        total = " + ".join(f"{fmt(t)} (through {n})" for n, t in through)
        steps.append(
            {
                "node": name(v),
                "input": name(x),
                "text": (
                    f"d{top}/d{name(x)} += d{top}/d{name(v)} x d{name(v)}/d{name(x)} = {fmt(v.grad)} x "
                    f"{fmt(local)} = {fmt(gx)}, where d{name(v)}/d{name(x)} = {formula} = {fmt(local)}"
                ),
                "sum": f"d{top}/d{name(x)} = {total} = {fmt(x.grad)}" if len(through) > 1 else "",
            }
        )
    return steps


def run(text):
    """Everything the playground shows for text, as a JSON string (an "error" key when text is rejected)."""
    try:
        inputs, out = expr.build(text)
    except expr.ExprError as e:
        return json.dumps({"error": str(e)})
    before = draw(out, max_nodes=None).source
    steps = explain(out)
    after = draw(out, max_nodes=None).source
    fd = {k: expr.finite_difference(text, k) for k in inputs}
    rows = [{"name": k, "value": v.data, "grad": v.grad, "fd": fd[k]} for k, v in inputs.items()]
    return json.dumps(
        {
            "output": {"name": name(out), "value": out.data},
            "inputs": rows,
            "before": before,
            "after": after,
            "steps": steps,
        }
    )
