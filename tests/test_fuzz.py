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
    ([-0.0], [("a ** c", 0, 0.5)]),
    ([0.0], [("-a", 0, None), ("a ** c", 1, -0.5)]),
    # number / x is number * x ** -1 in PyTorch: 0 / tiny has gradient nan, not 0
    ([1e-300], [("c / a", 0, 0.0)]),
    # log(0 ** y): PyTorch multiplies the gradient inf by the 0 of d(0**y)/dy, giving nan
    ([0.0, 1.0], [("a ** b", 0, 1), ("a.log()", 2, None)]),
    # exp(x) + x/x at x = 1e-300: terms 1, 1e300 and -1e300 summed in another order than PyTorch's
    ([1e-300], [("a.exp()", 0, None), ("a / b", 0, 0), ("a + b", 1, 2)]),
]


@pytest.mark.parametrize("xs, prog", REGRESSIONS)
def test_fuzzer_regressions(xs, prog):
    assert dags.mismatches(xs, prog) == []


def test_the_strategy_draws_every_op_of_the_table_shared_nodes_and_deep_dags():
    from engine.ops import OPS

    drawn = []

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(dags.dags())
    def collect(dag):
        drawn.append(dag)

    collect()
    names = {name for _, prog in drawn for name, _, _ in prog}
    assert names == set(dags.INSTRUCTIONS)  # every way of applying every op, and the derived ones
    applied = {o.op for o in OPS for name in names if name.replace(" c", " n") == o.written or name == o.written}
    assert applied == {o.op for o in OPS}
    assert max(len(prog) for _, prog in drawn) >= 40
    assert any(len({i for _, i, _ in prog}) < len(prog) for _, prog in drawn)  # a node used by several
