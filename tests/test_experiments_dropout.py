"""ReLU with Dropout: a seeded dropout that is torch's, unit removal, and the robustness it buys."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from actlab.experiments.dropout import SeededDropout, dropout_robustness, remove_units

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_seeded_dropout_is_inverted_dropout():
    drop = SeededDropout(0.25, torch.Generator().manual_seed(0))
    x = torch.ones(20_000, dtype=torch.float64)
    y = drop(x)
    kept = y != 0
    assert torch.all(y[kept] == 1 / 0.75)
    assert abs(kept.double().mean().item() - 0.75) < 0.02
    drop.eval()
    assert torch.equal(drop(x), x)
    a = SeededDropout(0.5, torch.Generator().manual_seed(3))(x)
    b = SeededDropout(0.5, torch.Generator().manual_seed(3))(x)
    assert torch.equal(a, b)
    with pytest.raises(ValueError, match="SeededDropout: p"):
        SeededDropout(1.0, torch.Generator())


def test_remove_units_zeroes_outgoing_weights_of_a_copy():
    net = nn.Sequential(nn.Linear(3, 10), nn.ReLU(), nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 2))
    pruned = remove_units(net, 0.5, seed=0)
    for layer, units in ((2, 10), (4, 8)):
        zero_columns = (pruned[layer].weight == 0).all(dim=0)
        assert int(zero_columns.sum()) == units // 2
    assert not (net[2].weight == 0).any()  # the original is left alone
    with pytest.raises(ValueError, match="remove_units: fraction"):
        remove_units(net, 1.5, seed=0)


def test_dropout_makes_the_net_robust_to_losing_units():
    r = dropout_robustness((0.0, 0.5), seeds=(0,), n_train=200, hidden=(128, 128), epochs=15, removals=2)
    by_p = {s["p"]: s for s in r["summary"]}
    assert by_p[0.5]["pruned_error"] < by_p[0.0]["pruned_error"]
    assert len(r["rows"]) == 2
    with pytest.raises(ValueError, match="dropout_robustness: ps"):
        dropout_robustness((1.0,))
