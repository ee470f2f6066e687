"""Where a learner's code runs: a sandbox of its own for every check, made by bubblewrap (Debian's `bubblewrap`).

Each check gets a fresh one, holding a copy of the workspace's engine.py, the runner (engine/grader/runner.py)
and its job, read-only, and what Python itself needs: the interpreter and its standard library, with every
site-packages folder hidden, so no installed package (this one included) can be read. It may write only a
private /tmp of 64 MB. It has no network, its own process tree (everything in it dies with the check), none of
the teacher's environment variables, and the limits the runner sets before any learner code runs: 1 GiB of
memory, no new process or thread, 16 MB per file. Started as root, it runs as nobody.

Where bubblewrap cannot run, the grader refuses untrusted work; `--trusted` runs the runner as a plain child
process (NoSandbox), and every scorecard and CSV row says so."""

import contextlib
import functools
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from . import report, runner

INSTALL = "install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)"
TMP_BYTES = 64 << 20
MAX_SOURCE = 1 << 20  # bytes of engine.py: the reference is 12 KB
_PYTHON = os.path.realpath(getattr(sys, "_base_executable", sys.executable))  # the interpreter, not a venv
_RUNNER = Path(runner.__file__).read_text()


class Refused(Exception):
    """A workspace the grader will not run, or no sandbox to run it in: one line that says why."""


class Stopped(Exception):
    """The check's process did not hand back a report: one line that says why."""


# --- the workspace: its own engine.py, read once, never through a link -------------------------------------------


def read_workspace(folder):
    """The text of folder/engine.py. Refused, in one line, for a link (symbolic, or a hard link: a file with
    other names), anything but a regular file, or a file over 1 MB."""
    folder = Path(folder)
    path = folder / "engine.py"
    try:
        if folder.is_symlink():
            raise Refused(f"{folder} is a symbolic link: a workspace is graded from its own folder, not through a link")
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused(
            f"{path}: no such file (make a workspace with: python -m engine exercises --out {folder})"
        ) from None
    except OSError as e:
        raise Refused(f"{path}: {e.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise Refused(f"{path} is a symbolic link: the grader grades a workspace's own file, never a link to another")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path} is not a regular file")
    if info.st_nlink > 1:
        raise Refused(f"{path} is a hard link ({info.st_nlink} names for one file): hand in a file of its own")
    if info.st_size > MAX_SOURCE:
        raise Refused(f"{path} has {info.st_size:,} bytes; the limit is {MAX_SOURCE:,}")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read(MAX_SOURCE + 1).decode("utf-8", errors="replace")


# --- the sandboxes -------------------------------------------------------------------------------------------------


class Bubblewrap:
    name = "bubblewrap"
    description = "bubblewrap: no network, no other workspace, no file of the grader's, 1 GiB, no new process"

    def command(self, folder):
        """bwrap's arguments for the files in folder, and whether the runner must drop root."""
        root = os.getuid() == 0
        args = ["bwrap", "--die-with-parent", "--new-session", "--clearenv"]
        for name, value in (("PATH", "/usr/bin:/bin"), ("HOME", "/tmp"), ("LANG", "C.UTF-8")):
            args += ["--setenv", name, value]
        if root:  # no user namespace: the runner, with only these two capabilities, becomes nobody
            args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-all"]
        bound = []
        for top in ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
                bound.append(top)
        for prefix in sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}):
            if not _under(prefix, bound):
                parts = Path(prefix).parts
                for k in range(2, len(parts)):
                    args += ["--perms", "0755", "--dir", str(Path(*parts[:k]))]
                args += ["--ro-bind", prefix, prefix]
                bound.append(prefix)
        for hidden in _hidden(bound):
            args += ["--tmpfs", hidden]
        ctypes = _ctypes_path()
        if ctypes and _under(ctypes, bound):  # the way around the recursion limit (and much else): not here
            args += ["--ro-bind", "/dev/null", ctypes]
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--chdir", "/tmp"]
        for name, where in (("runner.py", "/grader"), ("job.json", "/grader"), ("engine.py", "/workspace")):
            args += ["--ro-bind", str(folder / name), f"{where}/{name}"]
        args += [_PYTHON, "-I", "-S", "/grader/runner.py", "/grader/job.json", "/workspace/engine.py"]
        return args, root


class NoSandbox:
    """The teacher's --trusted: the runner as a plain child process, with the runner's own limits only."""

    name = "none"
    description = "none (--trusted): the learners' code ran with the grader's rights"

    def command(self, folder):
        return [
            _PYTHON,
            "-I",
            "-S",
            str(folder / "runner.py"),
            str(folder / "job.json"),
            str(folder / "engine.py"),
        ], False


class Container:
    """Inside a container of one submission's own, as Gradescope runs each: the runner drops from root to nobody
    before any learner code runs, so the grader's files (root's alone) are out of its reach, and its limits hold."""

    name = "container"
    description = "the submission's own container: the learner's code as nobody, no new process, 1 GiB"

    def command(self, folder):
        return NoSandbox().command(folder)[0], True


def _under(path, tops):
    return any(path == t or path.startswith(t.rstrip("/") + "/") for t in tops)


def _hidden(bound):
    """Every folder of installed packages under what is bound, and this package wherever it is installed."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    found = {paths["purelib"], paths["platlib"], str(Path(__file__).resolve().parents[1])}
    for lib in ("/usr/lib", "/usr/local/lib", "/usr/lib64", "/usr/local/lib64"):
        found |= {f"{lib}/python3/dist-packages", f"{lib}/python{version}/dist-packages",
                  f"{lib}/python{version}/site-packages"}  # fmt: skip
    return sorted(p for p in {os.path.realpath(p) for p in found} if os.path.isdir(p) and _under(p, bound))


@functools.cache
def _ctypes_path():
    import importlib.util

    spec = importlib.util.find_spec("_ctypes")
    return os.path.realpath(spec.origin) if spec and spec.origin and os.path.isfile(spec.origin) else None


@functools.cache
def bubblewrap_problem():
    """None where bubblewrap makes a working sandbox here, else why not, in one line."""
    if shutil.which("bwrap") is None:
        return f"bubblewrap is not installed: {INSTALL}"
    try:
        run_job(Bubblewrap(), {"exercise": 0, "ops": [], "pieces": {}, "probes": []}, "Value = RULES = None", 20)
    except Stopped as e:
        return f"bubblewrap cannot make a sandbox here ({e})"
    return None


def choose(trusted=False):
    """The sandbox to grade in: NoSandbox with trusted, else Bubblewrap; Refused in one line where it can't run."""
    if trusted:
        return NoSandbox()
    problem = bubblewrap_problem()
    if problem:
        raise Refused(f"no sandbox for the learners' code: {problem}; or, if you trust every workspace, pass --trusted")
    return Bubblewrap()


# --- running one job ----------------------------------------------------------------------------------------------


def run_job(sandbox, job, source, limit):
    """The runner's report on job for the learner's source (checked by engine/grader/report.py), or Stopped with
    the reason: the time limit, a crash, or a report that breaks the schema."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # a sandbox started as root reads its files as nobody
        argv, drop = sandbox.command(folder)
        for name, text in (("runner.py", _RUNNER), ("job.json", json.dumps({**job, "drop_privileges": drop})),
                           ("engine.py", source)):  # fmt: skip
            (folder / name).write_text(text, encoding="utf-8")
            (folder / name).chmod(0o644)
        env = {"PATH": os.defpath, "LANG": "C.UTF-8"}  # none of the teacher's variables
        proc = subprocess.Popen(
            argv, cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        try:
            data, err = _read(proc, limit)
        finally:
            _kill(proc)
    if not data:
        code = proc.returncode
        how = f"exit code {code}" if code >= 0 else f"killed by signal {-code}"
        detail = err.decode(errors="replace").strip().splitlines()
        if isinstance(sandbox, Bubblewrap) and detail and detail[-1].startswith("bwrap:"):
            raise Stopped(report.one_line(detail[-1]))
        raise Stopped(f"the check's process ended before it was done ({how}): engine.py exited or crashed it")
    try:
        return report.parse_report(data)
    except report.Malformed:
        raise Stopped(report.MALFORMED) from None


def out_of_time(limit):
    """The line of a check stopped at the time limit, in the sandbox or in the page's worker."""
    return f"did not finish in {limit:g} s (a loop that never ends?)"


def _read(proc, limit):
    """(stdout, the first KB of stderr), read until both close, at most report.MAX_BYTES + 1; Stopped at the limit."""
    deadline = time.monotonic() + limit
    out, err = bytearray(), bytearray()
    streams = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    while streams:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Stopped(out_of_time(limit))
        ready, _, _ = select.select(list(streams), [], [], left)
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                del streams[fd]
                continue
            buf = streams[fd]
            cap = report.MAX_BYTES + 1 if buf is out else 1024
            buf += chunk[: max(0, cap - len(buf))]
            if buf is out and len(out) > report.MAX_BYTES:
                return bytes(out), bytes(err)  # too large: the schema says so
    try:
        proc.wait(max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:  # it closed its output and went on
        raise Stopped(out_of_time(limit)) from None
    return bytes(out), bytes(err)


def _kill(proc):
    """Nothing the check started outlives it: bubblewrap's process tree dies with bwrap (a PID namespace)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for stream in (proc.stdout, proc.stderr):
        stream.close()
