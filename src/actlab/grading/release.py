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

A release notebook that differs from what would be written (a stale one, or one a learner worked
in) is overwritten only when asked (``force``).

**One release per language.** A bilingual source (:mod:`actlab.grading.languages`) gives
``NAME.ipynb`` (English) and ``NAME.zh-CN.ipynb`` (简体中文): each is the release of that language's
view, with ``metadata.actlab.lang`` saying which, so that ``check``, ``actlab validate`` and the
grader's feedback speak it. Both have the same cells, code, tests and points.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

from actlab.grading.languages import language_view, release_name, source_languages
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
    "ReleaseRefused",
    "release_all",
    "release_exercise",
    "release_notebook",
    "release_views",
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


class ReleaseRefused(ReleaseError):
    """A release notebook differs from what ``actlab release`` would write: a learner may have
    worked in it, so it is not overwritten without ``force``."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        names = ", ".join(str(p) for p in paths)
        super().__init__(
            f"not overwritten, because they differ from what this release would write: {names}. "
            "If the sources changed, run 'actlab release --force'. If someone worked in these "
            "files, copy that work elsewhere first: release notebooks are for handing out, "
            "learners work on copies"
        )


def release_views(source_nb: dict[str, Any], where: str = "notebook") -> dict[str, dict[str, Any]]:
    """The student version of ``source_nb`` in each of its languages, by file name suffix:
    ``{"en": ..., "zh": ...}`` (``{"en": ...}`` for an English-only source)."""
    try:
        langs = source_languages(source_nb)
    except ValueError as exc:
        raise ReleaseError(f"{where}: {exc}") from None
    return {lang: release_notebook(language_view(source_nb, lang), where) for lang in langs}


def _outputs(source: Path, release_dir: Path) -> dict[Path, str]:
    """What releasing ``source`` writes: each release path and its text."""
    views = release_views(read_notebook(source), str(source))
    return {
        release_dir / release_name(source.stem, lang): dumps_notebook(nb)
        for lang, nb in views.items()
    }


def release_exercise(
    source: str | os.PathLike[str], release_dir: str | os.PathLike[str], force: bool = False
) -> list[Path]:
    """Write the student versions of the source notebook ``source`` into ``release_dir``, one per
    language (``NAME.ipynb``, ``NAME.zh-CN.ipynb``); returns their paths.

    An existing release notebook that differs from the new one is overwritten only with
    ``force`` (else :class:`ReleaseRefused`, and nothing is written).
    """
    outputs = _outputs(Path(source), Path(release_dir))
    if not force:
        refused = [path for path, text in outputs.items() if _differs(path, text)]
        if refused:
            raise ReleaseRefused(refused)
    for path, text in outputs.items():
        _write_text(path, text)
    return list(outputs)


def _write_text(path: Path, text: str) -> None:
    from actlab.grading.notebook import loads_notebook

    write_notebook(loads_notebook(text, str(path)), path)


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError):
        return True


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
    force: bool = False,
) -> list[Path]:
    """Release every source notebook (or only ``exercise``), in each of its languages; returns
    the paths written.

    Without ``force``, nothing is written if any existing release notebook differs from what
    would be written (:class:`ReleaseRefused` lists them all).
    """
    sources = _sources(Path(source_dir), exercise)
    outputs: dict[Path, str] = {}
    for path in sources:
        outputs.update(_outputs(path, Path(release_dir)))
    if not force:
        refused = [path for path, text in outputs.items() if _differs(path, text)]
        if refused:
            raise ReleaseRefused(refused)
    for path, text in outputs.items():
        _write_text(path, text)
    return list(outputs)


def stale_releases(
    source_dir: str | os.PathLike[str], release_dir: str | os.PathLike[str]
) -> list[str]:
    """The release notebooks (by name without ``.ipynb``: ``02_stable_sigmoid_tanh``,
    ``02_stable_sigmoid_tanh.zh-CN``) that differ from a fresh release, or are missing."""
    stale = []
    for source in _sources(Path(source_dir), None):
        for path, text in _outputs(source, Path(release_dir)).items():
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name.removesuffix(".ipynb"))
    return stale
