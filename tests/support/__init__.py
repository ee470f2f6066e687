"""What the tests share: the repository's root, the Graphviz skip, the command line in a subprocess.
The random DAGs (dags.py) and the browser (browser.py) are helpers of their own."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
HAVE_DOT = shutil.which("dot") is not None

needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz 'dot' is not installed (apt-get install graphviz)")


def run_cli(*args, cwd=None, env=None, python_prefix=()):
    """python -m engine ARGS in a subprocess: (returncode, stdout, stderr)."""
    cmd = [sys.executable, *python_prefix, "-m", "engine", *map(str, args)]
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr
