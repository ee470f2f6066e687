"""The playground: the expression language's stepper in CPython, and the page in headless Chromium,
served from 127.0.0.1 with every other address blocked, running the real engine under Pyodide in Web Workers:
no Python runs on the page's main thread."""

import json
import os
from pathlib import Path

import pytest

from engine.grader.grade import TIME_LIMIT
from engine.ops import METHODS
from engine.teach import stepper
from engine.teach.expr import build
from tests.support import ROOT
from tests.support.browser import find_chromium, only_local, open_page

REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
SHOTS = ROOT / "reports"  # CI uploads this folder


def test_the_stepper_explains_a_shared_node_with_the_sum_over_its_uses():
    result = json.loads(stepper.explained("a = 3; s = a*a; L = s + a"))
    sums = [s["sum"] for s in result["steps"] if s["sum"]]
    assert sums[-1] == "dL/da = 1 (through L) + 3 (through s) + 3 (through s) = 7"
    assert result["inputs"] == [{"name": "a", "value": 3.0, "grad": 7.0, "fd": pytest.approx(7.0, rel=1e-6)}]
    assert "where ds/da = a = 3" in " ".join(s["text"] for s in result["steps"])


def test_the_stepper_reports_a_rejected_expression_as_one_line():
    assert json.loads(stepper.explained("a = 2; b = a +")) == {"error": "line 1, column 15: invalid syntax"}


@pytest.fixture(scope="module")
def page(site):
    if find_chromium() is None and not REQUIRED:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with open_page(width=1300, height=1000) as page:
        only_local(page, site)
        page.goto(site)
        page.wait_for_function("window.loadMilliseconds !== undefined", timeout=120_000)
        yield page


def _rendering(page, action):
    """Do action (a click, a choice) and wait until the page has drawn what the Python worker answered."""
    done = page.evaluate("window.playground.rendered")
    action()
    page.wait_for_function(f"window.playground.rendered > {done}", timeout=60_000)


@pytest.mark.browser
def test_the_page_loads_offline_and_runs_the_demo(page):
    assert page.text_content("#status").startswith("ready")
    assert page.outside == []  # nothing was fetched from anywhere but 127.0.0.1
    assert page.text_content("#methods") == " ".join(f".{m}()" for m in METHODS)  # from engine/ops.py
    assert page.locator("#before svg").count() == 1 and page.locator("#after svg").count() == 1
    (SHOTS / "playground-load-ms.txt").parent.mkdir(exist_ok=True)
    (SHOTS / "playground-load-ms.txt").write_text(f"{page.evaluate('window.loadMilliseconds')}\n")


@pytest.mark.browser
def test_a_typed_expression_gives_the_engines_gradients_in_the_page(page):
    text = "x = 0.5; w = -1.25; b = 0.3\nh = (x*w + b).tanh()\nL = (h - 1)**2 + (x / w).exp() + (x*x + 1).log()"
    page.fill("#text", text)
    _rendering(page, lambda: page.click("#run"))
    shown = {
        row.get_attribute("data-name"): float(row.locator("td").nth(2).get_attribute("data-grad"))
        for row in page.locator("#grads tbody tr").all()
    }
    inputs, out = build(text)
    out.backward()
    assert shown == {k: v.grad for k, v in inputs.items()}  # the same floats, to the last bit


@pytest.mark.browser
def test_the_stepper_explains_a_shared_node_in_the_page(page):
    _rendering(page, lambda: page.select_option("#examples", index=2))  # a*a + a
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    assert page.text_content("#counter") == "step 4 of 4"
    assert page.text_content("#sum") == "dL/da = 1 (through L) + 3 (through s) + 3 (through s) = 7"
    page.keyboard.press("ArrowLeft")
    assert page.text_content("#counter") == "step 3 of 4"
    page.keyboard.press("ArrowRight")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "playground.png"), full_page=True)
    assert Path(SHOTS / "playground.png").stat().st_size > 10_000


@pytest.mark.browser
def test_an_invalid_expression_shows_its_message_under_the_input(page):
    page.fill("#text", "a = 2; b = a.__class__")
    _rendering(page, lambda: page.click("#run"))
    assert page.text_content("#error") == (
        "line 1, column 12: the attribute .__class__ is not allowed: only the methods exp, log, tanh, relu, sigmoid"
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    "text, out, grad",
    [("a = 1000\nL = a.exp()", "inf", "inf"), ("a = 0; L = 1/a", "inf", "-inf"), ("a = 0; L = a.log()", "-inf", "inf"),
     ("a = -4; L = a ** 0.5", "nan", "nan")],
    ids=["exp(1000)", "1/0", "log(0)", "(-4) ** 0.5"],
)  # fmt: skip
def test_an_infinite_or_nan_result_shows_as_the_engine_writes_it_with_the_typed_texts_graph(
    page, site, text, out, grad
):
    from urllib.parse import quote

    page.click("#tab-expression")
    page.fill("#text", "p = 2; q = 3; M = p * q")
    _rendering(page, lambda: page.click("#run"))
    page.fill("#text", text)
    _rendering(page, lambda: page.click("#run"))
    (row,) = page.locator("#grads tbody tr").all()
    assert page.text_content("#error") == "" and row.get_attribute("data-name") == "a"
    assert row.locator("td").nth(2).text_content() == grad == row.locator("td").nth(2).get_attribute("data-grad")
    assert f"data {out}" in page.text_content("#after") and "M" not in page.text_content("#after")
    page.goto(site + "#view=expression&text=" + quote(text))  # as a link, the page becomes ready and shows it
    page.reload()
    page.wait_for_function("window.playground && window.playground.rendered >= 1", timeout=120_000)
    assert page.locator("#grads tbody tr td").nth(2).text_content() == grad


@pytest.mark.browser
def test_a_rejected_expression_leaves_no_earlier_result_under_its_error(page):
    page.click("#tab-expression")
    page.fill("#text", "a = 2; L = a * a")
    _rendering(page, lambda: page.click("#run"))
    assert page.locator("#grads tbody tr").count() == 1 and page.locator("#before svg").count() == 1
    page.fill("#text", "a = 2; L = a.__class__")
    _rendering(page, lambda: page.click("#run"))
    assert page.text_content("#error") != "" and page.locator("#grads tbody tr").count() == 0
    assert page.locator("#before svg, #after svg, #stepgraph svg").count() == 0
    assert page.text_content("#step") == "" and page.text_content("#counter") == ""


@pytest.mark.browser
def test_the_api_refuses_what_is_no_view_or_no_source_in_one_line_and_the_page_stays(page):
    page.click("#tab-expression")
    said = page.evaluate("() => window.playground.showView('bogus').then(() => 'shown', (e) => e.message)")
    assert said == "no view 'bogus': the views are expression, mlp, gpt, exercises"
    assert page.evaluate("window.playground.view") == "expression" and page.is_visible("#view-expression")
    said = page.evaluate("() => window.playground.grade().then(() => 'graded', (e) => e.message)")
    assert said == "grade(source): source is the text of an engine.py"


@pytest.mark.browser
def test_hiding_the_controls_hides_the_stepper_and_the_text_box_shows_a_whole_example(page, site):
    page.click("#tab-expression")
    mlp = page.locator("#examples option", has_text="2-2-1 MLP").get_attribute("value")
    _rendering(page, lambda: page.select_option("#examples", mlp))
    assert page.evaluate("(t => t.scrollHeight <= t.clientHeight)(document.querySelector('#text'))")
    page.goto(site + "#view=expression&hide=controls")
    page.reload()
    page.wait_for_function("window.playground && window.playground.rendered >= 1", timeout=120_000)
    assert not page.is_visible("#prev") and not page.is_visible("#play") and page.is_visible("#run")
    page.goto(site + "#view=__proto__")  # no view of that name: the first one
    page.reload()
    page.wait_for_function("window.playground && window.playground.ready === true", timeout=120_000)
    assert page.evaluate("window.playground.view") == "expression"


@pytest.mark.browser
def test_space_and_arrows_on_other_controls_leave_the_stepper_alone_and_the_lesson_link_follows_the_view(page):
    page.click("#tab-expression")
    _rendering(page, lambda: page.click("#run"))
    page.click("#next")
    step = page.evaluate("window.playground.step")
    page.focus("#lesson summary")
    page.keyboard.press(" ")  # opens the lesson box, and nothing else
    assert page.evaluate("document.querySelector('#lesson').open") is True
    page.focus("#lesson-play")
    page.keyboard.press(" ")
    page.focus("#examples")
    page.keyboard.press("ArrowLeft")
    assert page.is_checked("#lesson-play") and page.evaluate("window.playground.step") == step
    assert page.text_content("#play").endswith("play")  # not playing
    page.click("#tab-gpt")
    page.wait_for_function("document.querySelector('#lesson-link').value.includes('view=gpt')", timeout=60_000)


@pytest.mark.browser
def test_esc_then_tab_leaves_the_exercise_editor(page):
    page.click("#tab-exercises")
    page.wait_for_function("window.playground.exercisesReady === true", timeout=120_000)
    page.click("#editor .CodeMirror-code")
    page.keyboard.press("Tab")  # in the editor, Tab indents
    assert page.evaluate("document.querySelector('#editor').contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.querySelector('#editor').contains(document.activeElement)")


# --- the Exercises view: the same grader, in the page; the learner's code in a worker of its own -------------


def _grade_in_page(page, source):
    return page.evaluate("(source) => window.playground.grade(source)", source)


@pytest.mark.browser
def test_the_reference_engine_passes_every_exercise_in_the_page(page):
    card = _grade_in_page(page, (ROOT / "engine" / "engine.py").read_text())
    assert card["version"] == 2 and card["points"] == card["max_points"] == 90, card
    assert [r["status"] for r in card["exercises"]] == ["pass"] * 7


@pytest.mark.browser
def test_a_wrong_tanh_rule_is_flagged_in_the_editor_with_its_counterexample(page):
    from engine.grader import grade, sandbox
    from engine.teach import exercises

    bug = next(b for b in exercises.BUGS if b.name == "tanh_of_input")
    source = exercises.bug_source(bug)
    page.click("#tab-exercises")
    page.wait_for_function("window.playground.exercisesReady === true", timeout=120_000)
    page.evaluate("(source) => window.playground.editor().setValue(source)", source)
    page.click("#grade")
    page.wait_for_function("document.querySelector('#grade-status').textContent === 'graded'", timeout=300_000)
    rows = page.locator("#scorecard tbody tr")
    assert rows.count() == 7
    tanh = rows.nth(3)
    assert tanh.get_attribute("data-status") == "fail"
    assert tanh.locator("td").nth(3).text_content().startswith("tanh: at x = 0.5 with upstream gradient 1")
    assert page.text_content("#score") == "score: 80/90 points, 6 of 7 exercises pass"
    # the same verdict as the command line's, which ran the learner's code in a child process
    cli = [r.message for r in grade.grade(_folder_with(source), sandbox.NoSandbox())]
    assert tanh.locator("td").nth(3).text_content() == cli[3]
    assert page.evaluate("localStorage.getItem('mini-autograd-engine/exercises/engine.py')") == source
    # the counterexample drawn twice, the input whose gradient is wrong outlined in red in both
    assert page.locator("#counterexample").is_visible()
    for pane in ("#yours", "#reference"):
        assert page.locator(f"{pane} svg").count() == 1
        assert page.locator(f'{pane} svg [stroke="#d62728"]').count() >= 1
    assert "0.75" in page.text_content("#yours") and "0.7864" in page.text_content("#reference")
    page.screenshot(path=str(SHOTS / "playground-exercises.png"), full_page=True)


def _folder_with(source):
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "engine.py").write_text(source)
    return folder


@pytest.mark.browser
def test_a_rule_that_never_returns_is_stopped_and_the_page_stays_usable(page):
    from engine.teach import exercises

    source = exercises.solution_source(range(1, 8)).replace(
        '"tanh":    lambda a, b, out, g: (g * (1 - out * out), None),', '"tanh":    _forever,'
    )
    source = "def _forever(a, b, out, g):\n    while True:\n        pass\n\n" + source
    card = _grade_in_page(page, source)
    statuses = [r["status"] for r in card["exercises"]]
    assert statuses == ["pass", "pass", "pass", "fail", "pass", "pass", "pass"], card
    assert card["exercises"][3]["message"] == f"did not finish in {TIME_LIMIT} s (a loop that never ends?)"
    assert _grade_in_page(page, (ROOT / "engine" / "engine.py").read_text())["points"] == 90  # a new worker grades
    page.click("#tab-expression")
    page.fill("#text", "a = 2; L = a*a")
    _rendering(page, lambda: page.click("#run"))
    assert page.locator("#grads tbody tr").count() == 1  # and the expression view still works


HIJACK = """
import js
from pyodide.ffi import create_proxy, to_js

def _answer(event):  # answer every later probe with an empty report, as if it were the runner
    reply = {"id": event.data.id, "result": '{"results": []}'}
    js.self.postMessage(to_js(reply, dict_converter=js.Object.fromEntries))

js.self.onmessage = create_proxy(_answer)
"""
DEEP = "import json\njson.dumps = lambda *a, **k: '[' * 100_000 + ']' * 100_000\n"


@pytest.mark.browser
@pytest.mark.parametrize("hostile", [HIJACK, DEEP], ids=["replaces the sandbox's onmessage", "a report 100,000 deep"])
def test_a_hostile_grading_in_the_page_affects_no_later_grading(page, hostile):
    from engine.teach import exercises

    card = _grade_in_page(page, hostile + exercises.solution_source(range(1, 8)))
    text = json.dumps(card)
    assert card["points"] == 0 and ("malformed" in text or "fewer results" in text), card
    reference = (ROOT / "engine" / "engine.py").read_text()
    assert [_grade_in_page(page, reference)["points"] for _ in range(2)] == [90, 90]  # each grading a fresh worker


@pytest.mark.browser
def test_the_graph_fills_in_one_term_at_a_time_and_plays_with_the_space_bar(page):
    import re

    page.click("#tab-expression")
    page.fill("#text", "a = 2; b = -3; c = 10; f = -2\ne = a*b\nd = e + c\nL = d * f")
    _rendering(page, lambda: page.click("#run"))
    grads = lambda pane: sorted(re.findall(r"grad (-?[0-9.]+)", page.text_content(f"{pane} svg")))
    assert grads("#stepgraph") == ["0", "0", "0", "0", "0", "0", "1"]  # the seed: dL/dL = 1, the rest to come
    assert page.locator('#stepgraph svg [stroke="#d62728"]').count() >= 1  # the node of the step, outlined
    page.evaluate("document.activeElement.blur()")  # off the text box: the keys drive the stepper
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("window.playground.step") == 6
    assert grads("#stepgraph") == grads("#after")  # the last step leaves the graph as backward() does
    page.keyboard.press("ArrowLeft")
    assert grads("#stepgraph") != grads("#after")
    for _ in range(6):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate("window.playground.step") == 0
    page.keyboard.press(" ")  # play
    page.wait_for_function("window.playground.step >= 2", timeout=10_000)
    page.keyboard.press(" ")  # pause
    paused = page.evaluate("window.playground.step")
    page.wait_for_timeout(2000)
    assert page.evaluate("window.playground.step") == paused
    assert page.text_content("#play").endswith("play")


def test_the_expression_views_answer_is_strict_json_whatever_the_numbers():
    def no_constant(name):
        raise AssertionError(f"{name} is no JSON: the page's JSON.parse would fail")

    for text in ("a = 1000\nL = a.exp()", "a = 0; L = 1/a", "a = -4; L = a ** 0.5"):
        json.loads(stepper.explained(text), parse_constant=no_constant)
    result = json.loads(stepper.explained("a = 2; L = a * -0.0"))
    assert result["inputs"][0]["grad"] == 0 and "grad -0" not in result["after"] + result["before"]


def test_each_step_of_the_stepper_draws_the_graph_as_that_step_leaves_it():
    import re

    result = json.loads(stepper.explained("a = 3; s = a*a; L = s + a"))

    def grads(dot):
        return sorted(re.findall(r"grad (-?[0-9.]+)", dot))

    dots = [s["dot"] for s in result["steps"]]
    assert grads(dots[0]) == ["0", "0", "1"] and grads(dots[-1]) == grads(result["after"]) == ["1", "1", "7"]
    assert grads(dots[1]) == ["0", "1", "1"]  # the first term: dL/ds += 1, and dL/da += 1 (through L)
    assert all(dot.count("#d62728") >= 1 for dot in dots)  # each step's node is outlined
    big = "x = 1.001; y = " + "*".join(["x"] * 160)  # 159 products and the leaf: 160 Values
    assert "dot" not in json.loads(stepper.explained(big))["steps"][0]  # past 150 nodes: the text alone


@pytest.mark.browser
def test_a_link_reproduces_an_expression_and_a_hostile_one_runs_nothing(page, site):
    from urllib.parse import quote

    page.click("#tab-expression")
    page.fill("#text", "p = 1.5; q = -2\nL = (p*q).tanh()")
    _rendering(page, lambda: page.click("#run"))
    link = page.evaluate("location.hash")
    assert link.startswith("#view=expression&text=")
    for hash_, expect in (
        (link, None),
        ("#view=expression&text=" + quote("x = 1; y = __import__('os').system('touch /tmp/pwned')"), "is not allowed"),
    ):
        page.goto(site + hash_)
        page.reload()
        page.wait_for_function("window.playground && window.playground.rendered >= 1", timeout=120_000)
        if expect is None:
            assert page.input_value("#text") == "p = 1.5; q = -2\nL = (p*q).tanh()"
            assert [r.get_attribute("data-name") for r in page.locator("#grads tbody tr").all()] == ["p", "q"]
        else:
            assert expect in page.text_content("#error") and page.text_content("#error").count("\n") == 0
    assert not Path("/tmp/pwned").exists()
    page.goto(site + "#view=exercises")
    page.reload()
    page.wait_for_function("window.playground && window.playground.ready === true", timeout=120_000)
    assert page.evaluate("window.playground.view") == "exercises" and page.is_visible("#view-exercises")
    page.click("#tab-expression")
