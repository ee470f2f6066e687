"""Where the time of a GPT step goes: python -m benchmarks.breakdown [--steps N] [--json FILE]

Runs microgpt's own model code (benchmarks/microgpt_model.py) on this engine and on microgpt's Value design,
and splits each step into parts measured directly, medians over the steps:

- garbage collection: time inside the collector (gc.callbacks), in forward, backward and update alike;
- allocation: making as many bare objects with the engine's six slots as the step makes nodes (timing.floor);
- dispatch and arithmetic: the rest of the forward pass (Python calling each op, the op's own work);
- topological sort: engine.topological_order on the step's graph, timed on its own after the step;
- rules: the rest of backward() (applying each node's RULES line and adding into .grad);
- update: Adam on every parameter.

Used for docs/performance.md on each Python; no figure here is a target, and none is asserted."""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

from engine.engine import topological_order
from engine.output import OutputError, ensure_dir, write_atomic

from . import engines, report, timing, workloads
from .run import RESULTS, ROOT

OUT = RESULTS / "breakdown"


class _GcClock:
    """Seconds spent inside the garbage collector, and collections per generation, while it is installed."""

    def __init__(self):
        self.seconds, self.collections, self._start = 0.0, [0, 0, 0], 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1


def measure(e, steps):
    m = workloads.microgpt_code(e)
    for _ in range(3):  # warm up: the first steps allocate the Adam state and fill the caches
        m.step()
    parts = {k: [] for k in ("forward", "backward", "update", "gc", "gc_forward", "gc_backward", "sort", "nodes")}
    clock = _GcClock()
    gc.callbacks.append(clock)
    try:
        for _ in range(steps):
            before = clock.seconds
            t0 = time.perf_counter()
            m.graph = None
            loss = m.graph = m.loss()
            t1, g1 = time.perf_counter(), clock.seconds
            loss.backward()
            t2, g2 = time.perf_counter(), clock.seconds
            m.update()
            t3 = time.perf_counter()
            parts["gc"].append(clock.seconds - before)
            parts["gc_forward"].append(g1 - before)
            parts["gc_backward"].append(g2 - g1)
            parts["forward"].append(t1 - t0)
            parts["backward"].append(t2 - t1)
            parts["update"].append(t3 - t2)
            if e is engines.OURS:
                gc.disable()  # the sort alone, as backward() runs it, without the collector's share
                ts = time.perf_counter()
                order = topological_order(loss)
                parts["sort"].append(time.perf_counter() - ts)
                gc.enable()
                parts["nodes"].append(workloads.our_nodes(loss))
                del order
            del loss  # the graph lives in m.graph alone, which the next step lets go before it builds
    finally:
        gc.callbacks.remove(clock)
    med = {k: statistics.median(v) * 1e3 for k, v in parts.items() if v and k != "nodes"}
    med["step"] = med["forward"] + med["backward"] + med["update"]
    med["collections_per_step"] = [c / steps for c in clock.collections]
    if parts["nodes"]:
        nodes = statistics.median(parts["nodes"])
        med["nodes"] = nodes
        med["allocation"] = timing.floor_seconds(int(nodes)) * 1e3
    m.release()
    return med


def table(res):
    ours, peer = res["ours"], res["microgpt"]
    rows = [
        ("step (forward + backward + update)", ours["step"], peer["step"]),
        ("garbage collection (all phases)", ours["gc"], peer["gc"]),
        ("forward", ours["forward"], peer["forward"]),
        ("  garbage collection", ours["gc_forward"], peer["gc_forward"]),
        ("  allocation of the nodes (floor)", ours["allocation"], None),
        ("  dispatch and arithmetic (the rest)", ours["forward"] - ours["gc_forward"] - ours["allocation"], None),
        ("backward", ours["backward"], peer["backward"]),
        ("  garbage collection", ours["gc_backward"], peer["gc_backward"]),
        ("  topological sort", ours["sort"], None),
        ("  rules (the rest)", ours["backward"] - ours["gc_backward"] - ours["sort"], None),
        ("update (Adam)", ours["update"], peer["update"]),
    ]
    lines = [
        f"{res['python']}: microgpt's model code, medians of {res['steps']} steps, ms per step "
        f"({ours['nodes']:,.0f} nodes; collections per step, gen 0/1/2: ours "
        + "/".join(f"{c:.1f}" for c in ours["collections_per_step"])
        + ", microgpt "
        + "/".join(f"{c:.1f}" for c in peer["collections_per_step"])
        + ")",
        "",
        "| part | ours | microgpt's Value |",
        "|---|---:|---:|",
    ]
    for name, a, b in rows:
        lines.append(f"| {name} | {a:.1f} | {'' if b is None else f'{b:.1f}'} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.breakdown", description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=15, help="steps measured per engine (default: 15)")
    p.add_argument("--out", type=Path, default=OUT, help=f"folder of the results (default: {OUT.relative_to(ROOT)})")
    args = p.parse_args(argv)
    if args.steps < 3:
        p.error("--steps must be at least 3")
    machine = report.machine()
    res = {"python": f"{machine['implementation']} {machine['python']}", "steps": args.steps, "machine": machine}
    if machine["pyodide"]:
        res["python"] = f"Pyodide {machine['pyodide']} ({res['python']}, WebAssembly in Node)"
    for e in (engines.OURS, engines.MICROGPT):
        gc.collect()
        res[e.name] = measure(e, args.steps)
    text = table(res)
    print(text)
    try:
        ensure_dir(args.out)
        stem = args.out / report.python_tag(machine)
        write_atomic(Path(f"{stem}.md"), text)
        write_atomic(Path(f"{stem}.json"), json.dumps(res, indent=2) + "\n")
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {stem}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
