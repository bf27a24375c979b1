"""The ``actlab`` command line: help everywhere, clear usage errors, exit codes, each subcommand."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from actlab.cli import main
from actlab.grading import selftest
from actlab.grading.notebook import write_notebook
from actlab.grading.release import release_notebook
from actlab.grading.results import ResultStore, feedback_name
from actlab.grading.sandbox import sandbox_status

SUBCOMMANDS = ["release", "grade", "validate", "info"]


@pytest.mark.parametrize("argv", [[], *([c] for c in SUBCOMMANDS)])
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage: actlab" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "required"),
        (["grade", "x.ipynb"], "--exercise"),
        (["grade", "x.ipynb", "--exercise", "e", "--out", "g.csv", "--jobs", "0"], "at least 1"),
        (["grade", "x.ipynb", "--exercise", "e", "--out", "g.csv", "--timeout", "-1"], "positive"),
        (["grade", "x.ipynb", "--exercise", "e", "--out", "g.csv", "--timeout", "abc"], "number"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_files_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "--source", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    code = main(
        ["grade", "x.ipynb", "--exercise", "01_x", "--source", str(tmp_path), "--out", "g.csv"]
    )
    assert code == 2
    assert "no source notebook" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.ipynb")]) == 2
    assert "no notebook" in capsys.readouterr().err


def test_release_writes_the_student_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(selftest.source_notebook(), tmp_path / "src" / "00_selftest.ipynb")
    code = main(["release", "--source", str(tmp_path / "src"), "--release", str(tmp_path / "rel")])
    assert code == 0
    assert "wrote" in capsys.readouterr().out
    released = json.loads((tmp_path / "rel" / "00_selftest.ipynb").read_text())
    assert released == release_notebook(selftest.source_notebook())
    code = main(["release", "--source", str(tmp_path / "src"), "--exercise", "01_none"])
    assert code == 2


def test_info_reports_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--source", "exercises/source"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("actlab ")
    assert "sandbox:" in out and "registered checks:" in out


def test_info_self_test(capsys: pytest.CaptureFixture[str]) -> None:
    if not sandbox_status().available and not os.environ.get("CI"):
        pytest.skip(sandbox_status().reason)
    assert main(["info", "--self-test"]) == 0
    out = capsys.readouterr().out
    assert "self-test solution: 3/3" in out and "self-test release: 0/3" in out


def test_grade_without_a_sandbox_refuses_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from actlab.grading import grader, sandbox

    src = tmp_path / "src"
    write_notebook(selftest.source_notebook(), src / "00_selftest.ipynb")
    write_notebook(selftest.solution_notebook(), tmp_path / "sub.ipynb")
    missing = sandbox.SandboxStatus(
        False, "bwrap (bubblewrap) is not installed", None, "none", "none", "none"
    )
    monkeypatch.setattr(grader, "sandbox_status", lambda: missing)
    argv = ["grade", str(tmp_path / "sub.ipynb"), "--exercise", "00_selftest",
            "--source", str(src), "--out", str(tmp_path / "g.csv")]  # fmt: skip
    assert main(argv) == 3
    assert "bubblewrap" in capsys.readouterr().err
    assert not (tmp_path / "g.csv").exists()
    # The documented, unsafe opt-out: a plain subprocess, still judged outside.
    assert main([*argv, "--no-sandbox"]) == 0
    assert "WARNING" in capsys.readouterr().err
    with open(tmp_path / "g.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["points"], row["status"]) == ("3", "graded")


def test_validate_reports_each_visible_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_notebook(selftest.solution_notebook(), tmp_path / "done.ipynb")
    nb = selftest.solution_notebook()
    nb["cells"][6]["source"] = "def relu(x):\n    return np.abs(x)"
    write_notebook(nb, tmp_path / "wrong.ipynb")
    assert main(["validate", str(tmp_path / "done.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "[pass] test_square" in out and "[pass] test_relu" in out
    assert "2 of 2 visible test cells pass" in out
    assert main(["validate", str(tmp_path / "wrong.ipynb")]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] test_relu" in out and "negative inputs" in out


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "actlab"
    if not exe.exists():
        pytest.skip("the actlab console script is not installed in this environment")
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "release" in proc.stdout


def test_feedback_names_keep_directories_apart() -> None:
    assert feedback_name("alice/01_dense_layer.ipynb") != feedback_name("bob/01_dense_layer.ipynb")
    assert feedback_name("../x y/../a.ipynb").endswith(".txt")
    assert "/" not in feedback_name("/abs/path/a.ipynb")


def test_result_store_survives_a_torn_journal_line(tmp_path: Path) -> None:
    from actlab.grading.grader import GradeResult, TestResult

    store = ResultStore(tmp_path / "g.csv", "00_selftest", ("t",))
    result = GradeResult("a.ipynb", "00_selftest", "graded", 1.0, 1.0,
                         [TestResult("t", 1.0, 1.0, True, "ok")])  # fmt: skip
    store.record("k1", result)
    with open(tmp_path / "g.csv.journal", "a") as fh:
        fh.write('{"key": "k2", "result": {"submission": "b.ip')  # a run killed mid-write
    again = ResultStore(tmp_path / "g.csv", "00_selftest", ("t",))
    assert again.lookup("k1") == result and again.lookup("k2") is None
    assert (tmp_path / "g.csv").read_text().splitlines()[1].startswith("a.ipynb,00_selftest,1,1")


def test_release_refuses_to_overwrite_a_changed_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, rel = tmp_path / "src", tmp_path / "rel"
    write_notebook(selftest.source_notebook(), src / "00_selftest.ipynb")
    argv = ["release", "--source", str(src), "--release", str(rel)]
    assert main(argv) == 0
    assert main(argv) == 0  # the same content again: nothing to refuse
    edited = rel / "00_selftest.ipynb"
    nb = json.loads(edited.read_text())
    nb["cells"][3]["source"] = "def square(x):\n    return x * x  # my work"
    edited.write_text(json.dumps(nb))
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "not overwritten" in err and "--force" in err and str(edited) in err
    assert "my work" in edited.read_text()
    assert main([*argv, "--force"]) == 0
    assert "my work" not in edited.read_text()


def test_regrade_takes_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["grade", "x.ipynb", "--exercise", "00_selftest", "--out", str(tmp_path / "g.csv"),
         "--source", str(tmp_path), "--regrade", "gradd"]
    )  # fmt: skip
    assert code == 2
    assert "--regrade takes 'all' or statuses" in capsys.readouterr().err


def _selftest_course(tmp_path: Path, setup: str | None = None) -> tuple[Path, Path]:
    src = tmp_path / "src"
    nb = selftest.source_notebook()
    if setup is not None:
        nb["cells"][1]["source"] = setup
    write_notebook(nb, src / "00_selftest.ipynb")
    sub = tmp_path / "sub.ipynb"
    write_notebook(selftest.solution_notebook(), sub)
    return src, sub


def test_a_course_that_does_not_import_is_an_error_not_a_grade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not sandbox_status().available and not os.environ.get("CI"):
        pytest.skip(sandbox_status().reason)
    src, sub = _selftest_course(
        tmp_path, "import numpy as np\nimport actlab_missing_module\nimport actlab.grading.selftest"
    )
    out = tmp_path / "g.csv"
    argv = ["grade", str(sub), "--exercise", "00_selftest", "--source", str(src),
            "--out", str(out)]  # fmt: skip
    for extra in ([], ["--no-preload"]):
        assert main([*argv, *extra, "--regrade"]) == 1
        err = capsys.readouterr().err
        assert "could not be graded (status error)" in err and "--regrade error" in err
        with open(out, newline="") as fh:
            (row,) = list(csv.DictReader(fh))
        assert row["status"] == "error", row
        assert "actlab_missing_module" in row["message"]


def test_a_failure_to_record_gives_an_error_row(tmp_path: Path) -> None:
    from actlab.grading.batch import _record
    from actlab.grading.grader import GradeResult, TestResult

    feedback = tmp_path / "feedback"
    store = ResultStore(tmp_path / "g.csv", "00_selftest", ("t",), feedback)
    # made after the store, which refuses a feedback folder that is a file from the start
    feedback.write_text("a file where the feedback folder should be")
    result = GradeResult("a.ipynb", "00_selftest", "graded", 1.0, 1.0,
                         [TestResult("t", 1.0, 1.0, True, "ok")])  # fmt: skip
    recorded = _record(store, "k1", result)
    assert recorded.status == "error" and "recording" in recorded.message
    with open(tmp_path / "g.csv", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["status"] == "error"


def test_text_from_a_submission_is_written_as_valid_utf8(tmp_path: Path) -> None:
    from actlab.grading.grader import GradeResult, TestResult

    store = ResultStore(tmp_path / "g.csv", "00_selftest", ("t",), tmp_path / "fb")
    nasty = "bad \udc80 text"
    result = GradeResult("a\udcff.ipynb", "00_selftest", "graded", 0.0, 1.0,
                         [TestResult("t", 0.0, 1.0, False, nasty)], nasty,
                         cell_errors=[nasty])  # fmt: skip
    store.record("k", result)
    for path in [tmp_path / "g.csv", tmp_path / "g.csv.journal", *(tmp_path / "fb").iterdir()]:
        text = path.read_bytes().decode("utf-8")
        assert "\\udc80" in text
    again = ResultStore(tmp_path / "g.csv", "00_selftest", ("t",))
    assert again.lookup("k") is not None


def test_validate_prints_no_kernel_warnings(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write_notebook(selftest.solution_notebook(), tmp_path / "done.ipynb")
    assert main(["validate", str(tmp_path / "done.ipynb")]) == 0
    out, err = capfd.readouterr()
    assert "2 of 2 visible test cells pass" in out
    assert "WARNING" not in out + err and "TCP" not in out + err, err
