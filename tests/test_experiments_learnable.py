"""Learnable activation parameters are found, trained and recorded every epoch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.learnable import activation_parameters, train_learnable
from actlab.networks import make_mlp

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_parameters_of_prelu_and_swish_are_found():
    assert len(activation_parameters(make_mlp([4, 8, 8, 2], "prelu", seed=0))) == 2
    assert len(activation_parameters(make_mlp([4, 8, 2], "swish", seed=0))) == 1
    assert activation_parameters(make_mlp([4, 8, 2], "relu", seed=0)) == []


@pytest.mark.parametrize(("activation", "start"), [("prelu", 0.25), ("swish", 1.0)])
def test_parameter_starts_at_its_init_and_moves(activation, start):
    r = train_learnable(activation, hidden=(16, 16), epochs=2, lr=0.01, seed=0)
    values = r["values"]
    assert values.shape == (3, 2)
    np.testing.assert_allclose(values[0], start)
    assert np.abs(values[-1] - start).max() > 1e-4
    assert r["test_error"] < 0.3  # chance is 0.9


def test_activation_without_parameter_is_refused():
    with pytest.raises(ValueError, match="no learnable parameter"):
        train_learnable("relu", hidden=(4,), epochs=1)


def test_leaky_relu_learns_nothing_and_prelu_its_slope():
    from actlab.experiments.learnable import parameter_counts

    rows = {r["activation"]: r for r in parameter_counts(("relu", "leaky_relu", "prelu", "swish"))}
    assert rows["LeakyReLU"]["learnt"] == 0 and rows["LeakyReLU"]["fixed"] == "negative_slope=0.01"
    assert rows["PReLU"]["learnt"] == 1 and rows["Swish"]["learnt"] == 1
    assert rows["ReLU"] == {"activation": "ReLU", "learnt": 0, "fixed": "-"}


def test_trajectory_rows_one_per_layer():
    from actlab.experiments.learnable import trajectory_rows

    result = {"activation": "prelu", "values": np.array([[0.25, 0.25], [0.3, 0.2]]), "test_error": 0.1}
    rows = trajectory_rows([result])
    assert [(r["layer"], r["start"], r["end"], r["epochs"]) for r in rows] == [(1, 0.25, 0.3, 1), (2, 0.25, 0.2, 1)]
