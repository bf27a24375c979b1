"""actlab.widgets without a browser: the data behind the explorers, and their wiring.

The update functions return plain data, so the curves and profiles are checked against values
computed here by hand. The explorers are built as real ipywidgets (no kernel needed): moving a
control must redraw the figure, which is an ``ipywidgets.Image`` holding PNG bytes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from actlab import widgets
from actlab.activations.registry import REGISTRY

ELEMENTWISE = [key for key, rec in REGISTRY.items() if rec.kind == "elementwise"]
NORMALISING = [key for key, rec in REGISTRY.items() if rec.kind != "elementwise"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    # Small models run several times faster on one thread here; restore the setting afterwards.
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ----------------------------------------------------------------------------------------------
# activation explorer: data
# ----------------------------------------------------------------------------------------------


def test_explorable_activations_are_the_elementwise_records() -> None:
    assert list(widgets.explorable_activations()) == ELEMENTWISE
    assert {"relu", "leaky_relu", "elu", "celu", "softplus", "swish", "gelu"} <= set(ELEMENTWISE)
    assert "softmax" in NORMALISING and "softmax" not in widgets.explorable_activations()


@pytest.mark.parametrize(
    ("name", "param", "default"),
    [
        ("leaky_relu", "negative_slope", 0.01),
        ("elu", "alpha", 1.0),
        ("celu", "alpha", 1.0),
        ("softplus", "beta", 1.0),
        ("swish", "beta", 1.0),
    ],
)
def test_the_issue_s_sliders_start_at_the_torch_defaults(
    name: str, param: str, default: float
) -> None:
    control = widgets.parameter_controls(name)[param]
    assert control.kind == "float"
    assert control.default == default
    assert control.low is not None and control.high is not None and control.step is not None
    assert control.low < default < control.high
    assert 0 < control.step <= (control.high - control.low) / 20


def test_parameterless_activations_have_no_controls() -> None:
    for name in ("relu", "sigmoid", "tanh", "silu", "mish"):
        assert widgets.parameter_controls(name) == {}


def test_gelu_approximate_is_a_choice() -> None:
    control = widgets.parameter_controls("gelu")["approximate"]
    assert control.kind == "choice"
    assert control.default == "none"
    assert set(control.options) == {"none", "tanh"}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_control_is_built_from_the_record(name: str) -> None:
    defaults = REGISTRY[name].defaults
    for param, control in widgets.parameter_controls(name).items():
        assert defaults[param] == control.default
        if control.kind == "float":
            assert control.low <= control.default <= control.high  # type: ignore[operator]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_curves_of_every_activation_at_its_defaults(name: str) -> None:
    curves = widgets.activation_curves(name)
    assert set(curves) == {"x", "y", "dy"}
    x = curves["x"]
    assert x.dtype == np.float64 and x.ndim == 1 and x.size == widgets.X_POINTS
    assert np.all(np.diff(x) > 0)
    assert x[0] <= -5.0 and x[-1] >= 5.0
    for key in ("y", "dy"):
        assert curves[key].shape == x.shape
        assert np.all(np.isfinite(curves[key])), f"{name}: non-finite {key}"


def test_leaky_relu_curves_follow_the_slider() -> None:
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    curves = widgets.activation_curves("leaky_relu", x=x, negative_slope=0.2)
    np.testing.assert_allclose(curves["y"], [-0.4, -0.1, 0.5, 3.0], rtol=1e-15)
    np.testing.assert_allclose(curves["dy"], [0.2, 0.2, 1.0, 1.0], rtol=1e-15)
    default = widgets.activation_curves("leaky_relu", x=x)
    np.testing.assert_allclose(default["y"], [-0.02, -0.005, 0.5, 3.0], rtol=1e-15)


def test_elu_softplus_and_swish_parameters_reach_the_curves() -> None:
    x = np.array([-1.5, -0.25, 0.75])
    elu = widgets.activation_curves("elu", x=x, alpha=2.0)
    np.testing.assert_allclose(elu["y"], [2 * math.expm1(-1.5), 2 * math.expm1(-0.25), 0.75])
    np.testing.assert_allclose(elu["dy"], [2 * math.exp(-1.5), 2 * math.exp(-0.25), 1.0])

    softplus = widgets.activation_curves("softplus", x=x, beta=3.0)
    expected = [math.log1p(math.exp(3.0 * v)) / 3.0 for v in x]
    np.testing.assert_allclose(softplus["y"], expected, rtol=1e-13)
    np.testing.assert_allclose(softplus["dy"], [1 / (1 + math.exp(-3.0 * v)) for v in x])

    swish = widgets.activation_curves("swish", x=x, beta=0.5)
    np.testing.assert_allclose(swish["y"], [v / (1 + math.exp(-0.5 * v)) for v in x], rtol=1e-13)


def test_the_window_shows_every_kink() -> None:
    x = widgets.activation_curves("relu6")["x"]
    assert x[-1] >= 6.0 + 1.0


def test_bad_input_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match=r"activation_curves: unknown activation 'relu7'"):
        widgets.activation_curves("relu7")
    with pytest.raises(ValueError, match=r"'softmax' is a normalising activation"):
        widgets.activation_curves("softmax")
    with pytest.raises(
        TypeError, match=r"takes no parameter 'alpha'; its parameters are: negative_slope"
    ):
        widgets.activation_curves("leaky_relu", alpha=1.0)
    with pytest.raises(
        TypeError, match=r"negative_slope of 'leaky_relu' must be a number, got '0.1'"
    ):
        widgets.activation_curves("leaky_relu", negative_slope="0.1")
    with pytest.raises(ValueError, match=r"approximate of 'gelu' must be one of"):
        widgets.activation_curves("gelu", approximate="erf")
    with pytest.raises(TypeError, match=r"parameter_controls: name must be a registry key"):
        widgets.parameter_controls(3)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------
# activation explorer: wiring
# ----------------------------------------------------------------------------------------------


def _find(widget, cls):  # depth-first search of a widget tree
    found = [widget] if isinstance(widget, cls) else []
    for child in getattr(widget, "children", ()):
        found.extend(_find(child, cls))
    return found


def test_activation_explorer_redraws_when_a_slider_moves() -> None:
    import ipywidgets

    explorer = widgets.activation_explorer("leaky_relu")
    (image,) = _find(explorer, ipywidgets.Image)
    (picker,) = _find(explorer, ipywidgets.Dropdown)
    (slider,) = _find(explorer, ipywidgets.FloatSlider)
    assert picker.value == "leaky_relu"
    assert slider.description == "negative_slope" and slider.value == 0.01
    first = bytes(image.value)
    assert first.startswith(PNG_MAGIC)

    slider.value = 0.3
    second = bytes(image.value)
    assert second.startswith(PNG_MAGIC) and second != first


def test_activation_explorer_rebuilds_the_controls_for_a_new_activation() -> None:
    import ipywidgets

    explorer = widgets.activation_explorer("relu")
    assert _find(explorer, ipywidgets.FloatSlider) == []
    (picker,) = _find(explorer, ipywidgets.Dropdown)
    before = bytes(_find(explorer, ipywidgets.Image)[0].value)
    picker.value = "softplus"
    names = [s.description for s in _find(explorer, ipywidgets.FloatSlider)]
    assert names == ["beta", "threshold"]
    assert bytes(_find(explorer, ipywidgets.Image)[0].value) != before
    (info,) = _find(explorer, ipywidgets.HTMLMath)
    assert "Softplus" in info.value


def test_activation_explorer_refuses_a_normalising_function() -> None:
    with pytest.raises(ValueError, match="activation_explorer"):
        widgets.activation_explorer("softmax")


# ----------------------------------------------------------------------------------------------
# gradient explorer
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def relu_profile() -> dict:
    return widgets.gradient_profile("relu", depth=8, init="xavier")


def test_gradient_profile_shapes_and_vanishing_sigmoid(relu_profile: dict) -> None:
    from actlab.experiments.gradients import gradient_norms

    sigmoid = widgets.gradient_profile("sigmoid", depth=8, init="xavier")
    for profile in (sigmoid, relu_profile):
        assert profile["layers"].tolist() == list(range(1, 9))
        assert profile["grad_norms"].shape == (8,)
        assert profile["dead_per_layer"].shape == (7,)
        assert np.all(profile["grad_norms"] > 0)
        assert profile["ratio"] == pytest.approx(
            profile["grad_norms"][0] / profile["grad_norms"][-1]
        )
    np.testing.assert_array_equal(
        sigmoid["grad_norms"], gradient_norms("sigmoid", depth=8, init="xavier")
    )
    # Sigmoid's derivative is at most 1/4: the first layer's gradient is orders of magnitude
    # smaller than the last's, while ReLU keeps them within a small factor.
    assert sigmoid["ratio"] < 1e-3
    assert 0.1 < relu_profile["ratio"] < 10


def _units_below_zero_everywhere(activation: str, depth: int, init: str) -> list[int]:
    """Count, by hand, the hidden units whose pre-activation is <= 0 on every training example."""
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import linear_layers, make_mlp

    net = make_mlp([64, *[64] * (depth - 1), 10], activation, init=init, seed=0)
    X, _ = to_tensors(digits("train"))
    counts = []
    with torch.no_grad():
        h = X
        modules = list(net)
        for i, layer in enumerate(linear_layers(net)[:-1]):
            z = layer(h)
            counts.append(int((z <= 0).all(dim=0).sum()))
            h = modules[modules.index(layer) + 1](z)
            assert i < depth
    return counts


def test_dead_units_match_a_count_by_hand(relu_profile: dict) -> None:
    counts = _units_below_zero_everywhere("relu", 8, "xavier")
    assert relu_profile["dead"] == sum(counts)
    assert relu_profile["units"] == 64 * 7
    np.testing.assert_allclose(relu_profile["dead_per_layer"], np.array(counts) / 64)
    assert relu_profile["dead_fraction"] == pytest.approx(sum(counts) / (64 * 7))
    assert relu_profile["zero_gradient_below_zero"] is True


def test_only_zero_gradient_activations_have_dead_units() -> None:
    for name, dead in (("relu", True), ("relu6", True), ("leaky_relu", False), ("sigmoid", False)):
        profile = widgets.gradient_profile(name, depth=2, init="he")
        assert profile["zero_gradient_below_zero"] is dead, name


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"depth": 1}, ValueError, r"gradient_profile: depth must be an int from 2 to 20, got 1"),
        ({"depth": 21}, ValueError, r"depth must be an int from 2 to 20, got 21"),
        ({"depth": 4.0}, ValueError, r"depth must be an int from 2 to 20, got 4.0"),
        ({"depth": True}, ValueError, r"got True"),
        ({"init": "glorot"}, ValueError, r"gradient_profile: init must be one of .*got 'glorot'"),
        ({"activation": "softmax"}, ValueError, r"gradient_profile: 'softmax' is a normalising"),
        ({"activation": "swishy"}, ValueError, r"gradient_profile: unknown activation 'swishy'"),
    ],
)
def test_gradient_profile_refuses_bad_input(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        widgets.gradient_profile(**kwargs)


def test_gradient_explorer_redraws_for_each_control() -> None:
    import ipywidgets

    explorer = widgets.gradient_explorer("relu", depth=4, init="he")
    (image,) = _find(explorer, ipywidgets.Image)
    (depth,) = _find(explorer, ipywidgets.IntSlider)
    picker, init = _find(explorer, ipywidgets.Dropdown)
    (summary,) = _find(explorer, ipywidgets.HTML)
    assert (picker.value, depth.value, init.value) == ("relu", 4, "he")
    assert "dead units" in summary.value
    seen = [bytes(image.value)]
    assert seen[0].startswith(PNG_MAGIC)
    depth.value = 6
    seen.append(bytes(image.value))
    init.value = "xavier"
    seen.append(bytes(image.value))
    picker.value = "sigmoid"
    seen.append(bytes(image.value))
    assert len(set(seen)) == 4
    assert "not dead" in summary.value


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_registry_kinks_hold_at_the_defaults(name: str) -> None:
    assert widgets.kinks_hold(name)


@pytest.mark.parametrize(
    ("name", "params", "holds"),
    [
        ("leaky_relu", {"negative_slope": 0.3}, True),
        ("leaky_relu", {"negative_slope": 1.0}, False),  # the identity has no kink
        ("hardshrink", {"lambd": 1.0}, False),  # the jumps moved to +-1
        ("hardtanh", {"min_val": -2.0}, False),
    ],
)
def test_kinks_follow_the_parameters(name: str, params: dict, holds: bool) -> None:
    assert widgets.kinks_hold(name, **params) is holds
