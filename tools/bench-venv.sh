#!/usr/bin/env bash
# tools/bench-venv.sh PYTHON VENV LOCKFILE: a venv of PYTHON for the benchmark on another Python: this project
# (no dependencies: the core needs none) and the packages the training steps use: micrograd,
# names and numpy (the MLP's two moons), at the versions and hashes of LOCKFILE. No torch: its CPU wheel here is for CPython 3.11 only, and
# the training steps on other Pythons compare with micrograd and microgpt's design, not with PyTorch.
set -euo pipefail
python=$1 venv=$2 lock=$3
if ! "$python" -c '' 2>/dev/null && command -v pyenv >/dev/null; then  # a pyenv shim of a version not selected
  found=$(find "$(pyenv root)/versions" -path "*/bin/$python" 2>/dev/null | sort -V | tail -1)
  [ -z "$found" ] || python=$found
fi
"$python" -c '' 2>/dev/null || { echo "bench-venv.sh: cannot run the interpreter '$python'" >&2; exit 2; }
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pins=$(mktemp)
trap 'rm -f "$pins"' EXIT
# a package's block of the lock: its name==version line and its --hash lines (they end in a backslash)
awk '/^(micrograd|names|numpy)==/ {keep = 1} keep {print} keep && !/\\$/ {keep = 0}' "$lock" >"$pins"
[ "$(grep -c '==' "$pins")" -eq 3 ] || { echo "bench-venv.sh: micrograd, names or numpy missing from $lock" >&2; exit 2; }
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps)
"${pip[@]}" --require-hashes -r "$pins"
"${pip[@]}" -e .
