"""A two-question exercise that exercises the grader itself: ``actlab info --self-test`` and tests.

``00_selftest`` asks for ``square(x)`` (1 point) and ``relu(x)`` (2 points). Its reference module,
:mod:`actlab.grading._selftest_reference`, is *forbidden*, so a graded submission that imports it
gets poison. The checks register on import of this module (the notebook names it in
``check_modules``); they do not join the course's own checks.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.spec import ProbeError, Verdict, register

__all__ = ["EXERCISE", "SELFTEST_CHECKS", "solution_notebook", "source_notebook"]

EXERCISE = "00_selftest"
_TOL = 1e-12


def _inputs(case: Mapping[str, Any]) -> np.ndarray:
    if "x" in case:
        return np.asarray(case["x"], dtype=np.float64)
    rng = np.random.default_rng(int(case.get("seed", 0)))
    return rng.standard_normal(int(case.get("n", 7)))


class _Elementwise:
    def __init__(self, name: str, reference: str) -> None:
        self.name = name
        self.reference = reference

    def probe(self, objects: tuple[Any, ...], **case: Any) -> Mapping[str, Any]:
        (fn,) = objects
        if not callable(fn):
            raise ProbeError("check.probe.not_callable", name=self.name, got=type(fn).__name__)
        return {"out": fn(_inputs(case).copy())}

    def judge(self, outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
        from actlab.grading import _selftest_reference

        x = _inputs(case)
        got = np.asarray(outputs.get("out", np.zeros(0)))
        if got.shape != x.shape:
            return Verdict.fail("check.shape", what=self.name, got=got.shape, shape=x.shape)
        if got.dtype.kind != "f":
            return Verdict.fail("check.not_float", what=self.name, dtype=str(got.dtype))
        want = getattr(_selftest_reference, self.reference)(x)
        if not np.allclose(got, want, rtol=_TOL, atol=_TOL):
            if np.any((x < 0) & ~np.isclose(got, want, rtol=_TOL, atol=_TOL)):
                return Verdict.fail("check.selftest.negative", name=self.name)
            return Verdict.fail("check.selftest.wrong", name=self.name)
        return Verdict.ok("check.selftest.right", name=self.name, n=x.size)


SELFTEST_CHECKS = (
    register(_Elementwise("selftest_square", "square")),
    register(_Elementwise("selftest_relu", "relu")),
)


def _code(source: str, **nbgrader: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if nbgrader:
        meta["nbgrader"] = {"schema_version": 3, "task": False, **nbgrader}
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": meta,
        "outputs": [],
        "source": source,
    }


def _md(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


_SOURCE_CELLS = [
    _md("# Self-test exercise\nTwo small questions that check the grader end to end."),
    _code(
        "import numpy as np\n\nimport actlab.grading.selftest  # registers this exercise's checks",
        grade_id="setup", solution=False, grade=False, locked=True, points=0,
    ),
    _md("## Question 1 (1 point)\nWrite `square(x)`, the elementwise square of an array."),
    _code(
        "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
        grade_id="square", solution=True, grade=False, locked=False,
    ),
    _code(
        '"""Check that square is right"""\nfrom actlab.grading import check\n'
        'check("selftest_square", square)\n'
        "### BEGIN HIDDEN TESTS\n"
        'check("selftest_square", square, x=[-3.0, 0.0, 1e150])\n'
        "### END HIDDEN TESTS",
        grade_id="test_square", solution=False, grade=True, locked=True, points=1,
    ),
    _md("## Question 2 (2 points)\nWrite `relu(x)`, zero for negative inputs."),
    _code(
        "def relu(x):\n    ### BEGIN SOLUTION\n    return np.maximum(x, 0.0)\n"
        "    ### END SOLUTION",
        grade_id="relu", solution=True, grade=False, locked=False,
    ),
    _code(
        '"""Check that relu is zero for negative inputs"""\nfrom actlab.grading import check\n'
        'check("selftest_relu", relu)\n'
        "### BEGIN HIDDEN TESTS\n"
        'check("selftest_relu", relu, seed=3, n=50)\n'
        'check("selftest_relu", relu, x=[-1e300, -0.0, 0.0, 2.5])\n'
        "### END HIDDEN TESTS",
        grade_id="test_relu", solution=False, grade=True, locked=True, points=2,
    ),
]  # fmt: skip


def source_notebook() -> dict[str, Any]:
    """The instructor's version of the self-test exercise, as notebook JSON."""
    return {
        "cells": copy.deepcopy(_SOURCE_CELLS),
        "metadata": {
            "actlab": {
                "exercise": EXERCISE,
                "chapter": 0,
                "forbidden": ["actlab.grading._selftest_reference"],
                "check_modules": ["actlab.grading.selftest"],
            },
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


def solution_notebook() -> dict[str, Any]:
    """A submission with the solutions in place (the source minus its hidden tests)."""
    from actlab.grading.release import release_notebook

    source = source_notebook()
    released = release_notebook(source)
    for src, rel in zip(source["cells"], released["cells"], strict=True):
        if src.get("metadata", {}).get("nbgrader", {}).get("solution"):
            rel["source"] = src["source"]
            rel["metadata"]["tags"] = []
    return released
