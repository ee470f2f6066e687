"""Peak memory per node on the wide sum: tracemalloc for the pure-Python engines, resident memory for PyTorch."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from engine import Value
from engine.teach.graphs import unlink

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
    if type(out) is Value:  # cut up before it is freed (see unlink); micrograd's is not measured in Pyodide
        unlink(out)
    del leaves, out
    nodes = 4 * n + 1  # 2n leaves, n products, n sums (and the starting 0)
    return peak / nodes, graph / nodes


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
