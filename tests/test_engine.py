"""The Value API: construction, graph bookkeeping, backward semantics and finite differences."""

import math
import random
import sys

import pytest

from engine import Value
from engine.engine import _topo

numpy = pytest.importorskip("numpy")


# --- construction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x", [3, 2.5, True, numpy.float64(1.5), numpy.float32(0.25), numpy.int64(7), numpy.bool_(True), numpy.array(4.0)]
)
def test_accepts_real_numbers_and_stores_a_python_float(x):
    v = Value(x)
    assert type(v.data) is float and v.data == float(x)
    assert v.grad == 0.0 and v.label == "" and v._op == "" and v._prev == ()


@pytest.mark.parametrize(
    "x, name",
    [
        ("1", "str"),
        (None, "NoneType"),
        ([1.0], "list"),
        (1j, "complex"),
        (numpy.array([1.0, 2.0]), "ndarray"),
        (numpy.complex128(1), "complex128"),
    ],
)
def test_rejects_anything_else_naming_its_type(x, name):
    with pytest.raises(TypeError) as error:
        Value(x)
    assert str(error.value) == f"Value needs a real number (int, float, bool), got {name}"


def test_exp_stays_finite_up_to_the_largest_finite_result():
    edge = 709.782712893384  # the largest x whose exp is finite
    assert Value(edge).exp().data == math.exp(edge) < math.inf
    assert Value(math.nextafter(edge, math.inf)).exp().data == math.inf


@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e308])
def test_accepts_ieee_specials(x):
    v = Value(x)
    assert (math.isnan(v.data) and math.isnan(x)) or v.data == x


def test_huge_int_rounds_to_infinity_and_label_must_be_text():
    assert Value(10**400).data == math.inf and Value(-(10**400)).data == -math.inf
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad", ["x", None, [1], 2j])
def test_ops_with_bad_operands_raise_type_error(bad):
    x = Value(2.0)
    for op in (
        lambda: x + bad,
        lambda: x * bad,
        lambda: x / bad,
        lambda: x**bad,
        lambda: x - bad,
        lambda: bad + x,
        lambda: bad * x,
        lambda: bad - x,
        lambda: bad / x,
        lambda: bad**x,
    ):
        with pytest.raises(TypeError):
            op()
    assert x.data == 2.0 and x.grad == 0.0  # nothing was lost


def test_numpy_scalar_on_the_left_defers_to_value():
    out = numpy.float64(3.0) * Value(2.0)
    assert isinstance(out, Value) and out.data == 6.0


def test_prev_and_op_in_operand_order_constants_folded():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    assert (a / b)._prev == (a, b) and (b / a)._prev == (b, a)
    assert (a * 3)._prev == (a,) and (a * 3)._op == "*" and (a * 3)._b == 3.0
    assert (3 * a)._prev == (a,)
    assert (a**b)._op == "pow" and (a**2)._op == "**" and a.tanh()._op == "tanh"


def test_equality_is_identity_so_values_key_dicts_and_sets():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert a != b and len({a, b}) == 2


# --- backward ------------------------------------------------------------------------------


def test_micrograd_example_by_hand():
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = (a * b + c) * f
    L.backward()
    # dL/da = f*b, dL/db = f*a, dL/dc = f, dL/df = a*b + c
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)


def test_reused_node_gets_the_sum_of_its_contributions():
    a = Value(3.0)
    b = a + a  # db/da = 2
    c = b * b  # dc/db = 2b = 12
    c.backward()
    assert b.grad == 12.0 and a.grad == 24.0


def test_leaves_accumulate_intermediates_hold_the_latest_call():
    x = Value(2.0)
    y = x * x  # intermediate
    z = y * 3.0
    z.backward()
    z.backward()
    assert x.grad == 24.0  # 2 * (3 * 2x)
    assert y.grad == 3.0  # not 6: an intermediate holds only the latest call
    w = y * 5.0  # a second graph that shares y
    w.backward()
    assert y.grad == 5.0 and x.grad == 44.0


def test_backward_of_a_leaf_accumulates_one():
    x = Value(1.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_topological_order_puts_every_node_before_its_inputs():
    rng = random.Random(3)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    nodes = list(xs)
    for _ in range(200):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(rng.choice([a + b, a * b, (a * 0.5).tanh(), a - b]))
    order = _topo(nodes[-1])
    pos = {v: i for i, v in enumerate(order)}
    assert len(pos) == len(order)  # no duplicates
    for v in order:
        for p in v._prev:
            if p._op:
                assert pos[p] > pos[v]


@pytest.mark.slow
def test_million_deep_chain_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x0 = Value(0.5)
    x = x0
    for _ in range(1_000_000):
        x = x * 1.0 + 0.0
    x.backward()
    assert x0.grad == 1.0 and x.data == 0.5
    del x  # freeing a million-deep chain must not overflow the C stack either


# --- finite differences (no torch) ----------------------------------------------------------


def _f(x, y, z):
    return (
        (x * y + z).tanh() * (x / (y * y + 1.0))
        + (z * 0.5).exp().log()
        + (x - z).sigmoid()
        + (y * z).relu()
        + x**3
        + 2.0**y
        + (y * y + 1.0) ** z
    )


@pytest.mark.parametrize("seed", range(20))
def test_gradients_match_central_finite_differences(seed):
    rng = random.Random(seed)
    point = [rng.uniform(-2, 2) for _ in range(3)]
    vs = [Value(p) for p in point]
    _f(*vs).backward()
    h = 1e-6
    for i in range(3):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        numeric = (_f(*map(Value, up)).data - _f(*map(Value, down)).data) / (2 * h)
        assert vs[i].grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)
