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
