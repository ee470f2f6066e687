"""The command line and the committed pictures."""

import filecmp
import json
import os
import subprocess
import sys

import pytest

from engine.proof.gallery import GALLERY
from tests.support import ROOT, needs_dot, run_cli

torch = pytest.importorskip("torch")


def test_help_lists_the_commands():
    code, out, _ = run_cli("--help")
    assert code == 0
    for cmd in ("demo", "render", "report", "train", "steps", "gpt"):
        assert cmd in out


def test_each_command_answers_help_with_the_arguments_declared_beside_it(capsys):
    from engine import cli

    for name, (fn, arguments) in cli.COMMANDS.items():
        with pytest.raises(SystemExit) as stop:
            cli.parser().parse_args([name, "--help"])
        assert stop.value.code == 0
        shown = capsys.readouterr().out
        assert fn.__doc__.split()[0] in shown
        for flags, options in arguments:
            assert (options.get("metavar") or flags[0]) in shown, (name, flags)


@pytest.mark.parametrize("args", [["nonsense"], ["demo", "--bogus"], ["render", "--out"]])
def test_bad_arguments_exit_2_with_usage(args):
    code, _, err = run_cli(*args)
    assert code == 2 and "usage:" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--out", ""], "argument --out: must name a folder, got an empty string"),
        (["train", "--steps", "abc"], "argument --steps: must be a positive whole number, got abc"),
        (["train", "--steps", "0"], "argument --steps: must be a positive whole number, got 0"),
    ],
)
def test_bad_values_get_one_line_that_names_the_argument(args, message, tmp_path):
    code, out, err = run_cli(*args, cwd=tmp_path)
    assert code == 2 and out == "" and err.strip().splitlines()[-1].endswith(message)
    assert list(tmp_path.iterdir()) == []  # nothing written in the current folder


@needs_dot
def test_demo_prints_the_side_by_side_table_and_writes_four_files(tmp_path):
    code, out, err = run_cli("demo", "--out", tmp_path)
    assert code == 0, err
    assert "ours" in out and "torch" in out
    assert out.count("pass") == 5 and "FAIL" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph_after_backprop.dot",
        "graph_after_backprop.svg",
        "graph_before_backprop.dot",
        "graph_before_backprop.svg",
    ]


@needs_dot
def test_python_engine_engine_py_runs_the_demo_from_anywhere(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "engine" / "engine.py"), "--out", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "graph_after_backprop.svg").exists()


@pytest.mark.parametrize("expr", GALLERY, ids=lambda e: e.name)
def test_every_gallery_expression_passes_the_torch_check(expr):
    comparison = expr.compare()
    assert len(comparison.rows) == len(expr.inputs) + 1
    assert comparison.ok, comparison.rows


def test_gallery_is_big_enough_and_covers_every_op():
    from engine.draw import walk
    from engine.proof.gallery import on_values

    assert len(GALLERY) >= 8
    ops = {v._op for e in GALLERY for v in walk(on_values(e)[0])}
    assert {"+", "*", "/", "**", "pow", "exp", "log", "tanh", "relu", "sigmoid"} <= ops


@needs_dot
def test_report_writes_markdown_json_html_and_a_summary(tmp_path):
    code, out, err = run_cli("report", "--out", tmp_path)
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"report: {len(GALLERY)} expressions,") and last.endswith("all pass")
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["ok"] is True and len(doc["expressions"]) == len(GALLERY)
    md = (tmp_path / "report.md").read_text()
    assert md.rstrip().endswith("all pass") and md.count("| forward |") == len(GALLERY)
    html = (tmp_path / "index.html").read_text()
    assert html.count("<svg") == 2 * sum(e.picture for e in GALLERY)


def test_without_torch_the_demo_still_runs_and_report_says_so(tmp_path):
    block = [
        "-c",
        "import sys, runpy; sys.modules['torch'] = None; sys.argv[0] = 'engine'; "
        "runpy.run_module('engine', run_name='__main__')",
    ]

    def run(command, env=None):
        args = [sys.executable, *block, command, "--out", str(tmp_path / command)]
        return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)

    demo = run("demo", env={**os.environ, "PATH": str(tmp_path / "no-dot")})  # without dot too: no pictures needed
    assert "PyTorch is not installed" in demo.stdout and "forward" in demo.stdout and "-8" in demo.stdout
    report = run("report")
    assert report.returncode == 4 and "PyTorch is not installed" in report.stderr
    assert "Traceback" not in report.stderr


@pytest.mark.parametrize("blocker", ["file", "readonly"])
def test_unwritable_output_folder_is_one_clear_line_and_exit_1(tmp_path, blocker):
    target = tmp_path / "out"
    if blocker == "file":
        target.write_text("not a folder")
    else:
        target.mkdir()
        target.chmod(0o500)
        if os.access(target, os.W_OK):  # root ignores permissions
            pytest.skip("running as root: a read-only folder is still writable")
    code, _, err = run_cli("render", "--out", target)
    assert code == 1 and str(target) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@needs_dot
def test_committed_visualizations_are_exactly_what_render_produces(tmp_path):
    code, _, err = run_cli("render", "--out", tmp_path)
    assert code == 0, err
    produced = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = ROOT / "visualizations"
    for rel in produced:
        assert filecmp.cmp(tmp_path / rel, committed / rel, shallow=False), f"{rel} differs: run make render"


def test_permission_denied_is_one_clear_line_and_exit_1_even_as_root(tmp_path, monkeypatch, capsys):
    import tempfile

    from engine import cli

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert cli.main(["render", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"error: cannot write {tmp_path / 'graph_before_backprop.dot'}: Permission denied"
    assert list(tmp_path.iterdir()) == []  # nothing half-written
