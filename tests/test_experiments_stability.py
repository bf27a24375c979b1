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


def test_ulp_distance_counts_representable_numbers():
    one = np.float32(1)
    assert stability.ulp_distance(1.0, float(np.nextafter(one, np.float32(2)))) == 1
    assert stability.ulp_distance(1.0, float(np.nextafter(one, np.float32(0)))) == 1
    # across zero: the smallest subnormals on either side are 2 apart
    tiny = float(np.finfo(np.float32).smallest_subnormal)
    assert stability.ulp_distance(-tiny, tiny) == 2
    assert stability.ulp_distance(1.0, 1.0 + 2**-52, np.float64) == 1
    assert stability.ulp_distance(float("nan"), 1.0) is None
    with pytest.raises(TypeError, match=r"ulp_distance: dtype must be a floating dtype"):
        stability.ulp_distance(1.0, 2.0, np.int32)


def test_stability_table_shows_rounding_level_errors_alike():
    rows = stability.compare(("sigmoid", "softplus", "tanh"), xs=(-100.0, -20.0, 100.0))
    table = {(r["function"], r["x"]): r for r in stability.stability_table(rows)}
    assert table[("softplus", -20.0)]["naive error"] == 1.0  # every digit lost
    assert table[("softplus", 100.0)]["naive error"] == math.inf  # overflow to inf
    assert table[("tanh", 100.0)]["naive error"] == math.inf  # inf / inf = NaN
    assert table[("sigmoid", -20.0)]["naive error"] == "<= 1 ulp"
    assert all(r["package error"] == "<= 1 ulp" for r in table.values())
    assert table[("softplus", 100.0)]["warnings"] == "overflow"


def test_subnormal_facts_explain_the_float32_value_of_sigmoid_at_minus_100():
    facts = stability.subnormal_facts("sigmoid", -100.0)
    assert facts["sigmoid(-100), float64"] == pytest.approx(3.7200759760208356e-44)
    assert facts["float32 spacing there"] == pytest.approx(1.401298464324817e-45)
    assert round(facts["value / spacing"]) == 27
    assert facts["nearest float32"] == pytest.approx(27 * 1.401298464324817e-45)
