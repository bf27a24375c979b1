"""A learner's own copies of the exercises.

The release notebooks in ``exercises/release/`` belong to the course: ``actlab release`` rewrites
them and the tests compare them with the sources. A learner answers in copies under ``work/``
(ignored by git), made once by :func:`copy_exercises`, which never overwrites a copy that exists,
so a learner's answers survive every later ``make lab`` and every update of the course.

A copy is the release notebook with its Markdown links made relative to the work folder, so that
"chapter 3" still opens chapter 3 from ``work/``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RELEASE_DIR", "WORK_DIR", "WorkCopies", "copy_exercises", "course_root", "release_of"]

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


def release_of(course: Path | str, path: Path | str) -> Path:
    """Where ``path``, a file of ``course`` that a notebook links to, comes from: a learner's copy
    ``work/NAME`` is made from ``exercises/release/NAME``; any other path is itself."""
    course, path = Path(course).resolve(), Path(os.path.normpath(Path(course).resolve() / path))
    if path.parent == course / WORK_DIR:
        return course / RELEASE_DIR / path.name
    return path


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def rebase_links(markdown: str, source: Path, target: Path) -> str:
    """``markdown`` with its relative link targets, written for a file in ``source``, rewritten
    for a file in ``target``; a link to another file of ``source`` goes to its copy in
    ``target``. Addresses with a scheme, anchors and absolute paths stay as they are."""

    def rebase(match: re.Match[str]) -> str:
        link = match.group(1)
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|#|/", link):
            return match.group(0)
        path, _, anchor = link.partition("#")
        resolved = Path(os.path.normpath(source / path))
        if resolved.parent == source:  # another exercise: the learner's copy of it
            resolved = target / resolved.name
        moved = Path(os.path.relpath(resolved, target)).as_posix()
        return f"]({moved}{'#' + anchor if anchor else ''})"

    return _LINK.sub(rebase, markdown)


def _work_copy(release: Path, folder: Path) -> bytes:
    nb = json.loads(release.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = rebase_links(text, release.parent.resolve(), folder.resolve())
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


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
            content = _work_copy(release, folder)  # before the file exists: no empty copy
            with target.open("xb") as dst:
                dst.write(content)
        except FileExistsError:
            result.kept.append(target)
        else:
            result.copied.append(target)
    return result
