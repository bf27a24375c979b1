"""Reference answers of the self-test exercise (forbidden while it is graded)."""

from __future__ import annotations

import numpy as np

__all__ = ["relu", "square"]


def square(x: np.ndarray) -> np.ndarray:
    return np.asarray(x) * np.asarray(x)


def relu(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return np.where(x > 0, x, np.zeros_like(x))
