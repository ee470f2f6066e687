"""The grader's child process: python -m engine.teach.sandbox JOB RESULTS

JOB is a JSON file the grader wrote: the learner's engine.py and the probes to run on it (engine.teach.probes).
This process loads the learner's file, runs each probe, and writes RESULTS: one entry per probe, the data it
returned or the exception it raised, as data. It decides nothing. It stops at the first probe that raises,
since the grader's verdict stops there too. Where the OS allows, its address space is limited, so that a
runaway allocation is a MemoryError here rather than a machine that swaps; the grader kills it on its time limit.
Whatever the learner's code does here (print, exit, patch modules, crash), the verdict is the grader's."""

import contextlib
import importlib.util
import json
import os
import sys
import traceback
from pathlib import Path

MEMORY_LIMIT = 1 << 30  # bytes of address space: far more than grading needs, far less than a runaway allocation


def _limit_memory():
    try:
        import resource  # POSIX only
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError):  # a hard limit already lower, or a platform that refuses
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _line_in(error, path):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    return frames[-1].lineno if frames else None


def _raised(error, path):
    try:
        message = str(error)
    except Exception:  # an exception whose __str__ raises
        message = "?"
    message = " ".join(message.split())
    return {"raised": type(error).__name__, "message": message[:300], "line": _line_in(error, path)}


def import_learner(path):
    """The learner's module, or {"load_error": ...}: one line naming the file and the line."""
    source = path.read_text(errors="replace")
    try:
        compile(source, str(path), "exec")
    except SyntaxError as e:
        return {"load_error": f"{path}, line {e.lineno}: {e.msg}"}
    except ValueError as e:  # a NUL byte
        return {"load_error": f"{path}: {e}"}
    spec = importlib.util.spec_from_file_location("learner_engine", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: importing must simply define things
        return {"load_error": f"{path}, line {_line_in(e, path) or '?'}: {type(e).__name__}: {e}"}
    for name in ("Value", "RULES", "topological_order", "grad"):
        if not hasattr(module, name):
            return {"load_error": f"{path} has no {name}: the grader needs every name of the workspace it was given"}
    for name in ("backward", "_backward"):
        if not hasattr(module.Value, name):
            return {"load_error": f"{path}: Value has no {name}()"}
    if not isinstance(module.RULES, dict):
        return {"load_error": f"{path}: RULES is a {type(module.RULES).__name__}; it must be a dict of rules by op"}
    from .. import engine as ref

    missing = sorted(set(ref.RULES) - set(module.RULES))
    if missing:
        return {"load_error": f"{path}: RULES has no row for {', '.join(missing)}"}
    return module


def run_probes(job):
    from .probes import PROBES

    path = Path(job["engine"])
    module = import_learner(path)
    if isinstance(module, dict):
        return module
    results = []
    for probe in job["probes"]:
        args = {k: v for k, v in probe.items() if k != "kind"}
        try:
            results.append({"ok": PROBES[probe["kind"]](module, **args)})
        except BaseException as e:  # exceptions are data here, exits included
            results.append(_raised(e, path))
            break
    return {"results": results}


def child_main(argv):
    job_path, out_path = Path(argv[0]), Path(argv[1])
    _limit_memory()
    job = json.loads(job_path.read_text())
    try:
        report = run_probes(job)
    except MemoryError:
        report = {"load_error": f"{job['engine']}: MemoryError while it was graded"}
    text = json.dumps(report)
    tmp = out_path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, out_path)  # whole or absent: the grader never reads half a file
    return 0


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
