"""Decision-boundary maps of 2-D classifiers, drawn from :func:`actlab.experiments.overview.decision_boundaries`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from actlab.i18n import normalize_lang, t
from actlab.plotting.style import COLORS, _as_axes, subplots

__all__ = ["plot_decision_boundaries", "plot_decision_boundary"]


def plot_decision_boundary(
    result: Mapping[str, Any], ax: Any = None, *, title: str | None = None, lang: str = "en"
) -> Any:
    """One classifier's probability map with the 0.5 contour and the training points.

    Args:
        result: a dict with ``xx``, ``yy``, ``prob`` (grid), ``X``, ``y`` (points) and, for the
            default title, ``dataset``, ``model``, ``activation`` and ``test_accuracy``.
        ax: the Axes; a new figure if None.
        title: the panel title; default names the data set, the model and its test accuracy.
        lang: the language of the default title and the legend, ``"en"`` or ``"zh"``.
            Default: ``"en"``.

    Returns:
        The Axes.
    """
    missing = [k for k in ("xx", "yy", "prob", "X", "y") if k not in result]
    if missing:
        raise KeyError(f"plot_decision_boundary: result lacks {missing}")
    lang = normalize_lang(lang)
    (ax,) = _as_axes(ax, 1)
    ax.contourf(
        result["xx"],
        result["yy"],
        result["prob"],
        levels=np.linspace(0, 1, 11),
        cmap="RdBu_r",
        alpha=0.35,
    )
    ax.contour(
        result["xx"],
        result["yy"],
        result["prob"],
        levels=[0.5],
        colors=COLORS["black"],
        linewidths=1.2,
    )
    X, y = np.asarray(result["X"]), np.asarray(result["y"])
    for cls, color in ((0, COLORS["blue"]), (1, COLORS["red"])):
        pts = X[y == cls]
        label = t("plot.boundary.class", lang, cls=cls)
        ax.scatter(pts[:, 0], pts[:, 1], s=6, color=color, edgecolors="none", label=label)
    if title is None and "dataset" in result:
        from actlab.experiments.overview import dataset_label

        model = (
            t("plot.boundary.linear", lang)
            if result.get("model") == "linear"
            else t("plot.boundary.mlp", lang, activation=result.get("activation"))
        )
        dataset = dataset_label(result["dataset"], lang)
        title = t("plot.boundary.title", lang, dataset=dataset, model=model)
        if "test_accuracy" in result:
            accuracy = f"{result['test_accuracy']:.2f}"
            title += "\n" + t("plot.boundary.accuracy", lang, accuracy=accuracy)
    if title:
        ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_aspect("equal", adjustable="box")
    return ax


def plot_decision_boundaries(
    results: Sequence[Mapping[str, Any]], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    """Side-by-side decision maps, one panel per result (at most 4 fit in a row), with titles in
    ``lang`` (``"en"`` or ``"zh"``; default ``"en"``).

    Returns:
        The Axes, as a list.
    """
    results = list(results)
    if not results:
        raise ValueError("plot_decision_boundaries: results must not be empty")
    if ax is None:
        _, axes = subplots(len(results), width=min(9.0, 2.25 * len(results)), height=2.6)
        axes = list(np.atleast_1d(axes))
    else:
        axes = list(_as_axes(ax, len(results)))
    for a, r in zip(axes, results, strict=True):
        plot_decision_boundary(r, a, lang=lang)
    return axes
