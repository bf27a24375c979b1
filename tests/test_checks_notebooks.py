"""The exercise source notebooks: nbgrader format, the protocol's test cells, and the checks they call.

nbval re-runs these notebooks (solutions in place) and compares the stored outputs; this file checks
what nbval cannot see: metadata, points, the shape of each test cell, visible and hidden cases, and
that every case is one the named check accepts.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

from actlab.grading.spec import get_check

SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
EXERCISES = {
    "01_dense_layer": 1,
    "02_stable_sigmoid_tanh": 2,
    "03_relu_backprop": 2,
    "04_leaky_prelu": 3,
    "05_cross_validation": 3,
    "06_dead_units": 3,
    "07_gelu_transformer": 4,
    "08_softmax_cross_entropy": 3,
}
CHAPTER_FILES = {
    1: "01_overview.ipynb",
    2: "02_common_activations.ipynb",
    3: "03_selection_and_optimisation.ipynb",
    4: "04_applications.ipynb",
}
HEADING = re.compile(r"^## Question (\d+) \((\d+) points?\)", re.MULTILINE)


def _load(name: str) -> dict:
    return json.loads((SOURCE / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_the_eight_exercises_are_there() -> None:
    assert sorted(p.stem for p in SOURCE.glob("*.ipynb")) == sorted(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_notebook_metadata(name: str) -> None:
    meta = _load(name)["metadata"]["actlab"]
    assert meta["exercise"] == name
    assert meta["chapter"] == EXERCISES[name]
    assert "actlab.grading.checks._references" in meta["forbidden"]
    for module in meta["forbidden"]:
        assert importlib.util.find_spec(module) is not None, (
            f"{name}: forbidden {module} is missing"
        )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_nbgrader_cells(name: str) -> None:
    cells = _load(name)["cells"]
    ids = [_nbgrader(c)["grade_id"] for c in cells if _nbgrader(c)]
    assert len(ids) == len(set(ids)), f"{name}: duplicate grade_id"
    for cell in cells:
        meta = _nbgrader(cell)
        if not meta:
            continue
        assert meta["schema_version"] == 3
        src = _source(cell)
        if meta["grade"]:
            assert meta["locked"] and not meta["solution"] and meta["points"] > 0
            assert cell["cell_type"] == "code"
        if meta["solution"]:
            assert not meta["grade"] and not meta["locked"]
            assert src.count("### BEGIN SOLUTION") == src.count("### END SOLUTION") >= 1
        else:
            assert "### BEGIN SOLUTION" not in src
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is not None, f"{name}: a code cell has no stored run"
            assert not any(o.get("output_type") == "error" for o in cell["outputs"])


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_intro_links_the_chapter_and_setup_comes_first(name: str) -> None:
    cells = _load(name)["cells"]
    intro = _source(cells[0])
    assert intro.startswith("# Exercise ")
    assert f"../../chapters/{CHAPTER_FILES[EXERCISES[name]]}" in intro
    first_code = next(c for c in cells if c["cell_type"] == "code")
    meta = _nbgrader(first_code)
    assert meta["locked"] and not meta["grade"] and not meta["solution"]
    assert "import" in _source(first_code)


def _check_calls(src: str) -> list[tuple[ast.Call, bool]]:
    """The check(...) calls of a test cell, each with whether it sits in the hidden block."""
    hidden_lines, inside = set(), False
    for lineno, line in enumerate(src.split("\n"), start=1):
        if "### BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "### END HIDDEN TESTS" in line:
            inside = False
        elif inside:
            hidden_lines.add(lineno)
    tree = ast.parse(src)
    calls = []
    for pos, stmt in enumerate(tree.body):
        if pos == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            assert isinstance(stmt.value.value, str)
            continue
        if isinstance(stmt, ast.ImportFrom):
            assert stmt.module == "actlab.grading" and [a.name for a in stmt.names] == ["check"]
            continue
        assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
        assert isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "check"
        calls.append((stmt.value, stmt.lineno in hidden_lines))
    return calls


def _defined_names(cells: list[dict]) -> set[str]:
    names: set[str] = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_source(cell))):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_test_cells_follow_the_protocol(name: str) -> None:
    cells = _load(name)["cells"]
    defined = _defined_names(cells)
    for cell in cells:
        if not _nbgrader(cell).get("grade"):
            continue
        src = _source(cell)
        assert src.startswith('"""'), "a test cell opens with a docstring saying what it checks"
        calls = _check_calls(src)
        assert any(not hidden for _, hidden in calls), "no visible test"
        assert any(hidden for _, hidden in calls), "no hidden test"
        for call, _hidden in calls:
            check_name = ast.literal_eval(call.args[0])
            spec = get_check(check_name)
            objects = [a.id for a in call.args[1:]]
            assert all(o in defined for o in objects), f"{check_name}: {objects} not all defined"
            assert len(objects) == len(spec.objects)
            case = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
            assert set(case) <= spec.case_keys, f"{check_name}: unknown case keys"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_question_headings_carry_the_points_of_their_tests(name: str) -> None:
    cells = _load(name)["cells"]
    questions: list[list[int]] = []  # [number, announced points, points of its test cells]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            match = HEADING.search(_source(cell))
            if match:
                questions.append([int(match.group(1)), int(match.group(2)), 0])
        elif _nbgrader(cell).get("grade"):
            assert questions, "a test cell before the first question"
            questions[-1][2] += _nbgrader(cell)["points"]
    assert [q[0] for q in questions] == list(range(1, len(questions) + 1))
    for number, announced, tested in questions:
        assert announced == tested, f"question {number}: heading says {announced}, tests {tested}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_grader_reads_the_plan(name: str) -> None:
    from actlab.grading.plan import load_plan

    plan = load_plan(SOURCE / f"{name}.ipynb", name)
    cells = _load(name)["cells"]
    assert plan.max_points == sum(
        _nbgrader(c).get("points", 0) for c in cells if _nbgrader(c).get("grade")
    )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_each_exercise_states_what_its_questions_forbid(name: str) -> None:
    """The intro says what may be used; each question whose test cell forbids something says so
    in its own text, naming the first library or module it forbids (02 and 04 as examples)."""
    cells = _load(name)["cells"]
    intro = _source(cells[0])
    assert "**What you may use.**" in intro or "**What you may not use.**" in intro, name
    question = ""
    for cell in cells:
        if cell["cell_type"] == "markdown" and HEADING.search(_source(cell)):
            question = _source(cell)
        forbidden = cell.get("metadata", {}).get("actlab", {}).get("forbidden", [])
        if not (_nbgrader(cell).get("grade") and forbidden):
            continue
        assert "**Not allowed**" in question, f"{name}: {_nbgrader(cell)['grade_id']}"
        first = forbidden[0].split(".")[0]
        assert first in question or "the same" in question, (name, first)
