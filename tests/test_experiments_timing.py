"""Compute cost: the measurement runs, and piecewise-linear units are cheaper than exp/erf chains."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.selection import COST_OPS
from actlab.experiments.timing import activation_cost, torch_reference

torch.set_num_threads(1)


def test_torch_reference_matches_our_numpy_forward():
    from actlab.activations.registry import records

    x = torch.linspace(-4, 4, 101, dtype=torch.float64)
    for r in records("elementwise"):
        ours = r.forward(x.numpy(), **r.defaults)
        np.testing.assert_allclose(
            torch_reference(r.key)(x).numpy(), ours, rtol=1e-6, atol=1e-6, err_msg=r.key
        )


def test_relu_is_the_unit_and_transcendental_units_cost_more():
    keys = ["relu", "leaky_relu", "hardtanh", "mish", "gelu", "softplus"]
    rows = {r["key"]: r for r in activation_cost(keys, size=2**14, repeats=5, calls=10)}
    assert rows["relu"]["forward_ratio"] == 1.0
    cheap = [rows[k]["forward_ratio"] for k in keys if COST_OPS[k] == "compare"]
    dear = [rows[k]["forward_ratio"] for k in keys if COST_OPS[k] != "compare"]
    assert np.median(dear) > np.median(cheap)


def test_bad_arguments():
    with pytest.raises(ValueError, match="size must be"):
        activation_cost(["relu"], size=0)
    with pytest.raises(ValueError, match="elementwise"):
        torch_reference("softmax")
