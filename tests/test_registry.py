"""The activation registry: one complete, consistent record per activation."""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
import pytest

from actlab.activations import registry
from actlab.activations.registry import (
    REGISTRY,
    SATURATES,
    SMOOTHNESS,
    get,
    properties_table,
    records,
)

RECORDS = records()
IDS = [r.key for r in RECORDS]
# torch.nn activations that are not activations of a fully-connected layer's units
NOT_ELEMENTWISE = {"MultiheadAttention", "Softmax2d"}


def test_keys_are_unique_and_ordered() -> None:
    assert len(IDS) == len(set(IDS))
    assert list(REGISTRY) == IDS


def test_covers_every_torch_activation() -> None:
    import torch.nn.modules.activation as act

    torch_names = set(act.__all__) - NOT_ELEMENTWISE
    ours = {r.name for r in RECORDS}
    assert torch_names <= ours, f"missing: {sorted(torch_names - ours)}"
    assert ours - torch_names == {"Swish"}


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_record_fields(rec: registry.Activation) -> None:
    assert rec.key.islower() and rec.name
    assert rec.formula.strip()
    assert rec.smoothness in SMOOTHNESS
    assert rec.saturates is None or rec.saturates in SATURATES
    assert rec.kind in ("elementwise", "normalising")
    assert isinstance(rec.num_parameters, int) and rec.num_parameters >= 0
    assert rec.year is None or 1940 < rec.year < 2030
    assert rec.paper.strip()
    if rec.range is not None:
        lo, hi = rec.range
        assert lo <= hi
    assert set(rec.kinks) <= set(rec.switch_points)
    if rec.kind == "elementwise":
        assert rec.monotonic in (True, False)
        assert rec.zero_centred in (True, False)
        assert rec.saturates is not None


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_records_are_frozen(rec: registry.Activation) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.key = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rec.defaults["x"] = 1  # type: ignore[index]


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_defaults_are_parameters_of_both_callables(rec: registry.Activation) -> None:
    for fn in (rec.forward, rec.derivative):
        params = inspect.signature(fn).parameters
        assert set(rec.defaults) <= set(params), f"{fn.__name__} lacks {set(rec.defaults) - set(params)}"
    # torch's defaults, where torch has them
    fwd = inspect.signature(rec.forward).parameters
    for name, value in rec.defaults.items():
        if fwd[name].default is not inspect.Parameter.empty:
            assert fwd[name].default == value


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_callables_run_on_the_defaults(rec: registry.Activation) -> None:
    x = np.linspace(-3, 3, 8)
    y = rec.forward(x, **rec.defaults)
    if rec.kind == "elementwise":
        assert y.shape == x.shape
        assert rec.derivative(x, **rec.defaults).shape == x.shape
    else:
        g = np.ones_like(y)
        assert rec.derivative(x, g, **rec.defaults).shape == x.shape


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_torch_counterparts(rec: registry.Activation) -> None:
    import torch

    mod = rec.module
    assert issubclass(mod, torch.nn.Module)
    assert mod.__name__ == rec.name
    if rec.name != "Swish":
        assert hasattr(torch.nn, rec.name)
        assert rec.torch_functional is getattr(torch.nn.functional, rec.key)
        # our parameter names and defaults are those of torch's module (dim where we say axis)
        tparams = inspect.signature(getattr(torch.nn, rec.name).__init__).parameters
        for name, value in rec.defaults.items():
            if name == "axis":
                assert "dim" in tparams
            elif rec.key != "prelu":  # torch's PReLU takes num_parameters and init
                assert name in tparams, f"{name} is not a parameter of torch.nn.{rec.name}"
                if tparams[name].default is not inspect.Parameter.empty:
                    assert tparams[name].default == value
    else:
        assert rec.torch_functional is None


def test_zero_centred_set_matches_reference() -> None:
    zc = {r.name for r in RECORDS if r.zero_centred}
    assert zc == {"Tanh", "Hardtanh", "SELU", "Softsign", "Tanhshrink", "Softshrink", "Hardshrink"}


def test_learnable_parameters() -> None:
    assert {r.name: r.num_parameters for r in RECORDS if r.num_parameters} == {"PReLU": 1, "Swish": 1}


@pytest.mark.parametrize(
    ("key", "lo"),
    [("silu", -0.27846), ("mish", -0.30884), ("gelu", -0.16997), ("hardswish", -0.375), ("selu", -1.7581)],
)
def test_minima_match_reference(key: str, lo: float) -> None:
    assert get(key).range[0] == pytest.approx(lo, abs=1e-4)


def test_get_by_key_or_name() -> None:
    assert get("relu") is get("ReLU") is get(" RELU ")
    assert get("LeakyReLU").key == "leaky_relu"
    with pytest.raises(KeyError, match="no activation named 'nope'; known: threshold"):
        get("nope")
    with pytest.raises(TypeError, match="get"):
        get(3)  # type: ignore[arg-type]


def test_records_filter() -> None:
    assert {r.kind for r in records("normalising")} == {"normalising"}
    assert len(records("elementwise")) + len(records("normalising")) == len(RECORDS)
    with pytest.raises(ValueError, match="records"):
        records("other")


def test_properties_table_is_plain_data() -> None:
    rows = properties_table()
    assert [r["key"] for r in rows] == IDS
    plain = (str, int, float, bool, type(None), tuple, dict)
    for row in rows:
        assert {"name", "range", "monotonic", "smoothness", "zero_centred", "saturates", "parameters",
                "year", "paper"} <= set(row)
        assert all(isinstance(v, plain) for v in row.values())
    relu = next(r for r in rows if r["key"] == "relu")
    assert relu["range"] == (0.0, math.inf) and relu["year"] == 2010


def test_invalid_record_is_refused() -> None:
    rec = get("relu")
    with pytest.raises(ValueError, match="smoothness"):
        dataclasses.replace(rec, smoothness="smooth")
    with pytest.raises(ValueError, match="saturates"):
        dataclasses.replace(rec, saturates="up")
