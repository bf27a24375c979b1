"""Training curves: an error or loss per epoch, one line per model, the spread over seeds shaded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.plotting.style import _as_axes, colors_for, finish, subplots

__all__ = ["plot_centring", "plot_training_curves"]


def plot_training_curves(
    curves: Mapping[str, Any],
    ax: Any = None,
    *,
    ylabel: str | None = None,
    title: str | None = None,
    log: bool = False,
    lang: str = "en",
) -> Any:
    """One line per entry of ``curves``: the mean over seeds, the min-max range shaded.

    Args:
        curves: ``{label: values}`` where ``values`` is an array ``(seeds, epochs + 1)`` or
            ``(epochs + 1,)``, or a list of row dicts from :func:`actlab.networks.train` (then the
            ``train_error`` column is drawn).
        ax: the Axes; a new figure if None.
        ylabel: y-axis label. Default: "training error" in ``lang``.
        title: panel title.
        log: log-scale y axis. Default: False.
        lang: the language of the axis labels, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes.
    """
    if not curves:
        raise ValueError("plot_training_curves: curves must not be empty")
    if ax is None:
        _, ax = subplots(1, width=5.0)
    (ax,) = _as_axes(ax, 1)
    colors = colors_for(curves)
    for color, (label, values) in zip(colors, curves.items(), strict=True):
        if isinstance(values, list) and values and isinstance(values[0], Mapping):
            values = [r["train_error"] for r in values]
        arr = np.atleast_2d(np.asarray(values, dtype=np.float64))
        epochs = np.arange(arr.shape[1])
        ax.plot(epochs, arr.mean(axis=0), marker="o", markersize=3, color=color, label=str(label))
        if arr.shape[0] > 1:
            ax.fill_between(
                epochs, arr.min(axis=0), arr.max(axis=0), color=color, alpha=0.2, linewidth=0
            )
    if log:
        ax.set_yscale("log")
    if ylabel is None:
        ylabel = t("plot.training.error", lang)
    return finish(ax, title=title, xlabel=t("plot.training.epoch", lang), ylabel=ylabel)


def plot_centring(results: Any, ax: Any = None, *, lang: str = "en") -> Any:
    """Training-error curves of :func:`~actlab.experiments.centring.centring_comparison`, one line
    per variant (mean over seeds, range shaded); the piecewise-linear twins are dotted. The figure
    text is in ``lang`` (``"en"`` or ``"zh"``; default ``"en"``).

    Returns:
        The Axes.
    """
    results = list(results)
    if not results:
        raise ValueError("plot_centring: results must not be empty")
    ax = plot_training_curves(
        {r["variant"]: r["train_error"] for r in results},
        ax,
        title=t("plot.centring.title", lang),
        lang=lang,
    )
    for line, r in zip(ax.get_lines(), results, strict=True):
        if not r.get("smooth", True):
            line.set_linestyle(":")
    ax.legend(loc="upper right")
    return ax
