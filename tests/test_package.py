"""The project installs as a package: `pip install .` into a fresh virtual environment gives
`import engine` and the `mini-autograd-engine` command, usable from any folder. The engine alone needs
nothing; each command that needs an extra says so in one line."""

import subprocess
import sysconfig
import venv

import pytest

from tests.support import ROOT, needs_dot

pytestmark = pytest.mark.install


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with this project installed by `pip install .` (its dependencies come from the
    test's own environment through a .pth file, so nothing else is downloaded)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with open(f"{site}/zz_test_deps.pth", "w") as pth:  # after the venv's own packages, so engine is the installed one
        pth.write(sysconfig.get_paths()["purelib"] + "\n")
    pip = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    return env_dir


def test_the_distribution_holds_only_the_engine_package(installed):
    files = subprocess.run(
        [installed / "bin" / "python", "-m", "pip", "show", "-f", "mini-autograd-engine"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    listed = [line.strip() for line in files.split("Files:", 1)[1].splitlines() if line.strip()]
    packages = {p.split("/")[0] for p in listed if not p.startswith("..") and "dist-info" not in p}
    assert packages == {"engine"}
    assert any(p.endswith("bin/mini-autograd-engine") for p in listed)


def test_a_script_outside_the_repository_imports_the_installed_engine(installed, tmp_path):
    script = tmp_path / "mine.py"
    script.write_text(
        "import engine\nfrom engine import Value\n"
        "x = Value(3.0)\ny = x * x + 1\ny.backward()\nprint(engine.__file__, y.data, x.grad)\n"
    )
    run = subprocess.run(
        [installed / "bin" / "python", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    where, data, grad = run.stdout.split()
    assert where.startswith(str(installed)) and (data, grad) == ("10.0", "6.0")


@needs_dot
def test_the_console_script_runs_the_demo_from_another_folder(installed, tmp_path):
    run = subprocess.run(
        [installed / "bin" / "mini-autograd-engine", "demo", "--out", "pictures"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "pictures" / "graph_after_backprop.svg").read_bytes() == (
        ROOT / "visualizations" / "graph_after_backprop.svg"
    ).read_bytes()


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """A fresh venv with nothing but `pip install .`: the core and no dependency at all."""
    env_dir = tmp_path_factory.mktemp("bare")
    venv.create(env_dir, with_pip=True)
    (env_dir / "before.txt").write_text(_packages(env_dir))
    python = env_dir / "bin" / "python"
    pip = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True, check=False, timeout=600
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    return env_dir


def _packages(env_dir):
    freeze = [env_dir / "bin" / "python", "-m", "pip", "list", "--format=freeze"]
    return subprocess.run(freeze, capture_output=True, text=True, check=True).stdout


def test_pip_install_dot_brings_the_engine_and_no_dependency(bare, tmp_path):
    before, after = set((bare / "before.txt").read_text().split()), set(_packages(bare).split())
    assert {line.split("==")[0] for line in after - before} == {"mini-autograd-engine"} and before <= after
    run = subprocess.run(
        [
            bare / "bin" / "python",
            "-c",
            "from engine import Value, grad; x = Value(3.0); (x * x).backward(); print(x.grad)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stdout) == (0, "6.0\n"), run.stderr


@pytest.mark.parametrize(
    "command, extra, package",
    [(["demo"], "pictures", "graphviz"), (["train"], "plots", "numpy"), (["gpt", "--steps", "1"], "gpt", "names")],
)
def test_a_command_without_its_extra_names_the_install_that_fixes_it(bare, tmp_path, command, extra, package):
    run = subprocess.run(
        [bare / "bin" / "mini-autograd-engine", *command, "--out", "o"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 6  # after what it could do without it: the demo prints its gradients first
    assert run.stderr.splitlines() == [
        f"error: {command[0]} needs the package '{package}' of the [{extra}] extra: "
        f"pip install 'mini-autograd-engine[{extra}]' (in a clone: pip install '.[{extra}]')"
    ]


def test_the_teaching_commands_need_no_extra(bare, tmp_path):
    engine = [bare / "bin" / "mini-autograd-engine"]
    made = subprocess.run([*engine, "exercises", "--out", "hw"], cwd=tmp_path, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    graded = subprocess.run([*engine, "grade", "hw"], cwd=tmp_path, capture_output=True, text=True)
    assert graded.returncode == 1 and "score: 0/90 points" in graded.stdout, graded.stderr


def test_the_command_lines_extras_are_pyproject_tomls():
    import re
    import tomllib

    from engine.cli import EXTRAS

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    packages = {
        re.split(r"[<>=\[]", requirement)[0]: extra
        for extra, requirements in extras.items()
        for requirement in requirements
        if extra != "all" and not requirement.startswith("mini-autograd-engine")
    }
    assert packages == EXTRAS
