"""The playground's training views, a step at a time: an MLP on 2-D points and microgpt's GPT on a word list.

The page's Web Worker holds one run of each and calls these functions with text and gets JSON text back, so
the page decides when the next step happens (Pause takes effect after the step in flight). Settings come from
the page's link as strings and are checked here, each rejection one line; nothing in them is ever run.
Every number shown is the engine's: losses and gradients are Values' .data and .grad; the heatmap and the
charts evaluate the model with the same float operations, in the same order, as its Values do (a test holds
the two equal to the last bit)."""

import json
import math
import random
import re
import time

from ..engine import Value
from ..models import datasets
from ..models.gpt import BLOCK_SIZE, adam_rate, setup, train_step
from ..nn import MLP, NONLINEARITIES, Adam, sgd_step
from ..teach.graphs import unlink
from .settings import Setting, SettingsError, read_settings

GRID = 40  # the heatmap's cells per side
THUMB = 2  # a neuron's picture in the network takes every THUMB-th cell of the heatmap's grid
TABLE_ROWS = 10  # parameters in the page's table
MAX_ADDED = 200  # points a learner can add by clicking
MAX_WORDS, MAX_WORD_CHARS, MAX_TEXT = 20_000, BLOCK_SIZE - 1, 250_000  # a pasted word list's limits


# --- the neural-network view ---------------------------------------------------------------------------------

# The inputs the network can be given, as TensorFlow Playground offers them: name -> (words, feature of (x1, x2)).
FEATURES = {
    "x1": ("x\u2081", lambda x1, x2: x1),
    "x2": ("x\u2082", lambda x1, x2: x2),
    "x1sq": ("x\u2081\u00b2", lambda x1, x2: x1 * x1),
    "x2sq": ("x\u2082\u00b2", lambda x1, x2: x2 * x2),
    "x1x2": ("x\u2081x\u2082", lambda x1, x2: x1 * x2),
    "sinx1": ("sin x\u2081", lambda x1, x2: math.sin(x1)),
    "sinx2": ("sin x\u2082", lambda x1, x2: math.sin(x2)),
}
_SEED = 2**31 - 1
MLP_SETTINGS = (
    Setting("dataset", "dataset", "moons", "choice", choices=datasets.DATASETS,
            names={"plane": "plane (regression)", "gaussians": "gaussians (regression)"}),
    Setting("n", "points", "100", "int", 10, 400, "10", slider=True),
    Setting("noise", "noise", "0.1", "float", 0, 0.5, "0.05", slider=True),
    Setting("test", "test fraction", "0.2", "float", 0, 0.5, "0.05", slider=True),
    Setting("dataseed", "data seed", "0", "int", 0, _SEED, "1", hint="Regenerate draws the next one"),
    Setting("features", "input features", "x1,x2", "flags", choices=tuple(FEATURES),
            names={k: words for k, (words, _) in FEATURES.items()}),
    Setting("hidden", "hidden layers", "8,8", "sizes", 1, 16, most=4, hint="sizes, e.g. 8,8 (up to 4 layers of 16)"),
    Setting("activation", "activation", "relu", "choice", choices=NONLINEARITIES),
    Setting("optimizer", "optimizer", "sgd", "choice", choices=("sgd", "adam"), names={"sgd": "SGD", "adam": "Adam"}),
    Setting("lr", "learning rate", "0.1", "float", 1e-5, 10),
    Setting("batch", "batch size", "20", "int", 1, 400, "1", slider=True),
    Setting("penalty", "regularization", "l2", "choice", choices=("none", "l1", "l2"),
            names={"none": "none", "l1": "L1", "l2": "L2"}),
    Setting("strength", "regularization rate", "0.0001", "float", 0, 0.1),
    Setting("seed", "weights' seed", "0", "int", 0, _SEED, "1"),
    Setting("added", "added points", "", "points", -datasets.EXTENT, datasets.EXTENT, most=MAX_ADDED),
)  # fmt: skip
_ADDED = MLP_SETTINGS[-1]


def mlp_settings(raw):
    """The MLP view's settings from the link's strings (missing ones default): a dict of checked values."""
    return read_settings(MLP_SETTINGS, raw)


def features(names, point):
    """The network's inputs for a point (x1, x2): the named features, as floats."""
    return [FEATURES[name][1](*point) for name in names]


def activations(model, x):
    """Each layer's outputs for input x, computed on floats with the operations of Neuron.__call__ and Value's
    ops in their order, so every number is the float the Values would hold."""
    layers = []
    for layer in model.layers:
        out = []
        for n in layer.neurons:
            act = n.b.data
            for wi, xi in zip(n.w, x, strict=True):
                act = act + wi.data * xi
            if n.nonlin == "relu":
                act = 0.0 if act < 0 else act
            elif n.nonlin == "tanh":
                act = math.tanh(act)
            elif n.nonlin == "sigmoid":
                act = Value(act).sigmoid().data  # the op's own formula, its overflow guard included
            out.append(act)
        layers.append(out)
        x = out
    return layers


def scores(model, x):
    """model(x).data, on floats (activations)."""
    return activations(model, x)[-1][0]


def training_loss(model, X, y, settings):
    """The loss a step minimises, on Values: the mean hinge loss max(0, 1 - y*score) for two classes (as in the
    moons demo) or the mean squared error for a regression, plus the regularization; and the accuracy (None for
    a regression)."""
    outs = [model(x) for x in X]
    if settings["dataset"] in datasets.REGRESSIONS:
        terms, accuracy = [(s - yi) * (s - yi) for yi, s in zip(y, outs, strict=True)], None
    else:
        terms = [(1 - yi * s).relu() for yi, s in zip(y, outs, strict=True)]
        accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, outs, strict=True)) / len(X)
    loss = sum(terms) * (1.0 / len(X))
    if settings["penalty"] == "l2":
        loss = loss + settings["strength"] * sum(p * p for p in model.parameters())
    elif settings["penalty"] == "l1":  # |p| as relu(p) + relu(-p): 0 at p = 0, and so is its gradient there
        loss = loss + settings["strength"] * sum(p.relu() + (-p).relu() for p in model.parameters())
    return loss, accuracy


def float_loss_and_accuracy(model, X, y, settings):
    """training_loss(...) with its Values' data only, on floats in the same order: (loss, accuracy)."""
    if not X:
        return None, None
    s = [scores(model, x) for x in X]
    regression = settings["dataset"] in datasets.REGRESSIONS
    total = 0.0
    for yi, si in zip(y, s, strict=True):
        if regression:
            d = si + -yi  # s - yi as Value computes it: s + (-yi)
            term = d * d
        else:
            term = (si * yi) * -1.0 + 1.0  # 1 - yi*s as Value computes it: -(s*yi) + 1
            term = 0.0 if term < 0 else term
        total = total + term
    loss = total * (1.0 / len(X))
    if settings["penalty"] != "none":
        reg = 0.0
        for p in model.parameters():
            if settings["penalty"] == "l2":
                term = p.data * p.data
            else:
                minus = p.data * -1.0
                term = (0.0 if p.data < 0 else p.data) + (0.0 if minus < 0 else minus)
            reg = reg + term
        loss = loss + reg * settings["strength"]
    return loss, None if regression else sum((yi > 0) == (si > 0) for yi, si in zip(y, s, strict=True)) / len(X)


class MlpRun:
    """MLP(features, [*hidden, 1]) learning a dataset by minibatches, with training_loss."""

    def __init__(self, settings, split=None):
        """split: the (train, test) lists of (point, label) to learn instead of the dataset's. The dataset's points
        go through libm (cos, sin, and log in the Gaussian noise), whose last bit differs between WebAssembly and
        glibc at times; the test that holds the page's numbers to CPython's passes the page's own points."""
        self.settings = s = settings
        if split is None:
            points, labels = datasets.make(s["dataset"], s["n"], s["noise"], s["dataseed"])
            order = list(range(len(points)))
            random.Random(s["dataseed"]).shuffle(order)
            n_test = round(len(points) * s["test"])
            added = [([x, y], float(c)) for x, y, c in s["added"]]
            split = (
                [(points[i], labels[i]) for i in order[n_test:]] + added,
                [(points[i], labels[i]) for i in order[:n_test]],
            )
        self.train, self.test = [(list(p), c) for p, c in split[0]], [(list(p), c) for p, c in split[1]]
        self.model = MLP(len(s["features"]), [*s["hidden"], 1], nonlin=s["activation"], seed=s["seed"])
        self.params = self.model.parameters()
        self.names = [
            f"L{li + 1}.n{ni + 1}.{'w' + str(wi + 1) if wi < len(n.w) else 'b'}"
            for li, layer in enumerate(self.model.layers)
            for ni, n in enumerate(layer.neurons)
            for wi in range(len(n.w) + 1)
        ]
        self.adam = Adam(self.params) if s["optimizer"] == "adam" else None
        self.batches = random.Random(s["seed"] + 1)
        self.step_count, self.last_update, self.seconds = 0, [0.0] * len(self.params), []
        e = datasets.EXTENT
        self.cells = [-e + (i + 0.5) * 2 * e / GRID for i in range(GRID)]  # the heatmap's cell centres

    def inputs(self, pairs):
        """The network's inputs and the targets of (point, label) pairs."""
        return [features(self.settings["features"], p) for p, _ in pairs], [c for _, c in pairs]

    def step(self):
        """One step on a minibatch drawn from the training points; returns the minibatch's loss."""
        t0 = time.perf_counter()
        batch = self.batches.sample(self.train, min(self.settings["batch"], len(self.train)))
        loss, _ = training_loss(self.model, *self.inputs(batch), self.settings)
        self.model.zero_grad()
        loss.backward()
        before = [p.data for p in self.params]
        if self.adam:
            self.adam.step(self.settings["lr"])
        else:
            sgd_step(self.params, self.settings["lr"])
        self.last_update = [p.data - b for p, b in zip(self.params, before, strict=True)]
        self.step_count += 1
        unlink(loss)  # freeing a long chain (the L2 sum) overflows Pyodide's stack: free it node by node
        self.seconds.append(time.perf_counter() - t0)
        return loss.data

    def figures(self):
        """The run's figures: its step, losses and accuracies over the training and test points, and the median
        time in Python of its last steps (all a reference twin is asked for)."""
        train = float_loss_and_accuracy(self.model, *self.inputs(self.train), self.settings)
        test = float_loss_and_accuracy(self.model, *self.inputs(self.test), self.settings)
        recent = self.seconds[-20:]
        return {
            "step": self.step_count, "regression": self.settings["dataset"] in datasets.REGRESSIONS,
            "train_loss": train[0], "train_accuracy": train[1], "test_loss": test[0], "test_accuracy": test[1],
            "ms_per_step": 1000 * sorted(recent)[len(recent) // 2] if recent else None,
        }  # fmt: skip

    def frame(self):
        """What the page draws: the figures, the heatmap of scores, the network (each neuron's output over the
        plane, its weights and their gradients) and the first parameters."""
        grid, thumbs = [], [[[] for _ in layer.neurons] for layer in self.model.layers]
        for j, y in enumerate(self.cells):
            row = []
            for i, x in enumerate(self.cells):
                layers = activations(self.model, features(self.settings["features"], (x, y)))
                row.append(layers[-1][0])
                if i % THUMB == 0 and j % THUMB == 0:
                    for outs, pictures in zip(layers, thumbs, strict=True):
                        for out, picture in zip(outs, pictures, strict=True):
                            picture.append(round(out, 4))  # a colour, never shown as a number
            grid.append(row)
        return {
            **self.figures(),
            "grid": grid,
            "network": [
                [{"name": f"L{li + 1}.n{ni + 1}", "picture": thumbs[li][ni], "w": [w.data for w in n.w],
                  "wgrad": [w.grad for w in n.w], "b": n.b.data, "bgrad": n.b.grad}
                 for ni, n in enumerate(layer.neurons)]
                for li, layer in enumerate(self.model.layers)
            ],
            "params": [
                {"name": self.names[i], "value": p.data, "grad": p.grad, "update": self.last_update[i],
                 "m": self.adam.m[i] if self.adam else None, "v": self.adam.v[i] if self.adam else None}
                for i, p in enumerate(self.params[:TABLE_ROWS])
            ],
        }  # fmt: skip

    def feature_pictures(self):
        """Each input feature over the plane, on the network pictures' cells: {"name", "words", "picture"}."""
        at = self.cells[::THUMB]
        return [
            {"name": name, "words": FEATURES[name][0],
             "picture": [round(FEATURES[name][1](x, y), 4) for y in at for x in at]}
            for name in self.settings["features"]
        ]  # fmt: skip

    def point_graph(self, index):
        """The graph of one training point's loss (its hinge or squared error), after its backward(), on Values
        that copy the parameters (so training's gradients stay as they are); each neuron's nodes form a group."""
        point, label = self.train[index]
        s = self.settings
        twin = MLP(len(s["features"]), [*s["hidden"], 1], nonlin=s["activation"], seed=0)
        for p, q, name in zip(self.params, twin.parameters(), self.names, strict=True):
            q.data, q.label = p.data, name
        h = [Value(x, FEATURES[name][0]) for x, name in zip(features(s["features"], point), s["features"], strict=True)]
        groups, outputs = {}, {}
        for li, layer in enumerate(twin.layers):
            out = []
            for ni, neuron in enumerate(layer.neurons):
                act = neuron(h)  # Neuron.__call__, the model's own code
                group = f"L{li + 1}.n{ni + 1}"
                act.label = "score" if li == len(twin.layers) - 1 else f"h{li + 1}.{ni + 1}"
                outputs[group] = act
                _claim(act, set(h), group, groups)
                out.append(act)
            h = out
        loss = (h[0] - label) * (h[0] - label) if s["dataset"] in datasets.REGRESSIONS else (1 - label * h[0]).relu()
        loss.label = "loss"
        loss.backward()
        return loss, groups, outputs

    def point_dot(self, index, toggled=()):
        """DOT text of point_graph(index). A graph that a picture can hold (MAX_NODES) is drawn node by node, each
        neuron in a frame; a larger one with each neuron one box. The neurons named in toggled are the other way."""
        from ..draw.graph import MAX_NODES, walk  # the graphviz package, which training does not need
        from ..draw.grouped import draw_grouped

        loss, groups, outputs = self.point_graph(index)
        opened = set(outputs) if len(walk(loss)) <= MAX_NODES else set()
        return draw_grouped(loss, groups, outputs, opened ^ set(toggled)).source


def _claim(out, stop, group, groups):
    """Put every node of out's graph, down to (not into) the nodes in stop, into `group` unless already in one."""
    stack = [out]
    while stack:
        v = stack.pop()
        if v in stop or v in groups:
            continue
        groups[v] = group
        stack.extend(v._prev)


# --- the GPT view --------------------------------------------------------------------------------------------

GPT_SETTINGS = (
    Setting("words", "words", "names", "choice", choices=("names", "mine"),
            names={"names": "first names (shipped)", "mine": "my list"}),
    Setting("list", "my list, one word per line", "", "text"),
    Setting("steps", "steps", "1000", "int", 1, 100_000, "1", hint="the learning rate decays to 0 over them"),
    Setting("lr", "learning rate", "0.01", "float", 1e-5, 1),
    Setting("seed", "seed", "42", "int", 0, _SEED, "1"),
)  # fmt: skip


def gpt_settings(raw):
    """The GPT view's settings from the link's strings (missing ones default): a dict of checked values."""
    return read_settings(GPT_SETTINGS, raw)


_WORD = re.compile(r"[a-z]+")


def word_list(text):
    """The words of a pasted list, one per line (blank lines skipped, upper case lowered), or a SettingsError
    naming the first line that is not letters a-z only, too long, or a list that is too large."""
    if len(text) > MAX_TEXT:
        raise SettingsError(f"the list has {len(text):,} characters; at most {MAX_TEXT:,}", "list")
    words = []
    for number, line in enumerate(text.splitlines(), 1):
        word = line.strip().lower()
        if not word:
            continue
        if not _WORD.fullmatch(word):
            wrong = f"line {number}: {line.strip()[:30]!r} has a character other than the letters a-z"
            raise SettingsError(wrong, "list")
        if len(word) > MAX_WORD_CHARS:
            raise SettingsError(f"line {number}: {word[:30]!r} is longer than {MAX_WORD_CHARS} letters", "list")
        words.append(word)
    if len(words) > MAX_WORDS:
        raise SettingsError(f"the list has {len(words):,} words; at most {MAX_WORDS:,}", "list")
    if len(words) < 2:
        raise SettingsError("the list needs at least 2 words, one per line", "list")
    return words


class GptRun:
    """microgpt's GPT (engine.models.gpt) trained with Adam on a word list, one word per step."""

    def __init__(self, settings, words):
        self.settings = settings
        self.docs, self.tok, self.model = setup(settings["seed"], docs=words)
        self.adam = Adam(self.model.parameters())
        self.sampler = random.Random(settings["seed"])
        self.step_count, self.seconds = 0, []

    def step(self):
        t0 = time.perf_counter()
        k, steps = self.step_count, self.settings["steps"]
        loss = train_step(self.model, self.adam, self.tok.encode(self.docs[k % len(self.docs)]),
                          adam_rate(min(k, steps - 1), steps, self.settings["lr"]))  # fmt: skip
        # No unlink(loss) here: a GPT step's deepest path is 256 nodes whatever the words (the context is 16), far
        # from the depth that overflows Pyodide's stack when freed, and cutting the graph costs a fifth of a step.
        self.step_count += 1
        self.seconds.append(time.perf_counter() - t0)
        return loss.data

    def samples(self, temperature, count=5):
        return [self.model.sample(self.tok, self.sampler, temperature) for _ in range(count)]


def parting(yours_json, reference_json):
    """Where a learner's engine's losses part from the reference's on the same run: JSON text of {"step"}, the
    first step (1-based) whose losses differ by more than a millionth of their size, or null. A millionth, not
    every bit: a right rule written another way (1 - t*t for 1 - t**2) may round differently."""
    yours, reference = json.loads(yours_json), json.loads(reference_json)
    for step, (a, b) in enumerate(zip(yours, reference, strict=False), 1):
        a, b = float(a if a is not None else "nan"), float(b if b is not None else "nan")  # "inf", "nan" as sent
        if not abs(a - b) <= 1e-6 * max(1.0, abs(b)):
            return json.dumps({"step": step})
    return json.dumps({"step": None})


# --- the worker's calls: text in, JSON text out --------------------------------------------------------------

_RUNS = {}


def _json(answer):
    """JSON text that JavaScript parses: a number that is not finite (a learner's engine can make one) is written
    as Python writes it, "inf", "-inf" or "nan", and the page shows it so."""
    return json.dumps(_finite(answer), allow_nan=False)


def _finite(x):
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def _answer(work):
    try:
        return _json(work())
    except SettingsError as e:
        return _json({"error": str(e), "key": e.key})


def forms():
    """What the page's forms show, from the settings above: JSON text of {view: [setting, ...]} and the square."""
    return _json({
        "mlp": [s.describe() for s in MLP_SETTINGS], "gpt": [s.describe() for s in GPT_SETTINGS],
        "extent": datasets.EXTENT, "regressions": datasets.REGRESSIONS,
    })  # fmt: skip


def mlp_start(raw_json):
    """A new MLP run from the link's settings: {"settings", "train", "test", "features", "frame"} or {"error"}."""

    def start():
        run = _RUNS["mlp"] = MlpRun(mlp_settings(json.loads(raw_json)))
        return {"settings": run.settings, "train": run.train, "test": run.test,
                "features": run.feature_pictures(), "frame": run.frame()}  # fmt: skip

    return _answer(start)


def mlp_step(count=1):
    run = _RUNS["mlp"]
    losses = [run.step() for _ in range(count)]
    return _json({"step": run.step_count, "losses": losses})


def mlp_frame():
    return _json(_RUNS["mlp"].frame())


def mlp_figures():
    return _json(_RUNS["mlp"].figures())


def mlp_add(x, y, label):
    """A clicked point (rounded to 0.01, as the link keeps it) joins the training points of the run and its
    settings; returns {"added": [x, y, label]} or {"error"}."""

    def add():
        run = _RUNS["mlp"]
        if len(run.settings["added"]) >= MAX_ADDED:
            raise SettingsError(f"at most {MAX_ADDED} added points", "added")
        point = _ADDED.point(x, y, label)
        run.settings["added"].append(point)
        run.train.append(([point[0], point[1]], float(point[2])))
        return {"added": point}

    return _answer(add)


def mlp_remove(count):
    """Undo: the last `count` added points leave the run and its settings (all of them for count < 0); returns
    {"added": the points left}."""
    run = _RUNS["mlp"]
    added = run.settings["added"]
    count = len(added) if int(count) < 0 else min(int(count), len(added))
    for _ in range(count):  # the added points are the last training points, in the order added
        added.pop()
        run.train.pop()
    return _json({"added": added})


def mlp_point(index, toggled_json):
    """One training point's loss graph, the neurons named in toggled_json opened or folded: {"dot", "index"}, or
    {"error"} for an index that names no training point."""

    def graph():
        run = _RUNS["mlp"]
        top = len(run.train) - 1
        i = Setting("point", "training point", "0", "int", 0, top).check(index)
        return {"dot": run.point_dot(i, set(json.loads(toggled_json))), "index": i}

    return _answer(graph)


def gpt_start(raw_json, names_text):
    """A new GPT run from the link's settings, on the shipped names (names_text, the site's names.txt) or on the
    learner's list: {"settings", "words", "vocabulary"} or {"error", "key"}."""

    def start():
        settings = gpt_settings(json.loads(raw_json))
        words = names_text.split() if settings["words"] == "names" else word_list(settings["list"])
        run = _RUNS["gpt"] = GptRun(settings, words)
        shown = {k: v for k, v in run.settings.items() if k != "list"}
        return {"settings": shown, "words": len(run.docs), "vocabulary": run.tok.vocab_size}

    return _answer(start)


def gpt_step():
    run = _RUNS["gpt"]
    loss = run.step()
    return _json({"step": run.step_count, "loss": loss, "ms": 1000 * run.seconds[-1]})


def gpt_samples(temperature, count=5):
    t = min(2.0, max(0.05, float(temperature)))
    return _json({"step": _RUNS["gpt"].step_count, "temperature": t, "samples": _RUNS["gpt"].samples(t, count)})
