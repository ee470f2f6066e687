"""The course in the playground, in CPython: its lesson files, the checks that mark a lesson done, predict mode's
answers, and whether a learner's graded engine is ready to train (engine/playground/lessons.py, engine/teach/stepper.py,
engine/grader/web.py)."""

import html
import json
import re

import pytest

from engine.grader import web
from engine.playground import lessons
from engine.teach import stepper
from tests.support import ROOT

LESSONS = sorted((ROOT / "playground" / "lessons").glob("*.md"))
PAGE = (ROOT / "playground" / "index.html").read_text()
EXAMPLES = [
    html.unescape(m)
    for m in re.findall(r'<option value="[^"]*">([^<]*)</option>', PAGE.split('id="examples"')[1].split("</select>")[0])
]


def test_the_course_has_eight_lessons_in_order_from_a_value_to_a_gpt_on_your_engine():
    course = [lessons.read_lesson(p.name, p.read_text()) for p in LESSONS]
    assert [p.name[:3] for p in LESSONS] == [f"{n:02d}-" for n in range(1, 9)]
    assert course[0]["title"] == "A Value and its graph" and course[-1]["done"] == "loss gpt yours 2.8"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_names_a_view_and_an_example_of_the_page_and_copies_neither(path):
    lesson = lessons.read_lesson(path.name, path.read_text())
    link = dict(lesson["link"])
    assert link["view"] in ("expression", "mlp", "gpt", "exercises")
    if "example" in link:
        assert link["example"] in EXAMPLES
    assert "def " not in lesson["text"] and "RULES" not in lesson["text"]  # statements stay in the workspace


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\nlink: view=mlp\ndone: rendered\n", "a lesson starts with ---"),
        ("---\ntitle: x\nlink: view=mlp\ndone: rendered\nmore: 1\n---\ntext", "exactly title:, link: and done:"),
        ("---\ntitle: x\nlink: view=mlp\ndone: everything\n---\ntext", "'everything' is none of the checks"),
        ("---\ntitle: x\nlink: view=mlp\ndone: exercises 3-9\n---\ntext", "names no range of exercises 1-7"),
    ],
)
def test_a_broken_lesson_file_is_refused_with_its_name_and_what_it_needs(text, message):
    with pytest.raises(lessons.LessonError, match=re.escape(message)) as caught:
        lessons.read_lesson("09-broken.md", text)
    assert str(caught.value).startswith("09-broken.md: ")


@pytest.mark.parametrize(
    ("done", "state", "expected"),
    [
        ("rendered", {}, (False, "run the expression")),
        ("rendered", {"rendered": 1}, (True, "")),
        ("predictions 4", {"right": 3}, (False, "predict 4 steps right (3 so far)")),
        ("predictions 4", {"right": 4}, (True, "")),
        ("exercises 1-4", {"passed": [1, 2, 4]}, (False, "pass exercise 3")),
        ("exercises 5-6", {"passed": []}, (False, "pass exercises 5, 6")),
        ("exercises 5-6", {"passed": [1, 5, 6]}, (True, "")),
        (
            "loss mlp yours 0.25",
            {"mlp": {"engine": "reference", "loss": 0.1}},
            (False, "train the MLP on your engine to a loss of 0.25 or less"),
        ),
        (
            "loss mlp yours 0.25",
            {"mlp": {"engine": "yours", "loss": 0.3}},
            (False, "train the MLP on your engine to a loss of 0.25 or less"),
        ),
        ("loss gpt yours 2.8", {"gpt": {"engine": "yours", "loss": 2.79}}, (True, "")),
        (
            "loss gpt yours 2.8",
            {"gpt": {"engine": "yours", "loss": "nan"}},
            (False, "train the GPT on your engine to a loss of 2.8 or less"),
        ),
    ],
)
def test_a_lesson_is_done_only_when_the_pages_state_meets_its_check(done, state, expected):
    answer = json.loads(lessons.lesson_done(done, json.dumps(state)))
    assert (answer["done"], answer["todo"]) == expected


@pytest.mark.parametrize(
    ("expected", "typed", "right"),
    [
        (-2.0, "-2", True),
        (-2.0, " -2.01 ", True),
        (-2.0, "-2.03", False),
        (0.0, "0.009", True),
        (0.0, "0.02", False),
        (1000.0, "1009", True),
        (1000.0, "1011", False),
        ("inf", "inf", True),
        ("inf", "1e308", False),
        ("nan", "nan", True),
        ("nan", "0", False),
        (1.0, "one", False),
        (1.0, "", False),
    ],
)
def test_a_prediction_is_right_within_the_stated_tolerance_and_inf_and_nan_as_written(expected, typed, right):
    assert json.loads(stepper.predicted(expected, typed))["right"] is right


def test_each_step_asks_for_the_rule_at_upstream_one_and_the_term_it_adds():
    steps = json.loads(stepper.explained("a = 2; b = -3; c = 10; f = -2\ne = a*b\nd = e + c\nL = d * f"))["steps"]
    by_input = {s["input"]: s for s in steps[1:]}
    assert (by_input["d"]["local"], by_input["d"]["term"]) == (-2.0, -2.0)  # dL/dd = f
    assert (by_input["a"]["local"], by_input["a"]["term"]) == (-3.0, 6.0)  # de/da = b, times dL/de = -2
    assert by_input["a"]["ask_local"] == "de/da" and "b" in by_input["a"]["hint"]


def test_an_engine_is_ready_to_train_when_exercises_1_to_6_pass_and_the_warning_names_the_others():
    card = {"exercises": [{"number": n, "status": "fail" if n in (4, 7) else "pass"} for n in range(1, 8)]}
    answer = json.loads(web.training_check(json.dumps(card)))
    assert answer["ready"] is False and answer["failing"] == [4]
    assert answer["warning"].startswith("your engine fails exercise 4 (the rules of a.tanh()")
    card["exercises"][3]["status"] = "pass"
    assert json.loads(web.training_check(json.dumps(card))) == {"ready": True, "failing": [], "warning": ""}
