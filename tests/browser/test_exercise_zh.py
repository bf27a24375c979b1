"""A learner works on the Chinese edition of an exercise in JupyterLab: opens their own copy
``work/NAME.zh-CN.ipynb``, types a wrong answer, runs it, and reads the check's feedback in Chinese,
drawn in real glyphs; then the right answer passes, in Chinese too.

The answers are the instructor's solution from the Chinese view of the source (fences removed) and
that solution with its operands swapped, ``W @ x``: the (n, d)(d, h) shape mix-up, which the check
names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jlab import glyphs, notebook, open_notebook, run_all
from labserver import REPO, LabServer
from playwright.sync_api import Locator, Page
from test_exercise import _editor_text, _index, _output_text, _type_into

from actlab.grading.languages import language_view
from actlab.grading.notebook import read_notebook

EXERCISE = "01_dense_layer"
ANSWER_ID = "dense_forward"
TEST_ID = "test_dense_forward"
CORRECT_LINE = "return x @ W + b"
WRONG_LINE = "return W @ x + b"
SYMPTOM = "dense_forward相乘的矩阵形状接不上"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_solution(grade_id: str) -> str:
    view = language_view(read_notebook(REPO / "exercises" / "source" / f"{EXERCISE}.ipynb"), "zh")
    text = "".join(view["cells"][_index(view["cells"], grade_id)]["source"])
    lines = [line for line in text.splitlines() if "### BEGIN SOLUTION" not in line]
    return "\n".join(line for line in lines if "### END SOLUTION" not in line)


def _feedback_element(test: Locator) -> Locator:
    return test.locator(".jp-OutputArea-output").last


def test_the_chinese_exercise_gives_chinese_feedback_in_real_glyphs(
    lab_server: LabServer, page: Page, artifacts: Path
) -> None:
    copy = lab_server.root / "work" / f"{EXERCISE}.zh-CN.ipynb"
    if not copy.exists():
        pytest.skip(f"exercises/release/{EXERCISE}.zh-CN.ipynb is not in the repository yet")
    cells_json = read_notebook(copy)["cells"]
    answer_at, test_at = _index(cells_json, ANSWER_ID), _index(cells_json, TEST_ID)
    correct = _chinese_solution(ANSWER_ID)
    assert CORRECT_LINE in correct and _CJK.search(correct), "the Chinese solution changed"

    open_notebook(page, lab_server.lab_url(f"work/{EXERCISE}.zh-CN.ipynb"))
    cells = notebook(page).locator(".jp-Cell")
    answer, test = cells.nth(answer_at), cells.nth(test_at)
    editor = _editor_text(answer)
    assert "raise NotImplementedError()" in editor and "一个小批量的仿射变换" in editor

    _type_into(page, answer, correct.replace(CORRECT_LINE, WRONG_LINE))
    run_all(page)
    feedback = _output_text(test)
    assert "AssertionError" in feedback, feedback
    assert SYMPTOM in feedback, feedback
    assert "请检查操作数的顺序" in feedback and "x (4, 3), W (3, 2), b (2,)" in feedback
    assert "\N{CHECK MARK}" not in feedback
    chinese = "".join(dict.fromkeys(_CJK.findall(feedback)))
    assert len(chinese) >= 20, feedback
    report = glyphs(_feedback_element(test), chinese)
    assert report.renders, f"the Chinese feedback does not render in real glyphs: {report}"
    test.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise_feedback_zh.png"))

    _type_into(page, answer, correct)
    run_all(page)
    passed = _output_text(test)
    assert f"\N{CHECK MARK} {ANSWER_ID}: 通过" in passed, passed
    assert "Error" not in passed, passed
