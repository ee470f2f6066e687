#!/usr/bin/env bash
# The test command for each mutant of engine/engine.py (nox -s mutation). Two runs: the first
# needs no torch, so most mutants die within a second; -x stops at the first failure.
# mutmut 2 counts only exit code 1 as "killed", so every failure (a mutant that breaks the import
# makes pytest exit 2 or 4) is reported as 1. A mutant that loops forever is stopped by timeout here:
# mutmut's own timeout stops only this script and would leave pytest running.
timeout 120 python -m pytest -x -q -p no:cacheprovider -m "not slow" tests/test_engine.py tests/test_backward.py \
  tests/test_micrograd_compat.py || exit 1
timeout 120 python -m pytest -x -q -p no:cacheprovider tests/test_ops_vs_torch.py tests/test_higher_order.py \
  tests/test_cli.py::test_python_engine_engine_py_runs_the_demo_from_anywhere || exit 1
