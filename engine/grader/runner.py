"""The grader's code that runs beside a learner's engine.py: python -I -S runner.py JOB ENGINE

This one file is all of the grader that ever shares a process with a learner's code. It is standard library
only and imports nothing of this package, so it is copied as it is into the sandbox (engine/grader/sandbox.py)
or into the page's sandbox worker, beside a copy of the learner's engine.py and the JOB the grader wrote: the
probes of one exercise, and the pieces of the reference engine those probes need, as source text. A job never
holds a piece that its own exercise grades (the rules of exercise 1 are not in exercise 1's job), so nothing in
this process can answer the exercise being graded.

It loads the learner's file, runs each probe, and writes a report to what was its stdout: plain data, every
number a float. It decides nothing: the grader checks the report against a strict schema
(engine/grader/report.py) and judges it against the reference. Whatever the learner's code prints goes nowhere."""

import contextlib
import importlib.util
import json
import os
import sys
import traceback

MEMORY_LIMIT = 1 << 30  # bytes of address space: far more than grading needs, far less than a runaway allocation
FILE_LIMIT = 16 << 20  # bytes of any file it writes (its private /tmp only, in the sandbox)
RECURSION_LIMIT = 1000  # Python's default: exercise 5 asks for an order that needs no deeper stack
NOBODY = 65534  # the uid and gid a sandbox started as root drops to before any learner code runs
MESSAGE_CHARS = 300
NAMES = ("Value", "RULES", "topological_order", "grad")  # what a workspace's engine.py must define


class NotTuple(Exception):
    """A rule returned something other than a tuple (gradient for a, gradient for b)."""

    def __init__(self, op, result):
        super().__init__(op)
        self.op, self.result = op, result


class Unusable(Exception):
    """The learner's file cannot be used: a message, and its line in engine.py where there is one."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


# --- the process: limits first, then the learner's code ------------------------------------------------------


def limit_process(drop_privileges):  # pragma: no cover (the sandbox's own process, where coverage cannot follow)
    """Limits that hold before any learner code runs: memory, file size, no core dumps, and no new process or
    thread (RLIMIT_NPROC 0 counts for every user but root, so a sandbox started as root drops to nobody first)."""
    try:
        import resource  # POSIX only: Pyodide has none, and needs none (its worker is stopped at the time limit)
    except ImportError:
        return
    if drop_privileges and os.getuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    for what, n in (
        (resource.RLIMIT_AS, MEMORY_LIMIT),
        (resource.RLIMIT_FSIZE, FILE_LIMIT),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, 0),
    ):
        with contextlib.suppress(ValueError, OSError):  # a hard limit already lower, or a platform that refuses
            resource.setrlimit(what, (n, n))


def load(source, filename, ops):
    """The learner's module from its source; Unusable with one line naming the line."""
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as e:
        raise Unusable(e.msg, e.lineno) from None
    except ValueError as e:  # a NUL byte
        raise Unusable(str(e)) from None
    spec = importlib.util.spec_from_loader("learner_engine", loader=None, origin=filename)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = filename
    try:
        exec(code, vars(module))
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: importing must simply define things
        raise Unusable(f"{type(e).__name__}: {first_line(e)}", line_in(e, filename)) from None
    for name in NAMES:
        if not hasattr(module, name):
            raise Unusable(f"{name} is missing: the grader needs every name of the workspace it was given")
    for name in ("backward", "_backward"):
        if not hasattr(module.Value, name):
            raise Unusable(f"Value has no {name}()")
    if not isinstance(module.RULES, dict):
        raise Unusable(f"RULES is a {type(module.RULES).__name__}; it must be a dict of rules by op")
    missing = sorted(set(ops) - set(module.RULES))
    if missing:
        raise Unusable(f"RULES has no row for {', '.join(missing)}")
    return module


def line_in(error, filename):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return frames[-1].lineno if frames else None


def first_line(error):
    """An exception's message as its first line, so that no message can pose as a line of the scorecard."""
    try:
        message = str(error)
    except Exception:  # an exception whose __str__ raises
        message = "?"
    first = next((line for line in message.splitlines() if line.strip()), "")
    return " ".join(first.split())[:MESSAGE_CHARS]


# --- the reference pieces: source text from the job, run in the learner's namespace ----------------------------


class Pieces:
    """The reference pieces of a job, compiled so that they use the learner's Value and helpers."""

    def __init__(self, module, given):
        self.module, self.given = module, given
        namespace = vars(module)
        self.rules = {op: eval(compile(src, f"<reference rule of {op}>", "eval"), namespace)
                      for op, src in given.get("rules", {}).items()}  # fmt: skip
        self.order = self._function("topological_order", namespace) if "topological_order" in given else None
        # compiled once: every probe of random expressions builds its own grad() from it, over its own rules
        self._grad = compile(given["grad"], "<reference grad>", "exec") if "grad" in given else None

    def _function(self, name, namespace):
        scope = dict(namespace)  # a copy: defining it must not replace the learner's own function
        exec(compile(self.given[name], f"<reference {name}>", "exec"), scope)
        return scope[name]

    def grad_with(self, rules):
        """The reference grad(), using the given rules and the reference order."""
        scope = {**vars(self.module), "RULES": rules, "topological_order": self.order}
        exec(self._grad, scope)
        return scope["grad"]

    @contextlib.contextmanager
    def patched(self):
        """The learner's module with the reference rules and order, restored after: backward() and grad() are
        graded on their own, whatever the learner's rules and order do."""
        module = self.module
        saved_rules, saved_order = dict(module.RULES), module.topological_order
        try:
            module.RULES.update(self.rules)
            module.topological_order = self.order
            yield module
        finally:
            module.RULES.clear()
            module.RULES.update(saved_rules)
            module.topological_order = saved_order


def tuple_checked(op, rule):
    def checked(a, b, out, g):
        result = rule(a, b, out, g)
        if not (type(result) is tuple and len(result) == 2):
            raise NotTuple(op, result)
        return result

    return checked


# --- graphs: built from the grader's programs, listed without any topological order ---------------------------

BUILTINS = {}  # a grader's program calls nothing but the Values' own methods


def build_program(program, V, values=None):
    """(leaves, output) of a grader's program, lines "name = expression": a number makes a leaf V(number)
    (values {name: number} moves it), anything else is evaluated over the names set so far."""
    scope, leaves, out = {"__builtins__": BUILTINS}, [], None
    for line in program:
        name, expression = line.split(" = ", 1)
        x = eval(expression, scope)
        if type(x) in (int, float):
            x = V(float((values or {}).get(name, x)))
            leaves.append(x)
        scope[name] = out = x
    return leaves, out


def long_chain(V, nodes):
    y = V(0.5)
    for _ in range(nodes // 2):
        y = y * 1.0 + 0.0
    return y


def is_node(x):
    return hasattr(x, "_op")


def listing(root):
    """Every node below root, leaves included, numbered in breadth-first order from the root: a numbering both
    processes compute alike, which is no topological order (so it answers no exercise)."""
    numbers, queue = {id(root): 0}, [root]
    for v in queue:  # the list grows as it is walked
        for x in (getattr(v, "_a", None), getattr(v, "_b", None)):
            if is_node(x) and id(x) not in numbers:
                numbers[id(x)] = len(queue)
                queue.append(x)
    return queue


def unlink_graph(root):
    """Cut a graph into single nodes before it is freed. Freeing a long chain is a recursion in C, one level per
    node, which Pyodide's interpreter does not survive (a chain of 5,000 Values overflows WebAssembly's stack)."""
    for v in listing(root):
        with contextlib.suppress(AttributeError):
            v._a = v._b = None


# --- data: what the report holds -----------------------------------------------------------------------------


def raw(x):
    """A learner's result as data: a number as a float (nan and inf included), anything else as its type and repr."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:  # an int beyond float64
            return float("inf") if x > 0 else float("-inf")
    return {"type": type(x).__name__, "repr": repr_line(x)}


def repr_line(x):
    try:
        text = repr(x)
    except Exception as e:  # a learner's __repr__ may raise
        text = f"<{type(x).__name__}: repr raised {type(e).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


@contextlib.contextmanager
def held_recursion_limit():
    """Python's default recursion limit, whatever the learner's code asks for meanwhile; yields a list that
    records each attempt to change it."""
    attempts, setter, limit = [], sys.setrecursionlimit, sys.getrecursionlimit()
    setter(RECURSION_LIMIT)
    sys.setrecursionlimit = lambda n: attempts.append(n)
    try:
        yield attempts
    finally:
        if sys.getrecursionlimit() != RECURSION_LIMIT:
            attempts.append(sys.getrecursionlimit())
        sys.setrecursionlimit = setter
        setter(limit)


# --- the probes: probe(module, pieces, **args) -> data --------------------------------------------------------


def probe_rule(m, pieces, op, a, b, out, g):
    result = m.RULES[op](a, b, out, g)
    if type(result) is tuple and len(result) == 2:
        return {"pair": [raw(result[0]), raw(result[1])]}
    return {"returned": repr_line(result)}


def probe_gradients(m, pieces, program, ops, h=None):
    """The output and its gradients by the learner's rules for ops and the reference's for the rest (the
    reference grad() does the chain rule); with h, the output with each input moved by +h and -h."""
    leaves, out = build_program(program, m.Value)
    rules = {**pieces.rules, **{op: tuple_checked(op, m.RULES[op]) for op in ops}}
    nodes = pieces.order(out)
    try:
        gs = [g.data for g in pieces.grad_with(rules)(out, nodes + leaves)]
    except NotTuple as e:
        return {"not_tuple": e.op, "returned": repr_line(e.result)}
    data = {
        "out": raw(out.data),
        "grads": [raw(g) for g in gs[len(nodes) :]],
        "nodes": [raw(g) for g in gs[: len(nodes)]],
    }
    if h is not None:
        inputs = [line.split(" = ", 1)[0] for line in program[: len(leaves)]]
        for key, d in (("up", h), ("down", -h)):
            moved = [
                build_program(program, m.Value, {name: leaf.data + d})[1].data
                for name, leaf in zip(inputs, leaves, strict=True)
            ]
            data[key] = [raw(x) for x in moved]
    return data


def probe_order(m, pieces, program=None, chain_nodes=None, calls=1):
    """The learner's order as numbers of the listing (leaves too; "other" for what is no node of the graph), each
    call held to Python's default recursion limit."""
    root = long_chain(m.Value, chain_nodes) if chain_nodes else build_program(program, m.Value)[1]
    numbers = {id(v): float(k) for k, v in enumerate(listing(root))}
    results = []
    try:
        for _ in range(calls):
            with held_recursion_limit() as attempts:
                order = m.topological_order(root)
            if attempts:
                return {"recursion_limit": raw(attempts[-1])}
            results.append([numbers.get(id(v), "other") for v in order] if type(order) is list else
                           {"type": type(order).__name__})  # fmt: skip
            del order
    finally:
        unlink_graph(root)
    return {"calls": results}


def probe_program(m, pieces, program, read):
    """A named case: the grader's statements run over V (the learner's Value) and the reference order, then the
    .grad of each name in read."""
    with pieces.patched():
        scope = {"__builtins__": BUILTINS, "V": m.Value, "topological_order": pieces.order}
        exec("\n".join(program), scope)
        return {"grads": [raw(scope[name].grad) for name in read]}


def probe_backward(m, pieces, program):
    with pieces.patched():
        leaves, out = build_program(program, m.Value)
        out.backward()
        nodes = [raw(v.grad) for v in pieces.order(out)]
        return {"out": raw(out.data), "grads": [raw(leaf.grad) for leaf in leaves], "nodes": nodes}


def probe_grad_case(m, pieces):
    """y = tanh(x) * x**3 at x = 0.5 with y.grad = 7: grad(create_graph=True), then grad() of that."""
    with pieces.patched():
        V = m.Value
        x = V(0.5)
        y = x.tanh() * x**3
        y.grad = 7.0
        (d1,) = m.grad(y, [x], create_graph=True)
        if not is_node(d1):
            return {"d1_not_value": raw(d1)}
        (d2,) = m.grad(d1, [x])
        return {
            "d1": raw(d1.data),
            "d2": raw(getattr(d2, "data", d2)),
            "d2_is_node": bool(getattr(d2, "_op", None)),
            "y_grad": raw(y.grad),
            "x_grad": raw(x.grad),
        }


def probe_grad(m, pieces, program):
    """For each input x: d(out)/dx with create_graph=True, and d2(out)/dx2 by grad() of it."""
    with pieces.patched():
        V = m.Value
        leaves, out = build_program(program, V)
        firsts = m.grad(out, leaves, create_graph=True)
        pairs = []
        for k, g in enumerate(firsts):
            (g2,) = m.grad(g, [leaves[k]]) if g._op else (V(0.0),)
            pairs.append([raw(g.data), raw(g2.data)])
        return {"pairs": pairs}


PROBES = {
    "rule": probe_rule,
    "gradients": probe_gradients,
    "order": probe_order,
    "program": probe_program,
    "backward": probe_backward,
    "grad_case": probe_grad_case,
    "grad": probe_grad,
}


# --- a job ------------------------------------------------------------------------------------------------------


def report_on(job, source, filename="engine.py"):
    """The report of a job on the learner's source: {"results": [...]} or {"load_error": ..., "line": ...}.
    It stops at the first probe that raises, as the verdict does."""
    try:
        module = load(source, filename, job["ops"])
        pieces = Pieces(module, job["pieces"])
    except Unusable as e:
        return {"load_error": str(e), "line": e.line}
    results = []
    for probe in job["probes"]:
        args = {k: v for k, v in probe.items() if k not in ("kind", "about")}  # "about" is the grader's
        try:
            results.append({"ok": PROBES[probe["kind"]](module, pieces, **args)})
        except BaseException as e:  # exceptions are data here, exits included
            results.append({"raised": type(e).__name__, "message": first_line(e), "line": line_in(e, filename)})
            break
    return {"results": results}


def floats(x):
    """The report with every whole number a float: the grader accepts no integer of any size."""
    if type(x) is int:
        return float(x)
    if type(x) is dict:
        return {k: floats(v) for k, v in x.items()}
    if type(x) is list:
        return [floats(v) for v in x]
    return x


def run_text(job_text, source):
    """The page's sandbox worker: a job as JSON and the learner's source in, the report as JSON out."""
    try:
        report = report_on(json.loads(job_text), source)
    except MemoryError:
        report = {"load_error": "MemoryError while it was graded", "line": None}
    return json.dumps(floats(report))


def run_in_sandbox(argv):  # pragma: no cover (the sandbox's own process: every sandboxed test runs it)
    """In the sandbox: read the job and the learner's file, set the limits, run, write the report to stdout."""
    job_path, engine_path = argv
    report = os.fdopen(os.dup(1), "w")
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # whatever the learner's code prints goes nowhere
        os.dup2(quiet, fd)
    with open(job_path) as f:
        job = json.load(f)
    with open(engine_path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    limit_process(job.get("drop_privileges", False))
    try:
        text = json.dumps(floats(report_on(job, source, engine_path)))
    except MemoryError:
        text = json.dumps({"load_error": "MemoryError while it was graded", "line": None})
    report.write(text)
    report.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_in_sandbox(sys.argv[1:]))
