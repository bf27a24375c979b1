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


def test_negative_units_and_their_gradient():
    from actlab.experiments.dead_units import negative_units, unit_gradient_norms

    for activation, slope in ((nn.ReLU(), 0.0), (nn.LeakyReLU(0.1), 0.1)):
        net = nn.Sequential(nn.Linear(2, 3), activation, nn.Linear(3, 2)).double()
        with torch.no_grad():
            net[0].weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
            net[0].bias.copy_(torch.tensor([0.0, -10.0, 0.5]))  # unit 2 is negative on [0, 1]^2
        X = torch.rand(40, 2, dtype=torch.float64)
        y = torch.randint(0, 2, (40,))
        masks = negative_units(net, X)
        assert [m.tolist() for m in masks] == [[False, True, False]]
        grads = unit_gradient_norms(net, X, y)[0]
        assert (grads[1] == 0) == (slope == 0)  # no gradient only without a leaky slope
        assert grads[0] > 0 and grads[2] > 0
        assert net[0].weight.grad is None  # the model's own gradients are untouched


def test_dead_units_appear_with_depth_at_initialisation():
    from actlab.experiments.dead_units import dead_at_init, untrained_net

    rows = dead_at_init(depth=8, width=32, seeds=(0, 1, 2))
    assert [r["layer"] for r in rows] == list(range(1, 9))
    assert rows[0]["dead_fraction"] == 0.0  # layer 1 sees centred data
    assert np.mean([r["dead_fraction"] for r in rows[-3:]]) > rows[1]["dead_fraction"]
    net = untrained_net(3, width=5, seed=1)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    with pytest.raises(ValueError, match="untrained_net: depth"):
        untrained_net(0)


@pytest.fixture(scope="module")
def history():
    from actlab.experiments.dead_units import dead_unit_history

    return dead_unit_history(("relu", "leaky_relu"), lr=0.1, epochs=2, hidden=(32, 32), every=5)


def test_history_counts_are_consistent(history):
    rows = {(r["activation"], r["layer"]): r for r in history["rows"]}
    for r in rows.values():
        assert 0 <= r["revived"] <= r["ever"] and r["end"] <= r["ever"]
    relu = [r for r in history["rows"] if r["activation"] == "relu"]
    leaky = [r for r in history["rows"] if r["activation"] == "leaky_relu"]
    assert all(r["zero_grad"] == r["end"] for r in relu)  # a dead ReLU unit gets exactly 0
    assert all(r["zero_grad"] == 0 for r in leaky)
    assert sum(r["end"] for r in relu) > 0  # lr 0.1 kills units
    steps = history["history"]["relu"]["step"]
    assert steps[0] == 0 and np.all(np.diff(steps) >= 0)
    assert history["history"]["relu"]["negative"].shape == (steps.size, 2)


def test_sweep_reports_every_layer(sweep):
    for r in sweep:
        assert [r["dead_l1"], r["dead_l2"]] == r["dead_per_layer"]
