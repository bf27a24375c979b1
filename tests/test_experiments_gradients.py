"""Vanishing and exploding gradients at initialisation."""

import numpy as np
import pytest
import torch

from actlab.experiments import gradients

torch.set_num_threads(1)


def test_sigmoid_gradients_vanish_tanh_and_relu_do_not():
    r = gradients.vanishing_gradients(seeds=(0, 1))
    assert r["sigmoid"]["norms"].shape == (2, 10)
    assert np.all(r["sigmoid"]["ratio"] < 1e-4)
    assert np.all(r["tanh"]["ratio"] > 1e-1)
    assert np.all(r["relu"]["ratio"] > 1e-2)
    # sigmoid loses a factor of more than 2 at every layer on the way down
    assert np.all(np.diff(np.log10(r["sigmoid"]["norms"][0])) > np.log10(2))


def test_relu_gradients_explode_with_large_weights():
    r = gradients.exploding_gradients(depth=12, gains=(1.0, 1.5), seeds=(0,), updates=6)
    assert r[1.5]["first_layer_norm"] > 100 * r[1.0]["first_layer_norm"]
    assert r[1.0]["first_nonfinite"] is None and np.all(np.isfinite(r[1.0]["losses"]))
    assert r[1.5]["losses"][0] > 10 * r[1.0]["losses"][0]
    assert r[1.5]["first_nonfinite"] is not None or r[1.5]["losses"].max() > 1e6


def test_gradient_norms_is_deterministic_and_checks_depth():
    a = gradients.gradient_norms("tanh", depth=4, batch=32, seed=2)
    np.testing.assert_array_equal(a, gradients.gradient_norms("tanh", depth=4, batch=32, seed=2))
    with pytest.raises(ValueError, match=r"gradient_norms: depth must be an int >= 2, got 1"):
        gradients.gradient_norms("tanh", depth=1)


def test_relu_zeros_do_not_make_gradients_vanish():
    r = gradients.inactive_fractions("relu", depth=6, batch=128)
    # about half the units output 0 (zero gradient) for any one example ...
    assert np.all((r["per_example"] > 0.3) & (r["per_example"] < 0.7))
    # ... but hardly any is 0 for every example, and the gradient keeps its size
    assert np.all(r["dead"] < 0.2)
    assert (
        gradients.gradient_norms("relu", depth=6)[0]
        > 0.1 * gradients.gradient_norms("relu", depth=6)[-1]
    )
    assert np.all(gradients.inactive_fractions("tanh", depth=3)["per_example"] == 0)
    rows = gradients.inactive_table(r)
    assert [row["hidden layer"] for row in rows] == [1, 2, 3, 4, 5]


def test_tables():
    v = {"relu": {"ratio": np.array([0.5, 1.0, 2.0])}}
    (row,) = gradients.ratio_table(v)
    assert row["||dW1|| / ||dW_last||, median"] == 1.0 and row["seeds"] == 3
    e = {
        1.5: {
            "first_layer_norm": 10.0,
            "losses": np.array([3.0, 1e9, np.nan]),
            "first_nonfinite": 2,
        }
    }
    (row,) = gradients.exploding_table(e)
    assert row["largest finite loss"] == 1e9 and row["first inf/NaN step"] == 2
