"""Checks of exercise 03_relu_backprop: wrong backward passes fail with the right symptom, the
solution passes, and no message reveals an expected value."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.relu_backprop import _dense_case, backward_input


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def dense_forward(x, W, b):
    return x @ W + b, (x, W)


def dense_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


RELU_CASES = [{}, {"seed": 1, "shape": [7, 2]}, {"seed": 2, "shape": [1, 9]}, {"zeros": 4}]
DENSE_CASES = [{}, {"seed": 1, "shape": [1, 3, 2]}, {"seed": 2, "shape": [10, 6, 4]}]


@pytest.mark.parametrize("case", RELU_CASES)
def test_relu_solution_passes(case: dict) -> None:
    assert run_and_judge("relu_backward", relu_forward, relu_backward, **case).passed
    assert run_and_judge("relu_forward", relu_forward).passed


@pytest.mark.parametrize("case", DENSE_CASES)
def test_dense_solution_passes(case: dict) -> None:
    verdict = run_and_judge("dense_backward", dense_forward, dense_backward, **case)
    assert verdict.passed, verdict.message


def _relu_fails(backward, symptom: str, forward=relu_forward, **case) -> None:
    verdict = run_and_judge("relu_backward", forward, backward, **case)
    assert not verdict.passed
    assert symptom in verdict.message, verdict.message
    x, dout = backward_input(case)
    assert verdict_leaks(verdict, (dout * (x > 0)).ravel()) == [], verdict.message


def test_wrong_relu_backward_passes_are_named() -> None:
    _relu_fails(lambda dout, x: (x > 0).astype(float), "ignores dout")
    _relu_fails(lambda dout, x: dout, "passes the gradient through unchanged where x < 0")
    _relu_fails(
        lambda dout, x: 2 * dout * (x > 0), "does not match central finite differences for x > 0"
    )
    _relu_fails(lambda dout, x: dout * (x < 0), "passes the gradient through unchanged where x < 0")
    _relu_fails(lambda dout, x: 0.5 * dout, "does not match central finite differences")
    _relu_fails(lambda dout, x: (dout * (x > 0)).T, "returned dx of shape (5, 4)")
    _relu_fails(
        lambda dout, x: dout * (x >= 0),
        "relu_backward uses ReLU'(0) = 1: it passes the gradient where x = 0; the course's "
        "convention, as torch's, is ReLU'(0) = 0",
        zeros=4,
    )
    _relu_fails(
        lambda dout, x: dout * np.where(x == 0, 0.5, x > 0), "is wrong at x = 0", zeros=4
    )


def test_wrong_relu_forward_is_named() -> None:
    verdict = run_and_judge("relu_forward", lambda x: (np.abs(x), x))
    assert "relu_forward's out is wrong for x < 0, at 12 of 25 inputs" in verdict.message
    verdict = run_and_judge("relu_forward", lambda x: np.maximum(x, 0))
    assert "should return a tuple (out, cache), got a ndarray" in verdict.message


def _dense_fails(backward, symptom: str, forward=dense_forward, **case) -> None:
    verdict = run_and_judge("dense_backward", forward, backward, **case)
    assert not verdict.passed
    assert symptom in verdict.message, verdict.message
    x, W, b, dout = _dense_case(case)
    expected = np.concatenate(
        [(x @ W + b).ravel(), (dout @ W.T).ravel(), (x.T @ dout).ravel(), dout.sum(0)]
    )
    assert verdict_leaks(verdict, expected) == [], verdict.message


def test_wrong_dense_backward_passes_are_named() -> None:
    def averaged_db(dout, cache):
        dx, dW, _ = dense_backward(dout, cache)
        return dx, dW, dout.mean(axis=0)

    def transposed_dW(dout, cache):
        dx, dW, db = dense_backward(dout, cache)
        return dx, dW.T, db

    def db_not_summed(dout, cache):
        dx, dW, _ = dense_backward(dout, cache)
        return dx, dW, dout

    def dx_uses_W(dout, cache):
        x, W = cache
        return dout @ W.T @ W @ W.T, x.T @ dout, dout.sum(0)

    _dense_fails(averaged_db, "dense_backward's db looks off by a constant factor")
    _dense_fails(
        transposed_dW, "dW has shape (3, 5); it should have W's shape (5, 3) (it is transposed)"
    )
    _dense_fails(
        db_not_summed, "db has shape (4, 3); it should have b's shape (3,) (sum over the batch"
    )
    _dense_fails(dx_uses_W, "dx does not match central finite differences: relative error")
    _dense_fails(lambda dout, cache: dense_backward(dout, cache)[:2], "got a tuple of length 2")


def test_the_shape_mix_up_is_named() -> None:
    def dx_without_transpose(dout, cache):
        x, W = cache
        return dout @ W, x.T @ dout, dout.sum(0)

    def dW_swapped(dout, cache):
        x, W = cache
        return dout @ W.T, x @ dout, dout.sum(0)

    def forward_W_first(x, W, b):
        return W @ x + b, (x, W)

    mixup = "multiplies matrices whose shapes do not chain (it was called with "
    _dense_fails(dx_without_transpose, "dense_backward " + mixup + "dout (4, 3), x (4, 5), W (5, 3))")
    _dense_fails(dW_swapped, "dense_backward " + mixup)
    _dense_fails(dense_backward, "dense_forward " + mixup + "x (4, 5), W (5, 3), b (3,))",
                 forward=forward_W_first)  # fmt: skip
    # square shapes raise no error: the mix-up is recognised from the values
    _dense_fails(
        dx_without_transpose,
        "dense_backward's dx multiplies dout by W instead of W.T",
        seed=4,
        shape=[3, 4, 4],
    )

    def forward_transposed(x, W, b):
        return x @ W.T + b, (x, W)

    _dense_fails(
        dense_backward,
        "dense_forward multiplies by W transposed, or with the operands swapped",
        forward=forward_transposed,
        seed=4,
        shape=[3, 4, 4],
    )


def test_a_wrong_forward_is_reported_before_the_gradients() -> None:
    def no_bias(x, W, b):
        return x @ W, (x, W)

    _dense_fails(dense_backward, "dense_forward's out is off", forward=no_bias)
