"""The report's index.html in headless Chromium: every picture is there and drawn."""

import os

import pytest

from tests.support import needs_dot, run_cli
from tests.support.browser import find_chromium, open_page

pytest.importorskip("torch")
mpimg = pytest.importorskip("matplotlib.image")
np = pytest.importorskip("numpy")

REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"
needs_chromium = pytest.mark.skipif(
    find_chromium() is None and not REQUIRED, reason="Chromium is not installed (apt-get install chromium)"
)
pytestmark = [pytest.mark.browser, needs_chromium, needs_dot]

INPUT_BLUE = np.array([0xCF, 0xE8, 0xFF]) / 255  # the fill of input nodes in every picture


def test_report_page_shows_every_picture(tmp_path):
    code, _, err = run_cli("report", "--out", tmp_path)
    assert code == 0, err
    with open_page(width=1200, height=900) as page:
        page.goto((tmp_path / "index.html").as_uri())
        sizes = page.eval_on_selector_all(
            ".pic svg", "svgs => svgs.map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height])"
        )
        drawable = page.locator("section").count() - 1  # the chain is too large
        assert len(sizes) == 2 * drawable and all(w > 50 and h > 20 for w, h in sizes), sizes
        assert page.text_content("#summary").endswith("all pass")
        shot = tmp_path / "report.png"
        page.screenshot(path=shot, full_page=True)
    pixels = mpimg.imread(shot)[..., :3]
    blue = np.all(np.abs(pixels - INPUT_BLUE) < 0.02, axis=-1).sum()
    assert blue > 10_000, f"only {blue} pixels of the input-node colour: the pictures did not render"
