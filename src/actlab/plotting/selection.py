"""Figures for chapter 3 (selection and optimisation), drawn from the experiments' plain data.

Each function takes the return value of one experiment in :mod:`actlab.experiments`, an optional
``ax`` (or sequence of axes) and ``lang``, the language of its text (``"en"`` or ``"zh"``, see
:mod:`actlab.i18n`), and returns the axes it drew on. Names of activations and formulas are the
same in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.plotting.style import COLORS, _as_axes, activation_color, finish

__all__ = [
    "distinct_colors",
    "plot_cost",
    "plot_cv",
    "plot_dead_history",
    "plot_dead_units",
    "plot_dropout_robustness",
    "plot_init_comparison",
    "plot_layer_statistics",
    "plot_output_gradients",
    "plot_parameter_trajectories",
    "plot_regression_outputs",
    "plot_slope_sweep",
]


def distinct_colors(keys: Sequence[str]) -> dict[str, str]:
    """One colour per key: the course's fixed colour where it has one, else the first unused palette colour.

    Examples::

        >>> c = distinct_colors(["selu", "relu", "tanh"])
        >>> len(set(c.values()))
        3
    """
    from actlab.plotting.style import ACTIVATION_COLORS

    keys = list(dict.fromkeys(keys))
    chosen = {k: ACTIVATION_COLORS[k] for k in keys if k in ACTIVATION_COLORS}
    palette = [COLORS[c] for c in ("blue", "orange", "green", "red", "purple", "sky", "black")]
    free = [c for c in palette if c not in chosen.values()]
    for k in keys:
        if k not in chosen:
            chosen[k] = free.pop(0) if free else activation_color(k, len(chosen))
    return {k: chosen[k] for k in keys}


def _label(key: str, lang: str = "en") -> str:
    """An activation's name from the registry (``ReLU``); ``identity`` and ``linear`` in ``lang``."""
    if key in ("identity", "linear"):
        from actlab.experiments._labels import run_label

        return run_label(key, lang)
    from actlab.activations.registry import get

    try:
        return get(key).name
    except (KeyError, LookupError, ValueError):
        return key


def _need(data: Any, keys: Sequence[str], func: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise KeyError(
            f"{func}: the data lack {missing}; pass the return value of the matching experiment"
        )


def plot_output_gradients(
    curves: dict[str, np.ndarray], ax: Any = None, *, lang: str = "en"
) -> Any:
    """|dLoss/dz| of a sigmoid output for label 1: squared error against cross-entropy (log scale).

    Args:
        curves: :func:`actlab.experiments.output_layers.output_gradient_curves`.
        ax: an Axes, or None for a new figure.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(curves, ("z", "grad_mse", "grad_bce"), "plot_output_gradients")
    (ax,) = _as_axes(ax, 1)
    ax.semilogy(
        curves["z"], np.abs(curves["grad_bce"]), color=COLORS["blue"], label="sigmoid + BCE"
    )
    ax.semilogy(
        curves["z"], np.abs(curves["grad_mse"]), color=COLORS["orange"], label="sigmoid + MSE"
    )
    ax.axvspan(
        curves["z"][0], 0, color=COLORS["grey"], alpha=0.12, label=t("plot.output.wrong_side", lang)
    )
    return finish(
        ax,
        title=t("plot.output.gradient_title", lang),
        xlabel=t("plot.output.logit", lang),
        ylabel="|dL/dz|",
    )


def plot_regression_outputs(result: dict[str, Any], ax: Any = None, *, lang: str = "en") -> Any:
    """Targets and the predictions of the identity-output and sigmoid-output regressors.

    Args:
        result: :func:`actlab.experiments.output_layers.regression_output_comparison`.
        ax: an Axes, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    from actlab.experiments._labels import run_label

    _need(result, ("x", "y", "rows"), "plot_regression_outputs")
    (ax,) = _as_axes(ax, 1)
    ax.plot(
        result["x"],
        result["y"],
        ".",
        color=COLORS["grey"],
        markersize=3,
        label=t("plot.regression.target", lang),
    )
    colors = {"identity": COLORS["blue"], "sigmoid": COLORS["orange"]}
    for row in result["rows"]:
        ax.plot(
            result["x"],
            row["pred"],
            color=colors.get(row["output"], COLORS["black"]),
            label=t("plot.regression.output", lang, output=run_label(row["output"], lang)),
        )
    return finish(ax, title=t("plot.regression.title", lang), xlabel="x", ylabel="y")


def plot_dead_units(rows: Sequence[dict[str, Any]], ax: Any = None, *, lang: str = "en") -> Any:
    """Dead-unit fraction and test error against learning rate, one line per activation.

    Args:
        rows: :func:`actlab.experiments.dead_units.dying_relu_sweep` (several seeds are averaged;
            each seed is also shown as a dot).
        ax: two Axes, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    if not rows:
        raise ValueError("plot_dead_units: rows must not be empty")
    axes = _as_axes(ax, 2)
    activations = list(dict.fromkeys(r["activation"] for r in rows))
    colors = distinct_colors(activations)
    for act in activations:
        mine = [r for r in rows if r["activation"] == act]
        lrs = sorted({r["lr"] for r in mine})
        color = colors[act]
        for panel, key in zip(axes, ("dead_fraction", "test_error"), strict=True):
            means = [np.mean([r[key] for r in mine if r["lr"] == lr]) for lr in lrs]
            panel.plot(lrs, means, "-o", color=color, label=_label(act, lang), markersize=4)
            panel.plot([r["lr"] for r in mine], [r[key] for r in mine], ".", color=color, alpha=0.4)
    for panel in axes:
        panel.set_xscale("log")
    finish(
        axes[0],
        title=t("plot.dead.title", lang),
        xlabel=t("plot.dead.lr", lang),
        ylabel=t("plot.dead.fraction", lang),
    )
    finish(
        axes[1],
        title=t("plot.dead.error_title", lang),
        xlabel=t("plot.dead.lr", lang),
        ylabel=t("plot.dead.error", lang),
    )
    return axes


def plot_parameter_trajectories(
    results: Sequence[dict[str, Any]], ax: Any = None, *, lang: str = "en"
) -> Any:
    """The learnable activation parameter of every hidden layer against epoch, one panel per run.

    Args:
        results: a list of :func:`actlab.experiments.learnable.train_learnable` results.
        ax: one Axes per result, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    axes = _as_axes(ax, len(results))
    names = {"prelu": t("plot.learnable.slope", lang), "swish": t("plot.learnable.beta", lang)}
    for panel, res in zip(axes, results, strict=True):
        _need(res, ("epoch", "values", "activation"), "plot_parameter_trajectories")
        values = np.asarray(res["values"])
        for layer in range(values.shape[1]):
            panel.plot(
                res["epoch"],
                values[:, layer],
                "-o",
                markersize=3,
                label=t("plot.layer_means.layer", lang, layer=layer + 1),
            )
        parameter = names.get(res["activation"])
        finish(
            panel,
            title=t(
                "plot.learnable.title",
                lang,
                name=_label(res["activation"], lang),
                parameter=parameter or t("plot.learnable.parameter", lang),
            ),
            xlabel=t("plot.training.epoch", lang),
            ylabel=parameter or t("plot.learnable.value", lang),
        )
    return axes


def plot_layer_statistics(
    results: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    label: str = "activation",
    lang: str = "en",
) -> Any:
    """Mean and variance of every layer's activations through depth, one line per result.

    Args:
        results: :func:`actlab.experiments.propagation.propagate_statistics` results.
        ax: two Axes (mean, variance), or None.
        label: the result field used in the legend (``"activation"`` or ``"dropout"``).
        lang: the language of the figure text. Default: ``"en"``.
    """
    from actlab.experiments._labels import dropout_label

    axes = _as_axes(ax, 2)
    colors = distinct_colors([str(r.get(label, "")) for r in results])
    for res in results:
        _need(res, ("layer", "mean", "var", label), "plot_layer_statistics")
        name = str(res[label])
        color = colors.get(name) if label == "activation" else None
        text = (
            _label(name, lang)
            if label == "activation"
            else t("plot.statistics.dropout", lang, name=dropout_label(name, lang))
        )
        axes[0].plot(res["layer"], res["mean"], color=color, label=text)
        axes[1].semilogy(res["layer"], res["var"], color=color, label=text)
    axes[1].axhline(1.0, color=COLORS["grey"], linestyle=":", linewidth=1)
    axes[0].axhline(0.0, color=COLORS["grey"], linestyle=":", linewidth=1)
    finish(
        axes[0],
        title=t("plot.statistics.mean_title", lang),
        xlabel=t("plot.statistics.layer", lang),
        ylabel=t("plot.statistics.mean", lang),
    )
    finish(
        axes[1],
        title=t("plot.statistics.variance_title", lang),
        xlabel=t("plot.statistics.layer", lang),
        ylabel=t("plot.statistics.variance", lang),
    )
    return axes


def plot_init_comparison(
    rows: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    metric: str = "train_loss",
    lang: str = "en",
) -> Any:
    """Per layer at initialisation, the forward spread and the backward signal; then training.

    Args:
        rows: :func:`actlab.experiments.initialisation.init_comparison`.
        ax: three Axes (forward std, backward :math:`\\|\\delta_l\\|`, training curve), or None.
        metric: ``"train_loss"`` or ``"train_error"``. Default: ``"train_loss"``.
        lang: the language of the figure text. Default: ``"en"``.
    """
    if metric not in ("train_loss", "train_error"):
        raise ValueError(
            f"plot_init_comparison: metric must be 'train_loss' or 'train_error', got {metric!r}"
        )
    axes = _as_axes(ax, 3)
    for i, row in enumerate(rows):
        _need(row, ("init", "layer_std", "delta", "epoch", metric), "plot_init_comparison")
        color = [COLORS["orange"], COLORS["blue"], COLORS["green"], COLORS["red"]][i % 4]
        depth = len(row["layer_std"])
        axes[0].semilogy(np.arange(1, depth + 1), row["layer_std"], color=color, label=row["init"])
        axes[1].semilogy(
            np.arange(1, depth + 1), np.asarray(row["delta"])[:depth], color=color, label=row["init"]
        )
        axes[2].plot(row["epoch"], row[metric], "-o", markersize=3, color=color, label=row["init"])
    layer = t("plot.statistics.layer", lang)
    finish(
        axes[0], title=t("plot.init.forward", lang), xlabel=layer, ylabel=t("plot.init.std", lang)
    )
    finish(
        axes[1],
        title=t("plot.init.backward", lang),
        xlabel=layer,
        ylabel=t("plot.init.norm", lang),
        legend=False,
    )
    if metric == "train_loss":
        title, ylabel = t("plot.init.loss_title", lang), t("plot.init.loss", lang)
    else:
        title, ylabel = t("plot.init.error_title", lang), t("plot.init.error", lang)
    finish(axes[2], title=title, xlabel=t("plot.training.epoch", lang), ylabel=ylabel)
    return axes


def plot_dead_history(result: dict[str, Any], ax: Any = None, *, lang: str = "en") -> Any:
    """Units negative on every training example, per hidden layer, against the training step.

    Args:
        result: :func:`actlab.experiments.dead_units.dead_unit_history`; one panel per activation.
        ax: one Axes per activation, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(result, ("history",), "plot_dead_history")
    history = result["history"]
    if not history:
        raise ValueError("plot_dead_history: the history is empty")
    axes = _as_axes(ax, len(history))
    for panel, (activation, h) in zip(axes, history.items(), strict=True):
        counts = np.asarray(h["negative"])
        for layer in range(counts.shape[1]):
            panel.plot(
                h["step"],
                counts[:, layer],
                label=t("plot.layer_means.layer", lang, layer=layer + 1),
            )
        finish(
            panel,
            title=t("plot.history.title", lang, name=_label(activation, lang)),
            xlabel=t("plot.history.step", lang),
            ylabel=t("plot.history.units", lang),
        )
    return axes


def plot_dropout_robustness(result: dict[str, Any], ax: Any = None, *, lang: str = "en") -> Any:
    """Test error with and without dropout: clean, with noisy inputs, with half the units removed.

    Args:
        result: :func:`actlab.experiments.dropout.dropout_robustness`; every seed is a dot, the
            mean a bar.
        ax: an Axes, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(result, ("rows", "summary"), "plot_dropout_robustness")
    (ax,) = _as_axes(ax, 1)
    keys = ("test_error", "noisy_error", "pruned_error")
    labels = (
        t("plot.dropout.clean", lang),
        t("plot.dropout.noisy", lang),
        t("plot.dropout.removed", lang),
    )
    ps = [r["p"] for r in result["summary"]]
    width = 0.8 / len(ps)
    palette = [COLORS["grey"], COLORS["blue"], COLORS["orange"], COLORS["green"]]
    for i, p in enumerate(ps):
        x = np.arange(len(keys)) + (i - (len(ps) - 1) / 2) * width
        summary = next(r for r in result["summary"] if r["p"] == p)
        color = palette[i % len(palette)]
        ax.bar(
            x,
            [summary[k] for k in keys],
            width=width,
            color=color,
            label=t("plot.dropout.p", lang, p=f"{p:g}"),
        )
        for j, k in enumerate(keys):
            dots = [r[k] for r in result["rows"] if r["p"] == p]
            ax.plot(np.full(len(dots), x[j]), dots, ".", color=COLORS["black"], markersize=3)
    ax.set_xticks(range(len(keys)), labels)
    n_train = result.get("n_train")
    title = (
        t("plot.dropout.title", lang, n=n_train)
        if n_train is not None
        else t("plot.dropout.title_any", lang)
    )
    return finish(ax, title=title, xlabel=None, ylabel=t("result.test_error", lang))


def plot_slope_sweep(result: dict[str, Any], ax: Any = None, *, lang: str = "en") -> Any:
    """Validation error against LeakyReLU's negative slope: mean ± std, and every seed as a dot.

    Args:
        result: :func:`actlab.experiments.tuning.slope_sweep`.
        ax: an Axes, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(result, ("rows", "summary"), "plot_slope_sweep")
    (ax,) = _as_axes(ax, 1)
    s = result["summary"]
    x = [r["negative_slope"] for r in s]
    ax.errorbar(
        x,
        [r["mean"] for r in s],
        yerr=[r["std"] for r in s],
        fmt="-o",
        markersize=4,
        color=COLORS["blue"],
        capsize=3,
        label=t("plot.sweep.mean", lang),
    )
    ax.plot(
        [r["negative_slope"] for r in result["rows"]],
        [r["val_error"] for r in result["rows"]],
        ".",
        color=COLORS["grey"],
        label=t("plot.sweep.seed", lang),
    )
    return finish(
        ax,
        title=t("plot.sweep.title", lang),
        xlabel="negative_slope",
        ylabel=t("plot.validation_error", lang),
    )


def plot_cv(results: dict[str, dict[str, Any]], ax: Any = None, *, lang: str = "en") -> Any:
    """Cross-validated error per activation: every (seed, fold) as a dot, mean ± std as a bar.

    Args:
        results: ``{data set name: cross_validate_activations(...)}``; one panel per data set.
        ax: one Axes per data set, or None.
        lang: the language of the figure text (data set names included). Default: ``"en"``.
    """
    from actlab.data import dataset_label

    axes = _as_axes(ax, len(results))
    for panel, (title, res) in zip(axes, results.items(), strict=True):
        _need(res, ("rows", "summary"), "plot_cv")
        order = [s["activation"] for s in res["summary"]]
        colors = distinct_colors(order)
        for i, s in enumerate(res["summary"]):
            errs = [r["val_error"] for r in res["rows"] if r["activation"] == s["activation"]]
            color = colors[s["activation"]]
            jitter = np.linspace(-0.12, 0.12, len(errs))
            panel.plot(i + jitter, errs, ".", color=color, alpha=0.6)
            panel.errorbar(i + 0.3, s["mean"], yerr=s["std"], fmt="o", color=color, capsize=3)
        panel.set_xticks(range(len(order)), [_label(a, lang) for a in order])
        finish(
            panel,
            title=dataset_label(title, lang),
            xlabel=None,
            ylabel=t("plot.validation_error", lang),
            legend=False,
        )
    return axes


def plot_cost(
    rows: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    key: str = "forward_backward_ratio",
    lang: str = "en",
) -> Any:
    """Measured time per call relative to ReLU, one horizontal bar per activation (log scale).

    Args:
        rows: :func:`actlab.experiments.timing.activation_cost`.
        ax: an Axes, or None.
        key: ``"forward_ratio"`` or ``"forward_backward_ratio"``. Default: forward + backward.
        lang: the language of the figure text. Default: ``"en"``.
    """
    if not rows:
        raise ValueError("plot_cost: rows must not be empty")
    if key not in ("forward_ratio", "forward_backward_ratio"):
        raise ValueError(
            f"plot_cost: key must be 'forward_ratio' or 'forward_backward_ratio', got {key!r}"
        )
    (ax,) = _as_axes(ax, 1)
    ordered = sorted(rows, key=lambda r: r[key])
    ax.barh([r["name"] for r in ordered], [r[key] for r in ordered], color=COLORS["blue"])
    ax.set_xscale("log")
    ax.axvline(1.0, color=COLORS["grey"], linestyle=":", linewidth=1)
    ax.tick_params(axis="y", labelsize=7)
    title = (
        t("plot.cost.title_forward_backward", lang)
        if key == "forward_backward_ratio"
        else t("plot.cost.title_forward", lang)
    )
    return finish(ax, title=title, xlabel=t("plot.cost.ratio", lang), legend=False)
