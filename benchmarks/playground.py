"""python -m benchmarks.playground: the playground's figures, measured in headless Chromium on 127.0.0.1.

- load time of each view, cold (a new browser, nothing cached) and warm (the same page loaded again), and the
  time to its first content (the starting content made at build time, drawn before Python is ready);
- bytes downloaded per view before it works (service workers off: the offline cache fills only afterwards);
- MLP steps per second and GPT ms per step in the page, against native CPython on the same commit and settings;
- the longest main-thread task while each view trains (a PerformanceObserver for "longtask").

Medians of several samples, with their range. Writes benchmarks/results/playground.md and .json."""

import argparse
import json
import platform
import statistics
import sys
import time

from engine.models import gpt
from engine.playground import training
from tests.support import ROOT
from tests.support.browser import (
    LONG_TASKS,
    READY,
    TASKS_AFTER_READY,
    only_local,
    open_page,
    open_view,
    serve_playground,
)

RESULTS = ROOT / "benchmarks" / "results"
VIEWS = ("expression", "mlp", "gpt", "exercises")
LONGEST = f"Math.max(0, ...{TASKS_AFTER_READY})"
GPT_BLOCK = 10  # GPT steps per sample
GPT_STEPS = f"""async () => {{ const g = window.playground.gpt;
for (let i = 0; i < {GPT_BLOCK}; i++) await g.stepOnce(); return g.state().ms.slice(-{GPT_BLOCK}); }}"""


def loads(site, samples):
    """{view: {"first": [ms], "cold": [ms], "warm": [ms], "bytes": n}}; "first" is null for a view that shows
    nothing before Python."""
    out = {}
    for view in VIEWS:
        first, cold, warm, size = [], [], [], 0
        for _ in range(samples):
            with open_page() as page:
                only_local(page, site)
                sizes = {}  # by address: the sandbox worker asks for Pyodide's files again, which a cache answers
                page.on(
                    "requestfinished", lambda r, sizes=sizes: sizes.setdefault(r.url, r.sizes()["responseBodySize"])
                )
                page.goto(f"{site}#view={view}")  # cold: a new browser, nothing cached
                page.wait_for_function(READY, timeout=180_000)
                cold.append(page.evaluate("window.loadMilliseconds"))
                first.append(page.evaluate("window.playground.previewAt"))
                size = sum(sizes.values())
                warm.append(open_view(page, site, f"#view={view}", timeout=180_000))  # the same page again
        out[view] = {"first": None if None in first else first, "cold": cold, "warm": warm, "bytes": size}
    return out


def training_speed(site, seconds, samples):
    """The MLP's steps per second and the GPT's ms per step, in the page and natively in this process, taking turns
    block by block (so both see the same state of this machine), with the longest main-thread task in the page."""
    mlp_native = training.MlpRun(training.mlp_settings({}))
    gpt_native = training.GptRun(training.gpt_settings({}), gpt.load_names())
    out = {"mlp": {"page_steps_per_s": [], "native_steps_per_s": []}, "gpt": {"page_ms": [], "native_ms": []}}
    with open_page() as page:
        only_local(page, site)
        page.add_init_script(LONG_TASKS)
        open_view(page, site, "#view=mlp", timeout=180_000)
        for block in range(samples + 1):  # the first block warms both up and is not kept
            page.evaluate("window.playground.mlp.play()")
            s0, t0 = page.evaluate("[window.playground.step, performance.now()]")
            page.wait_for_timeout(seconds * 1000)
            s1, t1 = page.evaluate("[window.playground.step, performance.now()]")
            page.evaluate("window.playground.mlp.pause()")
            rate = _rate(mlp_native, seconds)
            if block:
                out["mlp"]["page_steps_per_s"].append((s1 - s0) / ((t1 - t0) / 1000))
                out["mlp"]["native_steps_per_s"].append(rate)
        out["mlp"]["longest_task_ms"] = page.evaluate(LONGEST)
        open_view(page, site, "#view=gpt", timeout=180_000)
        for block in range(samples + 1):  # the same words in both: the runs start alike and step together
            ms = page.evaluate(GPT_STEPS)
            native_ms = [1000 * _timed(gpt_native) for _ in range(GPT_BLOCK)]
            if block:
                out["gpt"]["page_ms"].append(sum(ms) / GPT_BLOCK)
                out["gpt"]["native_ms"].append(sum(native_ms) / GPT_BLOCK)
        out["gpt"]["longest_task_ms"] = page.evaluate(LONGEST)
    return out


def _rate(run, seconds):
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        run.step()
        n += 1
    return n / (time.perf_counter() - t0)


def _timed(run):
    t0 = time.perf_counter()
    run.step()
    return time.perf_counter() - t0


def _spread(values, digits=0):
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def table(result):
    lines = [
        "| view | first content, cold (ms) | works, cold (ms) | works, warm (ms) | downloaded before it works |",
        "|---|---:|---:|---:|---:|",
    ]
    for view, r in result["loads"].items():
        first = _spread(r["first"]) if r.get("first") else "when it works"
        lines.append(f"| {view} | {first} | {_spread(r['cold'])} | {_spread(r['warm'])} | {r['bytes'] / 1e6:.2f} MB |")
    m, g = result["training"]["mlp"], result["training"]["gpt"]
    mlp_ratio = [a / b for a, b in zip(m["page_steps_per_s"], m["native_steps_per_s"], strict=True)]
    gpt_ratio = [a / b for a, b in zip(g["page_ms"], g["native_ms"], strict=True)]
    lines += [
        "",
        f"| training | in the page | native CPython {result['python']} | page / native | longest main-thread task |",
        "|---|---:|---:|---:|---:|",
        f"| MLP steps per second (defaults: moons, 8,8 relu, batch 20) | {_spread(m['page_steps_per_s'], 1)} | "
        f"{_spread(m['native_steps_per_s'], 1)} | {_spread(mlp_ratio, 2)} | {m['longest_task_ms']:.0f} ms |",
        f"| GPT ms per step (first names, {GPT_BLOCK} steps a sample) | {_spread(g['page_ms'], 1)} | "
        f"{_spread(g['native_ms'], 1)} | {_spread(gpt_ratio, 2)} | {g['longest_task_ms']:.0f} ms |",
        "",
        "Times are from navigation. First content is the view's starting content, made at build time (the demo's",
        "graphs and gradients, the default dataset and network), drawn before Python is ready. Works is the view",
        "working: on 127.0.0.1 that is Pyodide's start (compiling its WebAssembly, unpacking the standard library),",
        "which a warm cache barely shortens. Bytes are the response bodies, uncompressed, of a cold load with service",
        "workers off. A task is long past 50 ms; 0 means none.",
        "Page and native take turns, sample by sample, on the same run (the same words for the GPT); ratios are",
        "per sample. The MLP's rate in the page includes drawing its frames; the GPT's time is Python's own.",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one MLP sample in the page")
    args = parser.parse_args(argv)
    if not (ROOT / "playground" / "vendor" / "names.txt").exists():
        print("error: build the playground first: make playground (or python playground/build.py)", file=sys.stderr)
        return 1
    with serve_playground(ROOT / "playground") as site:
        result = {"loads": loads(site, args.samples), "training": training_speed(site, args.seconds, args.samples)}
    result["python"] = platform.python_version()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "playground.json").write_text(json.dumps(result, indent=1) + "\n")
    text = table(result)
    (RESULTS / "playground.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
