"""Normalising activations in numpy: softmax, log_softmax, softmin and glu, with their VJPs.

These act along one axis rather than elementwise. Each forward ``f(x, axis=-1)`` has a
vector-Jacobian product ``f_grad(x, grad_output, axis=-1)`` that returns
:math:`J_f(x)^\\top g`, the gradient of ``sum(grad_output * f(x))`` w.r.t. ``x`` (what a backward
pass needs; the Jacobian itself is never formed).

Inputs follow :mod:`actlab.activations._inputs`: float16/32/64 keep their dtype (computed in
float64 and rounded once), int/bool become float64, other types raise :class:`TypeError`; an
``axis`` out of range raises :class:`ValueError`. A 0-d input counts as one element along axis 0.

Numerics: softmax subtracts the row maximum and carries the rounding error of ``x - max`` into the
exponential, so large logits neither overflow nor lose accuracy. The VJPs of the softmax family
are measured from each row's largest entry (the pivot): where one probability is close to 1,
``g_i - <g, y>`` and ``g_i - y_i sum(g)`` would subtract two nearly equal numbers, and the forms
used instead add up only small terms (see :func:`softmax_grad` and :func:`log_softmax_grad`).
Limits: a row holding ``+inf`` shares the mass equally among its ``+inf`` entries; a row of only
``-inf`` or holding NaN gives NaN.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._inputs import as_float_array, finish

__all__ = [
    "glu",
    "glu_grad",
    "log_softmax",
    "log_softmax_grad",
    "softmax",
    "softmax_grad",
    "softmin",
    "softmin_grad",
]

Out = np.ndarray | None


def _axis(axis: Any, ndim: int, fname: str) -> int:
    if isinstance(axis, (bool, np.bool_)):
        raise TypeError(f"{fname}(): axis must be an int; got {axis!r}")
    try:
        ax = operator.index(axis)
    except TypeError:
        raise TypeError(f"{fname}(): axis must be an int; got {type(axis).__name__} {axis!r}") from None
    nd = max(ndim, 1)
    if not -nd <= ax < nd:
        raise ValueError(
            f"{fname}(): axis {ax} is out of range for an input with {ndim} dimension(s); "
            f"expected an integer in [{-nd}, {nd - 1}]"
        )
    return ax % nd


def _prepare(x: Any, axis: Any, fname: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Coerce x; return (original array, float64 working copy of at least 1 dim, axis)."""
    a = as_float_array(x, fname)
    ax = _axis(axis, a.ndim, fname)
    w = a.astype(np.float64, copy=True).reshape(a.shape if a.ndim else (1,))
    return a, w, ax


def _grad_input(g: Any, a: np.ndarray, fname: str, shape: tuple | None = None) -> np.ndarray:
    ga = as_float_array(g, fname)
    want = a.shape if shape is None else shape
    if ga.shape != want:
        raise ValueError(f"{fname}(): grad_output has shape {ga.shape}; expected {want}")
    return ga


def _emit(fname: str, a: np.ndarray, y: np.ndarray, out: Out, dtype: np.dtype) -> Any:
    """Round the float64 result into ``out`` (or a new array); a numpy scalar for 0-d input."""
    res = _emit_shape(fname, y.reshape(a.shape), out, dtype)
    return finish(res, out is None and a.ndim == 0)


def _shifted(w: np.ndarray, ax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (d, lo, m, flags) with x - max = d + lo exactly where it matters.

    ``m`` is the row maximum (keepdims); ``d`` is ``x - m`` rounded (``x - 0`` in rows whose maximum
    is not finite) and ``lo`` its rounding error, for entries within 1000 of the maximum.
    """
    m = np.max(w, axis=ax, keepdims=True)
    mf = np.where(np.isfinite(m), m, 0.0)
    d = w - mf
    # TwoSum error of w - mf, on entries where the exponential is not negligible (|d| < 1000),
    # others replaced by mf so that nothing overflows
    near = np.abs(d) < 1000.0
    xs = np.where(near, w, mf)
    ds = xs - mf
    bv = ds - xs
    lo = (xs - (ds - bv)) + (-mf - bv)
    return d, lo, m, mf


def _softmax64(w: np.ndarray, ax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Softmax and the row sums of exp(x - max), with the limits; returns (y, s, m)."""
    if w.size == 0:
        return w.copy(), w.sum(axis=ax, keepdims=True), w.sum(axis=ax, keepdims=True)
    d, lo, m, _ = _shifted(w, ax)
    e = np.exp(d)
    e *= 1.0 + lo
    posinf = np.isposinf(m)
    if posinf.any():
        e = np.where(posinf, (w == np.inf).astype(np.float64), e)
    s = np.sum(e, axis=ax, keepdims=True)
    empty = s == 0.0  # only rows of -inf (or NaN rows, fixed below)
    y = e / np.where(empty, 1.0, s)
    y = np.where(empty | np.isnan(m), np.nan, y)
    return y, s, m


def softmax(x: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Softmax along ``axis``.

    .. math::
        \mathrm{Softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}}, \quad m = \max_j x_j

    Args:
        x: input.
        axis: the axis to normalise along (torch's ``dim``). Default: -1.
        out: optional output array of the input's shape and dtype.

    Shape:
        Input ``(*)``, output ``(*)``; the entries along ``axis`` sum to 1.

    Examples:
        >>> softmax([1000.0, 1000.0])
        array([0.5, 0.5])
    """
    a, w, ax = _prepare(x, axis, "softmax")
    with np.errstate(over="ignore", under="ignore"):
        y, _, _ = _softmax64(w, ax)
    return _emit("softmax", a, y, out, a.dtype)


def softmin(x: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Softmin along ``axis``: :math:`\mathrm{Softmin}(x) = \mathrm{Softmax}(-x)`.

    Args:
        x: input.
        axis: the axis to normalise along. Default: -1.
        out: optional output array.

    Shape:
        Input ``(*)``, output ``(*)``.

    Examples:
        >>> softmin([0.0, 0.0])
        array([0.5, 0.5])
    """
    a, w, ax = _prepare(x, axis, "softmin")
    np.negative(w, out=w)
    with np.errstate(over="ignore", under="ignore"):
        y, _, _ = _softmax64(w, ax)
    return _emit("softmin", a, y, out, a.dtype)


def log_softmax(x: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Log of the softmax along ``axis``.

    .. math::
        \mathrm{LogSoftmax}(x)_i = (x_i - m) - \log \sum_j e^{x_j - m}, \quad m = \max_j x_j

    Args:
        x: input.
        axis: the axis to normalise along. Default: -1.
        out: optional output array.

    Shape:
        Input ``(*)``, output ``(*)``.

    Examples:
        >>> log_softmax([0.0, 0.0])
        array([-0.69314718, -0.69314718])
    """
    a, w, ax = _prepare(x, axis, "log_softmax")
    if w.size == 0:
        return _emit("log_softmax", a, w, out, a.dtype)
    with np.errstate(over="ignore", under="ignore"):
        d, lo, m, _ = _shifted(w, ax)
        e = np.exp(d)
        e *= 1.0 + lo
        posinf = np.isposinf(m)
        if posinf.any():
            hit = (w == np.inf).astype(np.float64)
            e = np.where(posinf, hit, e)
        s = np.sum(e, axis=ax, keepdims=True)
        empty = (s == 0.0) | np.isnan(m)
        # log(s) with s = 1 + rest (the maximum contributes exactly 1): log1p(rest) keeps the
        # digits of a tiny rest that log(1 + rest) would round away
        first = np.expand_dims(np.argmax(w, axis=ax), ax)
        rest = e.copy()
        np.put_along_axis(rest, first, 0.0, axis=ax)
        rest = np.sum(rest, axis=ax, keepdims=True)
        finite_rows = np.isfinite(m)
        logs = np.where(finite_rows, np.log1p(np.where(finite_rows, rest, 0.0)), np.log(np.where(empty, 1.0, s)))
        y = (d - logs) + np.where(np.isfinite(d), lo, 0.0)
        if posinf.any():
            y = np.where(posinf, np.where(w == np.inf, -logs, -np.inf), y)
        y = np.where(empty, np.nan, y)
    return _emit("log_softmax", a, y, out, a.dtype)


def _vjp_dtype(a: np.ndarray, g: np.ndarray) -> np.dtype:
    return np.result_type(a.dtype, g.dtype)


def softmax_grad(x: ArrayLike, grad_output: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Vector-Jacobian product of :func:`softmax`.

    .. math::
        \frac{\partial L}{\partial x} = y \odot \left(g - \textstyle\sum_j g_j y_j\right),
        \quad y = \mathrm{Softmax}(x)

    evaluated as :math:`y_i (d_i - \sum_j d_j y_j)` with :math:`d = g - g_p`, :math:`p` the row's
    largest entry (equal, since the :math:`y_j` sum to 1). At :math:`p` this is
    :math:`\sum_{j \ne p} (g_p - g_j) y_j`, accurate when :math:`y_p` is close to 1, where
    :math:`g_p - \sum_j g_j y_j` keeps only rounding noise.

    Args:
        x: input of the forward.
        grad_output: the upstream gradient :math:`g`, same shape as ``x``.
        axis: the axis of the forward. Default: -1.
        out: optional output array.

    Shape:
        ``x``, ``grad_output`` and the result are ``(*)``.

    Examples:
        >>> softmax_grad([0.0, 0.0], [1.0, 0.0])
        array([ 0.25, -0.25])
    """
    return _softmax_vjp("softmax_grad", x, grad_output, axis, out, sign=1.0)


def softmin_grad(x: ArrayLike, grad_output: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Vector-Jacobian product of :func:`softmin`: :math:`-y \odot (g - \sum_j g_j y_j)`,
    :math:`y = \mathrm{Softmin}(x)`.

    Args:
        x: input of the forward.
        grad_output: the upstream gradient, same shape as ``x``.
        axis: the axis of the forward. Default: -1.
        out: optional output array.
    """
    return _softmax_vjp("softmin_grad", x, grad_output, axis, out, sign=-1.0)


def _pivot(w: np.ndarray, ax: int) -> np.ndarray:
    """Index (keepdims) of each row's largest entry: the one whose probability may be close to 1."""
    return np.expand_dims(np.argmax(w, axis=ax), ax)


def _softmax_vjp(fname: str, x: Any, g: Any, axis: Any, out: Out, sign: float) -> Any:
    a, w, ax = _prepare(x, axis, fname)
    ga = _grad_input(g, a, fname)
    gw = ga.astype(np.float64).reshape(w.shape)
    if sign < 0:
        np.negative(w, out=w)
    if w.size == 0:
        return _emit(fname, a, w, out, _vjp_dtype(a, ga))
    with np.errstate(over="ignore", under="ignore"):
        y, _, _ = _softmax64(w, ax)
        # g_i - <g, y> = sum_j (g_i - g_j) y_j because the y_j sum to 1. Measured from the pivot
        # p (the row's largest y): d = g - g_p and g_i - <g, y> = d_i - <d, y>. At p this is
        # -<d, y> = sum_{j != p} (g_p - g_j) y_j, free of the cancellation of g_p - <g, y> when
        # y_p is close to 1; elsewhere y_i <= 1/2 and nothing cancels by construction.
        gp = np.take_along_axis(gw, _pivot(w, ax), axis=ax)
        gp = np.where(np.isfinite(gp), gp, 0.0)  # an infinite g_p: the plain form
        d = gw - gp
        dot = np.sum(d * y, axis=ax, keepdims=True)
        d -= dot
        d *= y
        if sign < 0:
            np.negative(d, out=d)
    return _emit(fname, a, d, out, _vjp_dtype(a, ga))


def log_softmax_grad(
    x: ArrayLike, grad_output: ArrayLike, axis: int = -1, *, out: Out = None
) -> Any:
    r"""Vector-Jacobian product of :func:`log_softmax`.

    .. math::
        \frac{\partial L}{\partial x} = g - \mathrm{Softmax}(x) \textstyle\sum_j g_j

    At the row's largest entry :math:`p` it is evaluated as
    :math:`g_p \sum_{j \ne p} y_j - y_p \sum_{j \ne p} g_j` (:math:`y = \mathrm{Softmax}(x)`):
    :math:`g_p - y_p \sum_j g_j` cancels when :math:`y_p` is close to 1.

    Args:
        x: input of the forward.
        grad_output: the upstream gradient, same shape as ``x``.
        axis: the axis of the forward. Default: -1.
        out: optional output array.

    Examples:
        >>> log_softmax_grad([0.0, 0.0], [1.0, 0.0])
        array([ 0.5, -0.5])
    """
    fname = "log_softmax_grad"
    a, w, ax = _prepare(x, axis, fname)
    ga = _grad_input(grad_output, a, fname)
    gw = ga.astype(np.float64).reshape(w.shape)
    if w.size == 0:
        return _emit(fname, a, w, out, _vjp_dtype(a, ga))
    with np.errstate(over="ignore", under="ignore"):
        y, _, _ = _softmax64(w, ax)
        # At the pivot p (the largest y) g_p - y_p sum(g) cancels when y_p is close to 1; there
        # it is g_p t - y_p S with t = 1 - y_p = sum_{j != p} y_j and S = sum_{j != p} g_j, each
        # summed from its own terms. Elsewhere y_j <= 1/2 and g - y sum(g) keeps its digits.
        p = _pivot(w, ax)
        gp = np.take_along_axis(gw, p, axis=ax)
        yp = np.take_along_axis(y, p, axis=ax)
        rest = gw.copy()
        np.put_along_axis(rest, p, 0.0, axis=ax)
        s_rest = np.sum(rest, axis=ax, keepdims=True)
        np.copyto(rest, y)
        np.put_along_axis(rest, p, 0.0, axis=ax)
        t = np.sum(rest, axis=ax, keepdims=True)
        r = gw - y * (gp + s_rest)
        np.put_along_axis(r, p, gp * t - yp * s_rest, axis=ax)
    return _emit(fname, a, r, out, _vjp_dtype(a, ga))


def _glu_split(x: Any, axis: Any, fname: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    a = as_float_array(x, fname)
    if a.ndim == 0:
        raise ValueError(f"{fname}(): expected an input with at least 1 dimension; got a 0-d input")
    ax = _axis(axis, a.ndim, fname)
    n = a.shape[ax]
    if n % 2:
        raise ValueError(
            f"{fname}(): the size along axis {ax} must be even to split it in half; got {n}"
        )
    w = a.astype(np.float64)
    first, second = np.split(w, 2, axis=ax)
    return a, first, second, ax


def _sigmoid64(b: np.ndarray) -> np.ndarray:
    from .elementwise import sigmoid

    return np.asarray(sigmoid(b), dtype=np.float64)


def _times(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """u * v with inf * 0 (an indeterminate limit) giving NaN without a floating-point flag."""
    bad = (np.isinf(u) & (v == 0)) | ((u == 0) & np.isinf(v))
    r = np.full(np.broadcast_shapes(u.shape, v.shape), np.nan)
    np.multiply(u, v, out=r, where=~bad)
    return r


def glu(x: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Gated linear unit: split ``x`` in half along ``axis`` into ``a`` and ``b``.

    .. math::
        \mathrm{GLU}(a, b) = a \otimes \sigma(b)

    Args:
        x: input; its size along ``axis`` must be even.
        axis: the axis to split (torch's ``dim``). Default: -1.
        out: optional output array of the half shape and the input's dtype.

    Shape:
        Input ``(*, 2N, *)``, output ``(*, N, *)``.

    Examples:
        >>> glu([2.0, 0.0])
        array([1.])
    """
    a, first, second, _ = _glu_split(x, axis, "glu")
    with np.errstate(over="ignore", under="ignore"):
        y = _times(first, _sigmoid64(second))
    return _emit_shape("glu", y, out, a.dtype)


def _emit_shape(fname: str, y: np.ndarray, out: Out, dtype: np.dtype) -> np.ndarray:
    if out is None:
        res = np.empty(y.shape, dtype)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"{fname}(): out must be a numpy ndarray; got {type(out).__name__}")
        if out.shape != y.shape or out.dtype != dtype:
            raise ValueError(
                f"{fname}(): out has shape {out.shape} and dtype {out.dtype}; "
                f"expected shape {y.shape} and dtype {dtype}"
            )
        res = out
    with np.errstate(over="ignore", under="ignore"):
        np.copyto(res, y, casting="same_kind")
    return res


def glu_grad(x: ArrayLike, grad_output: ArrayLike, axis: int = -1, *, out: Out = None) -> Any:
    r"""Vector-Jacobian product of :func:`glu`.

    .. math::
        \frac{\partial L}{\partial a} = g\,\sigma(b), \qquad
        \frac{\partial L}{\partial b} = g\,a\,\sigma(b)\,\sigma(-b)

    concatenated along ``axis``.

    Args:
        x: input of the forward.
        grad_output: the upstream gradient, of the output's (half) shape.
        axis: the axis of the forward. Default: -1.
        out: optional output array of the input's shape.

    Examples:
        >>> glu_grad([2.0, 0.0], [1.0])
        array([0.5, 0.5])
    """
    fname = "glu_grad"
    a, first, second, ax = _glu_split(x, axis, fname)
    ga = _grad_input(grad_output, a, fname, shape=first.shape)
    g = ga.astype(np.float64)
    with np.errstate(over="ignore", under="ignore"):
        s = _sigmoid64(second)
        sn = _sigmoid64(-second)
        da = _times(g, s)
        db = _times(_times(g, first), s * sn)
        r = np.concatenate([da, db], axis=ax)
    return _emit_shape(fname, r, out, _vjp_dtype(a, ga))
