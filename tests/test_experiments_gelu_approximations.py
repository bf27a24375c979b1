"""GELU's approximations: the errors are measured, and land where Hendrycks & Gimpel's forms put them."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.experiments.gelu_approximations import gelu_approximation_errors


@pytest.fixture(scope="module")
def result():
    return gelu_approximation_errors()


def test_summary_matches_the_measured_errors(result):
    by_name = {row["name"]: row for row in result["summary"]}
    assert set(by_name) == {"tanh", "sigmoid"}
    for name, row in by_name.items():
        err = result["errors"][name]
        assert row["max_abs_error"] == err.max()
        assert np.abs(result["x"][np.argmax(err)]) == pytest.approx(row["at_abs_x"])


def test_tanh_form_is_much_closer_than_sigmoid_form(result):
    by_name = {row["name"]: row for row in result["summary"]}
    tanh_err, sig_err = by_name["tanh"]["max_abs_error"], by_name["sigmoid"]["max_abs_error"]
    # the tanh form is accurate to a few 1e-4, the sigmoid form only to a few 1e-2
    assert 1e-4 < tanh_err < 1e-3
    assert 1e-2 < sig_err < 5e-2
    assert 1.5 < by_name["tanh"]["at_abs_x"] < 4
    assert 1.5 < by_name["sigmoid"]["at_abs_x"] < 4


def test_errors_vanish_far_out(result):
    far = np.abs(result["x"]) > 8
    for err in result["errors"].values():
        assert err[far].max() < 1e-5


def test_error_is_symmetric(result):
    for err in result["errors"].values():
        np.testing.assert_allclose(err, err[::-1], atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"x_min": 1.0, "x_max": -1.0}, "x_min < x_max"), ({"num": 2}, "num must be")],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gelu_approximation_errors(**kwargs)
