"""Checks of exercise 01_dense_layer: known-wrong answers fail with the right symptom, the solution
passes, and no message reveals an expected value."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.grading.checks import _references as ref
from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.dense_layer import _dense_inputs, _layers


def dense_forward(x, W, b):
    return x @ W + b


def compose_affine(W1, b1, W2, b2):
    return W1 @ W2, b1 @ W2 + b2


def compose_many(layers):
    W, b = layers[0]
    for W2, b2 in layers[1:]:
        W, b = compose_affine(W, b, W2, b2)
    return W, b


CASES = [{}, {"seed": 1, "shape": [1, 7, 5]}, {"seed": 2, "shape": [16, 2, 9], "dtype": "float32"}]


@pytest.mark.parametrize("case", CASES)
def test_solution_passes(case: dict) -> None:
    assert run_and_judge("dense_forward", dense_forward, **case).passed
    sizes = {"seed": case.get("seed", 0), "dtype": case.get("dtype", "float64")}
    assert run_and_judge("compose_affine", compose_affine, **sizes).passed
    assert run_and_judge("compose_affine", compose_affine, sizes=[2, 8, 6], **sizes).passed
    assert run_and_judge("compose_many", compose_many, **sizes).passed
    assert run_and_judge("compose_many", compose_many, sizes=[3, 4], **sizes).passed


WRONG_DENSE = [
    (lambda x, W, b: x @ W, "leaves out the bias"),
    (lambda x, W, b: x @ W - b, "subtracts the bias"),
    (lambda x, W, b: W.T @ x.T + b[:, None], "returned shape (2, 4)"),
    (lambda x, W, b: (x @ W + b).astype(np.float64), "has dtype float64 for float32 inputs"),
    (lambda x, W, b: 2 * (x @ W + b), "off by a constant factor"),
    (lambda x, W, b: x @ W + b.sum(), "is off: relative error"),
    (lambda x, W, b: (x @ W + b).tolist()[0], "returned shape (2,)"),
    # the (n x d)(d x h) mix-ups: operands swapped, or W transposed as if stored (h, d)
    (
        lambda x, W, b: W @ x + b,
        (
            "dense_forward multiplies matrices whose shapes do not chain (it was called with "
            "x (4, 3), W (3, 2), b (2,)): an (n, d) batch times a (d, h) weight matrix is x @ W"
        ),
    ),
    (lambda x, W, b: x @ W.T + b, "dense_forward multiplies matrices whose shapes do not chain"),
]


@pytest.mark.parametrize(("wrong", "symptom"), WRONG_DENSE)
def test_wrong_dense_forward_fails_with_its_symptom(wrong, symptom) -> None:
    case = {"dtype": "float32"} if "float32" in symptom else {}
    verdict = run_and_judge("dense_forward", wrong, **case)
    assert not verdict.passed
    assert symptom in verdict.message
    x, W, b = _dense_inputs(case)
    assert verdict_leaks(verdict, ref.dense_forward(x, W, b).ravel()) == []


WRONG_COMPOSE = [
    (lambda W1, b1, W2, b2: (W1 @ W2, b2), "ignores the earlier biases"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2), "is off: relative error"),
    (lambda W1, b1, W2, b2: (W2.T @ W1.T, b1 @ W2 + b2), "is transposed"),
    (lambda W1, b1, W2, b2: W1 @ W2, "should return a tuple (W, b), got a ndarray"),
    (lambda W1, b1, W2, b2: (W1 @ W2, b1 @ W2 + b2, None), "got a tuple of length 3"),
]


@pytest.mark.parametrize(("wrong", "symptom"), WRONG_COMPOSE)
def test_wrong_compose_affine_fails_with_its_symptom(wrong, symptom) -> None:
    verdict = run_and_judge("compose_affine", wrong)
    assert not verdict.passed
    assert symptom in verdict.message
    W, b = ref.compose_affine(_layers({}, (5, 4, 3)))
    assert verdict_leaks(verdict, np.concatenate([W.ravel(), b])) == []


def test_compose_many_that_only_handles_two_layers_fails() -> None:
    def first_two(layers):
        return compose_affine(*layers[0], *layers[1])

    verdict = run_and_judge("compose_many", first_two)
    assert not verdict.passed
    assert "has shape (6, 4); it should have shape (inputs, outputs) = (6, 2)" in verdict.message


def test_a_transposed_weight_is_named_when_the_shapes_are_square() -> None:
    verdict = run_and_judge("dense_forward", lambda x, W, b: x @ W.T + b, seed=3, shape=[5, 5, 5])
    assert not verdict.passed
    assert "dense_forward multiplies by W transposed, or with the operands swapped" in (
        verdict.message
    )
    assert "乘的是W的转置" in verdict.text("zh")
    x, W, b = _dense_inputs({"seed": 3, "shape": [5, 5, 5]})
    assert verdict_leaks(verdict, ref.dense_forward(x, W, b).ravel()) == []


def test_compose_affine_with_the_operands_swapped_is_named() -> None:
    verdict = run_and_judge("compose_affine", lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2))
    assert "compose_affine multiplies matrices whose shapes do not chain" in verdict.message
    assert "W1 (5, 4), b1 (4,), W2 (4, 3), b2 (3,)" in verdict.message
