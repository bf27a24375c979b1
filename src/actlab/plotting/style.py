"""The course's figure style: one palette, small PNG figures, labelled axes.

Every figure of the course is made through :func:`subplots`, which applies :func:`apply_style` and
caps the size of a row of panels at 9 x 3.5 inches at 90 dpi, so a stored chapter stays small.
Figure text comes from :mod:`actlab.i18n` in the language a plotting function is given (``lang``);
Chinese text is drawn with the course's CJK font (:mod:`actlab.plotting.fonts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib as mpl

__all__ = [
    "ACTIVATION_COLORS",
    "COLORS",
    "DPI",
    "MAX_ROW_SIZE",
    "activation_color",
    "apply_style",
    "colors_for",
    "finish",
    "subplots",
]

DPI = 90
MAX_ROW_SIZE = (9.0, 3.5)

# Okabe-Ito, readable for colour-blind viewers.
COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "red": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#7F7F7F",
}

# The three activations of chapter 2 always get the same colour.
ACTIVATION_COLORS: dict[str, str] = {
    "sigmoid": COLORS["orange"],
    "tanh": COLORS["green"],
    "relu": COLORS["blue"],
    "identity": COLORS["grey"],
    "linear": COLORS["grey"],
}

_CYCLE = [COLORS[k] for k in ("blue", "orange", "green", "red", "purple", "sky", "black")]

_RC: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (4.5, 3.0),
    "figure.constrained_layout.use": True,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "image.cmap": "RdBu_r",
}


def apply_style() -> None:
    """Set matplotlib's rcParams to the course style (idempotent)."""
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=_CYCLE)


def activation_color(key: str, index: int = 0) -> str:
    """The colour of activation ``key``; unknown keys take the palette's ``index``-th colour."""
    return ACTIVATION_COLORS.get(key, _CYCLE[index % len(_CYCLE)])


def colors_for(labels: Iterable[str]) -> list[str]:
    """Distinct colours for ``labels``: the course's colour for known activations, then unused ones."""
    labels = [str(k) for k in labels]
    fixed = {k: ACTIVATION_COLORS[k] for k in labels if k in ACTIVATION_COLORS}
    free = [c for c in _CYCLE if c not in fixed.values()] or _CYCLE
    out, i = [], 0
    for k in labels:
        if k in fixed:
            out.append(fixed[k])
        else:
            out.append(free[i % len(free)])
            i += 1
    return out


def subplots(
    ncols: int = 1,
    nrows: int = 1,
    *,
    width: float | None = None,
    height: float | None = None,
    **kwargs: Any,
) -> tuple[Any, Any]:
    """``plt.subplots`` in the course style, with the figure size capped.

    Args:
        ncols: panels per row. Default: 1.
        nrows: rows of panels. Default: 1.
        width: figure width in inches; defaults to 3 per panel, at most 9.
        height: height of one row in inches; default 2.9, at most 3.5.
        **kwargs: passed to ``plt.subplots`` (``sharey=True``, ...).

    Returns:
        ``(fig, axes)``; ``axes`` is a single Axes when ``ncols == nrows == 1``, else a flat array.
    """
    import matplotlib.pyplot as plt

    for name, v in (("ncols", ncols), ("nrows", nrows)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"subplots: {name} must be a positive int, got {v!r}")
    apply_style()
    w = min(MAX_ROW_SIZE[0], width if width is not None else 3.0 * ncols)
    h = min(MAX_ROW_SIZE[1], height if height is not None else 2.9)
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h * nrows), squeeze=False, **kwargs)
    flat = axes.ravel()
    return fig, (flat[0] if flat.size == 1 else flat)


def finish(
    ax: Any,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: bool | str = True,
) -> Any:
    """Label ``ax`` and add a legend if it has labelled artists; returns ``ax``."""
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if legend:
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(loc=legend if isinstance(legend, str) else "best")
    return ax


def _axes_list(axes: Any) -> list[Any]:
    if isinstance(axes, Iterable):
        return list(axes)
    return [axes]


def _as_axes(ax: Any, n: int) -> Sequence[Any]:
    """``n`` axes: the given ones, or a new row of them."""
    if ax is None:
        _, axes = subplots(n)
        return _axes_list(axes)
    axes = _axes_list(ax)
    if len(axes) != n:
        raise ValueError(f"expected {n} axes, got {len(axes)}")
    return axes
