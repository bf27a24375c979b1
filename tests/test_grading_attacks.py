"""The grader against hostile submissions: every attack fixture graded, and its score checked.

Two sets of fixtures (``tests/grading_fixtures/make_fixtures.py`` writes them):

* ``attacks/``: submissions of the self-test exercise, each an attack on the grader itself. They
  are graded together in one sandboxed batch through the command line (``actlab grade``) with
  short limits (3 s a cell, 20 s a notebook, 384 MiB of memory, 2000 files), then each row of the CSV is
  compared with its expectation. Further tests check what the batch must not have done (write
  outside the sandbox, leave processes, cgroups or temporary folders behind), what a re-run must
  do (resume, regrade by status), that nothing carries over between submissions of one warm
  sandbox, and that a fresh sandbox per submission (``--no-preload``) gives the same outcomes;
* ``exercise_attacks/NAME/``: submissions of exercises 02, 04 and 08, graded against the real
  exercise sources with the default limits: forbidden shortcuts, forged outputs, and honest
  answers (scratch cells included) that must keep full marks.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from actlab.cli import main
from actlab.grading.sandbox import JobCgroup, sandbox_status

FIXTURES = Path(__file__).parent / "grading_fixtures"
ATTACKS = FIXTURES / "attacks"
EXERCISE_ATTACKS = FIXTURES / "exercise_attacks"
REPO = Path(__file__).resolve().parents[1]
NAMES = sorted(p.stem for p in ATTACKS.glob("*.ipynb"))
LIMITS = ["--timeout", "20", "--cell-timeout", "3", "--memory", "384", "--max-files", "2000"]
ARGS = ["--jobs", "2", *LIMITS]


def _require_sandbox() -> None:
    status = sandbox_status()
    if not status.available:
        if os.environ.get("CI"):
            pytest.fail(f"the grading sandbox must be available in CI: {status.reason}")
        pytest.skip(f"no grading sandbox here: {status.reason}")


def _expectation(path: Path) -> dict:
    nb = json.loads(path.read_text())
    return nb["metadata"]["actlab_fixture"]


def _expectations() -> dict[str, dict]:
    expected = json.loads((ATTACKS / "expected_invalid.json").read_text())
    for name in NAMES:
        if name not in expected:
            expected[name] = _expectation(ATTACKS / f"{name}.ipynb")
    return expected


def _temp_folders() -> set[str]:
    """The grader's temporary folders made by this process (other processes of the machine may
    be grading too)."""
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"actlab-*-{os.getpid()}-*")}


def _read_rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out, newline="", encoding="utf-8") as fh:
        return {Path(r["submission"]).stem: r for r in csv.DictReader(fh)}


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
        self.subst = {
            "@@SOURCE@@": str(self.source / "00_selftest.ipynb"),
            "@@SOURCE_DIR@@": str(self.source),
            "@@REPO@@": str(REPO),
            "@@GRADES@@": str(self.out),
            "@@OTHER@@": str(self.other),
            "@@FEEDBACK@@": str(self.feedback),
            "@@CANARY@@": str(self.canary),
        }
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
            ["grade", *paths, "--exercise", "00_selftest", "--source", str(self.source),
             "--out", str(self.out), "--feedback", str(self.feedback), *ARGS, *extra]
        )  # fmt: skip
        return code, capsys.readouterr().out

    def rows(self) -> dict[str, dict[str, str]]:
        return _read_rows(self.out)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    _require_sandbox()
    b = Batch(tmp_path_factory.mktemp("attacks"))
    paths = b.prepare()
    b.paths = paths  # type: ignore[attr-defined]
    b.other_bytes = b.other.read_bytes()  # type: ignore[attr-defined]
    b.temp_before = _temp_folders()  # type: ignore[attr-defined]
    start = time.monotonic()
    b.code = main(  # type: ignore[attr-defined]
        ["grade", *paths, "--exercise", "00_selftest", "--source", str(b.source),
         "--out", str(b.out), "--feedback", str(b.feedback), *ARGS]
    )  # fmt: skip
    b.seconds = time.monotonic() - start  # type: ignore[attr-defined]
    b.temp_after = _temp_folders()  # type: ignore[attr-defined]
    return b


def test_fixtures_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.fixture_files()
    for rel, data in files.items():
        assert (FIXTURES / rel).read_bytes() == data, (
            f"{rel} is stale: run python tests/grading_fixtures/make_fixtures.py"
        )
    on_disk = {
        str(p.relative_to(FIXTURES))
        for d in (ATTACKS, EXERCISE_ATTACKS)
        for p in d.rglob("*")
        if p.is_file()
    }
    assert on_disk <= set(files), f"fixtures nobody writes: {sorted(on_disk - set(files))}"


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


def test_limit_breakers_are_named(batch: Batch) -> None:
    rows = batch.rows()
    assert "processes" in rows["fork_bomb"]["message"]
    assert "MiB of memory" in rows["forked_memory"]["message"]
    assert "MiB of memory" in rows["unbounded_allocation"]["message"]
    assert "files and directories" in rows["directory_flood"]["message"]
    assert "MiB to disk" in rows["tmp_flood"]["message"]
    # the grader's clock, not the kernel's word: the cell's own limit, not the notebook's
    assert "'relu' ran past its 3 s limit" in rows["fake_progress"]["message"]
    assert "exited early" in rows["fake_done_then_exit"]["message"]


def test_nothing_was_written_outside_the_sandbox(batch: Batch) -> None:
    text = batch.out.read_text()
    assert "forged" not in text and ",100" not in text
    assert "forged" not in Path(str(batch.out) + ".journal").read_text()
    assert batch.other.read_bytes() == batch.other_bytes  # type: ignore[attr-defined]
    assert not (batch.feedback / "forged.txt").exists()
    assert not batch.canary.exists()
    assert (batch.source / "00_selftest.ipynb").is_file()


def test_nothing_is_left_behind(batch: Batch) -> None:
    for controller in ("pids", "cpu", "memory"):
        for root in Path("/sys/fs/cgroup").glob(f"{controller}/**/"):
            mine = [p.name for p in root.glob(f"actlab-{os.getpid()}-*")]
            assert mine == [], f"leftover {controller} cgroups in {root}: {mine}"
    # A cgroup can only be removed once no process is left in it: none outlived the batch.
    left = batch.temp_after - batch.temp_before  # type: ignore[attr-defined]
    assert left == set(), f"temporary folders left behind: {sorted(left)}"


def test_feedback_files_are_valid_utf8_and_small(batch: Batch) -> None:
    files = sorted(batch.feedback.glob("*.txt"))
    assert len(files) == len(NAMES)
    for path in files:
        text = path.read_bytes().decode("utf-8")  # strict: no surrogates got through
        assert "Score:" in text
        assert path.stat().st_size < 20_000, path.name
    fork = next(p for p in files if p.name.endswith("fork_bomb.txt")).read_text()
    assert "processes" in fork and "[PASS] test_square" in fork
    surrogates = next(p for p in files if p.name.endswith("__surrogates.txt")).read_text()
    assert "\\udc80" in surrogates
    copied = next(p for p in files if p.name.endswith("copied_test_cell.txt")).read_text()
    assert "a copy of test cell 'test_relu'" in copied and "was ignored" in copied


def test_feedback_never_contains_expected_values(batch: Batch) -> None:
    # The deleted-tests fixture returns |x| for relu; the message names the symptom only.
    text = next(batch.feedback.glob("*deleted_and_edited_tests.txt")).read_text()
    assert "negative inputs" in text
    assert "0.0" not in text.split("test_relu", 1)[1]


def test_tampering_is_named_in_the_feedback(batch: Batch) -> None:
    text = next(batch.feedback.glob("*__segfault.txt")).read_text()
    assert "interferes with the grader: imports ctypes" in text
    text = next(batch.feedback.glob("*tamper_asserts_and_eq.txt")).read_text()
    assert "imports the grading machinery" in text


def test_rerun_resumes_and_regrades_by_status(
    batch: Batch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = batch.out.read_text()
    start = time.monotonic()
    code, out = batch.grade(batch.paths, capsys)  # type: ignore[attr-defined]
    assert code == 0
    assert f"({len(NAMES)} already graded)" in out
    assert time.monotonic() - start < 5
    assert batch.out.read_text() == before
    # Only the invalid ones are graded again with --regrade invalid.
    invalid = sum(1 for r in batch.rows().values() if r["status"] == "invalid")
    code, out = batch.grade(batch.paths, capsys, "--regrade", "invalid")  # type: ignore[attr-defined]
    assert code == 0
    assert f"({len(NAMES) - invalid} already graded)" in out
    # A changed submission is graded again; the others are not.
    solution = batch.subs / "solution.ipynb"
    nb = json.loads(solution.read_text())
    nb["cells"][6]["source"] = "def relu(x):\n    return x"
    solution.write_text(json.dumps(nb))
    code, out = batch.grade(batch.paths, capsys)  # type: ignore[attr-defined]
    assert code == 0
    assert f"({len(NAMES) - 1} already graded)" in out
    assert batch.rows()["solution"]["points"] == "1"


def test_changed_limits_regrade(batch: Batch, tmp_path: Path) -> None:
    """The resume key holds the limits: a run with other limits never keeps an old row."""
    paths = _copies(batch, ["solution", "release"], tmp_path / "subs")
    out = tmp_path / "grades.csv"
    base = ["grade", *paths, "--exercise", "00_selftest", "--source", str(batch.source),
            "--out", str(out), "--timeout", "20", "--cell-timeout", "3"]  # fmt: skip
    assert main([*base, "--memory", "384"]) == 0
    journal = Path(f"{out}.journal")
    assert len(journal.read_text().splitlines()) == 2
    assert main([*base, "--memory", "384"]) == 0
    assert len(journal.read_text().splitlines()) == 2
    assert main([*base, "--memory", "1100"]) == 0
    assert len(journal.read_text().splitlines()) == 4
    assert main([*base, "--memory", "1100", "--regrade"]) == 0
    assert len(journal.read_text().splitlines()) == 6


def test_a_journal_of_another_exercise_is_refused(tmp_path: Path, batch: Batch) -> None:
    out = tmp_path / "grades.csv"
    shutil.copy(str(batch.out) + ".journal", str(out) + ".journal")
    source = tmp_path / "source"
    source.mkdir()
    nb = json.loads((FIXTURES / "source" / "00_selftest.ipynb").read_text())
    nb["metadata"]["actlab"]["exercise"] = "99_other"
    (source / "99_other.ipynb").write_text(json.dumps(nb))
    code = main(
        ["grade", batch.paths[0], "--exercise", "99_other", "--source", str(source),  # type: ignore[attr-defined]
         "--out", str(out)]
    )  # fmt: skip
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
        "leave_files_in_root",
        "find_leftovers",
        "locked_directories",
        "find_leftovers",
        "sabotage_next_submission",
        "solution",
        "reach_the_supervisor",
        "solution",
        "kill_the_supervisor",
        "solution",
        "fork_bomb",
        "solution",
        "fifos_and_symlinks",
        "solution",
    ]
    paths = _copies(batch, names, tmp_path / "subs")
    out = tmp_path / "grades.csv"
    code = main(
        ["grade", *paths, "--exercise", "00_selftest", "--source", str(batch.source),
         "--out", str(out), "--jobs", "1", *LIMITS, "--feedback", str(tmp_path / "feedback")]
    )  # fmt: skip
    assert code == 0
    rows = _read_rows(out)
    for i, name in enumerate(names):
        if name in ("solution", "find_leftovers"):
            row = rows[f"{i:02d}_{name}"]
            feedback = next((tmp_path / "feedback").glob(f"*{i:02d}_{name}.txt")).read_text()
            assert (row["points"], row["status"]) == ("3", "graded"), feedback
    assert batch.other.read_bytes() == batch.other_bytes  # type: ignore[attr-defined]


FRESH = [
    "solution",
    "release",
    "swallow_keyboard_interrupt",
    "segfault",
    "fork_bomb",
    "forked_memory",
    "tmp_flood",
    "directory_flood",
    "leave_files_in_root",
    "fake_done_then_exit",
    "probe_writes_outputs",
]


@pytest.fixture(scope="module")
def fresh_rows(batch: Batch, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """``--no-preload``: a new sandboxed interpreter per submission."""
    root = tmp_path_factory.mktemp("fresh")
    paths = _copies(batch, FRESH, root / "subs")
    out = root / "grades.csv"
    code = main(
        ["grade", *paths, "--exercise", "00_selftest", "--source", str(batch.source),
         "--out", str(out), "--no-preload", *ARGS]
    )  # fmt: skip
    assert code == 0
    return {name[3:]: row for name, row in _read_rows(out).items()}


@pytest.mark.parametrize("name", FRESH)
def test_fresh_interpreter_mode(fresh_rows: dict[str, dict], name: str) -> None:
    expected = _expectations()[name]
    row = fresh_rows[name]
    assert (float(row["points"]), row["status"]) == (
        float(expected["expected_points"]),
        expected["expected_status"],
    ), row["message"]


def test_limits_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--source", str(REPO / "exercises" / "source")]) == 0
    out = capsys.readouterr().out
    assert "process limit:" in out and "memory limit:" in out
    if JobCgroup.memory_available():
        assert "memory cgroup" in out
    else:
        assert "watchdog" in out


# --- hostile paths, oversized files, forged arrays --------------------------------------------------

# Folder names a student may choose (or an LMS export may hold), each holding a correct 01.ipynb:
# formulas for a spreadsheet that opens grades.csv, CSV and row separators, names that a feedback
# file name used to fold together, and a name longer than a file name may be once prefixed.
HOSTILE_NAMES: list[bytes] = [
    b'=HYPERLINK("http:example.invalid";"open me")',
    b"+cmd|' -C calc'!A0",
    b"@SUM(1+1)",
    b"-2+3",
    b"\tTAB",
    b"alice\nbob,3,3,graded",
    b"carol\r=1+1",
    b"carol 01",
    b"carol_01",
    "张三".encode(),
    "李四".encode(),
    b"A" * 250,
    b"bad\xff\xfe",  # not UTF-8
    b"bad\\udcff\\udcfe",  # how the row of the one above used to be spelled
    b"dotdot",
]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_hostile_paths_get_one_row_and_one_feedback_file_each(
    batch: Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every path gets exactly one row of a CSV that parses back, no cell that a spreadsheet
    would run as a formula, and a feedback file of its own; a file too large to parse and a FIFO
    (on which a read blocks) get an ``invalid`` row, not a grader error or a hung batch."""
    from actlab.grading.results import csv_cell

    root = os.fsencode(tmp_path / "subs")
    solution = (ATTACKS / "solution.ipynb").read_bytes()
    rel: list[bytes] = []
    for name in HOSTILE_NAMES:
        os.makedirs(os.path.join(root, name))
        with open(os.path.join(root, name, b"01.ipynb"), "wb") as fh:
            fh.write(solution)
        rel.append(name + b"/01.ipynb")
    rel.append(b"A/../dotdot/01.ipynb")  # the same file by another path: a row of its own
    os.makedirs(os.path.join(root, b"A"))
    os.makedirs(os.path.join(root, b"big"))
    with open(os.path.join(root, b"big", b"01.ipynb"), "wb") as fh:
        fh.write(solution + b" " * (33 * 2**20))  # valid JSON, past the 32 MiB a submission may be
    os.makedirs(os.path.join(root, b"fifo"))
    os.mkfifo(os.path.join(root, b"fifo", b"01.ipynb"))
    rel += [b"big/01.ipynb", b"fifo/01.ipynb"]
    paths = [os.fsdecode(p) for p in rel]
    monkeypatch.chdir(os.fsdecode(root))
    out, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    code = main(
        ["grade", "--exercise", "00_selftest", "--source", str(batch.source), "--out", str(out),
         "--feedback", str(feedback), *ARGS, "--", *paths]
    )  # fmt: skip
    assert code == 0
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    assert all(len(row) == 8 for row in rows), rows
    shown = [csv_cell(p).encode("utf-8", "backslashreplace").decode() for p in paths]
    assert sorted(row[0] for row in rows) == sorted(shown)
    for row in rows:
        assert not row[0].startswith(_FORMULA) and not row[7].startswith(_FORMULA), row
        assert "\r" not in row[0]
    by_path = {row[0]: row for row in rows}
    for path, cell in zip(paths, shown, strict=True):
        row = by_path[cell]
        if path.startswith(("big/", "fifo/")):
            assert row[4] == "invalid", row
            assert ("larger than 32 MiB" if path.startswith("big/") else "not a regular file") in row[7]
        else:
            assert (row[2], row[4]) == ("3", "graded"), row
    assert len(list(feedback.glob("*.txt"))) == len(paths)
    # names that need no change keep it, in any script and in a deep folder; the end of a long
    # name is kept, with the digest in front
    from actlab.grading.results import feedback_name

    assert (feedback / "张三__01.txt").is_file() and (feedback / "carol_01__01.txt").is_file()
    deep = "/" + "/".join(["course-2026"] * 14) + "/alice/01.ipynb"
    assert feedback_name(deep) == deep[1:].replace("/", "__").removesuffix(".ipynb") + ".txt"
    digest, body = feedback_name("x" * 300 + "/alice/01.ipynb").split("~")
    assert len(digest) == 16 and body == "x" * 189 + "__alice__01.txt"  # 200 bytes and ".txt"


def test_a_feedback_file_shows_a_submission_s_text_and_never_obeys_it(batch: Batch) -> None:
    """Escape sequences and carriage returns from a submission are shown escaped, and its lines
    are indented: none reads as a line of the grader's (``[PASS] ...``, ``Score:``)."""
    from actlab.grading.grader import GradeResult
    from actlab.grading.results import feedback_text

    text = next(batch.feedback.glob("*lookalike_feedback_lines.txt")).read_text(encoding="utf-8")
    assert not set(text) & {"\x1b", "\x07", "\r"}, text
    assert "\\x1b[2J" in text
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("Score:")] == ["Score:      1 / 3"], text
    assert [line.split()[1] for line in lines if line.startswith("[PASS]")] == ["test_square"]
    forged = GradeResult("x\nScore:      3 / 3\n[PASS]\x1b[2J.ipynb", "00_selftest", "graded", 0, 3, [])
    head = feedback_text(forged).splitlines()
    assert head[0].startswith("Submission: x\\nScore:") and head[3] == "Score:      0 / 3"
    assert sum(line.startswith(("Score:", "[PASS]")) for line in head) == 1


def test_links_to_another_notebook_or_to_the_source_are_refused(
    batch: Batch, tmp_path: Path
) -> None:
    """An archive of submissions can hold symbolic links: alice's 01.ipynb leading to bob's, and
    mallory's leading to the exercise's source (its solutions scored full marks), directly or
    through a linked folder. They are ``invalid``; bob's own file is graded."""
    subs = tmp_path / "subs"
    for name in ("alice", "bob", "mallory"):
        (subs / name).mkdir(parents=True)
    (subs / "bob" / "01.ipynb").write_bytes((ATTACKS / "solution.ipynb").read_bytes())
    (subs / "alice" / "01.ipynb").symlink_to("../bob/01.ipynb")
    (subs / "mallory" / "01.ipynb").symlink_to(batch.source / "00_selftest.ipynb")
    (subs / "eve").symlink_to(batch.source, target_is_directory=True)
    paths = [subs / "alice" / "01.ipynb", subs / "bob" / "01.ipynb",
             subs / "mallory" / "01.ipynb", subs / "eve" / "00_selftest.ipynb"]  # fmt: skip
    out = tmp_path / "grades.csv"
    code = main(
        ["grade", *map(str, paths), "--exercise", "00_selftest", "--source", str(batch.source),
         "--out", str(out), *ARGS]
    )  # fmt: skip
    assert code == 0
    with open(out, newline="") as fh:
        rows = {Path(r["submission"]).parent.name: r for r in csv.DictReader(fh)}
    assert (rows["bob"]["points"], rows["bob"]["status"]) == ("3", "graded")
    for name in ("alice", "mallory", "eve"):
        assert (rows[name]["points"], rows[name]["status"]) == ("0", "invalid"), rows[name]
    assert "symbolic link" in rows["alice"]["message"] and "source" in rows["eve"]["message"]


def test_the_grades_never_replace_another_file(batch: Batch, tmp_path: Path) -> None:
    """A folder named ``--out=bob`` reaches ``actlab grade --out grades.csv */01.ipynb`` as an
    option that overrides the instructor's: the grades must not replace bob's notebook."""
    victim = tmp_path / "bob" / "01.ipynb"
    victim.parent.mkdir()
    victim.write_bytes((ATTACKS / "solution.ipynb").read_bytes())
    before = victim.read_bytes()
    common = ["grade", batch.paths[0], "--exercise", "00_selftest", "--source", str(batch.source)]  # type: ignore[attr-defined]
    assert main([*common, "--out", str(tmp_path / "g.csv"), f"--out={victim}"]) == 2
    assert main([*common, "--out", str(tmp_path / "g.csv"), f"--feedback={victim}"]) == 2
    assert victim.read_bytes() == before
    assert not (tmp_path / "g.csv").exists()


def _npz(descr: str, shape: tuple[int, ...], body: bytes = b"") -> bytes:
    import io
    import zipfile

    import numpy as np

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("out.npy", header.getvalue() + body)
    return archive.getvalue()


@pytest.mark.parametrize(
    ("descr", "shape"),
    [
        ("<U0", (10**12,)),  # a zero-width dtype: any number of elements in no bytes
        ("<f8", (2**33, 2**33)),  # the element count wraps around to 0 in int64
        ("<f8", (2**32, 2**32, 16)),
    ],
)
def test_forged_arrays_of_no_size_are_refused(descr: str, shape: tuple[int, ...]) -> None:
    """A forged reply's array whose header claims more elements than its bytes hold never
    reaches a judge (which might allocate for it in the grader's process)."""
    from actlab.grading.grader import _BadOutput, load_outputs

    with pytest.raises(_BadOutput, match="wrong size"):
        load_outputs(_npz(descr, shape))


# --- exercises 02, 04 and 08 ------------------------------------------------------------------------

EXERCISES = sorted(p.name for p in EXERCISE_ATTACKS.iterdir() if p.is_dir())
EXERCISE_CASES = [
    (exercise, p.stem)
    for exercise in EXERCISES
    for p in sorted((EXERCISE_ATTACKS / exercise).glob("*.ipynb"))
]


FEEDBACK: dict[str, Path] = {}  # per exercise, the folder of its fixtures' feedback files


@pytest.fixture(scope="module")
def exercise_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    """Each exercise's attack fixtures graded in one batch, with the default limits."""
    _require_sandbox()
    rows = {}
    for exercise in EXERCISES:
        root = tmp_path_factory.mktemp(exercise)
        paths = [str(p) for p in sorted((EXERCISE_ATTACKS / exercise).glob("*.ipynb"))]
        out = root / "grades.csv"
        code = main(
            ["grade", *paths, "--exercise", exercise, "--source",
             str(REPO / "exercises" / "source"), "--out", str(out), "--jobs", "2",
             "--timeout", "300", "--cell-timeout", "120", "--feedback", str(root / "feedback")]
        )  # fmt: skip
        assert code == 0
        rows[exercise] = _read_rows(out)
        FEEDBACK[exercise] = root / "feedback"
    return rows


@pytest.mark.parametrize(("exercise", "name"), EXERCISE_CASES)
def test_exercise_attack_gets_its_expected_score(
    exercise_rows: dict[str, dict[str, dict]], exercise: str, name: str
) -> None:
    expected = _expectation(EXERCISE_ATTACKS / exercise / f"{name}.ipynb")
    row = exercise_rows[exercise][name]
    assert (float(row["points"]), row["status"]) == (
        float(expected["expected_points"]),
        expected["expected_status"],
    ), f"{name} ({expected['attack']}): {row}"
    for gid, pts in expected.get("expected_tests", {}).items():
        assert float(row[gid]) == pts, f"{name}: {gid}: {row}"


def test_chinese_submissions_get_chinese_feedback(exercise_rows: dict[str, dict[str, dict]]) -> None:
    """A fixture of a Chinese release (``*_zh``, and 02's ``mixed_languages``) is graded with the
    same tests and points as its English twin, and its feedback file is in Chinese, forbidden
    shortcuts named in it."""
    chinese = {
        (exercise, name)
        for exercise, name in EXERCISE_CASES
        if name.endswith("_zh") or name == "mixed_languages"
    }
    assert len(chinese) >= 5
    for exercise, name in chinese:
        (path,) = FEEDBACK[exercise].glob(f"*{name}.txt")
        text = path.read_text(encoding="utf-8")
        assert text.startswith("提交的作业："), text[:200]
        assert "得分：" in text and "Score:" not in text
        if name.startswith("library_shortcuts"):
            assert "0分：答案用了本题不允许使用的东西：scipy" in text
            assert "单元格'softmax'第1行" in text
        twin = exercise_rows[exercise].get(name.removesuffix("_zh"))
        if twin is not None and name != "library_shortcuts_zh":
            assert twin["points"] == exercise_rows[exercise][name]["points"]
