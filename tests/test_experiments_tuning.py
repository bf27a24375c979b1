"""The LeakyReLU slope sweep: slope 1 collapses the net to a linear model, small slopes do not."""

from __future__ import annotations

import pytest
import torch

from actlab.data import spirals
from actlab.experiments.tuning import slope_sweep

torch.set_num_threads(1)  # small models: one thread is several times faster


def test_linear_end_of_the_sweep_is_worst():
    r = slope_sweep((0.0, 1.0), data=spirals(300, seed=0), seeds=(0,), steps=150, lr=0.03)
    by_slope = {s["negative_slope"]: s["mean"] for s in r["summary"]}
    assert by_slope[1.0] > by_slope[0.0] + 0.1
    assert len(r["rows"]) == 2


def test_bad_slopes():
    with pytest.raises(ValueError, match="slopes must be numbers in"):
        slope_sweep((1.5,))


def test_sweep_marks_slopes_within_noise_of_the_best():
    result = slope_sweep((0.0, 1.0), seeds=(0,), steps=60, lr=0.05)
    verdicts = {r["negative_slope"]: r["within_noise"] for r in result["summary"]}
    assert verdicts[0.0] is True and verdicts[1.0] is False


def test_a_relu_threshold_is_a_bias():
    from actlab.experiments.tuning import ShiftedReLU, threshold_as_bias

    r = threshold_as_bias(0.7, seed=3)
    assert r["max_abs_difference"] < 1e-12 < r["output_scale"]
    x = torch.tensor([-1.0, 0.5, 2.0])
    assert torch.equal(ShiftedReLU(0.5)(x), torch.tensor([0.0, 0.0, 1.5]))
