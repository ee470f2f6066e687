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
from ..models.moons import loss_and_accuracy
from ..nn import MLP, Adam, sgd_step
from .graphs import unlink

GRID = 40  # the heatmap's cells per side
TABLE_ROWS = 10  # parameters in the page's table
MAX_ADDED = 200  # points a learner can add by clicking
MAX_WORDS, MAX_WORD_CHARS, MAX_TEXT = 20_000, BLOCK_SIZE - 1, 250_000  # a pasted word list's limits


class SettingsError(ValueError):
    """A setting the page cannot use; its message is the one line shown."""


def _bounded(raw, name, low, high, kind=float):
    try:
        x = kind(raw)
    except (TypeError, ValueError):
        number = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {number} from {low} to {high}, got {str(raw)[:40]!r}") from None
    if not (low <= x <= high):  # also rejects nan
        raise SettingsError(f"{name} must be from {low} to {high}, got {x}")
    return x


def _choice(raw, name, choices):
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {str(raw)[:40]!r}")
    return raw


def _label(raw):
    if raw.strip() not in ("-1", "1"):
        raise SettingsError(f"added: a point's label must be -1 or 1, got {raw[:40]!r}")
    return int(raw)


# --- the neural-network view ---------------------------------------------------------------------------------

MLP_DEFAULTS = {
    "dataset": "moons", "n": "100", "noise": "0.1", "test": "0.2", "added": "", "hidden": "8,8",
    "activation": "relu", "optimizer": "sgd", "lr": "0.1", "batch": "20", "l2": "0.0001", "seed": "0",
}  # fmt: skip


def mlp_settings(raw):
    """The MLP view's settings from the link's strings (missing ones default): a dict of checked values."""
    unknown = sorted(set(raw) - set(MLP_DEFAULTS))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0][:40]!r}; the settings are {', '.join(MLP_DEFAULTS)}")
    s = {**MLP_DEFAULTS, **raw}
    hidden = s["hidden"].split(",") if s["hidden"].strip() else []
    if len(hidden) > 4:
        raise SettingsError(f"hidden: at most 4 hidden layers, got {len(hidden)}")
    added = [p.split(",") for p in s["added"].split(";")] if s["added"].strip() else []
    if len(added) > MAX_ADDED or any(len(p) != 3 for p in added):
        raise SettingsError(f"added: at most {MAX_ADDED} points written x,y,label;x,y,label;...")
    e = datasets.EXTENT
    return {
        "dataset": _choice(s["dataset"], "dataset", datasets.DATASETS),
        "n": _bounded(s["n"], "n", 10, 400, int),
        "noise": _bounded(s["noise"], "noise", 0.0, 0.5),
        "test": _bounded(s["test"], "test", 0.0, 0.5),
        "added": [[_bounded(x, "added x", -e, e), _bounded(y, "added y", -e, e), _label(c)] for x, y, c in added],
        "hidden": [_bounded(h, "hidden layer size", 1, 16, int) for h in hidden],
        "activation": _choice(s["activation"], "activation", ("relu", "tanh")),
        "optimizer": _choice(s["optimizer"], "optimizer", ("sgd", "adam")),
        "lr": _bounded(s["lr"], "lr", 1e-5, 10.0),
        "batch": _bounded(s["batch"], "batch", 1, 400, int),
        "l2": _bounded(s["l2"], "l2", 0.0, 0.1),
        "seed": _bounded(s["seed"], "seed", 0, 2**31 - 1, int),
    }  # fmt: skip


def scores(model, x):
    """model(x).data computed on floats: each neuron b + w1*x1 + w2*x2 + ..., then its nonlinearity, in the
    order and with the operations of Neuron.__call__ and Value's ops, so the result is the same float."""
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
            out.append(act)
        x = out
    return x[0]


def float_loss_and_accuracy(model, X, y, alpha):
    """loss_and_accuracy(...) with its Values' data only, on floats in the same order: (loss, accuracy)."""
    if not X:
        return None, None
    s = [scores(model, x) for x in X]
    data_loss = 0.0
    for yi, si in zip(y, s, strict=True):
        term = (si * yi) * -1.0 + 1.0  # 1 - yi*s as Value computes it: -(s*yi) + 1
        data_loss = data_loss + (0.0 if term < 0 else term)
    data_loss = data_loss * (1.0 / len(X))
    reg = 0.0
    for p in model.parameters():
        reg = reg + p.data * p.data
    accuracy = sum((yi > 0) == (si > 0) for yi, si in zip(y, s, strict=True)) / len(X)
    return data_loss + reg * alpha, accuracy


class MlpRun:
    """MLP(2, [*hidden, 1]) learning a dataset with the hinge loss of the moons demo plus L2, by minibatches."""

    def __init__(self, settings, split=None):
        """split: the (train, test) lists of (point, label) to learn instead of the dataset's. The dataset's points
        go through libm (cos, sin, and log in the Gaussian noise), whose last bit differs between WebAssembly and
        glibc at times; the test that holds the page's numbers to CPython's passes the page's own points."""
        self.settings = s = settings
        if split is None:
            points, labels = datasets.make(s["dataset"], s["n"], s["noise"], s["seed"])
            order = list(range(len(points)))
            random.Random(s["seed"]).shuffle(order)
            n_test = round(len(points) * s["test"])
            added = [([x, y], float(c)) for x, y, c in s["added"]]
            split = (
                [(points[i], labels[i]) for i in order[n_test:]] + added,
                [(points[i], labels[i]) for i in order[:n_test]],
            )
        self.train, self.test = [(list(p), c) for p, c in split[0]], [(list(p), c) for p, c in split[1]]
        self.model = MLP(2, [*s["hidden"], 1], nonlin=s["activation"], seed=s["seed"])
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

    def step(self):
        """One step on a minibatch drawn from the training points; returns the minibatch's loss."""
        t0 = time.perf_counter()
        batch = self.batches.sample(self.train, min(self.settings["batch"], len(self.train)))
        loss, _ = loss_and_accuracy(self.model, [p for p, _ in batch], [c for _, c in batch], self.settings["l2"])
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

    def frame(self):
        """What the page draws: losses and accuracies, the heatmap of scores, the first parameters."""
        alpha = self.settings["l2"]
        train = float_loss_and_accuracy(self.model, *_columns(self.train), alpha)
        test = float_loss_and_accuracy(self.model, *_columns(self.test), alpha)
        e, cells = datasets.EXTENT, GRID
        at = [-e + (i + 0.5) * 2 * e / cells for i in range(cells)]
        recent = self.seconds[-20:]
        return {
            "step": self.step_count,
            "train_loss": train[0], "train_accuracy": train[1], "test_loss": test[0], "test_accuracy": test[1],
            "grid": [[scores(self.model, [x, y]) for x in at] for y in at],
            "params": [
                {"name": self.names[i], "value": p.data, "grad": p.grad, "update": self.last_update[i],
                 "m": self.adam.m[i] if self.adam else None, "v": self.adam.v[i] if self.adam else None}
                for i, p in enumerate(self.params[:TABLE_ROWS])
            ],
            "ms_per_step": 1000 * sorted(recent)[len(recent) // 2] if recent else None,
        }  # fmt: skip

    def point_graph(self, index):
        """The graph of one training point's loss max(0, 1 - y * score), after its backward(), on Values that
        copy the parameters (so training's gradients stay as they are); each neuron's nodes form a group."""
        x, label = self.train[index]
        twin = MLP(2, [*self.settings["hidden"], 1], nonlin=self.settings["activation"], seed=0)
        for p, q, name in zip(self.params, twin.parameters(), self.names, strict=True):
            q.data, q.label = p.data, name
        h = [Value(x[0], "x1"), Value(x[1], "x2")]
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
        loss = (1 - label * h[0]).relu()
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


def _columns(pairs):
    return [p for p, _ in pairs], [c for _, c in pairs]


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

GPT_DEFAULTS = {"seed": "42", "steps": "1000", "lr": "0.01"}


def gpt_settings(raw):
    unknown = sorted(set(raw) - set(GPT_DEFAULTS))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0][:40]!r}; the settings are {', '.join(GPT_DEFAULTS)}")
    s = {**GPT_DEFAULTS, **raw}
    return {
        "seed": _bounded(s["seed"], "seed", 0, 2**31 - 1, int),
        "steps": _bounded(s["steps"], "steps", 1, 100_000, int),
        "lr": _bounded(s["lr"], "lr", 1e-5, 1.0),
    }


_WORD = re.compile(r"[a-z]+")


def word_list(text):
    """The words of a pasted list, one per line (blank lines skipped, upper case lowered), or a SettingsError
    naming the first line that is not letters a-z only, too long, or a list that is too large."""
    if len(text) > MAX_TEXT:
        raise SettingsError(f"the list has {len(text):,} characters; at most {MAX_TEXT:,}")
    words = []
    for number, line in enumerate(text.splitlines(), 1):
        word = line.strip().lower()
        if not word:
            continue
        if not _WORD.fullmatch(word):
            raise SettingsError(f"line {number}: {line.strip()[:30]!r} has a character other than the letters a-z")
        if len(word) > MAX_WORD_CHARS:
            raise SettingsError(f"line {number}: {word[:30]!r} is longer than {MAX_WORD_CHARS} letters")
        words.append(word)
    if len(words) > MAX_WORDS:
        raise SettingsError(f"the list has {len(words):,} words; at most {MAX_WORDS:,}")
    if len(words) < 2:
        raise SettingsError("the list needs at least 2 words, one per line")
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


# --- the worker's calls: text in, JSON text out --------------------------------------------------------------

_RUNS = {}


def _answer(work):
    try:
        return json.dumps(work())
    except SettingsError as e:
        return json.dumps({"error": str(e)})


def mlp_start(raw_json):
    """A new MLP run from the link's settings: {"settings", "points", "frame"} or {"error"}."""

    def start():
        run = _RUNS["mlp"] = MlpRun(mlp_settings(json.loads(raw_json)))
        return {"settings": run.settings, "train": run.train, "test": run.test, "frame": run.frame()}

    return _answer(start)


def mlp_step(count=1):
    run = _RUNS["mlp"]
    losses = [run.step() for _ in range(count)]
    return json.dumps({"step": run.step_count, "losses": losses})


def mlp_frame():
    return json.dumps(_RUNS["mlp"].frame())


def mlp_add(x, y, label):
    """A clicked point (rounded to 0.01, as the link keeps it) joins the training points of the run and its
    settings; returns {"added": [x, y, label]} or {"error"}."""

    def add():
        run, e = _RUNS["mlp"], datasets.EXTENT
        if len(run.settings["added"]) >= MAX_ADDED:
            raise SettingsError(f"at most {MAX_ADDED} added points")
        point = [round(_bounded(x, "x", -e, e), 2), round(_bounded(y, "y", -e, e), 2), _label(str(label))]
        run.settings["added"].append(point)
        run.train.append(([point[0], point[1]], float(point[2])))
        return {"added": point}

    return _answer(add)


def mlp_point(index, toggled_json):
    """DOT text of one training point's loss graph; the neurons named in toggled_json opened or folded."""
    run = _RUNS["mlp"]
    return run.point_dot(int(index) % len(run.train), set(json.loads(toggled_json)))


def gpt_start(raw_json, words_text):
    def start():
        run = _RUNS["gpt"] = GptRun(gpt_settings(json.loads(raw_json)), word_list(words_text))
        return {"settings": run.settings, "words": len(run.docs), "vocabulary": run.tok.vocab_size}

    return _answer(start)


def gpt_step():
    run = _RUNS["gpt"]
    loss = run.step()
    return json.dumps({"step": run.step_count, "loss": loss, "ms": 1000 * run.seconds[-1]})


def gpt_samples(temperature, count=5):
    t = min(2.0, max(0.05, float(temperature)))
    return json.dumps({"step": _RUNS["gpt"].step_count, "temperature": t, "samples": _RUNS["gpt"].samples(t, count)})
