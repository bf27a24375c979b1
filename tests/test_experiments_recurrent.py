"""GRU gates recomputed with the package's sigmoid and tanh agree with torch; the GRU remembers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.recurrent import gru_gates, marked_value_task, recurrent_memory_comparison

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_task_targets_are_the_marked_values():
    x, y, t = marked_value_task(50, length=10, seed=0)
    assert x.shape == (50, 10, 2) and y.shape == (50, 1)
    np.testing.assert_array_equal(x[np.arange(50), t, 0], y[:, 0])
    assert np.all(x[:, :, 1].sum(axis=1) == 1) and np.all(t < 5)


def test_gates_match_torch_and_lie_in_their_ranges():
    torch.manual_seed(0)
    gru = torch.nn.GRU(2, 5, batch_first=True)
    x, _, _ = marked_value_task(4, length=7, seed=1)
    g = gru_gates(gru, x)
    assert g["max_abs_diff_vs_torch"] < 1e-5
    for key in ("reset", "update"):
        assert g[key].min() > 0.0 and g[key].max() < 1.0
    assert np.abs(g["candidate"]).max() < 1.0


def test_gru_gates_rejects_other_modules():
    with pytest.raises(ValueError, match="gru_gates"):
        gru_gates(torch.nn.LSTM(2, 3, batch_first=True), np.zeros((1, 2, 2)))


def test_gru_learns_the_memory_task_and_beats_the_baseline():
    r = recurrent_memory_comparison(("gru",), length=12, n_train=1000, n_test=200, steps=250)
    (row,) = r["rows"]
    assert row["test_mse"] < 0.25 * r["baseline_mse"]
    assert r["gates"]["update"].shape == (8, 12, 16)
