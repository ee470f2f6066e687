"""How time is measured: steady-state samples of consecutive steps, in one process.

A timed sample is a run of consecutive steps (free the previous graph, build, backward) of at least
sample_nodes nodes in all, with no gc.collect() between them, so each engine pays for freeing its
previous graphs, by refcount or by the collector, as in a training loop (where `loss = ...` lets the
last graph go). Freeing is counted in the forward time."""

from __future__ import annotations

import gc
import statistics
import sys
import time
from dataclasses import dataclass


@dataclass
class Samples:
    """Forward and backward seconds per node of each sample, and the result of every step."""

    fwd: list
    bwd: list
    results: list

    @property
    def totals(self):
        return [f + b for f, b in zip(self.fwd, self.bwd, strict=True)]

    def medians(self):
        return statistics.median(self.fwd), statistics.median(self.bwd)


def sampled(step, nodes, samples=3, sample_nodes=1_000_000):
    """step() runs one step and returns (forward s, backward s, result). Before the samples: the
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
    return Samples(fwd, bwd, results)


def timed(e, build, size, nodes, **sampling):
    """sampled() on build(e, size); each step's result is the first leaf's gradient."""
    return sampled(timed_step(e, build, size), nodes, **sampling)


def timed_step(e, build, size):
    """A step function that builds build(e, size) and runs backward(); its result is the first leaf's gradient."""
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

    return step


def interleaved(engine_list, make_step, nodes, samples=3, **sampling):
    """{engine name: Samples}: one sample of each engine in turn, `samples` times, so that every engine sees
    the same machine (a noisy neighbour slows a round, not an engine). make_step(e) gives a fresh step
    function per sample; its last graph is freed when the sample ends, untimed, so it never weighs on the
    collector while the next engine is timed."""
    out = {e.name: Samples([], [], []) for e in engine_list}
    for _ in range(samples):
        for e in engine_list:
            s = sampled(make_step(e), nodes, samples=1, **sampling)
            out[e.name].fwd.extend(s.fwd)
            out[e.name].bwd.extend(s.bwd)
            out[e.name].results.extend(s.results)
    return out


def ratios(slow, fast):
    """slow / fast per pair of samples: (median, min, max)."""
    r = [s / f for s, f in zip(slow.totals, fast.totals, strict=True)]
    return statistics.median(r), min(r), max(r)


class _Bare:
    """An object with the engine's six slots, made as the engine makes a node: by calling the class."""

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b")

    def __init__(self, data, label="", _op="", _a=None, _b=None):
        self.data, self.grad, self.label = data, 0.0, label
        self._op, self._a, self._b = _op, _a, _b


def floor_seconds(n, reps=3):
    """Making n bare objects with the engine's six slots, linked like a chain: pure Python's floor.
    Median of reps, after collecting what the engines measured before left behind."""
    gc.collect()
    return statistics.median(_floor_once(n) for _ in range(reps))


def _floor_once(n):
    t0 = time.perf_counter()
    prev = None
    for _ in range(n):
        prev = _Bare(1.0, "", "+", prev, None)
    t1 = time.perf_counter()
    while prev is not None:  # unlinked one by one: freeing a chain at once is a C recursion Pyodide cannot hold
        prev._a, prev = None, prev._a
    return t1 - t0


def gc_off(fn):
    gc.disable()
    try:
        return fn()
    finally:
        gc.enable()


def recursion_failure(e, build):
    """The smallest chain (in steps) whose backward hits RecursionError at the default limit of 1000."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        for n in range(50, 2000, 10):
            _, out = build(e, n)
            try:
                out.backward()
            except RecursionError:
                return n
        return None
    finally:
        sys.setrecursionlimit(limit)
