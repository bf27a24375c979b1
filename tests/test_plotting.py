"""Plotting: figures are drawn from data, labelled, small, and free of warnings."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import actlab.plotting as P
from actlab.plotting.style import MAX_ROW_SIZE


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_subplots_caps_the_size():
    fig, axes = P.subplots(6, 2, width=20, height=9)
    w, h = fig.get_size_inches()
    assert w <= MAX_ROW_SIZE[0] and h <= 2 * MAX_ROW_SIZE[1]
    assert len(axes) == 12
    with pytest.raises(ValueError, match=r"subplots: ncols must be a positive int, got 0"):
        P.subplots(0)


def test_colors_for_is_distinct_and_keeps_activation_colours():
    from actlab.plotting.style import ACTIVATION_COLORS, colors_for

    colors = colors_for(["a", "sigmoid", "b", "c", "tanh"])
    assert len(set(colors)) == 5
    assert colors[1] == ACTIVATION_COLORS["sigmoid"] and colors[4] == ACTIVATION_COLORS["tanh"]


def test_plot_activation_draws_function_derivative_and_kink():
    ax = P.plot_activation("relu")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "ReLU" in labels and "derivative of ReLU" in labels
    kink = [line for line in ax.get_lines() if line.get_label() == "derivative used at the kink"]
    assert len(kink) == 1
    x, y = kink[0].get_data()
    assert list(x) == [0.0] and list(y) == [0.0]  # torch's convention relu'(0) = 0
    # the derivative line is broken at the kink: no dashed segment spans x = 0
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    for line in dashed:
        xs = np.asarray(line.get_xdata(), dtype=float)
        assert not (xs.min() < 0 < xs.max())
    assert ax.get_xlabel() == "x"


def test_plot_activation_values_come_from_the_registry():
    from actlab.activations.registry import get

    ax = P.plot_activation("leaky_relu", negative_slope=0.2, derivative=False)
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("LeakyReLU")]
    x, y = line.get_data()
    np.testing.assert_allclose(y, get("leaky_relu").forward(x, negative_slope=0.2))
    assert line.get_label() == "LeakyReLU(negative_slope=0.2)"


def test_plot_activation_errors():
    with pytest.raises(ValueError, match=r"plot_activation: 'softmax' is normalising"):
        P.plot_activation("softmax")
    with pytest.raises(ValueError, match=r"plot_activation: x must hold at least 2 finite values"):
        P.plot_activation("relu", x=np.array([0.0, np.nan]))


def test_plot_activations_one_panel_each():
    axes = P.plot_activations(["relu", "sigmoid", "tanh"])
    assert [a.get_title() for a in axes] == ["ReLU", "Sigmoid", "Tanh"]
    with pytest.raises(ValueError, match=r"expected 3 axes, got 2"):
        P.plot_activations(["relu", "sigmoid", "tanh"], ax=P.subplots(2)[1])


def _boundary(model):
    xx, yy = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    return {
        "dataset": "xor",
        "model": model,
        "activation": "relu",
        "X": np.array([[0.5, 0.5], [-0.5, 0.5]]),
        "y": np.array([1, 0]),
        "xx": xx,
        "yy": yy,
        "prob": 1 / (1 + np.exp(-4 * xx * yy)),
        "test_accuracy": 0.987,
    }


def test_decision_boundaries():
    axes = P.plot_decision_boundaries([_boundary("linear"), _boundary("mlp")])
    assert axes[0].get_title() == "xor: linear\ntest accuracy 0.99"
    assert axes[1].get_title().startswith("xor: MLP (relu)")
    with pytest.raises(KeyError, match=r"plot_decision_boundary: result lacks \['prob'\]"):
        P.plot_decision_boundary({k: v for k, v in _boundary("mlp").items() if k != "prob"})


def test_gradient_norms_log_scale_one_line_per_key():
    results = {
        "sigmoid": {"norms": np.array([[1e-6, 1e-3, 1.0], [2e-6, 2e-3, 1.0]])},
        "tanh": {"norms": np.array([[0.5, 0.5, 0.5], [0.4, 0.5, 0.6]])},
    }
    ax = P.plot_gradient_norms(results, title="t")
    assert ax.get_yscale() == "log"
    assert [ln.get_label() for ln in ax.get_lines()] == ["Sigmoid", "Tanh"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.5e-6, 1.5e-3, 1.0])


def test_exploding_losses_marks_overflow():
    results = {
        1.0: {"losses": np.array([2.3, 2.2, 2.1]), "first_nonfinite": None},
        1.5: {"losses": np.array([1e3, 1e20, np.nan]), "first_nonfinite": 2},
    }
    ax = P.plot_exploding_losses(results)
    assert [ln.get_label() for ln in ax.get_lines()][:2] == ["gain 1", "gain 1.5"]
    crosses = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(crosses) == 1 and list(crosses[0].get_xdata()) == [2]
    # the same gain has the same colour in the gradient-norm panel
    norms = P.plot_gradient_norms({g: {"norms": np.ones((1, 3))} for g in results})
    assert [ln.get_color() for ln in norms.get_lines()] == [ln.get_color() for ln in ax.get_lines()[:2]]


def test_layer_means_each_panel_fits_its_data():
    r = {
        "updates": np.array([0, 10]),
        "mean": np.array([[0.5, 0.5], [0.5, 0.2]]),
        "std": np.full((2, 2), 0.01),
        "test_error": 0.9,
    }
    t = dict(r, mean=np.array([[0.0, 0.001], [-0.001, 0.002]]), test_error=0.05)
    axes = P.plot_layer_means({"sigmoid": r, "tanh": t})
    # tanh's means near 0 fill their own panel instead of lying flat on sigmoid's 0-0.5 axis
    lo, hi = axes[1].get_ylim()
    assert hi - lo < 0.1 and lo < 0 < hi
    assert axes[0].get_ylim()[1] > 0.5
    assert len(axes[0].collections) == 2  # a std band per layer
    assert axes[0].get_title() == "Sigmoid: test error 0.90"
    shared = P.plot_layer_means({"sigmoid": r, "tanh": t}, sharey=True)
    assert shared[0].get_ylim() == shared[1].get_ylim()


def test_training_curves_accept_arrays_and_rows():
    rows = [{"train_error": 0.9}, {"train_error": 0.3}]
    ax = P.plot_training_curves({"a": np.array([[0.9, 0.5], [0.8, 0.4]]), "b": rows})
    a, b = ax.get_lines()
    np.testing.assert_allclose(a.get_ydata(), [0.85, 0.45])
    np.testing.assert_allclose(b.get_ydata(), [0.9, 0.3])
    with pytest.raises(ValueError, match=r"plot_training_curves: curves must not be empty"):
        P.plot_training_curves({})


def test_chapter_one_figures():
    props = {
        "relu": {
            "name": "ReLU",
            "x_fit": np.linspace(-1, 1, 5),
            "f_fit": np.maximum(np.linspace(-1, 1, 5), 0),
            "affine_fit": np.linspace(-1, 1, 5) / 2 + 0.25,
            "x_smooth": np.linspace(-1, 1, 5),
            "df_smooth": (np.linspace(-1, 1, 5) > 0).astype(float),
            "x": np.linspace(-5, 5, 5),
            "df": (np.linspace(-5, 5, 5) > 0).astype(float),
        }
    }
    axes = P.plot_properties(props)
    assert axes[2].get_yscale() == "log"
    bounded = {
        "sigmoid_prob": np.array([0.1, 0.9, 0.8]),
        "sigmoid_label": np.array([0, 1, 1]),
        "softmax_prob": np.full(10, 0.1),
        "softmax_label": 3,
    }
    a1, a2 = P.plot_bounded_outputs(bounded)
    assert len(a1.patches) == 40 and len(a2.patches) == 10
    memory = {
        "t": np.arange(4),
        "x": np.zeros(4),
        "write": np.array([1.0, 0, 0, 0]),
        "v": {
            "gate": np.ones(4),
            "candidate": np.zeros(4),
            "state": np.zeros(4),
            "max_abs_state": 0.0,
        },
    }
    (ax,) = P.plot_gated_memory(memory)
    assert ax.get_title() == "v\nmax |h| = 0"


def test_plotting_does_not_warn_or_use_cjk():
    # pytest turns warnings into errors: drawing a full figure must not emit any
    fig, axes = P.subplots(3)
    P.plot_activations(["relu", "sigmoid", "tanh"], ax=axes)
    fig.canvas.draw()
    texts = [t.get_text() for a in axes for t in [*a.texts, a.title, a.xaxis.label, a.yaxis.label]]
    assert all(ord(ch) < 0x2E80 for t in texts for ch in t)


def _flow_entry(activation, init, scale):
    return {
        "activation": activation,
        "init": init,
        "forward_std": np.full((2, 3), scale),
        "delta": np.array([[scale, 2 * scale, 4 * scale, 1.0]] * 2),
        "weight": np.ones((2, 4)),
    }


def test_gradient_flow_three_log_panels_one_colour_per_pair():
    flow = {
        "relu, xavier": _flow_entry("relu", "xavier", 0.1),
        "relu, he": _flow_entry("relu", "he", 1.0),
    }
    axes = P.plot_gradient_flow(flow)
    assert len(axes) == 3 and all(a.get_yscale() == "log" for a in axes)
    labels = [ln.get_label() for ln in axes[0].get_lines()]
    assert labels == ["ReLU, Xavier", "ReLU, He"]
    colors = [ln.get_color() for ln in axes[1].get_lines()]
    assert len(set(colors)) == 2
    np.testing.assert_allclose(axes[1].get_lines()[0].get_ydata(), [0.1, 0.2, 0.4, 1.0])
    assert axes[1].get_title() == "backward: ||dL/dz_l||"
    with pytest.raises(ValueError, match=r"plot_gradient_flow: results must not be empty"):
        P.plot_gradient_flow({})


def test_plot_exploding_has_one_legend():
    results = {
        1.0: {"norms": np.ones((2, 5)), "losses": np.array([2.3, 2.2]), "first_nonfinite": None},
        1.5: {"norms": np.full((2, 5), 50.0), "losses": np.array([1e3, np.nan]), "first_nonfinite": 1},
    }
    left, right = P.plot_exploding(results)
    assert left.get_legend() is None and right.get_legend() is not None
    assert "5 layers" in left.get_title()


def test_plot_approximation():
    from actlab.experiments import approximation

    r = approximation.universal_approximation(widths=(2, 4, 8), num=101)
    axes = P.plot_approximation(r, widths=(2, 8))
    assert len(axes) == 3
    assert [ln.get_label() for ln in axes[0].get_lines()] == ["target", "2 units", "8 units"]
    assert axes[2].get_xscale() == "log" and axes[2].get_yscale() == "log"
    with pytest.raises(ValueError, match=r"plot_approximation: widths \[16\] are not in the result"):
        P.plot_approximation(r, widths=(16,))


def test_plot_centring_dots_the_piecewise_linear_twins():
    rows = [
        {"variant": "tanh", "train_error": np.array([[0.9, 0.1]]), "smooth": True},
        {"variant": "hardtanh", "train_error": np.array([[0.9, 0.05]]), "smooth": False},
    ]
    ax = P.plot_centring(rows)
    assert [ln.get_linestyle() for ln in ax.get_lines()] == ["-", ":"]
    assert ax.get_title()


def test_gated_memory_view_is_clipped():
    memory = {
        "t": np.arange(3),
        "x": np.zeros(3),
        "write": np.array([1.0, 0, 0]),
        "v": {"gate": np.ones(3), "candidate": np.zeros(3), "state": np.array([0, 6, 1e11]),
              "max_abs_state": 1e11},
    }
    (ax,) = P.plot_gated_memory(memory)
    assert ax.get_ylim()[1] <= 4.0
