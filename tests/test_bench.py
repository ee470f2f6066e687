"""The benchmark's command line and its workloads (correctness only: no timing is asserted)."""

import itertools
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


class _Graph:
    """A stand-in graph that logs when it is built, differentiated and freed."""

    def __init__(self, log, k):
        self.log, self.k, self.data = log, k, float(k)
        log.append(f"build {k}")

    def backward(self):
        self.log.append(f"backward {self.k}")

    def __del__(self):
        self.log.append(f"free {self.k}")


def _clocked(monkeypatch):
    log, ticks, built = [], itertools.count(), itertools.count()
    monkeypatch.setattr(bench.time, "perf_counter", lambda: log.append("clock") or next(ticks))
    return log, lambda: _Graph(log, next(built))


def _steady(k):  # a step after the first: graph k-1 is freed on the clock, before graph k is built
    return ["clock", f"free {k - 1}", f"build {k}", "clock", f"backward {k}", "clock"]


def test_a_timed_step_frees_the_previous_graph_inside_its_forward(monkeypatch):
    log, graph = _clocked(monkeypatch)

    def build(e, size):
        g = graph()
        return [g], g

    fake = bench.Engine("fake", None, lambda g: g.k)
    assert bench.timed(fake, build, 0, 1, samples=1, sample_nodes=2)[2] == 2  # a warm-up step, then 2
    assert log == ["clock", "build 0", "clock", "backward 0", "clock", *_steady(1), *_steady(2), "free 2"]


def test_an_mlp_step_frees_the_previous_loss_inside_its_forward(monkeypatch):
    log, graph = _clocked(monkeypatch)
    net = bench.Mlp(bench.OURS, [])
    net.loss = lambda X, y: graph()
    assert [net.step(None, None, 0.1)[2] for _ in range(2)] == [0.0, 1.0]
    assert log == ["clock", "build 0", "clock", "backward 0", "clock", *_steady(1)]
