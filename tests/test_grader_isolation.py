"""Every check runs a copy of the learner's engine.py in a sandbox of its own, beside the runner alone, and the
verdict is the grader's: whatever a workspace does (exit, crash, loop, recurse, allocate, print, patch, write files,
start processes, read the environment, forge its report), it can fail only its own exercises, never reach a
classmate, the grader or the reference, and it gets no more than an untouched workspace."""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.grader import checks, classroom, grade, report, runner
from engine.teach import exercises
from engine.teach.exercises import BUGS, EXERCISES, FUNCTION_HINTS
from tests.support import ROOT, run_cli
from tests.support.cheats import CHEATS, LINKS, MARKER, SECRET, Paths

TANH_WRONG = exercises.bug_source(next(b for b in BUGS if b.name == "tanh_of_input"))
TANH_RULE = '"tanh":    lambda a, b, out, g: (g * (1 - a * a), None),'
SOLUTION = exercises.solution_source(range(1, 8))


def _workspace(folder, source):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "engine.py").write_text(source)
    return folder


def _statuses(results):
    return {r.name: r.status for r in results}


def _only_activations_fail(results):
    statuses = _statuses(results)
    assert statuses.pop("activations") == "fail"
    assert set(statuses.values()) == {"pass"}, statuses
    return next(r for r in results if r.name == "activations").message


def _in_rule(body):
    """TANH_WRONG with the tanh rule replaced by a function whose body is `body`."""
    assert TANH_WRONG.count(TANH_RULE) == 1
    source = TANH_WRONG.replace(TANH_RULE, '"tanh":    _hostile,')
    return f"import os, sys\n\ndef _hostile(a, b, out, g):\n{body}\n\n" + source


# --- the runner: standard library only, and never the answer to the exercise it runs ------------------------------


def test_the_code_beside_the_learners_imports_nothing_of_this_package():
    import ast

    tree = ast.parse(Path(runner.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert not any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in ast.walk(tree))  # no relative import
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


@pytest.mark.parametrize("check", checks.CHECKS, ids=lambda c: c.exercise.name)
def test_no_job_holds_a_piece_of_the_reference_that_its_exercise_grades(check):
    job = check.job(set())
    graded_rules = {checks.piece(f"rule:{op}") for op in check.exercise.ops}
    text = json.dumps(job)
    assert all(json.dumps(rule)[1:-1] not in text for rule in graded_rules)  # a rule's text, escaped as in JSON
    assert not set(job["pieces"]) & check.grades
    assert set(job["pieces"]["rules"]).isdisjoint(check.exercise.ops)
    if check.exercise.name == "topological_order":
        assert "topological_order" not in job["pieces"] and "order.reverse()" not in text
    if check.exercise.name == "grad":
        assert "grad" not in job["pieces"]
    if check.exercise.name == "backward":
        assert "def backward" not in text and "def _backward" not in text


def test_the_runner_builds_the_same_graphs_as_the_expression_language():
    from engine import Value

    for spec in checks.random_specs({"+", "*", "/", "**", "pow", "exp", "log", "tanh", "relu", "sigmoid"}, seed=3):
        _, ours = runner.build_program(checks.program(spec), Value)
        _, theirs = checks.instantiate(spec, Value)
        shape = lambda root: [(v._op, type(v._b).__name__) for v in runner.listing(root)]
        assert (shape(ours) == shape(theirs) and ours.data == theirs.data) or ours.data != ours.data, spec


# --- what comes back is data, checked --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        b'{"results": [{"ok": {"pair": [' + b"9" * 400 + b", 1.0]}}]}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50 + b"1.0" + b"}" * 50,
        b'{"results": [1.5, "x"]' + b" " * report.MAX_BYTES + b"}",
        b"not json",
        b"[1.0, 2.0]",
        b'{"results": [{"ok": {"x": 1}}]}',
        b"\xff\xfe",
    ],
    ids=["an integer of 400 digits", "nested 100,000 deep", "nested 50 deep", "too large", "not JSON", "a list",
         "an integer", "not UTF-8"],
)  # fmt: skip
def test_a_report_that_breaks_the_schema_is_malformed(text):
    with pytest.raises(report.Malformed):
        report.parse_report(text)


def test_a_reports_strings_are_cut_to_one_line_and_its_numbers_may_be_inf_and_nan():
    doc = report.parse_report(
        '{"m": "boom\\nscore: 90/90", "n": [Infinity, -Infinity, NaN, 1.5], "t": true, "z": null}'
    )
    assert doc["m"] == "boom" and doc["n"][:2] == [float("inf"), float("-inf")] and doc["n"][2] != doc["n"][2]
    assert report.parse_report('{"m": "' + "x" * 1000 + '"}')["m"] == "x" * report.MAX_CHARS


@pytest.mark.parametrize(
    "data",
    [
        {"results": [{"ok": {"pair": [0.0]}}]},
        {"results": [{"ok": "pass"}]},
        {"results": ["pass"]},
        {"results": "raised"},
        {"results": [{"raised": 3.0, "message": "x", "line": None}]},
        {"results": [{"ok": {"pair": [1.0, None]}}] * 10_000},
        {"load_error": {"nested": True}},
        {},
    ],
    ids=["short pair", "a string", "not a dict", "a string of results", "a number for a name", "too many results",
         "a load error that is no text", "empty"],
)  # fmt: skip
def test_a_report_of_any_shape_is_a_fail_never_a_pass_nor_a_crash(data):
    check = checks.CHECKS[0]
    status, message = checks.verdict(check, check.job()["probes"], data)
    assert status == "fail" and message and "\n" not in message


# --- the sandbox: one of its own for every check ---------------------------------------------------------------


def test_the_wrong_tanh_rule_alone_fails_only_its_exercise(tmp_path, box):
    message = _only_activations_fail(grade.grade(_workspace(tmp_path / "w", TANH_WRONG), box))
    assert message.startswith("tanh: at x = 0.5")


@pytest.mark.slow
@pytest.mark.parametrize(
    "body, cause",
    [
        ("    sys.exit(0)", "your code raised SystemExit: 0 (line 4 of engine.py)"),
        ("    os._exit(0)", "ended before it was done (exit code 0)"),
        ("    return _hostile(a, b, out, g)", "your code raised RecursionError"),
        ("    return bytearray(10 * 1024**3)", "your code raised MemoryError"),
        ("    import signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "ended before it was done"),
        ("    import threading\n    threading.Thread(target=print).start()", "your code raised RuntimeError"),
        ("    open('/tmp/big', 'wb').write(b'x' * (100 << 20))", "your code raised"),
        ("    import ctypes", "No module named '_ctypes'"),
        ("    import socket\n    socket.create_connection(('127.0.0.1', 22), 1)", "your code raised"),
    ],
    ids=["sys.exit", "os._exit", "deep recursion", "10 GB", "crash", "a thread", "100 MB to a file", "ctypes",
         "the network"],
)  # fmt: skip
def test_a_rule_that_exits_crashes_recurses_allocates_or_reaches_out_fails_its_exercise_alone(
    body, cause, tmp_path, box
):
    message = _only_activations_fail(grade.grade(_workspace(tmp_path / "w", _in_rule(body)), box))
    assert cause in message and "\n" not in message, message


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_a_rule_that_never_returns_is_stopped_at_the_time_limit(tmp_path, monkeypatch, box):
    monkeypatch.setattr(grade, "TIME_LIMIT", 3)
    message = _only_activations_fail(
        grade.grade(_workspace(tmp_path / "w", _in_rule("    while True:\n        pass")), box)
    )
    assert message == "did not finish in 3 s (a loop that never ends?)"


@pytest.mark.slow
def test_patching_the_runner_or_printing_a_fake_scorecard_gains_nothing(tmp_path, box):
    patch = (
        "import sys\n"
        "for module in list(sys.modules.values()):\n"
        "    for attr in ('raw', 'matches', 'verdict', 'probe_rule'):\n"
        "        if hasattr(module, attr):\n"
        "            setattr(module, attr, lambda *a, **k: True)\n"
        'print("score: 90/90 points, 7 of 7 exercises pass")\n'
    )
    folder = _workspace(tmp_path / "w", patch + TANH_WRONG)
    code, out, _ = run_cli("grade", folder, "--json")
    assert code == 1 and json.loads(out)["points"] <= 80  # patched, the runner's data are wrong: never a pass
    code, out, _ = run_cli("grade", folder)
    assert out.count("score:") == 1 and "score: 90/90" not in out


def test_grading_works_off_the_main_thread(tmp_path, box):
    folder = _workspace(tmp_path / "w", TANH_WRONG)
    out = []
    worker = threading.Thread(target=lambda: out.append(grade.grade(folder, box)))
    worker.start()
    worker.join()
    assert _only_activations_fail(out[0]).startswith("tanh:")


def test_the_exercise_text_promises_the_chain_the_grader_checks():
    text = " ".join(FUNCTION_HINTS["topological_order"][1].split())
    assert f"a chain of {checks.CHAIN_NODES:,} nodes must work at Python's default recursion limit" in text
    assert runner.RECURSION_LIMIT == 1000  # Python's default


def test_an_engine_py_that_is_a_link_is_refused_in_one_line(tmp_path, box):
    _workspace(tmp_path / "ada", SOLUTION)
    (tmp_path / "sym").mkdir()
    (tmp_path / "sym" / "engine.py").symlink_to(tmp_path / "ada" / "engine.py")
    (tmp_path / "hard").mkdir()
    os.link(tmp_path / "ada" / "engine.py", tmp_path / "hard" / "engine.py")
    (tmp_path / "folder-link").symlink_to(tmp_path / "ada")
    for name, says in (
        ("sym", "is a symbolic link"),
        ("hard", "is a hard link"),
        ("folder-link", "is a symbolic link"),
    ):
        with pytest.raises(grade.LoadError) as error:
            grade.grade(tmp_path / name, box)
        assert says in str(error.value) and "\n" not in str(error.value)


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_without_a_sandbox_grade_refuses_in_one_line_unless_trusted_and_then_says_so(tmp_path):
    folder = _workspace(tmp_path / "w", TANH_WRONG)
    env = {"PATH": str(tmp_path / "no-bwrap-here"), "LANG": "C.UTF-8"}
    code, out, err = run_cli("grade", folder, env=env)
    assert code == 7 and out == "" and err.count("\n") == 1
    assert "install bubblewrap" in err and "--trusted" in err
    code, out, _ = run_cli("grade", folder, "--trusted", env=env)
    assert code == 1 and "sandbox: none (--trusted)" in out and "score: 80/90 points" in out
    code, _, _ = run_cli("grade", folder, "--trusted", "--csv", tmp_path / "class.csv", env=env)
    (row,) = csv.DictReader((tmp_path / "class.csv").open())
    assert code == 0 and row["sandbox"] == "none" and row["total"] == "80"


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_grade_names_the_sandbox_it_used(tmp_path, box):
    code, out, _ = run_cli("grade", _workspace(tmp_path / "w", SOLUTION))
    assert code == 0 and out.splitlines()[1] == f"sandbox: {box.description}"
    code, out, _ = run_cli("grade", tmp_path / "w", "--json")
    assert json.loads(out)["sandbox"] == "bubblewrap"


# --- verdicts that don't miss ----------------------------------------------------------------------------------------


def _replace(source, old, new):
    assert source.count(old) == 1, old
    return source.replace(old, new)


POW = """    "pow":     lambda a, b, out, g: (0.0 if _data(b) == 0 else g * (b * _pow(a, b - 1)),
                                     g * (0.0 if _data(a) == 0 and _data(b) >= 0 else out * _log(a))),"""
GAPS = {
    "a pow rule with math.log(a)": (
        "div_pow",
        POW,
        '    "pow":     lambda a, b, out, g: (0.0 if _data(b) == 0 else g * (b * _pow(a, b - 1)),\n'
        "                                     g * out * math.log(a)),",
        "your code raised ValueError: math domain error",
    ),
    "a ** rule without the b == 0 guard": (
        "div_pow",
        '    "**":      lambda a, b, out, g: (0.0 if b == 0 else g * (b * _pow_n(a, b - 1)), None),',
        '    "**":      lambda a, b, out, g: (g * b * a ** (b - 1), None),',
        "your code raised ZeroDivisionError",
    ),
    "a sigmoid rule built on math.exp(-a)": (
        "activations",
        '    "sigmoid": lambda a, b, out, g: (g * (1 - out) * out, None),                # s (1 - s)',
        '    "sigmoid": lambda a, b, out, g: (g * math.exp(-a) / (1 + math.exp(-a)) ** 2, None),',
        "your code raised OverflowError",
    ),
    "a recursive order that raises the recursion limit": (
        "topological_order",
        '    """The non-leaf nodes below root, each after every node that uses it: depth-first without recursion.',
        "    import sys\n    sys.setrecursionlimit(1_000_000)\n    order, seen = [], set()\n\n"
        "    def visit(v):\n        if v in seen or not v._op:\n            return\n        seen.add(v)\n"
        "        for x in (v._a, v._b):\n            if type(x) is Value:\n                visit(x)\n"
        "        order.append(v)\n\n    visit(root)\n    return order[::-1]\n\n"
        '    """The non-leaf nodes below root, each after every node that uses it: depth-first without recursion.',
        "your topological_order changed the recursion limit (to 1e+06)",
    ),
    "a rule that returns a list [g, g]": (
        "add_mul",
        '    "+":       lambda a, b, out, g: (g, g),',
        '    "+":       lambda a, b, out, g: [g, g],',
        "+: your rule returned [1.0, 1.0]; it must return a tuple (gradient for a, gradient for b)",
    ),
}


@pytest.mark.parametrize("gap", GAPS, ids=list(GAPS))
def test_a_broken_rule_that_the_textbook_cases_miss_is_caught(gap, tmp_path, box):
    exercise, old, new, says = GAPS[gap]
    source = _replace(SOLUTION, old, new)
    results = {r.name: r for r in grade.grade(_workspace(tmp_path / "w", source), box)}
    assert results[exercise].status == "fail" and says in results[exercise].message, results[exercise]
    assert [r.status for r in results.values()].count("pass") == 6


def test_the_named_edge_cases_are_judged_against_pytorch_and_the_reference_meets_them():
    torch = pytest.importorskip("torch")
    from engine import engine as ref
    from engine.ops import BY_OP

    cases = [p for c in checks.CHECKS[:4] for p in c.cases()]
    edges = {(p["op"], p["a"], p["b"]) for p in cases}
    for op in ("pow", "**"):
        assert {(op, 0.0, n) for n in (0.5, 2.0, -1.0, 0.0)} <= edges and any(a < 0 for o, a, _ in edges if o == op)
    assert {(op, a, None) for op in ("sigmoid", "tanh", "exp") for a in (800.0, -800.0)} <= edges
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (inf,) = torch.autograd.grad(t**0.5, t)
    assert checks.expected_rule("**", 0.0, 0.5, 1.0)[0] == inf.item() == float("inf")  # PyTorch's, not ours
    for p in cases:  # the reference rule meets PyTorch at every named case
        got, want = (
            ref.RULES[p["op"]](p["a"], p["b"], p["out"], p["g"]),
            checks.expected_rule(p["op"], p["a"], p["b"], p["g"]),
        )
        for k in range(len(BY_OP[p["op"]].local)):
            assert checks.matches(float(got[k]), want[k]), (p, got, want)


# --- a class: every cheat beside honest classmates -------------------------------------------------------------------


def _digest(folders, contents=True):
    """A hash of every file under folders: contents, or (for site-packages) names, sizes and times."""
    h = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            stat = path.stat()
            h.update(str(path).encode())
            h.update(path.read_bytes() if contents else f"{stat.st_size} {stat.st_mtime_ns}".encode())
    return h.hexdigest()


def _left_behind():
    """Processes a cheat or a check started that still run."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if MARKER in cmdline or "/grader/runner.py" in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.slow
def test_a_class_of_every_cheat_leaves_the_classmates_the_grader_and_the_machine_as_they_were(tmp_path, box):
    subs, teacher = tmp_path / "submissions", tmp_path / "teacher"
    teacher.mkdir()
    honest = {"ada": SOLUTION, "bob": TANH_WRONG, "cy": exercises.solution_source([1, 2, 3, 5])}
    for name, source in honest.items():
        _workspace(subs / name, source)
    alone = {name: grade.grade(subs / name, box) for name in honest}
    paths = Paths([str(subs / name / "engine.py") for name in honest], str(ROOT / "engine" / "engine.py"), str(teacher))
    names = {}
    for k, (row, make) in enumerate(CHEATS.items()):
        names[f"cheat{k:02d}"] = row
        _workspace(subs / f"cheat{k:02d}", make(paths))
    for k, (row, target) in enumerate(LINKS.items(), start=len(CHEATS)):
        (subs / f"cheat{k:02d}").mkdir()
        (subs / f"cheat{k:02d}" / "engine.py").symlink_to(target(paths))
        names[f"cheat{k:02d}"] = row
    untouched = grade.grade(_workspace(tmp_path / "untouched", exercises.workspace_source()), box)
    site_packages = [p for p in paths.site_packages if Path(p).is_dir()]
    before = (_digest([subs / n for n in honest]), _digest([ROOT / "engine"]), _digest(site_packages, False))

    env = {**os.environ, SECRET: "s3cret-value-of-the-teacher"}
    code, out, err = run_cli(
        "grade", *sorted(subs.iterdir()), "--csv", teacher / "grades.csv", "--scorecards", teacher / "cards",
        cwd=teacher, env=env,
    )  # fmt: skip
    assert code == 0, err
    after = (_digest([subs / n for n in honest]), _digest([ROOT / "engine"]), _digest(site_packages, False))
    written = teacher / "grades.csv"
    rows = {r["workspace"]: r for r in csv.DictReader(written.open())}
    assert before[0] == after[0], "a classmate's file changed"
    assert before[1] == after[1], "the reference engine changed"
    assert before[2] == after[2], "site-packages changed"
    assert sorted(p.name for p in teacher.iterdir()) == ["cards", "grades.csv"]  # the grader's folder: its output
    assert _left_behind() == []
    assert list(rows) == sorted(p.name for p in subs.iterdir())  # every row
    assert len(written.read_text().splitlines()) == len(rows) + 1  # one line each
    for name, results in alone.items():  # the honest, exactly as alone
        assert rows[name]["total"] == str(sum(r.points for r in results)), (name, rows[name])
        assert [rows[name][f"{e.number} {e.name}"] for e in EXERCISES] == [str(r.points) for r in results]
    top = sum(r.points for r in untouched)
    for name, row in names.items():  # no cheat gets more than an untouched workspace
        assert int(rows[name]["total"] or 0) <= top, (row, rows[name])
        assert rows[name]["sandbox"] == "bubblewrap"
    text = out + written.read_text() + "".join(p.read_text() for p in (teacher / "cards").iterdir())
    assert "s3cret-value-of-the-teacher" not in text
    cards = "".join((teacher / "cards" / f"{name}.txt").read_text() for name in names)
    assert not any(line.startswith("score: 90/90") for line in cards.splitlines())  # no cheat poses as a score


@pytest.mark.slow
@pytest.mark.parametrize("row", [*CHEATS, *LINKS])
def test_each_cheat_alone_gets_no_more_than_an_untouched_workspace_and_touches_nothing(row, tmp_path, box, monkeypatch):
    monkeypatch.setenv(SECRET, "s3cret-value-of-the-teacher")
    ada = _workspace(tmp_path / "ada", SOLUTION)
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    paths = Paths([str(ada / "engine.py")], str(ROOT / "engine" / "engine.py"), str(teacher))
    cheat = tmp_path / "cheat"
    if row in LINKS:
        cheat.mkdir()
        (cheat / "engine.py").symlink_to(LINKS[row](paths))
    else:
        _workspace(cheat, CHEATS[row](paths))
    before = (ada / "engine.py").read_bytes(), (ROOT / "engine" / "engine.py").read_bytes()
    rows = classroom.grade_class([cheat], box)
    assert rows[0].points == 0 and "\n" not in rows[0].first_failure
    assert ((ada / "engine.py").read_bytes(), (ROOT / "engine" / "engine.py").read_bytes()) == before
    assert list(teacher.iterdir()) == [] and _left_behind() == []
    assert not any((Path(p) / "zz-cheat.pth").exists() for p in paths.site_packages)
    assert "s3cret" not in rows[0].first_failure and SECRET not in rows[0].first_failure


# --- the page's grader is the command line's ---------------------------------------------------------------------


def test_a_wrong_random_expression_is_drawn_with_the_first_node_where_the_gradients_part():
    from engine import Value
    from engine.engine import topological_order
    from engine.grader import web

    spec = ([0.5, -1.25], [("*", 0, 1), ("tanh", 2, 0), ("+", 3, 0)])
    leaves, out = checks.instantiate(spec, Value)
    out.backward()
    order = topological_order(out)
    assert order[-1].label == "h0"  # h0 = x0*x1, h1 = (h0*0.5 + 0.25).tanh(), out = 2 - h1: from the output down
    wrong = [v.grad for v in order[:-1]] + [order[-1].grad * 2]  # the product h0's gradient is off
    data = {"out": out.data, "grads": [leaves[0].grad + 1.0, leaves[1].grad * 2], "nodes": wrong}
    pictures = web.counterexample({"kind": "gradients", "about": {"spec": spec}}, data)
    for side in ("yours", "reference"):
        outlined = [line for line in pictures[side].splitlines() if "#d62728" in line and "record" in line]
        assert len(outlined) == 1 and "h0" in outlined[0], pictures[side]  # the product h0 = x0*x1, in both


@pytest.mark.slow  # a whole command run: the slow tier
def test_the_pages_grading_gives_the_command_lines_verdicts(tmp_path, box):
    """engine/grader/web.py is what the page's grader worker calls; here each job runs in the runner in-process,
    as the page's sandbox worker runs it."""
    from engine.grader import web

    step = json.loads(web.grading_start())
    while not step["done"]:
        step = json.loads(web.grading_next(step["id"], runner.run_text(step["job"], TANH_WRONG)))
    card = step["scorecard"]
    cli = json.loads(grade.scorecard_json("w", grade.grade(_workspace(tmp_path / "w", TANH_WRONG), box), box))
    assert card["points"] == cli["points"] == 80 and card["exercises"] == cli["exercises"]
    assert card["summary"] == "score: 80/90 points, 6 of 7 exercises pass" and step["pictures"]["number"] == 4
    step = json.loads(web.grading_start())
    step = json.loads(web.grading_next(step["id"], "[" * 100_000 + "]" * 100_000))
    assert step["done"] and step["scorecard"]["error"] == "engine.py: the check's report was malformed"
    step = json.loads(web.grading_start())
    step = json.loads(web.grading_next(step["id"], "", json.dumps({"timeout": True})))
    assert (
        step["scorecard"]["error"]
        == f"engine.py: importing it did not finish in {grade.TIME_LIMIT} s (a loop that never ends?)"
    )
    assert json.loads(web.settings()) == {"time_limit": grade.TIME_LIMIT}


@pytest.mark.slow
@pytest.mark.skipif(os.getuid() != 0 or not Path("/usr/bin/python3").exists(), reason="needs root to become nobody")
def test_as_an_ordinary_user_the_sandbox_holds_too(tmp_path, box):
    """A teacher's laptop: the grader itself runs as an ordinary user (here nobody, with Debian's Python), and
    bubblewrap makes its sandbox in a user namespace; no thread or process may start there either."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="teacher-"))  # where nobody can read (pytest's tmp_path is root's alone)
    home.chmod(0o755)
    folder = _workspace(home / "w", _in_rule("    import threading\n    threading.Thread(target=print).start()"))
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from engine.grader import grade, sandbox\n"
        "box = sandbox.choose()\n"
        f"results = grade.grade({str(folder)!r}, box)\n"
        "print(box.name, [r.status for r in results], results[3].message)\n"
    )
    setpriv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    try:
        run = subprocess.run([*setpriv, "/usr/bin/python3", "-c", code], cwd="/tmp", capture_output=True, text=True)
    finally:
        shutil.rmtree(home)
    assert run.returncode == 0, run.stderr[-2000:]
    name, rest = run.stdout.split(" ", 1)
    assert name == "bubblewrap" and "'fail'" in rest and "your code raised RuntimeError" in rest, run.stdout
