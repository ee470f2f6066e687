"""Every op, value and gradient, against PyTorch float64 at many points, corners included."""

import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from engine import Value, grad  # noqa: E402
from engine.proof.compare import close as same  # noqa: E402
from tests.support import dags  # noqa: E402

INF, NAN = math.inf, math.nan
POINTS = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    -3.0,
    1e-300,
    -1e-300,
    5e-324,
    1e300,
    -1e300,
    700.0,
    710.0,
    -750.0,
    20.0,
    -20.0,
    INF,
    -INF,
    NAN,
]
EXPONENTS = [0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 1.5, 1e300, -INF, INF, NAN]

# the same ops the fuzzer draws from, derived from engine/ops.py
UNARY = {k: f for k, (kind, f) in dags.INSTRUCTIONS.items() if kind == "unary"}
BINARY = {k: f for k, (kind, f) in dags.INSTRUCTIONS.items() if kind == "binary"}


def t(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def torch_grads(fn, *xs):
    ts = [t(x) for x in xs]
    out = fn(*ts)
    out.backward()
    return out.item(), [tt.grad.item() if tt.grad is not None else 0.0 for tt in ts]


def ours_grads(fn, *xs):
    vs = [Value(x) for x in xs]
    out = fn(*vs)
    out.backward()
    return out.data, [v.grad for v in vs]


def assert_matches(fn, *xs):
    ref_out, ref_g = torch_grads(fn, *xs)
    out, g = ours_grads(fn, *xs)
    assert same(out, ref_out), f"value at {xs}: ours {out!r}, torch {ref_out!r}"
    for i, (a, b) in enumerate(zip(g, ref_g, strict=True)):
        assert same(a, b), f"grad {i} at {xs}: ours {a!r}, torch {b!r}"
    vs = [Value(x) for x in xs]  # grad(create_graph=True) runs the same rules on Values: the same numbers
    graphs = grad(fn(*vs), vs, create_graph=True)
    assert len({id(d) for d in graphs}) == len(vs) and all(type(d) is Value for d in graphs)  # each its own
    for i, (d, a) in enumerate(zip(graphs, g, strict=True)):
        assert same(d.data, a), f"grad {i} at {xs} with create_graph: {d.data!r}, backward() {a!r}"


@pytest.mark.parametrize("op", UNARY)
def test_unary_op_matches_torch(op):
    for x in POINTS:
        assert_matches(UNARY[op], x)


@pytest.mark.parametrize("op", BINARY)
def test_binary_op_matches_torch_with_two_values(op):
    for x, y in itertools.product(POINTS, POINTS if op != "pow" else EXPONENTS):
        assert_matches(BINARY[op], x, y)


@pytest.mark.parametrize("op", BINARY)
def test_binary_op_with_a_constant_on_either_side(op):
    f = BINARY[op]
    for x, c in itertools.product(POINTS, [0.0, 1.0, -2.0, 0.5, 3.0, -0.5]):
        assert_matches(lambda v, c=c: f(v, c), x)
        assert_matches(lambda v, c=c: f(c, v), x)


def test_pow_corner_cases_match_torch():
    # 0 ** 0, 0 ** negative (odd and even), negative ** fraction, overflow with sign
    for base, exp in [
        (0.0, 0.0),
        (-0.0, -1.0),
        (-0.0, -2.0),
        (0.0, -3.0),
        (-8.0, 1 / 3),
        (-10.0, 401.0),
        (-10.0, 400.0),
        (10.0, 400.0),
        (-10.0, 400.5),
        (1.0, NAN),
        (NAN, 0.0),
        (-INF, 0.5),
    ]:
        assert_matches(lambda x, y: x**y, base, exp)
        assert_matches(lambda x, e=exp: x**e, base)
        assert_matches(lambda y, b=base: b**y, exp)


def test_ieee_edges_do_not_raise():
    assert Value(0.0).log().data == -INF
    assert math.isnan(Value(-1.0).log().data)
    assert (Value(1.0) / 0).data == INF and (Value(-1.0) / 0).data == -INF
    assert math.isnan((Value(0.0) / 0).data)
    assert Value(1000.0).exp().data == INF
    assert Value(1e6).tanh().data == 1.0 and Value(-1e6).tanh().data == -1.0
    r = Value(0.0)
    r.relu().backward()
    assert r.grad == 0.0
    for x in POINTS:
        for y in POINTS:
            for f in [*BINARY.values()]:
                out = f(Value(x), Value(y))
                out.backward()
        for f in UNARY.values():
            f(Value(x)).backward()


def test_leaf_accumulation_and_reuse_match_torch():
    def f(a, b):
        c = a * b + a
        return (c * c).tanh() + c / b

    va, vb = Value(0.3), Value(-1.2)
    ta, tb = t(0.3), t(-1.2)
    out, tout = f(va, vb), f(ta, tb)
    for _ in range(3):
        out.backward()
        tout.backward(retain_graph=True)
        assert same(va.grad, ta.grad.item()) and same(vb.grad, tb.grad.item())
