"""Reference answers the judges compare with, for the exercises whose answer the package lacks.

This module holds answers: graded notebooks list it in their ``forbidden`` modules, so inside the
grading sandbox every name here raises when called. Only judges import it, lazily, and judges run
in the grader's process (or, for instant feedback, in the learner's own kernel). Probes never
import it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "compose_affine",
    "dead_unit_stats",
    "dense_forward",
    "ffn_forward",
    "leaky_relu",
    "prelu",
    "relu",
]


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``x @ W + b`` in float64."""
    return np.asarray(x, np.float64) @ np.asarray(W, np.float64) + np.asarray(b, np.float64)


def compose_affine(layers: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The single affine map ``(W, b)`` equal to the affine layers applied in order (float64)."""
    W = np.asarray(layers[0][0], np.float64)
    b = np.asarray(layers[0][1], np.float64)
    for W2, b2 in layers[1:]:
        W2 = np.asarray(W2, np.float64)
        W, b = W @ W2, b @ W2 + np.asarray(b2, np.float64)
    return W, b


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)``."""
    return np.maximum(x, 0.0)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` for ``x > 0``, else ``negative_slope * x``."""
    return np.where(x > 0, x, negative_slope * x)


def prelu(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """PReLU with one slope per feature (axis 1), or one shared slope when ``alpha`` has size 1."""
    alpha = np.asarray(alpha)
    a = alpha.reshape((1, -1) + (1,) * (x.ndim - 2)) if alpha.size > 1 else alpha.reshape(())
    return np.where(x > 0, x, a * x)


def ffn_forward(
    x: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, gelu: Any
) -> np.ndarray:
    """A transformer feed-forward block, ``gelu(x @ W1 + b1) @ W2 + b2``, in float64."""
    h = np.asarray(x, np.float64) @ np.asarray(W1, np.float64) + np.asarray(b1, np.float64)
    return np.asarray(gelu(h), np.float64) @ np.asarray(W2, np.float64) + np.asarray(b2, np.float64)


def dead_unit_stats(weights: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray) -> dict[str, Any]:
    """Dead-unit statistics of a ReLU MLP given as ``[(W, b), ...]`` (``x @ W.T + b``, torch's layout).

    A hidden unit is dead on ``X`` when its ReLU output is 0 for every row. Returns the fraction
    (``"fraction"``), the count and number of hidden units, per-layer fractions, the fraction of zero
    activations over all rows and units (``"zero_activations"``) and the fraction of units that are
    zero on at least one row (``"ever_zero"``); the last ones name common mistakes.
    """
    h = np.asarray(X, np.float64)
    dead_per_layer, ever_zero, zeros, entries = [], 0, 0, 0
    for W, b in weights[:-1]:
        h = np.maximum(h @ np.asarray(W, np.float64).T + np.asarray(b, np.float64), 0.0)
        zero = h == 0
        dead_per_layer.append(zero.all(axis=0))
        ever_zero += int(zero.any(axis=0).sum())
        zeros += int(zero.sum())
        entries += zero.size
    dead = np.concatenate(dead_per_layer)
    return {
        "fraction": float(dead.mean()),
        "count": int(dead.sum()),
        "units": int(dead.size),
        "per_layer": [float(d.mean()) for d in dead_per_layer],
        "zero_activations": zeros / entries,
        "ever_zero": ever_zero / dead.size,
    }
