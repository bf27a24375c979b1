"""Interactive explorers for the chapters: ipywidgets front ends over plain-data functions.

Two explorers, each one call in a chapter cell:

* :func:`activation_explorer` (chapter 2): pick any elementwise activation of the registry and see
  its function and derivative; sliders set its parameters (LeakyReLU's ``negative_slope``, ELU's and
  CELU's ``alpha``, Softplus's and Swish's ``beta``, ...), built from the record's defaults.
* :func:`gradient_explorer` (chapter 3): pick an activation, a depth and an initialisation, and see
  the gradient norm of every layer of a freshly initialised MLP and its dead-unit fraction.

The widgets only wire controls to functions that return plain data, :func:`activation_curves`,
:func:`parameter_controls` and :func:`gradient_profile`, and redraw through :mod:`actlab.plotting`.
Those functions are what the tests check; the explorers need a running Jupyter front end to be seen.
Figures are sent to the browser as PNG images (an ``ipywidgets.Image``), so every redraw replaces the
image and nothing accumulates in the notebook.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import ipywidgets

__all__ = [
    "Control",
    "activation_curves",
    "activation_explorer",
    "explorable_activations",
    "gradient_explorer",
    "gradient_profile",
    "kinks_hold",
    "parameter_controls",
]

#: The x window of the activation plots, widened to show every kink with a margin.
X_WINDOW = (-5.0, 5.0)
X_POINTS = 801

# Slider ranges (min, max, step) by parameter name; a parameter not listed gets a window around its
# default (see :func:`_slider_range`).
_SLIDER_RANGES: dict[str, tuple[float, float, float]] = {
    "negative_slope": (0.0, 1.0, 0.01),
    "alpha": (0.1, 3.0, 0.05),
    "beta": (0.1, 5.0, 0.05),
    "lambd": (0.0, 2.0, 0.05),
    "lower": (0.0, 1.0, 0.01),
    "upper": (0.0, 1.0, 0.01),
    "min_val": (-3.0, 0.0, 0.1),
    "max_val": (0.0, 6.0, 0.1),
    "init": (-0.5, 1.0, 0.01),
    "weight": (-0.5, 1.0, 0.01),
    "value": (-3.0, 3.0, 0.1),
}
# Overrides where one parameter name means different things in different activations.
_SLIDER_RANGES_BY_KEY: dict[tuple[str, str], tuple[float, float, float]] = {
    ("softplus", "threshold"): (1.0, 30.0, 0.5),
    ("threshold", "threshold"): (-3.0, 3.0, 0.1),
    ("threshold", "value"): (-5.0, 25.0, 0.5),
}
# String parameters with a fixed set of values.
_CHOICES: dict[str, tuple[str, ...]] = {"approximate": ("none", "tanh")}
# Parameters that are not a property of the curve.
_NOT_CONTROLS = frozenset({"inplace", "training", "generator", "rng", "seed", "dim", "axis"})


@dataclass(frozen=True)
class Control:
    """One parameter control of the activation explorer, as plain data.

    ``kind`` is ``"float"`` (a slider from ``low`` to ``high`` by ``step``), ``"choice"`` (a dropdown
    over ``options``) or ``"bool"`` (a checkbox).
    """

    name: str
    kind: str
    default: float | str | bool
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[str, ...] = ()


def _registry() -> Mapping[str, Any]:
    from actlab.activations.registry import REGISTRY

    return REGISTRY


def _record(name: object, func: str) -> Any:
    if not isinstance(name, str):
        raise TypeError(f"{func}: name must be a registry key (str), got {type(name).__name__}")
    registry = _registry()
    if name not in registry:
        known = ", ".join(explorable_activations())
        raise ValueError(f"{func}: unknown activation {name!r}; expected one of: {known}")
    record = registry[name]
    if record.kind != "elementwise":
        raise ValueError(
            f"{func}: {name!r} is a {record.kind} activation; the explorer plots elementwise ones"
        )
    return record


def explorable_activations() -> tuple[str, ...]:
    """The registry keys of the elementwise activations, in registry order.

    Examples::

        >>> "leaky_relu" in explorable_activations()
        True
    """
    return tuple(key for key, rec in _registry().items() if rec.kind == "elementwise")


def _slider_range(key: str, param: str, default: float) -> tuple[float, float, float]:
    low, high, step = _SLIDER_RANGES_BY_KEY.get(
        (key, param), _SLIDER_RANGES.get(param, (math.nan, math.nan, math.nan))
    )
    if math.isnan(low):
        span = max(1.0, 2.0 * abs(default))
        low, high, step = default - span, default + span, span / 50.0
    return min(low, default), max(high, default), step


def parameter_controls(name: str) -> dict[str, Control]:
    """The controls of activation ``name``, built from its registry defaults.

    A numeric default becomes a slider around it, a string with known values (GELU's
    ``approximate``) a dropdown and a bool a checkbox. Arguments that do not shape the curve
    (``inplace``, a random generator) get no control.

    Args:
        name: registry key of an elementwise activation, e.g. ``"elu"``.

    Returns:
        ``{parameter: Control}`` in the order of the record's defaults; empty for ReLU or Tanh.

    Examples::

        >>> parameter_controls("leaky_relu")["negative_slope"].default
        0.01
    """
    record = _record(name, "parameter_controls")
    controls: dict[str, Control] = {}
    for param, default in dict(record.defaults).items():
        if param in _NOT_CONTROLS or default is None:
            continue
        if isinstance(default, bool):
            controls[param] = Control(param, "bool", default)
        elif isinstance(default, int | float | np.integer | np.floating):
            value = float(default)
            if not math.isfinite(value):
                continue
            low, high, step = _slider_range(record.key, param, value)
            controls[param] = Control(param, "float", value, low, high, step)
        elif isinstance(default, str) and param in _CHOICES:
            controls[param] = Control(param, "choice", default, options=_CHOICES[param])
    return controls


def _x_window(record: Any) -> tuple[float, float]:
    lo, hi = X_WINDOW
    kinks = [float(k) for k in (record.kinks or ()) if np.isfinite(k)]
    if kinks:
        lo, hi = min(lo, min(kinks) - 2.0), max(hi, max(kinks) + 2.0)
    return lo, hi


def activation_curves(name: str = "relu", *, x: Any = None, **params: Any) -> dict[str, np.ndarray]:
    r"""The function and derivative of an elementwise activation on a grid, as plain arrays.

    .. math:: y = f(x;\ \theta), \qquad \mathrm{d}y = f'(x;\ \theta)

    with :math:`\theta` the record's defaults updated by ``params``.

    Args:
        name: registry key of an elementwise activation. Default: ``"relu"``.
        x: the inputs; default: 801 points on [-5, 5], widened to show every kink of the record
            (ReLU6's kink at 6) with a margin of 2.
        **params: parameters of the activation, by torch's names (``negative_slope=0.2``); unknown
            names are an error.

    Returns:
        ``{"x", "y", "dy"}``: float64 arrays of one shape, the inputs, :math:`f(x)` and :math:`f'(x)`.

    Shape:
        - ``x``: :math:`(*)`; ``y`` and ``dy``: same shape as ``x``.

    Examples::

        >>> curves = activation_curves("leaky_relu", x=[-2.0, 3.0], negative_slope=0.1)
        >>> curves["y"].tolist(), curves["dy"].tolist()
        ([-0.2, 3.0], [0.1, 1.0])
    """
    record = _record(name, "activation_curves")
    controls = parameter_controls(name)
    defaults = dict(record.defaults)
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        accepted = ", ".join(defaults) or "none"
        raise TypeError(
            f"activation_curves: {name!r} takes no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters are: {accepted}"
        )
    for param, value in params.items():
        control = controls.get(param)
        if control is None:
            continue
        if control.kind == "float" and (
            isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating)
        ):
            raise TypeError(
                f"activation_curves: {param} of {name!r} must be a number, got {value!r}"
            )
        if control.kind == "choice" and value not in control.options:
            raise ValueError(
                f"activation_curves: {param} of {name!r} must be one of {control.options}, "
                f"got {value!r}"
            )
    if x is None:
        lo, hi = _x_window(record)
        grid = np.linspace(lo, hi, X_POINTS)
    else:
        grid = np.asarray(x, dtype=np.float64)
    kwargs = {**{k: v for k, v in defaults.items() if k in controls}, **params}
    y = np.asarray(record.forward(grid, **kwargs), dtype=np.float64)
    dy = np.asarray(record.derivative(grid, **kwargs), dtype=np.float64)
    return {"x": grid, "y": y, "dy": dy}


#: Depths offered by the gradient explorer (number of weight layers).
DEPTHS = (2, 20)


def _check_depth(depth: object, func: str) -> int:
    lo, hi = DEPTHS
    if isinstance(depth, bool) or not isinstance(depth, int | np.integer) or not lo <= depth <= hi:
        raise ValueError(f"{func}: depth must be an int from {lo} to {hi}, got {depth!r}")
    return int(depth)


def _check_init(init: object, func: str) -> str:
    from actlab.networks import INITS

    if init not in INITS:
        raise ValueError(f"{func}: init must be one of {INITS}, got {init!r}")
    return str(init)


def gradient_profile(
    activation: str = "relu",
    depth: int = 10,
    init: str = "xavier",
    *,
    width: int = 64,
    seed: int = 0,
) -> dict[str, Any]:
    r"""The gradient norm per layer and the dead units of a freshly initialised MLP, as plain data.

    The network is the one of :func:`actlab.experiments.gradients.gradient_norms`,
    ``make_mlp([64, width, ..., width, 10], activation, init=init, seed=seed)`` with ``depth`` weight
    layers, on the digits data. Its gradient norms come from that function (cross-entropy on a
    seeded batch); its dead units from :func:`actlab.experiments.dead_units.dead_unit_fraction` on
    the whole digits training split: a hidden unit counts when its pre-activation is
    :math:`\le 0` for every example, which makes a ReLU unit dead (no gradient ever reaches it).

    Args:
        activation: registry key of the hidden activation. Default: ``"relu"``.
        depth: number of weight layers, 2 to 20. Default: 10.
        init: one of :data:`actlab.networks.INITS`. Default: ``"xavier"``.
        width: hidden width. Default: 64.
        seed: seed of the weights and the batch. Default: 0.

    Returns:
        ``{"layers", "grad_norms", "ratio", "dead_fraction", "dead_per_layer", "dead", "units",
        "zero_gradient_below_zero"}``: the weight layers 1 to ``depth`` (input side first),
        :math:`\|\partial L/\partial W_k\|` for each, the ratio first layer over last, the fraction
        of hidden units that are :math:`\le 0` on every example, over all hidden units and per
        hidden layer (``depth - 1`` of them), their count, the number of hidden units, and whether
        the activation's derivative is 0 for every negative input (only then are those units dead:
        a sigmoid unit that is negative everywhere still learns).

    Examples::

        >>> profile = gradient_profile("sigmoid", depth=10, init="xavier")
        >>> profile["grad_norms"].shape, profile["dead_per_layer"].shape
        ((10,), (9,))
    """
    from actlab.data import digits, to_tensors
    from actlab.experiments.dead_units import dead_unit_fraction
    from actlab.experiments.gradients import gradient_norms
    from actlab.networks import make_mlp

    _record(activation, "gradient_profile")
    depth = _check_depth(depth, "gradient_profile")
    init = _check_init(init, "gradient_profile")
    norms = gradient_norms(activation, depth=depth, width=width, init=init, seed=seed)
    # The same seeded weights as gradient_norms's network.
    net = make_mlp([64, *[width] * (depth - 1), 10], activation, init=init, seed=seed)
    X, _ = to_tensors(digits("train"))
    dead = dead_unit_fraction(net, X)
    record = _registry()[activation]
    negative = -np.geomspace(10.0, 1e-3, 50)
    return {
        "layers": np.arange(1, depth + 1),
        "grad_norms": np.asarray(norms, dtype=np.float64),
        "ratio": float(norms[0] / norms[-1]),
        "dead_fraction": float(dead["fraction"]),
        "dead_per_layer": np.asarray(dead["per_layer"], dtype=np.float64),
        "dead": int(dead["dead"]),
        "units": int(dead["units"]),
        "zero_gradient_below_zero": bool(np.all(record.derivative(negative) == 0.0)),
    }


# ----------------------------------------------------------------------------------------------
# drawing
# ----------------------------------------------------------------------------------------------


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _activation_png(
    name: str, curves: Mapping[str, np.ndarray], params: Mapping[str, Any], lang: str = "en"
) -> bytes:
    from actlab.plotting import activation_label, plot_activation, subplots

    fig, ax = subplots(1, width=5.5, height=3.4)
    mark = kinks_hold(name, **params)
    plot_activation(name, ax, curves["x"], mark_kinks=mark, lang=lang, **params)
    ax.set_title(activation_label(name, **params))
    return _png(fig)


def kinks_hold(name: str, **params: Any) -> bool:
    r"""Whether every kink the registry lists for ``name`` is still a kink under ``params``.

    The registry lists the kinks at the default parameters; some move with a parameter
    (Hardshrink's at :math:`\pm\lambda`, Hardtanh's at its bounds) and some vanish (LeakyReLU's
    at 0 when ``negative_slope=1``). A listed point stays a kink when the derivative still jumps
    there; the explorer marks the kinks only when all of them hold.

    Examples::

        >>> kinks_hold("hardshrink", lambd=0.5), kinks_hold("hardshrink", lambd=1.0)
        (True, False)
    """
    record = _record(name, "kinks_hold")
    controls = parameter_controls(name)
    kwargs = {**{k: v for k, v in dict(record.defaults).items() if k in controls}, **params}
    for kink in record.kinks or ():
        eps = 1e-6 * max(1.0, abs(float(kink)))
        left, right = record.derivative(np.array([kink - eps, kink + eps]), **kwargs)
        if not abs(float(left) - float(right)) > 1e-9:
            return False
    return True


def _gradient_png(
    activation: str, init: str, profile: Mapping[str, Any], lang: str = "en"
) -> bytes:
    from actlab.i18n import t
    from actlab.plotting import COLORS, finish, subplots
    from actlab.plotting.style import activation_color

    name = _registry()[activation].name
    fig, (left, right) = subplots(2, width=8.0, height=3.2)
    color = activation_color(activation)
    left.semilogy(profile["layers"], profile["grad_norms"], marker="o", color=color, label=name)
    finish(
        left,
        title=t("plot.explorer.gradient_title", lang, name=name, init=init),
        xlabel=t("plot.gradients.layer", lang),
        ylabel="||dL/dW||",
    )
    left.set_xticks(profile["layers"])
    # At least two decades, so that a flat profile looks flat.
    top = float(np.max(profile["grad_norms"]))
    left.set_ylim(min(float(np.min(profile["grad_norms"])) / 2.0, top / 100.0), top * 2.0)
    hidden = np.arange(1, len(profile["dead_per_layer"]) + 1)
    right.bar(hidden, 100.0 * profile["dead_per_layer"], color=COLORS["grey"])
    right.set_ylim(0, 100)
    right.set_xticks(hidden)
    percent = f"{100.0 * profile['dead_fraction']:.1f}"
    finish(
        right,
        title=(
            t("plot.explorer.dead_title", lang, percent=percent)
            if profile["zero_gradient_below_zero"]
            else t("plot.explorer.negative_title", lang, percent=percent)
        ),
        xlabel=t("plot.explorer.hidden_layer", lang),
        ylabel=t("plot.explorer.negative_share", lang),
        legend=False,
    )
    return _png(fig)


def _image_layout() -> ipywidgets.Layout:
    import ipywidgets as widgets

    # Shown at its own size: a flex box would otherwise stretch (and blur) the PNG.
    return widgets.Layout(align_self="flex-start", max_width="100%")


def _make_control(control: Control, on_change: Any) -> ipywidgets.Widget:
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    if control.kind == "float":
        widget = widgets.FloatSlider(
            value=control.default,
            min=control.low,
            max=control.high,
            step=control.step,
            description=control.name,
            continuous_update=False,
            readout_format=f".{max(0, math.ceil(-math.log10(control.step)))}f",
            style=style,
        )
    elif control.kind == "choice":
        widget = widgets.Dropdown(
            value=control.default, options=control.options, description=control.name, style=style
        )
    else:
        widget = widgets.Checkbox(value=control.default, description=control.name, style=style)
    widget.observe(on_change, names="value")
    return widget


def _bound(value: float) -> str:
    return {math.inf: "∞", -math.inf: "-∞"}.get(float(value), f"{float(value):g}")


def _describe(record: Any, lang: str = "en") -> str:
    from actlab.experiments.profiles import side_label
    from actlab.i18n import t

    lo, hi = record.range
    smoothness = (
        t("plot.explorer.smoothness.discontinuous", lang)
        if record.smoothness == "discontinuous"
        else record.smoothness
    )
    facts = t(
        "plot.explorer.describe",
        lang,
        range=f"({_bound(lo)}, {_bound(hi)})",
        smoothness=smoothness,
        saturates=side_label(record.saturates, lang),
        centred=t("result.yes", lang) if record.zero_centred else t("result.no", lang),
    )
    return f"<b>{record.name}</b> ({record.paper})<br>$${record.formula}$${facts}"


def activation_explorer(name: str = "relu", *, lang: str = "en") -> ipywidgets.VBox:
    """An explorer of one activation at a time: its formula, function and derivative.

    A dropdown picks any elementwise activation of the registry; one slider (or dropdown) per
    parameter of :func:`parameter_controls` sets its parameters, starting at the defaults. Every
    change redraws the figure from :func:`activation_curves`.

    Args:
        name: the activation shown first. Default: ``"relu"``.
        lang: the language of its labels and figure, ``"en"`` or ``"zh"``. Default: ``"en"``.
            The parameters keep their torch names (``negative_slope``).

    Returns:
        The explorer, an ``ipywidgets.VBox``; make it the last expression of a cell to show it.

    Examples::

        >>> explorer = activation_explorer("elu")   # in a notebook cell
    """
    import ipywidgets as widgets

    from actlab.i18n import normalize_lang, t

    _record(name, "activation_explorer")
    lang = normalize_lang(lang)
    picker = widgets.Dropdown(
        options=list(explorable_activations()),
        value=name,
        description=t("plot.explorer.activation", lang),
    )
    info = widgets.HTMLMath()
    controls_box = widgets.VBox()
    status = widgets.HTML()
    image = widgets.Image(format="png", layout=_image_layout())
    box = widgets.VBox([picker, info, controls_box, status, image])
    box.add_class("actlab-activation-explorer")

    def redraw(_change: object = None) -> None:
        key = picker.value
        params = {c.description: c.value for c in controls_box.children}
        try:
            curves = activation_curves(key, **params)
        except (TypeError, ValueError) as exc:  # e.g. Hardtanh with min_val above max_val
            status.value = f"<span style='color:#D55E00'>{html.escape(str(exc))}</span>"
            return
        status.value = ""
        image.value = _activation_png(key, curves, params, lang)

    def select(_change: object = None) -> None:
        record = _registry()[picker.value]
        info.value = _describe(record, lang)
        controls_box.children = [
            _make_control(c, redraw) for c in parameter_controls(picker.value).values()
        ]
        redraw()

    picker.observe(select, names="value")
    select()
    return box


def gradient_explorer(
    activation: str = "relu", depth: int = 10, init: str = "xavier", *, lang: str = "en"
) -> ipywidgets.VBox:
    """An explorer of gradient flow at initialisation: pick an activation, a depth and an init.

    Every change recomputes :func:`gradient_profile` and redraws the gradient norm of each layer
    (log scale) next to the dead-unit fraction of each hidden layer.

    Args:
        activation: the activation shown first. Default: ``"relu"``.
        depth: the number of weight layers shown first, 2 to 20. Default: 10.
        init: the initialisation shown first, one of :data:`actlab.networks.INITS`.
            Default: ``"xavier"``.
        lang: the language of its labels, summary and figure, ``"en"`` or ``"zh"``.
            Default: ``"en"``.

    Returns:
        The explorer, an ``ipywidgets.VBox``; make it the last expression of a cell to show it.

    Examples::

        >>> explorer = gradient_explorer("sigmoid", depth=10)   # in a notebook cell
    """
    import ipywidgets as widgets

    from actlab.i18n import normalize_lang, t
    from actlab.networks import INITS

    lang = normalize_lang(lang)

    _record(activation, "gradient_explorer")
    depth = _check_depth(depth, "gradient_explorer")
    init = _check_init(init, "gradient_explorer")
    style = {"description_width": "initial"}
    picker = widgets.Dropdown(
        options=list(explorable_activations()),
        value=activation,
        description=t("plot.explorer.activation", lang),
    )
    depth_slider = widgets.IntSlider(
        value=depth,
        min=DEPTHS[0],
        max=DEPTHS[1],
        description=t("plot.explorer.depth", lang),
        continuous_update=False,
        style=style,
    )
    init_picker = widgets.Dropdown(
        options=list(INITS), value=init, description=t("plot.explorer.init", lang)
    )
    summary = widgets.HTML()
    image = widgets.Image(format="png", layout=_image_layout())
    box = widgets.VBox([widgets.HBox([picker, init_picker]), depth_slider, summary, image])
    box.add_class("actlab-gradient-explorer")

    def redraw(_change: object = None) -> None:
        profile = gradient_profile(picker.value, depth_slider.value, init_picker.value)
        units = (
            t("plot.explorer.dead_units", lang)
            if profile["zero_gradient_below_zero"]
            else t("plot.explorer.negative_units", lang)
        )
        summary.value = t(
            "plot.explorer.summary",
            lang,
            ratio=f"{profile['ratio']:.3g}",
            units=units,
            dead=profile["dead"],
            total=profile["units"],
            percent=f"{100.0 * profile['dead_fraction']:.1f}",
        )
        image.value = _gradient_png(picker.value, init_picker.value, profile, lang)

    for control in (picker, depth_slider, init_picker):
        control.observe(redraw, names="value")
    redraw()
    return box
