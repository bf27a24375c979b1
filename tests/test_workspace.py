"""A learner's copies of the exercises: made once, never overwritten, never through a link."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from actlab.cli import main
from actlab.workspace import RELEASE_DIR, copy_exercises, course_root, release_of


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / RELEASE_DIR).mkdir(parents=True)
    (tmp_path / "index.ipynb").write_text("{}")
    for name in ("01_a", "02_b"):
        (tmp_path / RELEASE_DIR / f"{name}.ipynb").write_text(f'{{"blank": "{name}"}}')
    return tmp_path


def test_copies_each_release_once(course: Path) -> None:
    first = copy_exercises(course)
    assert [p.name for p in first.copied] == ["01_a.ipynb", "02_b.ipynb"]
    assert first.kept == []
    answer = course / "work" / "01_a.ipynb"
    answer.write_text('{"my": "answer"}')
    (course / RELEASE_DIR / "01_a.ipynb").write_text('{"blank": "updated"}')
    (course / RELEASE_DIR / "03_c.ipynb").write_text('{"blank": "new"}')
    second = copy_exercises(course)
    assert [p.name for p in second.copied] == ["03_c.ipynb"]
    assert [p.name for p in second.kept] == ["01_a.ipynb", "02_b.ipynb"]
    assert answer.read_text() == '{"my": "answer"}'


def test_never_writes_through_a_link(
    course: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "target.ipynb"
    (course / "work").mkdir()
    os.symlink(elsewhere, course / "work" / "01_a.ipynb")  # dangling
    result = copy_exercises(course)
    assert [p.name for p in result.kept] == ["01_a.ipynb"]
    assert not elsewhere.exists()


def test_course_root_is_found_from_below_and_refused_elsewhere(
    course: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (course / "chapters").mkdir()
    assert course_root(course / "chapters") == course.resolve()
    with pytest.raises(FileNotFoundError, match=r"index\.ipynb"):
        course_root(tmp_path_factory.mktemp("not_a_course"))


def test_start_without_lab_copies_and_reports(
    course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["start", "--course", str(course), "--no-lab"]) == 0
    assert "copied 2 exercises into work/" in capsys.readouterr().out
    assert main(["start", "--course", str(course), "--no-lab"]) == 0
    assert "kept your 2 notebooks in work/" in capsys.readouterr().out


def test_start_outside_a_course_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["start", "--course", str(tmp_path), "--no-lab"]) == 2
    assert "not inside the actlab course" in capsys.readouterr().err


def test_links_of_a_copy_point_where_the_release_pointed(course: Path) -> None:
    (course / "chapters").mkdir()
    (course / "chapters" / "03_x.ipynb").write_text("{}")
    release = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [
                "See [chapter 3](../../chapters/03_x.ipynb#sec) and [the web](https://a.b/c), ",
                "[above](#top), [a sibling](02_b.ipynb).",
            ]},
            {"cell_type": "code", "metadata": {}, "source": "x = '](../../keep)'", "outputs": [],
             "execution_count": None},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    (course / RELEASE_DIR / "01_a.ipynb").write_text(json.dumps(release))
    copy_exercises(course)
    copy = json.loads((course / "work" / "01_a.ipynb").read_text())
    assert copy["cells"][0]["source"] == (
        "See [chapter 3](../chapters/03_x.ipynb#sec) and [the web](https://a.b/c), "
        "[above](#top), [a sibling](02_b.ipynb)."
    )
    assert copy["cells"][1]["source"] == "x = '](../../keep)'"


def test_every_link_of_the_courses_work_copies_resolves(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    result = copy_exercises(repo, tmp_path / "work")
    assert len(result.copied) >= 16
    for copy in result.copied:
        for cell in json.loads(copy.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for link in re.findall(r"\]\(([^)\s]+)\)", "".join(cell["source"])):
                if re.match(r"[a-z]+:|#", link):
                    continue
                target = (copy.parent / link.split("#")[0]).resolve()
                assert target.exists(), f"{copy.name}: {link} does not resolve from {copy.parent}"


def test_release_of_maps_a_work_copy_to_its_release_notebook(tmp_path: Path) -> None:
    course = tmp_path / "course"
    assert (
        release_of(course, "work/02_x.zh-CN.ipynb")
        == course.resolve() / RELEASE_DIR / "02_x.zh-CN.ipynb"
    )
    assert (
        release_of(course, "chapters/../work/02_x.ipynb")
        == course.resolve() / RELEASE_DIR / "02_x.ipynb"
    )
    assert release_of(course, "chapters/01.ipynb") == course.resolve() / "chapters" / "01.ipynb"
    # only the work folder itself: a notebook in a folder below it is not a copy
    assert release_of(course, "work/sub/a.ipynb") == course.resolve() / "work" / "sub" / "a.ipynb"
