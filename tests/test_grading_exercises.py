"""Every exercise under the grader: the solution earns full marks, the release earns zero, in
English and in Chinese.

Parametrised over ``exercises/source/*.ipynb``. Each source notebook is graded as a submission (its
solutions in place) and so is its release, in the sandbox, the way ``actlab grade`` does; so are
the Chinese view of the source (solutions in place) and the Chinese release, which must earn the
same points test by test, with their feedback in Chinese. Also: the committed releases are not
stale, and a release notebook runs up to its first ``NotImplementedError`` (or a check that
reports one) and fails in no other way.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from actlab.grading.grader import Grader, Settings
from actlab.grading.languages import language_view
from actlab.grading.notebook import cell_source, read_notebook, write_notebook
from actlab.grading.plan import ExercisePlan, load_plan
from actlab.grading.release import release_notebook, release_views, stale_releases
from actlab.grading.sandbox import sandbox_status

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "exercises" / "source"
RELEASE = REPO / "exercises" / "release"
EXERCISES = sorted(p.stem for p in SOURCE.glob("*.ipynb"))
SETTINGS = Settings(timeout=300, cell_timeout=120)

pytestmark = pytest.mark.skipif(not EXERCISES, reason="no exercises in exercises/source yet")


def _require_sandbox() -> None:
    status = sandbox_status()
    if not status.available:
        if os.environ.get("CI"):
            pytest.fail(f"the grading sandbox must be available in CI: {status.reason}")
        pytest.skip(f"no grading sandbox here: {status.reason}")


def _release_cells(plan: ExercisePlan) -> list[dict[str, Any]]:
    """The release's code cells as a learner runs them: test cells as written, no probes."""
    code = [c for c in release_notebook(plan.notebook)["cells"] if c["cell_type"] == "code"]
    return [
        {"index": i, "label": f"code cell {i + 1}", "source": cell_source(c), "grade_id": None,
         "kind": "student"}
        for i, c in enumerate(code)
    ]  # fmt: skip


def _runs(grader: Grader, paths: dict[str, str]) -> dict[str, Any]:
    try:
        results: dict[str, Any] = {label: grader.grade(path) for label, path in paths.items()}
        results["run"] = grader.run_cells(_release_cells(grader.plan))
        return results
    finally:
        grader.close()  # frees its warm sandbox before the next exercise starts one


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Per exercise: the grade of the solution, of the release, and the learner's run of the
    release; all kernels of all exercises share one pool of two workers."""
    _require_sandbox()
    graders: list[Grader] = []
    futures: dict[tuple[str, str], Future[Any]] = {}
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for name in EXERCISES:
                plan = load_plan(SOURCE / f"{name}.ipynb", name)
                tmp = tmp_path_factory.mktemp(name)
                # Fresh releases: test_release_notebooks_are_up_to_date ties them to the
                # committed ones.
                paths = {"solution": str(SOURCE / f"{name}.ipynb")}
                for lang, nb in release_views(plan.source, name).items():
                    suffix = "" if lang == "en" else f"_{lang}"
                    write_notebook(nb, tmp / f"release{suffix}.ipynb")
                    paths[f"release{suffix}"] = str(tmp / f"release{suffix}.ipynb")
                    if lang != "en":
                        write_notebook(language_view(plan.source, lang), tmp / f"solution{suffix}.ipynb")
                        paths[f"solution{suffix}"] = str(tmp / f"solution{suffix}.ipynb")
                grader = Grader(plan, SETTINGS)
                graders.append(grader)
                # One after the other, so that all run in the same warm sandbox. The learner's
                # run of the release has the forbidden modules poisoned too; that can only add
                # errors (a judge that ran would fail), never hide one.
                futures[name, "graded"] = pool.submit(_runs, grader, paths)
        return {name: fut.result() for (name, _), fut in futures.items()}
    finally:
        for grader in graders:
            grader.close()


def test_release_notebooks_are_up_to_date() -> None:
    assert stale_releases(SOURCE, RELEASE) == [], "run `actlab release` (or make release)"


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_scores_full_marks(graded: dict[str, dict[str, Any]], name: str) -> None:
    result = graded[name]["solution"]
    failing = [f"{t.grade_id}: {t.message}" for t in result.tests if not t.passed]
    assert result.status == "graded", result.message
    assert result.points == result.max_points > 0, failing


@pytest.mark.parametrize("name", EXERCISES)
def test_release_scores_zero(graded: dict[str, dict[str, Any]], name: str) -> None:
    result = graded[name]["release"]
    assert result.status == "graded", result.message
    assert result.points == 0, [t.grade_id for t in result.tests if t.passed]


@pytest.mark.parametrize("name", EXERCISES)
def test_release_is_the_source_without_answers(name: str) -> None:
    source = read_notebook(SOURCE / f"{name}.ipynb")
    released = release_notebook(source)
    text = "\n".join(cell_source(c) for c in released["cells"])
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    for cell in released["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", EXERCISES)
def test_release_runs_to_its_first_not_implemented_error(
    graded: dict[str, dict[str, Any]], name: str
) -> None:
    """The learner's first error is a stub's NotImplementedError, never a broken cell."""
    run = graded[name]["run"]
    assert run.status == "graded", run.message
    assert run.cell_errors, "the release ran without any NotImplementedError"
    first = run.cell_errors[min(run.cell_errors)]
    assert first.startswith("NotImplementedError") or "not implemented" in first, first


@pytest.mark.parametrize("name", EXERCISES)
def test_the_chinese_edition_earns_the_same_points_with_chinese_feedback(
    graded: dict[str, dict[str, Any]], name: str
) -> None:
    runs = graded[name]
    assert "solution_zh" in runs, f"{name} has no Chinese edition"
    for label in ("solution", "release"):
        english, chinese = runs[label], runs[f"{label}_zh"]
        assert chinese.status == "graded", chinese.message
        assert chinese.lang == "zh" and english.lang == "en"
        assert [(t.grade_id, t.points, t.max_points) for t in chinese.tests] == [
            (t.grade_id, t.points, t.max_points) for t in english.tests
        ]
    for test in runs["release_zh"].tests:
        assert "尚未实现" in test.message, test.message
        assert test.description and re.search("[\u4e00-\u9fff]", test.description)
    for test in runs["solution_zh"].tests:
        assert test.message == "全部检查通过" or "通过" in test.message, test.message
