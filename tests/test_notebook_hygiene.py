"""Every committed notebook is stored the same way, whoever stored it, and shows a learner nothing
that is only there for the test tools.

- nbval's markers are cell tags (invisible in JupyterLab), never ``# NBVAL_...`` comments.
- No interpreter version in ``language_info``: JupyterLab marks a notebook as modified when the
  stored version differs from its kernel's, and the course's Jupyter server fills in the local one.
- No per-cell execution timings, which change on every run.
- Executed notebooks (the start page, the chapters, the exercise sources) carry outputs, and their
  code cells ran in order, top to bottom, in one kernel.

``python tools/run_notebooks.py`` stores notebooks this way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ALL = sorted(
    path
    for path in REPO.rglob("*.ipynb")
    if not any(part.startswith(".") for part in path.relative_to(REPO).parts)
    and "test-artifacts" not in path.parts
    # the grader's attack fixtures are malformed on purpose
    and "grading_fixtures" not in path.parts
    and "work" != path.relative_to(REPO).parts[0]
)
EXECUTED = [
    path
    for path in ALL
    if path.relative_to(REPO).parts[0] in ("chapters", "index.ipynb", "index.zh-CN.ipynb")
    or path.parent == REPO / "exercises" / "source"
]
NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception", "nbval-check-output"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(REPO)) for path in paths]


def test_the_course_has_notebooks() -> None:
    assert len(EXECUTED) >= 1 + 4 + 7, _ids(EXECUTED)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_nbval_markers_are_tags_not_comments(path: Path) -> None:
    for index, cell in enumerate(_load(path)["cells"]):
        source = "".join(cell["source"])
        assert "NBVAL_" not in source, (
            f"{path.name} cell {index}: an nbval marker written as a comment; use the cell tag"
        )


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_no_interpreter_version_and_no_timings(path: Path) -> None:
    nb = _load(path)
    assert "version" not in nb["metadata"].get("language_info", {}), (
        f"{path.name} stores language_info.version; run tools/run_notebooks.py --normalise-only"
    )
    for index, cell in enumerate(nb["cells"]):
        assert "execution" not in cell.get("metadata", {}), (
            f"{path.name} cell {index} stores execution timings"
        )


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_executed_notebooks_ran_top_to_bottom(path: Path) -> None:
    code = [cell for cell in _load(path)["cells"] if cell["cell_type"] == "code"]
    counts = [cell["execution_count"] for cell in code if "".join(cell["source"]).strip()]
    assert counts, f"{path.name} has no code"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; re-run it with tools/run_notebooks.py"
    )
    assert any(cell["outputs"] for cell in code), f"{path.name} is stored without outputs"


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_tags_are_known(path: Path) -> None:
    for index, cell in enumerate(_load(path)["cells"]):
        for tag in cell.get("metadata", {}).get("tags", []):
            assert tag in NBVAL_TAGS, f"{path.name} cell {index}: unknown tag {tag!r}"
