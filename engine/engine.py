"""A scalar reverse-mode autograd engine: the whole core, standard library only.

A Value wraps a float; each op on Values makes a new Value that remembers its op and inputs: a node of a graph.
backward() walks the graph from the output down and applies the chain rule at each node: the op's derivative,
written once in RULES, times the gradient from above, is added into each input's .grad. grad(create_graph=True)
runs the same rules on Values, so its gradients are graphs and can be differentiated again."""

import math
from numbers import Real


class Value:
    """A float that remembers how it was computed, so that gradients can flow back to it."""

    # No __dict__, no closure per node, no reference cycle: refcounting frees a dropped graph at once.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")

    def __init__(self, data, label="", _op="", _a=None, _b=None):
        """Value(x) or Value(x, "x") is a leaf; an op makes its output node, the one place nodes are made,
        as Value(out, "", op, a, b): no label, its op, its inputs (b a Value, a float constant, or None)."""
        self.data, self.grad, self.label = data if type(data) is float else _number(data), 0.0, label
        self._op, self._a, self._b = _op, _a, _b

    _prev = property(lambda self: tuple(x for x in (self._a, self._b) if type(x) is Value))  # input Values

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r}{f', label={self.label!r}' if self.label else ''})"

    # The ops: each makes its output node; its gradient rule is its line in RULES. Numbers stay floats.
    def __add__(self, other):
        if type(other) is Value:
            return Value(self.data + other.data, "", "+", self, other)
        other = other if type(other) is float else _number(other)
        return Value(self.data + other, "", "+", self, other)

    def __mul__(self, other):
        if type(other) is Value:
            return Value(self.data * other.data, "", "*", self, other)
        other = other if type(other) is float else _number(other)
        return Value(self.data * other, "", "*", self, other)

    def __truediv__(self, other):
        if type(other) is Value:
            return Value(_div(self.data, other.data), "", "/", self, other)
        other = other if type(other) is float else _number(other)
        return Value(_div(self.data, other), "", "/", self, other)

    def __pow__(self, other):  # Value ** Value is "pow"; Value ** number is "**", as PyTorch has it
        if type(other) is Value:
            return Value(_pow(self.data, other.data), "", "pow", self, other)
        other = other if type(other) is float else _number(other)
        return Value(_pow_n(self.data, other), "", "**", self, other)

    exp = lambda self: Value(_exp(self.data), "", "exp", self)
    log = lambda self: Value(_log(self.data), "", "log", self)
    tanh = lambda self: Value(math.tanh(self.data), "", "tanh", self)
    relu = lambda self: Value(0.0 if self.data < 0 else self.data, "", "relu", self)
    sigmoid = lambda self: Value(1.0 / (1.0 + _exp(-self.data)), "", "sigmoid", self)

    # Derived ops: made of the ops above, so they need no rule of their own.
    __radd__ = __add__
    __rmul__ = __mul__
    __neg__ = lambda self: self * -1.0
    __sub__ = lambda self, other: self + (-other)
    __rsub__ = lambda self, other: -self + other
    __rtruediv__ = lambda self, other: other * self**-1  # number / x, as PyTorch computes it
    __rpow__ = lambda self, other: Value(other) ** self

    def _backward(self):
        """Apply this node's rule once, as micrograd's closure does: input.grad += d(self)/d(input) * self.grad."""
        if self._op:
            a, b = self._a, self._b
            ga, gb = RULES[self._op](a.data, _data(b), self.data, self.grad)
            a.grad = a.grad + ga if a.grad else ga  # no gradient yet (0.0, None): store the first
            if type(b) is Value:
                b.grad = b.grad + gb if b.grad else gb

    def backward(self):
        """Set .grad of every node below self to d(self)/d(node), like PyTorch's backward with
        retain_graph=True: leaves add to what they hold, other nodes hold this call's gradient."""
        order = topological_order(self)
        for v in order:
            v.grad = 0.0
        self.grad = self.grad + 1.0 if self.grad else 1.0  # d(self)/d(self) = 1
        for v in order:  # v._backward() written out (a call per node costs 30%); v's users are all done
            a, b = v._a, v._b
            if type(b) is Value:
                ga, gb = RULES[v._op](a.data, b.data, v.data, v.grad)
                a.grad = a.grad + ga if a.grad else ga
                b.grad = b.grad + gb if b.grad else gb
            else:  # b is a plain number or absent: no gradient for it
                ga = RULES[v._op](a.data, b, v.data, v.grad)[0]
                a.grad = a.grad + ga if a.grad else ga


# How the gradient g at an op's output `out` flows to its inputs a and b: the chain rule, an op a line.
# backward() passes floats (b None for one input); grad(create_graph=True) passes Values.
# fmt: off
RULES = {
    "+":       lambda a, b, out, g: (g, g),
    "*":       lambda a, b, out, g: (g * b, g * a),
    "/":       lambda a, b, out, g: (_div(g, b), -g * _div(out, b)),            # d/db = -a / b**2
    "**":      lambda a, b, out, g: (0.0 if b == 0 else g * (b * _pow_n(a, b - 1)), None),
    "pow":     lambda a, b, out, g: (0.0 if _data(b) == 0 else g * (b * _pow(a, b - 1)),
                                     g * (0.0 if _data(a) == 0 and _data(b) >= 0 else out * _log(a))),
    "exp":     lambda a, b, out, g: (g * out, None),                            # exp' = exp
    "log":     lambda a, b, out, g: (_div(g, a), None),                         # log' = 1 / a
    "tanh":    lambda a, b, out, g: (g * (1 - out * out), None),                # 1 - tanh**2
    "relu":    lambda a, b, out, g: (0.0 if _data(out) <= 0 else g, None),
    "sigmoid": lambda a, b, out, g: (g * (1 - out) * out, None),                # s (1 - s)
}
# fmt: on


def topological_order(root):
    """The non-leaf nodes below root, each after every node that uses it: depth-first without recursion.
    Its marks live in a set of its own, not on the nodes, so a search cut short (Ctrl-C) leaves no trace."""
    order, seen, stack = [], set(), [root] if root._op else []
    while stack:
        v = stack.pop()
        if v is None:  # the node under this None has all its inputs listed: list it
            order.append(stack.pop())
        elif v not in seen:  # met first (a node pushed twice is met first once)
            seen.add(v)
            stack += v, None  # the None comes back up when the inputs, pushed above it, are done
            a, b = v._a, v._b
            if a._op and a not in seen:
                stack.append(a)
            if type(b) is Value and b._op and b not in seen:
                stack.append(b)
    order.reverse()
    return order


def grad(output, inputs, create_graph=False):
    """d(output)/d(x) for each x in inputs, as Values, like torch.autograd.grad (no .grad changes).
    With create_graph=True they are built from the graph, so they can be differentiated again."""
    gs = {output: Value(1.0) if create_graph else 1.0}
    for v in topological_order(output):
        a, b, rule = v._a, v._b, RULES[v._op]
        ga, gb = rule(a, b, v, gs[v]) if create_graph else rule(a.data, _data(b), v.data, gs[v])
        for x, gx in ((a, ga), (b, gb)):
            if type(x) is Value:
                gs[x] = gs[x] + gx if x in gs else gx
    grads = [gs.get(x, 0.0) for x in inputs]  # x + y hands one gradient to both: * 1.0 copies it exactly
    return [Value(g) if type(g) is not Value else g * 1.0 if g in grads[:k] else g for k, g in enumerate(grads)]


_data = lambda x: x.data if type(x) is Value else x  # the float in a Value; a number (or None) as it is


def _number(x):  # x as a float, or a TypeError that names what x is; an int (the commonest) skips the ABC checks
    y = x if type(x) is int or isinstance(x, Real) else x.item() if getattr(x, "shape", None) == () else x  # 0-d
    if type(y) is not int and not isinstance(y, Real):
        raise TypeError(f"Value needs a real number (int, float, bool or NumPy scalar), got {type(x).__name__}")
    try:
        return float(y)
    except OverflowError:  # an int beyond float64 rounds to infinity, as IEEE does
        return math.inf if y > 0 else -math.inf


# IEEE float64 edge cases, as PyTorch has them where Python raises. They take Values too (one rule, both).
inf, nan = math.inf, math.nan
# x / +-0 is +-inf, or nan for 0 / 0; a Value divides as it is (its node is IEEE), and a Value y is always true
_div = lambda x, y: (x / y if y or type(x) is Value else
                     nan if x != x or x == 0 else math.copysign(inf, x) * math.copysign(1.0, y))  # fmt: skip
# log(0) = -inf, log(-1) = nan; the log of a Value is a node
_log = lambda x: x.log() if type(x) is Value else math.log(x) if x > 0 else -inf if x == 0 else nan
_exp = lambda x: inf if x > 709.782712893384 else math.exp(x)  # exp overflows past log(max float)


def _pow(x, y):
    try:
        r = x**y
    except ZeroDivisionError:  # 0 ** negative: an odd integer power keeps the sign of x
        return math.copysign(inf, x) if y % 2.0 == 1.0 else inf
    except OverflowError:
        return nan if x < 0 and y % 1.0 else -inf if x < 0 and y % 2.0 == 1.0 else inf
    return nan if type(r) is complex else r  # negative ** fraction


def _pow_n(x, n):  # x ** number, by sqrt for n = +-0.5 as PyTorch does: (-0.0) ** 0.5 = -0.0
    return _pow(math.sqrt(x) if x >= 0 else nan, 2 * n) if n in (0.5, -0.5) and type(x) is float else _pow(x, n)


if __name__ == "__main__":  # `python engine/engine.py` runs the demo  # pragma: no mutate
    import sys

    sys.path[0] += "/.."  # the repository, not this folder, so `engine` is the package  # pragma: no mutate
    sys.exit(__import__("engine.cli").cli.main(["demo", *sys.argv[1:]]))  # pragma: no mutate
