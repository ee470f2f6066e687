"""Summarise mutmut's junit XML: python tools/mutation_report.py mutmut.xml [--min-score 90].
Prints the score (killed / all mutants) and every survivor's diff; exits 1 under the minimum."""

import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("xml")
    p.add_argument("--min-score", type=float, default=90.0)
    args = p.parse_args(argv)
    cases = ET.parse(args.xml).getroot().iter("testcase")
    survived, total = [], 0
    for case in cases:
        total += 1
        if case.find("failure") is not None or case.find("skipped") is not None:
            survived.append(case.get("name"))
    killed = total - len(survived)
    score = 100.0 * killed / total if total else 0.0
    print(f"mutation: {killed} of {total} mutants killed: {score:.1f}% (minimum {args.min_score:g}%)")
    for name in survived:
        mutant_id = re.sub(r"\D", "", name)  # "Mutant #12" -> "12"
        show = subprocess.run(["mutmut", "show", mutant_id], capture_output=True, text=True, check=False)
        print(f"--- survivor {name}\n{show.stdout.strip()}")
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
