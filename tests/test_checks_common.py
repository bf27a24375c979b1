"""Tests of the shared machinery of the exercise checks (``actlab.grading.checks._common``)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from actlab.grading.checks import _common as common
from actlab.grading.checks._common import (
    Check,
    call_guarded,
    compare_array,
    compare_elementwise,
    elementwise_input,
    numerical_vjp,
    run_and_judge,
)
from actlab.grading.spec import ProbeError, Verdict, get_check, registered_checks

EXPECTED_CHECKS = {
    "dense_forward",
    "compose_affine",
    "compose_many",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu_forward",
    "relu_backward",
    "dense_backward",
    "leaky_relu_forward",
    "leaky_relu_backward",
    "prelu_forward",
    "prelu_backward",
    "prelu_module",
    "prelu_trains",
    "cross_validate_activations",
    "dead_fraction",
    "dead_units_fix",
    "gelu",
    "gelu_tanh",
    "gelu_sigmoid",
    "gelu_approximation_errors",
    "ffn_forward",
}


def test_every_exercise_check_is_registered() -> None:
    assert EXPECTED_CHECKS <= set(registered_checks())


def test_importing_the_checks_stays_cheap() -> None:
    # the probe imports every check module in each graded kernel; torch must not come with them
    code = (
        "import sys, actlab.grading.checks; "
        "print(sorted(m for m in ('torch', 'sklearn', 'actlab.activations') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_unknown_case_keyword_is_a_clear_error() -> None:
    spec = get_check("sigmoid")
    with pytest.raises(TypeError, match=r"check 'sigmoid' \(probe\): unknown case keyword.*'sead'"):
        spec.probe((np.tanh,), sead=1)
    with pytest.raises(TypeError, match=r"\(judge\)"):
        spec.judge({}, sead=1)


def test_wrong_number_of_objects_is_a_probe_error() -> None:
    with pytest.raises(ProbeError, match=r"expected 2 object\(s\) \(relu_forward, relu_backward\)"):
        get_check("relu_backward").probe((np.tanh,))


def test_not_callable_and_not_implemented_name_the_symptom() -> None:
    assert run_and_judge("sigmoid", 3.0).message == "sigmoid should be a function, got a float"

    def stub(x):
        raise NotImplementedError()

    assert "not implemented yet" in run_and_judge("sigmoid", stub).message


def test_a_missing_output_fails_instead_of_crashing() -> None:
    verdict = get_check("sigmoid").judge({"y": np.zeros(3)})
    assert not verdict.passed
    assert "no 'fp_problem'" in verdict.message


def test_registering_a_second_check_with_a_taken_name_fails() -> None:
    with pytest.raises(ValueError, match="already registered"):
        Check("sigmoid", lambda objects: {}, lambda outputs: Verdict.ok(), ("f",))


def test_call_guarded_reports_overflow_and_still_returns_values() -> None:
    def textbook(x):
        return 1 / (1 + np.exp(-x))

    value, problem = call_guarded(textbook, np.array([-1000.0, 0.0]))
    assert problem == "FloatingPointError: overflow encountered in exp"
    np.testing.assert_array_equal(value, [0.0, 0.5])
    value, problem = call_guarded(np.exp, np.array([-1000.0]))  # underflow is allowed
    assert problem == "" and value[0] == 0.0


def test_call_guarded_turns_runtime_warnings_into_problems() -> None:
    def warns(x):
        warnings.warn("something odd", RuntimeWarning, stacklevel=1)
        return x

    _, problem = call_guarded(warns, np.zeros(2))
    assert problem == "RuntimeWarning: something odd"


def test_elementwise_input_is_reproducible_and_typed() -> None:
    case = {"seed": 3, "n": 12, "scale": 5.0, "dtype": "float32", "shape": [3, 4]}
    a, b = elementwise_input(case, ()), elementwise_input(case, ())
    assert a.dtype == np.float32 and a.shape == (3, 4)
    np.testing.assert_array_equal(a, b)
    x = elementwise_input({"x": [1.0, 2.0], "special": True}, ())
    assert (
        x[:2].tolist() == [1.0, 2.0] and np.isposinf(x[2]) and np.isneginf(x[3]) and np.isnan(x[4])
    )
    with pytest.raises(ValueError, match="dtype must be one of"):
        elementwise_input({"dtype": "int8"}, (1.0,))


@pytest.mark.parametrize(
    ("got", "symptom"),
    [
        (np.zeros((2, 2)), "returned shape (2, 2) for an input of shape (4,)"),
        (np.zeros(4, dtype=np.int64), "returned dtype int64; expected floating-point values"),
        (np.zeros(4, dtype=np.float32), "returned float32 for a float64 input"),
        (np.array([np.nan, -1.0, 0.0, 2.0]), "returns NaN or inf at 1 of 4 inputs"),
        (np.array([-1000.0, -1.0, 1.0, 2.0]), "is wrong at x = 0"),
        (np.array([1000.0, 1.0, 0.0, 2.0]), "has the wrong sign for x < 0"),
        (np.array([-1000.0 * (1 + 1e-9), -1.0, 0.0, 2.0]), "wrong or inaccurate at large |x|"),
        (np.array([-2000.0, -2.0, 0.0, 4.0]), "looks off by a constant factor"),
    ],
)
def test_compare_elementwise_names_the_symptom(got: np.ndarray, symptom: str) -> None:
    x = np.array([-1000.0, -1.0, 0.0, 2.0])
    verdict = compare_elementwise("f", x, got, x.copy(), large=20.0)
    assert not verdict.passed
    assert symptom in verdict.message


def test_compare_elementwise_small_x_and_nan_propagation() -> None:
    x = np.array([1e-10, 1e-6, 0.5])
    verdict = compare_elementwise("f", x, np.array([1.0001e-10, 1e-6, 0.5]), x)
    assert "loses relative accuracy at small |x|" in verdict.message
    x = np.array([np.nan, 1.0])
    verdict = compare_elementwise("f", x, np.array([0.0, 1.0]), x)
    assert "does not propagate NaN" in verdict.message
    assert compare_elementwise("f", x, x.copy(), x).passed


def test_compare_array_reports_relative_error_and_factor() -> None:
    ref = np.array([[1.0, -2.0], [3.0, 0.5]])
    assert compare_array("dW", ref * (1 + 1e-12), ref).passed
    assert "off by a constant factor" in compare_array("dW", 4 * ref, ref).message
    message = compare_array("dW", ref + 0.1, ref, tol=1e-8, against="finite differences").message
    assert message.startswith("dW does not match finite differences: relative error")
    assert "shape (2,)" in compare_array("dW", np.zeros(2), ref).message


def test_numerical_vjp_matches_an_analytic_gradient() -> None:
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    num = numerical_vjp(np.tanh, x, dout)
    assert common.rel_error(num, dout * (1 - np.tanh(x) ** 2)) < 1e-8
    assert np.array_equal(x, np.random.default_rng(0).standard_normal((3, 4)))  # x untouched


def test_outputs_of_the_wrong_form_fail_instead_of_crashing() -> None:
    spec = get_check("cross_validate_activations")
    outputs = {
        "call_activation": np.array(["relu"]),
        "call_train": np.zeros(7, dtype=bool),  # not a multiple of the number of samples
        "call_test": np.zeros(7, dtype=bool),
        "call_score": np.zeros(1),
        "mean": np.zeros(1),
        "std": np.zeros(1),
        "choice": np.array("relu"),
    }
    verdict = spec.judge(outputs, activations=["relu"])
    assert not verdict.passed
    assert "unexpected form" in verdict.message
