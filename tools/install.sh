#!/usr/bin/env bash
# tools/install.sh PYTHON LOCKFILE: install into PYTHON's environment the CPU build of torch (the version of
# the torch== line of the requirements.txt beside LOCKFILE, its one place) without its dependencies, then every package of LOCKFILE with its hash checked (no resolution).
# torch comes from $PIP_FIND_LINKS when a CPU wheel lies there, else from PyTorch's CPU index; its
# `+cpu` pin fails at once rather than ever fetching PyPI's multi-GB CUDA build.
set -euo pipefail
python=$1 lock=$2
torch=$(sed -n 's/^torch==\([^ ]*\).*/\1/p' "$(dirname "$lock")/requirements.txt")
[ -n "$torch" ] || { echo "install.sh: no torch== line in $(dirname "$lock")/requirements.txt" >&2; exit 2; }
if [ -n "${PIP_FIND_LINKS:-}" ] && compgen -G "${PIP_FIND_LINKS%% *}/torch-$torch+cpu-*.whl" >/dev/null; then
  src=(--find-links "${PIP_FIND_LINKS%% *}")
else
  src=(--index-url https://download.pytorch.org/whl/cpu)
fi
pip=("$python" -m pip install --quiet --disable-pip-version-check --no-deps)
if grep -q 'after the CPU build of torch' "$lock"; then  # the lock's header says whether it needs torch
  "${pip[@]}" "${src[@]}" "torch==$torch+cpu"
fi
"${pip[@]}" --require-hashes -r "$lock"
