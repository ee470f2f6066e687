"""The front page and the docs site: the README stays a front page, the site builds with --strict, and every Python
snippet of the README and the docs runs (docs/adding-an-op.md's are spliced into the package by
tests/test_ops_table.py); a snippet that quotes the engine says so on its first line and is found in the file."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SNIPPET = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
QUOTED = re.compile(r"# quoted from (\S+)\n")
SNIPPETS = [
    pytest.param(page, code, id=f"{page.relative_to(ROOT)}:{n + 1}")
    for page in PAGES
    if page.name != "adding-an-op.md"
    for n, code in enumerate(SNIPPET.findall(page.read_text()))
]
MKDOCS = Path(sys.executable).with_name("mkdocs")


def test_the_readme_is_a_front_page_of_at_most_150_lines_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    assert "make demo" in readme and "make test" in readme
    for link in re.findall(r"\]\((docs/[\w-]+\.md)\)", readme):
        assert (ROOT / link).exists(), link


@pytest.mark.parametrize(("page", "code"), SNIPPETS)
def test_every_python_snippet_of_the_docs_runs_or_is_found_where_it_says(page, code, tmp_path, monkeypatch):
    quoted = QUOTED.match(code)
    if quoted:
        source = (ROOT / quoted[1]).read_text()
        for line in code[quoted.end() :].splitlines():
            assert line in source.splitlines(), f"{page.name}: {line!r} is not in {quoted[1]}"
        return
    monkeypatch.chdir(tmp_path)  # a snippet that writes files writes them here
    exec(compile(code, f"{page.name} snippet", "exec"), {"__name__": "__snippet__"})


@pytest.mark.slow
@pytest.mark.skipif(not MKDOCS.exists(), reason="mkdocs is not installed (requirements-dev.txt)")
def test_the_docs_site_builds_strict_with_the_api_reference_and_the_benchmarks_figures(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "topological_order" in (site / "reference" / "index.html").read_text()  # from the docstrings
    latest = (ROOT / "benchmarks" / "results" / "latest.md").read_text().splitlines()[0]
    assert latest.split(";")[0] in (site / "performance" / "index.html").read_text()  # from the result file
    assert (site / "images" / "visualizations" / "graph_after_backprop.svg").exists()
