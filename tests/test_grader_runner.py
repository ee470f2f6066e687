"""The runner, in this process: whatever a learner's file does on import or in a probe becomes one line of data, and
every data shape a judge can meet, wrong or forged, is a fail with one line, never a pass nor a crash. Fast: nothing
here starts a sandbox (tests/test_grader_isolation.py runs the runner in one)."""

import json

import pytest

from engine.grader import checks, grade, runner, web
from engine.teach import exercises

SOLUTION = exercises.solution_source(range(1, 8))


def _load_error(source):
    report = runner.report_on(checks.load_job(), source)
    return report["load_error"], report["line"]


@pytest.mark.parametrize(
    "source, says, line",
    [
        ("def broken(:\n", "invalid syntax", 1),
        ("x = 1\0\n", "null bytes", None),
        ("import sys\nsys.exit(3)\n", "SystemExit: 3", 2),
        ("raise KeyboardInterrupt\n", "KeyboardInterrupt", 1),
        ("class Value:\n    pass\n", "RULES is missing", None),
        ("class Value:\n    pass\nRULES = {}\ntopological_order = grad = None\n", "Value has no backward()", None),
        ("class Value:\n    backward = _backward = None\nRULES = []\ntopological_order = grad = None\n",
         "RULES is a list; it must be a dict", None),
        ("class Value:\n    backward = _backward = None\nRULES = {}\ntopological_order = grad = None\n",
         "RULES has no row for", None),
    ],
    ids=["syntax", "a NUL byte", "an exit", "Ctrl-C", "no RULES", "no backward", "RULES a list", "rows missing"],
)  # fmt: skip
def test_a_file_that_cannot_be_used_is_one_line_with_its_line(source, says, line):
    message, at = _load_error(source)
    assert says in message and "\n" not in message and at == line, (message, at)


def test_an_exception_message_is_its_first_line_and_a_broken_str_is_a_question_mark():
    class Broken(Exception):
        def __str__(self):
            raise RuntimeError

    assert runner.first_line(ValueError("\n\n  nothing   to see\nscore: 90/90")) == "nothing to see"
    assert runner.first_line(Broken()) == "?"


def test_a_learners_result_becomes_data_whatever_it_is():
    class Ugly:
        def __repr__(self):
            raise RuntimeError

    assert runner.raw(3) == 3.0 and runner.raw(10**400) == float("inf") and runner.raw(-(10**400)) == float("-inf")
    assert runner.raw(True) == {"type": "bool", "repr": "True"}
    assert runner.raw(Ugly())["repr"] == "<Ugly: repr raised RuntimeError>"
    assert runner.raw("x" * 500)["repr"].endswith("...") and len(runner.raw("x" * 500)["repr"]) == 200
    assert runner.floats({"a": [1, 2.5, {"b": 3}], "c": True}) == {"a": [1.0, 2.5, {"b": 3.0}], "c": True}


def test_the_recursion_limit_is_held_and_every_attempt_to_move_it_is_recorded():
    import sys

    before = sys.getrecursionlimit()
    with runner.held_recursion_limit() as attempts:
        assert sys.getrecursionlimit() == runner.RECURSION_LIMIT
        sys.setrecursionlimit(10**6)
    assert attempts == [10**6] and sys.getrecursionlimit() == before and sys.setrecursionlimit(before) is None


def test_the_listing_numbers_every_node_once_and_unlinking_cuts_the_graph():
    from engine import Value

    a = Value(2.0)
    out = (a * a + a).tanh()
    nodes = runner.listing(out)
    assert nodes[0] is out and len(nodes) == len({id(v) for v in nodes}) == 4
    runner.unlink_graph(out)
    assert out._a is None and runner.listing(out) == [out]


def _run(check, source, finished=()):
    job = check.job(set(finished))
    report = json.loads(runner.run_text(json.dumps(job), source))
    return checks.verdict(check, job["probes"], report)


def test_each_exercise_of_the_reference_passes_in_process_and_a_stub_is_not_started():
    fresh = exercises.workspace_source()
    for check in checks.CHECKS:
        assert _run(check, SOLUTION) == ("pass", ""), check.exercise.name
        status, message = _run(check, fresh)
        assert status == "not started" and message.startswith(f"exercise {check.exercise.number}"), message


@pytest.mark.parametrize(
    "old, new, exercise, says",
    [
        ('"+":       lambda a, b, out, g: (g, g),', '"+":       lambda a, b, out, g: g,', 1,
         "+: your rule returned 1.0; it must return a tuple"),
        ('"*":       lambda a, b, out, g: (g * b, g * a),', '"*":       lambda a, b, out, g: (g * b, "x"),', 1,
         "your d/db is 'x'"),
        ("    order.reverse()\n    return order\n", "    return (1, 2)\n", 5, "returned tuple; it must return a list"),
        ("    order.reverse()\n    return order\n", "    return order + order\n", 5, "lists a node more than once"),
        ("    order.reverse()\n    return order\n", "    return order[1:]\n", 5, "expected the"),
        ("    order.reverse()\n    return order\n", "    return order\n", 5,
         "puts a node (tanh) before a node that uses it (*)"),
        ("    order.reverse()\n    return order\n", "    order.reverse()\n    return order + [root._b]\n", 5,
         "a leaf among them"),
        ("            v.grad = 0.0\n", "            pass\n", 6, "backward() called twice"),
        ("    return [Value(g) if type(g) is not Value else g * 1.0 if g in grads[:k] else g for k, g in "
         "enumerate(grads)]", "    return [Value(1.0) for g in grads]", 7, "your dy/dx is 1"),
        ("    return [Value(g) if type(g) is not Value else g * 1.0 if g in grads[:k] else g for k, g in "
         "enumerate(grads)]", "    return [g if type(g) is Value else Value(g, '', '+', Value(g), 0.0) for g in grads]",
         7, "returned a node of a graph"),
    ],
    ids=["not a tuple", "not a number", "a tuple", "twice", "one short", "inputs first", "a leaf", "grads not reset",
         "a wrong first derivative", "a node for a plain gradient"],
)  # fmt: skip
def test_each_kind_of_wrong_answer_has_its_message(old, new, exercise, says):
    assert SOLUTION.count(old) == 1, old
    status, message = _run(checks.BY_NUMBER[exercise], SOLUTION.replace(old, new), {"+", "*"})
    assert status == "fail" and says in message, message


def _forged(check, data):
    probes = check.job()["probes"]
    return checks.verdict(check, probes, {"results": [{"ok": data}]})


@pytest.mark.parametrize(
    "number, data",
    [
        (1, {"pair": "ab"}),
        (1, {"returned": 3.0}),
        (5, {"calls": []}),
        (5, {"calls": [[1.0], [1.0], [1.0]]}),
        (6, {"grads": [1.0]}),
        (7, {"pairs": [[1.0, 2.0]], "d1": 1.0}),
        (7, {"d1_not_value": {"type": "float"}, "d2_is_node": 1.0}),
    ],
    ids=["a pair of characters", "a number for a repr", "no call", "three calls", "too few grads",
         "a grad case of the wrong shape", "no Value"],
)  # fmt: skip
def test_forged_data_of_any_shape_is_a_fail_in_one_line(number, data):
    status, message = _forged(checks.BY_NUMBER[number], data)
    assert status == "fail" and message and "\n" not in message


def test_a_forged_load_error_and_a_forged_exception_are_one_line_each():
    check = checks.CHECKS[0]
    probes = check.job()["probes"]
    assert checks.verdict(check, probes, {"load_error": "x"}) == ("fail", "engine.py: x")
    raised = {"results": [{"raised": "ValueError", "message": "boom", "line": 3.0}]}
    assert checks.verdict(check, probes, raised) == ("fail", "your code raised ValueError: boom (line 3 of engine.py)")
    bad_line = {"results": [{"raised": "ValueError", "message": "boom", "line": "3"}]}
    assert checks.verdict(check, probes, bad_line) == ("fail", "the check's report was malformed")


def test_a_recursive_order_is_told_to_be_iterative():
    check = checks.BY_NUMBER[5]
    probes = check.job()["probes"]
    chain = next(k for k, p in enumerate(probes) if p.get("chain_nodes"))
    results = [{"raised": "RecursionError", "message": "deep", "line": None}]
    _, message = checks.verdict(check, probes[chain:], {"results": results})
    assert message == "on a chain of 100,000 nodes, your topological_order hit RecursionError: make it iterative"
    assert checks.verdict(check, probes, {"results": results}) == ("fail", "RecursionError: make it iterative")


def test_the_pages_grading_draws_a_wrong_rule_and_words_a_crashed_worker():
    source = SOLUTION.replace(
        '"*":       lambda a, b, out, g: (g * b, g * a),', '"*":       lambda a, b, out, g: (b, a),'
    )
    step = json.loads(web.grading_start())
    step = json.loads(web.grading_next(step["id"], runner.run_text(step["job"], source)))
    step = json.loads(web.grading_next(step["id"], runner.run_text(step["job"], source)))
    assert step["status"].startswith("grading exercise 2 of 7")
    step = json.loads(web.grading_next(step["id"], "", json.dumps({"crashed": "out of memory\nand more"})))
    while not step["done"]:
        step = json.loads(web.grading_next(step["id"], runner.run_text(step["job"], source)))
    card = step["scorecard"]
    assert card["exercises"][1]["message"] == "the check's worker crashed: out of memory"
    assert step["pictures"]["number"] == 1 and "digraph" in step["pictures"]["yours"]


def test_the_grading_conversation_can_be_driven_by_anything_that_runs_a_job(tmp_path):
    ran = []

    def run(job):
        ran.append(job["exercise"])
        return runner.report_on(job, SOLUTION)

    results = grade.drive(grade.grading(tmp_path / "engine.py"), run)
    assert ran == [0, 1, 2, 3, 4, 5, 6, 7] and sum(r.points for r in results) == 90
