"""Differential fuzzing against PyTorch: python -m tools.fuzz [--examples N] [--seed S] (make fuzz).

Hypothesis draws N random expression DAGs (tests/support/dags.py) from a fixed seed, runs each in
this engine and in PyTorch float64, and compares the output and every input's gradient.
Prints how many DAGs were checked and the worst relative error; exits 1 on any mismatch,
printing the smallest failing DAG that Hypothesis finds (make it a regression test)."""

import argparse
import math
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from tests.support import dags

EXAMPLES = 20_000  # what `make fuzz` and `nox -s fuzz` check; every test run checks 300


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int, default=EXAMPLES, help=f"DAGs to check (default: {EXAMPLES})")
    p.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default: 0)")
    args = p.parse_args(argv)
    stats = {"dags": 0, "numbers": 0, "worst": 0.0, "worst_case": None, "used": 0.0, "overflow": 0}

    @hypothesis_seed(args.seed)
    @settings(
        max_examples=args.examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(dags.dags())
    def check(dag):
        xs, prog = dag
        rows = dags.compare(xs, prog)
        stats["dags"] += 1
        stats["numbers"] += len(rows)
        for what, ours, ref, terms in rows:
            if math.isinf(terms):
                stats["overflow"] += 1
            elif math.isfinite(ours) and math.isfinite(ref):
                tolerance = dags.ATOL + dags.RTOL * abs(ref) + dags.SUM_TOL * terms
                stats["used"] = max(stats["used"], abs(ours - ref) / tolerance)
                if terms <= 1e3 * abs(ref) and (err := dags.rel_error(ours, ref)) > stats["worst"]:
                    stats["worst"], stats["worst_case"] = err, (what, ours, ref)
        bad = [r for r in rows if not dags.same(*r[1:])]
        if bad:
            raise AssertionError(f"mismatch on inputs {xs!r}, program {prog!r}: {bad!r}")

    start = time.perf_counter()
    try:
        check()
        status = 0
    except AssertionError as e:
        print(f"FAIL: {e}")
        status = 1
    seconds = time.perf_counter() - start
    verdict = "no mismatch" if status == 0 else "MISMATCH"
    print(
        f"fuzz: {stats['dags']} DAGs checked ({stats['numbers']} numbers) in {seconds:.0f} s, "
        f"seed {args.seed}: {verdict}"
    )
    print(
        f"worst relative error where the gradient is well conditioned (S <= 1000 |torch|): "
        f"{stats['worst']:.2e} {stats['worst_case'] or ''}"
    )
    print(
        f"largest share of its tolerance that any number used: {stats['used']:.2f}; "
        f"numbers whose terms overflow (only nan is compared): {stats['overflow']}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
