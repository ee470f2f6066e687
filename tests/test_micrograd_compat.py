"""Code written for micrograd runs on this engine with only the imports changed: the way micrograd's
README, its demo and trace_graph notebooks, the micrograd lecture and microgpt use a Value.
Where micrograd 0.1.0 is installed (the dev pins have it), the same code runs on both and must agree."""

import math
import random

import pytest

from engine import Value
from engine.nn import MLP

micrograd = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")
np = pytest.importorskip("numpy")


def readme_example(V):
    """micrograd's README expression: every op it has, in-place += on a Value, numbers on both sides."""
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g.data, a.grad, b.grad


def test_the_readme_example_gives_micrograds_figures():
    ours, theirs = readme_example(Value), readme_example(micrograd.Value)
    assert ours == pytest.approx(theirs, rel=1e-12)
    assert [f"{x:.4f}" for x in ours] == ["24.7041", "138.8338", "645.5773"]  # as micrograd's README prints


def my_trace(root):
    """A user's own graph walk, as the trace_graph notebook writes one: recursion over _prev, a set of nodes."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def my_draw_dot(root):
    """A user's own drawing on graphviz, keyed by id(), reading label, data, grad and _op."""
    import graphviz

    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = my_trace(root)
    for n in nodes:
        dot.node(name=str(id(n)), label=f"{{ {n.label} | data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            dot.node(name=str(id(n)) + n._op, label=n._op)
            dot.edge(str(id(n)) + n._op, str(id(n)))
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def lecture_expression():
    """The lecture's first expression, labels set after the fact."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return a, b, c, d, e, f, L


def test_a_users_own_trace_and_draw_dot_work_on_our_values():
    *_, L = lecture_expression()
    L.backward()
    nodes, edges = my_trace(L)
    assert len(nodes) == 7 and len(edges) == 6
    source = my_draw_dot(L).source
    assert "{ L | data -8.0000 | grad 1.0000 }" in source and "{ a | data 2.0000 | grad 6.0000 }" in source
    assert source.count("->") == 6 + 3  # the user's edges, plus one from each op to its node


def test_the_lecture_by_hand_labels_manual_grads_and_a_nudge():
    a, b, c, d, e, f, L = lecture_expression()
    L.grad = 1.0
    f.grad, d.grad = d.data, f.data  # dL/df = d, dL/dd = f
    c.grad = e.grad = d.grad
    a.grad, b.grad = e.grad * b.data, e.grad * a.data
    by_hand = [v.grad for v in (a, b, c, d, e, f)]
    for v in (a, b, c, f):
        v.data += 0.01 * v.grad  # one step along the gradient raises L
    assert ((a * b + c) * f).data > L.data
    *leaves, L2 = lecture_expression()
    L2.backward()
    assert [v.grad for v in leaves] == by_hand


def lecture_neuron(tanh_from_exp=False):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    n.label = "n"
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = "o"
    return [x1, x2, w1, w2], [o, n, b, x1w1x2w2, x2w2, x1w1], o


def test_the_lectures_manual_backward_node_by_node():
    leaves, nodes, o = lecture_neuron()
    o.grad = 1.0
    for v in nodes:  # o._backward(); n._backward(); b._backward(); ...
        v._backward()
    assert [v.grad for v in leaves] == pytest.approx([-1.5, 0.5, 1.0, 0.0])


def test_the_lectures_own_topological_sort_then_backward_of_each_node():
    leaves, _, o = lecture_neuron()
    o.grad = 1.0
    topo, visited = [], set()

    def build_topo(v):  # the lecture's recursive sort, on _prev
        if v in visited:
            return
        visited.add(v)
        for child in v._prev:
            build_topo(child)
        topo.append(v)

    build_topo(o)
    for node in topo[::-1]:
        node._backward()
    assert [v.grad for v in leaves] == pytest.approx([-1.5, 0.5, 1.0, 0.0])


def test_tanh_written_with_exp_gives_the_same_gradients():
    leaves, _, o = lecture_neuron(tanh_from_exp=True)
    o.backward()
    ref_leaves, _, ref = lecture_neuron()
    ref.backward()
    assert o.data == pytest.approx(ref.data, rel=1e-12)
    assert [v.grad for v in leaves] == pytest.approx([v.grad for v in ref_leaves], rel=1e-9, abs=1e-12)


class UserNeuron:
    """A user's own Neuron on Value, as the lecture builds it: sum(..., self.b) and tanh."""

    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b).tanh()

    def parameters(self):
        return [*self.w, self.b]


class UserMLP:
    def __init__(self, nin, nouts):
        sizes = [nin, *nouts]
        self.layers = [[UserNeuron(sizes[i]) for _ in range(sizes[i + 1])] for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = [n(x) for n in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]


def test_the_lectures_own_mlp_trains_with_its_own_loop():
    random.seed(0)
    n = UserMLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred, strict=True))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    assert losses[-1] < losses[0] / 4


def moons_numpy(n=40):
    """Two-moons data as NumPy arrays, labels -1/+1 as NumPy ints, as the demo notebook has them."""
    rng = np.random.default_rng(1337)
    t = rng.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X = X + rng.normal(scale=0.1, size=X.shape)
    y = np.where(upper, 1, -1)
    return X, y


def demo_training(V, model, X, y, steps):
    """The demo notebook's loss (max-margin, L2) and SGD loop, on NumPy rows and NumPy int labels."""
    curve = []
    for k in range(steps):
        inputs = [list(map(V, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
        model.zero_grad()
        total_loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        curve.append((total_loss.data, sum(accuracy) / len(accuracy)))
    return curve


def test_random_seed_reproduces_micrograds_mlp_and_the_demo_loop_matches_it():
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert repr(ours) == repr(theirs)
    X, y = moons_numpy()
    ours_curve = demo_training(Value, ours, X, y, 5)
    theirs_curve = demo_training(micrograd.Value, theirs, X, y, 5)
    for (lo, ao), (lt, at) in zip(ours_curve, theirs_curve, strict=True):
        assert lo == pytest.approx(lt, rel=1e-12) and ao == at
    assert ours_curve[-1][0] < ours_curve[0][0]


def test_micrograd_signatures_of_neuron_layer_and_mlp():
    from engine.nn import Layer, Neuron

    lin = Neuron(2, nonlin=False)
    lin.w[0].data, lin.w[1].data = -1.0, -1.0
    assert lin([1.0, 2.0]).data == -3.0  # linear: no relu
    relu = Neuron(2, nonlin=True)
    relu.w[0].data, relu.w[1].data = -1.0, -1.0
    assert relu([1.0, 2.0]).data == 0.0
    layer = Layer(3, 2, nonlin=False)
    assert len(layer.neurons) == 2 and all(n.nonlin == "linear" for n in layer.neurons)
    assert len(layer([1.0, 2.0, 3.0])) == 2 and isinstance(Layer(3, 1)([1.0, 2.0, 3.0]), Value)


def test_numpy_scalars_and_ints_mix_with_values_anywhere():
    x = Value(np.float64(0.5))
    out = np.int64(-1) * x + np.float32(2.0) - x * np.int64(3) + np.float64(1.0) / (x + np.int64(1))
    out.backward()
    assert type(out.data) is float and out.data == pytest.approx(-1 * 0.5 + 2.0 - 1.5 + 1 / 1.5)
    assert x.grad == pytest.approx(-1 - 3 - 1 / 1.5**2)


def test_microgpt_style_code_runs_on_our_values():
    """microgpt's habits: p.grad = 0 as an int, sum() from 0, rmsnorm with ** -0.5, a softmax
    shifted by max(v.data), -log of a probability, and an Adam step reading p.grad."""
    rng = random.Random(42)
    params = [Value(rng.gauss(0, 0.08)) for _ in range(12)]
    W = [params[i * 3 : i * 3 + 3] for i in range(4)]
    x_in = [0.3, -1.2, 0.7]

    def loss_fn(ps):
        W = [ps[i * 3 : i * 3 + 3] for i in range(4)]
        ms = sum(xi * xi for xi in x_in) / len(x_in)
        scale = (ms + 1e-5) ** -0.5
        x = [xi * scale for xi in x_in]
        logits = [sum(wi * xi for wi, xi in zip(wo, x, strict=True)) for wo in W]
        max_val = max(v.data for v in logits)
        exps = [(v - max_val).exp() for v in logits]
        total = sum(exps)
        probs = [e / total for e in exps]
        return -probs[2].log()

    loss = loss_fn(params)
    loss.backward()
    h = 1e-6
    for i, p in enumerate(params):
        up = [q.data + (h if j == i else 0.0) for j, q in enumerate(params)]
        down = [q.data - (h if j == i else 0.0) for j, q in enumerate(params)]
        numeric = (loss_fn(list(map(Value, up))).data - loss_fn(list(map(Value, down))).data) / (2 * h)
        assert p.grad == pytest.approx(numeric, rel=1e-5, abs=1e-8)
    m = [0.0] * len(params)
    v = [0.0] * len(params)
    for i, p in enumerate(params):  # one Adam step, then the int reset microgpt does
        m[i] = 0.85 * m[i] + 0.15 * p.grad
        v[i] = 0.99 * v[i] + 0.01 * p.grad**2
        p.data -= 0.01 * (m[i] / 0.15) / ((v[i] / 0.01) ** 0.5 + 1e-8)
        p.grad = 0
    assert W[0][0] is params[0]
    loss2 = loss_fn(params)
    loss2.backward()
    assert loss2.data < loss.data and all(type(p.grad) is float for p in params)
    assert not math.isnan(loss2.data)


def test_draw_dot_has_the_lectures_name_and_signature_and_shows_inline():
    from engine.draw import draw_dot

    *_, L = lecture_expression()
    L.backward()
    dot = draw_dot(L, format="svg", rankdir="LR")
    assert dot.format == "svg" and "rankdir=LR" in dot.source and "{ e | data -6 | grad -2 }" in dot.source
    assert hasattr(dot, "_repr_mimebundle_")  # what Jupyter calls to show it inline
    assert "rankdir=TB" in draw_dot(L, rankdir="TB").source and draw_dot(L, format="png").format == "png"
    with pytest.raises(ValueError, match="rankdir must be 'LR' or 'TB'"):
        draw_dot(L, rankdir="XX")
