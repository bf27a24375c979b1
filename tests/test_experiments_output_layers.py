"""Output layers: fused losses stay finite, BCE keeps its gradient, a sigmoid cannot regress outside (0, 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from actlab.experiments.output_layers import (
    output_gradient_curves,
    regression_output_comparison,
    stable_loss_table,
)

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_naive_losses_overflow_and_fused_ones_do_not():
    rows = {row["z"]: row for row in stable_loss_table([2.0, 20.0, 100.0])}
    # a moderate logit: both forms agree with the exact loss
    assert rows[2.0]["bce_naive"] == pytest.approx(rows[2.0]["bce_exact"], rel=1e-5)
    assert rows[2.0]["ce_naive"] == pytest.approx(rows[2.0]["ce_exact"], rel=1e-5)
    # sigmoid(20) rounds to 1 in float32, so log(1 - sigmoid) is log(0)
    assert math.isinf(rows[20.0]["bce_naive"])
    assert math.isinf(rows[100.0]["ce_naive"])
    for row in rows.values():
        assert row["bce_fused"] == pytest.approx(row["bce_exact"], rel=1e-6)
        assert row["ce_fused"] == pytest.approx(row["ce_exact"], rel=1e-6)


def test_stable_loss_table_rejects_bad_logits():
    with pytest.raises(ValueError, match="stable_loss_table"):
        stable_loss_table([-1.0])


def test_mse_gradient_vanishes_when_confidently_wrong():
    c = output_gradient_curves()
    wrong = c["z"] == c["z"].min()  # z = -10, label 1
    assert abs(c["grad_bce"][wrong][0]) > 0.99
    assert abs(c["grad_mse"][wrong][0]) < 1e-4
    # both agree that a correct confident prediction needs no change
    assert abs(c["grad_bce"][-1]) < 1e-4
    assert np.all(np.abs(c["grad_mse"]) <= np.abs(c["grad_bce"]))


def test_gradients_match_finite_differences():
    from actlab.activations import sigmoid

    c = output_gradient_curves(-5, 5, 11)
    h = 1e-6
    z = c["z"]
    mse = lambda t: 0.5 * (sigmoid(t) - 1.0) ** 2
    bce = lambda t: -np.log(sigmoid(t))
    np.testing.assert_allclose(c["grad_mse"], (mse(z + h) - mse(z - h)) / (2 * h), atol=1e-7)
    np.testing.assert_allclose(c["grad_bce"], (bce(z + h) - bce(z - h)) / (2 * h), atol=1e-7)


def test_sigmoid_output_cannot_reach_the_targets():
    r = regression_output_comparison(n=64, hidden=16, epochs=150, seed=0)
    rows = {row["output"]: row for row in r["rows"]}
    assert r["y"].min() < -1.5 and r["y"].max() > 1.5
    assert 0.0 <= rows["sigmoid"]["pred_min"] and rows["sigmoid"]["pred_max"] <= 1.0
    assert rows["identity"]["mse"] < 0.2 < rows["sigmoid"]["mse"]


def test_tanh_is_no_probability_but_a_rescaled_sigmoid():
    from actlab.experiments.output_layers import probability_outputs

    r = probability_outputs(10.0)
    rows = {row["output"]: row for row in r["rows"]}
    assert 0 < rows["sigmoid"]["min"] < rows["sigmoid"]["max"] < 1
    assert rows["tanh"]["min"] < -0.99
    assert r["rescaled_difference"] < 1e-12
