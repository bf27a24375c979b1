"""Reading and writing exercise notebooks as plain JSON, and their nbgrader cell metadata.

The grader reads notebooks with :mod:`json` rather than :mod:`nbformat`: importing ``nbformat``
costs about three seconds of CPU here (its schema validator pulls in a large dependency), and the
grader only needs the handful of fields checked below. Notebooks are written the way ``nbformat``
writes them (one-space indent, sorted keys, a final newline), so a notebook that round-trips through
either tool keeps the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EXERCISE_NAMES",
    "InvalidNotebook",
    "NotebookCell",
    "cell_source",
    "code_cells",
    "dumps_notebook",
    "exercise_metadata",
    "grade_id",
    "is_locked",
    "is_solution",
    "is_test",
    "loads_notebook",
    "nbgrader_metadata",
    "points",
    "read_notebook",
    "write_notebook",
]

EXERCISE_NAMES = (
    "01_dense_layer",
    "02_stable_sigmoid_tanh",
    "03_relu_backprop",
    "04_leaky_prelu",
    "05_cross_validation",
    "06_dead_units",
    "07_gelu_transformer",
    "08_softmax_cross_entropy",
)

_CELL_TYPES = frozenset({"code", "markdown", "raw"})


class InvalidNotebook(ValueError):
    """A file that is not a usable version-4 notebook; the message says what is wrong."""


def loads_notebook(text: str | bytes, where: str = "notebook") -> dict[str, Any]:
    """Parse notebook JSON and check the structure the grader relies on.

    Args:
        text: the file's contents.
        where: the name used in error messages (usually the path).

    Raises:
        InvalidNotebook: bad JSON (or JSON nested too deeply to parse), a top level that is not an object, an nbformat other than 4,
            or cells without a known ``cell_type`` and a string (or list of strings) ``source``.
    """
    try:
        nb = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidNotebook(f"{where}: not valid notebook JSON ({exc})") from None
    except RecursionError:
        # JSON nested deeper than the interpreter's recursion limit (no notebook is)
        raise InvalidNotebook(f"{where}: not valid notebook JSON (nested too deeply)") from None
    if not isinstance(nb, dict):
        raise InvalidNotebook(f"{where}: the top level is a {type(nb).__name__}, not a notebook")
    version = nb.get("nbformat")
    if version != 4:
        raise InvalidNotebook(f"{where}: nbformat is {version!r}; expected 4")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise InvalidNotebook(f"{where}: 'cells' is missing or not a list")
    if not isinstance(nb.get("metadata", {}), dict):
        raise InvalidNotebook(f"{where}: notebook 'metadata' is not an object")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in _CELL_TYPES:
            raise InvalidNotebook(f"{where}: cell {index} has no valid cell_type")
        source = cell.get("source", "")
        if not (
            isinstance(source, str)
            or (isinstance(source, list) and all(isinstance(s, str) for s in source))
        ):
            raise InvalidNotebook(f"{where}: cell {index} has a source that is not text")
        if not isinstance(cell.get("metadata", {}), dict):
            raise InvalidNotebook(f"{where}: cell {index} has metadata that is not an object")
    return nb


def read_notebook(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check the notebook at ``path`` (see :func:`loads_notebook`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidNotebook(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return loads_notebook(data, str(path))


def dumps_notebook(nb: dict[str, Any]) -> str:
    """Serialise like ``nbformat.writes``: one-space indent, sorted keys, UTF-8, final newline."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_notebook(nb: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``nb`` to ``path`` atomically (temporary file in the same directory, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(dumps_notebook(nb))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cell_source(cell: dict[str, Any]) -> str:
    """The cell's source as one string (notebook JSON may store it as a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def nbgrader_metadata(cell: dict[str, Any]) -> dict[str, Any]:
    """The cell's ``nbgrader`` metadata, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: dict[str, Any]) -> str | None:
    gid = nbgrader_metadata(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def is_solution(cell: dict[str, Any]) -> bool:
    return bool(nbgrader_metadata(cell).get("solution", False))


def is_test(cell: dict[str, Any]) -> bool:
    """A graded code cell that is not a solution: nbgrader's 'autograder tests' cell."""
    meta = nbgrader_metadata(cell)
    return (
        cell.get("cell_type") == "code"
        and bool(meta.get("grade", False))
        and not meta.get("solution", False)
    )


def is_locked(cell: dict[str, Any]) -> bool:
    meta = nbgrader_metadata(cell)
    return bool(meta.get("locked", False)) or (
        bool(meta.get("grade", False)) and not meta.get("solution", False)
    )


def points(cell: dict[str, Any]) -> float:
    value = nbgrader_metadata(cell).get("points", 0)
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def exercise_metadata(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook-level ``actlab`` metadata: ``exercise``, ``chapter``, ``forbidden``..."""
    meta = nb.get("metadata", {}).get("actlab", {})
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class NotebookCell:
    """A code cell as the grader executes it: where it came from and its source."""

    index: int
    source: str
    grade_id: str | None = None
    kind: str = "code"  # "code" (run as written) or "probe" (a test cell's probe)


def code_cells(nb: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            yield index, cell
