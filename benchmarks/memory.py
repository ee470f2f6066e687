"""Peak memory per node on the wide sum: tracemalloc for the pure-Python engines, resident memory for PyTorch."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from engine import Value
from engine.engine import topological_order

from . import engines
from .workloads import draws, wide


def peak_bytes_per_node(e, n):
    return bytes_per_node(e, n)[0]


def bytes_per_node(e, n):
    """(peak, graph) bytes per node of the wide sum: the peak while it is built and differentiated (the
    search's own bookkeeping included), and what the graph holds once backward() is done."""
    gc.collect()
    tracemalloc.start()
    leaves, out = wide(e, n, draws(n))  # its floats are made here, as a program would
    out.backward()
    graph, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _unlink(out)
    del leaves, out
    nodes = 4 * n + 1  # 2n leaves, n products, n sums (and the starting 0)
    return peak / nodes, graph / nodes


def _unlink(out):
    """Cut this engine's graph below out into single nodes before it is freed. Freeing a chain of nodes is a
    recursion in C, one level per node, and Pyodide's CPython 3.14 does not stop it before WebAssembly's
    stack runs out (a chain of 5,000 Values crashes it under Node): cut first, each node is freed alone."""
    if type(out) is Value:
        for v in topological_order(out):
            v._a = v._b = None


def _rss_bytes():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


def torch_rss_per_node(n):
    """Resident memory growth while the wide graph is alive, after giving freed memory back."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: the figure may then be low
        pass
    before = _rss_bytes()
    leaves, out = wide(engines.TORCH, n)
    out.backward()
    after = _rss_bytes()
    del leaves, out
    return (after - before) / (4 * n + 1)
