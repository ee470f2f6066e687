"""What the teaching tools know about each op: one row per op of RULES, and nothing else anywhere.

The core (engine.py) says what an op computes (its method) and how its gradient flows (its line of RULES).
This table says the rest, for people: how the op is written, its local derivatives in words, which exercise
writes its rule, the hint above that stub, the grader's named cases and the shapes its random expressions take,
and the labels of its edges in a picture. The expression language, the stepper, the step pictures, the
playground, the exercise generator, the grader and the fuzzer all read it from here; a test checks that this
table and RULES name the same ops. docs/adding-an-op.md walks through adding one.

In the words, {a} and {b} stand for the inputs' names and {n} for the constant exponent of **."""

import operator
from dataclasses import dataclass

_OPERATORS = {"+": operator.add, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


@dataclass(frozen=True)
class Op:
    op: str  # its key in RULES, and the _op of its nodes
    written: str  # how it is written on Values: "a * b" (two Values), "a ** n" (n a number) or "a.exp()"
    local: tuple  # d(out)/d(input) in words, one per input that gets a gradient
    exercise: int  # the exercise whose learner writes its rule
    points: int  # what its rule is worth in that exercise
    hint: str  # the statement above its stub in a learner's workspace
    cases: tuple  # the grader's named cases: (a, b) for two inputs, (a, n) for **, a alone for one input; the
    # edges where a textbook rule breaks and IEEE (as PyTorch) does not: a base of 0, a negative base, a = +-800
    forms: tuple  # how the grader's random expressions use it, over inputs a, b (and the exponent n), shaped
    # so that the textbook rule holds (log and ** of a positive number, / by a positive one)
    roles: tuple = ()  # the labels of its input edges in a picture, where operand order matters

    @property
    def method(self):
        """The method's name for an op written as a method call (exp), else None (an operator)."""
        return self.written[2:-2] if self.written.startswith("a.") else None

    @property
    def symbol(self):
        """The operator of an op written as one (+), else None."""
        return None if self.method else self.written.split()[1]

    @property
    def constant_exponent(self):
        """True for x ** number: its second input is a plain number, never a Value."""
        return self.written.endswith(" n")

    def apply(self, a, b=None):
        """The op on a (and b): Values, tensors or floats, as Python writes it."""
        return getattr(a, self.method)() if self.method else _OPERATORS[self.symbol](a, b)

    def words(self, position, a="a", b="b", n="n"):
        """d(out)/d(input at position) in words, with the inputs' names."""
        return self.local[position].format(a=a, b=b, n=n)


# fmt: off
OPS = (
    Op("+", "a + b", ("1", "1"), 1, 5,
       "out = a + b. Hint: nudging a by h nudges out by h, and the same for b.",
       ((0.5, -1.5), (2.0, 3.0)), ("({a} + {b})", "({a} - {b})", "(2 - {a})")),
    Op("*", "a * b", ("{b}", "{a}"), 1, 5,
       "out = a * b. Hint: nudging a by h nudges out by h * b.",
       ((0.5, -1.5), (2.0, 3.0)), ("({a} * {b})", "(-{a} * 0.75)")),
    Op("/", "a / b", ("1 / {b}", "-{a} / {b}^2"), 2, 4,
       "out = a / b. Hint: d(out)/db = -a / b**2 = -out / b. Use _div(x, y) to divide (it keeps x / 0 IEEE).",
       ((0.5, -1.5), (2.0, 4.0)), ("1.5 / ({a}*{a} + 0.5)", "{a} / ({b}*{b} + 0.5)"), ("num", "den")),
    Op("**", "a ** n", ("{n} * {a}^({n} - 1)",), 2, 3,
       "out = a ** b for a plain number b (b is a float, not a Value): no gradient for b, so return (.., None). "
       "Hint: d(out)/da = b * a**(b - 1); use _pow_n(a, b - 1). Where b == 0, return 0.0 for a.",
       ((1.5, 3.0), (2.0, -1.0), (0.7, 0.5), (1.5, 0.0), (1.5, 1.0), (0.0, 0.5), (0.0, 2.0), (0.0, -1.0), (0.0, 0.0),
        (-1.5, 2.0), (-1.5, 0.5)), ("({a}*{a} + 0.5)**{n}",), ("base", "exp")),
    Op("pow", "a ** b", ("{b} * {a}^({b} - 1)", "{a}^{b} * ln({a})"), 2, 3,
       "out = a ** b with b a Value: gradients for both. Hint: d(out)/db = a**b * log(a) = out * _log(a); "
       "use _pow and _log, and _data(x) for the float inside.",
       ((1.5, 2.5), (2.0, -0.5), (1.5, 0.0), (0.5, 1.0), (0.0, 0.5), (0.0, 2.0), (0.0, -1.0), (0.0, 0.0), (-1.5, 2.0)),
       ("({a}*{a} + 0.5)**({b}*0.5)", "1.5**({b}*0.5)"),
       ("base", "exp")),
    Op("exp", "a.exp()", ("exp({a})",), 3, 5,
       "out = exp(a): no b, so return (.., None). Hint: exp is its own derivative, and out is exp(a).",
       (0.5, -1.2, 800.0, -800.0), ("({a}*0.5 + 0.25).exp()",)),
    Op("log", "a.log()", ("1 / {a}",), 3, 5,
       "out = log(a). Hint: d(out)/da = 1 / a; divide with _div.",
       (0.5, 3.0), ("({a}*{a} + 0.5).log()",)),
    Op("tanh", "a.tanh()", ("1 - tanh({a})^2",), 4, 4,
       "out = tanh(a). Hint: d(out)/da = 1 - tanh(a)**2, and out is tanh(a).",
       (0.5, -1.2, 800.0, -800.0), ("({a}*0.5 + 0.25).tanh()",)),
    Op("relu", "a.relu()", ("1 if {a} > 0 else 0",), 4, 3,
       "out = max(a, 0). Hint: the slope is 1 where out > 0 and 0 elsewhere (0 at a = 0, as in PyTorch); "
       "_data(out) is its float.",
       (0.5, -1.2, 0.0), ("({a}*0.5 + 0.25).relu()",)),
    Op("sigmoid", "a.sigmoid()", ("sigmoid({a}) * (1 - sigmoid({a}))",), 4, 3,
       "out = 1 / (1 + exp(-a)). Hint: d(out)/da = out * (1 - out).",
       (0.5, -1.2, 800.0, -800.0), ("({a}*0.5 + 0.25).sigmoid()",)),
)
# fmt: on
BY_OP = {o.op: o for o in OPS}
METHODS = tuple(o.method for o in OPS if o.method)  # the expression language's methods: exp, log, ...
