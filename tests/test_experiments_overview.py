"""Chapter 1 experiments: linear collapse, decision boundaries, properties, bounded outputs."""

import numpy as np
import pytest
import torch

from actlab.experiments import overview

torch.set_num_threads(1)


def test_linear_stack_is_one_affine_map():
    r = overview.linear_collapse((3, 7, 5, 2), n=10, seed=4)
    assert r["W"].shape == (3, 2) and r["b"].shape == (2,)
    assert r["shapes"] == [(3, 7), (7, 5), (5, 2)]
    assert r["max_abs_difference"] < 1e-12
    assert r["rank"] <= 2
    # the ReLU stack is far from any affine map
    assert r["relu_affine_fit_residual"] > 0.2


def test_linear_collapse_needs_a_hidden_layer():
    with pytest.raises(ValueError, match=r"linear_collapse: sizes needs at least one hidden layer"):
        overview.linear_collapse((3, 2))


def test_mlp_separates_xor_and_spirals_where_linear_cannot():
    rows = overview.decision_boundaries(steps=300, lr=0.01, grid_steps=20, n=200)
    acc = {(r["dataset"], r["model"]): r["test_accuracy"] for r in rows}
    assert acc[("xor", "linear")] < 0.7 and acc[("spirals", "linear")] < 0.75
    assert acc[("xor", "mlp")] > 0.95 and acc[("spirals", "mlp")] > 0.9
    r = rows[0]
    assert r["prob"].shape == r["xx"].shape == (20, 20)
    assert np.all((r["prob"] >= 0) & (r["prob"] <= 1))


def test_boundaries_table():
    rows = overview.boundaries_table(
        [{"dataset": "xor", "model": "mlp", "train_accuracy": 1.0, "test_accuracy": 0.99}]
    )
    assert rows == [{"data": "xor", "model": "mlp", "train acc": 1.0, "test acc": 0.99}]


def test_decision_boundaries_rejects_unknown_sets():
    with pytest.raises(
        ValueError, match=r"decision_boundaries: datasets must be among .* got 'digits'"
    ):
        overview.decision_boundaries(("digits",))


def test_activation_properties():
    p = overview.activation_properties()
    for key in ("relu", "sigmoid", "tanh"):
        assert p[key]["nonlinearity_residual"] > 0.1
    # ReLU's derivative jumps by 1 whatever the spacing; the smooth ones' jumps shrink with it
    assert all(j == pytest.approx(1.0) for j in p["relu"]["derivative_jumps"].values())
    for key in ("sigmoid", "tanh"):
        jumps = p[key]["derivative_jumps"]
        assert list(jumps) == [1e-2, 1e-3, 1e-4]
        assert jumps[1e-3] == pytest.approx(jumps[1e-2] / 10, rel=0.05)
        assert jumps[1e-4] == pytest.approx(jumps[1e-3] / 10, rel=0.05)
    # the largest step is the largest |f''| (sigmoid: 0.0962 beyond [-1, 1], 0.0909 at 1) times h
    assert p["sigmoid"]["derivative_jumps"][1e-4] == pytest.approx(0.0909e-4, rel=0.01)
    with pytest.raises(ValueError, match=r"activation_properties: spacings must be numbers"):
        overview.activation_properties(spacings=(0.0,))
    # saturation: both tails of sigmoid and tanh, only the left tail of ReLU
    assert p["sigmoid"]["df_left"] < 1e-4 and p["sigmoid"]["df_right"] < 1e-4
    assert p["tanh"]["df_right"] < 1e-8
    assert p["relu"]["df_left"] == 0.0 and p["relu"]["df_right"] == 1.0


def test_bounded_outputs():
    r = overview.bounded_outputs(epochs=3)
    assert r["sigmoid_in_open_interval"] and r["softmax_is_distribution"]
    p = r["sigmoid_prob"]
    assert np.all((p > 0) & (p < 1))
    assert r["sigmoid_accuracy"] > 0.9
    np.testing.assert_allclose(r["softmax_row_sums"], 1.0, atol=1e-6)
    assert r["softmax_min"] >= 0
    assert r["softmax_prob"].shape == (10,)
    assert r["softmax_accuracy"] > 0.85
    assert 0 < r["sigmoid_min"] < r["sigmoid_max"] < 1
    assert r["softmax_max_sum_error"] < 1e-12
    facts = overview.bounded_facts(r)
    assert str(facts["largest |row sum - 1|"]) == "< 1e-13"
    assert facts["1 - largest sigmoid output"] == 1 - r["sigmoid_max"]


def test_properties_table_rows():
    rows = overview.properties_table(overview.activation_properties(("relu", "tanh")))
    assert [r["activation"] for r in rows] == ["ReLU", "Tanh"]
    assert rows[0]["jump of f', step 0.001"] == pytest.approx(1.0)
    assert list(rows[1])[-2:] == ["f'(-12)", "f'(12)"]


def test_collapse_facts():
    facts = overview.collapse_facts(overview.linear_collapse((3, 5, 2), seed=1))
    assert str(facts["max |stack(x) - (x W + b)|"]) == "< 1e-13"
    assert facts["rank of W"] == 2
