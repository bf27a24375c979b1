"""Figures for the course: the only place that styles a figure.

Experiments return data; these functions draw it. Each takes an optional ``ax`` (or sequence of
axes) and returns what it drew on, so a notebook cell is one call ending in ``;``.
"""

from __future__ import annotations

from actlab.plotting.activations import activation_label, plot_activation, plot_activations
from actlab.plotting.style import COLORS, apply_style, finish, subplots

__all__ = [
    "COLORS",
    "activation_label",
    "apply_style",
    "finish",
    "plot_activation",
    "plot_activations",
    "subplots",
]
