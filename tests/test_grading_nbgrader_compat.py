"""The exercises work unchanged in nbgrader: its ``generate_assignment`` accepts every source.

Needs the ``compat`` extra (``pip install -e '.[compat]'``); skipped with that reason otherwise.
For every ``exercises/source/*.ipynb`` (and the grader's self-test exercise), real nbgrader
generates the student version, and each of its cells must have the same source as ``actlab
release`` gives, so an instructor can use either tool:

* the bilingual source as it is (both languages' Markdown cells, which have distinct grade ids):
  nbgrader accepts it, and its cells are what ``release_notebook`` makes of it;
* each language's view of the source (``language_view``), which an nbgrader course would use as
  the assignment of that language: nbgrader's student version is, cell for cell and id for id, the
  release notebook ``actlab release`` writes for that language (``NAME.ipynb``,
  ``NAME.zh-CN.ipynb``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from pathlib import Path

import pytest

from actlab.grading import selftest
from actlab.grading.languages import language_view, source_languages
from actlab.grading.notebook import cell_source, read_notebook, write_notebook
from actlab.grading.release import release_notebook, release_views

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "exercises" / "source").glob("*.ipynb"))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config
    except ImportError:
        NbGraderAPI = None


pytestmark = pytest.mark.skipif(
    NbGraderAPI is None,
    reason="nbgrader is not installed (it is in the 'compat' extra: pip install -e '.[compat]')",
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, dict]]:
    """``{assignment: (our release, nbgrader's release)}`` for every source notebook, and for each
    language view of a bilingual one (``NAME-zh``)."""
    course = tmp_path_factory.mktemp("course")
    sources = {p.stem: read_notebook(p) for p in SOURCES}
    sources[selftest.EXERCISE] = selftest.source_notebook()
    ours = {name: release_notebook(nb) for name, nb in sources.items()}
    for path in SOURCES:
        nb = sources[path.stem]
        for lang, released in release_views(nb, path.stem).items():
            sources[f"{path.stem}-{lang}"] = language_view(nb, lang)
            ours[f"{path.stem}-{lang}"] = released
    for name, nb in sources.items():
        write_notebook(nb, course / "source" / name / f"{name}.ipynb")
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = "actlab"
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    results = {}
    with warnings.catch_warnings(), pytest.MonkeyPatch.context() as mp:
        warnings.simplefilter("ignore")
        # nbgrader runs its environment's 'alembic' command from PATH.
        mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        api = NbGraderAPI(config=config)
        api.log.setLevel(logging.ERROR)
        for name in sources:
            outcome = api.generate_assignment(name, force=True)
            assert outcome["success"], f"{name}: {outcome.get('error') or outcome.get('log')}"
            theirs = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
            results[name] = (ours[name], theirs)
    return results


ASSIGNMENTS = [
    *(p.stem for p in SOURCES),
    selftest.EXERCISE,
    *(f"{p.stem}-{lang}" for p in SOURCES for lang in source_languages(read_notebook(p))),
]


def test_every_exercise_is_checked_in_both_languages() -> None:
    assert {a for a in ASSIGNMENTS if a.endswith("-zh")} == {f"{p.stem}-zh" for p in SOURCES}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_nbgrader_generates_the_same_student_version(
    generated: dict[str, tuple[dict, dict]], name: str
) -> None:
    ours, theirs = generated[name]
    assert [c["cell_type"] for c in ours["cells"]] == [c["cell_type"] for c in theirs["cells"]]
    for index, (a, b) in enumerate(zip(ours["cells"], theirs["cells"], strict=True)):
        assert cell_source(a) == cell_source(b), f"{name}, cell {index}"
        ids = (
            a.get("metadata", {}).get("nbgrader", {}).get("grade_id"),
            b.get("metadata", {}).get("nbgrader", {}).get("grade_id"),
        )
        assert ids[0] == ids[1], f"{name}, cell {index}"
