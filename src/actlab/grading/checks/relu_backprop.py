"""Checks of exercise ``03_relu_backprop``: ``relu_forward``/``relu_backward`` and a dense layer's
backward pass, gradient-checked as in CS231n.

The judges compare the student's backward pass with a centred finite-difference estimate of the
vector-Jacobian product, computed in the judge's own process from the exact forward map. Inputs
are seeded and kept away from ReLU's kink, except where a case asks for exact zeros: there the
convention ``relu'(0) = 0`` (torch's) is checked directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import (
    ELEMENTWISE_CASE_KEYS,
    Check,
    compare_array,
    compare_elementwise,
    elementwise_input,
    get_output,
    numerical_vjp,
    student_callable,
    unpack,
)
from actlab.grading.spec import Verdict

__all__ = ["DENSE_BACKWARD", "RELU_BACKWARD", "RELU_FORWARD", "backward_input"]

_FORWARD_GRID = tuple(np.linspace(-3.0, 3.0, 25).tolist())
GRAD_TOL = 1e-8


def _relu(x: np.ndarray) -> np.ndarray:
    from actlab.grading.checks._references import relu

    return relu(x)


def _probe_relu_forward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "relu_forward")
    x = elementwise_input(case, _FORWARD_GRID)
    out, _cache = unpack(fn(x.copy()), 2, "relu_forward", "(out, cache)")
    return {"out": out}


def _judge_relu_forward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = elementwise_input(case, _FORWARD_GRID)
    return compare_elementwise("relu_forward's out", x, get_output(outputs, "out"), _relu(x))


RELU_FORWARD = Check(
    "relu_forward",
    _probe_relu_forward,
    _judge_relu_forward,
    ("relu_forward",),
    ELEMENTWISE_CASE_KEYS,
)

BACKWARD_CASE_KEYS = frozenset({"seed", "shape", "x", "zeros"})


def backward_input(case: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """``(x, dout)`` for a backward check, float64, seeded.

    ``x`` is drawn from N(0, 1) and pushed at least 0.01 away from 0 (finite differences are
    meaningless at a kink), unless the case gives ``x`` itself; ``zeros`` (an int) then sets that
    many leading entries to exactly 0. ``dout`` is N(0, 1), never all ones.
    """
    rng = np.random.default_rng(int(case.get("seed", 0)))
    shape = tuple(int(v) for v in case.get("shape", (4, 5)))
    if "x" in case:
        x = np.asarray(case["x"], dtype=np.float64).reshape(shape)
    else:
        x = rng.standard_normal(shape)
        x = np.where(x >= 0, x + 0.01, x - 0.01)
    zeros = int(case.get("zeros", 0))
    if zeros:
        x.reshape(-1)[:zeros] = 0.0
    dout = rng.standard_normal(shape)
    return x, dout


def judge_elementwise_backward(
    what: str,
    x: np.ndarray,
    dout: np.ndarray,
    dx: np.ndarray,
    forward: Any,
    slope_at_zero: float,
) -> Verdict:
    """Judge ``dx`` for a piecewise-linear activation with a kink at 0.

    Away from 0 the answer is the finite-difference VJP of ``forward``; at exactly 0 it is
    ``slope_at_zero * dout`` (the convention the question states).
    """
    dx = np.asarray(dx)
    if dx.shape != x.shape:
        return Verdict.fail(
            f"{what} returned dx of shape {dx.shape} for x of shape {x.shape}; dx has x's shape"
        )
    if dx.dtype.kind != "f":
        return Verdict.fail(
            f"{what} returned dx of dtype {dx.dtype}; expected floating-point values"
        )
    if not np.all(np.isfinite(dx)):
        return Verdict.fail(f"{what} returned NaN or inf in dx")
    kink = x == 0
    if kink.any():
        expected = slope_at_zero * dout[kink]
        if not np.allclose(dx[kink], expected, rtol=1e-12, atol=0):
            return Verdict.fail(
                f"{what} is wrong at x = 0: use the convention for the derivative at the kink "
                "that the question states (torch's)"
            )
    away = ~kink
    num = numerical_vjp(forward, x, dout)
    ignores_dout = np.allclose(dx[away], num[away] / dout[away], rtol=1e-6)
    if ignores_dout and not np.allclose(dx[away], num[away], rtol=1e-6):
        return Verdict.fail(f"{what} ignores dout: multiply the local derivative by dout")
    neg = away & (x < 0)
    if (
        neg.any()
        and np.allclose(dx[neg], dout[neg], rtol=1e-9)
        and not np.allclose(num[neg], dout[neg], rtol=1e-9)
    ):
        return Verdict.fail(f"{what} passes the gradient through unchanged where x < 0")
    err = _masked_rel_error(dx, num, away)
    if err > GRAD_TOL:
        pos_bad = away & (x > 0) & ~np.isclose(dx, num, rtol=1e-6, atol=1e-12)
        neg_bad = away & (x < 0) & ~np.isclose(dx, num, rtol=1e-6, atol=1e-12)
        side = (
            " for x < 0"
            if neg_bad.any() and not pos_bad.any()
            else " for x > 0"
            if pos_bad.any() and not neg_bad.any()
            else ""
        )
        return Verdict.fail(
            f"{what} does not match central finite differences{side}: relative error {err:.1e}, "
            f"where a correct backward pass gives < {GRAD_TOL:.0e}"
        )
    return Verdict.ok()


def _masked_rel_error(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    if not mask.any():
        return 0.0
    a, b = a[mask].astype(np.float64), b[mask].astype(np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _probe_relu_backward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fwd = student_callable(objects[0], "relu_forward")
    bwd = student_callable(objects[1], "relu_backward")
    x, dout = backward_input(case)
    _out, cache = unpack(fwd(x.copy()), 2, "relu_forward", "(out, cache)")
    return {"dx": bwd(dout.copy(), cache)}


def _judge_relu_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x, dout = backward_input(case)
    return judge_elementwise_backward(
        "relu_backward", x, dout, get_output(outputs, "dx"), _relu, slope_at_zero=0.0
    )


RELU_BACKWARD = Check(
    "relu_backward",
    _probe_relu_backward,
    _judge_relu_backward,
    ("relu_forward", "relu_backward"),
    BACKWARD_CASE_KEYS,
)


def _dense_case(case: Mapping[str, Any]) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(int(case.get("seed", 0)))
    n, d, m = (int(v) for v in case.get("shape", (4, 5, 3)))
    x = rng.standard_normal((n, d))
    W = rng.standard_normal((d, m))
    b = rng.standard_normal(m)
    dout = rng.standard_normal((n, m))
    return x, W, b, dout


def _probe_dense_backward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fwd = student_callable(objects[0], "dense_forward")
    bwd = student_callable(objects[1], "dense_backward")
    x, W, b, dout = _dense_case(case)
    out, cache = unpack(fwd(x.copy(), W.copy(), b.copy()), 2, "dense_forward", "(out, cache)")
    dx, dW, db = unpack(bwd(dout.copy(), cache), 3, "dense_backward", "(dx, dW, db)")
    return {"out": out, "dx": dx, "dW": dW, "db": db}


def _judge_dense_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    from actlab.grading.checks._references import dense_forward

    x, W, b, dout = _dense_case(case)
    verdict = compare_array(
        "dense_forward's out",
        get_output(outputs, "out"),
        dense_forward(x, W, b),
        tol=1e-10,
        shape_hint="shape (batch, outputs)",
    )
    if not verdict.passed:
        return verdict
    numeric = {
        "dx": (numerical_vjp(lambda v: v @ W + b, x, dout), "x"),
        "dW": (numerical_vjp(lambda v: x @ v + b, W, dout), "W"),
        "db": (numerical_vjp(lambda v: x @ W + v, b, dout), "b"),
    }
    for key, (num, var) in numeric.items():
        got = get_output(outputs, key)
        if got.shape != num.shape:
            extra = ""
            if key == "db" and got.ndim == 2:
                extra = " (sum over the batch axis)"
            if key == "dW" and got.shape == num.shape[::-1]:
                extra = " (it is transposed)"
            return Verdict.fail(
                f"dense_backward's {key} has shape {got.shape}; it should have {var}'s shape "
                f"{num.shape}{extra}"
            )
        verdict = compare_array(
            f"dense_backward's {key}",
            got,
            num,
            tol=GRAD_TOL,
            against="central finite differences",
        )
        if not verdict.passed:
            return verdict
    return Verdict.ok()


DENSE_BACKWARD = Check(
    "dense_backward",
    _probe_dense_backward,
    _judge_dense_backward,
    ("dense_forward", "dense_backward"),
    frozenset({"seed", "shape"}),
)
