"""Checks of exercise ``07_gelu_transformer``: exact GELU, its two approximations, their maximum
errors on [-10, 10], and a transformer feed-forward block.

References come from the package: ``actlab.activations.gelu`` (``approximate="none"`` and
``"tanh"``) and ``actlab.activations.sigmoid`` for x*sigmoid(1.702x). The exact GELU is accepted from the
erf form as well as the (more accurate) erfc form: the tolerance is relative 1e-12 plus absolute
1e-13, which the erf form's cancellation in the left tail stays within on float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import (
    Check,
    call_student,
    compare_array,
    elementwise_check,
    get_output,
    student_callable,
)
from actlab.grading.spec import ProbeError, Verdict

__all__ = [
    "APPROXIMATION_ERRORS",
    "FFN_FORWARD",
    "GELU",
    "GELU_SIGMOID",
    "GELU_TANH",
    "exact_gelu",
    "sigmoid_gelu",
    "tanh_gelu",
]

DEFAULT_GRID = tuple(np.linspace(-10.0, 10.0, 161).tolist())
_RTOL, _ATOL = 1e-12, 1e-13


def exact_gelu(x: np.ndarray) -> np.ndarray:
    """The package's exact GELU (the judges' reference)."""
    from actlab.activations import gelu

    return np.asarray(gelu(x), dtype=np.float64)


def tanh_gelu(x: np.ndarray) -> np.ndarray:
    """The package's tanh approximation of GELU (the judges' reference)."""
    from actlab.activations import gelu

    return np.asarray(gelu(x, approximate="tanh"), dtype=np.float64)


def sigmoid_gelu(x: np.ndarray) -> np.ndarray:
    """x*sigmoid(1.702x) from the package's sigmoid (the judges' reference)."""
    from actlab.activations import sigmoid

    x = np.asarray(x, dtype=np.float64)
    return x * np.asarray(sigmoid(1.702 * x), dtype=np.float64)


GELU = elementwise_check("gelu", exact_gelu, DEFAULT_GRID, rtol=_RTOL, atol=_ATOL)
GELU_TANH = elementwise_check("gelu_tanh", tanh_gelu, DEFAULT_GRID, rtol=_RTOL, atol=_ATOL)
GELU_SIGMOID = elementwise_check("gelu_sigmoid", sigmoid_gelu, DEFAULT_GRID, rtol=_RTOL, atol=_ATOL)

# --- the approximation errors -------------------------------------------------------------------

_ERR_CASE_KEYS = frozenset({"lo", "hi", "n"})


def _err_grid(case: Mapping[str, Any]) -> np.ndarray:
    return np.linspace(
        float(case.get("lo", -10.0)), float(case.get("hi", 10.0)), int(case.get("n", 20001))
    )


def _pair(value: Any, key: str) -> tuple[float, float]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ProbeError("check.gelu.pair", key=key)
    out = []
    for item in value:
        item = np.asarray(item.item() if hasattr(item, "item") else item)
        if item.size != 1 or item.dtype.kind not in "iuf":
            raise ProbeError("check.gelu.pair_numbers", key=key)
        out.append(float(item.reshape(())))
    return out[0], out[1]


def _probe_errors(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "approximation_errors")
    x = _err_grid(case)
    result = fn(x.copy())
    if not isinstance(result, Mapping):
        raise ProbeError(
            "check.probe.not_dict", what="approximation_errors", type=type(result).__name__
        )
    out: dict[str, Any] = {}
    for key in ("tanh", "sigmoid"):
        if key not in result:
            raise ProbeError("check.gelu.missing_entry", key=key)
        out[f"{key}_error"], out[f"{key}_at"] = _pair(result[key], key)
    return out


def _judge_errors(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = _err_grid(case)
    exact = exact_gelu(x)
    step = float(x[1] - x[0]) if x.size > 1 else 0.0
    refs = {}
    for key, approx in (("tanh", tanh_gelu), ("sigmoid", sigmoid_gelu)):
        err = np.abs(approx(x) - exact)
        i = int(np.argmax(err))
        refs[key] = (float(err[i]), float(x[i]))
    for key, other in (("tanh", "sigmoid"), ("sigmoid", "tanh")):
        err = float(get_output(outputs, f"{key}_error"))
        at = float(get_output(outputs, f"{key}_at"))
        ref_err, ref_at = refs[key]
        if not np.isfinite(err) or not np.isfinite(at):
            return Verdict.fail("check.gelu.entry_nonfinite", key=key)
        if not np.isclose(err, ref_err, rtol=1e-6, atol=0):
            if np.isclose(err, refs[other][0], rtol=1e-6, atol=0):
                return Verdict.fail("check.gelu.swapped")
            if err <= 0:
                return Verdict.fail("check.gelu.not_positive", key=key)
            return Verdict.fail("check.gelu.max_error", key=key)
        # the error is even in x, so the maximum sits at ±x*; either sign is right
        if abs(abs(at) - abs(ref_at)) > step * 1.01:
            return Verdict.fail("check.gelu.where", key=key)
    return Verdict.ok()


APPROXIMATION_ERRORS = Check(
    "gelu_approximation_errors",
    _probe_errors,
    _judge_errors,
    ("approximation_errors",),
    _ERR_CASE_KEYS,
)

# --- the feed-forward block ---------------------------------------------------------------------

_FFN_CASE_KEYS = frozenset({"seed", "shape"})


def _ffn_case(case: Mapping[str, Any]) -> tuple[np.ndarray, ...]:
    """``x`` of shape ``(batch, seq, d_model)`` and the block's weights (d_ff wide), seeded."""
    rng = np.random.default_rng(int(case.get("seed", 0)))
    batch, seq, d_model, d_ff = (int(v) for v in case.get("shape", (2, 5, 8, 32)))
    x = rng.standard_normal((batch, seq, d_model))
    W1 = rng.standard_normal((d_model, d_ff)) / np.sqrt(d_model)
    b1 = 0.1 * rng.standard_normal(d_ff)
    W2 = rng.standard_normal((d_ff, d_model)) / np.sqrt(d_ff)
    b2 = 0.1 * rng.standard_normal(d_model)
    return x, W1, b1, W2, b2


def _probe_ffn(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "ffn_forward")
    args = _ffn_case(case)
    names = dict(zip(("x", "W1", "b1", "W2", "b2"), args, strict=True))
    return {"out": call_student(fn, "ffn_forward", *(a.copy() for a in args), **names)}


def _judge_ffn(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    from actlab.grading.checks._references import ffn_forward

    x, W1, b1, W2, b2 = _ffn_case(case)
    got = get_output(outputs, "out")
    ref = ffn_forward(x, W1, b1, W2, b2, exact_gelu)
    if got.shape != ref.shape:
        return Verdict.fail("check.ffn.shape", got=got.shape, x=x.shape)
    verdict = compare_array("ffn_forward(x, ...)", got, ref, tol=1e-10, dtype=x.dtype)
    if verdict.passed or got.dtype.kind != "f" or not np.all(np.isfinite(got)):
        return verdict
    alternatives = (
        (tanh_gelu, "check.ffn.tanh"),
        (sigmoid_gelu, "check.ffn.sigmoid"),
        (lambda h: np.maximum(h, 0), "check.ffn.relu"),
        (lambda h: h, "check.ffn.no_activation"),
    )
    for act, key in alternatives:
        if np.allclose(got, ffn_forward(x, W1, b1, W2, b2, act), rtol=1e-9, atol=1e-12):
            return Verdict.fail(key)
    return verdict


FFN_FORWARD = Check("ffn_forward", _probe_ffn, _judge_ffn, ("ffn_forward",), _FFN_CASE_KEYS)
