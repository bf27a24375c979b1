"""The criteria table: generated from the registry, with intervals that say which ends are reached."""

from __future__ import annotations

import math

import pytest

from actlab.activations.registry import records
from actlab.experiments.selection import COST_OPS, attained_ends, criteria_table, format_range


def test_one_row_per_elementwise_activation():
    rows = criteria_table()
    assert [r["key"] for r in rows] == [r.key for r in records("elementwise")]


def test_every_activation_has_a_cost_class():
    assert {r.key for r in records("elementwise")} <= set(COST_OPS)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("relu", "[0, inf)"),
        ("sigmoid", "(0, 1)"),
        ("tanh", "(-1, 1)"),
        ("hardtanh", "[-1, 1]"),
        ("relu6", "[0, 6]"),
        ("elu", "(-1, inf)"),
        ("silu", "[-0.278, inf)"),
        ("leaky_relu", "(-inf, inf)"),
    ],
)
def test_ranges(key, expected):
    assert criteria_table([key])[0]["range"] == expected


def test_attained_ends():
    assert attained_ends("hardsigmoid") == (True, True)
    assert attained_ends("softplus") == (False, False)
    assert attained_ends("gelu") == (True, False)


def test_properties_come_from_the_registry():
    row = criteria_table(["prelu"])[0]
    assert row["parameters"] == 1 and row["saturates"] == "none" and row["cost"] == "compare"


def test_format_range():
    assert format_range(None) == "-"
    assert format_range((-math.inf, 0.0), (True, False)) == "(-inf, 0)"


def test_normalising_functions_are_refused():
    with pytest.raises(ValueError, match="criteria_table: 'softmax'"):
        criteria_table(["softmax"])


def test_gradient_profile():
    from actlab.experiments.selection import gradient_profile

    assert gradient_profile("relu") == (1.0, "x <= 0")
    assert gradient_profile("sigmoid") == (0.25, "none")
    assert gradient_profile("hardtanh")[1] == "x <= -1, x >= 1"
    assert gradient_profile("hardshrink")[1] == "-0.5 <= x <= 0.5"
    assert gradient_profile("tanhshrink")[1] == "none"  # an isolated zero is not listed
    peak, _ = gradient_profile("selu")
    assert peak == pytest.approx(1.0507009873554805 * 1.6732632423543772, rel=1e-3)


def test_hidden_table_and_appendix_cover_every_activation():
    from actlab.experiments.selection import HIDDEN

    keys = [r.key for r in records("elementwise")]
    assert set(HIDDEN) <= set(keys)
    assert set(keys) - set(HIDDEN) == {"threshold", "logsigmoid", "hardshrink", "softshrink", "tanhshrink"}
    row = criteria_table(["relu"])[0]
    assert row["max_grad"] == 1.0 and row["zero_grad"] == "x <= 0"
