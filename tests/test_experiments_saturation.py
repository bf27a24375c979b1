"""Glorot-Bengio saturation and the sigmoid/tanh derivative comparison."""

import numpy as np
import pytest
import torch

from actlab.experiments import saturation

torch.set_num_threads(1)


def test_top_sigmoid_layer_saturates_first_layer_does_not():
    r = saturation.glorot_saturation(
        "sigmoid", hidden=(128, 128, 128, 128), updates=300, record_every=50
    )
    assert r["updates"].tolist() == [0, 50, 100, 150, 200, 250, 300]
    mean = r["mean"]
    assert mean.shape == (7, 4)
    assert abs(mean[0, 3] - 0.5) < 0.05
    assert mean[-1, 3] < mean[0, 3] - 0.1  # the top layer is pushed towards 0
    assert abs(mean[-1, 0] - 0.5) < 0.05  # the first layer stays near 0.5
    assert r["train_error"] > 0.5


def test_tanh_learns_in_the_same_setting():
    r = saturation.glorot_saturation(
        "tanh", hidden=(128, 128, 128, 128), updates=300, record_every=100
    )
    assert r["test_error"] < 0.2
    assert np.all(np.abs(r["mean"]) < 0.1)


def test_derivative_table_and_onset():
    rows = saturation.derivative_table(xs=(0.0, 5.0))
    assert rows[0]["sigmoid"] == pytest.approx(0.25) and rows[0]["tanh"] == pytest.approx(1.0)
    # tanh'(x) = 4 sigma'(2x): at x = 5 tanh's derivative relative to its peak is far smaller
    assert rows[1]["tanh/max"] < rows[1]["sigmoid/max"] / 100
    s, t = saturation.saturation_onset("sigmoid"), saturation.saturation_onset("tanh")
    assert t == pytest.approx(s / 2, rel=1e-9)
    assert s == pytest.approx(5.9864, abs=1e-3)
    with pytest.raises(
        ValueError, match=r"saturation_onset: the derivative of 'relu' does not fall"
    ):
        saturation.saturation_onset("relu")
    with pytest.raises(ValueError, match=r"saturation_onset: fraction must be a float in \(0, 1\)"):
        saturation.saturation_onset("tanh", 2.0)


def test_tanh_is_a_rescaled_sigmoid_and_the_derivatives_cross_once():
    assert saturation.tanh_sigmoid_identity() < 1e-14
    x = saturation.derivative_crossing("sigmoid", "tanh")
    assert 1.5 < x < 1.8
    rows = saturation.derivative_table(xs=(0.0, x - 0.1, x + 0.1))
    assert rows[1]["tanh"] > rows[1]["sigmoid"] and rows[2]["tanh"] < rows[2]["sigmoid"]
    # the ratio column: 4 at 0, above 1 before the crossing, below 1 after it
    assert rows[0]["tanh/sigmoid"] == pytest.approx(4.0)
    assert rows[1]["tanh/sigmoid"] > 1 > rows[2]["tanh/sigmoid"]
    (label,) = saturation.identity_facts()
    assert str(saturation.identity_facts()[label]) == "< 1e-14"
    with pytest.raises(
        ValueError, match=r"derivative_crossing: .*'sigmoid' and 'tanh' do not cross"
    ):
        saturation.derivative_crossing("sigmoid", "tanh", lo=3.0, hi=10.0)


def test_saturation_table():
    r = {
        "updates": np.array([0, 10]),
        "mean": np.array([[0.5, 0.5], [0.49, 0.2]]),
        "test_error": 0.9,
    }
    (row,) = saturation.saturation_table({"sigmoid": r})
    assert row["top layer mean, end"] == 0.2 and row["layer 1 mean, end"] == 0.49
    assert row["updates"] == 10


def test_onset_facts():
    facts = saturation.onset_facts(("sigmoid", "tanh"), 0.01)
    assert list(facts) == [
        "sigmoid: f' below 1% of its peak for x >",
        "tanh: f' below 1% of its peak for x >",
        "tanh' > sigmoid' for |x| <",
    ]
    values = list(facts.values())
    assert values[1] == pytest.approx(values[0] / 2) and 1.6 < values[2] < 1.7
