"""Xavier against He on a deep ReLU net: the signal dies under Xavier and survives under He."""

from __future__ import annotations

import pytest
import torch

from actlab.experiments.initialisation import init_comparison

torch.set_num_threads(1)  # small models: one thread is several times faster


@pytest.fixture(scope="module")
def rows():
    return {r["init"]: r for r in init_comparison(depth=20, width=32, epochs=1, seed=0)}


def test_xavier_shrinks_the_signal_by_orders_of_magnitude(rows):
    xavier, he = rows["xavier"]["layer_std"], rows["he"]["layer_std"]
    assert xavier[-1] < 1e-2 * xavier[0]
    assert he[-1] > 0.1 * he[0]
    assert he[-1] > 100 * xavier[-1]


def test_training_curves_have_one_point_per_epoch(rows):
    for r in rows.values():
        assert len(r["train_error"]) == 2
        assert 0.0 <= r["test_error"] <= 1.0


def test_bad_depth():
    with pytest.raises(ValueError, match="depth"):
        init_comparison(depth=0)


def test_backward_signal_vanishes_under_xavier_and_not_under_he(rows):
    xavier, he = rows["xavier"], rows["he"]
    depth = len(xavier["layer_std"])
    assert xavier["delta"].shape == (depth + 1,) and xavier["grad_w"].shape == (depth + 1,)
    # the backward signal shrinks towards the input under Xavier, not under He
    assert xavier["delta"][0] < 1e-2 * xavier["delta"][depth - 1]
    assert he["delta"][0] > 0.1 * he["delta"][depth - 1]
    # the weight gradients of the first and last hidden layers stay within a small factor
    assert 0.1 < xavier["grad_w"][0] / xavier["grad_w"][depth - 1] < 10


def test_signal_and_training_rows(rows):
    from actlab.experiments.initialisation import signal_rows, training_rows

    table = signal_rows(list(rows.values()), layers=(1, 20))
    assert [(r["init"], r["layer"]) for r in table] == [
        ("xavier", 1), ("xavier", 20), ("he", 1), ("he", 20)
    ]
    assert table[0]["delta"] == rows["xavier"]["delta"][0]
    training = training_rows(list(rows.values()))
    assert set(training[0]) == {"init", "loss_0", "loss_1", "test_error"}
