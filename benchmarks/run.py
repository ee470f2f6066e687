"""The benchmark run: python -m benchmarks [--full] [--out DIR] [--no-readme]   (make bench, make bench FULL=1)

The quick profile (the default) times every workload on samples of 200,000 nodes and finishes in
about three minutes here; --full adds the 1,000,000-step chain and samples of 1,000,000 nodes.
Each ratio is the median over 3 samples of (the other engine's time / ours), shown with its spread.

The pure-Python engines are timed first, before torch is imported: importing torch puts ~165,000
objects on the heap, and every full garbage collection then walks them, a cost that a program using
only a pure-Python engine never pays. The column "ours, torch imported" shows that cost."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from engine.files import OutputError, ensure_dir, write_atomic

from . import engines, memory, report, timing, workloads
from .engines import MICRO, MICROGPT, OURS, TORCH

ROOT = Path(__file__).resolve().parent.parent
MLP_STEP, GPT_STEP = "MLP training step", "GPT training step"


def plan(full):
    """[(workload, build or None for a training step, size, the pure-Python peer engines)]."""
    chains = [1_000, 10_000, 100_000] + ([1_000_000] if full else [])
    rows = [(f"chain {n:,}", workloads.chain, n, [MICRO]) for n in chains]
    rows.append(("wide sum 100,000", workloads.wide, 100_000, [MICRO]))
    rows.append((MLP_STEP, None, 0, [MICRO]))
    rows.append((GPT_STEP, None, 0, [MICROGPT]))  # micrograd has no exp or log: it cannot run the GPT
    return rows


def step_fn(e, key):
    """A training step of engine e for a training-step workload."""
    if key == MLP_STEP:
        net, data = workloads.Mlp(e, workloads.mlp_init()), workloads.moons()
        return lambda: net.step(*data)
    trainer = workloads.Gpt(e)
    return trainer.step


def measure(engine_list, rows, nodes, sampling):
    """{workload: {engine name: timing.Samples}} for the engines of engine_list that each row names."""
    res = {}
    for key, build, size, peers in rows:
        res[key], t0 = {}, time.perf_counter()
        for e in engine_list:
            if e is not OURS and e is not TORCH and e not in peers:
                continue
            if build is None:
                res[key][e.name] = timing.sampled(step_fn(e, key), nodes[key], **sampling)
            else:
                res[key][e.name] = timing.timed(e, build, size, nodes[key], **sampling)
        print(f"  {key}: {', '.join(res[key])} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return res


def count_nodes(rows, e=OURS):
    """{workload: nodes of one step of this engine's graph} (e: this engine, or an earlier version of it)."""
    nodes = {}
    for key, build, size, _ in rows:
        if key == MLP_STEP:
            nodes[key] = workloads.mlp_nodes()
        elif key == GPT_STEP:
            nodes[key] = workloads.gpt_nodes()
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
            worst = max(worst, abs(a - b) if key in (MLP_STEP, GPT_STEP) else abs(a - b) / (1 + abs(a)))
    return worst


def run(full=False):
    started = time.perf_counter()
    rows = plan(full)
    sampling = {"samples": 3, "sample_nodes": 1_000_000 if full else 200_000}
    nodes = count_nodes(rows)
    fails_at = timing.recursion_failure(MICRO, workloads.chain)
    sys.setrecursionlimit(20_000_000)  # for micrograd's and microgpt's recursive topological sorts only
    pure = measure([OURS, MICRO, MICROGPT], rows, nodes, sampling)
    off = timing.gc_off(lambda: measure([OURS], rows, nodes, sampling))
    wide_n = 100_000 if full else 20_000  # tracemalloc makes micrograd's collector crawl: 89 s at 100,000 here
    mem = {"n": wide_n, "ours": memory.peak_bytes_per_node(OURS, wide_n)}
    mem["micrograd"] = memory.peak_bytes_per_node(MICRO, wide_n)
    floors = {key: timing.floor_seconds(n) / n for key, n in nodes.items()}
    engines.import_torch()
    with_torch = measure([TORCH, OURS], rows, nodes, sampling)
    mem["torch_rss"] = memory.torch_rss_per_node(wide_n)
    out_rows, scaling = [], {"ours": [], "micrograd": [], "torch": [], "floor": []}
    for key, *_ in rows:
        samples = {**pure[key], "torch": with_torch[key]["torch"]}
        row = {
            "workload": key,
            "nodes": nodes[key],
            "times_ns": {name: [t * 1e9 for t in s.medians()] for name, s in samples.items()},
            "vs": {name: timing.ratios(s, samples["ours"]) for name, s in samples.items() if name != "ours"},
            "ours_torch_imported_ns": [t * 1e9 for t in with_torch[key]["ours"].medians()],
            "ours_gc_off_ns": sum(off[key]["ours"].medians()) * 1e9,
            "floor_ns": floors[key] * 1e9,
            "check": check(key, samples),
            "cannot_run": [] if key != GPT_STEP else ["micrograd"],
        }
        if key.startswith("chain"):
            for name in ("ours", "micrograd", "torch"):
                scaling[name].append((nodes[key], sum(row["times_ns"][name])))
            scaling["floor"].append((nodes[key], row["floor_ns"]))
        out_rows.append(row)
    return {
        "machine": report.machine(),
        "profile": "full" if full else "quick",
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
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="output folder")
    p.add_argument("--no-readme", action="store_true", help="leave README.md's performance table alone")
    args = p.parse_args(argv)
    try:
        ensure_dir(args.out)  # before the run, not after it: a bad folder fails in a second
        res = run(full=args.full)
        text = report.markdown(res)
        write_atomic(args.out / "latest.md", text)
        write_atomic(args.out / "latest.json", json.dumps(res, indent=2) + "\n")
        paths = report.plot(res, args.out / "scaling")
        if not args.no_readme:
            report.update_readme(ROOT / "README.md", text)
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(text)
    print(f"wrote {args.out / 'latest.md'}, latest.json, {', '.join(p.name for p in paths)} in {res['seconds']:.0f} s")
    return 0
