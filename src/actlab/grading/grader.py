"""Grading one submission: arrange the cells to run, run them in a sandbox, judge what came back.

The steps, for a submission of exercise ``NAME`` (see ``docs/grading.md`` for the guarantees):

1. The instructor's source notebook gives the :class:`~actlab.grading.plan.ExercisePlan` (parsed,
   never executed).
2. :func:`arrange_cells` takes the submission's solution cells and its own extra cells as written,
   the source's locked cells, and a probe in place of every test cell, each trusted cell at the
   position the source gives it (copies elsewhere are ignored, and the feedback says so).
3. :mod:`actlab.grading.shortcuts` scans the student's code for forbidden shortcuts and tampering.
4. A :class:`~actlab.grading.session.Sandbox` runs the cells in a kernel, one command at a time,
   keeping the time, disk, process and memory limits from outside.
5. :func:`judge_test`, in this process, loads each probe's outputs (only the reply to the grader's
   own command, checked for size before it is decoded, without pickle) and calls the check's
   ``judge``. A test cell earns its points iff every check in it passes and the question's
   forbidden shortcuts are not used.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import os
import queue
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from actlab import i18n
from actlab.grading.feedback import finding_text, join_messages, separator, translate
from actlab.grading.notebook import (
    InvalidNotebook,
    cell_source,
    exercise_metadata,
    grade_id,
    is_locked,
    is_solution,
    is_test,
    loads_notebook,
)
from actlab.grading.plan import ExercisePlan, TestCell
from actlab.grading.sandbox import (
    Limits,
    SandboxUnavailable,
    module_file,
    poison_source,
    sandbox_status,
)
from actlab.grading.session import KernelRun, ProbeReply, Sandbox, SandboxFailed
from actlab.grading.shortcuts import NO_OVERFLOW_ITEMS, Finding, Scan, scan_cells
from actlab.grading.spec import Message
from actlab.i18n import normalize_lang, notebook_lang

__all__ = [
    "STATUSES",
    "GradeResult",
    "Grader",
    "KernelRun",
    "Settings",
    "TestResult",
    "arrange_cells",
    "build_cells",
    "clean_text",
    "grader_version",
    "judge_test",
    "load_outputs",
    "read_submission",
]

STATUSES = ("graded", "timeout", "crashed", "invalid", "error")
_OUTPUT_FILE_LIMIT = 64 * 2**20
# Parsing JSON costs up to about 20 times the file's size in memory (a list of empty objects), and
# the batch parses one submission per job at once: larger files are refused, unread.
SUBMISSION_LIMIT = 32 * 2**20
_PLAIN_KINDS = frozenset("biufU")


def clean_text(text: object) -> str:
    """``text`` as a string that encodes to UTF-8: lone surrogates (which a submission's text can
    hold) become backslash escapes."""
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


@functools.lru_cache(maxsize=1)
def grader_version() -> str:
    """The package version and a digest of its sources: a changed grader regrades."""
    import actlab

    root = Path(actlab.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return f"{actlab.__version__}+{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class Settings:
    """How to run submissions.

    Args:
        timeout: wall-clock seconds for the whole notebook (its kernel's start-up not counted).
        cell_timeout: wall-clock seconds for one cell; a cell that overruns is interrupted, and
            killed with the whole kernel if it ignores the interrupt.
        sandbox: run in bubblewrap (the default). ``False`` runs the kernel as a plain subprocess:
            the student's code can then read and write anything this user can. Unsafe.
        limits: resource limits (memory, processes, file size, disk, kept output).
        grace: seconds a cell gets after its interrupt before the kernel is killed.
        preload: run kernels in a warm sandbox that has already imported the modules the
            exercise uses; ``False`` starts a fresh sandbox and interpreter per submission.
        lang: the language of the feedback (``"en"`` or ``"zh"``) for every submission; ``None``
            (the default) takes each submission's own, from its metadata ``actlab.lang``.
    """

    timeout: float = 600.0
    cell_timeout: float = 60.0
    sandbox: bool = True
    limits: Limits = field(default_factory=Limits)
    grace: float = 2.0
    preload: bool = True
    lang: str | None = None

    def describe(self) -> str:
        """The settings that decide a grade or its feedback, as one line (part of the resume
        key)."""
        text = (
            f"timeout={self.timeout:g};cell_timeout={self.cell_timeout:g};grace={self.grace:g};"
            f"sandbox={self.sandbox};{self.limits.describe()}"
        )
        return text + (f";lang={self.lang}" if self.lang else "")

    def language(self, submission: dict[str, Any] | None) -> str:
        """The feedback's language for ``submission`` (parsed, or None if it could not be read):
        ``lang`` if set, else the notebook's own (English when it names none, or names one the
        course does not have)."""
        if self.lang:
            return normalize_lang(self.lang)
        try:
            return notebook_lang((submission or {}).get("metadata", {}))
        except (TypeError, ValueError, AttributeError):
            return "en"


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str
    description: str = ""


@dataclass
class GradeResult:
    """The grade of one submission, as written to the CSV and the feedback file."""

    submission: str
    exercise: str
    status: str
    points: float
    max_points: float
    tests: list[TestResult]
    message: str = ""
    cell_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    lang: str = "en"

    def cleaned(self) -> GradeResult:
        """This result with every text made safe to write as UTF-8, but its path: a path that is
        not UTF-8 (``b"\\xff"``, as ``"\\udcff"``) must stay apart from one spelled with a
        backslash, so it is escaped only where it is written."""
        return dataclasses.replace(
            self,
            message=clean_text(self.message),
            cell_errors=[clean_text(e) for e in self.cell_errors],
            notes=[clean_text(n) for n in self.notes],
            tests=[
                dataclasses.replace(
                    t,
                    grade_id=clean_text(t.grade_id),
                    message=clean_text(t.message),
                    description=clean_text(t.description),
                )
                for t in self.tests
            ],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "exercise": self.exercise,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
            "cell_errors": self.cell_errors,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "lang": self.lang,
            "tests": [vars(t) for t in self.tests],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradeResult:
        tests = [TestResult(**t) for t in data["tests"]]
        fields = {k: v for k, v in data.items() if k != "tests"}
        return cls(tests=tests, **fields)


def error_result(
    plan: ExercisePlan, submission: str, message: str, seconds: float = 0.0, lang: str = "en"
) -> GradeResult:
    """The row of a submission the grader could not grade for a reason of its own (status
    ``error``): no points, and the cause (``message``, in English; the tests' messages are in
    ``lang``)."""
    reason = i18n.t("grade.not_graded", lang, reason=translate(message, lang))
    tests = [
        TestResult(test.grade_id, 0.0, test.points, False, reason, test.describe(lang))
        for test in plan.tests
    ]
    return GradeResult(
        submission, plan.exercise, "error", 0.0, plan.max_points, tests, message, seconds=seconds,
        lang=lang,
    ).cleaned()  # fmt: skip


# --- step 2: the cells to run -------------------------------------------------------------------


def _guard_items(test: TestCell) -> list[str]:
    items = list(test.forbidden)
    if test.no_overflow:
        items += list(NO_OVERFLOW_ITEMS)
    return items


def arrange_cells(
    plan: ExercisePlan, submission: dict[str, Any], lang: str = "en"
) -> tuple[list[dict[str, Any]], list[str]]:
    """The code cells to run for ``submission``, in order, and notes for the feedback.

    Each cell is ``{index, label, source, grade_id, kind}``, ``kind`` one of ``"student"`` (run as
    written: solution cells and the student's own cells), ``"locked"`` (the source's text of a
    locked cell) and ``"probe"`` (a test cell; it has ``probe``: what the kernel needs to run the
    test's checks).

    Every locked and test cell of the source runs exactly once, at the source's position: after
    the source cells that precede it and before those that follow it, as the submission places
    them (its solution and Markdown cells). Within that range it takes the place of the
    submission's own copy of it, if there is one; otherwise a test comes last (after the cells the
    student added below the answer) and a locked cell first. A copy anywhere else is ignored, and
    for a test cell the notes say so, in ``lang``.

    The trusted cells come from the source's view in ``lang``, the submission's language: the same
    cells, tests and code as in English (:mod:`actlab.grading.languages`), with ``LANG`` and the
    comments of that language; the probes' own error messages are made in ``lang`` too.
    """
    source_cells = plan.view(lang)["cells"]
    src_index: dict[str, int] = {}
    for index, cell in enumerate(source_cells):
        gid = grade_id(cell)
        if gid is not None:
            src_index.setdefault(gid, index)
    tests = {t.grade_id: t for t in plan.tests}

    def trusted(gid: str) -> dict[str, Any] | None:
        cell = source_cells[src_index[gid]]
        if cell.get("cell_type") != "code":
            return None
        if is_test(cell) and gid in tests:
            test = tests[gid]
            probe = {
                "gid": gid,
                "calls": [c.to_json() for c in test.calls],
                "check_modules": list(plan.check_modules),
                "forbidden": _guard_items(test),
                "lang": lang,
            }
            return {"source": "", "grade_id": gid, "kind": "probe", "probe": probe}
        if is_locked(cell) and not is_solution(cell):
            return {"source": cell_source(cell), "grade_id": gid, "kind": "locked"}
        return None

    trusted_ids = {gid for gid in src_index if trusted(gid) is not None}
    sub_cells = submission["cells"]
    anchors: dict[str, int] = {}  # first position of each untrusted source cell in the submission
    copies: dict[str, list[int]] = {}
    code_number: dict[int, int] = {}
    number = 0
    for pos, cell in enumerate(sub_cells):
        if cell.get("cell_type") == "code":
            number += 1
            code_number[pos] = number
        gid = grade_id(cell)
        if gid is None or gid not in src_index:
            continue
        if gid in trusted_ids:
            copies.setdefault(gid, []).append(pos)
        else:
            anchors.setdefault(gid, pos)

    placed: list[tuple[float, int, dict[str, Any]]] = []  # (position, source index, entry)
    notes: list[str] = []
    taken: set[int] = set()
    for gid in sorted(trusted_ids, key=src_index.__getitem__):
        t = src_index[gid]
        lo = max((p for g, p in anchors.items() if src_index[g] < t), default=-1)
        hi = min((p for g, p in anchors.items() if src_index[g] > t), default=len(sub_cells))
        if hi <= lo:  # the submission reordered the source's cells
            hi = len(sub_cells)
        mine = copies.get(gid, [])
        inside = [p for p in mine if lo < p < hi and sub_cells[p].get("cell_type") == "code"]
        entry = trusted(gid)
        assert entry is not None
        if inside:
            position = float(max(inside))
        elif entry["kind"] == "probe":
            position = hi - 0.5  # after whatever the student added below the answer
        else:
            position = lo + 0.5  # set-up first, before the student's own cells
        if inside:
            taken.add(max(inside))
        entry["label"] = f"cell {gid!r}"
        placed.append((position, t, entry))
        for p in mine:
            if p in inside and p == max(inside):
                continue
            taken.add(p)
            if entry["kind"] == "probe":
                where = (
                    i18n.t("grade.label.code_cell", lang, n=code_number[p])
                    if p in code_number
                    else i18n.t("grade.label.named", lang, gid=p + 1)
                )
                notes.append(i18n.t("grade.copy_ignored", lang, gid=repr(gid), where=where))
    seen_solution: set[str] = set()
    for pos, cell in enumerate(sub_cells):
        if cell.get("cell_type") != "code" or pos in taken:
            continue
        gid = grade_id(cell)
        if gid is not None and gid in src_index and gid not in seen_solution:
            seen_solution.add(gid)
            label = f"cell {gid!r}"
        else:
            gid = None
            label = f"code cell {code_number[pos]}"
        entry = {"source": cell_source(cell), "grade_id": gid, "kind": "student", "label": label}
        placed.append((float(pos), -1, entry))
    placed.sort(key=lambda item: (item[0], item[1]))
    cells = [{"index": i, **entry} for i, (_, _, entry) in enumerate(placed)]
    return cells, notes


def build_cells(
    plan: ExercisePlan, submission: dict[str, Any], lang: str = "en"
) -> list[dict[str, Any]]:
    """The code cells to run for ``submission`` (see :func:`arrange_cells`)."""
    return arrange_cells(plan, submission, lang)[0]


# --- step 5: judging ----------------------------------------------------------------------------


class _BadOutput(Exception):
    """Outputs of a probe that are refused before they are judged; carries the catalog message."""

    def __init__(self, key: str, **fields: Any) -> None:
        from actlab.grading.spec import Message

        self.note = Message(key, fields)
        super().__init__(self.note.text("en"))


def read_regular(path: Path, limit: int, offset: int = 0) -> bytes:
    """Up to ``limit`` bytes of the regular file ``path`` from ``offset``.

    A symlink (which would lead elsewhere) or a FIFO (on which a read would block forever) is
    refused with ``OSError``, as is a file larger than ``limit`` when read from the start.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if offset == 0 and info.st_size > limit:
            raise OSError(f"{path.name} is larger than {limit} bytes")
        return os.pread(fd, limit, offset)
    finally:
        os.close(fd)


class SubmissionTooLarge(OSError):
    """A submission file larger than :data:`SUBMISSION_LIMIT`."""


def read_submission(path: str | os.PathLike[str], limit: int = SUBMISSION_LIMIT) -> bytes:
    """The bytes of the submission at ``path`` (symlinks followed, as for any path given).

    Raises ``OSError`` for what is not a regular file (a FIFO, on which a read would block the
    batch, or a device), and :class:`SubmissionTooLarge` for a file larger than ``limit``, which
    is never read whole.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{os.fsdecode(path)!r} is not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise SubmissionTooLarge(
                f"the file is larger than {limit // 2**20} MiB: clear its outputs and submit it "
                "again"
            )
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_npz(raw: bytes, limit: int) -> None:
    """Refuse an ``.npz`` whose members would decode to more than ``limit`` bytes, or whose arrays
    are not plain numbers or text, before anything is decoded."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _BadOutput("grade.output.unreadable", error=type(exc).__name__) from None
    if len(infos) > 256:
        raise _BadOutput("grade.output.too_many")
    if sum(i.file_size for i in infos) > limit:
        raise _BadOutput("grade.output.too_large", mib=limit // 2**20)
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise _BadOutput("grade.output.not_arrays")
        try:
            with archive.open(info) as fh:
                head = io.BytesIO(fh.read(min(info.file_size, 1 << 16)))
            version = np.lib.format.read_magic(head)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _fortran, dtype = read(head)
        except Exception as exc:  # noqa: BLE001 -- corrupt or forged members
            raise _BadOutput("grade.output.unreadable", error=type(exc).__name__) from None
        if dtype.hasobject or dtype.kind not in _PLAIN_KINDS:
            raise _BadOutput("grade.output.objects")
        # exact integers (np.prod wraps around); a zero-width dtype (<U0) holds any number of
        # elements in no bytes, so the count is bounded too
        count = math.prod(shape)
        if count > limit or head.tell() + count * dtype.itemsize != info.file_size:
            raise _BadOutput("grade.output.wrong_size")


def load_outputs(source: Path | bytes, limit: int = _OUTPUT_FILE_LIMIT) -> dict[str, np.ndarray]:
    """Load a probe's ``.npz`` (a path or its bytes) without pickle; refuse anything but plain
    numeric or text arrays, and anything that would decode to more than ``limit`` bytes."""
    try:
        if isinstance(source, bytes):
            raw = source
        else:
            try:
                raw = read_regular(source, limit)
            except OSError as exc:
                raise _BadOutput("grade.output.unreadable", error=str(exc)) from None
        _check_npz(raw, limit)
        outputs: dict[str, np.ndarray] = {}
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            for key in data.files:
                arr = data[key]
                if type(arr) is not np.ndarray or arr.dtype.kind not in _PLAIN_KINDS:
                    raise _BadOutput("grade.output.not_numbers")
                outputs[key] = arr
        return outputs
    except _BadOutput:
        raise
    except Exception as exc:  # noqa: BLE001 -- corrupt, truncated or forged files
        raise _BadOutput("grade.output.unreadable", error=type(exc).__name__) from None


def _collapse(messages: list[str], lang: str = "en") -> list[str]:
    """Merge repeated messages ("f [1]: x", "f [2]: x" -> "f: x (2 checks)")."""
    import re

    counts: dict[str, int] = {}
    for m in messages:
        key = re.sub(r" \[\d+\]:", ":", m, count=1)
        counts[key] = counts.get(key, 0) + 1
    return [k if n == 1 else i18n.t("grade.checks", lang, message=k, n=n) for k, n in counts.items()]


def _shown(items: list[str], lang: str = "en", limit: int = 3) -> str:
    shown = separator(lang).join(items[:limit])
    if len(items) > limit:
        return i18n.t("grade.and_more", lang, shown=shown, n=len(items) - limit)
    return shown


def _violation_message(findings: list[str], lang: str = "en") -> str:
    return i18n.t("grade.violation", lang, findings=_shown(findings, lang))


def judge_test(
    test: TestCell,
    replies: dict[int, ProbeReply],
    missing: str | Message | None = None,
    findings: list[Finding] | None = None,
    lang: str = "en",
) -> TestResult:
    """Judge test cell ``test`` from the kernel's replies to its probe (by check number).

    Args:
        missing: the message for a check without a reply (default: its probe did not run to
            the end).
        findings: what the static scan found forbidden in this question's answer.
        lang: the language of the messages, the submission's.
    """
    from actlab.grading.spec import Verdict, get_check

    if missing is None:
        missing = Message("grade.no_result.unfinished")
    messages = []
    passed = True
    violations: dict[str, None] = {
        finding_text(f.what, f.code, f.where, lang): None for f in findings or []
    }
    # what the kernel saw at run time adds to the static findings only where they found nothing
    seen_at_run_time: dict[str, None] = {}
    for k, call in enumerate(test.calls):
        label = call.name if len(test.calls) == 1 else f"{call.name} [{k + 1}]"
        reply = replies.get(k)
        if reply is None:
            verdict = Verdict.fail(missing)
        elif reply.conflict:
            verdict = Verdict.fail("grade.answered_twice")
        elif not reply.ok:
            # the probe's error was made into text in the kernel, in the submission's language
            error = reply.error
            verdict = Verdict.fail(Message.plain(error) if error else Message("grade.probe_failed"))
        else:
            for v in reply.violations:
                seen_at_run_time.setdefault(translate(v, lang), None)
            try:
                outputs = load_outputs(reply.payload)
                verdict = get_check(call.name).judge(outputs, **call.case)
                if not isinstance(verdict, Verdict):
                    verdict = Verdict.fail("grade.no_verdict")
            except _BadOutput as exc:
                verdict = Verdict.fail(exc.note)
            except Exception as exc:  # noqa: BLE001 -- a judge must not stop the batch
                verdict = Verdict.fail("grade.unjudgeable", error=f"{type(exc).__name__}: {exc}")
        if not verdict.passed:
            passed = False
            messages.append(f"{label}: {verdict.text(lang)}")
        elif len(test.calls) == 1:
            messages.append(f"{label}: {verdict.text(lang)}")
    if not violations:
        violations = seen_at_run_time
    if violations:
        return TestResult(
            test.grade_id, 0.0, test.points, False, _violation_message(list(violations), lang),
            test.describe(lang),
        )  # fmt: skip
    message = (
        join_messages(_collapse(messages, lang)) if messages else i18n.t("grade.all_passed", lang)
    )
    return TestResult(
        grade_id=test.grade_id,
        points=test.points if passed else 0.0,
        max_points=test.points,
        passed=passed,
        message=message,
        description=test.describe(lang),
    )


# --- one submission, and a batch ----------------------------------------------------------------


def file_key(path: str, data: bytes, plan: ExercisePlan, settings: Settings | None = None) -> str:
    """The resume key of a submission: its path as given, its bytes, the exercise's source, the
    settings that decide a grade, and the grader's version."""
    h = hashlib.sha256()
    source_bytes = json.dumps(plan.source or plan.notebook, sort_keys=True).encode()
    parts = (
        os.fsencode(path),
        data,
        plan.exercise.encode(),
        source_bytes,
        (settings or Settings()).describe().encode(),
        grader_version().encode(),
    )
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _is_setup_cell(cell: dict[str, Any]) -> bool:
    """A locked code cell of the instructor's that is neither a solution nor a test."""
    return (
        cell.get("cell_type") == "code"
        and grade_id(cell) is not None
        and is_locked(cell)
        and not is_solution(cell)
        and not is_test(cell)
    )


def _top_level_imports(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # magics, or a cell that is not plain Python
        return []
    modules = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
    return modules


def required_modules(plan: ExercisePlan) -> list[str]:
    """What every kernel of ``plan`` must be able to import before any student code runs: the
    grading machinery, the exercise's checks, and what the locked set-up cells import. A failure
    to import one of these is the course's problem, never the student's."""
    modules = [
        "numpy",
        "IPython.core.interactiveshell",
        "actlab.grading.spec",
        "actlab.grading.probe",
        "actlab.grading.guard",
        "actlab.grading.checks",
        *plan.check_modules,
    ]
    for cell in plan.notebook["cells"]:
        if _is_setup_cell(cell):
            modules += _top_level_imports(cell_source(cell))
    return list(dict.fromkeys(modules))


def exercise_imports(plan: ExercisePlan) -> list[str]:
    """Every module the exercise needs: the required ones, and what any code cell of the source
    imports at top level (solutions included). ``actlab info --self-test`` imports these."""
    modules = required_modules(plan)
    for cell in plan.notebook["cells"]:
        if cell.get("cell_type") == "code":
            modules += _top_level_imports(cell_source(cell))
    return list(dict.fromkeys(modules))


def preload_modules(plan: ExercisePlan) -> list[str]:
    """The modules a warm sandbox imports for ``plan``: the required ones, and every module the
    source notebook's code cells import at top level."""
    import ast

    modules = required_modules(plan)
    for cell in plan.notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.append(node.module)
                modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(modules))


class _Poison:
    """Poison files for the forbidden modules of one exercise, made once per batch."""

    def __init__(self, modules: tuple[str, ...]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"actlab-poison-{os.getpid()}-"))
        self.empty = self.dir / "empty"
        self.empty.write_bytes(b"")
        self.files: dict[Path, Path] = {}
        for i, name in enumerate(modules):
            target = module_file(name)
            poison = self.dir / f"{i}_{target.name}"
            poison.write_text(poison_source(name), encoding="utf-8")
            self.files[target] = poison

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class Grader:
    """Grades submissions of one exercise. Make one per batch; call :meth:`close` at the end."""

    def __init__(self, plan: ExercisePlan, settings: Settings | None = None) -> None:
        self.plan = plan
        self.settings = settings or Settings()
        if self.settings.sandbox:
            status = sandbox_status()
            if not status.available:
                raise SandboxUnavailable(
                    f"cannot grade in a sandbox: {status.reason}. Install bubblewrap, or pass "
                    "--no-sandbox to run student code unconfined (unsafe)"
                )
        self.poison = _Poison(plan.forbidden) if self.settings.sandbox else None
        self.preload = preload_modules(plan)
        self.required = required_modules(plan)
        self.setup_cells = [cell_source(c) for c in plan.notebook["cells"] if _is_setup_cell(c)]
        self._idle: queue.SimpleQueue[Sandbox] = queue.SimpleQueue()
        self._boxes: list[Sandbox] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            boxes, self._boxes = self._boxes, []
        for box in boxes:
            box.close()
        if self.poison is not None:
            self.poison.cleanup()
            self.poison = None

    def __enter__(self) -> Grader:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sandboxes

    def _new_box(self, warm: bool) -> Sandbox:
        poison = (self.poison.files, self.poison.empty) if self.poison is not None else None
        box = Sandbox(
            self.settings.limits,
            poison,
            self.preload if warm else None,
            self.setup_cells if warm else None,
            confined=self.settings.sandbox,
            required=self.required,
        )
        with self._lock:
            self._boxes = [b for b in self._boxes if b.alive]
            self._boxes.append(box)
        return box

    def _take(self) -> tuple[Sandbox, bool]:
        """A sandbox for one submission, and whether to give it back afterwards."""
        warm = self.settings.sandbox and self.settings.preload
        if warm:
            while True:
                try:
                    box = self._idle.get_nowait()
                except queue.Empty:
                    break
                if box.alive:
                    return box, True
        return self._new_box(warm), warm

    def _give_back(self, box: Sandbox, reuse: bool) -> None:
        if reuse and box.alive:
            self._idle.put(box)
            return
        box.close()
        with self._lock:
            self._boxes = [b for b in self._boxes if b is not box]

    def kernel_config(self) -> dict[str, Any]:
        limits = self.settings.limits
        rlimits: dict[str, Any] = {
            "file_bytes": limits.file_bytes,
            "open_files": limits.open_files,
            "cpu_seconds": int(self.settings.timeout) + 5,
        }
        from actlab.grading.sandbox import JobCgroup

        # RLIMIT_NPROC only where it is the process limit (no pids cgroup, not root): elsewhere
        # the cgroup does the job, and root ignores it. It counts the sandbox's own processes
        # too (bwrap's init, the supervisor), hence the slack, as in the pids cgroup; the
        # grader's watchdog stops the submission once its own tasks reach the limit.
        if self.settings.sandbox and os.getuid() != 0 and not JobCgroup.available():
            rlimits["processes"] = limits.processes + 8
        return {
            "limits": rlimits,
            "cell_timeout": self.settings.cell_timeout,
            "output_limit": limits.cell_output_chars,
            "required": self.required,
        }

    def run_cells(self, cells: list[dict[str, Any]]) -> KernelRun:
        """Run ``cells`` (as :func:`arrange_cells` makes them) the way :meth:`grade` runs a
        submission, and return what the kernel reported; nothing is judged."""
        box, reuse = self._take()
        try:
            return box.run(cells, self.kernel_config(), self.settings)
        finally:
            self._give_back(box, reuse)

    # --- grading

    def _invalid(
        self, submission: str, message: str, started: float, lang: str = "en"
    ) -> GradeResult:
        reason = i18n.t("grade.not_graded", lang, reason=translate(message, lang))
        tests = [
            TestResult(test.grade_id, 0.0, test.points, False, reason, test.describe(lang))
            for test in self.plan.tests
        ]
        return GradeResult(
            submission, self.plan.exercise, "invalid", 0.0, self.plan.max_points, tests, message,
            seconds=time.monotonic() - started, lang=lang,
        ).cleaned()  # fmt: skip

    def check_submission(self, submission: str, data: bytes) -> dict[str, Any]:
        """Parse ``data`` and make sure it is a notebook of this exercise (else InvalidNotebook)."""
        nb = loads_notebook(data, submission)
        name = exercise_metadata(nb).get("exercise")
        if name is not None and name != self.plan.exercise:
            raise InvalidNotebook(
                f"{submission}: this notebook is exercise {name!r}, not {self.plan.exercise!r}"
            )
        if name is None:
            ids = {grade_id(c) for c in nb["cells"]} - {None}
            if not ids & {grade_id(c) for c in self.plan.notebook["cells"]}:
                raise InvalidNotebook(
                    f"{submission}: no cell of exercise {self.plan.exercise!r} in this notebook"
                )
        return nb

    def grade(self, submission: str, data: bytes | None = None) -> GradeResult:
        """Grade the notebook at path ``submission`` (or its bytes ``data``)."""
        started = time.monotonic()
        try:
            _refuse_links(submission, self.plan.path)
            if data is None:
                data = read_submission(submission)
            if len(data) > SUBMISSION_LIMIT:
                raise SubmissionTooLarge(
                    f"the file is larger than {SUBMISSION_LIMIT // 2**20} MiB: clear its outputs "
                    "and submit it again"
                )
            nb = self.check_submission(submission, data)
        except OSError as exc:
            lang = self.settings.language(None)
            return self._invalid(
                submission, f"cannot be read ({exc.strerror or exc})", started, lang
            )
        except InvalidNotebook as exc:
            lang = self.settings.language(_metadata_only(data))
            return self._invalid(
                submission, str(exc).removeprefix(f"{submission}: "), started, lang
            )
        lang = self.settings.language(nb)
        cells, notes = arrange_cells(self.plan, nb, lang)
        findings = scan_cells(cells, self.plan.tests)
        try:
            run = self.run_cells(cells)
        except SandboxFailed as exc:
            seconds = time.monotonic() - started
            return error_result(self.plan, submission, str(exc), seconds=seconds, lang=lang)
        return self._result(submission, cells, notes, findings, run, started, lang)

    def _result(
        self,
        submission: str,
        cells: list[dict[str, Any]],
        notes: list[str],
        scan: Scan,
        run: KernelRun,
        started: float,
        lang: str = "en",
    ) -> GradeResult:
        tamper = [finding_text(f.what, f.code, f.where, lang) for f in scan.tamper]
        tamper += [
            i18n.t("grade.finding.seen_running", lang, event=a) for a in dict.fromkeys(run.audits)
        ]
        probe_cells = {c["grade_id"]: c for c in cells if c["kind"] == "probe"}
        tests = []
        for test in self.plan.tests:
            cell = probe_cells[test.grade_id]
            index = cell["index"]
            if tamper:
                tests.append(
                    TestResult(
                        test.grade_id,
                        0.0,
                        test.points,
                        False,
                        i18n.t("grade.tamper", lang, findings=_shown(tamper, lang)),
                        test.describe(lang),
                    )
                )
                continue
            missing: Message
            if index not in run.reached and index not in run.probes:
                why = (
                    translate(run.message, lang) if run.message else Message("grade.kernel_stopped")
                )
                missing = Message("grade.no_result.not_run", {"why": why})
            elif index in run.cell_errors:
                missing = Message("grade.no_result.stopped", {"error": run.cell_errors[index]})
            else:
                missing = Message("grade.no_result.unfinished")
            tests.append(
                judge_test(
                    test, run.probes.get(index, {}), missing, scan.per_test.get(test.grade_id), lang
                )
            )
        cell_errors = [
            f"{translate(c['label'], lang)}: {run.cell_errors[c['index']]}"
            for c in cells
            if c["index"] in run.cell_errors and c["kind"] != "probe"
        ]
        return GradeResult(
            submission=submission,
            exercise=self.plan.exercise,
            status=run.status,
            points=sum(t.points for t in tests),
            max_points=self.plan.max_points,
            tests=tests,
            message=run.message,
            cell_errors=cell_errors[:20],
            seconds=time.monotonic() - started,
            notes=notes,
            lang=lang,
        ).cleaned()


def _refuse_links(submission: str, source: Path) -> None:
    """Raise ``OSError`` for a submission that is a symbolic link, or that leads to the exercise's
    source notebook through one (a linked folder): an archive of submissions can hold a link to
    another student's notebook, or to the source, whose solutions score full marks. The source
    given by its own path is graded (the course's checks grade its solutions)."""
    if os.path.islink(submission):
        raise OSError("it is a symbolic link; grade the file it leads to, if it is the student's")
    if os.path.abspath(submission) != os.path.abspath(source) and os.path.realpath(
        submission
    ) == os.path.realpath(source):
        raise OSError("it leads to the exercise's source notebook through a symbolic link")


def _metadata_only(data: bytes | None) -> dict[str, Any] | None:
    """A notebook's JSON, or None, for reading the language of one the grader refuses."""
    try:
        nb = json.loads(data or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return nb if isinstance(nb, dict) else None
