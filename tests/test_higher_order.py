"""grad(): first, second and third derivatives against torch.autograd.grad(create_graph=True)."""

import math

import pytest

torch = pytest.importorskip("torch")

from engine import Value, grad  # noqa: E402
from engine.proof.compare import close as same  # noqa: E402

FUNCS = {
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "relu": lambda x: x.relu() * x,
    "sigmoid": lambda x: x.sigmoid(),
    "pow3": lambda x: x**3,
    "pow_half": lambda x: x**0.5,
    "pow_neg": lambda x: x**-2,
    "rpow": lambda x: 2.0**x,
    "vpow": lambda x: x**x,
    "div": lambda x: (x + 2.0) / (x * x + 1.0),
    "rdiv": lambda x: 3.0 / x,
    "mul_add_sub": lambda x: x * x * x - 2.0 * x + 1.0,
    "neg": lambda x: -(x * x * x),
    "mix": lambda x: (x * 0.5).tanh() * x.exp() + (x * x + 1.0).log() * x.sigmoid(),
}
POINTS = [-2.0, -0.7, 0.3, 0.9, 1.7, 3.0]


def torch_derivs(f, x, order=3):
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y, out = f(tx), []
    for _ in range(order):
        (y,) = torch.autograd.grad(y, tx, create_graph=True)
        out.append(y.item())
    return out


def our_derivs(f, x, order=3):
    vx = Value(x)
    y, out = f(vx), []
    for _ in range(order):
        (y,) = grad(y, [vx], create_graph=True)
        out.append(y.data)
    return out


@pytest.mark.parametrize("name", FUNCS)
def test_first_second_third_derivatives_match_torch(name):
    for x in POINTS:
        ours, ref = our_derivs(FUNCS[name], x), torch_derivs(FUNCS[name], x)
        for k, (a, b) in enumerate(zip(ours, ref, strict=True), 1):
            assert same(a, b, rtol=1e-8, atol=1e-10), f"{name} derivative {k} at {x}: ours {a}, torch {b}"


def test_grad_leaves_dot_grad_alone_and_matches_backward():
    x, y = Value(0.4), Value(-1.3)
    x.grad = 7.0
    z = (x * y).tanh() + x / y
    mid = z._a
    mid.grad = 5.0
    gx, gy = grad(z, [x, y])
    assert (x.grad, y.grad, mid.grad) == (7.0, 0.0, 5.0)
    x.grad = 0.0
    z.backward()
    assert (gx.data, gy.data) == (x.grad, y.grad)


def test_unused_input_has_zero_gradient():
    x, y = Value(1.0), Value(2.0)
    (g,) = grad(x * 3.0, [y])
    assert g.data == 0.0


def _f3(a, b, c):
    return (a * b).tanh() * c + (a * a + c).exp() / (b * b + 1.0) + a**3 * b


def test_hessian_of_three_inputs_matches_torch():
    point = (0.3, -0.8, 0.5)
    H_ref = torch.autograd.functional.hessian(lambda v: _f3(v[0], v[1], v[2]), torch.tensor(point, dtype=torch.float64))
    xs = [Value(p) for p in point]
    first = grad(_f3(*xs), xs, create_graph=True)
    for i in range(3):
        row = grad(first[i], xs)
        for j in range(3):
            assert same(row[j].data, H_ref[i, j].item(), rtol=1e-9, atol=1e-12)


def test_hessian_vector_product_matches_torch():
    point, vec = (0.3, -0.8, 0.5), (1.0, -2.0, 0.5)
    _, hvp_ref = torch.autograd.functional.hvp(
        lambda v: _f3(v[0], v[1], v[2]),
        torch.tensor(point, dtype=torch.float64),
        torch.tensor(vec, dtype=torch.float64),
    )
    xs = [Value(p) for p in point]
    first = grad(_f3(*xs), xs, create_graph=True)
    dot = sum((g * v for g, v in zip(first, vec, strict=True)), Value(0.0))
    hvp = grad(dot, xs)
    for i in range(3):
        assert same(hvp[i].data, hvp_ref[i].item())


def test_second_derivative_at_ieee_corners_matches_torch():
    for f in (lambda x: x.log(), lambda x: x**0.5, lambda x: 1.0 / x, lambda x: x.exp()):
        for x in (0.0, -0.0, math.inf, 1000.0, -1.0):
            ours, ref = our_derivs(f, x, 2), torch_derivs(f, x, 2)
            for a, b in zip(ours, ref, strict=True):
                assert same(a, b), (x, ours, ref)


def test_grad_without_create_graph_returns_fresh_leaves():
    x = Value(0.3)
    (g,) = grad((x * x).tanh(), [x])
    assert g._op == "" and g._prev == ()
    (h,) = grad((x * x).tanh(), [x], create_graph=True)
    assert h._op != "" and h.data == g.data
