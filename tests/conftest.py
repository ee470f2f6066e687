"""Fixtures that more than one test module uses."""

import os

import pytest

from tests.support import ROOT
from tests.support.browser import find_chromium, open_browser, serve_playground

PLAYGROUND = ROOT / "playground"


@pytest.fixture(scope="session")
def box():
    """The grader's default sandbox (bubblewrap): skipped where it cannot run, or failed under REQUIRE_SANDBOX=1."""
    from engine.grader import sandbox

    try:
        return sandbox.choose()
    except sandbox.Refused as e:
        if os.environ.get("REQUIRE_SANDBOX") == "1":
            pytest.fail(str(e))
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def site():
    """The built playground served from 127.0.0.1 (skipped, or failed under REQUIRE_BROWSER=1, when not built)."""
    if not (PLAYGROUND / "vendor" / "names.txt").exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("playground/vendor/ is not built: npm ci --prefix playground && python playground/build.py")
        pytest.skip("playground/vendor/ is not built (make playground builds it)")
    with serve_playground(PLAYGROUND) as address:
        yield address


@pytest.fixture(scope="module")
def browser(site):
    """Headless Chromium for a module's pages (skipped, or failed under REQUIRE_BROWSER=1, when not installed)."""
    if find_chromium() is None and os.environ.get("REQUIRE_BROWSER") != "1":
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with open_browser() as browser:
        yield browser
