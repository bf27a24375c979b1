"""The computations chapters 3 and 4 write out in a cell agree with the package's functions.

Each test runs the chapter's own cell (found by the comment on its first line), then compares what
it computed with the tested function of ``actlab.experiments`` that the rest of the chapter uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

import actlab.plotting as alp
from actlab.data import digits, moons
from actlab.experiments import cross_validation, dead_units, self_normalisation
from actlab.experiments._fitting import make_mlp64

torch.set_num_threads(1)  # small models: one thread is several times faster

CHAPTER3 = Path(__file__).resolve().parents[1] / "chapters" / "03_selection_and_optimisation.ipynb"


def run_cell(first_line: str, namespace: dict) -> dict:
    """Execute the code cell of chapter 3 whose first line is ``first_line`` in ``namespace``."""
    cells = json.loads(CHAPTER3.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    matches = [s for s in sources if s.splitlines()[0] == first_line]
    assert len(matches) == 1, f"chapter 3 has {len(matches)} cells starting {first_line!r}"
    exec(compile(matches[0], str(CHAPTER3), "exec"), namespace)  # noqa: S102 - the course's own cell
    return namespace


@pytest.fixture(scope="module")
def dead_cell():
    namespace = {"digits": digits, "dead_units": dead_units, "print": lambda *a, **k: None}
    return run_cell(
        "# the dead-unit count, written out: per hidden layer, units whose pre-activation is "
        "<= 0 on every example",
        namespace,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dead_unit_count_agrees_with_negative_units(dead_cell, seed):
    net = make_mlp64([64, 48, 48, 48, 10], "relu", init="he", seed=seed)
    with torch.no_grad():  # biases that make units of every layer dead, layer 1 included
        for lin in (m for m in net if isinstance(m, torch.nn.Linear)):
            lin.bias.copy_(torch.from_numpy(np.random.default_rng(seed).normal(-1.5, 2.0, lin.out_features)))
    X = dead_cell["X_train"]
    counts = dead_cell["dead_per_layer"](net, X)
    expected = [int(m.sum()) for m in dead_units.negative_units(net, X)]
    assert counts == expected
    assert sum(expected) > 0


def test_selu_fixed_point_by_quadrature_agrees_with_the_closed_form():
    namespace = run_cell(
        "# SELU's fixed point, written out: E[selu(z)] and Var[selu(z)] for z ~ N(0, 1) by the "
        "trapezoid rule",
        {"alp": alp, "self_normalisation": self_normalisation, "print": lambda *a, **k: None},
    )
    closed_mean, closed_variance = self_normalisation.selu_moments(0.0, 1.0)
    assert abs(namespace["mean"] - closed_mean) < 1e-8
    assert abs(namespace["variance"] - closed_variance) < 1e-8


def test_cross_validation_loop_agrees_with_the_package():
    namespace = run_cell(
        "# the cross-validation loop, written out: the same stratified folds for every activation",
        {"cross_validation": cross_validation},
    )
    data = moons(90, noise=0.25, seed=3)
    options = {"hidden": (16,), "steps": 20, "lr": 0.05}
    rows = namespace["cv_errors"](data, ["relu", "tanh"], n_splits=3, seeds=(0, 1), **options)
    expected = cross_validation.cross_validate_activations(
        data, ["relu", "tanh"], n_splits=3, seeds=(0, 1), **options
    )["rows"]
    assert rows == expected
