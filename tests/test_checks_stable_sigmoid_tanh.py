"""Checks of exercise 02_stable_sigmoid_tanh: the textbook formulas and other known-wrong answers fail
with the right symptom, stable solutions pass, and no message reveals an expected value."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.activations import sigmoid as ref_sigmoid
from actlab.activations import sigmoid_grad as ref_sigmoid_grad
from actlab.activations import tanh as ref_tanh
from actlab.activations import tanh_grad as ref_tanh_grad
from actlab.grading.checks._common import elementwise_input, message_leaks, run_and_judge
from actlab.grading.checks.stable_sigmoid_tanh import DEFAULT_GRID


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    return sigmoid(x) * sigmoid(-x)


def tanh(x):
    t = np.expm1(-2 * np.abs(x))
    return np.sign(x) * (-t / (2 + t))


def tanh_grad(x):
    e = np.exp(-2 * np.abs(x))
    return 4 * e / (1 + e) ** 2


SOLUTIONS = {"sigmoid": sigmoid, "sigmoid_grad": sigmoid_grad, "tanh": tanh, "tanh_grad": tanh_grad}
REFERENCES = {
    "sigmoid": ref_sigmoid,
    "sigmoid_grad": ref_sigmoid_grad,
    "tanh": ref_tanh,
    "tanh_grad": ref_tanh_grad,
}
HIDDEN = [
    {},
    {"dtype": "float32", "seed": 1, "n": 64, "scale": 50.0, "shape": [4, 16]},
    {"x": [-745.5, -709.8, -88.8, -1e-300, 1e-300, 88.8, 709.8, 745.5]},
    {"x": [-100.0, -88.8, -40.0, -0.5, 0.0, 40.0, 88.8, 100.0], "dtype": "float32"},
    {"x": [0.0, -1.0, 1.0], "special": True},
    {"x": [1e-10, -1e-20, 1e-5, -3e-3, 0.02], "dtype": "float32"},
    {"x": [1e-300, -1e-12, 2e-8, -1e-4, 0.01]},
]


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
@pytest.mark.parametrize("case", HIDDEN)
def test_stable_solutions_pass_every_case(name: str, case: dict) -> None:
    verdict = run_and_judge(name, SOLUTIONS[name], **case)
    assert verdict.passed, verdict.message


def _expected(name: str, case: dict) -> np.ndarray:
    x = elementwise_input(case, DEFAULT_GRID)
    with np.errstate(all="ignore"):
        return np.asarray(REFERENCES[name](x.astype(np.float64)))


def _fails_with(name: str, impl, symptom: str, leak_check: bool = True, **case) -> None:
    verdict = run_and_judge(name, impl, **case)
    assert not verdict.passed, f"{name}: a wrong implementation passed"
    assert symptom in verdict.message, verdict.message
    if leak_check:
        assert message_leaks(verdict.message, _expected(name, case)) == [], verdict.message


def test_textbook_sigmoid_overflows() -> None:
    _fails_with("sigmoid", lambda x: 1 / (1 + np.exp(-x)), "overflow encountered in exp")


def test_np_where_over_an_overflowing_branch_is_caught() -> None:
    def where_sigmoid(x):
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

    _fails_with("sigmoid", where_sigmoid, "overflow encountered in exp")


def test_nan_at_large_x_is_named_even_when_warnings_are_silenced() -> None:
    def silenced(x):
        with np.errstate(all="ignore"):
            return np.exp(x) / (1 + np.exp(x))

    _fails_with("sigmoid", silenced, "returns NaN or inf at 2 of 89 inputs where the true value is")
    _fails_with("sigmoid", silenced, "at large |x| (for example x = 745)")


def test_wrong_dtype_shape_and_in_place_are_named() -> None:
    case = {"dtype": "float32", "seed": 1, "n": 64, "scale": 50.0, "shape": [4, 16]}
    _fails_with(
        "sigmoid", lambda x: sigmoid(x.astype(np.float64)), "returned float64 for a float32", **case
    )
    _fails_with("sigmoid", lambda x: sigmoid(x).ravel(), "returned shape (64,)", **case)

    def in_place(x):
        np.negative(np.abs(x), out=x)
        np.exp(x, out=x)
        return sigmoid(x)

    _fails_with("sigmoid", in_place, "modified its input array in place")


def test_wrong_value_at_zero() -> None:
    _fails_with("sigmoid", lambda x: np.where(x == 0, 0.0, sigmoid(x)), "sigmoid is wrong at x = 0")
    _fails_with("tanh_grad", lambda x: np.where(x == 0, 0.5, tanh_grad(x)), "is wrong at x = 0")


def test_cancelling_derivatives_are_inaccurate_where_the_derivative_is_tiny() -> None:
    _fails_with(
        "sigmoid_grad",
        lambda x: sigmoid(x) * (1 - sigmoid(x)),
        "inaccurate where its true value is small",
    )
    _fails_with("tanh_grad", lambda x: 1 - tanh(x) ** 2, "inaccurate where its true value is small")


def test_textbook_tanh_overflows_and_unsigned_tanh_has_the_wrong_sign() -> None:
    def textbook(x):
        return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))

    _fails_with("tanh", textbook, "overflow encountered in exp")

    def unsigned(x):
        e = np.exp(-2 * np.abs(x))
        return (1 - e) / (1 + e)

    _fails_with("tanh", unsigned, "has the wrong sign for x < 0")


def test_tanh_without_expm1_loses_accuracy_at_small_x_only() -> None:
    def cancelling(x):
        e = np.exp(-2 * np.abs(x))
        return np.sign(x) * (1 - e) / (1 + e)

    assert run_and_judge("tanh", cancelling).passed  # the visible grid does not show it
    _fails_with(
        "tanh",
        cancelling,
        "loses relative accuracy at small |x|",
        leak_check=False,  # the message names an input x, and tanh(x) rounds to x there
        x=[1e-10, -1e-20, 1e-5, -3e-3],
        dtype="float32",
    )


def test_limits_at_infinity_and_nan_are_checked() -> None:
    def no_nan(x):
        return np.nan_to_num(sigmoid(x), nan=0.5)

    _fails_with("sigmoid", no_nan, "does not propagate NaN", x=[0.0, 1.0], special=True)
