"""The benchmark's outputs: the Markdown table, the log-log plot and README.md's performance section."""

from __future__ import annotations

import platform
from pathlib import Path

from engine.files import save_figure, write_atomic

from . import engines

ENGINES = ("ours", "micrograd", "microgpt", "torch")


def machine():
    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), platform.processor())
    return {
        "cpu": cpu,
        "cores": sum(line.startswith("processor") for line in info),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "torch": engines.torch.__version__ if engines.torch else None,
        "micrograd": engines.version("micrograd"),
        "platform": platform.platform(),
    }


def _ns(x):
    return f"{x:,.0f}"


def _ratio(r):
    med, lo, hi = r
    return f"**{med:.1f}x** ({lo:.1f}-{hi:.1f})"


def markdown(res):
    m, smp = res["machine"], res["sampling"]
    command = "make bench FULL=1" if res["profile"] == "full" else "make bench"
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; {m['implementation']} {m['python']}; micrograd {m['micrograd']}; "
        f"microgpt's Value design (re-implemented in `benchmarks/microgpt_value.py`); "
        f"PyTorch {m['torch']} (0-d float64 tensors, 1 thread).",
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
        cell = {e: f"{_ns(t[e][0])} / {_ns(t[e][1])}" if e in t else "" for e in ENGINES}
        ratio = {e: _ratio(vs[e]) if e in vs else "" for e in ENGINES}
        for e in r["cannot_run"]:
            cell[e] = ratio[e] = "cannot run it"
        imported = r["ours_torch_imported_ns"]
        lines.append(
            f"| {r['workload']} | {r['nodes']:,} | {cell['ours']} | {cell['micrograd']} | {cell['microgpt']} "
            f"| {cell['torch']} | {ratio['micrograd']} | {ratio['microgpt']} | {ratio['torch']} "
            f"| {_ns(imported[0])} / {_ns(imported[1])} | {_ns(r['ours_gc_off_ns'])} | {_ns(r['floor_ns'])} |"
        )
    mem, rec = res["memory_bytes_per_node"], res["micrograd_recursion"]
    curves = {r["workload"]: r["check"] for r in res["rows"] if "step" in r["workload"]}
    worst = max(r["check"] for r in res["rows"] if "step" not in r["workload"])
    lines += [
        "",
        f"Peak memory per node on a wide sum of {mem['n']:,} products (tracemalloc, leaves and gradients included): "
        f"ours **{mem['ours']:.0f} B**, micrograd {mem['micrograd']:.0f} B. PyTorch allocates in C++, "
        f"out of tracemalloc's sight: {mem['torch_rss']:.0f} B of resident memory per node.",
        "",
        f"micrograd's recursive topological sort raises RecursionError from a chain of {rec['fails_at_chain_steps']} "
        f"steps at Python's default limit of {rec['recursion_limit']}; for the rows above its limit is raised "
        "(and microgpt's). This engine runs every size at the default limit. micrograd 0.1.0 has no `exp` or `log`, "
        "so it cannot run the GPT.",
        "",
        "Same results: the engines' loss curves differ by at most "
        + ", ".join(f"{v:.1e} ({k})" for k, v in curves.items())
        + f"; the chains' and the wide sum's gradients by at most {worst:.1e} (relative).",
        "",
        "ours, torch imported: this engine timed after `import torch`, whose objects every full collection walks.",
        "gc off: forward + backward with the collector disabled, for insight only (the library never touches it).",
        "floor: allocating as many bare objects with the engine's seven `__slots__` in a loop: pure Python's limit.",
    ]
    return "\n".join(lines) + "\n"


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


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(readme, text):
    """Put the table between the markers of README.md's performance section."""
    doc = readme.read_text()
    if README_START in doc and README_END in doc:
        head, rest = doc.split(README_START, 1)
        write_atomic(readme, f"{head}{README_START}\n{text}{README_END}{rest.split(README_END, 1)[1]}")
