"""Correctness of what the speed work added: constants folded into nodes, the marks of the
topological sort, labels carried on the op symbol, the first gradient stored as it is."""

import gc
import math
import sys

import pytest

from engine import Value, grad
from engine.engine import _topo


def test_constants_are_folded_into_the_node_not_made_values():
    x = Value(3.0)
    y = x * 2 + 1
    assert y._op == "+" and y._b == 1.0 and y._a._op == "*" and y._a._b == 2.0
    assert all(isinstance(p, Value) for p in y._prev) and len(y._prev) == 1
    y.backward()
    assert x.grad == 2.0
    assert x.exp()._b is None and x.relu()._b is None  # a unary node has no second input


def test_int_bool_and_numpy_constants_become_floats():
    np = pytest.importorskip("numpy")
    x = Value(1.5)
    for c in (2, True, np.float32(0.5), np.int64(3)):
        node = x * c
        assert type(node._b) is float and node.data == 1.5 * float(c)


def test_backward_leaves_no_marks_and_a_second_call_starts_from_the_marks():
    a = Value(2.0)
    b = a * a
    c = b + a
    d = c * c
    for _ in range(2):
        d.backward()
        assert all(isinstance(v.grad, float) for v in (a, b, c, d))  # no mark left behind
    # 2 backward passes: a accumulates twice; b, c, d hold one pass each
    c_val = 2.0 * 2.0 + 2.0
    assert d.grad == 1.0 and c.grad == 2 * c_val and b.grad == 2 * c_val
    assert a.grad == 2 * (2 * c_val * (2 * 2.0 + 1))


def test_topo_restores_grads_it_was_asked_to_keep():
    a = Value(1.0)
    b = (a * 3).tanh()
    c = b * b
    c.backward()
    before = (b.grad, c.grad)
    kept = []
    order = _topo(c, kept)
    assert {v for v, _ in kept} == set(order) and all(v.grad is False for v in order)
    for v, g in kept:
        v.grad = g
    assert (b.grad, c.grad) == before


def test_topo_lists_a_node_pushed_twice_once_and_after_every_user():
    x = Value(0.5)
    h = x * 2.0  # used by three nodes, so it is pushed onto the stack more than once
    d = (h * h + h.exp()) * h
    order = _topo(d)
    assert len(order) == len(set(order)) == 5 and order[0] is d and order[-1] is h
    assert x.grad == 0.0  # leaves are never marked
    for v in order:
        v.grad = 0.0
    d.backward()
    # dd/dh = 3h^2 + e^h (h + 1) by hand, at h = 1; dh/dx = 2
    assert x.grad == pytest.approx(2 * (3 + math.e * 2), rel=1e-15)


def test_labels_on_interior_nodes_do_not_change_the_op_or_the_gradients():
    x = Value(0.5, label="x")
    h = x * 3
    h.label = "h"
    y = h.tanh()
    y.label = "y"
    assert (h._op, y._op, x._op) == ("*", "tanh", "")
    assert (x.label, h.label, y.label) == ("x", "h", "y")
    y.backward()
    ref = Value(0.5)
    (ref * 3).tanh().backward()
    assert x.grad == ref.grad
    h.label = "renamed"
    assert h.label == "renamed" and h._op == "*" and Value(1.0).label == ""


def test_first_gradient_is_stored_as_is_then_added():
    x = Value(2.0)
    y = x * 3.0
    y.backward()
    assert x.grad == 3.0
    y.backward()
    assert x.grad == 6.0
    x.grad = None  # like torch's zero_grad(set_to_none=True): the next pass stores afresh
    y.backward()
    assert x.grad == 3.0


def test_a_freed_graph_leaves_no_garbage_for_the_collector():
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


def test_new_nodes_start_with_zero_gradient_and_unlabelled_ones_carry_a_plain_op():
    x = Value(1.5)
    for node in (x * 2.0, x + x, x.exp(), -x, x**2, x / 3.0):
        assert node.grad == 0.0 and node.label == ""
        assert type(node._op) is str  # only labelled nodes pay for a label
    assert type(x._op) is str and type(Value(1.0, label="a")._op) is not str


def test_negation_is_multiplication_by_minus_one():
    x = Value(2.0)
    y = -x
    assert y._op == "*" and y._b == -1.0 and y._a is x


def test_label_must_be_text_and_repr_shows_data_and_grad():
    with pytest.raises(TypeError) as error:
        Value(1.0).label = 7
    assert str(error.value) == "label must be a str, got int"
    v = Value(2.5)
    v.grad = -1.0
    assert repr(v) == "Value(data=2.5, grad=-1.0)"


def test_relu_keeps_the_sign_of_zero_as_pytorch_does():
    assert math.copysign(1.0, Value(-0.0).relu().data) == -1.0
    assert math.copysign(1.0, Value(0.0).relu().data) == 1.0


def test_grad_without_create_graph_returns_fresh_leaves():
    x = Value(0.3)
    (g,) = grad((x * x).tanh(), [x])
    assert g._op == "" and g._prev == ()
    (h,) = grad((x * x).tanh(), [x], create_graph=True)
    assert h._op != "" and h.data == g.data
