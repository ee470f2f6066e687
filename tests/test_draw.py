"""Pictures: structure, determinism across processes, the size limit, a missing `dot`."""

import os
import subprocess
import sys

import pytest

from engine import Value
from engine.draw import MAX_NODES, DotNotFound, GraphTooLarge, draw, fmt, walk
from engine.proof.gallery import DEMO, on_values
from engine.render import pictures
from tests.support import ROOT, needs_dot, run_cli


def test_walk_visits_every_value_once_output_first():
    out, leaves = on_values(DEMO)
    nodes = walk(out)
    assert nodes[0] is out and len(nodes) == len(set(nodes)) == 7
    assert set(leaves.values()) <= set(nodes)


def test_draw_shows_label_data_grad_and_ops_with_kinds_coloured():
    out, _ = on_values(DEMO)
    out.backward()
    src = draw(out).source
    assert "rankdir=LR" in src
    assert "{ a | data 2 | grad 6 }" in src and "{ L | data -8 | grad 1 }" in src
    assert src.count("shape=circle") == 3  # *, +, *
    assert src.count('fillcolor="#cfe8ff"') == 4  # inputs a, b, c, f
    assert src.count('fillcolor="#ffd59e"') == 1  # the output


def test_numbers_have_four_significant_digits_and_constants_get_a_node():
    x = Value(3.14159265, "x")
    src = draw(x * 2.5).source
    assert "data 3.142" in src and "data 7.854" in src and "label=2.5" in src
    assert fmt(1234567.0) == "1.235e+06"


def test_labels_with_record_characters_are_escaped():
    src = draw(Value(1.0, "a|b{c}") * 2).source
    assert "a\\|b\\{c\\}" in src


def test_too_large_graph_is_refused_unless_asked():
    x = Value(1.0)
    for _ in range(MAX_NODES):
        x = x + 1.0
    with pytest.raises(GraphTooLarge, match=f"more than the {MAX_NODES}"):
        draw(x)
    assert draw(x, max_nodes=None).source.count("record") > MAX_NODES


def _dot_source_in_fresh_process():
    code = (
        "from engine.proof.gallery import BY_NAME, on_values\nfrom engine.draw import draw\n"
        "out, _ = on_values(BY_NAME['mlp_loss']); out.backward(); print(draw(out).source, end='')"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def test_dot_source_is_identical_across_processes():
    assert _dot_source_in_fresh_process() == _dot_source_in_fresh_process()


@needs_dot
def test_pictures_are_written_dot_first_then_svg_and_identical_twice(tmp_path):
    out, _ = on_values(DEMO)
    a = pictures.write([(draw(out), tmp_path / "one"), (draw(out * 2), tmp_path / "two")])
    b = pictures.write([(draw(out), tmp_path / "three")])
    assert [p.name for p in a] == ["one.dot", "two.dot", "one.svg", "two.svg"]
    assert a[0].read_bytes() == b[0].read_bytes() and a[2].read_bytes() == b[1].read_bytes()
    assert a[2].read_bytes().lstrip().startswith(b"<?xml")


def test_missing_dot_still_writes_dot_files_and_exits_3(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path / "nothing-here")}
    code, out, err = run_cli("demo", "--out", tmp_path / "v", env=env)
    assert code == 3
    assert "apt-get install graphviz" in err and "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == [
        "graph_after_backprop.dot",
        "graph_before_backprop.dot",
    ]
    assert "forward" in out  # the table still printed


def test_without_dot_every_dot_file_is_written_then_one_error_names_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(DotNotFound, match=r"Graphviz 'dot' is not on PATH, so 2 .dot files have no .svg: install"):
        pictures.write([(draw(Value(1.0) * 2), tmp_path / "x"), (draw(Value(2.0).exp()), tmp_path / "y")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dot", "y.dot"]
