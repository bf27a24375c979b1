r"""Chapter 1 experiment: what one hidden layer can do (the universal approximation theorem).

Cybenko (1989) proved that sums :math:`\sum_k c_k\,\sigma(w_k x + b_k)` of a continuous sigmoidal
function are dense in the continuous functions on a compact set: one hidden layer, wide enough,
approximates any continuous function as closely as one likes. Hornik (1991) extended this to any
bounded, non-constant activation, and Leshno, Lin, Pinkus and Schocken (1993) to any activation
that is not a polynomial, ReLU included.

The theorem says such weights exist; it does not say how many units are needed or that gradient
descent finds them. In one dimension two constructions make it concrete:

* :func:`relu_interpolant` -- ReLU units :math:`\max(0, x - x_k)`, one per knot: the network is
  the piecewise-linear interpolant of :math:`f` through the knots, each unit adding one change of
  slope. Its error shrinks like :math:`1/n^2` for :math:`n` units (a smooth :math:`f`);
* :func:`sigmoid_staircase` -- steep sigmoid units :math:`\sigma(s(x - m_k))`, one per step, the
  idea of Cybenko's proof: a staircase through the knots. Its error shrinks like :math:`1/n`.

:func:`universal_approximation` builds both for several widths and measures the largest error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = [
    "TARGET_FORMULA",
    "approximation_table",
    "one_hidden_layer",
    "relu_interpolant",
    "sigmoid_staircase",
    "target",
    "universal_approximation",
    "weight_difference",
    "weight_facts",
]

#: LaTeX of :func:`target`
TARGET_FORMULA = r"\sin 2x + \tfrac12 \cos 5x"


def target(x: np.ndarray) -> np.ndarray:
    r"""The function the chapter approximates, :math:`\sin 2x + \frac12 \cos 5x`."""
    x = np.asarray(x, dtype=np.float64)
    return np.sin(2 * x) + 0.5 * np.cos(5 * x)


def _check_knots(knots: Any, func: str) -> np.ndarray:
    knots = np.asarray(knots, dtype=np.float64)
    if knots.ndim != 1 or knots.size < 2 or not np.all(np.diff(knots) > 0):
        raise ValueError(f"{func}: knots must be an increasing 1-D array of at least 2 points")
    return knots


def relu_interpolant(f: Callable[[np.ndarray], np.ndarray], knots: Any) -> dict[str, np.ndarray]:
    r"""A one-hidden-layer ReLU network that interpolates ``f`` linearly between the knots.

    With knots :math:`x_0 < \dots < x_n`, unit :math:`k` computes :math:`\max(0, x - x_k)` for
    :math:`k < n`; its output weight is the change of slope at :math:`x_k`, and the output bias is
    :math:`f(x_0)`.

    Returns:
        ``{"w_in", "b_in", "w_out"}`` of shape ``(n,)`` and ``"b_out"``, a float: the network is
        ``relu(x * w_in + b_in) @ w_out + b_out``.

    Examples::

        >>> net = relu_interpolant(np.abs, [-1.0, 0.0, 1.0])
        >>> net["w_out"].tolist(), float(net["b_out"])
        ([-1.0, 2.0], 1.0)
    """
    knots = _check_knots(knots, "relu_interpolant")
    values = f(knots)
    slopes = np.diff(values) / np.diff(knots)
    return {
        "w_in": np.ones(knots.size - 1),
        "b_in": -knots[:-1],
        "w_out": np.diff(slopes, prepend=0.0),
        "b_out": float(values[0]),
    }


def sigmoid_staircase(
    f: Callable[[np.ndarray], np.ndarray], knots: Any, sharpness: float = 10.0
) -> dict[str, np.ndarray]:
    r"""A one-hidden-layer sigmoid network that steps through :math:`f(x_0), \dots, f(x_n)`.

    Unit :math:`k` is a step :math:`\sigma(s (x - m_k))` at the midpoint :math:`m_k` of
    :math:`[x_{k-1}, x_k]`, with steepness :math:`s` = ``sharpness`` / (knot spacing); its output
    weight is the rise :math:`f(x_k) - f(x_{k-1})`.

    Returns:
        ``{"w_in", "b_in", "w_out"}`` of shape ``(n,)`` and ``"b_out"``: the network is
        ``sigmoid(x * w_in + b_in) @ w_out + b_out``.
    """
    knots = _check_knots(knots, "sigmoid_staircase")
    if not (isinstance(sharpness, (int, float)) and sharpness > 0):
        raise ValueError(f"sigmoid_staircase: sharpness must be > 0, got {sharpness!r}")
    values = f(knots)
    mids = (knots[1:] + knots[:-1]) / 2
    s = float(sharpness) / np.diff(knots)
    return {"w_in": s, "b_in": -s * mids, "w_out": np.diff(values), "b_out": float(values[0])}


def one_hidden_layer(x: Any, net: dict[str, Any], activation: str) -> np.ndarray:
    """Evaluate ``activation(x * w_in + b_in) @ w_out + b_out`` on a 1-D array ``x``.

    Args:
        x: inputs, shape ``(N,)``.
        net: weights as returned by :func:`relu_interpolant` or :func:`sigmoid_staircase`.
        activation: registry key of the hidden activation.
    """
    from actlab.activations.registry import get

    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"one_hidden_layer: x must be 1-D, got shape {x.shape}")
    hidden = get(activation).forward(x[:, None] * net["w_in"] + net["b_in"])
    return hidden @ net["w_out"] + net["b_out"]


_BUILDERS = {"relu": relu_interpolant, "sigmoid": sigmoid_staircase}


def universal_approximation(
    widths: Sequence[int] = (2, 4, 8, 16, 32, 64),
    *,
    activations: Sequence[str] = ("relu", "sigmoid"),
    interval: tuple[float, float] = (-3.0, 3.0),
    num: int = 6001,
) -> dict[str, Any]:
    """Approximate :func:`target` on ``interval`` with one hidden layer of each width.

    Args:
        widths: numbers of hidden units. Default: 2 to 64, doubling.
        activations: ``"relu"`` (:func:`relu_interpolant`) and/or ``"sigmoid"``
            (:func:`sigmoid_staircase`). Default: both.
        interval: where the function is approximated. Default: (-3, 3).
        num: points of the evaluation grid. Default: 6001.

    Returns:
        A dict with ``x`` (the grid), ``target`` (:func:`target` on it), ``formula``, ``widths``,
        ``activations``, ``fits`` (``{(activation, width): network output on x}``) and
        ``max_error`` (``{(activation, width): max |output - target|}``).
    """
    widths = [int(w) for w in widths]
    if not widths or any(w < 1 for w in widths):
        raise ValueError(f"universal_approximation: widths must be positive ints, got {widths!r}")
    unknown = [a for a in activations if a not in _BUILDERS]
    if unknown:
        raise ValueError(
            f"universal_approximation: activations must be among {sorted(_BUILDERS)}, got {unknown}"
        )
    lo, hi = (float(v) for v in interval)
    if not lo < hi:
        raise ValueError(
            f"universal_approximation: interval must be (lo, hi) with lo < hi, got {interval!r}"
        )
    x = np.linspace(lo, hi, num)
    y = target(x)
    fits: dict[tuple[str, int], np.ndarray] = {}
    errors: dict[tuple[str, int], float] = {}
    for act in activations:
        for w in widths:
            net = _BUILDERS[act](target, np.linspace(lo, hi, w + 1))
            fits[act, w] = one_hidden_layer(x, net, act)
            errors[act, w] = float(np.max(np.abs(fits[act, w] - y)))
    return {
        "x": x,
        "target": y,
        "formula": TARGET_FORMULA,
        "widths": widths,
        "activations": list(activations),
        "fits": fits,
        "max_error": errors,
    }


def approximation_table(result: dict[str, Any], *, lang: str = "en") -> list[dict[str, Any]]:
    """One row per width: the largest error of each activation's network on the interval,
    labelled in ``lang``."""
    rows = []
    for w in result["widths"]:
        row: dict[str, Any] = {t("result.approximation.hidden_units", lang): w}
        for act in result["activations"]:
            row[t("result.approximation.max_error", lang, activation=act)] = result["max_error"][
                act, w
            ]
        rows.append(row)
    return rows


def weight_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Largest absolute difference between two networks' weights (same keys and shapes)."""
    if set(a) != set(b):
        raise ValueError(f"weight_difference: the networks have keys {sorted(a)} and {sorted(b)}")
    return max(
        float(np.max(np.abs(np.asarray(a[k], dtype=np.float64) - np.asarray(b[k], dtype=np.float64))))
        for k in a
    )


def weight_facts(
    by_hand: Sequence[dict[str, Any]], package: Sequence[dict[str, Any]], *, lang: str = "en"
) -> dict[str, float]:
    """Largest weight difference between hand-built networks and the package's, per construction.

    Args:
        by_hand: ``(relu network, sigmoid network)`` built by hand.
        package: the same from :func:`relu_interpolant` and :func:`sigmoid_staircase`.
        lang: the language of the labels, ``"en"`` or ``"zh"``. Default: ``"en"``.
    """
    if len(by_hand) != len(package):
        raise ValueError(
            f"weight_facts: got {len(by_hand)} hand-built networks and {len(package)} from the package"
        )
    labels = (
        t("result.approximation.relu_weights", lang),
        t("result.approximation.sigmoid_weights", lang),
    )
    return {
        label: weight_difference(a, b)
        for label, a, b in zip(labels, by_hand, package, strict=False)
    }
