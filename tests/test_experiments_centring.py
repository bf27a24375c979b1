"""Zero-centring: sign-coherent weight gradients and the 2x2 comparison."""

import numpy as np
import pytest
import torch

from actlab.experiments import centring

torch.set_num_threads(1)


def test_positive_inputs_make_per_example_gradients_sign_coherent():
    rows = {(r["activation"], r["batch_size"]): r for r in centring.sign_coherence(num_batches=5)}
    assert rows[("sigmoid", 1)]["coherent_fraction"] == 1.0
    assert rows[("sigmoid", 1)]["input_min"] > 0
    assert rows[("tanh", 1)]["coherent_fraction"] < 0.05
    assert rows[("tanh", 1)]["input_min"] < 0


def test_scaled_sigmoid_module():
    m = centring.ScaledSigmoid(4.0, 2.0)
    x = torch.linspace(-3, 3, 7)
    torch.testing.assert_close(m(x), 2 * torch.tanh(x / 2))
    assert "scale=4.0, shift=2.0" in repr(m)


def test_centring_speeds_up_training_at_either_slope():
    rows = {r["variant"]: r for r in centring.centring_comparison(epochs=2, seeds=(0,))}
    assert rows["sigmoid - 1/2"]["centred"] and not rows["sigmoid"]["centred"]
    assert rows["sigmoid"]["slope_at_0"] == pytest.approx(0.25)
    assert rows["4 sigmoid - 2"]["slope_at_0"] == pytest.approx(1.0)
    assert rows["tanh"]["centred"] and rows["tanh"]["slope_at_0"] == pytest.approx(1.0)
    err = {k: r["train_error"][0] for k, r in rows.items()}
    assert err["sigmoid - 1/2"][1] < err["sigmoid"][1] - 0.2
    assert err["4 sigmoid - 2"][-1] < 0.1 and err["tanh"][-1] < 0.1
    assert np.all(err["sigmoid"] > 0.5)


def test_centring_table():
    rows = [
        {
            "variant": "v",
            "centred": True,
            "slope_at_0": 1.0,
            "train_error": np.array([[0.9, 0.2, 0.1], [0.9, 0.4, 0.3]]),
            "final_error_mean": 0.2,
            "final_error_max": 0.3,
        }
    ]
    (row,) = centring.centring_table(rows)
    assert row["error after epoch 1"] == pytest.approx(0.3)


def test_hard_sigmoid_quarter_is_sigmoids_piecewise_linear_twin():
    m = centring.HardSigmoidQuarter()
    x = torch.tensor([-3.0, -2.0, 0.0, 1.0, 2.0, 3.0], requires_grad=True)
    y = m(x)
    np.testing.assert_allclose(y.detach().numpy(), [0.0, 0.0, 0.5, 0.75, 1.0, 1.0])
    y.sum().backward()
    assert x.grad[2] == pytest.approx(0.25)  # sigmoid's slope at 0


def test_smoothness_twins_train_like_their_smooth_originals():
    rows = {
        r["variant"]: r
        for r in centring.centring_comparison(("tanh", "hardtanh", "hard sigmoid"), epochs=2, seeds=(0,))
    }
    assert not rows["hardtanh"]["smooth"] and not rows["hard sigmoid"]["smooth"]
    assert rows["tanh"]["smooth"]
    assert rows["hard sigmoid"]["slope_at_0"] == pytest.approx(0.25)
    assert not rows["hard sigmoid"]["centred"] and rows["hardtanh"]["centred"]
    # the non-smooth twin of tanh learns as well as tanh here
    assert rows["hardtanh"]["final_error_mean"] < rows["tanh"]["final_error_mean"] + 0.05
    (row,) = centring.centring_table([rows["hardtanh"]])
    assert row["smooth"] is False


def test_coherence_table():
    (row,) = centring.coherence_table(
        [{"activation": "tanh", "batch_size": 1, "coherent_fraction": 0.0, "input_min": -0.9}]
    )
    assert row == {
        "activation": "tanh",
        "batch size": 1,
        "one-signed units": 0.0,
        "smallest input to layer 2": -0.9,
    }
