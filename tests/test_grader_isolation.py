"""The learner's code runs in a child process and the verdict in the grader's: whatever a workspace does (exit,
crash, loop, recurse, allocate, print, patch), it cannot turn a fail into a pass or stop the grader, and each of
those is one line that names the cause while the other exercises are graded as usual. Also: a class at once."""

import csv
import json
import threading

import pytest

from engine.teach import exercises, grade
from engine.teach.exercises import BUGS, EXERCISES, FUNCTION_HINTS
from engine.teach.probes import CHAIN_NODES
from tests.support import run_cli

pytestmark = pytest.mark.slow  # each test grades a whole workspace, in child processes: about a minute in all

TANH_WRONG = exercises.bug_source(next(b for b in BUGS if b.name == "tanh_of_input"))
TANH_RULE = '"tanh":    lambda a, b, out, g: (g * (1 - a * a), None),'


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


def test_the_wrong_tanh_rule_alone_fails_only_its_exercise(tmp_path):
    message = _only_activations_fail(grade.grade(_workspace(tmp_path / "w", TANH_WRONG)))
    assert message.startswith("tanh: at x = 0.5")


@pytest.mark.parametrize(
    "tail, cause",
    [
        ("import sys\nsys.exit(0)\n", "SystemExit: 0"),
        ("raise SystemExit(0)\n", "SystemExit: 0"),
        ("import os\nos._exit(0)\n", "ended before it was done (exit code 0)"),
        ("x = (\n", "was never closed"),  # a syntax error on the last line
    ],
    ids=["sys.exit", "SystemExit", "os._exit", "syntax error"],
)
def test_a_file_that_exits_or_does_not_compile_is_one_line_never_a_pass(tail, cause, tmp_path):
    folder = _workspace(tmp_path / "w", TANH_WRONG + "\n" + tail)
    with pytest.raises(grade.LoadError) as error:
        grade.grade(folder)
    assert cause in str(error.value) and "\n" not in str(error.value)
    code, out, err = run_cli("grade", folder)
    assert code == 1 and out == "" and cause in err


@pytest.mark.parametrize(
    "body, cause",
    [
        ("    sys.exit(0)", "your code raised SystemExit: 0 (line 4 of engine.py)"),
        ("    raise SystemExit(3)", "your code raised SystemExit: 3 (line 4 of engine.py)"),
        ("    os._exit(0)", "ended before it was done (exit code 0)"),
        ("    return _hostile(a, b, out, g)", "your code raised RecursionError"),
        ("    return bytearray(10 * 1024**3)", "your code raised MemoryError"),
        ("    import signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "killed by signal 11"),
    ],
    ids=["sys.exit", "SystemExit", "os._exit", "deep recursion", "10 GB", "crash"],
)
def test_a_rule_that_exits_crashes_recurses_or_allocates_fails_its_exercise_alone(body, cause, tmp_path):
    message = _only_activations_fail(grade.grade(_workspace(tmp_path / "w", _in_rule(body))))
    assert cause in message and "\n" not in message, message


def test_a_rule_that_never_returns_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(grade, "TIME_LIMIT", 3)
    message = _only_activations_fail(grade.grade(_workspace(tmp_path / "w", _in_rule("    while True:\n        pass"))))
    assert message == "did not finish in 3 s (a loop that never ends?)"


def test_patching_the_graders_modules_changes_nothing(tmp_path):
    patch = (
        "import sys\n"
        "for name, module in list(sys.modules.items()):\n"
        "    if name.startswith('engine.'):\n"
        "        for attr in ('matches', 'close', 'judge_rule', 'Fail'):\n"
        "            if hasattr(module, attr):\n"
        "                setattr(module, attr, lambda *a, **k: True)\n"
    )
    results = grade.grade(_workspace(tmp_path / "w", TANH_WRONG + "\n" + patch))
    assert _only_activations_fail(results).startswith("tanh: at x = 0.5")


def test_printing_a_fake_scorecard_or_json_shows_nowhere(tmp_path):
    fake = 'print("score: 90/90 points, 7 of 7 exercises pass"); print(\'{"points": 90, "max_points": 90}\')\n'
    noisy = _in_rule('    print("score: 90/90"); print("x", file=sys.stderr)\n    return (g * (1 - out * out), None)')
    folder = _workspace(tmp_path / "w", fake + TANH_WRONG)
    code, out, _ = run_cli("grade", folder)
    assert code == 1 and out.count("score:") == 1 and "score: 80/90 points, 6 of 7 exercises pass" in out
    code, out, _ = run_cli("grade", folder, "--json")
    assert json.loads(out)["points"] == 80
    results = grade.grade(_workspace(tmp_path / "noisy", noisy))
    assert set(_statuses(results).values()) == {"pass"}  # its rule is right: printing is no failure


def test_grading_works_off_the_main_thread(tmp_path):
    folder = _workspace(tmp_path / "w", TANH_WRONG)
    out = []
    worker = threading.Thread(target=lambda: out.append(grade.grade(folder)))
    worker.start()
    worker.join()
    assert _only_activations_fail(out[0]).startswith("tanh:")


def test_the_exercise_text_promises_the_chain_the_grader_checks():
    assert f"a chain of {CHAIN_NODES:,} nodes must work" in " ".join(FUNCTION_HINTS["topological_order"][1].split())


def test_a_class_gets_a_row_each_with_broken_and_missing_workspaces_among_them(tmp_path):
    subs = tmp_path / "submissions"
    _workspace(subs / "ada", exercises.solution_source(range(1, 8)))
    _workspace(subs / "bob", TANH_WRONG)
    _workspace(subs / "cy", "x = (\n")
    (subs / "dee").mkdir()
    code, out, err = run_cli(
        "grade", *sorted(subs.iterdir()), subs / "nobody", "--csv", tmp_path / "grades.csv",
        "--scorecards", tmp_path / "cards",
    )  # fmt: skip
    assert code == 0, err
    rows = {r["workspace"]: r for r in csv.DictReader((tmp_path / "grades.csv").open())}
    assert list(rows) == ["ada", "bob", "cy", "dee", "nobody"]
    assert rows["ada"]["total"] == "90" and rows["ada"]["first failure"] == ""
    assert rows["bob"]["total"] == "80" and rows["bob"]["4 activations"] == "0" and rows["bob"]["1 add_mul"] == "10"
    assert rows["bob"]["first failure"].startswith("4. activations: tanh: at x = 0.5")
    assert rows["cy"]["total"] == "" and "line 1" in rows["cy"]["first failure"]
    assert "no such file" in rows["dee"]["first failure"] and "is not a folder" in rows["nobody"]["first failure"]
    assert "score: 80/90 points" in (tmp_path / "cards" / "bob.txt").read_text()
    assert "5 workspaces, 3 not gradable; mean 85.0/90 points" in out
    code, out, _ = run_cli("grade", subs / "ada", subs / "bob", "--json")
    doc = json.loads(out)
    assert doc["version"] == 1 and [w["points"] for w in doc["workspaces"]] == [90, 80]
    assert doc["workspaces"][1]["exercises"][3]["status"] == "fail"


SOLUTION = exercises.solution_source(range(1, 8))


@pytest.mark.parametrize(
    "old, new, exercise, message",
    [
        ('"exp":     lambda a, b, out, g: (g * out, None),', '"exp":     lambda a, b, out, g: g * out,', "exp_log",
         "exp: your rule returned "),
        ("    order.reverse()\n    return order\n", "    return tuple(order)\n", "topological_order",
         "your topological_order returned tuple; it must return a list"),
        ("    order.reverse()\n    return order\n", "    return order\n", "topological_order",
         "your topological_order puts a node"),
        ("    return [Value(g) if type(g) is not Value else g * 1.0 if g in grads[:k] else g for k, g in "
         "enumerate(grads)]", "    return [_data(g) for g in grads]", "grad", "returned 0.4449; it must return Values"),
        ('"relu":    lambda a, b, out, g: (0.0 if _data(out) <= 0 else g, None),',
         '"relu":    lambda a, b, out, g: _no(),', "activations", "raised NotImplementedError: later"),
    ],
    ids=["not a pair", "a tuple", "users last", "floats from grad", "another NotImplementedError"],
)  # fmt: skip
def test_each_kind_of_wrong_answer_has_its_message(old, new, exercise, message, tmp_path):
    assert SOLUTION.count(old) == 1
    source = "def _no():\n    raise NotImplementedError('later')\n\n" + SOLUTION.replace(old, new)
    results = {r.name: r for r in grade.grade(_workspace(tmp_path / "w", source))}
    assert results[exercise].status == "fail" and message in results[exercise].message, results[exercise]


@pytest.mark.parametrize(
    "report",
    [
        {"results": [{"ok": {"pair": [0.0]}}]},
        {"results": [{"ok": "pass"}]},
        {"results": ["pass"]},
        {"results": []},
        {"results": [{"raised": "SystemExit", "message": "0", "line": None}]},
        {"load_error": "engine.py: something"},
        {},
    ],
    ids=["short pair", "a string", "not a dict", "nothing", "an exit", "a load error", "empty"],
)
def test_a_report_of_any_shape_is_a_fail_never_a_pass_nor_a_crash(report):
    exercise = EXERCISES[0]
    probes = grade.plan(exercise, set())
    status, message = grade.verdict(exercise, probes, report)
    assert status == "fail" and message and "\n" not in message


def test_a_wrong_random_expression_is_drawn_with_the_first_node_where_the_gradients_part():
    from engine import Value
    from engine.teach import web
    from engine.teach.probes import instantiate, reference_order

    spec = ([0.5, -1.25], [("*", 0, 1), ("tanh", 2, 0), ("+", 3, 0)])
    leaves, out = instantiate(spec, Value)
    out.backward()
    order = reference_order(out)  # h0 = x0*x1, h1 = (h0*0.5 + 0.25).tanh(), out = 2 - h1: from the output down
    assert order[-1].label == "h0"
    wrong = [v.grad for v in order[:-1]] + [order[-1].grad * 2]  # the product h0's gradient is off
    data = {"out": out.data, "grads": [leaves[0].grad + 1.0, leaves[1].grad * 2], "nodes": wrong}
    pictures = web.counterexample({"kind": "gradients", "spec": spec, "ops": ["*", "+", "tanh"]}, data)
    for side in ("yours", "reference"):
        outlined = [line for line in pictures[side].splitlines() if "#d62728" in line and "record" in line]
        assert len(outlined) == 1 and "h0" in outlined[0], pictures[side]  # the product h0 = x0*x1, in both


def test_the_pages_grader_gives_the_command_lines_verdicts_and_scorecard(tmp_path):
    """engine/teach/web.py is what the playground's grader worker calls: JSON in, JSON out. Here its probes
    run in the command line's child process instead of the page's sandbox worker."""
    from engine.teach import web

    fresh = json.loads(web.web_workspace())
    assert fresh["source"] == exercises.workspace_source() and [e["number"] for e in fresh["exercises"]] == list(
        range(1, 8)
    )
    folder = _workspace(tmp_path / "w", TANH_WRONG)
    engine_py = (folder / "engine.py").resolve()
    results, finished = [], []
    for e in EXERCISES:
        probes = web.web_plan(e.number, json.dumps(finished))
        report = grade._child(engine_py, json.loads(probes), grade.TIME_LIMIT)
        out = json.loads(web.web_verdict(e.number, probes, json.dumps(report)))
        finished += out["ops"]
        results.append(out["result"])
        assert (out["pictures"] is not None) == (e.name == "activations")  # the wrong rule, drawn
    card = json.loads(web.web_scorecard(json.dumps(results)))
    cli = json.loads(grade.scorecard_json(folder, grade.grade(folder)))
    assert card["points"] == cli["points"] == 80 and card["exercises"] == cli["exercises"]
    assert card["engine"] == "engine.py" and "error" not in card
    broken = json.loads(web.web_scorecard("[]", "engine.py, line 1: '(' was never closed"))
    assert broken["error"].endswith("was never closed") and broken["points"] == 0 and broken["max_points"] == 90
    unreadable = json.loads(web.web_verdict(1, web.web_plan(1, "[]"), "not json"))
    assert unreadable["result"]["status"] == "fail" and unreadable["pictures"] is None
