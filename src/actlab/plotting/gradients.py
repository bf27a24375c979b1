"""Gradient-flow and saturation figures for chapter 2, drawn from :mod:`actlab.experiments.gradients`
and :mod:`actlab.experiments.saturation`. Every title, label and legend is set here, in the language
``lang`` (:mod:`actlab.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.plotting.style import COLORS, _as_axes, colors_for, finish, subplots

__all__ = [
    "plot_exploding",
    "plot_exploding_losses",
    "plot_gradient_flow",
    "plot_gradient_norms",
    "plot_layer_means",
]


_INIT_NAMES = {"xavier": "Xavier", "he": "He", "uniform": "U(±1/√n)", "lecun": "LeCun"}


def _label(key: Any, lang: str = "en") -> str:
    if isinstance(key, float):
        return t("plot.gradients.gain", lang, gain=f"{key:g}")
    from actlab.activations.registry import get

    try:
        return get(str(key)).name
    except (KeyError, LookupError):
        return str(key)


def plot_gradient_norms(
    results: Mapping[Any, Mapping[str, Any]],
    ax: Any = None,
    *,
    title: str | None = None,
    lang: str = "en",
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
        lang: the language of the labels, ``"en"`` or ``"zh"``. Default: ``"en"``.

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
            label=_label(key, lang),
        )
        if norms.shape[0] > 1:
            ax.fill_between(
                layers, norms.min(axis=0), norms.max(axis=0), color=color, alpha=0.2, linewidth=0
            )
    ax.set_yscale("log")
    ax.set_xticks(layers if len(layers) <= 12 else layers[::2])
    return finish(
        ax,
        title=title,
        xlabel=t("plot.gradients.layer", lang),
        ylabel=t("plot.gradients.norm", lang),
    )


def plot_layer_means(
    results: Mapping[str, Mapping[str, Any]],
    ax: Any = None,
    *,
    show_std: bool = True,
    sharey: bool = False,
    lang: str = "en",
) -> list[Any]:
    """Mean output of every hidden layer during training, one panel per activation.

    Each panel has its own y range (sigmoid's means lie in (0, 1), tanh's near 0), and the band
    shows the spread (mean ± one standard deviation over units and test images) so that a layer
    whose mean stays put but whose units spread out is visible too.

    Args:
        results: ``{activation: result of glorot_saturation}``.
        ax: a sequence of Axes, one per activation; a new row if None.
        show_std: shade mean ± std over units and images. Default: True.
        sharey: one y range for all panels. Default: False.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

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
            label = t("plot.layer_means.layer", lang, layer=layer + 1)
            a.plot(steps, mean[:, layer], color=color, label=label)
            if show_std:
                a.fill_between(
                    steps,
                    mean[:, layer] - std[:, layer],
                    mean[:, layer] + std[:, layer],
                    color=color,
                    alpha=0.08,
                    linewidth=0,
                )
        title = (
            t(
                "plot.layer_means.title",
                lang,
                name=_label(key, lang),
                error=f"{r['test_error']:.2f}",
            )
            if "test_error" in r
            else _label(key, lang)
        )
        finish(
            a,
            title=title,
            xlabel=t("plot.layer_means.xlabel", lang),
            ylabel=t("plot.layer_means.ylabel", lang),
        )
    if sharey:
        lo = min(a.get_ylim()[0] for a in axes)
        hi = max(a.get_ylim()[1] for a in axes)
        for a in axes:
            a.set_ylim(lo, hi)
    return list(axes)


def plot_gradient_flow(
    results: Mapping[str, Mapping[str, Any]], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    r"""Three panels per layer, one line per (activation, initialisation), log scales.

    * left: the forward signal, the standard deviation of each hidden layer's output;
    * middle: the backward signal :math:`\|\partial L/\partial z_l\|` of every layer;
    * right: the weight gradient :math:`\|\partial L/\partial W_l\| = \|a_{l-1}^\top\delta_l\|`.

    Lines are medians over seeds, bands the range over seeds.

    Args:
        results: the return value of :func:`~actlab.experiments.gradients.gradient_flow`.
        ax: three Axes; a new row if None.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    if not results:
        raise ValueError("plot_gradient_flow: results must not be empty")
    axes = _as_axes(ax, 3) if ax is not None else list(subplots(3, width=9.0, height=3.1)[1])
    colors = _flow_colors(results)
    panels = (
        ("forward_std", t("plot.flow.forward", lang), t("plot.flow.forward_ylabel", lang)),
        ("delta", t("plot.flow.backward", lang), "||dL/dz_l||"),
        ("weight", t("plot.flow.weight", lang), "||dL/dW_l||"),
    )
    for a, (key, title, ylabel) in zip(axes, panels, strict=True):
        for color, r in zip(colors, results.values(), strict=True):
            values = np.atleast_2d(np.asarray(r[key], dtype=np.float64))
            layers = np.arange(1, values.shape[1] + 1)
            label = t(
                "plot.flow.pair",
                lang,
                activation=_label(r["activation"], lang),
                init=_INIT_NAMES.get(r["init"], r["init"]),
            )
            a.plot(
                layers, np.median(values, axis=0), marker="o", markersize=3, color=color, label=label
            )
            if values.shape[0] > 1:
                a.fill_between(
                    layers, values.min(axis=0), values.max(axis=0), color=color, alpha=0.2, lw=0
                )
        a.set_yscale("log")
        a.set_xticks(layers)
        finish(a, title=title, xlabel=t("plot.flow.xlabel", lang), ylabel=ylabel, legend=False)
    axes[0].legend(loc="lower left")
    return list(axes)


def _flow_colors(results: Mapping[str, Mapping[str, Any]]) -> list[str]:
    # the activation's colour; a second initialisation of the same activation gets a free colour
    seen: set[str] = set()
    free = [COLORS[c] for c in ("red", "purple", "sky", "black")]
    out = []
    for r in results.values():
        key = str(r["activation"])
        if key in seen or key not in ("sigmoid", "tanh", "relu"):
            out.append(free[len(out) % len(free)])
        else:
            out.append(colors_for([key])[0])
        seen.add(key)
    return out


def plot_exploding(
    results: Mapping[float, Mapping[str, Any]], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    """Two panels for :func:`~actlab.experiments.gradients.exploding_gradients`: the gradient norm
    per layer at initialisation for each gain, and the training loss per SGD step, with the figure
    text in ``lang`` (``"en"`` or ``"zh"``; default ``"en"``).

    The legend is drawn once, in the right panel, where it covers no data.

    Returns:
        The Axes, as a list.
    """
    axes = _as_axes(ax, 2) if ax is not None else list(subplots(2, width=9.0)[1])
    depth = np.asarray(next(iter(results.values()))["norms"]).shape[-1]
    plot_gradient_norms(
        results, axes[0], title=t("plot.exploding.norms_title", lang, depth=depth), lang=lang
    )
    legend = axes[0].get_legend()
    if legend is not None:
        legend.remove()
    plot_exploding_losses(results, axes[1], lang=lang)
    axes[1].set_title(t("plot.exploding.loss_title", lang))
    return list(axes)


def plot_exploding_losses(
    results: Mapping[float, Mapping[str, Any]], ax: Any = None, *, lang: str = "en"
) -> Any:
    """Training loss per SGD step on a log scale; a cross marks where it became inf or NaN.

    Args:
        results: ``{gain: {"losses": array, "first_nonfinite": int or None}}`` from
            :func:`~actlab.experiments.gradients.exploding_gradients`.
        ax: the Axes; a new figure if None.
        lang: the language of the labels, ``"en"`` or ``"zh"``. Default: ``"en"``.

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
            steps[ok],
            losses[ok],
            marker="o",
            markersize=3,
            color=color,
            label=_label(float(gain), lang),
        )
        if r.get("first_nonfinite") is not None:
            k = int(r["first_nonfinite"])
            ax.plot([k], [top * 10], marker="x", markersize=8, color=color, linestyle="none")
    ax.set_yscale("log")
    return finish(
        ax, xlabel=t("plot.exploding.xlabel", lang), ylabel=t("plot.exploding.ylabel", lang)
    )
