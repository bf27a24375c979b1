"""Grading many submissions in parallel, recording each result as soon as it is done."""

from __future__ import annotations

import sys
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from actlab.grading.grader import Grader, GradeResult, TestResult, file_key
from actlab.grading.results import ResultStore

__all__ = ["BatchReport", "grade_batch"]


@dataclass
class BatchReport:
    results: list[GradeResult] = field(default_factory=list)
    resumed: int = 0
    internal_errors: int = 0
    seconds: float = 0.0


def _internal_error(grader: Grader, submission: str, exc: BaseException) -> GradeResult:
    plan = grader.plan
    where = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    tests = [
        TestResult(t.grade_id, 0.0, t.points, False, "not graded: grader error", t.description)
        for t in plan.tests
    ]
    return GradeResult(
        submission, plan.exercise, "crashed", 0.0, plan.max_points, tests, f"grader error: {where}"
    )


def grade_batch(
    grader: Grader,
    submissions: list[str],
    store: ResultStore,
    jobs: int,
    progress: bool | None = None,
) -> BatchReport:
    """Grade ``submissions`` with ``jobs`` kernels at a time; each result is stored on completion.

    Submissions already in the store's journal under the same key are not graded again. A
    submission that cannot be read still gets a row (status ``invalid``). ``progress`` shows a tqdm
    bar; by default only when stderr is a terminal.
    """
    start = time.monotonic()
    report = BatchReport()
    todo: list[tuple[str, bytes | None, str]] = []
    for path in submissions:
        try:
            data: bytes | None = Path(path).read_bytes()
        except OSError:
            data = None
        key = file_key(path, data or b"", grader.plan) if data is not None else f"unreadable:{path}"
        done = store.lookup(key) if data is not None else None
        if done is not None:
            store.reuse(done)
            report.results.append(done)
            report.resumed += 1
        else:
            todo.append((path, data, key))
    if progress is None:
        progress = sys.stderr.isatty()
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"grading {grader.plan.exercise}", unit="nb")
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            pending: dict[Future[GradeResult], tuple[str, str]] = {}
            for path, data, key in todo:
                fut = pool.submit(grader.grade, path, data)
                pending[fut] = (path, key)
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    path, key = pending.pop(fut)
                    try:
                        result = fut.result()
                    except Exception as exc:  # noqa: BLE001 -- one failure must not stop the batch
                        result = _internal_error(grader, path, exc)
                        report.internal_errors += 1
                    store.record(key, result)
                    report.results.append(result)
                    if bar is not None:
                        bar.set_postfix_str(f"{Path(path).name}: {result.status}", refresh=False)
                        bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    store.write_csv()
    report.seconds = time.monotonic() - start
    return report
