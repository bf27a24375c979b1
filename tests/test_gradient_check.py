"""The finite-difference gradient check itself: it must catch a wrong gradient."""

import numpy as np
import pytest

from actlab.gradient_check import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)


def test_scalar_gradient_of_a_quadratic():
    g = np.random.default_rng(0)
    A = g.standard_normal((4, 4))
    x = g.standard_normal(4)
    num = eval_numerical_gradient(lambda v: v @ A @ v, x)
    assert rel_error(num, (A + A.T) @ x) < 1e-8


def test_array_gradient_matches_and_catches_a_wrong_backward():
    x = np.random.default_rng(1).standard_normal((3, 5))
    dout = np.random.default_rng(2).standard_normal((3, 5))
    num = eval_numerical_gradient_array(np.tanh, x, dout)
    right = dout * (1 - np.tanh(x) ** 2)
    wrong = dout * (1 - np.tanh(x))  # a typical slip
    assert rel_error(num, right) < 1e-8
    assert rel_error(num, wrong) > 1e-2


def test_x_is_restored():
    x = np.random.default_rng(3).standard_normal((2, 3))
    before = x.copy()
    eval_numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_array_equal(x, before)


def test_rel_error_values():
    assert rel_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert rel_error(np.array([1.0, 0.0]), np.array([3.0, 0.0])) == pytest.approx(0.5)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match=r"rel_error: x and y must have the same shape"):
        rel_error(np.zeros(2), np.zeros(3))


def test_bad_inputs():
    with pytest.raises(TypeError, match=r"eval_numerical_gradient: x must have a floating dtype"):
        eval_numerical_gradient(np.sum, np.arange(3))
    with pytest.raises(ValueError, match=r"eval_numerical_gradient_array: h must be"):
        eval_numerical_gradient_array(np.sin, np.zeros(2), np.ones(2), h=0.0)
    with pytest.raises(ValueError, match=r"df must have the shape of f\(x\)"):
        eval_numerical_gradient_array(np.sin, np.zeros(2), np.ones(3))
