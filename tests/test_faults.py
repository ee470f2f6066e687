"""Bad input and faults: one clear line, a documented exit code, nothing half-written."""

import os

import pytest

from engine import cli
from engine.draw import graph as draw
from engine.output import OutputError, ensure_dir, write_atomic
from engine.proof.compare import Row, close
from tests.support import run_cli

pytest.importorskip("torch")


def _no_dot_env(tmp_path):
    return {**os.environ, "PATH": str(tmp_path / "no-dot-here")}


def test_report_without_dot_writes_the_tables_and_exits_3(tmp_path):
    code, _, err = run_cli("report", "--out", tmp_path / "r", env=_no_dot_env(tmp_path))
    assert code == 3 and "Traceback" not in err
    assert err.startswith("error: the report has no pictures: Graphviz 'dot' is not on PATH: install Graphviz")
    assert (tmp_path / "r" / "report.md").read_text().rstrip().endswith("all pass")
    page = (tmp_path / "r" / "index.html").read_text()
    assert "<svg" not in page and "Graphviz" in page


def test_every_picture_command_without_dot_writes_every_dot_file_and_exits_3(tmp_path):
    written = {}
    for command in ("demo", "steps", "render"):
        code, _, err = run_cli(command, "--out", tmp_path / command, env=_no_dot_env(tmp_path))
        assert code == 3 and "apt-get install graphviz" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
        written[command] = sorted(p.relative_to(tmp_path / command) for p in (tmp_path / command).rglob("*.dot"))
        assert not list((tmp_path / command).rglob("*.svg"))
    assert len(written["demo"]) == 2 and len(written["steps"]) == 7
    render = {str(p) for p in written["render"]}
    assert {"graph_before_backprop.dot", "steps/step_00.dot", "steps/step_06.dot"} <= render


def test_a_graph_above_the_picture_limit_exits_5(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(draw, "MAX_NODES", 3)
    assert cli.main(["demo", "--out", str(tmp_path)]) == 5
    err = capsys.readouterr().err
    assert err.startswith("error: the graph has 7 values, more than the 3") and err.count("\n") == 1


def test_ensure_dir_names_the_path_when_a_file_is_in_the_way(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="a file is in the way"):
        ensure_dir(tmp_path / "f" / "sub")


def test_ensure_dir_reports_other_os_errors(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.mkdir", boom)
    with pytest.raises(OutputError, match=r"cannot create folder .*: No space left on device"):
        ensure_dir(tmp_path / "new")


def test_failed_rename_leaves_neither_temp_file_nor_half_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def fail(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match="Input/output error"):
        write_atomic(target, "new")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_interrupted_write_removes_its_temp_file(tmp_path, monkeypatch):
    def interrupt(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "b.txt", b"bytes")
    assert list(tmp_path.iterdir()) == []


def test_close_and_rows_treat_nan_and_infinity_exactly():
    nan, inf = float("nan"), float("inf")
    assert close(nan, nan) and not close(nan, 1.0) and not close(1.0, nan)
    assert close(inf, inf) and not close(inf, -inf) and not close(1e308, inf)
    assert close(1.0 + 1e-10, 1.0) and not close(1.0 + 1e-6, 1.0)
    row = Row.of("x", inf, 1.0)
    assert not row.ok and row.abs_diff == inf
    assert Row.of("y", 0.0, 0.0).rel_diff == 0.0 and Row.of("z", 1e-13, 0.0).rel_diff == inf
