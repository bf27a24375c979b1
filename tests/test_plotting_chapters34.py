"""The chapter 3-4 figures draw the data they are given (lines, labels, scales) and reject wrong data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from actlab.experiments.gelu_approximations import gelu_approximation_errors
from actlab.experiments.output_layers import output_gradient_curves
from actlab.plotting import applications as pa
from actlab.plotting import selection as ps
from actlab.plotting.tables import format_cell, format_table


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_output_gradients_on_log_axis():
    ax = ps.plot_output_gradients(output_gradient_curves(num=21))
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == [
        "sigmoid + BCE",
        "sigmoid + MSE",
    ]


def test_dead_units_two_panels_averaging_seeds():
    rows = [
        {"activation": "relu", "lr": lr, "seed": s, "dead_fraction": d + s * 0.1, "test_error": 0.1}
        for lr, d in ((1e-3, 0.0), (1e-1, 0.6))
        for s in (0, 1)
    ]
    axes = ps.plot_dead_units(rows)
    line = axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [0.05, 0.65])
    assert axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="rows must not be empty"):
        ps.plot_dead_units([])


def test_layer_statistics_one_line_per_result():
    res = [
        {"activation": a, "layer": np.arange(1, 4), "mean": np.zeros(3), "var": np.ones(3) * v}
        for a, v in (("selu", 1.0), ("relu", 1e-3))
    ]
    axes = ps.plot_layer_statistics(res)
    assert len([ln for ln in axes[1].get_lines() if ln.get_label() in ("SELU", "ReLU")]) == 2


def test_missing_keys_are_named():
    with pytest.raises(KeyError, match="plot_slope_sweep"):
        ps.plot_slope_sweep({"rows": []})


def test_cv_panels_and_ticks():
    res = {
        "rows": [
            {"activation": a, "val_error": e} for a in ("relu", "identity") for e in (0.1, 0.2)
        ],
        "summary": [
            {"activation": "relu", "mean": 0.15, "std": 0.05},
            {"activation": "identity", "mean": 0.15, "std": 0.05},
        ],
    }
    axes = ps.plot_cv({"moons": res, "digits": res})
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["ReLU", "identity"]
    assert axes[1].get_title() == "digits"


def test_cost_bars_sorted():
    rows = [
        {"name": "Mish", "forward_backward_ratio": 9.0},
        {"name": "ReLU", "forward_backward_ratio": 1.0},
    ]
    ax = ps.plot_cost(rows)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ReLU", "Mish"]


def test_training_error_curves_one_panel_per_depth():
    rows = [
        {
            "activation": a,
            "depth": d,
            "epoch": np.arange(3),
            "train_error": np.array([0.9, 0.3, 0.04]),
        }
        for d in (4, 8)
        for a in ("relu", "tanh")
    ]
    axes = pa.plot_training_error_curves(rows)
    assert [ax.get_title() for ax in axes] == ["4 hidden layers", "8 hidden layers"]


def test_gelu_approximation_panels():
    axes = pa.plot_gelu_approximations(gelu_approximation_errors(num=2001))
    assert axes[1].get_yscale() == "log"
    assert len(axes[0].get_lines()) == 3


def test_gru_gate_panels_sort_units_by_their_gate_after_the_mark():
    update = np.full((2, 5, 3), 0.5)
    update[0, 2:, 1] = 0.95  # unit 1 keeps after the mark at step 1
    gates = {
        "update": update,
        "hidden": np.zeros((2, 5, 3)),
        "marked_step": np.array([1, 2]),
        "target": np.array([0.3, -0.2]),
    }
    axes = pa.plot_gru_gates(gates, sequence=0)
    image = axes[0].get_images()[0].get_array()
    np.testing.assert_allclose(image[-1], update[0, :, 1])  # the keeping unit is on top
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert labels[-1] == "unit 1"  # the unit that keeps most is drawn last, on top
    with pytest.raises(KeyError, match="plot_gru_gates"):
        pa.plot_gru_gates({"update": update})


def test_vowel_means_one_line_per_vowel():
    data = {
        "X": np.arange(12.0).reshape(4, 3),
        "y": np.array([0, 0, 1, 1]),
        "centres_hz": np.array([100.0, 200.0, 300.0]),
        "labels": np.array(["i", "u"]),
    }
    ax = pa.plot_vowel_frames(data)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.5, 2.5, 3.5])
    assert len(ax.get_lines()) == 2


def test_init_comparison_three_panels():
    rows = [
        {"init": i, "layer_std": np.ones(3), "delta": np.array([1e-3, 1e-2, 1e-1, 1.0]),
         "epoch": np.arange(2), "train_loss": np.array([2.3, 2.0])}
        for i in ("xavier", "he")
    ]
    axes = ps.plot_init_comparison(rows)
    assert len(axes) == 3 and axes[1].get_yscale() == "log"
    np.testing.assert_allclose(axes[1].get_lines()[0].get_ydata(), [1e-3, 1e-2, 1e-1])


def test_dead_history_and_dropout_panels():
    history = {"history": {"relu": {"step": np.array([0, 5]), "negative": np.array([[0, 1], [0, 4]])}}}
    (ax,) = ps.plot_dead_history(history)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [1, 4])
    with pytest.raises(ValueError, match="history is empty"):
        ps.plot_dead_history({"history": {}})
    result = {
        "rows": [{"p": p, "test_error": 0.1, "noisy_error": 0.2, "pruned_error": e} for p, e in ((0.0, 0.3), (0.5, 0.15))],
        "summary": [{"p": p, "test_error": 0.1, "noisy_error": 0.2, "pruned_error": e} for p, e in ((0.0, 0.3), (0.5, 0.15))],
    }
    ax = ps.plot_dropout_robustness(result)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["clean", "noisy inputs", "units removed"]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[2] == 0.3 and heights[5] == 0.15


def test_loss_curves_are_smoothed():
    ax = pa.plot_loss_curves([{"activation": "gelu", "loss_curve": np.arange(1, 11.0)}], window=5)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.arange(3, 9.0))


def test_table_text():
    text = format_table(
        [{"name": "ReLU", "x": 0.123456, "ok": True, "n": None}], {"name": "act", "x": "x"}
    )
    assert text.splitlines() == ["act   x", "----  -----", "ReLU  0.123"]
    assert format_cell(float("inf")) == "inf" and format_cell(np.float32(0.5)) == "0.5"
    with pytest.raises(KeyError, match="lack the columns"):
        format_table([{"a": 1}], ["b"])


def test_distinct_colors_keep_fixed_colours_and_never_repeat():
    from actlab.plotting.style import ACTIVATION_COLORS

    colors = ps.distinct_colors(["selu", "relu", "tanh", "gelu", "relu"])
    assert list(colors) == ["selu", "relu", "tanh", "gelu"]
    assert (
        colors["relu"] == ACTIVATION_COLORS["relu"] and colors["tanh"] == ACTIVATION_COLORS["tanh"]
    )
    assert len(set(colors.values())) == 4
