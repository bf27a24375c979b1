"""Textbook formulas fail in float32; the package's functions do not."""

import math

import numpy as np
import pytest

from actlab.experiments import stability


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_package_is_exact_where_textbook_formulas_fail(dtype):
    rows = stability.compare(xs=(-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0), dtype=dtype)
    assert all(r["package_warnings"] == [] for r in rows)
    assert all(r["package_rel_error"] < 1e-6 for r in rows)
    by = {(r["function"], r["x"]): r for r in rows}
    assert by[("softplus", 1000.0)]["naive"] == math.inf
    assert "overflow" in by[("softplus", 1000.0)]["naive_warnings"]
    assert math.isnan(by[("tanh", 1000.0)]["naive"])
    assert "overflow" in by[("sigmoid", -1000.0)]["naive_warnings"]


def test_float32_specific_failures():
    by = {(r["function"], r["x"]): r for r in stability.compare(xs=(-20.0, 20.0, 100.0))}
    assert by[("softplus", 100.0)]["naive"] == math.inf  # exp(100) overflows float32
    assert by[("softplus", -20.0)]["naive"] == 0.0  # 1 + 2e-9 rounds to 1
    assert by[("softplus", -20.0)]["naive_rel_error"] == 1.0
    assert by[("sigmoid_grad", 20.0)]["naive"] == 0.0  # s rounds to 1, s(1 - s) to 0
    assert by[("sigmoid_grad", 20.0)]["package"] == pytest.approx(2.0611536e-09, rel=1e-6)


def test_reference_and_errors():
    assert stability.reference("softplus", -800.0) == 0.0
    assert stability.reference("sigmoid_grad", 0.0) == 0.25
    with pytest.raises(ValueError, match=r"compare: names must be among"):
        stability.compare(("relu",))
    with pytest.raises(TypeError, match=r"compare: dtype must be a floating dtype, got int64"):
        stability.compare(dtype=np.int64)
