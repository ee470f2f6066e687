"""One definition per op: RULES and the teaching table name the same ops, the route of docs/adding-an-op.md
adds one in three places that every tool then knows, and no two functions of the package share a name."""

import ast
import json
import math
import re
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Value
from engine.engine import RULES
from engine.ops import BY_OP, METHODS, OPS
from engine.proof.compare import close
from engine.teach import expr, stepper
from tests.support import ROOT, dags


def test_rules_and_the_teaching_table_name_the_same_ops():
    assert [o.op for o in OPS] == list(RULES)
    for row in OPS:
        if row.method:
            assert callable(getattr(Value, row.method)) and row.method in METHODS
        assert len(row.local) == (2 if row.symbol and not row.constant_exponent else 1)
        assert row.forms and row.cases and row.points > 0
        made = set()  # every form is the expression language's; some are derived ops (1.5 / x is 1.5 * x**-1)
        for form in row.forms:
            _, out = expr.build(f"a = 0.5; b = -1.25; L = {form.format(a='a', b='b', n=2)}")
            made |= {v._op for v in _nodes(out)}
        assert row.op in made, row.op


def _nodes(out):
    seen, stack = [], [out]
    while stack:
        v = stack.pop()
        seen.append(v)
        stack += v._prev
    return seen


def test_no_two_functions_of_the_package_share_a_name():
    places = {}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        for node in ast.parse(path.read_text()).body:
            names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                places.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert {name: where for name, where in places.items() if len(where) > 1} == {}


# --- the lesson never shows a wrong number ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("a = 2; b = 3; c = 0; d = a*b; L = d*c", "where dd/da = b = 3"),  # the upstream gradient is 0
        ("x = -1; w = 2; h = x*w; L = h.relu()*5", "where dh/dx = w = 2"),  # relu below 0 sends 0 upstream
    ],
)
def test_a_zero_upstream_gradient_still_shows_the_true_local_derivative(text, shown):
    steps = json.loads(stepper.explained(text))["steps"]
    assert any(shown in s["text"] for s in steps), [s["text"] for s in steps]


SPECIALS = st.sampled_from([0.0, -0.0, 1.0, -2.0, 0.5, 3.0, math.inf, -math.inf, math.nan, 1e-300, 1e300])


def _same(x, y):  # to the last bit: nan meets nan, inf the same inf
    return close(x, y, rtol=0.0, atol=0.0)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(dags.dags(max_inputs=3, max_ops=12), st.lists(SPECIALS, min_size=3, max_size=3))
def test_each_shown_local_derivative_is_the_rule_at_1_and_the_terms_sum_to_the_gradient(dag, specials):
    xs, prog = dag
    xs = [s if k % 2 else x for k, (x, s) in enumerate(zip(xs, specials, strict=False))] + xs[len(specials) :]
    prog = [*prog, ("a * c", len(xs) + len(prog) - 1, 0.0)]  # a zero constant: the upstream of all is 0
    leaves, out = dags.evaluate(xs, prog, Value)
    sums = {}
    for v, x, position, local, term in stepper.terms(out):
        a, b = v._a, v._b
        at_one = RULES[v._op](a.data, b.data if isinstance(b, Value) else b, v.data, 1.0)[position]
        assert _same(local, at_one)
        row, h = BY_OP[v._op], 1e-6
        if position == 0 and row.method and all(math.isfinite(z) and abs(z) < 1e3 for z in (a.data, local)):
            smooth = {"relu": abs(a.data) > 1e-3, "log": a.data > 1e-3}.get(v._op, True)
            if smooth:
                fd = (row.apply(Value(a.data + h)).data - row.apply(Value(a.data - h)).data) / (2 * h)
                assert math.isclose(local, fd, rel_tol=1e-4, abs_tol=1e-5), (v._op, a.data, local, fd)
        sums.setdefault(x, []).append(term)
    twin_leaves, twin = dags.evaluate(xs, prog, Value)
    twin.backward()
    for leaf, mine in zip(leaves, twin_leaves, strict=True):
        total = 0.0
        for term in sums.get(leaf, []):
            total += term
        assert _same(total, mine.grad), (leaf, sums.get(leaf), mine.grad)


# --- the route of docs/adding-an-op.md, walked in a copy of the package --------------------------------------

WALK = re.compile(r'<!-- walk: (\S+) after "([^\n]*)" -->\n```python\n(.*?)```', re.S)

CHECKS = r"""
import json, math, random
from engine import Value, grad
from engine.teach import expr, stepper, exercises
from engine.grader import grade, sandbox
import dags

# the expression language parses it, and backward() and grad(create_graph=True) run its rule
inputs, out = expr.build("x = 0.7; L = x.sin() * x + x.cos()")
out.backward()
x = 0.7
assert abs(inputs["x"].grad - (math.cos(x) * x + math.sin(x) - math.sin(x))) < 1e-12
(d1,) = grad(out, [inputs["x"]], create_graph=True)
(d2,) = grad(d1, [inputs["x"]])
assert abs(d2.data - (-math.sin(x) * x + 2 * math.cos(x) - math.cos(x))) < 1e-12
# the stepper explains it in the row's words
texts = [s["text"] for s in json.loads(stepper.explained("x = 0.7; L = x.sin()"))["steps"]]
assert any("= cos(x) = 0.7648" in t for t in texts), texts
# the exercise generator stubs it
source = exercises.workspace_source()
assert '"sin": lambda a, b, out, g: todo(3, "the rule of sin")' in source and "exercise 3 (sin)" in source
# the grader grades a wrong rule for it
import pathlib, tempfile
folder = pathlib.Path(tempfile.mkdtemp())
right = '"sin":     lambda a, b, out, g: (g * (a.cos() if type(a) is Value else math.cos(a)), None),'
wrong = '"sin":     lambda a, b, out, g: (g * (a.sin() if type(a) is Value else math.sin(a)), None),'
text = pathlib.Path(exercises.ref.__file__).read_text()
assert text.count(right) == 1
(folder / "engine.py").write_text(text.replace(right, wrong))
results = {r.number: r for r in grade.grade(folder, sandbox.choose())}
assert results[3].status == "fail" and results[3].message.startswith("sin: at x = 0.5"), results[3]
assert all(r.status == "pass" for n, r in results.items() if n != 3), results
# the fuzzer draws it
assert "a.sin()" in dags.INSTRUCTIONS and "a.cos()" in dags.INSTRUCTIONS
print("walked")
"""


def test_the_route_of_adding_an_op_is_three_places_that_every_tool_then_knows(tmp_path):
    steps = WALK.findall((ROOT / "docs" / "adding-an-op.md").read_text())
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "engine", copy / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "tests" / "support" / "dags.py", copy / "dags.py")
    (copy / "tests" / "support").mkdir(parents=True)
    for path, anchor, code in steps:
        target = copy / path
        lines = target.read_text().splitlines(keepends=True)
        (at,) = [k for k, line in enumerate(lines) if line.startswith(anchor.replace('\\"', '"'))]
        target.write_text("".join(lines[: at + 1]) + code + "".join(lines[at + 1 :]))
    places = {(path, op) for path, _, code in steps for op in re.findall(r'"(sin|cos)"', code)}
    per_op = {op: sum(1 for path, _, code in steps if f'"{op}"' in code) for op in ("sin", "cos")}
    assert len(places) == 4 and per_op == {"sin": 3, "cos": 3}  # the method, its RULES line, its row
    (copy / "dags.py").write_text((copy / "dags.py").read_text().replace("from tests.support", "from engine"))
    run = subprocess.run(
        [sys.executable, "-c", CHECKS],
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0 and run.stdout.strip() == "walked", run.stderr[-3000:]
