"""Workspaces for learners, made from the real core (engine/engine.py, the one source of truth).

exercises: a copy of the core in which the pieces a learner writes are stubs that raise
NotImplementedError("exercise N: ..."), each with its statement and a hint above it.
bugs: copies of the core with one classic bug planted in each, to find and fix.
The grader (engine/grader/) checks either kind of workspace."""

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .. import engine as ref
from ..ops import BY_OP, OPS
from ..output import ensure_dir, write_atomic


@dataclass(frozen=True)
class Exercise:
    number: int
    name: str
    title: str
    points: int
    ops: tuple = ()  # the rows of RULES this exercise writes


def _rules_exercise(number, name):
    """The exercise that writes the rules of the ops engine/ops.py gives it: title and points from their rows."""
    rows = [o for o in OPS if o.exercise == number]
    written = [o.written for o in rows]
    listed = " and ".join([", ".join(written[:-1]), written[-1]] if len(written) > 1 else written)
    return Exercise(number, name, f"the rules of {listed}", sum(o.points for o in rows), tuple(o.op for o in rows))


EXERCISES = (
    _rules_exercise(1, "add_mul"),
    _rules_exercise(2, "div_pow"),
    _rules_exercise(3, "exp_log"),
    _rules_exercise(4, "activations"),
    Exercise(5, "topological_order", "the topological order (iterative; a node after all its users)", 15),
    Exercise(6, "backward", "backward() and _backward(): seed 1, each rule once, accumulate with +=", 20),
    Exercise(7, "grad", "grad(create_graph=True): gradients as graphs, for higher derivatives", 15),
)
MAX_POINTS = sum(e.points for e in EXERCISES)

FUNCTION_HINTS = {
    "topological_order": (
        5,
        """Return the non-leaf nodes below root (root included, leaves left out), each one AFTER every
        node that uses it, so that backward() can walk the list in order. Do it without recursion: a
        chain of 100,000 nodes must work at Python's default recursion limit. Each node must appear
        once, even when several nodes use it, and a second call on the same graph must give the same list.
        Hint: a depth-first search with your own stack and a set of the nodes seen. Pop a node; the
        first time, push it back with a None above it, then its inputs that are nodes (v._a, and v._b
        if it is a Value with an op); popping that None means all its inputs are done: list the node
        under it. Reverse the list at the end.""",
    ),
    "_backward": (
        6,
        """Apply this node's rule once, as micrograd's closure does: look the rule up in RULES by
        self._op, call it with the floats (a.data, the float of b, self.data, self.grad), and ADD the
        results into self._a.grad and, if self._b is a Value, self._b.grad. A leaf (self._op == "")
        has no rule: do nothing. Hint: a .grad of None or 0 means "no gradient yet"; _data(b) gives
        the float of b (or b itself when it is a plain number or None).""",
    ),
    "backward": (
        6,
        """Fill .grad of every node below self with d(self)/d(node). Order the nodes with
        topological_order(self); set each listed node's grad to 0.0 (a node holds this call's gradient;
        leaves keep adding across calls); seed self with 1 (added to what a leaf holds); then apply each
        node's rule once, in order, adding into its inputs' .grad. Hint: += matters: a node used twice
        gets the sum of both contributions.""",
    ),
    "grad": (
        7,
        """Like torch.autograd.grad: return [d(output)/d(x) for x in inputs] as Values, without touching
        any .grad. Keep the gradients in a dict {node: gradient}, starting with {output: 1}. With
        create_graph=True, call the rules with the Values themselves (a, b, v, gradient) instead of
        their floats: the same rules then build each gradient as a graph, which grad() can
        differentiate again. Hint: an input the output does not depend on gets Value(0.0).""",
    ),
}

README = """# Backpropagation, written by you

`engine.py` is a complete scalar autograd engine, except for the pieces marked `exercise N`: each
raises `NotImplementedError` until you write it. The statement and a hint stand above each one.
Work through them in order:

{table}

Grade your work from the folder above this one (where the project is installed):

    python -m engine grade {folder}          # a scorecard, one line per exercise
    python -m engine grade {folder} --json   # the same as JSON, for an autograder

Each exercise is checked with a few named cases, then against random expressions (compared with PyTorch
float64 where it is installed, else with the reference engine), then with finite differences. A failure
shows the smallest counterexample found. `make grade DIR={folder}` does the same.
"""

BUGS_README = """# Spot the bug

Each folder holds a complete engine with one classic bug planted in it. Find it, fix it, and check your fix:

    python -m engine grade {folder}/NAME

{table}
"""


def _source():
    return Path(ref.__file__).read_text()


def function_node(tree, name):
    """The def of `name` in the core's tree: a method of Value for backward and _backward."""
    body = tree.body
    if name in ("backward", "_backward"):
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == "Value").body
    return next(n for n in body if isinstance(n, ast.FunctionDef) and n.name == name)


def rules_node(tree):
    """The `RULES = {...}` assignment in the core's tree."""
    return next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "RULES")


def _stub_function(lines, node, number, statement):
    """Keep the def line and docstring of node; replace the rest of its body with the statement and a raise."""
    indent = " " * (node.body[0].col_offset)
    doc_end = node.body[0].end_lineno if isinstance(node.body[0], ast.Expr) else node.lineno
    text = " ".join(textwrap.dedent(statement).split())
    wrapped = textwrap.wrap(f"exercise {number}: {text}", width=110 - len(indent), subsequent_indent="  ")
    comment = [f"{indent}# {line}" for line in wrapped]
    stub = [*comment, f'{indent}raise NotImplementedError("exercise {number}: {node.name}")']
    return lines[:doc_end] + stub + lines[node.end_lineno :]


def workspace_source(source=None):
    """The core with every exercise's piece replaced by a stub, as text."""
    source = source or _source()
    tree = ast.parse(source)
    lines = source.splitlines()
    # Functions first, bottom to top, so that earlier line numbers stay right.
    targets = [(function_node(tree, name), number, statement) for name, (number, statement) in FUNCTION_HINTS.items()]
    for node, number, statement in sorted(targets, key=lambda t: -t[0].lineno):
        lines = _stub_function(lines, node, number, statement)
    text = "\n".join(lines) + "\n"
    # The rules: each row of RULES becomes a stub with its statement above it.
    tree = ast.parse(text)
    lines = text.splitlines()
    rules = rules_node(tree)
    rows = sorted(zip(rules.value.keys, rules.value.values, strict=True), key=lambda kv: -kv[0].lineno)
    for key, value in rows:
        op = key.value
        number = BY_OP[op].exercise
        indent = " " * key.col_offset
        statement = textwrap.wrap(f"exercise {number} ({op}): {BY_OP[op].hint}", width=106, subsequent_indent="  ")
        stub = [f"{indent}# {line}" for line in statement]
        stub.append(f'{indent}"{op}": lambda a, b, out, g: todo({number}, "the rule of {op}"),')
        lines[key.lineno - 1 : value.end_lineno] = stub
    text = "\n".join(lines) + "\n"
    helper = (
        "\n\ndef todo(number, what):  # what each stub raises until you write it\n"
        '    raise NotImplementedError(f"exercise {number}: {what}")\n'
    )
    marker = "from numbers import Real\n"
    return text.replace(marker, marker + helper, 1).replace("# fmt: off\n", "").replace("# fmt: on\n", "")


@dataclass(frozen=True)
class Bug:
    name: str
    what: str  # shown only to the teacher: the README of the bugs folder lists names, not answers
    old: str
    new: str


BUGS = (
    Bug("assign_not_accumulate", "`=` instead of `+=` when a node's gradient is accumulated",
        "a.grad = a.grad + ga if a.grad else ga\n                b.grad", "a.grad = ga\n                b.grad"),
    Bug("tanh_of_input", "the tanh rule uses the input where it needs the output",
        "g * (1 - out * out)", "g * (1 - a * a)"),
    Bug("no_visited_marks", "a topological order that lists a shared node every time it meets it",
        "        elif v not in seen:", "        else:"),
    Bug("grads_not_reset", "backward() does not reset the gradients of the nodes it lists",
        "        for v in order:\n            v.grad = 0.0\n", ""),
    Bug("relu_at_zero", "relu's gradient at 0 is taken as 1 (PyTorch, and the rule, take 0)",
        "0.0 if _data(out) <= 0 else g", "0.0 if _data(a) < 0 else g"),
    Bug("division_sign", "the sign of d(a/b)/db is lost", "-g * _div(out, b)", "g * _div(out, b)"),
    Bug("mul_swapped", "the rule of * sends each input its own value instead of the other's",
        "(g * b, g * a)", "(g * a, g * b)"),
    Bug("sigmoid_half", "the sigmoid rule forgets a factor", "g * (1 - out) * out", "g * (1 - out)"),
)  # fmt: skip


def bug_source(bug, source=None):
    source = source or _source()
    if source.count(bug.old) != 1:
        raise ValueError(f"bug {bug.name}: its text is not in the core exactly once")
    return source.replace(bug.old, bug.new)


def write_workspace(out_dir):
    out_dir = ensure_dir(out_dir)
    table = "\n".join(f"{e.number}. {e.title} ({e.points} points)" for e in EXERCISES)
    paths = [write_atomic(out_dir / "engine.py", workspace_source())]
    paths.append(write_atomic(out_dir / "README.md", README.format(table=table, folder=out_dir)))
    return paths


def write_bugs(out_dir):
    out_dir = ensure_dir(out_dir)
    paths = [write_atomic(out_dir / bug.name / "engine.py", bug_source(bug)) for bug in BUGS]
    table = "\n".join(f"- `{bug.name}/`" for bug in BUGS)
    paths.append(write_atomic(out_dir / "README.md", BUGS_README.format(table=table, folder=out_dir)))
    return paths


def solution_source(numbers, source=None):
    """The core with every exercise stubbed except those in numbers: what a learner who solved
    exactly those would hand in (the tests grade it)."""
    source = source or _source()
    solved = set(numbers)
    if solved >= {e.number for e in EXERCISES}:
        return source
    # Put back, piece by piece, the reference text of the solved exercises.
    text = workspace_source(source)
    for name, (number, _) in FUNCTION_HINTS.items():
        if number in solved:
            text = _restore_function(text, source, name)
    for e in EXERCISES:
        if e.number in solved:
            for op in e.ops:
                text = _restore_rule(text, source, op)
    return text


def _function_text(source, name):
    node = function_node(ast.parse(source), name)
    return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])


def _restore_function(text, source, name):
    return text.replace(_function_text(text, name), _function_text(source, name), 1)


def _rule_text(source, op):
    rules = rules_node(ast.parse(source))
    key, value = next((k, v) for k, v in zip(rules.value.keys, rules.value.values, strict=True) if k.value == op)
    lines = source.splitlines()
    first, last = key.lineno, value.end_lineno
    k = first - 1  # a stub's statement stands right above it: "# exercise N (op): ...", then "#   ..." lines
    while k >= 1 and lines[k - 1].lstrip().startswith("#   "):
        k -= 1
    if k >= 1 and lines[k - 1].lstrip().startswith("# exercise") and f"({op})" in lines[k - 1]:
        first = k
    return "\n".join(lines[first - 1 : last])


def _restore_rule(text, source, op):
    return text.replace(_rule_text(text, op), _rule_text(source, op), 1)
