"""Exercises for learners and the grader: a workspace made from the core, every exercise graded on
its own, every planted bug caught with a counterexample, and broken files reported in one line."""

import json
import subprocess
import sys

import pytest

from engine.grader import grade
from engine.teach import exercises
from engine.teach.exercises import BUGS, EXERCISES
from tests.support import ROOT, run_cli


def _workspace(folder, source):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "engine.py").write_text(source)
    return folder


def test_a_fresh_workspace_is_not_started_anywhere_and_exits_1(tmp_path):
    code, _, err = run_cli("exercises", "--out", tmp_path / "hw1")
    assert code == 0, err
    assert (tmp_path / "hw1" / "README.md").read_text().count("python -m engine grade") == 2
    code, out, err = run_cli("grade", tmp_path / "hw1")
    assert code == 1, err
    assert out.count("not started") == len(EXERCISES) and "score: 0/90 points, 0 of 7 exercises pass" in out


def test_the_workspace_is_the_core_with_a_stub_and_its_statement_for_each_piece():
    source = exercises.workspace_source()
    core = (ROOT / "engine" / "engine.py").read_text()
    assert source != core and exercises.solution_source(range(1, 8)) == core  # one source of truth
    for e in EXERCISES:
        assert f"exercise {e.number}" in source
    for op in ("+", "*", "/", "**", "pow", "exp", "log", "tanh", "relu", "sigmoid"):
        assert f'"{op}": lambda a, b, out, g: todo(' in source
    assert 'raise NotImplementedError("exercise 5: topological_order")' in source
    assert "g * (1 - out * out)" not in source and "order.reverse()" not in source  # no answer left in it


def test_the_reference_engine_grades_100_percent(tmp_path, box):
    folder = _workspace(tmp_path / "ref", (ROOT / "engine" / "engine.py").read_text())
    results = grade.grade(folder, box)
    assert [r.status for r in results] == ["pass"] * len(EXERCISES) and sum(r.points for r in results) == 90


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_each_exercise_filled_with_the_reference_alone_passes_alone(exercise, tmp_path, box):
    folder = _workspace(tmp_path / exercise.name, exercises.solution_source([exercise.number]))
    statuses = {r.number: r.status for r in grade.grade(folder, box)}
    assert statuses[exercise.number] == "pass"
    assert all(s == "not started" for n, s in statuses.items() if n != exercise.number), statuses


@pytest.mark.slow
@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.name)
def test_every_planted_bug_is_caught_with_a_counterexample(bug, tmp_path, box):
    folder = _workspace(tmp_path / bug.name, exercises.bug_source(bug))
    failed = [r for r in grade.grade(folder, box) if r.status != "pass"]
    assert len(failed) >= 1 and all(r.status == "fail" for r in failed)
    assert all(("at " in r.message or "for " in r.message) and "expected" in r.message for r in failed), failed


def test_the_bugs_command_writes_one_engine_per_bug(tmp_path):
    code, _, err = run_cli("exercises", "--bugs", "--out", tmp_path / "bugs")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "bugs").iterdir() if p.is_dir()) == sorted(b.name for b in BUGS)
    readme = (tmp_path / "bugs" / "README.md").read_text()
    assert all(b.what not in readme for b in BUGS)  # the names, not the answers


def test_the_message_names_the_point_the_gradient_and_the_formula(tmp_path, box):
    bug = next(b for b in BUGS if b.name == "tanh_of_input")
    results = grade.grade(_workspace(tmp_path / "t", exercises.bug_source(bug)), box)
    (tanh,) = [r for r in results if r.status == "fail"]
    assert tanh.message == (
        "tanh: at x = 0.5 with upstream gradient 1, your d/dx is 0.75; expected 0.7864 (1 - tanh(x)^2)"
    )


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_json_has_points_per_exercise_in_a_stable_shape(tmp_path):
    folder = _workspace(tmp_path / "two", exercises.solution_source([1, 5]))
    code, out, _ = run_cli("grade", folder, "--json")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == 2 and doc["points"] == 25 and doc["max_points"] == 90
    assert [e["number"] for e in doc["exercises"]] == list(range(1, 8))
    assert set(doc["exercises"][0]) == {"number", "name", "title", "status", "points", "max_points", "message"}
    assert [e["status"] for e in doc["exercises"]][:5] == ["pass", "not started", "not started", "not started", "pass"]


@pytest.mark.slow  # a whole grading or training: the slow tier
def test_two_wrong_answers_show_on_the_scorecard(tmp_path):
    source = exercises.solution_source(range(1, 8))
    source = source.replace('"*":       lambda a, b, out, g: (g * b, g * a)', '"*":       lambda a, b, out, g: (b, a)')
    source = source.replace("            seen.add(v)\n", "")
    code, out, err = run_cli("grade", _workspace(tmp_path / "hw", source))
    assert code == 1, err
    assert "*: at a = 0.5, b = -1.5 with upstream gradient 2.5, your d/da is -1.5; expected -3.75 (b)" in out
    assert "your topological_order lists a node more than once" in out
    assert "score: 65/90 points, 5 of 7 exercises pass" in out


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def broken(:\n", "engine.py, line 1: "),
        ("import math\nx = 1 / 0\n", "engine.py, line 2: ZeroDivisionError: division by zero"),
        ("class Value:\n    pass\n", "engine.py: RULES is missing"),
        ("while True:\n    pass\n", "engine.py: importing it did not finish in 1 s"),
    ],
)
def test_a_broken_file_gives_one_clear_line(source, expected, tmp_path, monkeypatch, box):
    monkeypatch.setattr(grade, "TIME_LIMIT", 1)
    folder = _workspace(tmp_path / "broken", source)
    with pytest.raises(grade.LoadError) as error:
        grade.grade(folder, box)
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_loop_that_never_ends_fails_its_exercise_within_the_time_limit(tmp_path, monkeypatch, box):
    monkeypatch.setattr(grade, "TIME_LIMIT", 1)
    source = exercises.solution_source(range(1, 8))
    start = "    order, seen, stack = [], set(), [root] if root._op else []\n"
    assert source.count(start) == 1  # the loop must replace the search's first line, or this test proves nothing
    source = source.replace(start, "    while True:\n        pass\n")
    results = grade.grade(_workspace(tmp_path / "loop", source), box)
    order = next(r for r in results if r.name == "topological_order")
    assert order.status == "fail" and "did not finish in 1 s" in order.message
    assert [r.status for r in results].count("pass") == 6


def test_the_command_says_one_line_for_a_broken_file_and_2_for_a_missing_folder(tmp_path):
    folder = _workspace(tmp_path / "b", "x = (\n")
    code, out, err = run_cli("grade", folder)
    assert code == 1 and out == "" and err.startswith(f"error: {folder / 'engine.py'}, line") and err.count("\n") == 1
    code, _, err = run_cli("grade", tmp_path / "nowhere")
    assert code == 2 and "is not a folder" in err


def test_a_learners_exception_is_reported_with_its_line(tmp_path, box):
    source = exercises.solution_source(range(1, 8)).replace("(g * out, None),", "(g * undefined_name, None),")
    results = grade.grade(_workspace(tmp_path / "e", source), box)
    (bad,) = [r for r in results if r.status == "fail"]
    assert bad.name == "exp_log" and "NameError" in bad.message and "of engine.py" in bad.message


def test_grading_runs_without_torch_against_the_reference_engine(tmp_path, box):
    folder = _workspace(tmp_path / "m", exercises.bug_source(next(b for b in BUGS if b.name == "mul_swapped")))
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from engine.grader import grade, sandbox\n"
        f"print([r.status for r in grade.grade({str(folder)!r}, sandbox.choose())])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(["fail", "pass", "pass", "pass", "pass", "pass", "pass"])
