"""The playground: the expression language's stepper in CPython, and the page in headless Chromium,
served from 127.0.0.1 with every other address blocked, running the real engine under Pyodide."""

import json
import os
import threading
from pathlib import Path

import pytest

from engine.ops import METHODS
from engine.teach import stepper
from engine.teach.expr import build
from tests.support import ROOT
from tests.support.browser import find_chromium, open_page

PLAYGROUND = ROOT / "playground"
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
def site():
    if not (PLAYGROUND / "vendor" / "pyodide" / "pyodide.asm.wasm").exists():
        if REQUIRED:
            pytest.fail("playground/vendor/ is not built: npm ci --prefix playground && python playground/build.py")
        pytest.skip("playground/vendor/ is not built (make playground builds it)")
    import importlib.util

    spec = importlib.util.spec_from_file_location("playground_serve", PLAYGROUND / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    httpd = serve.server(port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def page(site):
    if find_chromium() is None and not REQUIRED:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with open_page(width=1300, height=1000) as page:
        outside = []

        def only_local(route):
            if route.request.url.startswith(site) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.goto(site)
        page.wait_for_function("window.loadMilliseconds !== undefined", timeout=120_000)
        page.outside = outside
        yield page


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
    page.click("#run")
    shown = {
        row.get_attribute("data-name"): float(row.locator("td").nth(2).get_attribute("data-grad"))
        for row in page.locator("#grads tbody tr").all()
    }
    inputs, out = build(text)
    out.backward()
    assert shown == {k: v.grad for k, v in inputs.items()}  # the same floats, to the last bit


@pytest.mark.browser
def test_the_stepper_explains_a_shared_node_in_the_page(page):
    page.select_option("#examples", index=2)  # a*a + a
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
    page.click("#run")
    assert page.text_content("#error") == (
        "line 1, column 12: the attribute .__class__ is not allowed: only the methods exp, log, tanh, relu, sigmoid"
    )
