"""The benchmark run: python -m benchmarks [--full] [--out DIR]   (make bench, make bench FULL=1)

The quick profile (the default) times every workload on samples of 200,000 nodes and finishes in
about three minutes here; --full adds the 1,000,000-step chain and samples of 1,000,000 nodes.
Each ratio is the median over 3 samples of (the other engine's time / ours), shown with its spread.

The pure-Python engines are timed first, before torch is imported: importing torch puts ~165,000
objects on the heap, and every full garbage collection then walks them, a cost that a program using
only a pure-Python engine never pays. The column "ours, torch imported" shows that cost."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

from engine.output import OutputError, ensure_dir, write_atomic

from . import engines, memory, report, timing, workloads
from .engines import MICRO, MICROGPT, OURS, TORCH

ROOT = Path(__file__).resolve().parent.parent
MLP_STEP, GPT_STEP, MICROGPT_STEP = "MLP training step", "GPT training step", "GPT step, microgpt's code"
TRAINING, GPTS = (MLP_STEP, GPT_STEP, MICROGPT_STEP), (GPT_STEP, MICROGPT_STEP)
RESULTS = ROOT / "benchmarks" / "results"
PYTHONS = RESULTS / "pythons"  # one JSON per Python measured: CPython 3.11, 3.12, 3.13, Pyodide


def plan(full):
    """[(workload, build or None for a training step, size, the pure-Python peer engines)]."""
    chains = [1_000, 10_000, 100_000] + ([1_000_000] if full else [])
    rows = [(f"chain {n:,}", workloads.chain, n, [MICRO]) for n in chains]
    rows.append(("wide sum 100,000", workloads.wide, 100_000, [MICRO]))
    rows.append((MLP_STEP, None, 0, [MICRO]))
    rows.append((GPT_STEP, None, 0, [MICROGPT]))  # micrograd has no exp or log: it cannot run the GPT
    rows.append((MICROGPT_STEP, None, 0, [MICROGPT]))  # microgpt's own model code, on every engine
    return rows


def step_fn(e, key):
    """A training step of engine e for a training-step workload."""
    if key == MLP_STEP:
        net, data = workloads.Mlp(e, workloads.mlp_init()), workloads.moons()
        return lambda: net.step(*data)
    trainer = workloads.Gpt(e) if key == GPT_STEP else workloads.microgpt_code(e)
    return trainer.step


def make_step(key, build, size):
    """e -> a fresh step function of engine e on this workload (a training step, or build + backward)."""
    if build is None:
        return lambda e: step_fn(e, key)
    return lambda e: timing.timed_step(e, build, size)


def measure(engine_list, rows, nodes, sampling):
    """{workload: {engine name: timing.Samples}} for the engines of engine_list that each row names."""
    res = {}
    for key, build, size, peers in rows:
        t0 = time.perf_counter()
        chosen = [e for e in engine_list if e is OURS or e in peers or (e is TORCH and key != MICROGPT_STEP)]
        res[key] = timing.interleaved(chosen, make_step(key, build, size), nodes[key], **sampling)
        print(f"  {key}: {', '.join(res[key])} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return res


def count_nodes(rows, e=OURS):
    """{workload: nodes of one step of this engine's graph} (e: this engine, or an earlier version of it)."""
    nodes = {}
    for key, build, size, _ in rows:
        if key == MLP_STEP:
            nodes[key] = workloads.mlp_nodes()
        elif key == GPT_STEP:
            nodes[key] = workloads.nodes_per_step(workloads.Gpt(OURS))
        elif key == MICROGPT_STEP:
            nodes[key] = workloads.nodes_per_step(workloads.microgpt_code(OURS))
        else:
            nodes[key] = workloads.our_nodes(build(e, size)[1])
    return nodes


def check(key, samples):
    """How far the other engines' results are from ours: the largest difference of the loss curves
    (training steps), or of the first leaf's gradient, relative (chains and the wide sum)."""
    ours = samples["ours"].results
    worst = 0.0
    for s in samples.values():
        for a, b in zip(ours, s.results, strict=True):
            b = float(b)
            worst = max(worst, abs(a - b) if key in TRAINING else abs(a - b) / (1 + abs(a)))
    return worst


def run(full=False, training_only=False, with_torch=True, samples=5):
    started = time.perf_counter()
    rows = [r for r in plan(full) if r[0] in TRAINING or not training_only]
    sampling = {"samples": samples, "sample_nodes": 1_000_000 if full else 200_000}
    nodes = count_nodes(rows)
    fails_at = timing.recursion_failure(MICRO, workloads.chain)
    sys.setrecursionlimit(20_000_000)  # for micrograd's and microgpt's recursive topological sorts only
    pure = measure([OURS, MICRO, MICROGPT], rows, nodes, sampling)
    off = timing.gc_off(lambda: measure([OURS], rows, nodes, sampling))
    wide_n = 100_000 if full else 20_000  # tracemalloc makes micrograd's collector crawl: 89 s at 100,000 here
    peak, graph = memory.bytes_per_node(OURS, wide_n)
    mem = {"n": wide_n, "ours": peak, "ours_graph": graph, "torch_rss": None}
    # micrograd's recursive sort needs a 20,000-deep recursion here, which WebAssembly's stack cannot hold
    mem["micrograd"] = memory.peak_bytes_per_node(MICRO, wide_n) if sys.platform != "emscripten" else None
    floors = {key: timing.floor_seconds(n) / n for key, n in nodes.items()}
    imported = {}
    if with_torch:
        engines.import_torch()
        imported = measure([TORCH, OURS], rows, nodes, sampling)
        mem["torch_rss"] = memory.torch_rss_per_node(wide_n)
    out_rows, scaling = [], {"ours": [], "micrograd": [], "torch": [], "floor": []}
    for key, *_ in rows:
        samples = {**pure[key], **{k: v for k, v in imported.get(key, {}).items() if k == "torch"}}
        row = {
            "workload": key,
            "nodes": nodes[key],
            "times_ns": {name: [t * 1e9 for t in s.medians()] for name, s in samples.items()},
            "vs": {name: timing.ratios(s, samples["ours"]) for name, s in samples.items() if name != "ours"},
            "ours_torch_imported_ns": [t * 1e9 for t in imported[key]["ours"].medians()] if imported else None,
            "ours_gc_off_ns": sum(off[key]["ours"].medians()) * 1e9,
            "floor_ns": floors[key] * 1e9,
            "check": check(key, samples),
            "cannot_run": ["micrograd"] + (["torch"] if key == MICROGPT_STEP else []) if key in GPTS else [],
        }
        if key.startswith("chain"):
            for name in ("ours", "micrograd", "torch"):
                if name in row["times_ns"]:
                    scaling[name].append((nodes[key], sum(row["times_ns"][name])))
            scaling["floor"].append((nodes[key], row["floor_ns"]))
        out_rows.append(row)
    return {
        "machine": report.machine(),
        "profile": ("full" if full else "quick") + (", training steps only" if training_only else ""),
        "sampling": sampling,
        "rows": out_rows,
        "memory_bytes_per_node": mem,
        "micrograd_recursion": {"fails_at_chain_steps": fails_at, "recursion_limit": 1000},
        "scaling": scaling,
        "seconds": time.perf_counter() - started,
    }


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--full", action="store_true", help="the whole sweep: the 1,000,000-step chain, 1,000,000-node samples"
    )
    p.add_argument("--training-only", action="store_true", help="only the training steps (MLP and both GPTs)")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out (it is left out anyway when missing)")
    p.add_argument("--samples", type=int, default=5, help="paired samples per workload (default: 5; at least 3)")
    p.add_argument(
        "--per-python",
        action="store_true",
        help="write only this Python's row of the table of Pythons (results/pythons/), not the main results",
    )
    p.add_argument("--out", type=Path, default=RESULTS, help="output folder of the main results")
    args = p.parse_args(argv)
    if args.samples < 3:
        p.error("--samples must be at least 3: a median and a spread need them")
    with_torch = not args.no_torch and importlib.util.find_spec("torch") is not None
    try:
        for folder in (PYTHONS, args.out):  # before the run, not after it: a bad folder fails in a second
            ensure_dir(folder)
        res = run(full=args.full, training_only=args.training_only, with_torch=with_torch, samples=args.samples)
        res["command"] = " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])
        text = report.markdown(res)
        write_atomic(PYTHONS / f"{report.python_tag(res['machine'])}.json", json.dumps(res, indent=2) + "\n")
        if not args.per_python:
            write_atomic(args.out / "latest.md", text)
            write_atomic(args.out / "latest.json", json.dumps(res, indent=2) + "\n")
            paths = report.plot(res, args.out / "scaling") if res["scaling"]["ours"] else []
            print(f"wrote {args.out / 'latest.md'}, latest.json, {', '.join(x.name for x in paths)}")
        print(text)
        table = report.pythons_table(PYTHONS)
        write_atomic(RESULTS / "pythons.md", table)
        print(table)
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"took {res['seconds']:.0f} s")
    return 0
