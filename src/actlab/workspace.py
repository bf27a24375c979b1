"""A learner's own copies of the exercises.

The release notebooks in ``exercises/release/`` belong to the course: ``actlab release`` rewrites
them and the tests compare them with the sources. A learner answers in copies under ``work/``
(ignored by git), made once by :func:`copy_exercises`, which never overwrites a copy that exists,
so a learner's answers survive every later ``make lab`` and every update of the course.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RELEASE_DIR", "WORK_DIR", "WorkCopies", "copy_exercises", "course_root"]

RELEASE_DIR = Path("exercises") / "release"
WORK_DIR = Path("work")


@dataclass
class WorkCopies:
    """What :func:`copy_exercises` did: the copies it made and the ones it left alone."""

    folder: Path
    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def course_root(path: Path | str = ".") -> Path:
    """The course folder at or above ``path``: the one that holds ``index.ipynb`` and the release
    exercises. Raises ``FileNotFoundError`` naming what is missing."""
    start = Path(path).resolve()
    for folder in (start, *start.parents):
        if (folder / "index.ipynb").is_file() and (folder / RELEASE_DIR).is_dir():
            return folder
    raise FileNotFoundError(
        f"{start} is not inside the actlab course: no folder above it holds index.ipynb and "
        f"{RELEASE_DIR}/"
    )


def copy_exercises(course: Path | str, work: Path | str | None = None) -> WorkCopies:
    """Copy every release notebook of ``course`` into ``work`` (default ``course/work``), unless a
    file of that name is already there."""
    course = Path(course)
    folder = Path(work) if work is not None else course / WORK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    result = WorkCopies(folder)
    for release in sorted((course / RELEASE_DIR).glob("*.ipynb")):
        target = folder / release.name
        try:
            # "x" never replaces anything, not even a dangling link left where a copy was
            with release.open("rb") as src, target.open("xb") as dst:
                shutil.copyfileobj(src, dst)
        except FileExistsError:
            result.kept.append(target)
        else:
            result.copied.append(target)
    return result
