"""A learner works on a release exercise in JupyterLab: types an answer, runs, reads the feedback.

The correct answer is the instructor's solution, read from ``exercises/source/`` (fences removed);
the wrong one is that solution without the bias, a mistake whose symptom the check names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jlab import notebook, open_notebook, run_all
from labserver import REPO, LabServer
from playwright.sync_api import Locator, Page

EXERCISE = "01_dense_layer"
ANSWER_ID = "dense_forward"
TEST_ID = "test_dense_forward"
CORRECT_LINE = "return x @ W + b"
WRONG_LINE = "return x @ W"
SYMPTOM = "leaves out the bias"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _index(cells: list[dict], grade_id: str) -> int:
    for i, cell in enumerate(cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise AssertionError(f"no cell with grade_id {grade_id!r}")


def _solution(source_cells: list[dict], grade_id: str) -> str:
    """The instructor's answer cell without its ``### BEGIN/END SOLUTION`` fence lines."""
    text = "".join(source_cells[_index(source_cells, grade_id)]["source"])
    lines = [line for line in text.splitlines() if "### BEGIN SOLUTION" not in line]
    return "\n".join(line for line in lines if "### END SOLUTION" not in line)


def _type_into(page: Page, cell: Locator, text: str) -> None:
    """Replace a code cell's text as a learner would: click into it, select all, type."""
    editor = cell.locator(".cm-content").first
    editor.click()
    page.keyboard.press("Control+a")
    # insert_text types the whole answer at once, without the editor's auto-indent and auto-close.
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")
    assert _editor_text(cell) == text


def _editor_text(cell: Locator) -> str:
    return cell.locator(".cm-content").first.evaluate(
        "el => Array.from(el.querySelectorAll('.cm-line')).map(l => l.textContent).join('\\n')"
    )


def _output_text(cell: Locator) -> str:
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def test_release_exercise_gives_feedback(
    lab_server: LabServer, page: Page, artifacts: Path
) -> None:
    # The learner's own copy in the served course, made from the release when the server started.
    release = lab_server.root / "work" / f"{EXERCISE}.ipynb"
    if not release.exists():
        pytest.skip(f"exercises/release/{EXERCISE}.ipynb is not in the repository yet")
    source_cells = _cells(REPO / "exercises" / "source" / f"{EXERCISE}.ipynb")
    release_cells = _cells(release)
    answer_at, test_at = _index(release_cells, ANSWER_ID), _index(release_cells, TEST_ID)
    first_answer = next(
        i
        for i, cell in enumerate(release_cells)
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    )
    assert answer_at == first_answer, "the exercise's first answer cell moved"
    correct = _solution(source_cells, ANSWER_ID)
    assert CORRECT_LINE in correct, f"the solution no longer contains {CORRECT_LINE!r}"

    open_notebook(page, lab_server.lab_url(f"work/{EXERCISE}.ipynb"))
    cells = notebook(page).locator(".jp-Cell")
    answer, test = cells.nth(answer_at), cells.nth(test_at)
    assert "raise NotImplementedError()" in _editor_text(answer)

    _type_into(page, answer, correct)
    run_all(page)
    passed = _output_text(test)
    assert f"\N{CHECK MARK} {ANSWER_ID}" in passed, passed
    assert "Error" not in passed, passed
    test.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise_pass.png"))

    _type_into(page, answer, correct.replace(CORRECT_LINE, WRONG_LINE))
    run_all(page)
    feedback = _output_text(test)
    assert "AssertionError" in feedback, feedback
    assert SYMPTOM in feedback, feedback
    assert "\N{CHECK MARK}" not in feedback
    test.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise_feedback.png"))
