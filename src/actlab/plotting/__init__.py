"""Figures for the course: the only place that styles a figure.

Experiments return data; these functions draw it. Each takes an optional ``ax`` (or sequence of
axes) and returns what it drew on, so a notebook cell is one call ending in ``;``.

Modules: ``style`` (palette, sizes, :func:`subplots`), ``activations`` (function and derivative
from the registry), ``boundaries`` (decision maps), ``gradients`` (gradient flow and saturation),
``training`` (training curves), ``overview`` (chapter 1), ``selection`` (chapter 3),
``applications`` (chapter 4) and ``tables`` (rounded text tables and labelled numbers).

Importing the package registers the course's CJK font with matplotlib (``fonts``), so that figure
text can be Chinese.

Every figure text (titles, axis labels, legends) is set inside these functions, never in a
chapter's cell, so that another language edition changes only this package.
"""

from __future__ import annotations

from actlab.plotting.activations import activation_label, plot_activation, plot_activations
from actlab.plotting.boundaries import plot_decision_boundaries, plot_decision_boundary
from actlab.plotting.fonts import missing_glyphs, use_cjk_font
from actlab.plotting.gradients import (
    plot_exploding,
    plot_exploding_losses,
    plot_gradient_flow,
    plot_gradient_norms,
    plot_layer_means,
)
from actlab.plotting.overview import (
    plot_approximation,
    plot_bounded_outputs,
    plot_gated_memory,
    plot_properties,
)
from actlab.plotting.style import COLORS, apply_style, finish, subplots
from actlab.plotting.tables import Below, format_facts, format_table
from actlab.plotting.training import plot_centring, plot_training_curves

__all__ = [
    "COLORS",
    "Below",
    "activation_label",
    "apply_style",
    "finish",
    "format_facts",
    "format_table",
    "missing_glyphs",
    "plot_activation",
    "plot_activations",
    "plot_approximation",
    "plot_bounded_outputs",
    "plot_centring",
    "plot_decision_boundaries",
    "plot_decision_boundary",
    "plot_exploding",
    "plot_exploding_losses",
    "plot_gated_memory",
    "plot_gradient_flow",
    "plot_gradient_norms",
    "plot_layer_means",
    "plot_properties",
    "plot_training_curves",
    "subplots",
    "use_cjk_font",
]

use_cjk_font()
