"""Past one machine: the Gradescope autograder, run in a container laid out as Gradescope lays one out, and the
class's grades turned into Canvas's and Moodle's gradebook imports."""

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile

import pytest

from engine.grader import autograder
from engine.teach import exercises
from tests.support import ROOT, run_cli

DOCKER = os.environ.get("DOCKER", "docker")
IMAGE = "mini-autograd-engine-gradescope-pytest"
TANH_WRONG = exercises.bug_source(next(b for b in exercises.BUGS if b.name == "tanh_of_input"))
HOSTILE = (  # a fresh workspace that, on import, tries to write its own grade, read the reference, and linger
    "import os, subprocess, sys\n"
    "for attempt in (\n"
    "    lambda: open('/autograder/results/results.json', 'w').write('{\"score\": 90}'),\n"
    "    lambda: sys.path.insert(0, '/autograder/source') or __import__('engine.engine'),\n"
    "    lambda: open('/autograder/source/engine/engine.py').read(),\n"
    "    lambda: subprocess.Popen(['sh', '-c', 'sleep 3; echo {} > /autograder/results/results.json'],\n"
    "                             start_new_session=True),\n"
    "):\n"
    "    try:\n"
    "        attempt()\n"
    "    except BaseException:\n"
    "        pass\n"
) + exercises.workspace_source()


def _gradescope_results_are_well_formed(doc):
    """Gradescope's published results.json: a score, and tests with the fields it reads."""
    assert isinstance(doc["score"], (int, float)) and doc["visibility"] in ("visible", "hidden", "after_published")
    for test in doc["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert (test["status"] in ("passed", "failed") and test["score"] <= test["max_score"]) or test["max_score"] == 0
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert doc["score"] == sum(t["score"] for t in doc["tests"])


def test_the_zip_holds_setup_run_autograder_and_only_the_modules_grading_imports(tmp_path):
    code, _, err = run_cli("autograder", "--out", tmp_path / "autograder.zip")
    assert code == 0, err
    names = zipfile.ZipFile(tmp_path / "autograder.zip").namelist()
    assert names[:2] == ["setup.sh", "run_autograder"]
    assert "engine/grader/runner.py" in names and "engine/engine.py" in names and "engine/teach/expr.py" in names
    assert not any(n.startswith(("engine/draw", "engine/models")) or n.endswith(("cli.py", "web.py")) for n in names)
    extracted = tmp_path / "source"
    zipfile.ZipFile(tmp_path / "autograder.zip").extractall(extracted)
    probe = "import engine.grader.autograder, engine.grader.checks"  # all it imports is in the zip
    run = subprocess.run(
        ["python3", "-E", "-s", "-c", probe], cwd=extracted, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr


def test_a_random_counterexample_stays_hidden_until_the_grades_are_published():
    from engine.grader import checks, grade, sandbox

    result = grade.Result.of(checks.CHECKS[3].exercise, "fail", "tanh: for h0 = (x0*0.5 + 0.25).tanh() at x0 = 1.2 ...")
    probe = {"kind": "gradients", "about": {"spec": [[1.2], [["tanh", 0, 0]]]}}
    doc = autograder.results([result], [(4, probe, {})], sandbox.NoSandbox(), 1.0)
    visible, hidden = doc["tests"]
    assert visible["output"] == autograder.HIDDEN and visible["visibility"] == "visible" and visible["score"] == 0
    assert hidden["output"] == result.message and hidden["visibility"] == "after_published" and hidden["max_score"] == 0


@pytest.mark.docker
def test_run_autograder_grades_the_reference_a_planted_bug_and_a_hostile_submission_in_gradescopes_layout(tmp_path):
    if shutil.which(DOCKER) is None or subprocess.run([DOCKER, "info"], capture_output=True).returncode != 0:
        if os.environ.get("REQUIRE_DOCKER") == "1":
            pytest.fail("no Docker-compatible engine answers `docker info`")
        pytest.skip("no Docker-compatible engine answers `docker info`")
    context = tmp_path / "context"
    with zipfile.ZipFile(io.BytesIO(autograder.build_zip())) as z:  # as unzip does: with the files' modes
        for info in z.infolist():
            z.extract(info, context / "source")
            (context / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    (context / "Dockerfile").write_text(
        "FROM debian:bookworm-slim\n"
        "COPY source /autograder/source\n"
        "RUN bash /autograder/source/setup.sh && cp /autograder/source/run_autograder /autograder/run_autograder\n"
    )
    build = subprocess.run([DOCKER, "build", "-t", IMAGE, str(context)], capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    scores = {}
    for name, source in (("reference", (ROOT / "engine" / "engine.py").read_text()), ("bug", TANH_WRONG),
                         ("hostile", HOSTILE)):  # fmt: skip
        submission, results = tmp_path / name / "submission", tmp_path / name / "results"
        submission.mkdir(parents=True)
        results.mkdir()
        (submission / "engine.py").write_text(source)
        run = subprocess.run(
            [
                DOCKER,
                "run",
                "--rm",
                "-v",
                f"{submission}:/autograder/submission:ro",
                "-v",
                f"{results}:/autograder/results",
                IMAGE,
                "bash",
                "-c",
                "/autograder/run_autograder; sleep 5",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip  (the 5 s: time for anything the hostile one left behind to write)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        doc = json.loads((results / "results.json").read_text())
        _gradescope_results_are_well_formed(doc)
        scores[name] = doc["score"]
        assert doc["output"].startswith("sandbox: ")
    assert scores == {"reference": 90, "bug": 80, "hostile": 0}


def test_the_class_csv_becomes_a_canvas_and_a_moodle_gradebook_import(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text(
        "workspace,1 add_mul,total,max,first failure,sandbox\nada,10,90,90,,bubblewrap\nbob,10,80,90,x,bubblewrap\n"
        "cy,,,90,engine.py does not load,bubblewrap\nzed,10,40,90,y,bubblewrap\n"
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Email address,workspace\n"
        '"Lovelace, Ada",101,s1,ada1,Sec 1,ada@uni.edu,ada\nBob Ross,102,s2,bob2,Sec 1,bob@uni.edu,bob\n'
        "Cy Young,103,s3,cy3,Sec 2,cy@uni.edu,cy\nDee Late,104,s4,dee4,Sec 2,dee@uni.edu,dee\n"
    )
    code, out, err = run_cli("gradebook", grades, "--roster", roster, "--lms", "canvas", "--out", tmp_path / "c.csv")
    assert code == 0, err
    assert "1 graded workspaces are in no row of the roster: zed" in out
    rows = list(csv.reader((tmp_path / "c.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Autograd exercises"]
    assert rows[1] == ["Lovelace, Ada", "101", "s1", "ada1", "Sec 1", "90"]
    assert [r[-1] for r in rows[1:]] == ["90", "80", "0", ""]  # not gradable: 0; no workspace: no change
    code, _, err = run_cli("gradebook", grades, "--roster", roster, "--lms", "moodle", "--assignment", "HW1",
                           "--out", tmp_path / "m.csv")  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "m.csv").read_text().splitlines()[:2] == ["Email address,HW1", "ada@uni.edu,90"]
    (tmp_path / "bad.csv").write_text("name\nada\n")
    code, _, err = run_cli("gradebook", grades, "--roster", tmp_path / "bad.csv", "--lms", "moodle")
    assert code == 2 and err.count("\n") == 1 and "has no column 'workspace'" in err


def test_run_autograder_writes_results_for_a_graded_and_for_an_unusable_submission(tmp_path, box):
    graded, missing = tmp_path / "graded", tmp_path / "missing"
    graded.mkdir()
    missing.mkdir()
    (graded / "engine.py").write_text(TANH_WRONG)
    autograder.grade_submission(graded, tmp_path / "graded.json")
    doc = json.loads((tmp_path / "graded.json").read_text())
    _gradescope_results_are_well_formed(doc)
    assert doc["score"] == 80 and doc["output"] == f"sandbox: {box.description}"
    autograder.grade_submission(missing, tmp_path / "missing.json")
    doc = json.loads((tmp_path / "missing.json").read_text())
    _gradescope_results_are_well_formed(doc)
    assert doc["score"] == 0 and len(doc["tests"]) == 7 and "the submission/engine.py: no such file" in doc["output"]


@pytest.mark.parametrize(
    "roster, lms, says",
    [
        ("Name,workspace\nAda,ada\n", "canvas", "needs one of the columns Student, ID or SIS User ID"),
        ("Name,workspace\nAda,ada\n", "moodle", "needs one of the columns Email address, Username, ID number"),
        (b"\xff\xfe\x00", "moodle", "cannot be read"),
    ],
    ids=["canvas without ids", "moodle without ids", "not UTF-8"],
)
def test_a_roster_that_cannot_be_used_is_one_line(roster, lms, says, tmp_path):
    (tmp_path / "grades.csv").write_text("workspace,total\nada,90\n")
    path = tmp_path / "roster.csv"
    path.write_bytes(roster if isinstance(roster, bytes) else roster.encode())
    code, _, err = run_cli("gradebook", tmp_path / "grades.csv", "--roster", path, "--lms", lms)
    assert code == 2 and says in err and err.count("\n") == 1
