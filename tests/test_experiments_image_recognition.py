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
