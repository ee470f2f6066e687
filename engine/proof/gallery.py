"""The expressions that the demo, the pictures and the PyTorch check share.

Each is one plain Python function of named inputs. It uses only operators and the methods
that Value and torch.Tensor both have (exp, log, tanh, relu, sigmoid), so the very same
function runs on Values and on float64 tensors."""

from dataclasses import dataclass, field

from ..engine import Value
from . import compare


def labelled(x, label):
    """Label an intermediate Value for the pictures; anything else passes through."""
    if isinstance(x, Value):
        x.label = label
    return x


def demo(a, b, c, f):
    e = labelled(a * b, "e")
    d = labelled(e + c, "d")
    return d * f


def neuron(x1, x2, w1, w2, b):
    n = labelled(x1 * w1 + x2 * w2 + b, "n")
    return n.tanh()


def shared(a, c):
    b = labelled(a + a, "b")  # a used twice
    d = labelled(b * b, "d")  # b used twice
    return d * a + b / c


def division(x, y):
    return x / y - y / (x + 1) + 1 / y


def powers(x, y):
    return x**3 + 2**y + x**y - (x * y) ** -0.5


def exp_log(x, y):
    return (x.exp() + y * y).log() * (x / y).exp()


def sigmoid_relu(x, y):
    return (x * y).sigmoid() + (x - y).relu() * y + (y - x).relu()


def mlp_loss(w11, w12, w21, w22, b1, b2, v1, v2, c):
    """A 2-2-1 tanh network on two samples, mean squared error."""
    loss = 0
    for (x1, x2), target in (((1.0, -2.0), 1.0), ((-0.5, 0.5), -1.0)):
        h1 = (w11 * x1 + w12 * x2 + b1).tanh()
        h2 = (w21 * x1 + w22 * x2 + b2).tanh()
        out = v1 * h1 + v2 * h2 + c
        loss = loss + (out - target) ** 2
    return loss * 0.5


def chain(x, w):
    """1,000 steps of x <- tanh(w * x + 0.1): w is shared by every step."""
    for _ in range(1000):
        x = (w * x + 0.1).tanh()
    return x


@dataclass(frozen=True)
class Expression:
    name: str
    title: str  # the formula, for people
    fn: object
    inputs: dict = field(default_factory=dict)
    picture: bool = True  # small enough to draw

    def compare(self):
        """This expression in this engine beside PyTorch float64: an engine.proof.Comparison."""
        out, leaves = on_values(self)
        out.backward()
        return compare.compare(self.name, self.title, self.fn, self.inputs, out, leaves)


GALLERY = [
    Expression("demo", "L = (a*b + c) * f", demo, {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}),
    Expression(
        "neuron",
        "o = tanh(x1*w1 + x2*w2 + b)",
        neuron,
        {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.881373587019543},
    ),
    Expression("shared", "b = a + a; d = b*b; out = d*a + b/c", shared, {"a": 1.5, "c": -4.0}),
    Expression("division", "x/y - y/(x + 1) + 1/y", division, {"x": 3.0, "y": -2.0}),
    Expression("powers", "x**3 + 2**y + x**y - (x*y)**-0.5", powers, {"x": 1.5, "y": 0.75}),
    Expression("exp_log", "log(exp(x) + y*y) * exp(x/y)", exp_log, {"x": 0.5, "y": -1.25}),
    Expression("sigmoid_relu", "sigmoid(x*y) + relu(x - y)*y + relu(y - x)", sigmoid_relu, {"x": 0.8, "y": -0.3}),
    Expression(
        "mlp_loss",
        "mean squared error of a 2-2-1 tanh network on two samples",
        mlp_loss,
        {
            "w11": 0.5,
            "w12": -0.3,
            "w21": 0.8,
            "w22": 0.2,
            "b1": 0.1,
            "b2": -0.1,
            "v1": 1.2,
            "v2": -0.7,
            "c": 0.05,
        },
    ),
    Expression("chain", "1,000 steps of x = tanh(w*x + 0.1)", chain, {"x": 0.3, "w": 0.9}, picture=False),
]
BY_NAME = {e.name: e for e in GALLERY}
DEMO = BY_NAME["demo"]


def on_values(expr):
    """Run expr on fresh Value leaves labelled by input name: (output, {name: leaf})."""
    leaves = {k: Value(v, label=k) for k, v in expr.inputs.items()}
    out = expr.fn(**leaves)
    out.label = out.label or ("L" if expr is DEMO else "out")
    return out, leaves
