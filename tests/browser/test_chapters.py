"""Each chapter in JupyterLab after Run All Cells: no error shows, figures render, the Chinese
title renders, and the explorers it calls are live.

The chapters run in the background from the start of the session (see ``chapters.py``); these
tests come last and read what each chapter showed.
"""

from __future__ import annotations

import pytest

from chapters import RUNS, ChapterBatch


@pytest.mark.parametrize("chapter", list(RUNS))
def test_chapter_runs_in_the_browser(chapter: str, chapter_batch: ChapterBatch) -> None:
    runs = chapter_batch.finish()
    if chapter not in runs:
        pytest.skip(f"chapters/{chapter}.ipynb is not in the repository yet")
    run = runs[chapter]
    if run.error is not None:
        pytest.fail(f"{run.path}: {run.error}")
    assert run.heading is not None and run.heading.renders, (
        f"Chinese heading {RUNS[chapter]!r} does not render with real glyphs: {run.heading}"
    )
    assert run.report is not None
    assert not run.report.stderr, f"{run.path}: cells show errors or stderr:\n" + "\n---\n".join(
        run.report.stderr
    )
    assert not run.report.unexecuted, (
        f"{run.path}: code cells {run.report.unexecuted} did not run (prompts {run.report.prompts})"
    )
    assert run.report.figures >= 1, f"{run.path}: no figure rendered"
    if chapter.endswith(".zh-CN"):
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in run.printed)
        assert cjk >= 50, f"{run.path}: its printed results are not in Chinese:\n{run.printed[:500]}"
    missing = [kind for kind, shown in run.explorers.items() if not shown]
    assert not missing, f"{run.path}: the {missing} explorer shows no figure"
    print(f"{run.path}: Run All took {run.seconds:.1f} s, {run.report.figures} figures")
