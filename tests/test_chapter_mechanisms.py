"""The central computations written out in the chapters agree with the package's functions.

A chapter shows a mechanism in a few lines of numpy (the backprop recursion, the one-hidden-layer
constructions) and then calls the tested function in ``actlab``. These tests take the code from the
stored notebook, the cell found by its first line, run it on its own, and compare its results with
the package's on several cases, so that the code a learner reads cannot drift from what the package
computes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from actlab.activations.registry import get
from actlab.experiments import approximation, gradients

torch.set_num_threads(1)

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def _cell_namespace(notebook: str, first_line: str) -> dict[str, Any]:
    """Execute the code cell of ``notebook`` whose first line starts with ``first_line``."""
    cells = json.loads((CHAPTERS / notebook).read_text(encoding="utf-8"))["cells"]
    sources = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "".join(c["source"]).startswith(first_line)
    ]
    assert len(sources) == 1, f"{notebook}: expected one cell starting with {first_line!r}"
    namespace: dict[str, Any] = {"np": np}
    exec(compile(sources[0], f"{notebook}:{first_line}", "exec"), namespace)  # noqa: S102 - the chapter's own code
    return namespace


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
    net, X, y = gradients.initial_network(activation, depth=6, width=16, init=init, batch=64, seed=seed)
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


@pytest.fixture(scope="module")
def constructions() -> dict[str, Any]:
    return _cell_namespace("01_overview.ipynb", "# one hidden layer by hand")


@pytest.mark.parametrize("num_knots", [2, 5, 17])
def test_chapter_1_constructions_agree_with_the_package(constructions, num_knots):
    knots = np.sort(np.random.default_rng(num_knots).uniform(-3, 3, num_knots))
    relu = constructions["relu_net_through"](approximation.target, knots)
    steps = constructions["sigmoid_steps_through"](approximation.target, knots)
    assert approximation.weight_difference(
        relu, approximation.relu_interpolant(approximation.target, knots)
    ) == 0.0
    assert approximation.weight_difference(
        steps, approximation.sigmoid_staircase(approximation.target, knots)
    ) == 0.0
    # and the hand-built ReLU network passes through the knots
    out = approximation.one_hidden_layer(knots, relu, "relu")
    np.testing.assert_allclose(out, approximation.target(knots), atol=1e-12)
