"""SELU's moment map in closed form: the fixed point, agreement with sampling, attraction."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.experiments.self_normalisation import (
    SELU_ALPHA,
    SELU_SCALE,
    iterate_selu_moments,
    selu_moments,
)


def test_fixed_point_is_mean_zero_variance_one():
    mean, var = selu_moments(0.0, 1.0)
    assert abs(mean) < 1e-12
    assert abs(var - 1.0) < 1e-12


@pytest.mark.parametrize(("mu", "nu"), [(0.3, 2.0), (-0.5, 0.4), (1.0, 0.1)])
def test_closed_form_matches_sampling(mu, nu):
    z = np.random.default_rng(1).normal(mu, np.sqrt(nu), 1_000_000)
    f = SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0)))
    mean, var = selu_moments(mu, nu)
    assert mean == pytest.approx(f.mean(), abs=5e-3)
    assert var == pytest.approx(f.var(), rel=5e-3)


def test_other_constants_do_not_have_the_fixed_point():
    # plain ELU (alpha=1, scale=1) shrinks the variance and shifts the mean
    mean, var = selu_moments(0.0, 1.0, alpha=1.0, scale=1.0)
    assert mean > 0.1
    assert var < 0.8


@pytest.mark.parametrize("start_var", [0.2, 3.0])
def test_map_is_attracting(start_var):
    r = iterate_selu_moments(0.0, start_var, steps=40)
    gap = np.abs(r["var"] - 1.0)
    assert gap[-1] < 0.05 < gap[0]
    assert abs(r["mean"][-1]) < 0.05


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mean": 0.0, "var": 0.0}, "var > 0"),
        ({"mean": float("nan"), "var": 1.0}, "finite mean"),
        ({"mean": 0.0, "var": 80.0}, r"var in \(0, 50\]"),
    ],
)
def test_bad_moments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        selu_moments(**kwargs)


def test_bad_steps_raise():
    with pytest.raises(ValueError, match="iterate_selu_moments: steps"):
        iterate_selu_moments(0.0, 1.0, steps=0)


def test_iteration_rows():
    from actlab.experiments.self_normalisation import iteration_rows

    rows = iteration_rows((3.0, 0.2), (1, 30))
    assert [r["start_var"] for r in rows] == [3.0, 0.2]
    assert all(abs(r["var_30"] - 1.0) < 0.01 for r in rows)
    assert rows[0]["var_1"] > 2 and rows[1]["var_1"] < 0.5
    with pytest.raises(ValueError, match="iteration_rows: layers"):
        iteration_rows((1.0,), (0,))
