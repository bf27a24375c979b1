"""Centred finite differences and the relative error, as in CS231n's ``gradient_check.py``.

A hand-written backward pass is trusted once it agrees with a finite-difference estimate::

    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((3, 4))
    >>> num = eval_numerical_gradient_array(np.tanh, x, np.ones_like(x))
    >>> rel_error(num, 1 - np.tanh(x) ** 2) < 1e-8
    True

With float64 and ``h=1e-5`` a correct backward pass of a smooth function gives a relative error on
the order of 1e-8 or smaller; at a kink (ReLU at 0) the estimate is meaningless, so test on seeded
inputs that keep away from kinks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["eval_numerical_gradient", "eval_numerical_gradient_array", "rel_error"]


def _as_float_array(x: object, func: str, name: str = "x") -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: {name} must be a numpy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{func}: {name} must have a floating dtype (it is perturbed in place), got {x.dtype}"
        )
    return x


def _check_h(h: float, func: str) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not 0 < h < 1:
        raise ValueError(f"{func}: h must be a number in (0, 1), got {h!r}")
    return float(h)


def eval_numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, verbose: bool = False, h: float = 1e-5
) -> np.ndarray:
    r"""Gradient of a scalar function ``f`` at ``x`` by centred differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    ``x`` is perturbed in place, one entry at a time, and restored afterwards.

    Args:
        f: a function of one array argument returning a scalar.
        x: the point, a floating numpy array (use float64).
        verbose: print each entry's estimate. Default: False.
        h: step. Default: 1e-5.

    Shape:
        - Output: same as ``x``.
    """
    x = _as_float_array(x, "eval_numerical_gradient")
    h = _check_h(h, "eval_numerical_gradient")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fxph = float(f(x))
        x[ix] = old - h
        fxmh = float(f(x))
        x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, df: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    r"""Vector-Jacobian product :math:`J_f(x)^\top \, df` of an array-valued ``f``, by centred differences.

    .. math:: (J^\top df)_i \approx \sum_j df_j \, \frac{f_j(x + h e_i) - f_j(x - h e_i)}{2h}

    This is what a ``*_backward(dout, cache)`` function must return for ``dout = df``.

    Args:
        f: a function of one array argument returning an array.
        x: the point, a floating numpy array (use float64).
        df: upstream gradient, same shape as ``f(x)``.
        h: step. Default: 1e-5.

    Shape:
        - Output: same as ``x``.
    """
    x = _as_float_array(x, "eval_numerical_gradient_array")
    h = _check_h(h, "eval_numerical_gradient_array")
    df = np.asarray(df)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        neg = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        if pos.shape != df.shape:
            raise ValueError(
                "eval_numerical_gradient_array: df must have the shape of f(x), "
                f"got df {df.shape} and f(x) {pos.shape}"
            )
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def rel_error(x: np.ndarray, y: np.ndarray) -> float:
    r"""CS231n's relative error, :math:`\max_i \frac{|x_i - y_i|}{\max(10^{-8}, |x_i| + |y_i|)}`.

    Args:
        x: an array (or scalar).
        y: an array (or scalar) of the same shape.

    Examples::

        >>> rel_error(1.0, 1.0 + 1e-9) < 1e-9
        True
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(
            f"rel_error: x and y must have the same shape, got {x.shape} and {y.shape}"
        )
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))
