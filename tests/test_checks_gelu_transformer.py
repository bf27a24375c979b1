"""Checks of exercise 07_gelu_transformer: wrong GELUs, wrong error measurements and wrong
feed-forward blocks fail with the right symptom, the solution passes, and no message reveals an
expected value."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erf, erfc

from actlab.grading.checks import _references as ref
from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.gelu_transformer import (
    DEFAULT_GRID,
    _ffn_case,
    exact_gelu,
    sigmoid_gelu,
    tanh_gelu,
)


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def gelu(x):
    return 0.5 * x * erfc(-x / math.sqrt(2.0))


def gelu_erf(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def gelu_sigmoid(x):
    return x * sigmoid(1.702 * x)


def approximation_errors(x):
    exact = gelu(x)
    out = {}
    for name, f in (("tanh", gelu_tanh), ("sigmoid", gelu_sigmoid)):
        error = np.abs(f(x) - exact)
        i = int(np.argmax(error))
        out[name] = (float(error[i]), float(x[i]))
    return out


def ffn_forward(x, W1, b1, W2, b2):
    return gelu(x @ W1 + b1) @ W2 + b2


EXTREMES = {"x": [-1000.0, -40.0, -8.5, 0.0, 40.0, 1000.0]}


@pytest.mark.parametrize("case", [{}, EXTREMES, {"seed": 1, "n": 100, "scale": 3.0}])
def test_solutions_pass(case: dict) -> None:
    for name, fn in (("gelu", gelu), ("gelu_tanh", gelu_tanh), ("gelu_sigmoid", gelu_sigmoid)):
        verdict = run_and_judge(name, fn, **case)
        assert verdict.passed, verdict.message


def test_the_erf_form_is_accepted() -> None:
    assert run_and_judge("gelu", gelu_erf).passed
    assert run_and_judge("gelu", gelu_erf, **EXTREMES).passed


@pytest.mark.parametrize(
    "case", [{}, {"lo": 0.0, "hi": 5.0, "n": 5001}, {"lo": -3.0, "hi": 1.0, "n": 4001}]
)
def test_approximation_errors_solution_passes(case: dict) -> None:
    assert run_and_judge("gelu_approximation_errors", approximation_errors, **case).passed


@pytest.mark.parametrize("case", [{}, {"seed": 1, "shape": [1, 1, 4, 16]}])
def test_ffn_solution_passes(case: dict) -> None:
    assert run_and_judge("ffn_forward", ffn_forward, **case).passed


def _fails(name, impl, symptom, expected, **case) -> None:
    verdict = run_and_judge(name, impl, **case)
    assert not verdict.passed, f"{name}: a wrong answer passed"
    assert symptom in verdict.message, verdict.message
    assert verdict_leaks(verdict, np.ravel(expected)) == [], verdict.message


def test_wrong_gelus_are_named() -> None:
    grid = np.asarray(DEFAULT_GRID)
    # for x >= 5, GELU(x) rounds to x itself, which messages may name as an input
    grid = grid[np.abs(grid) < 5]
    _fails("gelu", gelu_tanh, "gelu is wrong at", exact_gelu(grid))
    _fails("gelu", lambda x: x * sigmoid(x), "gelu is wrong at", exact_gelu(grid))
    _fails(
        "gelu", lambda x: 0.5 * x * erfc(x / math.sqrt(2.0)), "gelu is wrong at", exact_gelu(grid)
    )
    _fails(
        "gelu_tanh",
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.0447 * x**3))),
        "gelu_tanh is wrong at",
        tanh_gelu(grid),
    )
    _fails(
        "gelu_sigmoid",
        lambda x: x / (1 + np.exp(-1.702 * x)),
        "overflow encountered in exp",
        sigmoid_gelu(np.asarray(EXTREMES["x"])),
        **EXTREMES,
    )


def test_wrong_approximation_errors_are_named() -> None:
    grid = np.linspace(-10, 10, 20001)
    expected = [
        np.abs(tanh_gelu(grid) - exact_gelu(grid)).max(),
        np.abs(sigmoid_gelu(grid) - exact_gelu(grid)).max(),
        2.7,
        2.27,
    ]

    def swapped(x):
        result = approximation_errors(x)
        return {"tanh": result["sigmoid"], "sigmoid": result["tanh"]}

    def index_not_x(x):
        result = approximation_errors(x)
        return {k: (e, float(np.argmin(np.abs(x - at)))) for k, (e, at) in result.items()}

    def signed(x):
        exact = gelu(x)
        out = {}
        for name, f in (("tanh", gelu_tanh), ("sigmoid", gelu_sigmoid)):
            error = f(x) - exact
            i = int(np.argmax(error))
            out[name] = (float(error[i]), float(x[i]))
        return out

    def relative(x):
        exact = gelu(x)
        out = {}
        for name, f in (("tanh", gelu_tanh), ("sigmoid", gelu_sigmoid)):
            error = np.abs(f(x) - exact) / np.maximum(np.abs(exact), 1e-3)
            i = int(np.argmax(error))
            out[name] = (float(error[i]), float(x[i]))
        return out

    name = "gelu_approximation_errors"
    _fails(name, swapped, "the 'tanh' and 'sigmoid' entries are swapped", expected)
    _fails(name, index_not_x, "return the input, not its index", expected)
    _fails(name, signed, "maximum error of the 'sigmoid' approximation is wrong", expected)
    _fails(name, relative, "is wrong (the error is |approximation - exact|", expected)
    _fails(name, lambda x: {"tanh": (1.0, 2.0)}, "no 'sigmoid' entry", expected)
    _fails(name, lambda x: [1.0, 2.0], "should return a dict", expected)


@pytest.mark.parametrize(
    ("wrong", "symptom"),
    [
        (lambda x, W1, b1, W2, b2: gelu_tanh(x @ W1 + b1) @ W2 + b2, "uses the tanh approximation"),
        (lambda x, W1, b1, W2, b2: gelu_sigmoid(x @ W1 + b1) @ W2 + b2, "uses x*sigmoid(1.702x)"),
        (lambda x, W1, b1, W2, b2: np.maximum(x @ W1 + b1, 0) @ W2 + b2, "applies ReLU, not GELU"),
        (lambda x, W1, b1, W2, b2: (x @ W1 + b1) @ W2 + b2, "leaves out the activation"),
        (lambda x, W1, b1, W2, b2: gelu(x @ W1) @ W2 + b2, "is off: relative error"),
        (
            lambda x, W1, b1, W2, b2: ffn_forward(x, W1, b1, W2, b2).reshape(-1, x.shape[-1]),
            "returned shape (10, 8) for x of shape (2, 5, 8)",
        ),
    ],
)
def test_wrong_ffn_blocks_are_named(wrong, symptom: str) -> None:
    x, W1, b1, W2, b2 = _ffn_case({})
    expected = ref.ffn_forward(x, W1, b1, W2, b2, exact_gelu)
    _fails("ffn_forward", wrong, symptom, expected)


def test_ffn_with_the_weights_on_the_left_is_named() -> None:
    def weights_first(x, W1, b1, W2, b2):
        return W2.T @ gelu(W1.T @ x + b1) + b2

    x, W1, b1, W2, b2 = _ffn_case({})
    _fails(
        "ffn_forward",
        weights_first,
        "ffn_forward multiplies matrices whose shapes do not chain (it was called with "
        "x (2, 5, 8), W1 (8, 32), b1 (32,), W2 (32, 8), b2 (8,))",
        ref.ffn_forward(x, W1, b1, W2, b2, exact_gelu),
    )
