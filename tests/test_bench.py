"""The benchmark's command line, its workloads and its sampling (correctness only: no timing is asserted)."""

import itertools
import subprocess
import sys

import pytest

from tests.support import ROOT

pytest.importorskip("micrograd")

from benchmarks import engines, report, timing, workloads
from benchmarks.microgpt_value import Value as MicrogptValue
from engine.models.moons import loss_and_accuracy, make_moons
from engine.nn import MLP


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
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
    ours = workloads.Mlp(engines.OURS, workloads.mlp_init(seed=0))
    model = MLP(2, [16, 16, 1], seed=0)
    assert [p.data for p in ours.params] == [p.data for p in model.parameters()]
    assert ours.loss(X, y).data == pytest.approx(loss_and_accuracy(model, X, y)[0].data, rel=1e-12)


def test_workloads_give_the_same_gradient_in_the_pure_python_engines():
    for build, n in ((workloads.chain, 50), (workloads.wide, 200)):
        results = []
        for e in (engines.OURS, engines.MICRO, engines.MICROGPT):
            leaves, out = build(e, n)
            out.backward()
            results.append([e.grad(leaf) for leaf in leaves])
        assert results[1] == pytest.approx(results[0], rel=1e-12) and results[2] == pytest.approx(results[0], rel=1e-12)
    assert workloads.our_nodes(workloads.chain(engines.OURS, 10)[1]) == 31  # 3 ops a step, plus the input


def test_the_gpt_step_trains_the_same_in_ours_and_in_microgpts_design():
    curves = []
    for e in (engines.OURS, engines.MICROGPT):
        g = workloads.Gpt(e)
        curves.append([g.step()[2] for _ in range(3)])
    assert curves[0] == pytest.approx(curves[1], rel=1e-12, abs=1e-12)
    assert curves[0][0] != curves[0][2]


def test_microgpts_value_design_gives_the_chain_rule():
    a, b = MicrogptValue(2.0), MicrogptValue(-3.0)
    out = ((a * b + 1.0).relu() + (a / b).exp() - b**2 + (a * a).log()) * 0.5
    out.backward()
    ours_a, ours_b = engines.OURS.leaf(2.0), engines.OURS.leaf(-3.0)
    ref = ((ours_a * ours_b + 1.0).relu() + (ours_a / ours_b).exp() - ours_b**2 + (ours_a * ours_a).log()) * 0.5
    ref.backward()
    assert (a.grad, b.grad) == pytest.approx((ours_a.grad, ours_b.grad), rel=1e-12)


def test_ratios_are_medians_of_paired_samples_with_their_spread():
    slow = timing.Samples([4.0, 6.0, 9.0], [0.0, 0.0, 1.0], [])
    fast = timing.Samples([1.0, 2.0, 1.0], [1.0, 0.0, 1.0], [])
    assert timing.ratios(slow, fast) == (3.0, 2.0, 5.0)  # 4/2, 6/2, 10/2
    assert report._ratio((3.0, 2.0, 5.0)) == "**3.0x** (2.0-5.0)"


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
    clock = lambda: log.append("clock") or next(ticks)
    monkeypatch.setattr(timing.time, "perf_counter", clock)
    monkeypatch.setattr(workloads.time, "perf_counter", clock)
    return log, lambda: _Graph(log, next(built))


def _steady(k):  # a step after the first: graph k-1 is freed on the clock, before graph k is built
    return ["clock", f"free {k - 1}", f"build {k}", "clock", f"backward {k}", "clock"]


def test_a_timed_step_frees_the_previous_graph_inside_its_forward(monkeypatch):
    log, graph = _clocked(monkeypatch)

    def build(e, size):
        g = graph()
        return [g], g

    fake = engines.Engine("fake", None, lambda g: g.k)
    assert timing.timed(fake, build, 0, 1, samples=1, sample_nodes=2).results[-1] == 2  # a warm-up step, then 2
    assert log == ["clock", "build 0", "clock", "backward 0", "clock", *_steady(1), *_steady(2), "free 2"]


def test_a_training_step_frees_the_previous_loss_inside_its_forward(monkeypatch):
    log, graph = _clocked(monkeypatch)
    net = workloads.Mlp(engines.OURS, [])
    net.loss = lambda X, y: graph()
    assert [net.step(None, None)[2] for _ in range(2)] == [0.0, 1.0]
    assert log == ["clock", "build 0", "clock", "backward 0", "clock", *_steady(1)]


def test_microgpts_own_model_code_trains_the_same_on_both_engines():
    curves = []
    for e in (engines.OURS, engines.MICROGPT):
        m = workloads.microgpt_code(e)
        curves.append([m.step()[2] for _ in range(3)])
        assert all(p.grad == 0 for p in m.params)  # microgpt's update leaves each gradient at 0
    assert curves[0] == pytest.approx(curves[1], rel=1e-12, abs=1e-12)
    assert curves[0][0] != curves[0][2]


def test_microgpts_own_model_code_and_engine_gpt_give_the_same_first_loss():
    # the same weights from the same seed, the same first name: only the code that computes the loss differs
    ours = workloads.Gpt(engines.OURS).step()[2]
    microgpts = workloads.microgpt_code(engines.OURS).step()[2]
    assert microgpts == pytest.approx(ours, rel=1e-12)


def _run_of(python, pyodide=None, ratio=2.0, command="python -m benchmarks --training-only --per-python"):
    rows = [
        {"workload": key, "nodes": 1000, "times_ns": {"ours": [10.0, 10.0], peer: [10.0 * ratio, 10.0 * ratio]},
         "vs": {peer: [ratio, ratio - 0.1, ratio + 0.1]}}
        for key, peer in (("MLP training step", "micrograd"), ("GPT training step", "microgpt"),
                          ("GPT step, microgpt's code", "microgpt"))
    ]  # fmt: skip
    machine = {"implementation": "CPython", "python": python, "pyodide": pyodide}
    return {
        "machine": machine,
        "rows": rows,
        "memory_bytes_per_node": {"ours": 137.4, "ours_graph": 117.4},
        "sampling": {"samples": 5},
        "command": command,
    }


def test_the_table_of_pythons_has_a_row_per_python_in_version_order_with_pyodide_last(tmp_path):
    import json

    for name, run in {
        "pyodide-314.0.7": _run_of("3.14.2", pyodide="314.0.7", ratio=1.7),
        "cpython-3.13": _run_of("3.13.0"),
        "cpython-3.11": _run_of("3.11.7", ratio=2.2, command="python -m benchmarks"),
    }.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(run))
    lines = report.pythons_table(tmp_path).splitlines()
    rows = [line for line in lines if line.startswith("| CPython") or line.startswith("| Pyodide")]
    assert [r.split(" | ")[0] for r in rows] == [
        "| CPython 3.11.7",
        "| CPython 3.13.0",
        "| Pyodide 314.0.7 (CPython 3.14.2, WebAssembly in Node)",
    ]
    assert rows[0].count("**2.20x** (2.10-2.30)") == 3 and "0.0 / 0.0" in rows[0]  # 1,000 nodes of 20 ns: 0.02 ms
    assert rows[2].endswith("| 137 / 117 | 5 | `make bench-pyodide` |") and "`make bench PY=python3.13`" in rows[1]
    assert rows[0].endswith("| `make bench` |")  # the main run, not a run of its own for that Python
    assert report.python_tag(_run_of("3.13.0")["machine"]) == "cpython-3.13"


def test_make_bench_on_another_python_uses_a_venv_of_its_own_and_writes_only_its_row():
    dry = subprocess.run(
        ["make", "-n", "bench", "PY=python3.13"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "bash tools/bench-venv.sh python3.13 .venv-python3.13 requirements-dev.lock" in dry
    assert ".venv-python3.13/bin/python -m benchmarks --training-only --per-python" in dry
    pyodide = subprocess.run(
        ["make", "-n", "bench-pyodide"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "node benchmarks/pyodide.mjs .venv" in pyodide
