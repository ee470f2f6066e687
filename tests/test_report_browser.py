"""The report's index.html in headless Chromium: every picture is there and drawn."""

import os

import pytest
from browser import Browser, find_chromium
from conftest import needs_dot, run_cli

pytest.importorskip("torch")
mpimg = pytest.importorskip("matplotlib.image")
np = pytest.importorskip("numpy")

REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
needs_chromium = pytest.mark.skipif(
    find_chromium() is None and not REQUIRED, reason="Chromium is not installed (apt-get install chromium)"
)
pytestmark = [pytest.mark.browser, needs_chromium, needs_dot]

INPUT_BLUE = np.array([0xCF, 0xE8, 0xFF]) / 255  # the fill of input nodes in every picture


@pytest.fixture
def browser():
    b = Browser(width=1200, height=900)
    yield b
    b.close()


def test_report_page_shows_every_picture(tmp_path, browser):
    code, _, err = run_cli("report", "--out", tmp_path)
    assert code == 0, err
    browser.open(tmp_path / "index.html")
    sizes = browser.eval(
        "[...document.querySelectorAll('.pic svg')].map(s => "
        "[s.getBoundingClientRect().width, s.getBoundingClientRect().height])"
    )
    drawable = browser.eval("document.querySelectorAll('section').length") - 1  # the chain is too large
    assert len(sizes) == 2 * drawable and all(w > 50 and h > 20 for w, h in sizes), sizes
    assert browser.eval("document.getElementById('summary').textContent").endswith("all pass")
    shot = browser.screenshot(tmp_path / "report.png", full_page=True)
    pixels = mpimg.imread(shot)[..., :3]
    blue = np.all(np.abs(pixels - INPUT_BLUE) < 0.02, axis=-1).sum()
    assert blue > 10_000, f"only {blue} pixels of the input-node colour: the pictures did not render"
