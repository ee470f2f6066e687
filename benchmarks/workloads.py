"""What is measured: build(engine, size) -> (leaves, output) for the chains and the wide sum, and
training steps of the two-moons MLP and of the GPT. Each runs the same computation in every engine."""

from __future__ import annotations

import functools
import itertools
import random
import time

from engine.engine import topological_order
from engine.models import gpt
from engine.models.moons import make_moons, sgd_rate
from engine.nn import Adam

from . import engines
from .microgpt_model import MicrogptCode


def our_nodes(out):
    """Nodes of this engine's graph below out: the ops (non-leaf nodes) plus the leaves."""
    ops = topological_order(out)
    leaves = {x for v in ops for x in v._prev if not x._op}
    return len(ops) + len(leaves)


def chain(e, n):
    x0 = e.leaf(0.5)
    x = x0
    for _ in range(n):
        x = (x * 1.0001 + 0.001).relu()
    return [x0], x


def wide(e, n, inputs=None):
    xs, ws = inputs or _uniforms(n)
    xs, ws = [e.leaf(x) for x in xs], [e.leaf(w) for w in ws]
    s = e.leaf(0.0)
    for x, w in zip(xs, ws, strict=True):
        s = s + x * w
    return [*xs, *ws], s


def draws(n, seed=0):
    """The wide sum's inputs: two streams of n numbers in [-1, 1], drawn as they are consumed."""
    rng = random.Random(seed)
    return ((rng.uniform(-1, 1) for _ in range(n)) for _ in range(2))


@functools.cache
def _uniforms(n):
    """draws(n), drawn once for the timed runs: drawing them is not the engines' work."""
    return tuple(list(stream) for stream in draws(n))


# --- training steps: step() -> (forward s, backward s, loss); the previous graph is freed in the forward


class Trainer:
    """Consecutive training steps of one model in one engine. Zeroing, backward and the update count
    as backward; building the loss, and freeing the previous step's graph, as forward."""

    def __init__(self, e, params):
        self.e, self.params, self.graph = e, params, None
        self.zero = engines.torch.zeros((), dtype=engines.torch.float64) if e is engines.TORCH else 0.0

    def step(self, *batch):
        t0 = time.perf_counter()
        self.graph = None
        loss = self.graph = self.loss(*batch)
        t1 = time.perf_counter()
        if self.e is engines.TORCH:
            for p in self.params:
                p.grad = None
            loss.backward()
            for p in self.params:  # a parameter the loss did not reach has no gradient: 0, as in the others
                if p.grad is None:
                    p.grad = self.zero
            with engines.torch.no_grad():
                self.update()
            value = loss.item()
        else:
            for p in self.params:
                p.grad = 0.0
            loss.backward()
            self.update()
            value = loss.data
        return t1 - t0, time.perf_counter() - t1, value


def mlp_init(seed=0, sizes=(2, 16, 16, 1)):
    """Initial weights exactly as engine.nn.MLP(2, [16, 16, 1], seed=seed) draws them."""
    rng = random.Random(seed)
    return [
        [([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
        for nin, nout in itertools.pairwise(sizes)
    ]


class Mlp(Trainer):
    """The two-moons training step of `python -m engine train`: MLP(2, [16, 16, 1]), hinge loss + L2, SGD."""

    STEPS = 100  # the training demo's run, whose learning-rate schedule the steps follow

    def __init__(self, e, init):
        self.layers = [[([e.leaf(w) for w in ws], e.leaf(b)) for ws, b in layer] for layer in init]
        super().__init__(e, [p for layer in self.layers for ws, b in layer for p in (*ws, b)])
        self.k = 0

    def loss(self, X, y, alpha=1e-4):
        last = len(self.layers) - 1
        scores = []
        for x in X:
            h = x
            for i, layer in enumerate(self.layers):
                outs = []
                for ws, b in layer:
                    act = b
                    for w, xi in zip(ws, h, strict=True):
                        act = act + w * xi
                    outs.append(act.relu() if i < last else act)
                h = outs
            scores.append(h[0])
        data_loss = sum((1 + -yi * s).relu() for yi, s in zip(y, scores, strict=True)) * (1.0 / len(X))
        return data_loss + alpha * sum(p * p for p in self.params)

    def update(self):
        lr = sgd_rate(self.k % self.STEPS, self.STEPS)
        self.k += 1
        for p in self.params:
            p.data -= lr * p.grad


def moons():
    return make_moons(100, seed=1)


class Gpt(Trainer):
    """A training step of `python -m engine gpt`: the same model code, weights and names in every engine,
    with Adam on the engine's own numbers (Values, or 0-d tensors for PyTorch)."""

    STEPS = 1000  # the learning-rate schedule's length

    def __init__(self, e, seed=42):
        self.docs, self.tok, self.model = gpt.setup(seed, leaf=e.leaf)
        super().__init__(e, self.model.parameters())
        self.adam = Adam(self.params)
        self.k = 0

    def loss(self):
        return self.model.loss(self.tok.encode(self.docs[self.k % len(self.docs)]))

    def update(self):
        self.adam.step(gpt.adam_rate(self.k % self.STEPS, self.STEPS))
        self.k += 1


def microgpt_code(e, seed=42):
    """microgpt's own model code and training step (benchmarks.microgpt_model) on engine e's Value class."""
    return MicrogptCode(_value_class(e), gpt.load_names(), seed)


def _value_class(e):
    """The class whose instances e.leaf makes: microgpt's code calls Value(x) itself. PyTorch has none."""
    if e is engines.TORCH:
        raise ValueError("microgpt's model code needs a Value class; PyTorch's 0-d tensors are not one")
    return e.leaf


def mlp_nodes():
    X, y = moons()
    return our_nodes(Mlp(engines.OURS, mlp_init()).loss(X, y))


def nodes_per_step(model, steps=20):
    """Nodes per step of a GPT trainer (Gpt or microgpt_code), averaged over the first steps' names: a name's
    length sets its graph's size."""
    total = 0
    for k in range(steps):
        model.k = k
        total += our_nodes(model.loss())
    return total // steps
