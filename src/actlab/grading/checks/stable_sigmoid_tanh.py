"""Checks of exercise ``02_stable_sigmoid_tanh``: sigmoid, tanh and their derivatives, stable.

Each check calls the student's function on a grid under ``np.errstate(all="raise")`` and compares it,
in relative terms, with the package's own stable implementation in float64. The default grid is
what the visible test uses: [-20, 20] in steps of 0.5 and the extremes ±40, ±100, ±745 and ±1000.
"""

from __future__ import annotations

import numpy as np

from actlab.grading.checks._common import elementwise_check
from actlab.grading.spec import Message

__all__ = ["DEFAULT_GRID"]

_EXTREMES = (-1000.0, -745.0, -100.0, -40.0, 40.0, 100.0, 745.0, 1000.0)
DEFAULT_GRID: tuple[float, ...] = tuple(
    sorted({*np.arange(-20.0, 20.25, 0.5).tolist(), *_EXTREMES})
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    from actlab.activations import sigmoid

    return sigmoid(x)


def _sigmoid_grad(x: np.ndarray) -> np.ndarray:
    from actlab.activations import sigmoid_grad

    return sigmoid_grad(x)


def _tanh(x: np.ndarray) -> np.ndarray:
    from actlab.activations import tanh

    return tanh(x)


def _tanh_grad(x: np.ndarray) -> np.ndarray:
    from actlab.activations import tanh_grad

    return tanh_grad(x)


def _from_output(what: str, wrong: str, formula: str, out: str) -> Message:
    return Message(
        "check.mistake.derivative_from_output",
        {"what": what, "wrong": wrong, "formula": formula, "out": out},
    )


# The classic mistake: the derivative written from the output, s(1 - s) or 1 - t^2, applied to
# the input x itself.
SIGMOID = elementwise_check("sigmoid", _sigmoid, DEFAULT_GRID)
SIGMOID_GRAD = elementwise_check(
    "sigmoid_grad",
    _sigmoid_grad,
    DEFAULT_GRID,
    mistakes=(
        (lambda x: x * (1 - x), _from_output("sigmoid_grad", "x(1 - x)", "s(1 - s)", "s = sigmoid(x)")),
    ),
)
TANH = elementwise_check("tanh", _tanh, DEFAULT_GRID)
TANH_GRAD = elementwise_check(
    "tanh_grad",
    _tanh_grad,
    DEFAULT_GRID,
    mistakes=(
        (lambda x: 1 - x * x, _from_output("tanh_grad", "1 - x²", "1 - t²", "t = tanh(x)")),
    ),
)
