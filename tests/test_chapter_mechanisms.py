"""The central computations written out in the chapters agree with the package's functions.

A chapter shows a mechanism in a few lines (the backprop recursion, the one-hidden-layer
constructions, the dead-unit count, SELU's fixed point by quadrature, the cross-validation loop)
and then calls the tested function in ``actlab``. These tests take the code from the stored English
notebook, the cell found by its first line, run it on its own, and compare its results with the
package's on several cases, so that the code a learner reads cannot drift from what the package
computes. (The Chinese editions hold the same code: ``tools/editions.py`` checks it.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import actlab.plotting as alp
from actlab.activations.registry import get
from actlab.data import digits, moons
from actlab.experiments import (
    approximation,
    cross_validation,
    dead_units,
    gradients,
    self_normalisation,
)
from actlab.experiments._fitting import make_mlp64

torch.set_num_threads(1)  # small models: one thread is several times faster

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def _cell_namespace(
    notebook: str, first_line: str, namespace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Execute the code cell of ``notebook`` whose first line starts with ``first_line`` in
    ``namespace`` (default: numpy as ``np``) and return the namespace."""
    cells = json.loads((CHAPTERS / notebook).read_text(encoding="utf-8"))["cells"]
    sources = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "".join(c["source"]).startswith(first_line)
    ]
    assert len(sources) == 1, f"{notebook}: expected one cell starting with {first_line!r}"
    namespace = {"np": np} if namespace is None else namespace
    exec(compile(sources[0], f"{notebook}:{first_line}", "exec"), namespace)  # noqa: S102 - the chapter's own code
    return namespace


# chapter 1: one hidden layer by hand


@pytest.fixture(scope="module")
def constructions() -> dict[str, Any]:
    return _cell_namespace("01_overview.ipynb", "# one hidden layer by hand")


@pytest.mark.parametrize("num_knots", [2, 5, 17])
def test_chapter_1_constructions_agree_with_the_package(constructions, num_knots):
    knots = np.sort(np.random.default_rng(num_knots).uniform(-3, 3, num_knots))
    relu = constructions["relu_net_through"](approximation.target, knots)
    steps = constructions["sigmoid_steps_through"](approximation.target, knots)
    assert (
        approximation.weight_difference(
            relu, approximation.relu_interpolant(approximation.target, knots)
        )
        == 0.0
    )
    assert (
        approximation.weight_difference(
            steps, approximation.sigmoid_staircase(approximation.target, knots)
        )
        == 0.0
    )
    # and the hand-built ReLU network passes through the knots
    out = approximation.one_hidden_layer(knots, relu, "relu")
    np.testing.assert_allclose(out, approximation.target(knots), atol=1e-12)


# chapter 2: the backprop recursion


@pytest.fixture(scope="module")
def backprop_norms() -> Any:
    return _cell_namespace("02_common_activations.ipynb", "# the backprop recursion, by hand")[
        "backprop_norms"
    ]


@pytest.mark.parametrize(
    ("activation", "init", "seed"),
    [("relu", "xavier", 0), ("relu", "he", 3), ("sigmoid", "xavier", 1), ("tanh", "he", 2)],
)
def test_chapter_2_backprop_loop_agrees_with_autograd(backprop_norms, activation, init, seed):
    net, X, y = gradients.initial_network(
        activation, depth=6, width=16, init=init, batch=64, seed=seed
    )
    Ws, bs = gradients.numpy_weights(net)
    record = get(activation)
    deltas, weights, dead = backprop_norms(
        Ws, bs, X.numpy(), y.numpy(), record.forward, record.derivative
    )
    ref = gradients.layer_gradients(activation, depth=6, width=16, init=init, batch=64, seed=seed)
    np.testing.assert_allclose(deltas, ref["delta"], rtol=1e-12)
    np.testing.assert_allclose(weights, ref["weight"], rtol=1e-12)
    np.testing.assert_array_equal(dead, ref["dead"])


def test_chapter_2_backprop_loop_would_catch_a_wrong_derivative(backprop_norms):
    net, X, y = gradients.initial_network("tanh", depth=4, width=8, batch=16, seed=0)
    Ws, bs = gradients.numpy_weights(net)
    record = get("tanh")
    deltas, _, _ = backprop_norms(Ws, bs, X.numpy(), y.numpy(), record.forward, np.ones_like)
    ref = gradients.layer_gradients("tanh", depth=4, width=8, batch=16, seed=0)
    assert not np.allclose(deltas, ref["delta"], rtol=1e-6)


# chapter 3: the dead-unit count, SELU's fixed point, the cross-validation loop

CHAPTER3 = "03_selection_and_optimisation.ipynb"
_QUIET = {"print": lambda *a, **k: None, "LANG": "en"}


@pytest.fixture(scope="module")
def dead_cell() -> dict[str, Any]:
    return _cell_namespace(
        CHAPTER3,
        "# the dead-unit count, written out: per hidden layer, units whose pre-activation is "
        "<= 0 on every example",
        {"digits": digits, "dead_units": dead_units, **_QUIET},
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chapter_3_dead_unit_count_agrees_with_negative_units(dead_cell, seed):
    net = make_mlp64([64, 48, 48, 48, 10], "relu", init="he", seed=seed)
    with torch.no_grad():  # biases that make units of every layer dead, layer 1 included
        for lin in (m for m in net if isinstance(m, torch.nn.Linear)):
            lin.bias.copy_(
                torch.from_numpy(np.random.default_rng(seed).normal(-1.5, 2.0, lin.out_features))
            )
    X = dead_cell["X_train"]
    counts = dead_cell["dead_per_layer"](net, X)
    expected = [int(m.sum()) for m in dead_units.negative_units(net, X)]
    assert counts == expected
    assert sum(expected) > 0


def test_chapter_3_selu_fixed_point_by_quadrature_agrees_with_the_closed_form():
    namespace = _cell_namespace(
        CHAPTER3,
        "# SELU's fixed point, written out: E[selu(z)] and Var[selu(z)] for z ~ N(0, 1) by the "
        "trapezoid rule",
        {"alp": alp, "self_normalisation": self_normalisation, **_QUIET},
    )
    closed_mean, closed_variance = self_normalisation.selu_moments(0.0, 1.0)
    assert abs(namespace["mean"] - closed_mean) < 1e-8
    assert abs(namespace["variance"] - closed_variance) < 1e-8


def test_chapter_3_cross_validation_loop_agrees_with_the_package():
    namespace = _cell_namespace(
        CHAPTER3,
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
