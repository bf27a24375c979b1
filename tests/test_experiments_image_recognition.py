"""Epochs to a target training error on digits: rectifier and tanh nets get there, deep sigmoid does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.image_recognition import epochs_to_error

torch.set_num_threads(1)  # small models: one thread is several times faster


@pytest.fixture(scope="module")
def rows():
    return epochs_to_error(("relu", "tanh", "sigmoid"), (4,), target=0.1, max_epochs=5, width=64)


def test_relu_and_tanh_reach_the_target_and_sigmoid_does_not(rows):
    by = {r["activation"]: r for r in rows}
    assert by["relu"]["epochs_to_target"] is not None
    assert by["tanh"]["epochs_to_target"] is not None
    assert by["sigmoid"]["epochs_to_target"] is None
    assert by["sigmoid"]["final_error"] > 0.5


def test_runs_stop_at_the_target(rows):
    for r in rows:
        errors = r["train_error"]
        assert errors.shape == r["epoch"].shape
        if r["epochs_to_target"] is not None:
            assert r["epochs_to_target"] == errors.size - 1
            assert errors[-1] <= 0.1 < errors[:-1].min()
        else:
            assert errors.size == 6
        assert r["init"] == ("he" if r["activation"] == "relu" else "xavier")


def test_deterministic():
    a = epochs_to_error(("relu",), (2,), target=0.5, max_epochs=1, width=8, seed=3)
    b = epochs_to_error(("relu",), (2,), target=0.5, max_epochs=1, width=8, seed=3)
    np.testing.assert_array_equal(a[0]["train_error"], b[0]["train_error"])


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"target": 1.5}, "target"), ({"max_epochs": 0}, "max_epochs")]
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        epochs_to_error(**kwargs)


def test_learning_rate_grid_and_the_best_rate():
    from actlab.experiments.image_recognition import best_learning_rates, learning_rate_grid

    grid = learning_rate_grid(("relu",), (2,), (0.03, 0.001), seeds=(0, 1), target=0.5, max_epochs=2)
    assert [r["lr"] for r in grid] == [0.03, 0.001]
    assert all(len(r["epochs"]) == 2 and len(r["curves"]) == 2 for r in grid)
    (best,) = best_learning_rates(grid)
    assert best["lr"] == 0.03 and best["reached"] == 2
    assert best["epochs_text"] == grid[0]["epochs_text"]
    with pytest.raises(ValueError, match="learning_rate_grid: lrs"):
        learning_rate_grid(lrs=())


def test_best_rate_prefers_more_seeds_then_fewer_epochs():
    from actlab.experiments.image_recognition import best_learning_rates

    def row(lr, epochs, final=0.01):
        curves = [np.array([0.9, final])] * len(epochs)
        return {"depth": 4, "activation": "tanh", "lr": lr, "epochs": epochs, "reached": sum(e is not None for e in epochs), "epochs_text": "", "curves": curves}

    rows = [row(0.1, [1, None]), row(0.03, [3, 3]), row(0.01, [2, 2])]
    assert best_learning_rates(rows)[0]["lr"] == 0.01
    rows = [row(0.1, [None, None], 0.7), row(0.3, [None, None], 0.5)]
    (best,) = best_learning_rates(rows)
    assert best["lr"] == 0.3 and best["reached"] == 0  # none reached: lowest final error


def test_sigmoid_backward_signal_shrinks_under_xavier():
    from actlab.experiments.image_recognition import backward_shrink

    by = {r["activation"]: r for r in backward_shrink(("relu", "sigmoid"), depth=4, seeds=(0,))}
    assert by["sigmoid"]["shrink_per_layer"] > 3
    assert 0.5 < by["relu"]["shrink_per_layer"] < 2
    assert by["sigmoid"]["init"] == "xavier" and by["relu"]["init"] == "he"
