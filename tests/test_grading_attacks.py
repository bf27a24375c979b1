"""The grader against hostile submissions: every attack fixture graded in one sandboxed batch.

The fixtures (``tests/grading_fixtures/attacks``) are submissions of the self-test exercise, each
with its expected score and status in its metadata. They are graded together through the command
line (``actlab grade``) with short time limits, then each row of the CSV is compared with its
expectation. Further tests check what the batch must not have done (write outside the sandbox) and
what a re-run must do (resume without regrading).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest

from actlab.cli import main
from actlab.grading.sandbox import sandbox_status

FIXTURES = Path(__file__).parent / "grading_fixtures"
ATTACKS = FIXTURES / "attacks"
REPO = Path(__file__).resolve().parents[1]
NAMES = sorted(p.stem for p in ATTACKS.glob("*.ipynb"))
ARGS = ["--jobs", "2", "--timeout", "20", "--cell-timeout", "2"]


def _require_sandbox() -> None:
    status = sandbox_status()
    if not status.available:
        if os.environ.get("CI"):
            pytest.fail(f"the grading sandbox must be available in CI: {status.reason}")
        pytest.skip(f"no grading sandbox here: {status.reason}")


def _expectations() -> dict[str, dict]:
    expected = json.loads((ATTACKS / "expected_invalid.json").read_text())
    for name in NAMES:
        if name in expected:
            continue
        nb = json.loads((ATTACKS / f"{name}.ipynb").read_text())
        expected[name] = nb["metadata"]["actlab_fixture"]
    return expected


class Batch:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.source = root / "source"
        self.subs = root / "submissions"
        self.out = root / "grades.csv"
        self.feedback = root / "feedback"
        self.canary = Path("/tmp") / f"actlab-canary-{uuid.uuid4().hex}"
        self.other = self.subs / "release.ipynb"

    def prepare(self) -> list[str]:
        self.source.mkdir(parents=True)
        self.subs.mkdir()
        shutil.copy(FIXTURES / "source" / "00_selftest.ipynb", self.source)
        subst = {
            "@@SOURCE@@": str(self.source / "00_selftest.ipynb"),
            "@@SOURCE_DIR@@": str(self.source),
            "@@REPO@@": str(REPO),
            "@@GRADES@@": str(self.out),
            "@@OTHER@@": str(self.other),
            "@@FEEDBACK@@": str(self.feedback),
            "@@CANARY@@": str(self.canary),
        }
        self.subst = subst
        paths = []
        for name in NAMES:
            path = self.subs / f"{name}.ipynb"
            self.materialise(name, path)
            paths.append(str(path))
        return paths

    def materialise(self, name: str, path: Path) -> None:
        """Write fixture ``name`` to ``path`` with its placeholders filled in."""
        data = (ATTACKS / f"{name}.ipynb").read_bytes()
        for key, value in self.subst.items():
            data = data.replace(key.encode(), value.encode())
        path.write_bytes(data)

    def grade(
        self, paths: list[str], capsys: pytest.CaptureFixture[str], *extra: str
    ) -> tuple[int, str]:
        code = main(
            [
                "grade",
                *paths,
                "--exercise",
                "00_selftest",
                "--source",
                str(self.source),
                "--out",
                str(self.out),
                "--feedback",
                str(self.feedback),
                *ARGS,
                *extra,
            ]
        )
        return code, capsys.readouterr().out

    def rows(self) -> dict[str, dict[str, str]]:
        with open(self.out, newline="") as fh:
            return {Path(r["submission"]).stem: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    _require_sandbox()
    b = Batch(tmp_path_factory.mktemp("attacks"))
    paths = b.prepare()
    b.paths = paths  # type: ignore[attr-defined]
    b.other_bytes = b.other.read_bytes()  # type: ignore[attr-defined]
    start = time.monotonic()
    b.code = main(  # type: ignore[attr-defined]
        [
            "grade",
            *paths,
            "--exercise",
            "00_selftest",
            "--source",
            str(b.source),
            "--out",
            str(b.out),
            "--feedback",
            str(b.feedback),
            *ARGS,
        ]
    )
    b.seconds = time.monotonic() - start  # type: ignore[attr-defined]
    return b


def test_fixtures_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for rel, data in module.fixture_files().items():
        assert (FIXTURES / rel).read_bytes() == data, (
            f"{rel} is stale: run python tests/grading_fixtures/make_fixtures.py"
        )


def test_batch_completes_with_a_row_per_submission(batch: Batch) -> None:
    assert batch.code == 0  # type: ignore[attr-defined]
    assert sorted(batch.rows()) == NAMES
    with open(batch.out, newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "submission",
        "exercise",
        "points",
        "max_points",
        "status",
        "test_square",
        "test_relu",
        "message",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_attack_gets_its_expected_score(batch: Batch, name: str) -> None:
    expected = _expectations()[name]
    row = batch.rows()[name]
    assert (float(row["points"]), row["status"]) == (
        float(expected["expected_points"]),
        expected["expected_status"],
    ), f"{name} ({expected['attack']}): {row['message']}"
    for gid, pts in expected.get("expected_tests", {}).items():
        assert float(row[gid]) == pts, f"{name}: {gid}"
    assert row["max_points"] == "3"


def test_nothing_was_written_outside_the_sandbox(batch: Batch) -> None:
    text = batch.out.read_text()
    assert "forged" not in text and ",100" not in text
    assert "forged" not in Path(str(batch.out) + ".journal").read_text()
    assert batch.other.read_bytes() == batch.other_bytes  # type: ignore[attr-defined]
    assert not (batch.feedback / "forged.txt").exists()
    assert not batch.canary.exists()


def test_no_process_or_cgroup_is_left_behind(batch: Batch) -> None:
    for controller in ("pids", "cpu"):
        root = Path("/sys/fs/cgroup") / controller
        if root.is_dir():
            mine = [p.name for p in root.glob(f"actlab-{os.getpid()}-*")]
            assert mine == [], f"leftover {controller} cgroups: {mine}"
    # A cgroup can only be removed once no process is left in it: none outlived the batch.


def test_feedback_files_are_readable_and_small(batch: Batch) -> None:
    files = sorted(batch.feedback.glob("*.txt"))
    assert len(files) == len(NAMES)
    for path in files:
        text = path.read_text()
        assert "Score:" in text
        assert path.stat().st_size < 20_000, path.name
    fork = next(p for p in files if p.name.endswith("fork_bomb.txt")).read_text()
    assert "processes" in fork and "[PASS] test_square" in fork


def test_feedback_never_contains_expected_values(batch: Batch) -> None:
    # The deleted-tests fixture returns |x| for relu; the message names the symptom only.
    text = next(batch.feedback.glob("*deleted_and_edited_tests.txt")).read_text()
    assert "negative inputs" in text
    assert "0.0" not in text.split("test_relu", 1)[1]


def test_rerun_resumes_without_regrading(batch: Batch, capsys: pytest.CaptureFixture[str]) -> None:
    before = batch.out.read_text()
    start = time.monotonic()
    code, out = batch.grade(batch.paths, capsys)  # type: ignore[attr-defined]
    assert code == 0
    assert f"({len(NAMES)} already graded)" in out
    assert time.monotonic() - start < 5
    assert batch.out.read_text() == before
    # A changed submission is graded again; the others are not.
    solution = batch.subs / "solution.ipynb"
    nb = json.loads(solution.read_text())
    nb["cells"][6]["source"] = "def relu(x):\n    return x"
    solution.write_text(json.dumps(nb))
    code, out = batch.grade(batch.paths, capsys)  # type: ignore[attr-defined]
    assert code == 0
    assert f"({len(NAMES) - 1} already graded)" in out
    assert batch.rows()["solution"]["points"] == "1"


def test_a_journal_of_another_exercise_is_refused(tmp_path: Path, batch: Batch) -> None:
    out = tmp_path / "grades.csv"
    shutil.copy(str(batch.out) + ".journal", str(out) + ".journal")
    source = tmp_path / "source"
    source.mkdir()
    nb = json.loads((FIXTURES / "source" / "00_selftest.ipynb").read_text())
    nb["metadata"]["actlab"]["exercise"] = "99_other"
    (source / "99_other.ipynb").write_text(json.dumps(nb))
    code = main(
        [
            "grade",
            batch.paths[0],
            "--exercise",
            "99_other",
            "--source",
            str(source),
            "--out",
            str(out),
        ]  # type: ignore[attr-defined]
    )
    assert code == 2


def _copies(batch: Batch, names: list[str], where: Path) -> list[str]:
    where.mkdir()
    paths = []
    for i, name in enumerate(names):
        path = where / f"{i:02d}_{name}.ipynb"
        batch.materialise(name, path)
        paths.append(str(path))
    return paths


def test_nothing_carries_over_to_the_next_submission(
    batch: Batch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One worker, so each submission follows the previous one in the same warm sandbox."""
    names = [
        "sabotage_next_submission",
        "find_leftovers",
        "sabotage_next_submission",
        "solution",
        "reach_the_forkserver",
        "solution",
        "kill_the_forkserver",
        "solution",
        "fork_bomb",
        "solution",
    ]
    paths = _copies(batch, names, tmp_path / "subs")
    out = tmp_path / "grades.csv"
    code = main(
        ["grade", *paths, "--exercise", "00_selftest", "--source", str(batch.source),
         "--out", str(out), "--jobs", "1", "--timeout", "20", "--cell-timeout", "2",
         "--feedback", str(tmp_path / "feedback")]
    )  # fmt: skip
    assert code == 0
    with open(out, newline="") as fh:
        rows = {Path(r["submission"]).stem: r for r in csv.DictReader(fh)}
    for i, name in enumerate(names):
        if name in ("solution", "find_leftovers"):
            row = rows[f"{i:02d}_{name}"]
            feedback = next((tmp_path / "feedback").glob(f"*{i:02d}_{name}.txt")).read_text()
            assert (row["points"], row["status"]) == ("3", "graded"), feedback


@pytest.mark.parametrize(
    "name", ["solution", "release", "swallow_keyboard_interrupt", "segfault", "fork_bomb"]
)
def test_fresh_interpreter_mode(batch: Batch, tmp_path: Path, name: str) -> None:
    """``--no-preload``: a new sandboxed interpreter per submission, same outcomes."""
    expected = _expectations()[name]
    paths = _copies(batch, [name], tmp_path / "subs")
    out = tmp_path / "grades.csv"
    code = main(
        ["grade", *paths, "--exercise", "00_selftest", "--source", str(batch.source),
         "--out", str(out), "--no-preload", "--timeout", "20", "--cell-timeout", "2"]
    )  # fmt: skip
    assert code == 0
    with open(out, newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (float(row["points"]), row["status"]) == (
        float(expected["expected_points"]),
        expected["expected_status"],
    ), row["message"]
