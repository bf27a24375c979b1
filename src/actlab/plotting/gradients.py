"""Gradient-flow and saturation figures for chapter 2, drawn from :mod:`actlab.experiments.gradients`
and :mod:`actlab.experiments.saturation`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.plotting.style import COLORS, _as_axes, colors_for, finish

__all__ = ["plot_exploding_losses", "plot_gradient_norms", "plot_layer_means"]


def _label(key: Any) -> str:
    if isinstance(key, float):
        return f"gain {key:g}"
    from actlab.activations.registry import get

    try:
        return get(str(key)).name
    except (KeyError, LookupError):
        return str(key)


def plot_gradient_norms(
    results: Mapping[Any, Mapping[str, Any]], ax: Any = None, *, title: str | None = None
) -> Any:
    r"""Gradient norm :math:`\|\partial L/\partial W_k\|` per layer on a log scale.

    One line per key of ``results`` (an activation name or a gain): the median over seeds, with the
    range over seeds shaded.

    Args:
        results: ``{key: {"norms": (seeds, depth) array}}``, as returned by
            :func:`~actlab.experiments.gradients.vanishing_gradients` or
            :func:`~actlab.experiments.gradients.exploding_gradients`.
        ax: the Axes; a new figure if None.
        title: panel title.

    Returns:
        The Axes.
    """
    (ax,) = _as_axes(ax, 1)
    colors = colors_for(str(k) for k in results)
    for color, (key, r) in zip(colors, results.items(), strict=True):
        norms = np.atleast_2d(np.asarray(r["norms"], dtype=np.float64))
        layers = np.arange(1, norms.shape[1] + 1)
        ax.plot(
            layers,
            np.median(norms, axis=0),
            marker="o",
            markersize=3,
            color=color,
            label=_label(key),
        )
        if norms.shape[0] > 1:
            ax.fill_between(
                layers, norms.min(axis=0), norms.max(axis=0), color=color, alpha=0.2, linewidth=0
            )
    ax.set_yscale("log")
    ax.set_xticks(layers if len(layers) <= 12 else layers[::2])
    return finish(
        ax, title=title, xlabel="layer (1 = input side)", ylabel="gradient norm ||dL/dW||"
    )


def plot_layer_means(
    results: Mapping[str, Mapping[str, Any]],
    ax: Any = None,
    *,
    show_std: bool = False,
    sharey: bool = True,
) -> list[Any]:
    """Mean output of every hidden layer during training, one panel per activation.

    Args:
        results: ``{activation: result of glorot_saturation}``.
        ax: a sequence of Axes, one per activation; a new row if None.
        show_std: shade mean ± std over units and images. Default: False.
        sharey: one y range for all panels, so their levels compare. Default: True.

    Returns:
        The Axes, as a list.
    """
    axes = _as_axes(ax, len(results))
    cmap_colors = [
        COLORS["sky"],
        COLORS["green"],
        COLORS["orange"],
        COLORS["red"],
        COLORS["purple"],
        COLORS["black"],
    ]
    for a, (key, r) in zip(axes, results.items(), strict=True):
        steps = np.asarray(r["updates"])
        mean = np.asarray(r["mean"])
        std = np.asarray(r["std"])
        for layer in range(mean.shape[1]):
            color = cmap_colors[layer % len(cmap_colors)]
            a.plot(steps, mean[:, layer], color=color, label=f"layer {layer + 1}")
            if show_std:
                a.fill_between(
                    steps,
                    mean[:, layer] - std[:, layer],
                    mean[:, layer] + std[:, layer],
                    color=color,
                    alpha=0.12,
                    linewidth=0,
                )
        title = (
            f"{_label(key)}: test error {r['test_error']:.2f}" if "test_error" in r else _label(key)
        )
        finish(a, title=title, xlabel="SGD updates", ylabel="mean activation")
    if sharey:
        lo = min(a.get_ylim()[0] for a in axes)
        hi = max(a.get_ylim()[1] for a in axes)
        for a in axes:
            a.set_ylim(lo, hi)
    return list(axes)


def plot_exploding_losses(results: Mapping[float, Mapping[str, Any]], ax: Any = None) -> Any:
    """Training loss per SGD step on a log scale; a cross marks where it became inf or NaN.

    Args:
        results: ``{gain: {"losses": array, "first_nonfinite": int or None}}`` from
            :func:`~actlab.experiments.gradients.exploding_gradients`.
        ax: the Axes; a new figure if None.

    Returns:
        The Axes.
    """
    (ax,) = _as_axes(ax, 1)
    # same colours as plot_gradient_norms for the same gains
    palette = colors_for(str(k) for k in results)
    top = 1.0
    for r in results.values():
        finite = np.asarray(r["losses"])[np.isfinite(r["losses"])]
        if finite.size:
            top = max(top, float(finite.max()))
    for i, (gain, r) in enumerate(results.items()):
        losses = np.asarray(r["losses"], dtype=np.float64)
        steps = np.arange(len(losses))
        color = palette[i]
        ok = np.isfinite(losses)
        ax.plot(
            steps[ok], losses[ok], marker="o", markersize=3, color=color, label=_label(float(gain))
        )
        if r.get("first_nonfinite") is not None:
            k = int(r["first_nonfinite"])
            ax.plot([k], [top * 10], marker="x", markersize=8, color=color, linestyle="none")
    ax.set_yscale("log")
    return finish(ax, xlabel="SGD step", ylabel="training loss (x = inf/NaN)")
