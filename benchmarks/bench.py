"""Benchmark: this engine against micrograd 0.1.0 and PyTorch (0-d float64 tensors), in ONE process.

    python benchmarks/bench.py [--quick] [--out benchmarks/results]

Every workload runs the same computation in the three engines. Times are per node of this
engine's graph (one node per op applied), so a ratio of per-node times is a ratio of times.
Steady state: a timed sample is a run of consecutive steps (free the previous graph, build,
backward) of at least a million nodes in all, with no gc.collect() between them, so each engine
pays for freeing its previous graphs, by refcount or by the collector, as in a training loop
(where `loss = ...` lets the last graph go). Freeing is counted in the forward time. The median
of 3 samples is reported. (A median of single small steps would skip the steps on which the
collector runs.)

The two pure-Python engines are timed first, before torch is imported: importing torch puts
~165,000 objects on the heap, and every full garbage collection then walks them (~70 ms each
here), a cost that a program using only a pure-Python engine never pays. The row "ours, torch
imported" shows this engine in a heap that holds torch, for comparison.
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import itertools
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import micrograd  # noqa: E402
from micrograd.engine import Value as MicroValue  # noqa: E402

from engine import Value  # noqa: E402
from engine.engine import topological_order  # noqa: E402
from engine.files import OutputError, ensure_dir, write_atomic  # noqa: E402
from engine.train import make_moons  # noqa: E402

torch = None  # imported by import_torch(), after the pure-Python engines are timed


def import_torch():
    global torch
    import torch as _torch

    torch = _torch
    torch.set_num_threads(1)


class Engine:
    def __init__(self, name, leaf, grad):
        self.name, self.leaf, self.grad = name, leaf, grad


OURS = Engine("ours", Value, lambda v: v.grad)
MICRO = Engine("micrograd", MicroValue, lambda v: v.grad)
TORCH = Engine(
    "torch", lambda x: torch.tensor(float(x), dtype=torch.float64, requires_grad=True), lambda t: t.grad.item()
)
ENGINES = [OURS, MICRO, TORCH]


def our_nodes(out):
    """Nodes of this engine's graph: the ops (non-leaf nodes) plus the leaves."""
    ops = topological_order(out)
    leaves = {x for v in ops for x in v._prev if not x._op}
    return len(ops) + len(leaves)


# --- workloads: build(engine, size) -> (leaves, output) ---------------------------------------


def chain(e, n):
    x0 = e.leaf(0.5)
    x = x0
    for _ in range(n):
        x = (x * 1.0001 + 0.001).relu()
    return [x0], x


def wide(e, n, inputs=None):
    xs, ws = inputs or _uniforms(n)
    xs, ws = [e.leaf(x) for x in xs], [e.leaf(w) for w in ws]
    s = e.leaf(0.0)
    for x, w in zip(xs, ws, strict=True):
        s = s + x * w
    return [*xs, *ws], s


def _draws(n, seed=0):
    """The wide sum's inputs: two streams of n numbers in [-1, 1], drawn as they are consumed."""
    rng = random.Random(seed)
    return ((rng.uniform(-1, 1) for _ in range(n)) for _ in range(2))


@functools.cache
def _uniforms(n):
    """_draws(n), drawn once for the timed runs: drawing them is not the engines' work."""
    return tuple(list(stream) for stream in _draws(n))


SAMPLE_NODES = 1_000_000  # a timed sample runs consecutive graphs of at least this many nodes in all
SAMPLES = 3


def sampled(step, nodes, samples=SAMPLES, sample_nodes=SAMPLE_NODES):
    """Forward and backward seconds per node (medians over samples) and the results of all steps.
    step() runs one step (free the previous graph, build, backward) and returns (forward s, backward s, result).
    A sample is a run of consecutive steps with no gc.collect() between them, long enough that it
    also pays for the collections its steps cause, as a training loop does. Before the samples: the
    garbage of the engine measured before is collected, and one step warms up (unless a graph alone
    is a sample)."""
    steps = -(-sample_nodes // nodes)
    gc.collect()
    results = [step()[2]] if steps > 1 else []
    fwd, bwd = [], []
    for _ in range(samples):
        f = b = 0.0
        for _ in range(steps):
            tf, tb, result = step()
            f += tf
            b += tb
            results.append(result)
        fwd.append(f / (steps * nodes))
        bwd.append(b / (steps * nodes))
    return statistics.median(fwd), statistics.median(bwd), results


def timed(e, build, size, nodes, **sampling):
    """sampled() on build(e, size): forward and backward seconds per node, and the first leaf's gradient."""

    held = []  # the last step's graph, freed in the next step's timed forward

    def step():
        t0 = time.perf_counter()
        held.clear()
        leaves, out = build(e, size)
        t1 = time.perf_counter()
        out.backward()
        t2 = time.perf_counter()
        held.append((leaves, out))
        return t1 - t0, t2 - t1, e.grad(leaves[0])

    f, b, results = sampled(step, nodes, **sampling)
    return f, b, results[-1]


# --- the MLP training step ----------------------------------------------------------------


def mlp_init(seed=0, sizes=(2, 16, 16, 1)):
    """Initial weights exactly as engine.nn.MLP(2, [16, 16, 1], seed=seed) draws them."""
    rng = random.Random(seed)
    return [
        [([rng.uniform(-1, 1) for _ in range(nin)], 0.0) for _ in range(nout)]
        for nin, nout in itertools.pairwise(sizes)
    ]


class Mlp:
    def __init__(self, e, init):
        self.e = e
        self.layers = [[([e.leaf(w) for w in ws], e.leaf(b)) for ws, b in layer] for layer in init]
        self.params = [p for layer in self.layers for ws, b in layer for p in (*ws, b)]
        self.graph = None  # the last step's loss, freed in the next step's timed forward

    def loss(self, X, y, alpha=1e-4):
        last = len(self.layers) - 1
        scores = []
        for x in X:
            h = x
            for i, layer in enumerate(self.layers):
                outs = []
                for ws, b in layer:
                    act = b
                    for w, xi in zip(ws, h, strict=True):
                        act = act + w * xi
                    outs.append(act.relu() if i < last else act)
                h = outs
            scores.append(h[0])
        data_loss = sum((1 + -yi * s).relu() for yi, s in zip(y, scores, strict=True)) * (1.0 / len(X))
        return data_loss + alpha * sum(p * p for p in self.params)

    def step(self, X, y, lr):
        t0 = time.perf_counter()
        self.graph = None
        loss = self.graph = self.loss(X, y)
        t1 = time.perf_counter()
        if self.e is TORCH:
            for p in self.params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in self.params:
                    p -= lr * p.grad
            value = loss.item()
        else:
            for p in self.params:
                p.grad = 0.0
            loss.backward()
            for p in self.params:
                p.data -= lr * p.grad
            value = loss.data
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, value


def mlp_bench(engines, nodes, **sampling):
    """{engine: (forward s/node, backward s/node, loss curve)}: sampled() over consecutive training
    steps of one network; the curve has the loss of every step, the warm-up included."""
    X, y = make_moons(100, seed=1)
    out = {}
    for e in engines:
        net = Mlp(e, mlp_init())
        k = itertools.count()

        def step(net=net, k=k):
            return net.step(X, y, 1.0 - 0.9 * next(k) / 100)

        out[e.name] = sampled(step, nodes, **sampling)
    return out


def mlp_nodes():
    X, y = make_moons(100, seed=1)
    return our_nodes(Mlp(OURS, mlp_init()).loss(X, y))


# --- memory and the floor -------------------------------------------------------------------


def peak_bytes_per_node(e, n):
    gc.collect()
    tracemalloc.start()
    leaves, out = wide(e, n, _draws(n))  # its floats are made here, as a program would
    out.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del leaves, out
    return peak / (4 * n + 1)  # 2n leaves, n products, n sums (and the starting 0)


def rss_bytes():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


def torch_rss_per_node(n):
    """Resident memory growth while the wide graph is alive, after giving freed memory back."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: the figure may then be low
        pass
    before = rss_bytes()
    leaves, out = wide(TORCH, n)
    out.backward()
    after = rss_bytes()
    del leaves, out
    return (after - before) / (4 * n + 1)


class _Bare:
    __slots__ = ("data", "grad", "_op", "_a", "_b")


def floor_seconds(n, reps=3):
    """Allocating n bare objects with the same five slots, linked like a chain: pure Python's
    floor. Median of reps, after collecting what the engines measured before left behind."""
    gc.collect()
    return statistics.median(_floor_once(n) for _ in range(reps))


def _floor_once(n):
    new = object.__new__
    t0 = time.perf_counter()
    prev = None
    for _ in range(n):
        o = new(_Bare)
        o.data = 1.0
        o.grad = 0.0
        o._op = "+"
        o._a = prev
        o._b = None
        prev = o
    t1 = time.perf_counter()
    del prev
    return t1 - t0


def gc_off(fn):
    gc.disable()
    try:
        return fn()
    finally:
        gc.enable()


def micrograd_recursion_failure():
    """The smallest chain (in steps) whose backward hits RecursionError at the default limit."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        for n in range(50, 2000, 10):
            _, out = chain(MICRO, n)
            try:
                out.backward()
            except RecursionError:
                return n, 1000
        return None, 1000
    finally:
        sys.setrecursionlimit(limit)


# --- the run ---------------------------------------------------------------------------------


MLP_STEP = "MLP training step"


def workloads(quick):
    """[(name, build, size)]: the chains, the wide sum and the MLP step."""
    chains = [1_000, 10_000, 100_000] + ([] if quick else [1_000_000])
    return [(f"chain {n:,}", chain, n) for n in chains] + [("wide sum 100,000", wide, 100_000), (MLP_STEP, None, 0)]


def measure(engines, plan, nodes, **sampling):
    """{workload: {engine: (forward s/node, backward s/node, check value)}}."""
    res = {}
    for key, build, size in plan:
        if build is None:
            res[key] = mlp_bench(engines, nodes[key], **sampling)
        else:
            res[key] = {e.name: timed(e, build, size, nodes[key], **sampling) for e in engines}
        print(f"  {key}: {', '.join(e.name for e in engines)}", file=sys.stderr)
    return res


def run(quick=False):
    plan = workloads(quick)
    sampling = {"samples": SAMPLES, "sample_nodes": 200_000 if quick else SAMPLE_NODES}
    nodes = {key: mlp_nodes() if build is None else our_nodes(build(OURS, size)[1]) for key, build, size in plan}
    fail_at, default_limit = micrograd_recursion_failure()
    sys.setrecursionlimit(20_000_000)  # for micrograd's recursive topological sort only
    res = measure([OURS, MICRO], plan, nodes, **sampling)
    off = gc_off(lambda: measure([OURS], plan, nodes, **sampling))
    memory = {"ours": peak_bytes_per_node(OURS, 100_000), "micrograd": peak_bytes_per_node(MICRO, 100_000)}
    floors = {key: floor_seconds(n) / n for key, n in nodes.items()}
    import_torch()
    with_torch = measure([TORCH, OURS], plan, nodes, **sampling)
    memory["torch_rss"] = torch_rss_per_node(100_000)
    rows, scaling = [], {"ours": [], "micrograd": [], "torch": [], "floor": []}
    for key, n in nodes.items():
        r = {
            "workload": key,
            "nodes": n,
            "ours": res[key]["ours"],
            "micrograd": res[key]["micrograd"],
            "torch": with_torch[key]["torch"],
            "ours_torch_imported": with_torch[key]["ours"],
            "ours_gc_off": sum(off[key]["ours"][:2]),
            "floor": floors[key],
        }
        ours = sum(r["ours"][:2])
        r["vs_micrograd"] = sum(r["micrograd"][:2]) / ours
        r["vs_torch"] = sum(r["torch"][:2]) / ours
        if key == MLP_STEP:
            curves = [r[e][2] for e in ("ours", "micrograd", "torch")]
            r["check"] = max(abs(a - b) for c in curves[1:] for a, b in zip(curves[0], c, strict=True))
            for e in ("ours", "micrograd", "torch", "ours_torch_imported"):
                r[e] = (*r[e][:2], r[e][2][-1])
        else:
            r["check"] = max(abs(r[e][2] - r["ours"][2]) / (1 + abs(r["ours"][2])) for e in ("micrograd", "torch"))
        if key.startswith("chain"):
            for e in ("ours", "micrograd", "torch"):
                scaling[e].append((n, sum(r[e][:2])))
            scaling["floor"].append((n, r["floor"]))
        rows.append(r)
    return {
        "machine": machine(),
        "sampling": sampling,
        "rows": rows,
        "memory_bytes_per_node": memory,
        "micrograd_recursion": {"fails_at_chain_steps": fail_at, "recursion_limit": default_limit},
        "scaling": scaling,
    }


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": len([ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("processor")]),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "torch": torch.__version__,
        "micrograd": getattr(micrograd, "__version__", "0.1.0"),
        "platform": platform.platform(),
    }


def ns(seconds):
    return f"{seconds * 1e9:,.0f}"


def markdown(res):
    m, smp = res["machine"], res["sampling"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; {m['implementation']} {m['python']}; "
        f"micrograd {m['micrograd']}; PyTorch {m['torch']} (0-d float64 tensors, 1 thread).",
        "",
        f"Time per node of this engine's graph in ns, forward / backward: medians of {smp['samples']} samples, each "
        f"a run of consecutive steps of at least {smp['sample_nodes']:,} nodes in all (steady state, garbage "
        "collector on). A step's forward includes freeing the previous step's graph.",
        "The ratios compare forward + backward. Command: `make bench`.",
        "",
        "| workload | nodes | ours | micrograd | torch | vs micrograd | vs torch | ours, torch imported "
        "| ours, gc off | floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["rows"]:
        cell = {e: f"{ns(r[e][0])} / {ns(r[e][1])}" for e in ("ours", "micrograd", "torch", "ours_torch_imported")}
        lines.append(
            f"| {r['workload']} | {r['nodes']:,} | {cell['ours']} | {cell['micrograd']} | {cell['torch']} "
            f"| **{r['vs_micrograd']:.1f}x** | **{r['vs_torch']:.1f}x** | {cell['ours_torch_imported']} "
            f"| {ns(r['ours_gc_off'])} | {ns(r['floor'])} |"
        )
    mem = res["memory_bytes_per_node"]
    rec = res["micrograd_recursion"]
    mlp = next(r for r in res["rows"] if r["workload"].startswith("MLP"))
    worst = max(r["check"] for r in res["rows"] if not r["workload"].startswith("MLP"))
    lines += [
        "",
        f"Peak memory per node on the wide sum (tracemalloc, leaves and gradients included): "
        f"ours **{mem['ours']:.0f} B**, micrograd {mem['micrograd']:.0f} B. PyTorch allocates in C++, "
        f"out of tracemalloc's sight: {mem['torch_rss']:.0f} B of resident memory per node.",
        "",
        f"micrograd's recursive topological sort raises RecursionError from a chain of {rec['fails_at_chain_steps']} "
        f"steps at Python's default limit of {rec['recursion_limit']}; for the rows above its limit is raised. "
        "This engine runs every size at the default limit.",
        "",
        f"Same results: the three engines' MLP loss curves differ by at most {mlp['check']:.1e}; the chains' and "
        f"the wide sum's gradients by at most {worst:.1e} (relative).",
        "",
        "ours, torch imported: this engine timed after `import torch`, whose objects every full collection walks.",
        "gc off: forward + backward with the collector disabled, for insight only (the library never touches it).",
        "floor: allocating as many bare objects with the same five `__slots__` in a loop: pure Python's limit.",
    ]
    return "\n".join(lines) + "\n"


def plot(res, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "mini-autograd-engine"
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    styles = {
        "ours": ("#1f78b4", "o"),
        "micrograd": ("#d95f02", "s"),
        "torch": ("#7570b3", "^"),
        "floor": ("#999999", "."),
    }
    for name, points in res["scaling"].items():
        xs, ys = zip(*points, strict=True)
        color, marker = styles[name]
        ax.plot(
            xs,
            [y * 1e9 for y in ys],
            marker=marker,
            color=color,
            label=name,
            linestyle="--" if name == "floor" else "-",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("graph size (nodes of this engine's graph)")
    ax.set_ylabel("forward + backward time per node (ns)")
    ax.set_title("Deep chain x = relu(1.0001 x + 0.001)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=100, metadata=meta)
        write_atomic(out / f"scaling.{ext}", buf.getvalue())
    plt.close(fig)


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(text):
    """Put the table between the markers of README.md's performance section."""
    readme = ROOT / "README.md"
    doc = readme.read_text()
    if README_START in doc and README_END in doc:
        head, rest = doc.split(README_START, 1)
        write_atomic(readme, f"{head}{README_START}\n{text}{README_END}{rest.split(README_END, 1)[1]}")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="skip the 1,000,000-step chain; samples of 200,000 nodes")
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="output folder")
    p.add_argument("--no-readme", action="store_true", help="leave README.md's performance table alone")
    args = p.parse_args(argv)
    try:
        ensure_dir(args.out)  # before the run, not after it: a bad folder fails in a second
        res = run(quick=args.quick)
        text = markdown(res)
        write_atomic(args.out / "latest.md", text)
        write_atomic(args.out / "latest.json", json.dumps(res, indent=2) + "\n")
        plot(res, args.out)
        if not args.no_readme and not args.quick:
            update_readme(text)
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(text)
    print(f"wrote {args.out / 'latest.md'}, latest.json, scaling.png, scaling.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
