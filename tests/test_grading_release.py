"""``actlab release``: solutions stubbed at their indentation, hidden tests gone, outputs cleared."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from actlab.grading import selftest
from actlab.grading.notebook import cell_source, dumps_notebook, read_notebook, write_notebook
from actlab.grading.release import (
    ReleaseError,
    release_all,
    release_notebook,
    stale_releases,
)


def _nb(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 4}


def _code(source: str, **nbgrader: object) -> dict:
    meta = {"nbgrader": {"schema_version": 3, **nbgrader}} if nbgrader else {}
    return {
        "cell_type": "code",
        "execution_count": 7,
        "metadata": meta,
        "outputs": [{"output_type": "stream", "name": "stdout", "text": "secret 42\n"}],
        "source": source,
    }


def test_solution_inside_a_function_keeps_its_indentation() -> None:
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    nb = release_notebook(_nb(_code(src, grade_id="f", solution=True)))
    assert cell_source(nb["cells"][0]) == (
        "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    )


def test_solution_cell_without_markers_is_replaced_whole() -> None:
    nb = release_notebook(_nb(_code("answer = 42", grade_id="a", solution=True)))
    assert cell_source(nb["cells"][0]) == "# YOUR CODE HERE\nraise NotImplementedError()"


def test_markdown_solution_becomes_your_answer_here() -> None:
    cell = {"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "m", "solution": True}},
            "source": "Because of the chain rule."}  # fmt: skip
    nb = release_notebook(_nb(cell))
    assert cell_source(nb["cells"][0]) == "YOUR ANSWER HERE"


def test_hidden_tests_are_removed_and_visible_ones_kept() -> None:
    src = 'check("f", f)\n### BEGIN HIDDEN TESTS\ncheck("f", f, x=[1e9])\n### END HIDDEN TESTS'
    nb = release_notebook(_nb(_code(src, grade_id="t", grade=True, solution=False, points=1)))
    assert cell_source(nb["cells"][0]) == 'check("f", f)'


def test_outputs_and_counts_are_cleared_and_stubs_tagged() -> None:
    source = _nb(
        _code("x = 1"),
        _code("### BEGIN SOLUTION\ny = 2\n### END SOLUTION", grade_id="s", solution=True),
        _code("check('f', f)", grade_id="t", grade=True, solution=False, locked=True, points=1),
    )
    nb = release_notebook(source)
    for cell in nb["cells"]:
        assert cell["outputs"] == [] and cell["execution_count"] is None
    assert nb["cells"][1]["metadata"]["tags"] == ["raises-exception"]
    assert "tags" not in nb["cells"][0]["metadata"]
    assert nb["cells"][2]["metadata"]["editable"] is False
    assert nb["cells"][2]["metadata"]["deletable"] is False
    assert source["cells"][0]["outputs"], "the source must not be modified"
    assert "secret" not in dumps_notebook(nb)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (_code("### BEGIN SOLUTION\nx = 1", grade_id="s", solution=True), "without"),
        (_code("### BEGIN SOLUTION\n### BEGIN SOLUTION", grade_id="s", solution=True), "nested"),
        (_code("### BEGIN SOLUTION\nx\n### END SOLUTION"), "not marked as a solution"),
        (_code("### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS"), "not a test cell"),
        (_code("### BEGIN HIDDEN TESTS\n", grade_id="t", grade=True, points=1), "without an END"),
    ],
)
def test_inconsistent_markers_are_refused(cell: dict, message: str) -> None:
    with pytest.raises(ReleaseError, match=message):
        release_notebook(_nb(cell))


def test_release_is_deterministic_and_stale_detection_works(tmp_path: Path) -> None:
    source_dir, release_dir = tmp_path / "source", tmp_path / "release"
    write_notebook(selftest.source_notebook(), source_dir / "00_selftest.ipynb")
    assert stale_releases(source_dir, release_dir) == ["00_selftest"]
    (path,) = release_all(source_dir, release_dir)
    first = path.read_bytes()
    release_all(source_dir, release_dir, "00_selftest")
    assert path.read_bytes() == first
    assert stale_releases(source_dir, release_dir) == []
    nb = read_notebook(source_dir / "00_selftest.ipynb")
    changed = copy.deepcopy(nb)
    changed["cells"][0]["source"] = "# A new title"
    write_notebook(changed, source_dir / "00_selftest.ipynb")
    assert stale_releases(source_dir, release_dir) == ["00_selftest"]


def test_unknown_exercise_is_a_clear_error(tmp_path: Path) -> None:
    write_notebook(selftest.source_notebook(), tmp_path / "00_selftest.ipynb")
    with pytest.raises(FileNotFoundError, match="exercises found: 00_selftest"):
        release_all(tmp_path, tmp_path / "out", "01_nope")
