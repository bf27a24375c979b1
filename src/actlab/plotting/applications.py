"""Figures for chapter 4 (application cases), drawn from the experiments' plain data.

Each function takes the return value of one experiment in :mod:`actlab.experiments`, an optional
``ax`` (or sequence of axes) and ``lang``, the language of its text (``"en"`` or ``"zh"``, see
:mod:`actlab.i18n`), and returns the axes it drew on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.plotting.selection import _label, _need, distinct_colors
from actlab.plotting.style import COLORS, _as_axes, activation_color, finish

__all__ = [
    "plot_gelu_approximations",
    "plot_gru_gates",
    "plot_loss_curves",
    "plot_model_errors",
    "plot_training_error_curves",
    "plot_transformer_losses",
    "plot_vowel_frames",
]


def plot_training_error_curves(
    rows: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    target: float | None = 0.05,
    lang: str = "en",
) -> Any:
    """Training error against epoch, one panel per depth and one line per activation.

    Args:
        rows: :func:`actlab.experiments.image_recognition.epochs_to_error`.
        ax: one Axes per depth, or None.
        target: draw the target error as a dotted line (None: no line). Default: 0.05.
        lang: the language of the figure text. Default: ``"en"``.
    """
    if not rows:
        raise ValueError("plot_training_error_curves: rows must not be empty")
    depths = list(dict.fromkeys(r["depth"] for r in rows))
    axes = _as_axes(ax, len(depths))
    colors = distinct_colors([r["activation"] for r in rows])
    for panel, depth in zip(axes, depths, strict=True):
        for r in (x for x in rows if x["depth"] == depth):
            _need(r, ("activation", "epoch", "train_error"), "plot_training_error_curves")
            panel.plot(
                r["epoch"],
                r["train_error"],
                "-o",
                markersize=3,
                color=colors[r["activation"]],
                label=_label(r["activation"], lang),
            )
        if target is not None:
            panel.axhline(target, color=COLORS["grey"], linestyle=":", linewidth=1)
        panel.set_yscale("log")
        finish(
            panel,
            title=t("plot.image.depth", lang, depth=depth),
            xlabel=t("plot.training.epoch", lang),
            ylabel=t("plot.image.error", lang),
        )
    return axes


def plot_vowel_frames(data: dict[str, np.ndarray], ax: Any = None, *, lang: str = "en") -> Any:
    """The mean synthetic filter-bank frame of every vowel (single frames are too noisy to read).

    Args:
        data: :func:`actlab.experiments.speech.vowel_frames`.
        ax: an Axes, or None.
        lang: the language of the figure text (the vowels keep their phonetic symbols).
            Default: ``"en"``.
    """
    _need(data, ("X", "y", "centres_hz", "labels"), "plot_vowel_frames")
    (ax,) = _as_axes(ax, 1)
    import matplotlib.pyplot as plt

    palette = plt.get_cmap("tab10")
    for c, name in enumerate(data["labels"]):
        frames = data["X"][data["y"] == c]
        if len(frames):
            ax.plot(
                data["centres_hz"],
                frames.mean(axis=0),
                color=palette(c % 10),
                label=str(name),
                linewidth=1.2,
            )
    ax.legend(ncol=2, fontsize=7)
    return finish(
        ax,
        title=t("plot.vowels.title", lang),
        xlabel=t("plot.vowels.frequency", lang),
        ylabel=t("plot.vowels.level", lang),
        legend=False,
    )


def plot_model_errors(
    summary: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    ylabel: str | None = None,
    lang: str = "en",
) -> Any:
    """One bar per model: mean error with its spread.

    Args:
        summary: dicts with ``model``, ``mean`` and ``std`` (e.g. the ``summary`` of
            :func:`actlab.experiments.speech.acoustic_model_comparison`).
        ax: an Axes, or None.
        ylabel: label of the y axis. Default: "test frame error" in ``lang``.
        lang: the language of the figure text. Default: ``"en"``.
    """
    if not summary:
        raise ValueError("plot_model_errors: summary must not be empty")
    (ax,) = _as_axes(ax, 1)
    names = [_label(s["model"], lang) for s in summary]
    palette = distinct_colors([s["model"] for s in summary])
    colors = [palette[s["model"]] for s in summary]
    ax.bar(
        names,
        [s["mean"] for s in summary],
        yerr=[s["std"] for s in summary],
        color=colors,
        capsize=3,
    )
    if ylabel is None:
        ylabel = t("plot.speech.error", lang)
    return finish(ax, title=t("plot.speech.title", lang), ylabel=ylabel, legend=False)


def plot_loss_curves(
    rows: Sequence[dict[str, Any]],
    ax: Any = None,
    *,
    key: str = "activation",
    window: int = 10,
    title: str | None = None,
    lang: str = "en",
) -> Any:
    """Training loss against step (moving average over ``window`` steps), one line per run.

    Args:
        rows: dicts with ``loss_curve`` and ``key`` (the ``rows`` of
            :func:`actlab.experiments.transformer.transformer_ffn_comparison` or
            :func:`actlab.experiments.recurrent.recurrent_memory_comparison`).
        ax: an Axes, or None.
        key: the field naming each run. Default: ``"activation"``.
        window: moving-average window. Default: 10.
        title: the panel's title. Default: "Training loss" in ``lang``.
        lang: the language of the figure text. Default: ``"en"``.
    """
    (ax,) = _as_axes(ax, 1)
    colors = distinct_colors([str(r.get(key, "")) for r in rows])
    for r in rows:
        _need(r, ("loss_curve", key), "plot_loss_curves")
        curve = np.asarray(r["loss_curve"], dtype=np.float64)
        w = max(1, min(int(window), curve.size))
        smooth = np.convolve(curve, np.ones(w) / w, mode="valid")
        steps = np.arange(w, curve.size + 1)
        name = str(r[key])
        ax.plot(
            steps,
            smooth,
            color=colors[name],
            label=_label(name, lang) if key == "activation" else name,
        )
    ax.set_yscale("log")
    if title is None:
        title = t("plot.loss.title", lang)
    return finish(
        ax, title=title, xlabel=t("plot.loss.step", lang), ylabel=t("plot.loss.ylabel", lang)
    )


def plot_transformer_losses(
    result: dict[str, Any], ax: Any = None, *, window: int = 10, lang: str = "en"
) -> Any:
    """The training loss of every Transformer layer of
    :func:`actlab.experiments.transformer.transformer_ffn_comparison`, one line per FFN activation
    (:func:`plot_loss_curves` with the experiment's title).

    Args:
        result: :func:`actlab.experiments.transformer.transformer_ffn_comparison`.
        ax: an Axes, or None.
        window: moving-average window. Default: 10.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(result, ("rows",), "plot_transformer_losses")
    return plot_loss_curves(
        result["rows"], ax, window=window, title=t("plot.transformer.title", lang), lang=lang
    )


def plot_gru_gates(
    gates: dict[str, np.ndarray], ax: Any = None, *, sequence: int = 0, lang: str = "en"
) -> Any:
    """One test sequence: the GRU's update gate per unit, and every unit's hidden state.

    The units are sorted by their mean update gate after the marked step, so the units that keep
    their state (z near 1, torch's convention) are at the top of the left panel; on the right the
    three of them are drawn in colour, the other units in grey, and the target (the marked value)
    as a dashed line.

    Args:
        gates: :func:`actlab.experiments.recurrent.gru_gates` with ``marked_step`` and ``target``
            added (as :func:`actlab.experiments.recurrent.recurrent_memory_comparison` returns it).
        ax: two Axes, or None.
        sequence: which sequence. Default: 0.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(gates, ("update", "hidden", "marked_step", "target"), "plot_gru_gates")
    axes = _as_axes(ax, 2)
    z = np.asarray(gates["update"][sequence])  # (steps, units)
    h = np.asarray(gates["hidden"][sequence])
    mark = int(gates["marked_step"][sequence])
    keep = z[mark + 1 :].mean(axis=0) if mark + 1 < z.shape[0] else z.mean(axis=0)
    order = np.argsort(-keep, kind="stable")
    image = axes[0].imshow(
        z[:, order[::-1]].T, aspect="auto", vmin=0, vmax=1, cmap="viridis", origin="lower"
    )
    axes[0].figure.colorbar(image, ax=axes[0], fraction=0.05)
    steps = np.arange(z.shape[0])
    for rank, unit in enumerate(order[::-1]):
        top = rank >= len(order) - 3
        axes[1].plot(
            steps,
            h[:, unit],
            color=activation_color("", len(order) - 1 - rank) if top else COLORS["grey"],
            linewidth=1.6 if top else 0.7,
            label=t("plot.gru.unit", lang, unit=int(unit)) if top else None,
        )
    axes[1].axhline(
        float(gates["target"][sequence]), color=COLORS["black"], linestyle="--", linewidth=1
    )
    for panel in axes:
        panel.axvline(mark, color=COLORS["red"], linestyle=":", linewidth=1)
    finish(
        axes[0],
        title=t("plot.gru.gate_title", lang),
        xlabel=t("plot.gru.step", lang),
        ylabel=t("plot.gru.units", lang),
        legend=False,
    )
    finish(
        axes[1], title=t("plot.gru.state_title", lang), xlabel=t("plot.gru.step", lang), ylabel="h"
    )
    return axes


def plot_gelu_approximations(result: dict[str, Any], ax: Any = None, *, lang: str = "en") -> Any:
    """GELU and its two approximations near the bend, and their absolute errors (log scale).

    Args:
        result: :func:`actlab.experiments.gelu_approximations.gelu_approximation_errors`.
        ax: two Axes, or None.
        lang: the language of the figure text. Default: ``"en"``.
    """
    _need(result, ("x", "exact", "approximations", "errors"), "plot_gelu_approximations")
    axes = _as_axes(ax, 2)
    # a few thousand points draw the same curves as the 200 001 of the measurement, much faster
    step = max(1, result["x"].size // 4000)
    x = result["x"][::step]
    near = (x >= -4) & (x <= 1)
    axes[0].plot(
        x[near],
        result["exact"][::step][near],
        color=COLORS["black"],
        label=t("plot.gelu.exact", lang),
    )
    colors = {"tanh": COLORS["blue"], "sigmoid": COLORS["orange"]}
    labels = {"tanh": t("plot.gelu.tanh", lang), "sigmoid": r"$x\,\sigma(1.702x)$"}
    for name, approx in result["approximations"].items():
        approx = approx[::step]
        axes[0].plot(
            x[near], approx[near], "--", color=colors.get(name), label=labels.get(name, name)
        )
        # exact zeros (x = 0) cannot be drawn on a log axis
        err = result["errors"][name][::step]
        axes[1].semilogy(
            x, np.where(err > 0, err, np.nan), color=colors.get(name), label=labels.get(name, name)
        )
    finish(axes[0], title=t("plot.gelu.title", lang), xlabel="x", ylabel=t("plot.gelu.value", lang))
    axes[1].set_ylim(1e-10, 1)
    finish(
        axes[1],
        title=t("plot.gelu.error_title", lang),
        xlabel="x",
        ylabel=t("plot.gelu.error", lang),
    )
    return axes
