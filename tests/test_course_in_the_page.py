"""The course in headless Chromium, offline, walked as a learner would: predictions right and wrong, the
reference's rules pasted into the editor until exercises 1-6 pass, the MLP and then the GPT trained on "your
engine" until their losses fall, and the progress still there after a reload. And an engine with a wrong tanh
rule, trained past its warning: its curve parts from the reference's and the page names exercise 4."""

import json
import re
import statistics

import pytest

from engine.teach import stepper
from tests.support import ROOT
from tests.support.browser import new_page, only_local, open_view

SHOTS = ROOT / "reports"
REFERENCE = (ROOT / "engine" / "engine.py").read_text()
WRONG_TANH = REFERENCE.replace("(g * (1 - out * out), None),", "(g * (1 - out), None),      ")
assert WRONG_TANH != REFERENCE
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _done(page, number):
    page.wait_for_function(
        f"window.playground.lesson === {number} && window.playground.progress.includes({number})", timeout=180_000
    )
    assert page.text_content("#lesson-state") == "done \u2713"


def _predict(page, text, right, wrong=0):
    """Answer the stepper's questions: `wrong` wrong answers first (each gets its hint), then `right` right ones,
    with the numbers CPython's engine gives for the text."""
    steps = json.loads(stepper.explained(text))["steps"]
    for k in range(1, right + 1):
        page.click("#next")
        page.wait_for_selector("#predict", state="visible")
        assert page.text_content("#predict-local-label") == steps[k]["ask_local"]
        if k <= wrong:
            page.fill("#predict-local", "12345")
            page.fill("#predict-term", "12345")
            page.click("#predict-check")
            page.wait_for_function("document.querySelector('#predict-result').textContent.startsWith('not yet')")
            assert f"Hint: {steps[k]['hint']}" in page.text_content("#predict-result")
        page.fill("#predict-local", str(steps[k]["local"]))
        page.fill("#predict-term", str(steps[k]["term"]))
        page.click("#predict-check")
        page.wait_for_function(f"window.playground.step === {k}")
    return page.evaluate("window.playground.predictions")


def _shot(page, name):  # the top of the page: the lesson, then its view (tools/course_montage.py puts them together)
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_learner_walks_the_course_from_one_value_to_a_gpt_on_their_own_engine(browser, site):
    page = new_page(browser, width=1280, height=1100)
    only_local(page, site)
    open_view(page, site, "#view=expression")
    page.click("#course-start")  # no progress yet: lesson 1
    _done(page, 1)

    page.click("#lesson-next")
    page.wait_for_function("window.playground.lesson === 2")
    demo = page.input_value("#text")
    assert page.is_checked("#predict-mode") and not page.is_visible("#grads")  # the answers wait
    assert _predict(page, demo, right=4, wrong=1) == {"right": 4, "asked": 4}
    _done(page, 2)
    _shot(page, "lesson-2")

    page.click("#lesson-next")
    page.wait_for_function("window.playground.lesson === 3")
    _predict(page, page.input_value("#text"), right=3)
    _done(page, 3)

    page.click("#lesson-next")  # write the rules: the reference's, pasted, pass exercises 1-6
    page.wait_for_function("window.playground.lesson === 4 && window.playground.exercisesReady === true")
    page.evaluate("(text) => window.playground.editor().setValue(text)", REFERENCE)
    page.click("#grade")
    page.wait_for_function("document.querySelector('#grade-status').textContent === 'graded'", timeout=180_000)
    _done(page, 4)
    page.click("#lesson-next")
    _done(page, 5)

    page.click("#lesson-next")
    page.wait_for_function("window.playground.lesson === 6")
    _predict(page, page.input_value("#text"), right=3)
    _done(page, 6)

    page.click("#lesson-next")  # an MLP on your engine
    page.wait_for_function("window.playground.lesson === 7 && window.playground.view === 'mlp'")
    page.select_option("#engine-choice", "yours")  # the Exercises' engine.py, graded first
    page.wait_for_function("window.playground.engine === 'yours' && window.playground.step === 0", timeout=180_000)
    start = page.evaluate("window.playground.frame.train_loss")
    page.click("#mlp-play")
    _done(page, 7)
    page.evaluate("window.playground.mlp.pause()")
    assert page.evaluate("window.playground.frame.train_loss") < start
    assert page.text_content("#engine-badge").startswith("training on your engine: ")
    assert page.text_content("#mlp-compare").startswith("your engine's losses are the reference's, step for step")
    _shot(page, "lesson-7")

    page.click("#lesson-next")  # a GPT on your engine
    page.wait_for_function("window.playground.lesson === 8 && window.playground.view === 'gpt'")
    page.wait_for_function(  # the GPT view loads its script first: until then window.playground.gpt is null
        "window.playground.engine === 'yours' && (window.playground.gpt?.state().settings ?? null) !== null"
    )
    page.click("#gpt-play")
    _done(page, 8)
    page.evaluate("window.playground.gpt.pause()")
    gpt = page.evaluate("window.playground.gpt.state()")
    assert statistics.mean(gpt["losses"][-20:]) < statistics.mean(gpt["losses"][:20])
    assert gpt["parts"] is None and gpt["losses"] == gpt["reference"]  # the same engine, the same floats
    _shot(page, "lesson-8")
    (SHOTS / "course-gpt-ms-per-step.json").write_text(
        json.dumps({"yours": gpt["ms"], "reference": gpt["referenceMs"]}) + "\n"
    )

    page.reload()
    page.wait_for_function("window.playground.ready === true", timeout=120_000)
    page.wait_for_function("window.playground.lesson === 8")
    assert page.evaluate("window.playground.progress") == [1, 2, 3, 4, 5, 6, 7, 8]
    page.context.close()


def test_an_engine_with_a_wrong_tanh_rule_trains_past_its_warning_and_parts_from_the_reference(browser, site):
    page = new_page(browser, width=1280, height=800)
    only_local(page, site)
    open_view(page, site, "#view=mlp&activation=tanh&hidden=4")
    check = page.evaluate("(text) => window.playground.useEngine(text)", WRONG_TANH)
    assert check["failing"] == [4] and page.text_content("#engine-warning").startswith("your engine fails exercise 4")
    for _ in range(8):
        page.evaluate("window.playground.mlp.stepOnce()")
    page.wait_for_function("window.playground.parts !== null && window.playground.parts !== undefined")
    compared = page.text_content("#mlp-compare")
    assert compared.startswith("your engine's loss parts from the reference's at step ") and "exercise 4" in compared
    frame = page.evaluate("window.playground.frame")
    assert frame["reference_loss"] != frame["train_loss"]
    page.click("#engine-verdict")  # the grader's verdict on that engine
    page.wait_for_function("window.playground.view === 'exercises'")
    assert page.locator("#scorecard tr[data-status=fail]").first.text_content().startswith("4.")
    with pytest.raises(Exception, match=re.escape("engine.py does not load: engine.py, line 1: invalid syntax")):
        page.evaluate("(text) => window.playground.useEngine(text)", "def broken(:\n")
    assert page.evaluate("window.playground.engine") == "yours"  # the engine that trains stays
    page.context.close()


def test_a_teachers_link_turns_predict_mode_on_and_hides_the_answers(browser, site):
    page = new_page(browser, width=1000, height=800)
    only_local(page, site)
    open_view(page, site, "#view=expression&example=a%20node%20used%20twice%3A%20a*a%20%2B%20a&predict&answers=hide")
    assert page.input_value("#text") == "a = 3\ns = a*a\nL = s + a" and page.is_checked("#predict-mode")
    assert not page.is_visible("#after") and not page.is_visible("#grads")
    page.click("#next")
    for _ in range(3):  # wrong, again and again: a hint each time, never the answer
        page.fill("#predict-local", "99")
        page.fill("#predict-term", "99")
        page.click("#predict-check")
        page.wait_for_function("document.querySelector('#predict-result').textContent.startsWith('not yet')")
        assert "the answer" not in page.text_content("#predict-result")
    assert page.evaluate("window.playground.step") == 0 and page.is_visible("#predict")
    assert page.text_content("#predict-tolerance") == "an answer within 1% counts (within 0.01 for a number under 1)"
    page.context.close()
