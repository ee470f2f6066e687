"""The container image: built, run without network, output on the host, never as root.
Skipped where no Docker-compatible engine answers, unless REQUIRE_DOCKER=1 (as in .ci/run)."""

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

DOCKER = os.environ.get("DOCKER", "docker")
IMAGE = "mini-autograd-engine:test"
REQUIRED = os.environ.get("REQUIRE_DOCKER") == "1"


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


@pytest.fixture(scope="module")
def image():
    wheels = os.environ.get("PIP_FIND_LINKS", "")
    build = subprocess.run(
        ["make", "docker-build", f"IMAGE={IMAGE}", f"WHEELS={wheels}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return IMAGE


def test_docker_run_writes_pictures_and_report_owned_by_the_host_user(image, tmp_path):
    out = tmp_path / "out"
    run = subprocess.run(
        ["make", "docker-run", f"IMAGE={image}", f"OUT={out}", f"WHEELS={os.environ.get('PIP_FIND_LINKS', '')}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    expected = [out / f"graph_{w}_backprop.{ext}" for w in ("before", "after") for ext in ("dot", "svg")]
    expected += [out / "report" / name for name in ("report.md", "report.json", "index.html")]
    for path in expected:
        assert path.stat().st_size > 0, path
        assert path.stat().st_uid == os.getuid(), f"{path} is not owned by the host user"
    assert (out / "report" / "report.md").read_text().rstrip().endswith("all pass")
    assert (out / "graph_after_backprop.svg").read_bytes() == (
        ROOT / "visualizations" / "graph_after_backprop.svg"
    ).read_bytes()


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
    assert uid != "0" and version == "2.13.0+cpu" and cuda == "False"
