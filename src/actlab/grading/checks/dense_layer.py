"""Checks of exercise ``01_dense_layer``: a dense layer's forward pass, and two (or more) affine
layers composed into one.

The probes draw seeded standard-normal inputs of non-square shapes (so that a transposed matrix
shows up as a wrong shape) and return what the student's functions computed; the judges compare
with ``x @ W + b`` and with the composed map in float64.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import (
    Check,
    call_student,
    compare_array,
    get_output,
    matches,
    student_callable,
    unpack,
)
from actlab.grading.spec import Message, Verdict

__all__ = ["COMPOSE_AFFINE", "COMPOSE_MANY", "DENSE_FORWARD"]

_DTYPES = {"float32": np.float32, "float64": np.float64}


def _dtype(case: Mapping[str, Any]) -> type[np.floating]:
    name = case.get("dtype", "float64")
    if name not in _DTYPES:
        raise ValueError(
            f"dense_layer checks: dtype must be one of {sorted(_DTYPES)}, got {name!r}"
        )
    return _DTYPES[name]


def _tol(dtype: type[np.floating]) -> float:
    return 1e-10 if dtype is np.float64 else 1e-4


def _dense_inputs(case: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(int(case.get("seed", 0)))
    n, d, m = (int(v) for v in case.get("shape", (4, 3, 2)))
    dtype = _dtype(case)
    x = rng.standard_normal((n, d)).astype(dtype)
    W = rng.standard_normal((d, m)).astype(dtype)
    b = rng.standard_normal(m).astype(dtype)
    return x, W, b


def _probe_dense(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "dense_forward")
    x, W, b = _dense_inputs(case)
    return {"out": call_student(fn, "dense_forward", x.copy(), W.copy(), b.copy(), x=x, W=W, b=b)}


def _judge_dense(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x, W, b = _dense_inputs(case)
    got = get_output(outputs, "out")
    n, m = x.shape[0], W.shape[1]
    if got.shape != (n, m):
        return Verdict.fail("check.dense.shape", got=got.shape, x=x.shape, W=W.shape)
    from actlab.grading.checks._references import dense_forward

    x64, W64, b64 = (a.astype(np.float64) for a in (x, W, b))
    ref = dense_forward(x, W, b)
    tol = _tol(x.dtype.type)
    if got.dtype.kind == "f" and np.all(np.isfinite(got)):
        if np.allclose(got, x64 @ W64, rtol=tol, atol=tol):
            return Verdict.fail("check.dense.no_bias")
        if np.allclose(got, x64 @ W64 - b64, rtol=tol, atol=tol):
            return Verdict.fail("check.dense.minus_bias")
        if W.shape[0] == W.shape[1] > 1 and matches(got, x64 @ W64.T + b64, rtol=tol):
            return Verdict.fail("check.mistake.transposed_weight", what="dense_forward")
    return compare_array("dense_forward(x, W, b)", got, ref, tol=tol, dtype=x.dtype)


DENSE_FORWARD = Check(
    "dense_forward",
    _probe_dense,
    _judge_dense,
    ("dense_forward",),
    frozenset({"seed", "shape", "dtype"}),
)


def _layers(
    case: Mapping[str, Any], default_sizes: tuple[int, ...]
) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(int(case.get("seed", 0)))
    sizes = [int(v) for v in case.get("sizes", default_sizes)]
    if len(sizes) < 2:
        raise ValueError(f"dense_layer checks: sizes needs at least two entries, got {sizes}")
    dtype = _dtype(case)
    return [
        (
            (rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype),
            rng.standard_normal(b).astype(dtype),
        )
        for a, b in itertools.pairwise(sizes)
    ]


def _compose_ref(layers: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    from actlab.grading.checks._references import compose_affine

    return compose_affine(layers)


def _judge_composed(what: str, outputs: Mapping[str, np.ndarray], layers: list) -> Verdict:
    W_ref, b_ref = _compose_ref(layers)
    W, b = get_output(outputs, "W"), get_output(outputs, "b")
    dtype = layers[0][0].dtype
    tol = _tol(dtype.type)
    d, m = W_ref.shape
    returned_W = Message("check.what.returned", {"fn": what, "part": "W"})
    returned_b = Message("check.what.returned", {"fn": what, "part": "b"})
    verdict = compare_array(
        returned_W,
        W,
        W_ref,
        tol=tol,
        shape_hint=Message("check.hint.inputs_outputs", {"shape": (d, m)}),
    )
    if not verdict.passed:
        if W.shape == (m, d) and d != m:
            return Verdict.fail("check.compose.transposed", what=returned_W)
        return verdict
    verdict = compare_array(
        returned_b, b, b_ref, tol=tol, shape_hint=Message("check.hint.shape", {"shape": (m,)})
    )
    if not verdict.passed and b.shape == b_ref.shape and np.all(np.isfinite(b)):
        b_last = layers[-1][1].astype(np.float64)
        b_sum = (
            sum(layer[1].astype(np.float64) for layer in layers[1:]) if len(layers) > 1 else b_last
        )
        if np.allclose(b, b_last, rtol=tol, atol=tol) or np.allclose(b, b_sum, rtol=tol, atol=tol):
            return Verdict.fail("check.compose.earlier_biases", what=returned_b)
    return verdict


def _probe_compose(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "compose_affine")
    (W1, b1), (W2, b2) = _layers(case, (5, 4, 3))
    result = call_student(
        fn, "compose_affine", W1.copy(), b1.copy(), W2.copy(), b2.copy(), W1=W1, b1=b1, W2=W2, b2=b2
    )
    W, b = unpack(result, 2, "compose_affine", "(W, b)")
    return {"W": W, "b": b}


def _judge_compose(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    return _judge_composed("compose_affine", outputs, _layers(case, (5, 4, 3)))


COMPOSE_AFFINE = Check(
    "compose_affine",
    _probe_compose,
    _judge_compose,
    ("compose_affine",),
    frozenset({"seed", "sizes", "dtype"}),
)


def _probe_many(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "compose_many")
    layers = _layers(case, (6, 5, 4, 3, 2))
    shapes = {f"W{i + 1}": W for i, (W, _b) in enumerate(layers)}
    result = call_student(fn, "compose_many", [(W.copy(), b.copy()) for W, b in layers], **shapes)
    W, b = unpack(result, 2, "compose_many", "(W, b)")
    return {"W": W, "b": b}


def _judge_many(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    layers = _layers(case, (6, 5, 4, 3, 2))
    return _judge_composed("compose_many", outputs, layers)


COMPOSE_MANY = Check(
    "compose_many",
    _probe_many,
    _judge_many,
    ("compose_many",),
    frozenset({"seed", "sizes", "dtype"}),
)
