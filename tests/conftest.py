import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.check import close

ROOT = Path(__file__).resolve().parent.parent
HAVE_DOT = shutil.which("dot") is not None

needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz 'dot' is not installed (apt-get install graphviz)")


# Equal within tolerance; nan meets nan and an infinity the same infinity: the check's own rule.
same = close


def run_cli(*args, cwd=None, env=None, python_prefix=()):
    """python -m engine ARGS in a subprocess: (returncode, stdout, stderr)."""
    cmd = [sys.executable, *python_prefix, "-m", "engine", *map(str, args)]
    proc = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr
