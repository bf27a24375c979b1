"""Checks of exercise 02_stable_sigmoid_tanh: the textbook formulas and other known-wrong answers fail
with the right symptom, stable solutions pass, and no message reveals an expected value."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.activations import sigmoid as ref_sigmoid
from actlab.activations import sigmoid_grad as ref_sigmoid_grad
from actlab.activations import tanh as ref_tanh
from actlab.activations import tanh_grad as ref_tanh_grad
from actlab.grading.checks._common import elementwise_input, run_and_judge, verdict_leaks
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
        assert verdict_leaks(verdict, _expected(name, case)) == [], verdict.message


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


def test_a_derivative_written_from_the_output_is_named() -> None:
    _fails_with(
        "sigmoid_grad",
        lambda x: x * (1 - x),
        "sigmoid_grad computes x(1 - x): that is the derivative written from the output, "
        "s(1 - s) with s = sigmoid(x), evaluated at the input x",
    )
    _fails_with(
        "tanh_grad",
        lambda x: 1 - x**2,
        "tanh_grad computes 1 - x²: that is the derivative written from the output, 1 - t² with "
        "t = tanh(x)",
    )
    _fails_with(
        "sigmoid_grad",
        lambda x: (x * (1 - x)).astype(x.dtype),
        "sigmoid_grad computes x(1 - x)",
        dtype="float32",
        seed=1,
        n=64,
        scale=50.0,
        shape=[4, 16],
    )
    verdict = run_and_judge("tanh_grad", lambda x: 1 - x**2)
    assert "用输出表示的导数" in verdict.text("zh")


def test_the_numbers_the_exercise_states_about_lost_digits() -> None:
    """Exercise 02's intro: in float64, sigma(1 - sigma) keeps about 7 of 16 digits at x = 20 and
    3 at x = 30, and is 0 from x = 36.74; 1 - tanh^2 keeps about 8 at |x| = 10 and is 0 from 18.99."""
    import json
    from pathlib import Path

    import mpmath

    mpmath.mp.dps = 40

    def first_x(where, lo: float, hi: float) -> float:
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if where(mid) else (mid, hi)
        return hi

    def digits(x: float, textbook, exact) -> float:
        return float(-np.log10(abs(textbook(np.float64(x)) - exact(x)) / exact(x)))

    sig = lambda x: 1 / (1 + np.exp(-x))
    sig_grad = lambda x: sig(x) * (1 - sig(x))
    tanh_grad = lambda x: 1 - np.tanh(x) ** 2
    exact_sig = lambda x: float(mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2)
    exact_tanh = lambda x: float(mpmath.sech(x) ** 2)
    assert round(first_x(lambda x: sig(x) == 1.0, 30, 40), 2) == 36.74
    assert round(first_x(lambda x: np.tanh(x) == 1.0, 15, 25), 2) == 18.99
    assert sig_grad(36.74) == 0 and sig_grad(36.73) > 0
    assert round(digits(20, sig_grad, exact_sig)) == 7
    assert round(digits(30, sig_grad, exact_sig)) == 3
    assert round(digits(10, tanh_grad, exact_tanh)) == 8
    source = Path(__file__).resolve().parents[1] / "exercises" / "source"
    intro = "".join(
        json.loads((source / "02_stable_sigmoid_tanh.ipynb").read_text())["cells"][0]["source"]
    )
    for stated in ("7 of its 16", "3 at", "36.74", "8 digits", "18.99"):
        assert stated in intro, stated
