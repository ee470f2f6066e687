"""A small, safe expression language for the command line and the playground, standard library only.

    a = 2; b = -3; c = 10
    L = (a*b + c).tanh() * b

Statements are assignments, separated by `;` or new lines. A name set to a number is an input (a leaf
Value labelled with the name); the others are expressions over + - * / **, unary -, parentheses,
numbers, names and the methods of engine/ops.py (.exp(), .tanh(), ...). The last assignment is the
output, and every assigned name labels its node. The text is parsed with `ast` and only those node
types are accepted: nothing is ever passed to eval or exec, no other attribute or call exists, and
numbers are floats, so no input can run code or hang. Every rejection is an ExprError that says
where (line and column) and what, in one line."""

import ast
import operator
import warnings

from ..engine import Value
from ..ops import METHODS  # one per op written as a method, from the ops table

MAX_CHARS = 2_000
MAX_OPS = 500
MAX_EXPONENT = 1_000  # |n| of a constant exponent
BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_APPLY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


class ExprError(ValueError):
    """A rejected expression: str() is one line that says where and what."""

    def __init__(self, message, line=None, column=None):
        self.message, self.line, self.column = message, line, column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(where + message)


def _error(node, message):
    return ExprError(message, getattr(node, "lineno", None), getattr(node, "col_offset", -1) + 1)


def parse(text):
    """The statements of text as a list of (name, ast expression), checked; ExprError otherwise."""
    if not isinstance(text, str):
        raise ExprError(f"an expression is text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ExprError(f"the text has {len(text):,} characters; the limit is {MAX_CHARS:,}")
    if not text.strip():
        raise ExprError("the text is empty: write assignments such as  a = 2; b = -3; L = a*b")
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal": the error below says it in one line
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="exec")
    except SyntaxError as e:
        raise ExprError(e.msg, e.lineno, e.offset) from None
    except (RecursionError, MemoryError, ValueError) as e:  # absurd nesting, or a NUL byte
        raise ExprError(f"the text cannot be parsed: {type(e).__name__}") from None
    statements, ops = [], 0
    for stmt in tree.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            raise _error(stmt, "each statement must be an assignment to one name, such as  c = a * b")
        name = stmt.targets[0].id
        if name.startswith("_"):
            raise _error(stmt.targets[0], f"a name may not start with '_': {name}")
        ops += _check(stmt.value)
        if ops > MAX_OPS:
            raise _error(stmt.value, f"more than {MAX_OPS} operations")
        statements.append((name, stmt.value))
    return statements


def _check(root):
    """The number of operations in an expression; ExprError at the first node that is not allowed."""
    ops, stack = 0, [(root, 1)]  # depth is bounded by the operations, so no limit of its own
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            ops += 1
            if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant):
                _constant(node.right)
                if abs(node.right.value) > MAX_EXPONENT:
                    raise _error(node.right, f"an exponent may be at most {MAX_EXPONENT:,} in size")
            stack += [(node.left, depth + 1), (node.right, depth + 1)]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            ops += 1
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            f = node.func
            if not (isinstance(f, ast.Attribute) and f.attr in METHODS):
                what = f".{f.attr}()" if isinstance(f, ast.Attribute) else "a function call"
                methods = ", ".join(f".{m}()" for m in METHODS)
                raise _error(node, f"{what} is not allowed: the methods are {methods}")
            if node.args or node.keywords:
                raise _error(node, f".{f.attr}() takes no arguments")
            ops += 1
            stack.append((f.value, depth + 1))
        elif isinstance(node, ast.Constant):
            _constant(node)
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise _error(node, f"a name may not start with '_': {node.id}")
        elif isinstance(node, ast.Attribute):
            raise _error(node, f"the attribute .{node.attr} is not allowed: only the methods {', '.join(METHODS)}")
        else:
            raise _error(node, f"{_describe(node)} is not allowed in an expression")
    return ops


def _constant(node):
    value = node.value
    if type(value) not in (int, float):
        raise _error(node, f"only numbers are allowed, not {type(value).__name__} {value!r}"[:120])
    try:
        return float(value)
    except OverflowError:
        raise _error(node, "the number is too large for a float") from None


def _describe(node):
    names = {
        ast.Lambda: "a lambda",
        ast.ListComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.Subscript: "a subscript",
        ast.Compare: "a comparison",
        ast.BoolOp: "and/or",
        ast.IfExp: "an if-expression",
        ast.JoinedStr: "a string",
        ast.NamedExpr: ":=",
    }
    return names.get(type(node), f"'{type(node).__name__}'")


def build(text, leaf=Value, values=None):
    """(inputs {name: leaf}, output) of text, with leaf making each input (Value by default; the
    check passes a float64 tensor) and values {name: number} setting inputs to other numbers.
    Assigned names label their nodes; ExprError when text is rejected."""
    env, inputs, output = {}, {}, None
    for name, node in parse(text):
        number = _literal(node)
        if number is not None:
            number = (values or {}).get(name, number)
            value = inputs[name] = env[name] = leaf(number)
            if isinstance(value, Value):
                value.label = name
            output = value
            continue
        value = _evaluate(node, env)
        if not hasattr(value, "exp"):
            raise _error(node, f"{name} does not depend on any input: set it to a number instead")
        if isinstance(value, Value) and not value.label:
            value.label = name
        env[name] = output = value
    if not inputs:
        raise ExprError("there is no input: set at least one name to a number, such as  a = 2")
    return inputs, output


def _literal(node):
    """The number of `a = 2` or `a = -3`, else None."""
    if isinstance(node, ast.Constant):
        return _constant(node)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
    ):
        x = _constant(node.operand)
        return -x if isinstance(node.op, ast.USub) else x
    return None


def _evaluate(root, env):
    """The value of an expression checked by _check: Values (or tensors) where inputs are involved,
    floats where only numbers are. Iterative: a node's operands are evaluated before it."""
    done, stack = {}, [(root, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            done[node] = float(node.value)
        elif isinstance(node, ast.Name):
            if node.id not in env:
                raise _error(node, f"unknown name '{node.id}': set it before it is used")
            done[node] = env[node.id]
        elif not ready:
            stack.append((node, True))
            kids = (
                [node.left, node.right]
                if isinstance(node, ast.BinOp)
                else [node.operand if isinstance(node, ast.UnaryOp) else node.func.value]
            )
            stack += [(k, False) for k in kids]
        elif isinstance(node, ast.BinOp):
            right = done[node.right]
            if isinstance(node.op, ast.Pow) and isinstance(right, float) and not abs(right) <= MAX_EXPONENT:
                raise _error(node.right, f"an exponent may be at most {MAX_EXPONENT:,} in size, this one is {right:g}")
            done[node] = _apply(BINARY[type(node.op)], done[node.left], right)
        elif isinstance(node, ast.UnaryOp):
            done[node] = -done[node.operand] if isinstance(node.op, ast.USub) else done[node.operand]
        else:  # a method call; of a plain number, it is a plain number
            x = done[node.func.value]
            done[node] = (
                getattr(Value(x), node.func.attr)().data if isinstance(x, float) else getattr(x, node.func.attr)()
            )
    return done[root]


def _apply(op, a, b):
    if isinstance(a, float) and isinstance(b, float):  # numbers only: the engine's IEEE arithmetic, as a float
        return _APPLY[op](Value(a), b).data
    return _APPLY[op](a, b)


def finite_difference(text, name, h=1e-6):
    """d(output)/d(input `name`) by central differences of the forward pass, computed by the engine itself."""
    x = build(text)[0][name].data
    up, down = build(text, values={name: x + h})[1], build(text, values={name: x - h})[1]
    return (up.data - down.data) / (2 * h)
