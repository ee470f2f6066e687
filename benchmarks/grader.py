"""The time to grade a class: python -m benchmarks.grader [--workspaces 100] [--samples 3]

Writes a class of workspaces (the reference, each planted bug, and partial solutions, in turn) and times
`python -m engine grade ... --csv` on all of them, in bubblewrap (the default) and with --trusted (no sandbox),
taking turns sample by sample in this one process. Prints the medians with their range and the ratio, and writes
benchmarks/results/grader.json and grader.md."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.teach import exercises

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def write_class(folder, count):
    sources = [exercises.solution_source(range(1, 8))]
    sources += [exercises.bug_source(bug) for bug in exercises.BUGS]
    sources += [exercises.solution_source(range(1, k)) for k in range(1, 8)]
    for k in range(count):
        (folder / f"w{k:03d}").mkdir(parents=True)
        (folder / f"w{k:03d}" / "engine.py").write_text(sources[k % len(sources)])
    return sorted(folder.iterdir())


def time_class(workspaces, out, trusted):
    args = [sys.executable, "-m", "engine", "grade", *map(str, workspaces), "--csv", str(out)]
    start = time.perf_counter()
    run = subprocess.run(args + (["--trusted"] if trusted else []), cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"grade failed: {run.stderr.strip().splitlines()[-1:]}")
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args(argv)
    times = {"bubblewrap": [], "none (--trusted)": []}
    with tempfile.TemporaryDirectory() as tmp:
        workspaces = write_class(Path(tmp) / "class", args.workspaces)
        for _ in range(args.samples):  # taking turns, so that the machine's drift falls on both alike
            for mode in times:
                times[mode].append(time_class(workspaces, Path(tmp) / "grades.csv", mode != "bubblewrap"))
    medians = {mode: statistics.median(ts) for mode, ts in times.items()}
    ratios = [s / t for s, t in zip(times["bubblewrap"], times["none (--trusted)"], strict=True)]
    doc = {
        "workspaces": args.workspaces,
        "samples": args.samples,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "seconds": times,
        "median_seconds": medians,
        "ratio_median": statistics.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
    }
    lines = [
        f"| a class of {args.workspaces} workspaces | seconds: median ({args.samples} samples, range) | each |",
        "|---|---:|---:|",
    ]
    for mode, ts in times.items():
        lines.append(
            f"| {mode} | {medians[mode]:.1f} ({min(ts):.1f}-{max(ts):.1f}) | {medians[mode] / args.workspaces:.2f} s |"
        )
    lines.append("")
    lines.append(
        f"Sandboxed / unsandboxed, per sample: {doc['ratio_median']:.2f} ({min(ratios):.2f}-{max(ratios):.2f}), "
        f"on {os.cpu_count()} cores, CPython {doc['python']}: `make bench-grader`."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "grader.json").write_text(json.dumps(doc, indent=2) + "\n")
    (RESULTS / "grader.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
