"""The probe cell of a graded notebook: runs in the student's kernel, writes plain outputs to disk.

The batch grader replaces every test cell by::

    __import__("actlab.grading.probe", fromlist=["run"]).run("<grade_id>")

:func:`run` reads that cell's check calls from ``plan.json`` in the grading directory (the
environment variable ``ACTLAB_GRADING_DIR``, else the working directory), looks the student's objects
up by name in the user namespace, calls each check's ``probe`` through
:func:`~actlab.grading.spec.run_probe`, and writes, for check number ``k`` of the cell,
``out/<grade_id>.<k>.npz`` (plain arrays, saved without pickle) or ``out/<grade_id>.<k>.json`` (an
error record with the message). Each file is written atomically as soon as its probe finishes, so a
later crash loses nothing already done. Nothing here decides a grade: the grader judges the files
in its own process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["PROBE_CELL", "grading_dir", "probe_cell_source", "run"]

PROBE_CELL = '__import__("actlab.grading.probe", fromlist=["run"]).run({gid!r})'
_plan_cache: dict[str, Any] = {}


def probe_cell_source(gid: str) -> str:
    """The source of the probe cell that stands in for test cell ``gid``."""
    return PROBE_CELL.format(gid=gid)


def grading_dir() -> Path:
    return Path(os.environ.get("ACTLAB_GRADING_DIR") or os.getcwd())


def _user_namespace() -> dict[str, Any]:
    try:
        from IPython.core.interactiveshell import InteractiveShell

        if InteractiveShell.initialized():
            return InteractiveShell.instance().user_ns
    except ImportError:
        pass
    return vars(sys.modules["__main__"])


def _write_atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)


def _write_error(out: Path, stem: str, message: str) -> None:
    data = json.dumps({"error": message[:2000]}).encode()
    _write_atomic(out / f"{stem}.json", lambda fh: fh.write(data))


def run(gid: str) -> None:
    """Probe every check of test cell ``gid`` and write the outputs (see the module docstring)."""
    from actlab.grading.spec import ProbeError, get_check, run_probe

    base = grading_dir()
    if "plan" not in _plan_cache:
        _plan_cache["plan"] = json.loads((base / "plan.json").read_text(encoding="utf-8"))
    plan = _plan_cache["plan"]
    out = base / "out"
    out.mkdir(exist_ok=True)
    for module in plan.get("check_modules", []):
        __import__(module)
    namespace = _user_namespace()
    failed = 0
    for k, call in enumerate(plan["tests"][gid]):
        stem = f"{gid}.{k}"
        missing = [name for name in call["objects"] if name not in namespace]
        if missing:
            _write_error(out, stem, f"{', '.join(missing)} is not defined")
            failed += 1
            continue
        objects = tuple(namespace[name] for name in call["objects"])
        try:
            spec = get_check(call["check"])
            outputs = run_probe(spec, objects, call["case"])
        except ProbeError as exc:
            _write_error(out, stem, str(exc))
            failed += 1
            continue
        except KeyboardInterrupt:
            _write_error(out, stem, "interrupted: the code under test took longer than the limit")
            raise
        except Exception as exc:  # noqa: BLE001 -- a check's bug, or objects it cannot handle
            _write_error(out, stem, f"the check could not run: {type(exc).__name__}: {exc}")
            failed += 1
            continue
        arrays = {key: np.asarray(value) for key, value in outputs.items()}
        _write_atomic(out / f"{stem}.npz", lambda fh, arrays=arrays: np.savez(fh, **arrays))
    print(f"probe {gid}: {len(plan['tests'][gid])} check(s) recorded")
