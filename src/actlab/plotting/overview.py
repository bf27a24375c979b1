"""Figures for chapter 1, drawn from :mod:`actlab.experiments.overview`,
:mod:`actlab.experiments.approximation` and :mod:`actlab.experiments.gates`: one hidden layer
approximating a function, the properties of an activation, bounded outputs and a gated memory.
Every title, label and legend is set here, in the language ``lang`` (:mod:`actlab.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.plotting.style import COLORS, _as_axes, activation_color, finish

__all__ = [
    "plot_approximation",
    "plot_bounded_outputs",
    "plot_gated_memory",
    "plot_properties",
]


def plot_properties(
    props: Mapping[str, Mapping[str, Any]], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    """Three panels: nonlinearity, smoothness and saturation.

    * left: each activation on :math:`[-3, 3]` with its best affine fit (dotted);
    * middle: the derivatives on :math:`[-1, 1]`: ReLU's jumps at 0, the smooth ones do not;
    * right: :math:`|f'(x)|` on a log scale over a wide range: where it tends to 0 the unit saturates.

    Args:
        props: the return value of :func:`~actlab.experiments.overview.activation_properties`.
        ax: three Axes; a new row if None.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    a1, a2, a3 = _as_axes(ax, 3)
    for i, (key, p) in enumerate(props.items()):
        color = activation_color(key, i)
        a1.plot(p["x_fit"], p["f_fit"], color=color, label=p["name"])
        a1.plot(p["x_fit"], p["affine_fit"], color=color, linestyle=":", linewidth=1.2)
        a2.plot(p["x_smooth"], p["df_smooth"], color=color, label=p["name"])
        df = np.abs(np.asarray(p["df"], dtype=np.float64))
        shown = np.where(df > 0, df, np.nan)  # log scale: ReLU's exact zeros are left out
        a3.plot(p["x"], shown, color=color, label=p["name"])
    finish(a1, title=t("plot.properties.nonlinearity", lang), xlabel="x", ylabel="f(x)")
    finish(a2, title=t("plot.properties.smoothness", lang), xlabel="x", ylabel="f'(x)")
    a3.set_yscale("log")
    a3.set_ylim(1e-6, 3)
    finish(a3, title=t("plot.properties.saturation", lang), xlabel="x", ylabel="|f'(x)|")
    return [a1, a2, a3]


def plot_bounded_outputs(
    result: Mapping[str, Any], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    """Two panels: sigmoid probabilities per true class, and one softmax distribution.

    Args:
        result: the return value of :func:`~actlab.experiments.overview.bounded_outputs`.
        ax: two Axes; a new row if None.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    a1, a2 = _as_axes(ax, 2)
    p = np.asarray(result["sigmoid_prob"])
    y = np.asarray(result["sigmoid_label"])
    bins = np.linspace(0, 1, 21)
    a1.hist(
        p[y == 0], bins=bins, color=COLORS["red"], alpha=0.7, label=t("plot.bounded.malignant", lang)
    )
    a1.hist(
        p[y == 1], bins=bins, color=COLORS["blue"], alpha=0.7, label=t("plot.bounded.benign", lang)
    )
    a1.set_xlim(0, 1)
    finish(
        a1,
        title=t("plot.bounded.sigmoid_title", lang),
        xlabel=t("plot.bounded.sigmoid_xlabel", lang),
        ylabel=t("plot.bounded.count", lang),
    )
    probs = np.asarray(result["softmax_prob"])
    colors = [
        COLORS["blue"] if k == result["softmax_label"] else COLORS["grey"]
        for k in range(len(probs))
    ]
    a2.bar(np.arange(len(probs)), probs, color=colors)
    a2.set_xticks(np.arange(len(probs)))
    a2.set_ylim(0, 1)
    finish(
        a2,
        title=t("plot.bounded.softmax_title", lang, label=result["softmax_label"]),
        xlabel=t("plot.bounded.class", lang),
        ylabel=t("plot.bounded.probability", lang),
        legend=False,
    )
    return [a1, a2]


def plot_gated_memory(
    result: Mapping[str, Any], ax: Any = None, *, lang: str = "en"
) -> list[Any]:
    """One panel per gate/candidate variant: the candidate, the state and the write steps.

    Args:
        result: the return value of :func:`~actlab.experiments.gates.gated_memory`.
        ax: one Axes per variant; a new row if None.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    from actlab.experiments.gates import variant_label

    variants = [k for k, v in result.items() if isinstance(v, Mapping)]
    axes = _as_axes(ax, len(variants))
    steps = np.asarray(result["t"])
    writes = steps[np.asarray(result["write"]) > 0]
    for a, name in zip(axes, variants, strict=True):
        r = result[name]
        a.axhspan(-1, 1, color=COLORS["grey"], alpha=0.12, linewidth=0)
        for w in writes:
            a.axvline(w, color=COLORS["orange"], linewidth=0.8, alpha=0.8)
        a.plot(
            steps,
            r["candidate"],
            linestyle="none",
            marker=".",
            markersize=4,
            color=COLORS["grey"],
            label=t("plot.memory.candidate", lang),
        )
        a.plot(steps, r["state"], color=COLORS["blue"], label=t("plot.memory.state", lang))
        # a state that escapes (1e11 with a ReLU gate) would flatten everything else: clip the view
        top = min(max(1.2, 1.1 * float(np.max(np.abs(r["candidate"])))), 4.0)
        a.set_ylim(-top, top)
        finish(
            a,
            title=f"{variant_label(name, lang)}\nmax |h| = {r['max_abs_state']:.3g}",
            xlabel=t("plot.memory.xlabel", lang),
            ylabel=t("plot.memory.ylabel", lang),
        )
    return list(axes)


def plot_approximation(
    result: Mapping[str, Any],
    widths: Sequence[int] = (4, 8, 16),
    ax: Any = None,
    *,
    lang: str = "en",
) -> list[Any]:
    """One panel per activation with the target and the networks of a few widths, and a panel
    with the largest error against the width on log-log axes.

    Args:
        result: the return value of
            :func:`~actlab.experiments.approximation.universal_approximation`.
        widths: the widths drawn in the function panels. Default: 4, 8, 16.
        ax: ``len(activations) + 1`` Axes; a new row if None.
        lang: the language of the figure text, ``"en"`` or ``"zh"``. Default: ``"en"``.

    Returns:
        The Axes, as a list.
    """
    activations = list(result["activations"])
    missing = [w for w in widths if w not in result["widths"]]
    if missing:
        raise ValueError(f"plot_approximation: widths {missing} are not in the result")
    axes = _as_axes(ax, len(activations) + 1)
    x = np.asarray(result["x"])
    shades = [COLORS["sky"], COLORS["blue"], COLORS["purple"], COLORS["red"]]
    names = {
        "relu": t("plot.approximation.relu", lang),
        "sigmoid": t("plot.approximation.sigmoid", lang),
    }
    for a, act in zip(axes, activations, strict=False):
        a.plot(
            x,
            result["target"],
            color=COLORS["black"],
            linewidth=2.4,
            label=t("plot.approximation.target", lang),
        )
        for i, w in enumerate(widths):
            a.plot(
                x,
                result["fits"][act, w],
                color=shades[i % len(shades)],
                linewidth=1.2,
                label=t("plot.approximation.units", lang, width=w),
            )
        finish(a, title=names.get(act, act), xlabel="x", ylabel="f(x)", legend="lower left")
    last = axes[-1]
    all_widths = np.asarray(result["widths"], dtype=np.float64)
    for act in activations:
        errors = [result["max_error"][act, w] for w in result["widths"]]
        last.plot(
            all_widths, errors, marker="o", markersize=3, color=activation_color(act), label=act
        )
    last.set_xscale("log", base=2)
    last.set_yscale("log")
    finish(
        last,
        title=t("plot.approximation.error_title", lang),
        xlabel=t("plot.approximation.hidden_units", lang),
        ylabel=t("plot.approximation.error_ylabel", lang),
    )
    return list(axes)
