"""The benchmark's command line and its workloads (correctness only: no timing is asserted)."""

import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("micrograd")
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench

from engine.nn import MLP
from engine.train import loss_and_accuracy, make_moons


def _run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_bad_arguments_exit_2_and_a_bad_folder_fails_before_the_run(tmp_path):
    bad = _run("--bogus")
    assert bad.returncode == 2 and "usage:" in bad.stderr
    (tmp_path / "file").write_text("x")
    blocked = _run("--out", str(tmp_path / "file" / "out"))
    assert blocked.returncode == 1 and "Traceback" not in blocked.stderr
    assert (
        blocked.stderr.strip()
        == f"error: cannot write to {tmp_path / 'file' / 'out'}: a file is in the way of the folder"
    )


def test_the_mlp_workload_is_the_training_demo_computation():
    X, y = make_moons(100, seed=1)
    ours = bench.Mlp(bench.OURS, bench.mlp_init(seed=0))
    model = MLP(2, [16, 16, 1], seed=0)
    assert [p.data for p in ours.params] == [p.data for p in model.parameters()]
    assert ours.loss(X, y).data == pytest.approx(loss_and_accuracy(model, X, y)[0].data, rel=1e-12)


def test_workloads_give_the_same_gradient_in_both_pure_python_engines():
    for build, n in ((bench.chain, 50), (bench.wide, 200)):
        results = []
        for e in (bench.OURS, bench.MICRO):
            leaves, out = build(e, n)
            out.backward()
            results.append([e.grad(leaf) for leaf in leaves])
        assert results[0] == pytest.approx(results[1], rel=1e-12)
    assert bench.our_nodes(bench.chain(bench.OURS, 10)[1]) == 31  # 3 ops a step, plus the input
