"""Dying ReLU: a large Adam step kills units, a small one does not; the counter itself is exact."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from actlab.experiments.dead_units import dead_unit_fraction, dying_relu_sweep

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_counter_on_a_hand_built_net():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
        net[0].bias.copy_(torch.tensor([0.0, -10.0, -1.0]))  # unit 2 and 3 never fire on [0, 1]^2
    X = torch.rand(50, 2)
    r = dead_unit_fraction(net, X)
    assert r["dead"] == 2 and r["units"] == 3
    assert r["fraction"] == pytest.approx(2 / 3)
    assert r["per_layer"] == [pytest.approx(2 / 3)]


def test_counter_leaves_training_mode_alone():
    net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))
    net.train()
    dead_unit_fraction(net, np.zeros((3, 2), dtype=np.float32))
    assert net.training


def test_counter_rejects_bad_input():
    with pytest.raises(TypeError, match="dead_unit_fraction: model"):
        dead_unit_fraction("net", torch.zeros(2, 2))
    with pytest.raises(ValueError, match="hidden layer"):
        dead_unit_fraction(nn.Sequential(nn.Linear(2, 2)), torch.zeros(2, 2))


@pytest.fixture(scope="module")
def sweep():
    return dying_relu_sweep(lrs=(1e-3, 1e-1), hidden=(64, 64), epochs=3, seeds=(0,))


def test_large_learning_rate_kills_units(sweep):
    by_lr = {r["lr"]: r for r in sweep}
    assert by_lr[1e-3]["dead_fraction"] < 0.05
    assert by_lr[1e-1]["dead_fraction"] > 0.2
    assert len(by_lr[1e-1]["dead_per_layer"]) == 2


def test_sweep_rejects_bad_learning_rates():
    with pytest.raises(ValueError, match="lrs must be positive"):
        dying_relu_sweep(lrs=(0.0,))
