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
    call_student,
    compare_array,
    compare_elementwise,
    elementwise_input,
    get_output,
    matches,
    numerical_vjp,
    student_callable,
    unpack,
)
from actlab.grading.spec import Message, Verdict

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
    return compare_elementwise(
        Message("check.what.part", {"fn": "relu_forward", "part": "out"}),
        x,
        get_output(outputs, "out"),
        _relu(x),
    )


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
    what: str | Message,
    x: np.ndarray,
    dout: np.ndarray,
    dx: np.ndarray,
    forward: Any,
    slope_at_zero: float | np.ndarray,
    kink: Message | None = None,
) -> Verdict:
    """Judge ``dx`` for a piecewise-linear activation with a kink at 0.

    Away from 0 the answer is the finite-difference VJP of ``forward``; at exactly 0 it is
    ``slope_at_zero * dout`` (the convention the question states). ``kink`` names the classic
    mistake there, a slope of 1 at x = 0 (the gradient passed through as for x > 0).
    """
    dx = np.asarray(dx)
    if dx.shape != x.shape:
        return Verdict.fail("check.backward.shape", what=what, got=dx.shape, shape=x.shape)
    if dx.dtype.kind != "f":
        return Verdict.fail("check.backward.not_float", what=what, dtype=str(dx.dtype))
    if not np.all(np.isfinite(dx)):
        return Verdict.fail("check.backward.nonfinite", what=what)
    at_zero = x == 0
    if at_zero.any():
        expected = slope_at_zero * dout[at_zero]
        if not np.allclose(dx[at_zero], expected, rtol=1e-12, atol=0):
            if kink is not None and np.allclose(dx[at_zero], dout[at_zero], rtol=1e-12, atol=0):
                return Verdict.fail(kink)
            return Verdict.fail("check.backward.kink", what=what)
    away = ~at_zero
    num = numerical_vjp(forward, x, dout)
    ignores_dout = np.allclose(dx[away], num[away] / dout[away], rtol=1e-6)
    if ignores_dout and not np.allclose(dx[away], num[away], rtol=1e-6):
        return Verdict.fail("check.backward.ignores_dout", what=what)
    neg = away & (x < 0)
    if (
        neg.any()
        and np.allclose(dx[neg], dout[neg], rtol=1e-9)
        and not np.allclose(num[neg], dout[neg], rtol=1e-9)
    ):
        return Verdict.fail("check.backward.passes_negative", what=what)
    err = _masked_rel_error(dx, num, away)
    if err > GRAD_TOL:
        pos_bad = away & (x > 0) & ~np.isclose(dx, num, rtol=1e-6, atol=1e-12)
        neg_bad = away & (x < 0) & ~np.isclose(dx, num, rtol=1e-6, atol=1e-12)
        error, limit = f"{err:.1e}", f"{GRAD_TOL:.0e}"
        if neg_bad.any() != pos_bad.any():
            side = "x < 0" if neg_bad.any() else "x > 0"
            return Verdict.fail(
                "check.backward.side", what=what, side=side, error=error, tol=limit
            )
        return Verdict.fail("check.backward.finite_differences", what=what, error=error, tol=limit)
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
        "relu_backward",
        x,
        dout,
        get_output(outputs, "dx"),
        _relu,
        slope_at_zero=0.0,
        kink=Message("check.mistake.relu_kink", {"what": "relu_backward"}),
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
    forward = call_student(fwd, "dense_forward", x.copy(), W.copy(), b.copy(), x=x, W=W, b=b)
    out, cache = unpack(forward, 2, "dense_forward", "(out, cache)")
    backward = call_student(bwd, "dense_backward", dout.copy(), cache, dout=dout, x=x, W=W)
    dx, dW, db = unpack(backward, 3, "dense_backward", "(dx, dW, db)")
    return {"out": out, "dx": dx, "dW": dW, "db": db}


FINITE_DIFFERENCES = Message("check.against.finite_differences")


def _judge_dense_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    from actlab.grading.checks._references import dense_forward

    x, W, b, dout = _dense_case(case)
    out = get_output(outputs, "out")
    if W.shape[0] == W.shape[1] > 1 and matches(out, x @ W.T + b):
        return Verdict.fail("check.mistake.transposed_weight", what="dense_forward")
    verdict = compare_array(
        Message("check.what.part", {"fn": "dense_forward", "part": "out"}),
        out,
        dense_forward(x, W, b),
        tol=1e-10,
        shape_hint=Message("check.hint.batch_outputs"),
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
        what = Message("check.what.part", {"fn": "dense_backward", "part": key})
        if got.shape != num.shape:
            fields = {"what": what, "got": got.shape, "var": var, "shape": num.shape}
            if key == "db" and got.ndim == 2:
                return Verdict.fail("check.grad.shape_sum_batch", **fields)
            if key == "dW" and got.shape == num.shape[::-1]:
                return Verdict.fail("check.grad.shape_transposed", **fields)
            return Verdict.fail("check.grad.shape", **fields)
        if key == "dx" and W.shape[0] == W.shape[1] and matches(got, dout @ W):
            return Verdict.fail("check.mistake.dx_untransposed")
        verdict = compare_array(what, got, num, tol=GRAD_TOL, against=FINITE_DIFFERENCES)
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
