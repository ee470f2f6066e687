"""backward(), _backward() and the graph search: each node's rule applied once, in an order where
every node comes after all its users; .grad holds only gradients, whatever a user put there and
whatever interrupted an earlier call."""

import gc
import math
import random
import sys

import pytest

from engine import Value, grad
from engine.engine import RULES, topological_order


def neuron():
    """The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), and its nodes by name."""
    x1, x2, w1, w2 = Value(2.0, "x1"), Value(0.0, "x2"), Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2, "s": s, "n": n, "o": o}


def shared():
    """A DAG with sharing: a is used three times, h twice."""
    a = Value(0.7, "a")
    h = a * a + a
    out = (h.tanh() * h + a.exp()) / (a + 2.0)
    return a, h, out


def reference_grads(build):
    nodes = build()
    nodes["o"].backward()
    return {k: v.grad for k, v in nodes.items()}


# --- the order -------------------------------------------------------------------------------


def test_topological_order_lists_every_node_once_after_all_its_users():
    rng = random.Random(3)
    nodes = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    for _ in range(300):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, (a * 0.5).tanh(), a - b, b / (a * a + 1.0)]))
    order = topological_order(nodes[-1])
    pos = {v: i for i, v in enumerate(order)}
    assert len(pos) == len(order) and order[0] is nodes[-1]
    for v in order:
        assert v._op  # leaves are never listed
        for x in v._prev:
            if x._op:
                assert pos[x] > pos[v]


def test_a_node_pushed_several_times_is_listed_once_after_its_last_user():
    x = Value(0.5)
    h = x * 2.0
    d = (h * h + h.exp()) * h
    order = topological_order(d)
    assert len(order) == len(set(order)) == 5 and order[0] is d and order[-1] is h
    d.backward()
    # dd/dh = 3h^2 + e^h (h + 1) at h = 1; dh/dx = 2
    assert x.grad == pytest.approx(2 * (3 + math.e * 2), rel=1e-15)


def test_a_leaf_has_an_empty_order_and_its_backward_adds_one():
    x = Value(1.0)
    assert topological_order(x) == []
    x.backward()
    x.backward()
    assert x.grad == 2.0


# --- what backward() computes -----------------------------------------------------------------


def test_backward_equals_the_chain_rule_by_hand():
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = (a * b + c) * f
    L.backward()
    # dL/da = f*b, dL/db = f*a, dL/dc = f, dL/df = a*b + c
    assert (a.grad, b.grad, c.grad, f.grad, L.grad) == (6.0, -4.0, -2.0, 4.0, 1.0)


def test_a_node_used_twice_gets_the_sum_of_its_contributions():
    a = Value(3.0)
    b = a + a  # db/da = 2
    c = b * b  # dc/db = 2b = 12
    c.backward()
    assert b.grad == 12.0 and a.grad == 24.0


def test_leaves_accumulate_and_intermediates_hold_the_latest_call():
    x = Value(2.0)
    y = x * x
    z = y * 3.0
    z.backward()
    z.backward()
    assert x.grad == 24.0  # 2 * (3 * 2x)
    assert y.grad == 3.0  # not 6: an intermediate holds only the latest call
    w = y * 5.0  # a second graph that shares y
    w.backward()
    assert y.grad == 5.0 and x.grad == 44.0


def test_constants_stay_floats_inside_the_node_and_get_no_gradient():
    np = pytest.importorskip("numpy")
    x = Value(3.0)
    y = x * 2 + 1
    assert y._op == "+" and y._b == 1.0 and y._a._op == "*" and y._a._b == 2.0 and y._prev == (y._a,)
    for c in (2, True, np.float32(0.5), np.int64(3)):
        for node in (x * c, x + c, x / c, x**c, c * x, c + x):  # every op that keeps a number: as a float
            assert type(node._b) is float and node._b == float(c), (node._op, c)
        assert (x * c).data == 3.0 * float(c)
    y.backward()
    assert x.grad == 2.0 and x.exp()._b is None


# --- .grad holds only gradients ------------------------------------------------------------------


@pytest.mark.parametrize("junk", [None, False, True, 0, 7, 0.0, -2.5, math.nan])
@pytest.mark.parametrize("name", ["x1", "w1", "b", "x1w1", "s", "n", "o"])
def test_whatever_a_user_put_in_a_grad_the_next_backward_is_right(junk, name):
    expected = reference_grads(neuron)
    nodes = neuron()
    nodes[name].grad = junk
    nodes["o"].backward()
    for key, v in nodes.items():
        want = expected[key]
        if key == name and not v._op and junk:  # a leaf adds to what it holds, as in PyTorch
            want = junk + want
        assert type(v.grad) in (float, int) and (v.grad == want or (math.isnan(want) and math.isnan(v.grad))), key


@pytest.mark.parametrize("junk", [None, False, 0, 3])
def test_the_lectures_bug_reports_are_fixed(junk):
    x = Value(2.0)
    w = x * 3
    y = w * 2
    z = y * 2
    y.grad = junk  # zero_grad(set_to_none=True) habit, or any other leftover
    z.backward()
    assert x.grad == 12.0 and w.grad == 4.0 and y.grad == 2.0


def test_grad_leaves_every_grad_as_the_user_left_it():
    nodes = neuron()
    for i, v in enumerate(nodes.values()):
        v.grad = [None, False, 0, 5.0][i % 4]
    before = [v.grad for v in nodes.values()]
    (d,) = grad(nodes["o"], [nodes["w1"]])
    assert [v.grad for v in nodes.values()] == before
    nodes2 = neuron()
    nodes2["o"].backward()
    assert d.data == nodes2["w1"].grad


def test_after_backward_every_node_holds_a_float():
    a, _, out = shared()
    out.backward()
    out.backward()
    for v in [out, *topological_order(out), a]:
        assert type(v.grad) is float


# --- interrupted calls ------------------------------------------------------------------------


class Tripwire:
    """Stands in for a node's input: reading ._op raises, as Ctrl-C or a bug could mid-search."""

    def __init__(self, exc):
        self.exc = exc

    @property
    def _op(self):
        raise self.exc


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), RuntimeError("boom")])
def test_a_search_cut_short_misleads_no_later_call(exc):
    a, h, out = shared()
    fresh_a, fresh_h, fresh_out = shared()
    fresh_out.backward()
    # cut the search at the tanh node, after part of the graph is marked
    node = next(v for v in topological_order(out) if v._a is h and v._op == "tanh")
    real = node._a
    node._a = Tripwire(exc)
    with pytest.raises(type(exc)):
        out.backward()
    with pytest.raises(type(exc)):
        grad(out, [a])
    node._a = real
    (g,) = grad(out, [a])
    out.backward()
    assert a.grad == fresh_a.grad == g.data and h.grad == fresh_h.grad


def test_a_rule_that_raises_mid_backward_leaves_only_gradients_and_a_retry_is_right(monkeypatch):
    a, h, out = shared()
    fresh_a, fresh_h, fresh_out = shared()
    fresh_out.backward()

    def broken(*args):
        raise ZeroDivisionError("a rule failed part-way")

    monkeypatch.setitem(RULES, "tanh", broken)
    with pytest.raises(ZeroDivisionError):
        out.backward()
    assert all(type(v.grad) is float for v in (*topological_order(out), a))
    monkeypatch.undo()
    a.grad = 0.0
    out.backward()
    assert a.grad == fresh_a.grad and h.grad == fresh_h.grad and out.grad == 1.0


# --- _backward(): one node's rule, as micrograd's closure ----------------------------------------


def test_manual_backward_node_by_node_equals_backward():
    expected = reference_grads(neuron)
    nodes = neuron()
    nodes["o"].grad = 1.0
    for name in ("o", "n", "b", "s", "x2w2", "x1w1", "x1", "w1", "x2", "w2"):  # the lecture's order
        nodes[name]._backward()
    assert {k: v.grad for k, v in nodes.items()} == expected


def test_backward_on_a_leaf_does_nothing_and_on_a_node_applies_its_rule_once_per_call():
    x, c = Value(0.5), Value(4.0)
    x._backward()
    assert x.grad == 0.0
    y = x * c
    y.grad = 2.0
    y._backward()
    assert (x.grad, c.grad) == (8.0, 1.0)
    y._backward()  # accumulates, as micrograd's closure does
    assert (x.grad, c.grad) == (16.0, 2.0)
    z = x * 3.0  # a constant input gets nothing
    z.grad = 1.0
    z._backward()
    assert x.grad == 19.0


def test_every_op_has_a_rule_and_backward_uses_it(monkeypatch):
    x = Value(0.8)
    nodes = [x + 1.0, x * x, x / 2.0, x**3, x**x, x.exp(), x.log(), x.tanh(), x.relu(), x.sigmoid()]
    assert {v._op for v in nodes} == set(RULES)
    calls = []
    for op, rule in list(RULES.items()):
        monkeypatch.setitem(RULES, op, lambda *args, rule=rule, op=op: calls.append(op) or rule(*args))
    for v in nodes:
        v.backward()
    assert sorted(calls) == sorted(RULES)


# --- memory and depth -----------------------------------------------------------------------


def test_a_dropped_graph_leaves_no_garbage_for_the_collector():
    gc.collect()
    x = Value(1.0)
    y = x
    for _ in range(1000):
        y = (y * 1.5 + 1.0).relu()
    y.backward()
    grad(y, [x])
    del y
    assert gc.collect() == 0  # no reference cycles: refcounting freed the whole graph


def test_deep_graphs_need_no_recursion():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        x = Value(0.1)
        y = x
        for _ in range(5000):
            y = y.tanh() + x * 0.001
        y.backward()
        (g,) = grad(y, [x])
        assert g.data == x.grad
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.slow
def test_a_million_deep_chain_runs_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x0 = Value(0.5)
    x = x0
    for _ in range(1_000_000):
        x = x * 1.0 + 0.0
    x.backward()
    assert x0.grad == 1.0 and x.data == 0.5
    del x  # freeing a million-deep chain must not overflow the C stack either
