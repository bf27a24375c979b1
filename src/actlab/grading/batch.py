"""Grading many submissions in parallel, recording each result as soon as it is done.

Nothing stops the batch: a submission that cannot be read gets an ``invalid`` row, and any failure
of the grader's own (a sandbox that does not start, the course's imports failing in it, an
exception while grading, writing the feedback or recording the row) gives that submission a row
with status ``error`` and the cause; the other submissions go on.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from actlab.grading.grader import Grader, GradeResult, error_result, file_key, read_submission
from actlab.grading.results import ResultStore
from actlab.i18n import t

__all__ = ["BatchReport", "grade_batch"]


@dataclass
class BatchReport:
    results: list[GradeResult] = field(default_factory=list)
    resumed: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def first_error(self) -> str:
        return next((r.message for r in self.results if r.status == "error"), "")


def _internal_error(grader: Grader, submission: str, exc: BaseException) -> GradeResult:
    where = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    lang = grader.settings.language(None)
    return error_result(grader.plan, submission, f"grader error: {where}", lang=lang)


def _record(store: ResultStore, key: str, result: GradeResult) -> GradeResult:
    """Record ``result``; if that fails, record an ``error`` row that says why instead."""
    try:
        store.record(key, result)
        return result
    except Exception as exc:  # noqa: BLE001 -- the row must be written whatever happened
        plan_tests = result.tests
        note = t("grade.not_recorded", result.lang)
        failed = GradeResult(
            result.submission, result.exercise, "error", 0.0, result.max_points,
            [type(test)(test.grade_id, 0.0, test.max_points, False, note, test.description)
             for test in plan_tests],
            f"grader error while recording the grade: {type(exc).__name__}: {exc}",
            lang=result.lang,
        ).cleaned()  # fmt: skip
        try:
            store.record(key, failed, feedback=False)
        except Exception as again:  # noqa: BLE001
            print(f"actlab grade: could not record {result.submission!r}: {again}", file=sys.stderr)
        return failed


def _read(grader: Grader, path: str) -> tuple[bytes | None, str]:
    """The submission's bytes and its resume key; ``None`` for a file that cannot be read or is
    too large to grade (never resumed: the grader's own read gives its row)."""
    try:
        data = read_submission(path)
    except OSError:
        return None, f"unreadable:{path}"
    return data, file_key(path, data, grader.plan, grader.settings)


def _grade_one(grader: Grader, path: str) -> tuple[GradeResult, str]:
    """Grade ``path`` from the bytes read now, and return them with their key: the row is
    recorded under the key of the bytes that were graded."""
    data, key = _read(grader, path)
    return grader.grade(path, data), key


def grade_batch(
    grader: Grader,
    submissions: list[str],
    store: ResultStore,
    jobs: int,
    progress: bool | None = None,
    regrade: Iterable[str] | None = None,
) -> BatchReport:
    """Grade ``submissions`` with ``jobs`` kernels at a time; each result is stored on completion.

    Submissions already in the store's journal under the same key (path, bytes, exercise source,
    settings, grader version) are not graded again, unless ``regrade`` names their status (or is
    ``{"all"}``). ``progress`` shows a tqdm bar; by default only when stderr is a terminal.
    """
    start = time.monotonic()
    report = BatchReport()
    again = set(regrade or ())
    todo: list[str] = []
    for path in submissions:
        data, key = _read(grader, path)
        done = store.lookup(key) if data is not None else None
        if done is not None and not ("all" in again or done.status in again):
            try:
                store.reuse(done)
            except Exception as exc:  # noqa: BLE001 -- a stale feedback file is not worth a stop
                print(f"actlab grade: feedback of {done.submission!r}: {exc}", file=sys.stderr)
            report.results.append(done)
            report.resumed += 1
        else:
            todo.append(path)
        del data  # a batch holds the bytes of the submissions being graded, no more
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"grading {grader.plan.exercise}", unit="nb")
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            pending: dict[Future[tuple[GradeResult, str]], str] = {}
            for path in todo:
                pending[pool.submit(_grade_one, grader, path)] = path
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    path = pending.pop(fut)
                    try:
                        result, key = fut.result()
                    except Exception as exc:  # noqa: BLE001 -- one failure must not stop the batch
                        result, key = _internal_error(grader, path, exc), f"unreadable:{path}"
                    result = _record(store, key, result)
                    report.results.append(result)
                    if bar is not None:
                        bar.set_postfix_str(f"{Path(path).name}: {result.status}", refresh=False)
                        bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    store.write_csv()
    report.errors = sum(r.status == "error" for r in report.results)
    report.seconds = time.monotonic() - start
    return report
