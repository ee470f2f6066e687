"""A scalar reverse-mode autograd engine: the whole core, standard library only.

Every op on a Value makes a node that remembers its inputs and its op. One row of _OPS per op
says how to compute it and how the gradient g at its output flows to its inputs: the chain
rule, one op at a time. backward() applies the rules once per node, from the output down;
applied to Values instead of floats, they give gradients that can be differentiated again."""

import math
import operator
from numbers import Real

inf, nan = math.inf, math.nan
_val = lambda x: x.data if type(x) is Value else x  # the float inside a Value, or x


# IEEE float64 arithmetic, as in PyTorch: Python raises where float64 gives inf or nan.
# The helpers also take Values (whose operators never raise), so one rule serves both.
# x / +-0 is +-inf, or nan for 0 / 0 (a Value y is always true, so Values just divide):
_div = lambda x, y: x / y if y else nan if x != x or x == 0 else math.copysign(inf, x) * math.copysign(1.0, y)


def _pow(x, y):
    try:
        r = x**y
    except ZeroDivisionError:  # 0 ** negative: an odd integer power keeps the sign of x
        return math.copysign(inf, x) if y % 2.0 == 1.0 else inf
    except OverflowError:
        return nan if x < 0 and y % 1.0 else -inf if x < 0 and y % 2.0 == 1.0 else inf
    return nan if type(r) is complex else r  # negative ** fraction


# x ** number as PyTorch computes it, by sqrt for +-0.5: sqrt(-0.0) = -0.0, sqrt(-1) = nan.
_sqrt = lambda x: math.sqrt(x) if x >= 0 else nan
_pow_n = lambda x, n: _pow(_sqrt(x), 2 * n) if n in (0.5, -0.5) and type(x) is float else _pow(x, n)
# log(0) = -inf, log(-1) = nan; the log of a Value is a node.
_log = lambda x: x.log() if type(x) is Value else math.log(x) if x > 0 else -inf if x == 0 else nan
_exp = lambda x: inf if x > 709.782712893384 else math.exp(x)  # exp overflows past log(max float)


def _number(x):
    """x as a float, or a TypeError that names what x is."""
    y = x.item() if not isinstance(x, Real) and getattr(x, "shape", None) == () else x  # NumPy
    if not isinstance(y, Real):
        raise TypeError(f"Value needs a real number (int, float, bool), got {type(x).__name__}")
    try:
        return float(y)
    except OverflowError:  # an int beyond float64 rounds to infinity, as IEEE does
        return inf if y > 0 else -inf


# op: (forward on floats, rule (a, b, out, g) -> (gradient for a, gradient for b)). a, b, out
# and g are floats in backward(), Values in grad(create_graph=True); unary ops ignore b.
# fmt: off
_OPS = {
    "+": (operator.add, lambda a, b, out, g: (g, g)),
    "*": (operator.mul, lambda a, b, out, g: (g * b, g * a)),
    "/": (_div, lambda a, b, out, g: (_div(g, b), -g * _div(out, b))),
    "**": (_pow_n, lambda a, b, out, g: (0.0 if b == 0 else g * (b * _pow_n(a, b - 1)), None)),  # b a number
    "pow": (_pow, lambda a, b, out, g: (
        0.0 if _val(b) == 0 else g * (b * _pow(a, b - 1)),          # b * a**(b-1)
        g * (0.0 if _val(a) == 0 and _val(b) >= 0 else out * _log(a)))),  # a**b * log(a)
    "exp": (_exp, lambda a, b, out, g: (g * out, None)),
    "log": (_log, lambda a, b, out, g: (_div(g, a), None)),
    "tanh": (math.tanh, lambda a, b, out, g: (g * (1 - out * out), None)),
    "relu": (lambda x: 0.0 if x < 0 else x, lambda a, b, out, g: (0.0 if _val(out) <= 0 else g, None)),
    "sigmoid": (lambda x: 1.0 / (1.0 + _exp(-x)), lambda a, b, out, g: (g * (1 - out) * out, None)),
}
_RULES = {op: rule for op, (_, rule) in _OPS.items()}


def _binary(op, const_op=None):  # the method for self op other; a plain number stays a float in the node
    const_op = const_op or op
    f, g = _OPS[op][0], _OPS[const_op][0]

    def method(self, other, new=object.__new__):
        v = new(Value)  # skips __init__ (data is a float already); one store each is the fastest
        if type(other) is Value:
            v.data = f(self.data, other.data); v._op = op
        else:
            if type(other) is not float:
                other = _number(other)
            v.data = g(self.data, other); v._op = const_op
        v.grad = 0.0; v._a = self; v._b = other
        return v

    return method


def _unary(op):  # the method for op(self)
    f = _OPS[op][0]

    def method(self, new=object.__new__):
        v = new(Value)
        v.data = f(self.data); v.grad = 0.0; v._op = op; v._a = self; v._b = None
        return v

    return method
# fmt: on


_Named = type("_Named", (str,), {})  # an op symbol with a node's label on it: only labelled nodes pay


class Value:
    """A float that remembers how it was computed, so that gradients can flow back to it."""

    __slots__ = ("data", "grad", "_op", "_a", "_b")  # no __dict__, no closure: 72 bytes a node
    __array_ufunc__ = None  # a NumPy scalar on the left defers to our operators

    def __init__(self, data, label=""):
        self.data = data if type(data) is float else _number(data)
        self.grad, self._op, self._a, self._b = 0.0, "", None, None  # a leaf; all constants, so no tuple is built
        if label != "":
            self.label = label

    def _set_label(self, label):
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self._op = _Named(self._op)
        self._op.label = label

    label = property(lambda self: getattr(self._op, "label", ""), _set_label)

    _prev = property(lambda self: tuple(x for x in (self._a, self._b) if type(x) is Value))
    __repr__ = lambda self: f"Value(data={self.data!r}, grad={self.grad!r})"

    # The primitive ops: their values and gradient rules are the rows of _OPS.
    __add__ = __radd__ = _binary("+")
    __mul__ = __rmul__ = _binary("*")
    __truediv__ = _binary("/")
    __pow__ = _binary("pow", const_op="**")
    exp, log, tanh, relu, sigmoid = map(_unary, ("exp", "log", "tanh", "relu", "sigmoid"))

    # Derived ops, built from the primitives.
    __neg__ = lambda self: self * -1.0
    __sub__ = lambda self, other: self + (-other)
    __rsub__ = lambda self, other: -self + other
    __rtruediv__ = lambda self, other: other * self**-1  # as PyTorch computes number / tensor
    __rpow__ = lambda self, other: Value(other) ** self

    def backward(self):
        """Set .grad of every node below self to d(self)/d(node), like PyTorch's backward with
        retain_graph=True: leaves add to what they hold, other nodes hold this call's gradient."""
        order = _topo(self)  # marks every node in it with grad False: "no gradient yet"
        self.grad = 1.0 if order else (self.grad or 0.0) + 1.0  # a leaf adds 1 to what it holds
        rules = _RULES
        for v in order:  # v comes after every node that uses it, so v.grad is complete
            a, b = v._a, v._b  # a is a Value; b a Value, a constant, or None
            if type(b) is Value:
                ga, gb = rules[v._op](a.data, b.data, v.data, v.grad)
                a.grad = a.grad + ga if a.grad else ga  # the first gradient is stored as it is
                b.grad = b.grad + gb if b.grad else gb
            else:  # b is a constant (no gradient) or None
                ga = rules[v._op](a.data, b, v.data, v.grad)[0]
                a.grad = a.grad + ga if a.grad else ga


def _topo(root, kept=None):
    """Non-leaf nodes below root, each before its inputs (depth-first, no recursion). A node's grad
    is its mark: None while its inputs are listed, then False; kept, if given, gets the old grads."""
    order, stack = [], [root] if root._op else []
    while stack:
        v = stack.pop()
        if v.grad is None:  # met again, after all its inputs: list it
            v.grad = False
            order.append(v)
        elif v.grad is not False:  # met first (a node pushed twice is met first once)
            if kept is not None:
                kept.append((v, v.grad))
            v.grad = None
            stack.append(v)  # met again when its inputs, pushed above it, are done
            if v._a._op:
                stack.append(v._a)
            if type(v._b) is Value and v._b._op:
                stack.append(v._b)
    order.reverse()
    return order


def grad(output, inputs, create_graph=False):
    """d(output)/d(x) for each x in inputs, as Values, like torch.autograd.grad (no .grad changes).
    With create_graph=True they are built from the graph, so they can be differentiated again."""
    gs, kept = {output: Value(1.0) if create_graph else 1.0}, []
    order = _topo(output, kept)
    for v, g in kept:  # take the marks away again
        v.grad = g
    for v in order:
        a, b, rule = v._a, v._b, _RULES[v._op]
        ga, gb = rule(a, b, v, gs[v]) if create_graph else rule(a.data, _val(b), v.data, gs[v])
        for x, gx in ((a, ga), (b, gb)):
            if type(x) is Value:
                gs[x] = gs[x] + gx if x in gs else gx
    return [g if type(g := gs.get(x, 0.0)) is Value else Value(g) for x in inputs]


if __name__ == "__main__":  # `python engine/engine.py` runs the demo  # pragma: no mutate
    import sys

    sys.path[0] += "/.."  # the repository, not this folder, so `engine` is the package  # pragma: no mutate
    sys.exit(__import__("engine.cli").cli.main(["demo", *sys.argv[1:]]))  # pragma: no mutate
