"""The container image: built, run without network, output on the host, never as root.
Skipped where no Docker-compatible engine answers, unless REQUIRE_DOCKER=1 (as in .ci/run)."""

import os
import shutil
import subprocess

import pytest

from tests.support import ROOT

DOCKER = os.environ.get("DOCKER", "docker")
IMAGE = "mini-autograd-engine-pytest"
REQUIRED = os.environ.get("REQUIRE_DOCKER") == "1"
TORCH = next(line[7:] for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("torch=="))


def _engine_answers():
    if shutil.which(DOCKER) is None:
        return False
    return subprocess.run([DOCKER, "info"], capture_output=True, check=False, timeout=60).returncode == 0


pytestmark = [
    pytest.mark.docker,
    pytest.mark.skipif(
        not REQUIRED and not _engine_answers(),
        reason="no Docker-compatible engine answers `docker info` (set DOCKER=podman, or REQUIRE_DOCKER=1 to fail)",
    ),
]


def _make(target, **variables):
    """make TARGET IMAGE=... WHEELS=$PIP_FIND_LINKS VAR=...: the completed process."""
    variables = {"IMAGE": IMAGE, "WHEELS": os.environ.get("PIP_FIND_LINKS", ""), **variables}
    args = ["make", target, *(f"{k}={v}" for k, v in variables.items())]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=1800)


@pytest.fixture(scope="module")
def image():
    build = _make("docker-build")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return IMAGE


def _docker_run(image, out):
    return _make("docker-run", IMAGE=image, OUT=out)


def test_docker_run_twice_into_one_folder_writes_fresh_files_owned_by_the_host_user(image, tmp_path):
    out = tmp_path / "out"
    expected = [out / f"graph_{w}_backprop.{ext}" for w in ("before", "after") for ext in ("dot", "svg")]
    expected += [out / "report" / name for name in ("report.md", "report.json", "index.html")]
    stamps = []
    for _ in range(2):  # as root (as CI runs), the second run once failed to write out/report
        run = _docker_run(image, out)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        for path in expected:
            assert path.stat().st_size > 0, path
            assert path.stat().st_uid == os.getuid(), f"{path} is not owned by the host user"
        assert (out / "report" / "report.md").read_text().rstrip().endswith("all pass")
        stamps.append((out / "report" / "report.md").stat().st_mtime_ns)
    assert stamps[1] > stamps[0]  # written again, not left over
    assert (out / "graph_after_backprop.svg").read_bytes() == (
        ROOT / "visualizations" / "graph_after_backprop.svg"
    ).read_bytes()


def test_a_failure_inside_the_container_fails_the_make_target(image, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report").write_text("a file where the report's folder goes")
    run = _docker_run(image, out)
    assert run.returncode != 0 and "cannot write to out/report: a file is in the way" in run.stderr
    assert "pictures and report in" not in run.stdout
    assert all(p.stat().st_uid == os.getuid() for p in out.rglob("*"))


def test_the_test_image_runs_a_nox_session_offline():
    build = _make("docker-build-test")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    nox = ["nox", "--no-venv", "-s", "tests", "--", "--no-cov", "-q", "-p", "no:cacheprovider"]
    run = subprocess.run(
        [DOCKER, "run", "--rm", "--network", "none", f"{IMAGE}:test", *nox, "tests/test_engine.py"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and "Session tests was successful" in run.stderr + run.stdout


def test_image_runs_as_non_root_with_cpu_torch_and_no_network(image):
    probe = subprocess.run(
        [
            DOCKER,
            "run",
            "--rm",
            "--network",
            "none",
            image,
            "python",
            "-c",
            "import os, torch; print(os.getuid(), torch.__version__, torch.cuda.is_available())",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr
    uid, version, cuda = probe.stdout.split()
    assert uid != "0" and version == TORCH + "+cpu" and cuda == "False"
