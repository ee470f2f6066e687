"""A few hundred random DAGs against PyTorch in every test run (nox -s fuzz runs 20,000),
and every mismatch the fuzzer ever found, kept as a regression test."""

import pytest
from hypothesis import HealthCheck, given, settings

torch = pytest.importorskip("torch")

from tests.support import dags  # noqa: E402


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(dags.dags())
def test_random_dags_match_torch(dag):
    xs, prog = dag
    assert dags.mismatches(xs, prog) == []


# (inputs, program) pairs found by the fuzzer; each once disagreed with PyTorch.
REGRESSIONS = [
    # x ** 0.5 at -0.0: PyTorch takes sqrt for a number exponent, so -0.0 ** 0.5 = -0.0, slope -inf
    ([-0.0], [("pow_c", 0, 0.5)]),
    ([0.0], [("neg", 0, None), ("pow_c", 1, -0.5)]),
    # number / x is number * x ** -1 in PyTorch: 0 / tiny has gradient nan, not 0
    ([1e-300], [("c_div", 0, 0.0)]),
    # log(0 ** y): PyTorch multiplies the gradient inf by the 0 of d(0**y)/dy, giving nan
    ([0.0, 1.0], [("pow", 0, 1), ("log", 2, None)]),
    # exp(x) + x/x at x = 1e-300: terms 1, 1e300 and -1e300 summed in another order than PyTorch's
    ([1e-300], [("exp", 0, None), ("div", 0, 0), ("add", 1, 2)]),
]


@pytest.mark.parametrize("xs, prog", REGRESSIONS)
def test_fuzzer_regressions(xs, prog):
    assert dags.mismatches(xs, prog) == []


def test_strategy_covers_every_op_sharing_and_depth():
    from hypothesis import find

    big = find(dags.dags(), lambda d: len(d[1]) >= 50 and len({i for _, i, _ in d[1]}) < len(d[1]))
    assert len(big[1]) == 50
    ops = set(dags.BINARY) | set(dags.UNARY) | set(dags.WITH_CONSTANT)
    assert {"pow", "pow_c", "c_pow", "div", "c_div", "log", "exp", "sigmoid", "relu", "tanh"} <= ops
