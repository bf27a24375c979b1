"""``actlab release``: the student version of an exercise, made from the instructor's source.

The transformation follows nbgrader's ``generate_assignment`` cell by cell, so a release made here
and one made by nbgrader carry the same cell sources:

* in a solution cell, each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region becomes
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the indentation of the BEGIN line
  (so a solution inside a function body stays inside it); a solution cell without the markers is
  replaced whole; a Markdown solution becomes ``YOUR ANSWER HERE``;
* ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` regions are removed;
* outputs and execution counts are cleared.

Two additions for JupyterLab and nbval: code stubs are tagged ``raises-exception`` (nbval then
expects the ``NotImplementedError``; tags do not enter nbgrader's cell checksum), and locked cells are
marked ``editable: false, deletable: false``. The output is a pure function of the source.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

from actlab.grading.notebook import (
    cell_source,
    dumps_notebook,
    is_locked,
    is_solution,
    is_test,
    read_notebook,
    write_notebook,
)

__all__ = [
    "CODE_STUB",
    "TEXT_STUB",
    "ReleaseError",
    "release_all",
    "release_exercise",
    "release_notebook",
    "stale_releases",
]

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"
BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
RAISES_TAG = "raises-exception"


class ReleaseError(ValueError):
    """The source notebook's markers are inconsistent (nested, unclosed or misplaced)."""


def _replace_fenced(
    source: str, begin: str, end: str, stub: str | None, where: str, unclosed: str
) -> tuple[str, bool]:
    """Replace every ``begin`` ... ``end`` region of ``source`` by ``stub`` (indented like the
    ``begin`` line), or drop it when ``stub`` is None. Returns the new source and whether any
    region was found."""
    new_lines: list[str] = []
    inside = False
    found = False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ReleaseError(f"{where}: nested '### {begin}'")
            inside = found = True
            if stub is not None:
                indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
                new_lines.extend(indent + stub_line for stub_line in stub.split("\n"))
        elif end in line:
            inside = False
        elif not inside:
            new_lines.append(line)
    if inside:
        raise ReleaseError(f"{where}: '### {begin}' without {unclosed}")
    return "\n".join(new_lines), found


def _replace_solution(source: str, stub: str, where: str) -> tuple[str, bool]:
    return _replace_fenced(
        source, BEGIN_SOLUTION, END_SOLUTION, stub, where, f"'### {END_SOLUTION}'"
    )


def _remove_hidden(source: str, where: str) -> tuple[str, bool]:
    return _replace_fenced(source, BEGIN_HIDDEN, END_HIDDEN, None, where, "an END")


def _add_tag(cell: dict[str, Any], tag: str) -> None:
    meta = cell.setdefault("metadata", {})
    tags = list(meta.get("tags", []))
    if tag not in tags:
        tags.append(tag)
    meta["tags"] = sorted(tags)


def release_notebook(source_nb: dict[str, Any], where: str = "notebook") -> dict[str, Any]:
    """Return the student version of ``source_nb`` (which is left unchanged).

    Args:
        source_nb: the instructor's notebook as parsed JSON.
        where: a name for error messages.

    Raises:
        ReleaseError: a solution region outside a solution cell, a hidden-tests region outside a
            test cell, or unbalanced markers.
    """
    nb = copy.deepcopy(source_nb)
    nb.get("metadata", {}).pop("celltoolbar", None)
    for index, cell in enumerate(nb["cells"]):
        at = f"{where}, cell {index}"
        source = cell_source(cell)
        stub = CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB
        solution = is_solution(cell)
        source, replaced = _replace_solution(source, stub, at)
        if replaced and not solution:
            raise ReleaseError(f"{at}: a solution region in a cell not marked as a solution")
        if solution and not replaced:
            source = stub
        source, removed = _remove_hidden(source, at)
        if removed and not is_test(cell):
            raise ReleaseError(f"{at}: a hidden-tests region in a cell that is not a test cell")
        cell["source"] = source
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if solution and "raise NotImplementedError()" in source:
                _add_tag(cell, RAISES_TAG)
        cell.get("metadata", {}).pop("execution", None)
        if is_locked(cell) and not solution:
            cell["metadata"]["editable"] = False
            cell["metadata"]["deletable"] = False
    return nb


def release_exercise(source: str | os.PathLike[str], release_dir: str | os.PathLike[str]) -> Path:
    """Write the student version of the source notebook ``source`` into ``release_dir``."""
    source = Path(source)
    out = Path(release_dir) / source.name
    write_notebook(release_notebook(read_notebook(source), str(source)), out)
    return out


def _sources(source_dir: Path, exercise: str | None) -> list[Path]:
    if exercise is not None:
        path = source_dir / f"{exercise}.ipynb"
        if not path.is_file():
            known = ", ".join(p.stem for p in sorted(source_dir.glob("*.ipynb"))) or "none"
            raise FileNotFoundError(
                f"release: no source notebook {path} (exercises found: {known})"
            )
        return [path]
    paths = sorted(source_dir.glob("*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"release: no source notebooks in {source_dir}")
    return paths


def release_all(
    source_dir: str | os.PathLike[str],
    release_dir: str | os.PathLike[str],
    exercise: str | None = None,
) -> list[Path]:
    """Release every source notebook (or only ``exercise``); returns the paths written."""
    return [release_exercise(p, release_dir) for p in _sources(Path(source_dir), exercise)]


def stale_releases(
    source_dir: str | os.PathLike[str], release_dir: str | os.PathLike[str]
) -> list[str]:
    """Names of the exercises whose committed release differs from a fresh release (or is missing)."""
    stale = []
    for path in _sources(Path(source_dir), None):
        expected = dumps_notebook(release_notebook(read_notebook(path), str(path)))
        released = Path(release_dir) / path.name
        if not released.is_file() or released.read_text(encoding="utf-8") != expected:
            stale.append(path.stem)
    return stale
