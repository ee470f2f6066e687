"""The benchmark's outputs: the Markdown tables and the log-log plot. docs/performance.md includes the tables from
benchmarks/results/ as they are written: no prose is ever rewritten."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from engine.output import save_figure

from . import engines

ENGINES = ("ours", "micrograd", "microgpt", "torch")


def machine():
    """The machine and the Python of a run; in Pyodide, its release too (its Python is CPython in WebAssembly)."""
    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu,
        "cores": sum(line.startswith("processor") for line in info),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "pyodide": _pyodide_version(),
        "torch": engines.torch.__version__ if engines.torch else None,
        "micrograd": engines.version("micrograd"),
        "microgpt_code": "benchmarks/microgpt_model.py",
        "platform": platform.platform(),
    }


def _pyodide_version():
    if sys.platform != "emscripten":
        return None
    import pyodide  # only there

    return pyodide.__version__


def python_tag(m):
    """A run's Python as a file name: cpython-3.13, pyodide-314.0.7 (its CPython version is in the table)."""
    if m.get("pyodide"):
        return f"pyodide-{m['pyodide']}"
    return f"{m['implementation'].lower()}-{m['python'].rsplit('.', 1)[0]}"


def _ns(x):
    return f"{x:,.0f}"


def _ratio(r, digits=1):
    med, lo, hi = r
    return f"**{med:.{digits}f}x** ({lo:.{digits}f}-{hi:.{digits}f})"


def markdown(res):
    m, smp = res["machine"], res["sampling"]
    command = res["command"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; {m['implementation']} {m['python']}; micrograd {m['micrograd']}; "
        f"microgpt's Value design (re-implemented in `benchmarks/microgpt_value.py`); "
        + (f"PyTorch {m['torch']} (0-d float64 tensors, 1 thread)." if m["torch"] else "PyTorch: not installed here."),
        "",
        f"Profile: {res['profile']} (`{command}`, {res['seconds'] / 60:.1f} minutes). "
        f"Time per node of this engine's graph in ns, forward / backward: medians of {smp['samples']} samples, "
        f"each a run of consecutive steps of at least {smp['sample_nodes']:,} nodes in all (steady state, garbage "
        "collector on). A step's forward includes freeing the previous step's graph. A ratio is the other engine's "
        "forward + backward time over ours: "
        "the median of the samples' ratios, with their spread (min-max).",
        "",
        "| workload | nodes | ours | micrograd | microgpt | torch | vs micrograd | vs microgpt | vs torch "
        "| ours, torch imported | ours, gc off | floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in res["rows"]:
        t, vs = r["times_ns"], r["vs"]
        cell = {e: _cell(t[e]) if e in t else "" for e in ENGINES}
        ratio = {e: _ratio(vs[e]) if e in vs else "" for e in ENGINES}
        for e in r["cannot_run"]:
            cell[e] = ratio[e] = "cannot run it"
        imported = r["ours_torch_imported_ns"] or ["", ""]
        lines.append(
            f"| {r['workload']} | {r['nodes']:,} | {cell['ours']} | {cell['micrograd']} | {cell['microgpt']} "
            f"| {cell['torch']} | {ratio['micrograd']} | {ratio['microgpt']} | {ratio['torch']} "
            f"| {_cell(imported)} | {_ns(r['ours_gc_off_ns'])} | {_ns(r['floor_ns'])} |"
        )
    mem, rec = res["memory_bytes_per_node"], res["micrograd_recursion"]
    curves = {r["workload"]: r["check"] for r in res["rows"] if "step" in r["workload"]}
    worst = max((r["check"] for r in res["rows"] if "step" not in r["workload"]), default=None)
    lines += [
        "",
        f"Peak memory per node on a wide sum of {mem['n']:,} products (tracemalloc, leaves and gradients included): "
        f"ours **{mem['ours']:.0f} B** ({mem['ours_graph']:.0f} B once backward() is done: the rest is the "
        "search's set of marks and its stack, freed when it returns)"
        + (f", micrograd {mem['micrograd']:.0f} B." if mem["micrograd"] is not None else ".")
        + (
            f" PyTorch allocates in C++, out of tracemalloc's sight: {mem['torch_rss']:.0f} B of resident memory "
            "per node."
            if mem["torch_rss"] is not None
            else ""
        ),
        "",
        f"micrograd's recursive topological sort raises RecursionError from a chain of {rec['fails_at_chain_steps']} "
        f"steps at Python's default limit of {rec['recursion_limit']}; for the rows above its limit is raised "
        "(and microgpt's). This engine runs every size at the default limit. micrograd 0.1.0 has no `exp` or `log`, "
        "so it cannot run the GPT.",
        "",
        "Same results: the engines' loss curves differ by at most "
        + ", ".join(f"{v:.1e} ({k})" for k, v in curves.items())
        + (
            f"; the chains' and the wide sum's gradients by at most {worst:.1e} (relative)."
            if worst is not None
            else "."
        ),
        "",
        "ours, torch imported: this engine timed after `import torch`, whose objects every full collection walks.",
        "gc off: forward + backward with the collector disabled, for insight only (the library never touches it).",
        "floor: allocating as many bare objects with the engine's six `__slots__` in a loop: pure Python's limit.",
    ]
    if mem["torch_rss"] is None:  # PyTorch was not measured: no column of it to explain
        lines = [line for line in lines if not line.startswith("ours, torch imported:")]
    return "\n".join(lines) + "\n"


def _cell(fwd_bwd):
    return f"{_ns(fwd_bwd[0])} / {_ns(fwd_bwd[1])}" if fwd_bwd[0] != "" else ""


def plot(res, stem):
    """Time per node against the chain's length, log-log, for each engine and the floor: PNG and SVG."""
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
        ax.plot(xs, ys, marker=marker, color=color, label=name, linestyle="--" if name == "floor" else "-")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("graph size (nodes of this engine's graph)")
    ax.set_ylabel("forward + backward time per node (ns)")
    ax.set_title("Deep chain x = relu(1.0001 x + 0.001)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    paths = save_figure(fig, stem)
    plt.close(fig)
    return paths


def _python_name(m):
    name = f"{m['implementation']} {m['python']}"
    return f"Pyodide {m['pyodide']} ({name}, WebAssembly in Node)" if m.get("pyodide") else name


def pythons_table(folder):
    """The training steps on every Python measured (one JSON per Python in folder): ms per step and the ratios."""
    runs = sorted((json.loads(p.read_text()) for p in Path(folder).glob("*.json")), key=_python_order)
    lines = [
        "The training steps on each Python: ms per step of ours and of the peer, medians of paired samples, "
        "and the ratio peer / ours as the median with its spread (min-max). `GPT step, microgpt's code` runs "
        "microgpt's own model code (`benchmarks/microgpt_model.py`) unchanged on both engines; `GPT training step` "
        "runs `engine.gpt`'s. Memory: bytes per node on the wide sum (tracemalloc), at the peak of backward() "
        "(the search's set of marks included) and once it is done.",
        "",
        "| Python | MLP step: ours / micrograd ms | vs micrograd | GPT (engine.gpt): ours / microgpt ms "
        "| vs microgpt | GPT (microgpt's code): ours / microgpt ms | vs microgpt | B per node: peak / graph | samples "
        "| command |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for res in runs:
        rows = {r["workload"]: r for r in res["rows"]}
        cells = []
        for key, peer in (("MLP training step", "micrograd"), ("GPT training step", "microgpt"),
                          ("GPT step, microgpt's code", "microgpt")):  # fmt: skip
            r = rows.get(key)
            if r is None:
                cells += ["", ""]
                continue
            ms = {e: sum(r["times_ns"][e]) * r["nodes"] / 1e6 for e in ("ours", peer)}
            cells += [f"{ms['ours']:.1f} / {ms[peer]:.1f}", _ratio(r["vs"][peer], digits=2)]  # targets: 2 digits
        m, mem = res["machine"], res["memory_bytes_per_node"]
        command = (
            "make bench-pyodide"
            if m.get("pyodide")
            else f"make bench PY=python{m['python'].rsplit('.', 1)[0]}"
            if "--per-python" in res.get("command", "")
            else "make bench"
        )
        lines.append(
            f"| {_python_name(m)} | {' | '.join(cells)} | {mem['ours']:.0f} / {mem['ours_graph']:.0f} "
            f"| {res['sampling']['samples']} | `{command}` |"
        )
    return "\n".join(lines) + "\n"


def _python_order(res):
    m = res["machine"]
    return (bool(m.get("pyodide")), tuple(int(x) for x in m["python"].split(".")[:2]))
