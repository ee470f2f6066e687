"""The Value API: construction, the ops and what they record, and gradients against finite differences."""

import math
import random

import pytest

from engine import Value

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
    assert str(error.value) == f"Value needs a real number (int, float, bool or NumPy scalar), got {name}"


def test_exp_stays_finite_up_to_the_largest_finite_result():
    edge = 709.782712893384  # the largest x whose exp is finite
    assert Value(edge).exp().data == math.exp(edge) < math.inf
    assert Value(math.nextafter(edge, math.inf)).exp().data == math.inf


@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e308])
def test_accepts_ieee_specials(x):
    v = Value(x)
    assert (math.isnan(v.data) and math.isnan(x)) or v.data == x


def test_huge_int_rounds_to_infinity():
    assert Value(10**400).data == math.inf and Value(-(10**400)).data == -math.inf


def test_label_is_a_plain_attribute_that_repr_shows():
    v = Value(2.5, label="a")
    e = v * 2.0
    e.label = "e"  # set after the fact, as the lecture does
    assert (v.label, e.label, (v + 1).label) == ("a", "e", "")
    v.grad = -1.0
    assert repr(v) == "Value(data=2.5, grad=-1.0, label='a')" and repr(Value(1)) == "Value(data=1.0, grad=0.0)"


def test_every_op_makes_a_fresh_unlabelled_node_with_zero_gradient():
    x = Value(1.5, "x")
    x.grad = 9.0
    for node in (x * 2.0, x + x, x.exp(), -x, x**2, x**x, x / 3.0, x.log(), x.tanh(), x.relu(), x.sigmoid()):
        assert node.grad == 0.0 and node.label == "" and node._op and node._a is x


def test_negation_is_multiplication_by_minus_one():
    x = Value(2.0)
    y = -x
    assert y._op == "*" and y._b == -1.0 and y._a is x


def test_relu_keeps_the_sign_of_zero_as_pytorch_does():
    assert math.copysign(1.0, Value(-0.0).relu().data) == -1.0
    assert math.copysign(1.0, Value(0.0).relu().data) == 1.0


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


def test_an_ops_output_node_has_no_label_and_a_leaf_keeps_its_own():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    outputs = [a + b, a * b, a / b, a**b, a**2, a.exp(), a.log(), a.tanh(), a.relu(), a.sigmoid(), a - b, -a, 2 / a]
    assert [v.label for v in outputs] == [""] * len(outputs) and (a.label, b.label) == ("a", "b")
