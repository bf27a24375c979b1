"""Checks of exercise ``08_softmax_cross_entropy``: a stable softmax and log-softmax along the last
axis, cross-entropy from logits, and the softmax backward pass (its vector-Jacobian product).

The judges compare with the package's own softmax family (``actlab.activations.softmax``,
``log_softmax`` and ``softmax_grad``, float64), which the exercise lists as forbidden, so it is
poisoned while grading and imported here only by judges. Before the generic symptoms, each judge
looks for the classic wrong answers and names them:

* subtracting the maximum of the whole array instead of each row's own maximum (a row far below
  another row's largest logit underflows to 0/0);
* ``log(softmax(x))``: a probability that underflows to 0 becomes log(0) = -inf, where the true
  log-probability is finite;
* the Jacobian's diagonal, ``s(1 - s)``, used as the whole backward pass.

The default logits, one row each: ordinary values, a row near -1000 (so a global maximum of 1000
leaves it at 0/0), a row with ±1000 (a softmax without a shift overflows), a row with a logit 800
below the others (log of its probability underflows), a uniform row, and small mixed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import (
    Check,
    call_guarded,
    compare_array,
    get_output,
    matches,
    student_callable,
)
from actlab.grading.spec import Message, Verdict

__all__ = [
    "CROSS_ENTROPY",
    "DEFAULT_LOGITS",
    "LOG_SOFTMAX",
    "SOFTMAX",
    "SOFTMAX_BACKWARD",
    "logits_input",
]

DEFAULT_LOGITS: tuple[tuple[float, ...], ...] = (
    (1.0, 2.0, 3.0, 4.0),
    (-1000.0, -999.0, -1001.0, -1000.5),
    (1000.0, 0.0, -1000.0, 999.0),
    (0.0, -800.0, -40.0, 2.0),
    (5.0, 5.0, 5.0, 5.0),
    (0.5, -0.25, 3.0, -2.0),
)
DEFAULT_LABELS: tuple[int, ...] = (3, 0, 2, 1, 2, 0)
_DTYPES = {"float32": np.float32, "float64": np.float64}
CASE_KEYS = frozenset({"x", "seed", "shape", "scale", "spread", "dtype"})


def logits_input(case: Mapping[str, Any]) -> np.ndarray:
    """The logits a case describes, built identically in the probe and in the judge.

    Case keywords: ``x`` (explicit values, nested lists; default :data:`DEFAULT_LOGITS`), or
    ``seed`` with ``shape`` (default ``(4, 5)``) and ``scale`` (draws of ``scale * N(0, 1)``),
    plus ``spread``: a random offset in ``[-spread, spread]`` added to each row, so that rows sit
    far apart; ``dtype`` (``"float64"`` or ``"float32"``; default ``"float64"``).
    """
    name = case.get("dtype", "float64")
    if name not in _DTYPES:
        raise ValueError(f"softmax checks: dtype must be one of {sorted(_DTYPES)}, got {name!r}")
    if "seed" in case:
        rng = np.random.default_rng(int(case["seed"]))
        shape = tuple(int(v) for v in case.get("shape", (4, 5)))
        values = float(case.get("scale", 1.0)) * rng.standard_normal(shape)
        spread = float(case.get("spread", 0.0))
        if spread and values.ndim:
            values = values + rng.uniform(-spread, spread, size=(*shape[:-1], 1))
    else:
        values = np.asarray(case.get("x", DEFAULT_LOGITS), dtype=np.float64)
    if values.ndim == 0:
        raise ValueError("softmax checks: the logits need at least one axis")
    return values.astype(_DTYPES[name])


def _labels(case: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    if "labels" in case:
        labels = np.asarray(case["labels"], dtype=np.int64)
    elif "seed" in case:
        rng = np.random.default_rng(int(case["seed"]) + 1)
        labels = rng.integers(0, x.shape[-1], size=x.shape[0])
    else:
        labels = np.asarray(DEFAULT_LABELS, dtype=np.int64)
    if x.ndim != 2 or labels.shape != (x.shape[0],):
        raise ValueError(
            f"cross_entropy check: logits of shape (N, C) and N labels, got {x.shape} and "
            f"{labels.shape}"
        )
    return labels


def _dout(case: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(int(case.get("seed", 0)) + 2)
    return rng.standard_normal(x.shape)


# --- references (judges only) ------------------------------------------------------------------


def _softmax(x: np.ndarray) -> np.ndarray:
    from actlab.activations import softmax

    return np.asarray(softmax(np.asarray(x, dtype=np.float64), axis=-1), dtype=np.float64)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    from actlab.activations import log_softmax

    return np.asarray(log_softmax(np.asarray(x, dtype=np.float64), axis=-1), dtype=np.float64)


def _softmax_vjp(x: np.ndarray, dout: np.ndarray) -> np.ndarray:
    from actlab.activations import softmax_grad

    return np.asarray(softmax_grad(np.asarray(x, np.float64), dout, axis=-1), dtype=np.float64)


# --- the classic wrong answers, computed in float64 with floating-point errors ignored ------------


def _global_max_softmax(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        e = np.exp(x - np.max(x))
        return e / e.sum(axis=-1, keepdims=True)


def _global_max_log_softmax(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        z = x - np.max(x)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _first_axis_softmax(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        z = x - x.max(axis=0, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=0, keepdims=True)


# --- judging a row-wise result ------------------------------------------------------------------


def _row_of(mask: np.ndarray) -> int:
    """The first row (index over all leading axes) where ``mask`` holds."""
    rows = mask.reshape(-1, mask.shape[-1]).any(axis=1)
    return int(np.flatnonzero(rows)[0])


def _compare_rows(
    what: str, x: np.ndarray, got: np.ndarray, ref: np.ndarray, *, log: bool = False
) -> Verdict:
    """Judge a row-wise result ``got`` (softmax or log-softmax of ``x`` along its last axis).

    The tolerance is 64 units of ``x``'s dtype's epsilon, relative, plus 64 times its smallest
    normal number (softmax) or 64 epsilons (log-softmax, whose value near 0 carries an error
    relative to 1), absolute. Reported in this order: shape, dtype, NaN or inf, rows that do not
    sum to 1, entries wrong only where the true probability is tiny, entries wrong.
    """
    got = np.asarray(got)
    if got.shape != x.shape:
        return Verdict.fail("check.shape", what=what, got=got.shape, shape=x.shape)
    if got.dtype.kind != "f":
        return Verdict.fail("check.not_float", what=what, dtype=str(got.dtype))
    if got.dtype != x.dtype:
        return Verdict.fail("check.dtype_changed", what=what, got=str(got.dtype), dtype=str(x.dtype))
    info = np.finfo(x.dtype)
    rtol = 64 * float(info.eps)
    atol = 64 * float(info.eps if log else info.tiny)
    g = got.astype(np.float64)
    nonfinite = ~np.isfinite(g) & np.isfinite(ref)
    if nonfinite.any():
        rows = int(nonfinite.reshape(-1, x.shape[-1]).any(axis=1).sum())
        return Verdict.fail("check.rows.nonfinite", what=what, rows=rows, row=_row_of(nonfinite))
    with np.errstate(all="ignore"):
        bad = np.abs(g - ref) > atol + rtol * np.abs(ref)
    if not bad.any():
        return Verdict.ok()
    total = np.exp(g).sum(axis=-1) if log else g.sum(axis=-1)
    off_one = np.abs(total - 1) > 1e-3
    if off_one.any():
        return Verdict.fail("check.rows.sum", what=what, row=_row_of(off_one[..., None]))
    count, n = int(bad.sum()), bad.size
    tiny = _softmax(x) < 1e-3 if not log else ref < np.log(1e-3)
    if np.all(tiny[bad]):
        return Verdict.fail("check.rows.tails", what=what, count=count, n=n, row=_row_of(bad))
    return Verdict.fail("check.rows.wrong", what=what, count=count, n=n, row=_row_of(bad))


def _probe_rowwise(name: str, objects: tuple[Any, ...], case: Mapping[str, Any]) -> dict[str, Any]:
    fn = student_callable(objects[0], name)
    x = logits_input(case)
    arg = x.copy()
    y, problem = call_guarded(fn, arg)
    return {"y": y, "fp_problem": problem, "mutated": not np.array_equal(arg, x)}


def _fp_or_mutated(name: str, outputs: Mapping[str, np.ndarray]) -> Verdict | None:
    problem = str(get_output(outputs, "fp_problem"))
    if problem:
        return Verdict.fail("check.fp_problem", name=name, problem=problem)
    if bool(get_output(outputs, "mutated")):
        return Verdict.fail("check.mutated", name=name)
    return None


# --- softmax -------------------------------------------------------------------------------------


def _probe_softmax(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    return _probe_rowwise("softmax", objects, case)


def _close(x: np.ndarray) -> float:
    """How close an answer must be to a known wrong answer, computed in ``x``'s own dtype, to be
    taken for it."""
    return max(1e-9, 64 * float(np.finfo(x.dtype).eps))


def _judge_softmax(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    # the wrong answers are computed in the input's dtype: a float32 row underflows sooner
    x = logits_input(case)
    ref = _softmax(x)
    y = get_output(outputs, "y")
    if x.ndim >= 2 and x.shape[0] > 1:
        for wrong, key in (
            (_global_max_softmax(x), "check.mistake.global_max"),
            (_first_axis_softmax(x), "check.softmax.axis"),
        ):
            if matches(y, wrong, rtol=_close(x)) and not matches(ref, wrong, rtol=1e-6):
                return Verdict.fail(key, what="softmax")
    failed = _fp_or_mutated("softmax", outputs)
    return failed or _compare_rows("softmax", x, y, ref)


SOFTMAX = Check("softmax", _probe_softmax, _judge_softmax, ("softmax",), CASE_KEYS)


# --- log_softmax ---------------------------------------------------------------------------------


def _probe_log_softmax(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    return _probe_rowwise("log_softmax", objects, case)


def _judge_log_softmax(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = logits_input(case)
    ref = _log_softmax(x)
    y = np.asarray(get_output(outputs, "y"))
    wrong = _global_max_log_softmax(x)
    if (
        x.ndim >= 2
        and x.shape[0] > 1
        and matches(y, wrong, rtol=_close(x))
        and not matches(ref, wrong, rtol=1e-6)
    ):
        return Verdict.fail("check.mistake.global_max", what="log_softmax")
    if y.shape == x.shape and y.dtype.kind == "f":
        log_of_zero = np.isneginf(y) & np.isfinite(ref)
        if log_of_zero.any():
            return Verdict.fail(
                "check.mistake.log_of_softmax", what="log_softmax", row=_row_of(log_of_zero)
            )
    failed = _fp_or_mutated("log_softmax", outputs)
    return failed or _compare_rows("log_softmax", x, y, ref, log=True)


LOG_SOFTMAX = Check(
    "log_softmax", _probe_log_softmax, _judge_log_softmax, ("log_softmax",), CASE_KEYS
)


# --- cross-entropy -------------------------------------------------------------------------------


def _probe_cross_entropy(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "cross_entropy")
    x = logits_input(case)
    labels = _labels(case, x)
    args = (x.copy(), labels.copy())
    loss, problem = call_guarded(fn, *args)
    mutated = not (np.array_equal(args[0], x) and np.array_equal(args[1], labels))
    return {"loss": loss, "fp_problem": problem, "mutated": mutated}


def _judge_cross_entropy(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = logits_input(case)
    labels = _labels(case, x)
    log_p = _log_softmax(x)
    per_row = -log_p[np.arange(len(labels)), labels]
    ref = float(per_row.mean())
    loss = np.asarray(get_output(outputs, "loss"))
    if loss.size != 1:
        return Verdict.fail("check.ce.not_scalar", shape=loss.shape)
    if loss.dtype.kind != "f":
        return Verdict.fail("check.ce.not_float", dtype=str(loss.dtype))
    value = float(loss.reshape(()))
    if np.isinf(value) and np.isfinite(ref):
        return Verdict.fail("check.mistake.log_of_probabilities")
    failed = _fp_or_mutated("cross_entropy", outputs)
    if failed:
        return failed
    if not np.isfinite(value):
        return Verdict.fail("check.ce.nonfinite")
    eps = float(np.finfo(x.dtype).eps)
    tol = 256 * eps * (1 + float(np.max(np.abs(x.astype(np.float64)))))
    if abs(value - ref) <= tol:
        return Verdict.ok()
    alternatives = (
        (float(per_row.sum()), "check.ce.sum"),
        (-ref, "check.ce.sign"),
        (float(-log_p.mean()), "check.ce.all_classes"),
    )
    for wrong, key in alternatives:
        if abs(value - wrong) <= tol and abs(wrong - ref) > tol:
            return Verdict.fail(key)
    return Verdict.fail("check.ce.wrong")


CROSS_ENTROPY = Check(
    "cross_entropy",
    _probe_cross_entropy,
    _judge_cross_entropy,
    ("cross_entropy",),
    CASE_KEYS | {"labels"},
)


# --- the backward pass ---------------------------------------------------------------------------


def _probe_backward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "softmax_backward")
    x = logits_input(case)
    dout = _dout(case, x)
    args = (x.copy(), dout.copy())
    dx, problem = call_guarded(fn, *args)
    mutated = not (np.array_equal(args[0], x) and np.array_equal(args[1], dout))
    return {"dx": dx, "fp_problem": problem, "mutated": mutated}


def _judge_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = logits_input(case)
    x64 = x.astype(np.float64)
    dout = _dout(case, x)
    ref = _softmax_vjp(x64, dout)
    s = _softmax(x64)
    dx = np.asarray(get_output(outputs, "dx"))
    wrong_answers: list[tuple[np.ndarray, str]] = [
        (dout * s * (1 - s), "check.mistake.jacobian_diagonal"),
        (s * (1 - s), "check.softmax_backward.ignores_dout"),
    ]
    if x.ndim >= 2 and x.shape[0] > 1:
        wrong_answers.append(
            (s * (dout - (dout * s).sum(axis=0, keepdims=True)), "check.softmax_backward.axis")
        )
        if x.ndim == 2 and x.shape[0] == x.shape[1]:
            wrong_answers.append(
                (s * (dout - (dout * s).sum(axis=-1)), "check.softmax_backward.keepdims")
            )
    for wrong, key in wrong_answers:
        if matches(dx, wrong, rtol=_close(x)) and not matches(ref, wrong, rtol=1e-6):
            return Verdict.fail(key)
    failed = _fp_or_mutated("softmax_backward", outputs)
    if failed:
        return failed
    what = Message("check.what.part", {"fn": "softmax_backward", "part": "dx"})
    if dx.shape != x.shape:
        return Verdict.fail("check.backward.shape", what=what, got=dx.shape, shape=x.shape)
    if dx.dtype.kind != "f":
        return Verdict.fail("check.backward.not_float", what=what, dtype=str(dx.dtype))
    return compare_array(what, dx, ref, tol=1e-7, against=Message("check.against.vjp"))


SOFTMAX_BACKWARD = Check(
    "softmax_backward", _probe_backward, _judge_backward, ("softmax_backward",), CASE_KEYS
)
