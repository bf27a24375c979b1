"""Plots of activation functions and their derivatives, drawn from the registry.

Following d2l, a plot shows the function and its derivative side by side. At a kink (ReLU at 0) the
derivative is a convention: the plot marks the value the package (and torch) uses with a filled dot
and the one-sided limits with open circles, and the derivative line is broken there instead of
drawing a vertical jump.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import normalize_lang, t
from actlab.plotting.style import COLORS, _as_axes, activation_color, finish

__all__ = ["activation_label", "plot_activation", "plot_activations"]


def _record(name: str, func: str) -> Any:
    from actlab.activations.registry import get

    if not isinstance(name, str):
        raise TypeError(f"{func}: name must be a registry key (str), got {type(name).__name__}")
    record = get(name)
    if record.kind != "elementwise":
        raise ValueError(
            f"{func}: {name!r} is {record.kind}; only elementwise activations plot as f(x)"
        )
    return record


def activation_label(name: str, **params: Any) -> str:
    """``"LeakyReLU(negative_slope=0.1)"``: the torch class name and the non-default parameters."""
    record = _record(name, "activation_label")
    shown = {k: v for k, v in params.items() if record.defaults.get(k, object()) != v}
    args = ", ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in shown.items()
    )
    return f"{record.name}({args})" if args else record.name


def _segments(x: np.ndarray, kinks: Sequence[float]) -> list[np.ndarray]:
    """Split the sorted grid ``x`` into open pieces between kinks (kink points themselves dropped)."""
    lo, hi = float(x[0]), float(x[-1])
    inner = sorted(k for k in kinks if lo < k < hi)
    if not inner:
        return [x]
    step = (hi - lo) / max(len(x) - 1, 1)
    bounds = [lo, *inner, hi]
    pieces = []
    for a, b in itertools.pairwise(bounds):
        m = max(round((b - a) / step) + 1, 2)
        left = a + (step * 1e-6 if a in inner else 0.0)
        right = b - (step * 1e-6 if b in inner else 0.0)
        pieces.append(np.linspace(left, right, m))
    return pieces


def plot_activation(
    name: str,
    ax: Any = None,
    x: np.ndarray | None = None,
    *,
    derivative: bool = True,
    color: str | None = None,
    label: str | None = None,
    mark_kinks: bool = True,
    lang: str = "en",
    **params: Any,
) -> Any:
    r"""Draw activation ``name`` and, dashed, its derivative, from the registry's numpy functions.

    Args:
        name: registry key, e.g. ``"relu"``.
        ax: the Axes to draw on; a new figure if None.
        x: the grid; default 801 points on :math:`[-5, 5]`.
        derivative: also draw the derivative (dashed). Default: True.
        color: line colour; default the course's colour for ``name``.
        label: legend label of the function; default the torch class name with its parameters.
        mark_kinks: mark the derivative's convention at each kink. Default: True.
        lang: the language of the legend, ``"en"`` or ``"zh"``. Default: ``"en"``.
        **params: the activation's parameters (``negative_slope=0.1``).

    Returns:
        The Axes.

    Examples::

        >>> ax = plot_activation("relu")  # doctest: +SKIP
    """
    record = _record(name, "plot_activation")
    lang = normalize_lang(lang)
    x = (
        np.linspace(-5.0, 5.0, 801)
        if x is None
        else np.sort(np.asarray(x, dtype=np.float64).ravel())
    )
    if x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(
            f"plot_activation: x must hold at least 2 finite values, got {x.size} values"
        )
    (ax,) = _as_axes(ax, 1)
    color = color or activation_color(name)
    label = label or activation_label(name, **params)
    kinks = [float(k) for k in (record.kinks or ())] if mark_kinks else []
    kinks_in = [k for k in kinks if x[0] < k < x[-1]]
    # A function that jumps (Threshold, Hardshrink) is broken at its kinks too.
    f_pieces = _segments(x, kinks_in) if record.smoothness == "discontinuous" else [x]
    for i, xs in enumerate(f_pieces):
        ax.plot(xs, record.forward(xs, **params), color=color, label=label if i == 0 else None)
    if derivative:
        for i, xs in enumerate(_segments(x, kinks_in)):
            ax.plot(
                xs,
                record.derivative(xs, **params),
                color=color,
                linestyle="--",
                label=t("plot.activation.derivative", lang, name=record.name) if i == 0 else None,
            )
        if kinks_in:
            k = np.array(kinks_in)
            eps = 1e-9 * max(1.0, float(np.max(np.abs(k))))
            limits = np.concatenate(
                [record.derivative(k - eps, **params), record.derivative(k + eps, **params)]
            )
            ax.plot(
                np.concatenate([k, k]),
                limits,
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=color,
                markersize=5,
                zorder=3,
            )
            ax.plot(
                k,
                record.derivative(k, **params),
                linestyle="none",
                marker="o",
                color=COLORS["red"],
                markersize=5,
                zorder=4,
                label=t("plot.activation.kink", lang),
            )
    ax.axhline(0, color=COLORS["grey"], linewidth=0.6)
    ax.axvline(0, color=COLORS["grey"], linewidth=0.6)
    return finish(ax, xlabel="x", ylabel="f(x)" if not derivative else "f(x), f'(x)")


def plot_activations(
    names: Sequence[str],
    *,
    x: np.ndarray | None = None,
    derivative: bool = True,
    params: dict[str, dict[str, Any]] | None = None,
    ax: Any = None,
    lang: str = "en",
) -> Any:
    """One panel per activation in ``names`` (at most 3 per figure row is readable).

    Args:
        names: registry keys.
        x: the grid, see :func:`plot_activation`.
        derivative: draw the derivatives. Default: True.
        params: per-name parameters, ``{"leaky_relu": {"negative_slope": 0.1}}``.
        ax: a sequence of Axes, one per name; a new row of panels if None.
        lang: the language of the legends, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    names = list(names)
    if not names:
        raise ValueError("plot_activations: names must not be empty")
    params = params or {}
    axes = _as_axes(ax, len(names))
    for a, name in zip(axes, names, strict=True):
        plot_activation(name, a, x, derivative=derivative, lang=lang, **params.get(name, {}))
        a.set_title(activation_label(name, **params.get(name, {})))
    return list(axes)
