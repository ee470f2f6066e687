"""Backprop step by step: the replay, the pictures and the page in headless Chromium."""

import os

import pytest

from engine.proof.gallery import DEMO, on_values
from engine.render.steps import replay
from tests.support import needs_dot, run_cli
from tests.support.browser import find_chromium, open_page


def test_replay_fills_the_same_gradients_as_backward_one_edge_at_a_time():
    out, leaves = on_values(DEMO)
    steps = list(replay(out))
    assert len(steps) == 1 + 6  # the start, then one step per edge into an input
    assert steps[0][1] is out and steps[0][2] == ()
    for _, node, edges in steps[1:]:
        ((x, v),) = edges
        assert x is node and x in v._prev
    replayed = {k: leaf.grad for k, leaf in leaves.items()}
    ref, ref_leaves = on_values(DEMO)
    ref.backward()
    assert replayed == {k: leaf.grad for k, leaf in ref_leaves.items()}
    assert "dL/dc += dL/dd" in " ".join(caption for caption, _, _ in steps)


@needs_dot
def test_steps_command_writes_pictures_and_page_the_same_twice(tmp_path):
    for name in ("one", "two"):
        code, out, err = run_cli("steps", "--out", tmp_path / name)
        assert code == 0, err
        assert "wrote 7 steps as .dot and .svg pictures" in out
    for p in (tmp_path / "one").iterdir():
        assert p.read_bytes() == (tmp_path / "two" / p.name).read_bytes(), p.name
    page = (tmp_path / "one" / "index.html").read_text()
    assert page.count('class="step"') == 7 and "ArrowRight" in page


REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


@pytest.mark.browser
@needs_dot
@pytest.mark.skipif(find_chromium() is None and not REQUIRED, reason="Chromium is not installed")
def test_step_page_walks_with_the_button_and_the_arrow_keys(tmp_path):
    code, _, err = run_cli("steps", "--out", tmp_path)
    assert code == 0, err
    with open_page(width=1200, height=700) as page:
        page.goto((tmp_path / "index.html").as_uri())
        current = page.locator(".step.current")
        assert current.get_attribute("id") == "step0"
        first = page.screenshot()
        page.click("#next")
        assert current.get_attribute("id") == "step1"
        assert page.text_content("#counter") == "step 1 of 6"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert current.get_attribute("id") == "step3"
        page.keyboard.press("ArrowLeft")
        assert current.get_attribute("id") == "step2"
        assert page.screenshot() != first
        assert page.locator(".step:visible").count() == 1
