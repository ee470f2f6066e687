"""A small neural-network library on top of Value: neurons, layers, an MLP and plain SGD.

The signatures are micrograd's (Neuron(nin, nonlin=True), Layer(nin, nout, **kwargs), MLP(nin, nouts)),
so its README and notebooks run with only the imports changed; nonlin may also name "tanh" or "sigmoid"."""

import math
import random

from .engine import Value

NONLINEARITIES = ("relu", "tanh", "sigmoid", "linear")
NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}  # as micrograd prints them


class Module:
    """Something with parameters: Values that training adjusts."""

    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """nonlin(w . x + b) for an input list x of Values or numbers."""

    def __init__(self, nin, nonlin=True, rng=random):
        nonlin = {True: "relu", False: "linear"}.get(nonlin, nonlin) if type(nonlin) is bool else nonlin
        if nonlin not in NONLINEARITIES:
            raise ValueError(f"nonlin must be True, False or one of {NONLINEARITIES}, got {nonlin!r}")
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]  # the global random unless rng is given
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = self.b
        for wi, xi in zip(self.w, x, strict=True):
            act = act + wi * xi
        return act if self.nonlin == "linear" else getattr(act, self.nonlin)()

    def parameters(self):
        return [*self.w, self.b]

    def __repr__(self):
        return f"{NAMES[self.nonlin]}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons that read the same inputs."""

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(map(repr, self.neurons))}]"


class MLP(Module):
    """A multi-layer perceptron: MLP(2, [16, 16, 1]) maps 2 inputs to 1 output through two
    hidden layers of 16. Hidden layers use `nonlin`; the last layer is linear. The weights come
    from the global `random`, as in micrograd (so random.seed(...) reproduces them), or from
    random.Random(seed) when a seed is given, which leaves the global state alone."""

    def __init__(self, nin, nouts, nonlin="relu", seed=None):
        rng = random if seed is None else random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=nonlin if i < len(nouts) - 1 else False, rng=rng)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(map(repr, self.layers))}]"


def sgd_step(params, lr):
    """One step of plain gradient descent: p <- p - lr * dL/dp."""
    for p in params:
        p.data -= lr * p.grad


# --- the pieces of a GPT, written as microgpt writes them: lists of Values, one op at a time ------------


def dot(u, v):
    """u[0]*v[0] + u[1]*v[1] + ...: the products summed from the first one, not from 0, which saves a node."""
    products = (a * b for a, b in zip(u, v, strict=True))
    return sum(products, next(products))


def linear(x, w):
    """w @ x for a matrix w given as a list of rows: one weighted sum per row (no bias)."""
    return [dot(row, x) for row in w]


def softmax(logits):
    """exp(l) / sum(exp(l)), shifted by the largest logit first so that exp never overflows."""
    top = max(v.data for v in logits)
    exps = [(v - top).exp() for v in logits]
    total = sum(exps[1:], exps[0])
    return [e / total for e in exps]


def rmsnorm(x, eps=1e-5):
    """x / sqrt(mean(x**2) + eps): the scale of x normalised, with no learned gain."""
    scale = (dot(x, x) / len(x) + eps) ** -0.5
    return [xi * scale for xi in x]


class Adam:
    """Adam (Kingma and Ba) with bias correction: each parameter moves by lr * m_hat / (sqrt(v_hat) + eps),
    m and v being running means of its gradient and of its square. betas as microgpt has them.

    Written with * and math.sqrt, which IEEE 754 rounds exactly, where microgpt writes g**2, v_hat**0.5 and
    beta**t: pow() is the platform's libm, and WebAssembly's differs from glibc's in the last bit at times, while
    these give the same floats in the browser's Pyodide as in CPython."""

    def __init__(self, params, betas=(0.85, 0.99), eps=1e-8):
        self.params, self.betas, self.eps = list(params), betas, eps
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0
        self._b1_t, self._b2_t = 1.0, 1.0  # beta1**t and beta2**t, a product per step

    def step(self, lr):
        self.t += 1
        b1, b2 = self.betas
        self._b1_t, self._b2_t = self._b1_t * b1, self._b2_t * b2
        for i, p in enumerate(self.params):
            self.m[i] = b1 * self.m[i] + (1 - b1) * p.grad
            self.v[i] = b2 * self.v[i] + (1 - b2) * (p.grad * p.grad)
            m_hat = self.m[i] / (1 - self._b1_t)
            v_hat = self.v[i] / (1 - self._b2_t)
            p.data -= lr * m_hat / (math.sqrt(v_hat) + self.eps)
