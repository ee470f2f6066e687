"""The expression language of `python -m engine draw` and the playground: every input gives the
gradients of the same expression written in Python, or one ExprError that says where; hostile
input is rejected before anything runs."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Value
from engine.teach.expr import MAX_CHARS, MAX_OPS, ExprError, build, finite_difference, parse
from tests.support import run_cli

METHODS = ["exp", "log", "tanh", "relu", "sigmoid"]


def test_the_demo_gives_named_inputs_labels_and_the_chain_rule():
    inputs, out = build("a = 2; b = -3; c = 10; L = (a*b + c).tanh() * b")
    out.backward()
    assert list(inputs) == ["a", "b", "c"] and out.label == "L" and inputs["a"].label == "a"
    a, b, c = (Value(x) for x in (2.0, -3.0, 10.0))
    ref = (a * b + c).tanh() * b
    ref.backward()
    assert [inputs[k].grad for k in "abc"] == [a.grad, b.grad, c.grad]
    assert finite_difference("a = 2; b = -3; c = 10; L = (a*b + c).tanh() * b", "a") == pytest.approx(a.grad, rel=1e-6)


def test_new_lines_unary_minus_numbers_only_parts_and_a_second_use_of_a_name():
    inputs, out = build("x = 1.5\ny = -x + 2 * 3 - x ** 2\nz = y * x")
    out.backward()
    x = Value(1.5)
    ref = (-x + 6.0 - x**2) * x
    ref.backward()
    assert out.data == ref.data and inputs["x"].grad == x.grad


@pytest.mark.parametrize(
    "text, message",
    [
        ("__import__('os')", "line 1, column 1: each statement must be an assignment to one name"),
        ("x = ().__class__", "line 1, column 5: the attribute .__class__ is not allowed"),
        ("a = 1; b = a.__class__", "line 1, column 12: the attribute .__class__ is not allowed"),
        ("a = 1; b = a.__class__.__mro__", "line 1, column 12: the attribute .__mro__ is not allowed"),
        ("x = open('x')", "line 1, column 5: a function call is not allowed"),
        ("a = 1; b = a.exp.__globals__", "line 1, column 12: the attribute .__globals__ is not allowed"),
        ("f = lambda: 1", "line 1, column 5: a lambda is not allowed"),
        ("x = [i for i in (1, 2)]", "line 1, column 5: a comprehension is not allowed"),
        ("a = 2; b = a ** 10 ** 10", "line 1, column 17: an exponent may be at most 1,000 in size"),
        ("a = 2; b = a ** 1e9", "line 1, column 17: an exponent may be at most 1,000 in size"),
        ("a = 2; b = " + "(" * 10_000 + "a" + ")" * 10_000, "the text has 20,012 characters; the limit is 2,000"),
        ("a = 1\n" + "x" * (1 << 20), "the text has 1,048,582 characters; the limit is 2,000"),
        ("a = 2; b = a[0]", "line 1, column 12: a subscript is not allowed"),
        ("a = 2; b = a.exp(1)", "line 1, column 12: .exp() takes no arguments"),
        ("a = 'text'", "line 1, column 5: only numbers are allowed, not str 'text'"),
        ("a = 2; b = x + 1", "line 1, column 12: unknown name 'x': set it before it is used"),
        ("a = 2; b = a +", "line 1, column 15: invalid syntax"),
        ("a = 2\nb = 3 * 4", "line 2, column 5: b does not depend on any input"),
        ("a, b = 1, 2", "line 1, column 1: each statement must be an assignment to one name"),
        ("_a = 1", "line 1, column 1: a name may not start with '_'"),
        ("", "the text is empty"),
        ("L = 2 * 3", "L does not depend on any input"),
        ("a = 1; b = (" + "-" * 600 + "a)", "more than 500 operations"),
        ("a = 1; b = a" + "+a" * (MAX_OPS + 1), f"more than {MAX_OPS} operations"),
    ],
)
def test_hostile_and_broken_input_is_one_clear_error(text, message):
    with pytest.raises(ExprError) as error:
        build(text)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_draw_command_prints_gradients_and_rejects_bad_text_with_exit_2(tmp_path):
    code, out, err = run_cli("draw", "a = 3; s = a*a; L = s + a", "--out", tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[2].split()[0:2] == ["L", "12"] and lines[3].split()[:2] == ["a", "7"]
    assert (tmp_path / "expression_after.dot").exists()
    code, out, err = run_cli("draw", "a = 1; b = open('x')", "--out", tmp_path / "no")
    assert code == 2 and err.strip().startswith("error: line 1, column 12: a function call is not allowed")
    assert not (tmp_path / "no").exists()


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=80))
def test_any_text_gives_values_or_an_expr_error(text):
    try:
        inputs, out = build(text)
    except ExprError as e:
        assert "\n" not in str(e)
        return
    assert inputs and hasattr(out, "backward")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet="ab12.+-*/() \n;=etxplogrhsuinm", max_size=60))
def test_text_made_of_the_languages_own_characters_gives_values_or_an_expr_error(text):
    try:
        inputs, _ = build("a = 0.5; b = -1.25\n" + text)
    except ExprError as e:
        assert "\n" not in str(e)
    else:
        assert set(inputs) >= {"a", "b"}


OPS = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q, "/": lambda p, q: p / q}


def _on_values(f, *args):
    """f on the arguments as plain Python would run it on Values, where an op of numbers alone gives a
    number (computed with the engine's IEEE arithmetic), as the language does."""
    if all(isinstance(a, float) for a in args):
        return f(Value(args[0]), *args[1:]).data
    return f(*args)


def expressions(names):
    """(text, fn) pairs: the same expression as text and as a Python function of Values."""
    leaf = st.sampled_from(names).map(lambda n: (n, lambda env, n=n: env[n]))
    number = st.sampled_from([0.5, 1.5, 2.0, 3.0]).map(lambda x: (repr(x), lambda env, x=x: x))

    def extend(children):
        binary = st.tuples(children, st.sampled_from(sorted(OPS)), children).map(
            lambda t: (
                f"({t[0][0]} {t[1]} {t[2][0]})",
                lambda env, t=t: _on_values(OPS[t[1]], t[0][1](env), t[2][1](env)),
            )
        )
        method = st.tuples(children, st.sampled_from(METHODS)).map(
            lambda t: (
                f"({t[0][0]}).{t[1]}()",
                lambda env, t=t: _on_values(lambda v: getattr(v, t[1])(), t[0][1](env)),
            )
        )
        power = st.tuples(children, st.sampled_from([2, 3, -1, 0.5])).map(
            lambda t: (
                f"({t[0][0]}) ** {t[1]}",
                lambda env, t=t: _on_values(lambda v: v ** float(t[1]), t[0][1](env)),
            )
        )
        negate = children.map(lambda c: (f"-({c[0]})", lambda env, c=c: -c[1](env)))
        return binary | method | power | negate

    return st.recursive(leaf | number, extend, max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=2), expressions(["p", "q"]))
def test_well_formed_expressions_give_the_gradients_of_the_same_python(values, expression):
    text, fn = expression
    program = f"p = {values[0]!r}; q = {values[1]!r}\nout = {text}"
    try:
        inputs, out = build(program)
    except ExprError as e:
        assert "does not depend on any input" in str(e) or "exponent" in str(e)
        return
    env = {"p": Value(values[0]), "q": Value(values[1])}
    ref = fn(env)
    if isinstance(ref, float):  # numbers alone: out = 0.5 or out = -(0.5) reads as a third input
        assert "out" in inputs and inputs["out"].data == ref
        return
    out.backward()
    ref.backward()
    same = lambda x, y: x == y or (math.isnan(x) and math.isnan(y))
    assert same(out.data, ref.data)
    assert same(inputs["p"].grad, env["p"].grad) and same(inputs["q"].grad, env["q"].grad)


def test_parse_counts_every_operation_and_limits_the_text():
    assert len(parse("a = 1; b = a + a * a")) == 2
    with pytest.raises(ExprError, match="limit is 2,000"):
        parse("a = 1" + " " * MAX_CHARS)
    with pytest.raises(ExprError, match="an expression is text"):
        parse(42)
