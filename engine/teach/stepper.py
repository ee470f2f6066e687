"""backward(), explained one chain-rule term at a time: what the playground's stepper shows.

For an expression of the expression language (engine/teach/expr.py): the graph's DOT before and after
backprop (the same DOT that `python -m engine draw` writes), the gradients, a finite-difference
check of each by the engine itself, and the steps. A step is one node and one of its inputs:
d(out)/d(input) += d(out)/d(node) x d(node)/d(input), with the local derivative as a formula and a
number; for an input used by several nodes, the running sum over its uses so far."""

import json
import math

from ..draw.graph import MAX_NODES, draw, fmt, walk
from ..engine import RULES, Value, topological_order
from ..ops import BY_OP, METHODS
from . import expr


def node_name(v):
    """What a node is called in the lesson: its label, else its op in parentheses (or x for a leaf)."""
    return v.label or f"({v._op})" if v._op else v.label or "x"


def terms(out):
    """out.backward() replayed one chain-rule term at a time: yields (node, input, position of the input,
    local derivative, term) after adding each term to the input's .grad. The local derivative is the rule
    at upstream gradient 1 (the rules are linear in it), never term / upstream, which a 0 upstream would
    break. Every gradient below out starts at 0, out's at 1."""
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
        inputs = (a.data, b.data if isinstance(b, Value) else b, v.data)
        grads, slopes = RULES[v._op](*inputs, v.grad), RULES[v._op](*inputs, 1.0)
        for position, (x, gx, local) in enumerate(zip((a, b), grads, slopes, strict=True)):
            if isinstance(x, Value):
                x.grad += gx
                yield v, x, position, local, gx


def explain(out, pictures=False):
    """The steps of out.backward() as dicts, after running it term by term (leaves' grads are filled). With
    pictures, each step also has the graph's DOT as that step leaves it: the input that just received a term
    outlined, the edge it came along bold, every gradient so far filled in (the playground animates them)."""
    top = node_name(out)
    steps = [{"node": top, "input": top, "text": f"d{top}/d{top} = 1: every backward pass starts here", "sum": ""}]
    uses, replay = {}, terms(out)  # terms() seeds the gradients at once, and adds the terms as it is iterated
    if pictures:
        steps[0]["dot"] = _picture(out, out, ())  # the seed: d(out)/d(out) = 1, every other gradient 0
    for v, x, position, local, gx in replay:
        a, b = v._a, v._b
        constant = not isinstance(b, Value)
        formula = BY_OP[v._op].words(
            position,
            a=node_name(a),
            b=fmt(b) if constant and b is not None else node_name(b) if b is not None else "",
            n=fmt(b) if constant and b is not None else "",
        )
        uses.setdefault(x, []).append((node_name(v), gx))
        through = uses[x]
        total = " + ".join(f"{fmt(t)} (through {n})" for n, t in through)
        name_v, name_x = node_name(v), node_name(x)
        steps.append(
            {
                "node": name_v,
                "input": name_x,
                "text": (
                    f"d{top}/d{name_x} += d{top}/d{name_v} x d{name_v}/d{name_x} = {fmt(v.grad)} x "
                    f"{fmt(local)} = {fmt(gx)}, where d{name_v}/d{name_x} = {formula} = {fmt(local)}"
                ),
                "sum": f"d{top}/d{name_x} = {total} = {fmt(x.grad)}" if len(through) > 1 else "",
                # what predict mode asks for before it shows the step, and its hint: the op's words
                "local": number(local),
                "term": number(gx),
                "ask_local": f"d{name_v}/d{name_x}",
                "ask_term": f"d{top}/d{name_x} += d{top}/d{name_v} x d{name_v}/d{name_x}",
                "hint": f"d{name_v}/d{name_x} = {formula}, and d{top}/d{name_v} = {fmt(v.grad)}",
            }
        )
        if pictures:
            steps[-1]["dot"] = _picture(out, x, ((x, v),))
    return steps


PREDICTION_TOLERANCE = 0.01  # an answer within 1% of the engine's number (or within 0.01 of a number under 1)


def predicted(expected, typed):
    """Whether a learner's typed answer is the engine's number: within PREDICTION_TOLERANCE, relative, or
    absolute for numbers under 1; "inf", "-inf" and "nan" as Python writes them. JSON text of {"right", "why"}."""
    try:
        guess = float(str(typed).strip())
    except ValueError:
        return json.dumps({"right": False, "why": f"{str(typed)[:30]!r} is not a number"})
    want = float(expected)
    if math.isnan(want) or math.isinf(want):
        right = repr(guess) == repr(want)
    else:
        right = abs(guess - want) <= PREDICTION_TOLERANCE * max(1.0, abs(want))
    return json.dumps({"right": right, "why": "" if right else "not yet"})


def _picture(out, highlight, edges):
    return draw(out, max_nodes=None, highlight=highlight, bold_edges=edges).source


def number(x):
    """A number as the page receives it: a finite float as JSON's number; inf, -inf and nan, which JSON has not, as
    the text Python and the pictures write ("inf", "-inf", "nan"); -0.0 as 0."""
    return x + 0.0 if math.isfinite(x) else repr(x)


def explained(text):
    """Everything the playground shows for text, as a JSON string (an "error" key when text is rejected)."""
    try:
        inputs, out = expr.build(text)
    except expr.ExprError as e:
        return json.dumps({"error": str(e)})
    before = draw(out, max_nodes=None).source
    small = len(walk(out)) <= MAX_NODES  # an animation of a huge graph would be unreadable and slow to make
    steps = explain(out, pictures=small)
    after = draw(out, max_nodes=None).source
    fd = {k: expr.finite_difference(text, k) for k in inputs}
    rows = [
        {"name": k, "value": number(v.data), "grad": number(v.grad), "fd": number(fd[k])} for k, v in inputs.items()
    ]
    return json.dumps(
        {
            "output": {"name": node_name(out), "value": number(out.data)},
            "methods": METHODS,
            "inputs": rows,
            "before": before,
            "after": after,
            "steps": steps,
            "tolerance": PREDICTION_TOLERANCE,
        }
    )
