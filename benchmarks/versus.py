"""This engine against an earlier version of itself, in ONE process, on the benchmark's workloads.

    python -m benchmarks.versus [REV] [--samples N]

REV's engine/engine.py (default: HEAD) is loaded from git beside the working tree's engine. For
each workload the two engines take turns, sample by sample, so that both see the same machine; a
sample is a run of consecutive steady-state steps of at least 1,000,000 nodes (see timing.interleaved).
Prints forward/backward ns per node (medians), the ratio new/old of forward + backward as the
median and min-max over the paired samples, and the peak bytes per node on the wide sum."""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import engines, memory, timing
from .run import ROOT, count_nodes, make_step, plan


def load_engine(rev):
    """engine/engine.py as of git revision rev, imported as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:engine/engine.py"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if source.returncode:
        raise SystemExit(f"versus: cannot read engine/engine.py at {rev!r}: {source.stderr.strip()}")
    path = Path(tempfile.mkdtemp()) / f"engine_at_{rev.replace('/', '_')}.py"
    path.write_text(source.stdout)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="HEAD", help="the git revision to compare against (default: HEAD)")
    parser.add_argument("--samples", type=int, default=5, help="paired samples per workload (default: 5)")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    old = engines.Engine("old", load_engine(args.rev).Value, lambda v: v.grad)
    new = engines.Engine("new", engines.OURS.leaf, lambda v: v.grad)
    rows = plan(full=False)
    nodes = count_nodes(rows, new)
    print(f"new (working tree) against old ({args.rev}): ns per node, forward / backward, medians of {args.samples}")
    print(f"{'workload':<20} {'old':>15} {'new':>15}  new/old (min-max)")
    for key, build, size, _ in rows:
        res = timing.interleaved([old, new], make_step(key, build, size), nodes[key], samples=args.samples)
        ratios = [n / o for o, n in zip(res["old"].totals, res["new"].totals, strict=True)]
        med = {k: [t * 1e9 for t in v.medians()] for k, v in res.items()}
        print(
            f"{key:<20} {med['old'][0]:7,.0f} / {med['old'][1]:5,.0f} {med['new'][0]:7,.0f} / {med['new'][1]:5,.0f}"
            f"  {statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})",
            flush=True,
        )
    for e in (old, new):
        print(f"peak memory on the wide sum, {e.name}: {memory.peak_bytes_per_node(e, 100_000):.0f} B per node")
    return 0


if __name__ == "__main__":
    sys.exit(main())
