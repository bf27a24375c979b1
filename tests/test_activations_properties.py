"""Properties of the numpy activations, checked against the registry and against torch.

* no floating-point warning for any input (``np.errstate(all="raise")``), NaN propagated;
* the saturating sides, limits and kink values agree with the registry and with torch's autograd;
* derivatives agree with central finite differences away from kinks, VJPs included;
* hypothesis: range and monotonicity agree with the registry; zero-centredness by quadrature;
* parity with ``torch.nn.functional`` within a few ULPs where torch is accurate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab.activations as A
from actlab.activations.registry import get, records

ELEMENTWISE = records("elementwise")
NORMALISING = records("normalising")
EW_IDS = [r.key for r in ELEMENTWISE]
NM_IDS = [r.key for r in NORMALISING]

# non-default parameters that take other code paths
VARIANTS = [(r.key, dict(r.defaults)) for r in ELEMENTWISE] + [
    ("gelu", {"approximate": "tanh"}),
    ("elu", {"alpha": 0.5}),
    ("celu", {"alpha": -2.0}),
    ("softplus", {"beta": 3.0, "threshold": 1000.0}),
    ("swish", {"beta": -1.5}),
    ("swish", {"beta": 0.0}),
    ("leaky_relu", {"negative_slope": 0.0}),
    ("leaky_relu", {"negative_slope": -0.5}),
    ("leaky_relu", {"negative_slope": 3.0}),
    ("hardtanh", {"min_val": -1e300, "max_val": 1e300}),
    ("hardshrink", {"lambd": 0.0}),
    ("softshrink", {"lambd": 0.1}),
    ("threshold", {"threshold": -np.inf, "value": 1.0}),
    ("prelu", {"weight": 0.0}),
    ("rrelu", {"lower": 0.0, "upper": 0.0}),
]
VAR_IDS = [f"{k}{p}" for k, p in VARIANTS]


def _specials(dtype) -> np.ndarray:
    fi = np.finfo(dtype)
    vals = [0.0, -0.0, np.inf, -np.inf, np.nan, float(fi.max), -float(fi.max), float(fi.tiny),
            -float(fi.tiny), float(fi.smallest_subnormal), -float(fi.smallest_subnormal), 1.0, -1.0,
            20.0, -20.0, 88.7, -88.7, 103.0, -104.0, 709.0, -745.0, 800.0, -800.0, 1e10, -1e10,
            1e200, -1e200]
    with np.errstate(over="ignore"):
        return np.array(vals).astype(dtype)


def _call(key: str, p: dict, x, grad: bool = False):
    rec = get(key)
    return (rec.derivative if grad else rec.forward)(x, **p)


@pytest.mark.parametrize(("key", "p"), VARIANTS, ids=VAR_IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64], ids=["f16", "f32", "f64"])
def test_no_floating_point_warnings_and_nan_propagates(key, p, dtype) -> None:
    x = _specials(dtype)
    for grad in (False, True):
        with np.errstate(all="raise"):
            y = _call(key, p, x, grad)
        assert y.dtype == dtype
        assert np.isnan(y[np.isnan(x)]).all()
        assert not np.isnan(y[~np.isnan(x)]).any(), f"NaN from a non-NaN input: {x[np.isnan(y)]}"


@pytest.mark.parametrize("rec", NORMALISING, ids=NM_IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64], ids=["f16", "f32", "f64"])
def test_normalising_extremes(rec, dtype) -> None:
    fi = np.finfo(dtype)
    rows = np.array(
        [[fi.max, -fi.max, 0, 1], [np.inf, 1, np.inf, -np.inf], [-np.inf] * 4, [np.nan, 1, 2, 3],
         [fi.tiny, -fi.tiny, fi.smallest_subnormal, 0], [-np.inf, 0, -np.inf, 5]], dtype=np.float64
    ).astype(dtype)
    g = np.ones_like(rows[:, : rows.shape[1] // 2] if rec.key == "glu" else rows)
    with np.errstate(all="raise"):
        y = rec.forward(rows)
        d = rec.derivative(rows, g)
    assert y.dtype == d.dtype == dtype
    if rec.key != "glu":
        assert np.isnan(y[3]).all()  # a row with NaN
        # a row of -inf: softmax and log_softmax are undefined; softmin's limit is uniform
        if rec.key == "softmin":
            np.testing.assert_array_equal(y[2], 0.25)
        else:
            assert np.isnan(y[2]).all()
        finite_rows = y[[0, 4, 5]]
        assert not np.isnan(finite_rows).any()
        if rec.key in ("softmax", "softmin"):
            np.testing.assert_allclose(finite_rows.astype(np.float64).sum(axis=1), 1.0, rtol=2e-3)
    if rec.key == "softmax":
        np.testing.assert_array_equal(y[1], [0.5, 0.0, 0.5, 0.0])  # the limit: +inf entries share


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
def test_saturation_and_limits_agree_with_registry(rec) -> None:
    p = dict(rec.defaults)
    d = rec.derivative(np.array([-np.inf, np.inf]), **p)
    left, right = rec.saturates in ("left", "both"), rec.saturates in ("right", "both")
    assert (d[0] == 0) == left, f"f'(-inf) = {d[0]}"
    assert (d[1] == 0) == right, f"f'(+inf) = {d[1]}"
    # f' tends to its value at infinity
    far = rec.derivative(np.array([-1e6, 1e6]), **p)
    np.testing.assert_allclose(far, d, atol=1e-9)
    y = rec.forward(np.array([-np.inf, np.inf]), **p)
    lo, hi = rec.range
    assert lo <= y[0] <= hi or (rec.key == "threshold" and y[0] == p["value"])
    assert lo <= y[1] <= hi


@pytest.mark.parametrize("rec", [r for r in ELEMENTWISE if r.kinks], ids=[r.key for r in ELEMENTWISE if r.kinks])
def test_kink_values_match_torch_autograd(rec) -> None:
    import torch

    p = dict(rec.defaults)
    x = np.array(rec.kinks, dtype=np.float64)
    t = torch.tensor(x, requires_grad=True)
    if rec.key == "prelu":
        y = torch.nn.functional.prelu(t, torch.tensor([p["weight"]], dtype=torch.float64))
    else:
        y = rec.torch_functional(t, **p)
    (g,) = torch.autograd.grad(y.sum(), t)
    ours = rec.derivative(x, **p)
    np.testing.assert_array_equal(ours, g.numpy())


def test_documented_kink_values() -> None:
    assert A.relu_grad(0.0) == 0.0
    assert A.leaky_relu_grad(0.0) == 0.01
    assert A.elu_grad(0.0, alpha=2.0) == 2.0
    assert A.celu_grad(0.0, alpha=2.0) == 1.0
    assert A.selu_grad(0.0) == pytest.approx(1.7580993408473766, rel=1e-15)
    assert (A.hardswish_grad([-3.0, 3.0]) == [0.0, 1.0]).all()
    assert (A.hardsigmoid_grad([-3.0, 3.0]) == [0.0, 0.0]).all()
    assert (A.relu6_grad([0.0, 6.0]) == [0.0, 0.0]).all()
    assert (A.hardshrink_grad([-0.5, 0.5]) == [0.0, 0.0]).all()
    assert A.sigmoid_grad(0.0) == 0.25 and A.tanh_grad(0.0) == 1.0 and A.gelu_grad(0.0) == 0.5
    assert A.mish_grad(0.0) == pytest.approx(0.6, rel=1e-15)


# --------------------------------------------------------------------------------------------
# derivatives against finite differences
# --------------------------------------------------------------------------------------------


def _away_from(x: np.ndarray, points, gap: float = 1e-3) -> np.ndarray:
    keep = np.ones(x.shape, bool)
    for s in points:
        keep &= np.abs(x - s) > gap
    return x[keep]


@pytest.mark.parametrize(("key", "p"), VARIANTS, ids=VAR_IDS)
def test_derivative_matches_finite_differences(key, p) -> None:
    rec = get(key)
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.uniform(-6, 6, 400), rng.normal(size=100) * 0.3])
    special = set(rec.switch_points) | set(rec.kinks) | {0.0}
    for name in ("threshold", "min_val", "max_val"):
        if name in p and np.isfinite(p[name]):
            special.add(p[name])
    if "lambd" in p:
        special |= {p["lambd"], -p["lambd"]}
    x = _away_from(x, special)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    fd = (rec.forward(x + h, **p) - rec.forward(x - h, **p)) / (2 * h)
    np.testing.assert_allclose(rec.derivative(x, **p), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("rec", NORMALISING, ids=NM_IDS)
def test_vjp_matches_finite_differences(rec) -> None:
    rng = np.random.default_rng(12)
    x = rng.normal(size=(3, 6)) * 2
    g = rng.normal(size=rec.forward(x).shape)
    for axis in (0, -1):
        if rec.key == "glu" and axis == 0:
            continue
        vjp = rec.derivative(x, g, axis=axis)
        fd = np.empty_like(x)
        h = 1e-6
        for idx in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[idx] = h
            fd[idx] = (np.sum(g * rec.forward(x + e, axis=axis)) - np.sum(g * rec.forward(x - e, axis=axis))) / (2 * h)
        np.testing.assert_allclose(vjp, fd, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------------------------
# hypothesis: range and monotonicity; quadrature: zero-centredness
# --------------------------------------------------------------------------------------------

reals = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
wide = st.floats(allow_nan=False, allow_infinity=True, width=64)


def _ulps(y: float) -> float:
    return 4 * float(np.spacing(abs(y))) if math.isfinite(y) else 0.0


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@settings(max_examples=50, deadline=None, derandomize=True)
@given(x=wide)
def test_range_agrees_with_registry(rec, x) -> None:
    p = dict(rec.defaults)
    y = float(rec.forward(x, **p))
    lo, hi = rec.range
    if rec.key == "threshold" and y == p["value"]:
        return
    assert lo - _ulps(lo) <= y <= hi + _ulps(hi)


# softplus reverts to x once beta*x > threshold, which leaves a ~2e-9 step down at x = 20
MONOTONE_SLACK = {"softplus": 3e-9}


@pytest.mark.parametrize("rec", [r for r in ELEMENTWISE if r.monotonic], ids=[r.key for r in ELEMENTWISE if r.monotonic])
@settings(max_examples=50, deadline=None, derandomize=True)
@given(a=reals, b=reals)
def test_monotonic_records_are_non_decreasing(rec, a, b) -> None:
    a, b = min(a, b), max(a, b)
    p = dict(rec.defaults)
    fa, fb = float(rec.forward(a, **p)), float(rec.forward(b, **p))
    slack = _ulps(fb) + MONOTONE_SLACK.get(rec.key, 0.0) * max(1.0, abs(fb))
    assert fa <= fb + slack


@pytest.mark.parametrize("rec", [r for r in ELEMENTWISE if not r.monotonic], ids=[r.key for r in ELEMENTWISE if not r.monotonic])
def test_non_monotonic_records_really_decrease_somewhere(rec) -> None:
    x = np.linspace(-5, 5, 10_001)
    y = rec.forward(x, **rec.defaults)
    assert (np.diff(y) < -1e-6).any()


@pytest.mark.parametrize("rec", [r for r in ELEMENTWISE if r.zero_centred], ids=[r.key for r in ELEMENTWISE if r.zero_centred])
@settings(max_examples=50, deadline=None, derandomize=True)
@given(x=reals)
def test_zero_centred_records_keep_the_sign(rec, x) -> None:
    """A necessary condition: zero-centred units here map x to the sign of x (or to 0)."""
    assert float(rec.forward(x, **rec.defaults)) * x >= 0


# E[f(z)], z ~ N(0, 1), from REFERENCE.md (3 digits)
EXPECTATIONS = {
    "relu": 0.399, "rrelu": 0.308, "hardtanh": 0.0, "relu6": 0.399, "sigmoid": 0.5,
    "hardsigmoid": 0.5, "tanh": 0.0, "silu": 0.207, "mish": 0.240, "hardswish": 0.166,
    "elu": 0.161, "celu": 0.161, "selu": 0.0, "gelu": 0.282, "hardshrink": 0.0,
    "leaky_relu": 0.395, "logsigmoid": -0.806, "softplus": 0.806, "softshrink": 0.0,
    "prelu": 0.299, "softsign": 0.0, "tanhshrink": 0.0,
}


@pytest.mark.parametrize("rec", [r for r in ELEMENTWISE if r.key in EXPECTATIONS], ids=[r.key for r in ELEMENTWISE if r.key in EXPECTATIONS])
def test_zero_centred_by_gaussian_mean(rec) -> None:
    # kinks make Gauss-Hermite quadrature converge slowly; a fine trapezoid on [-12, 12] is enough
    x = np.linspace(-12, 12, 240_001)
    mean = np.trapezoid(rec.forward(x, **rec.defaults) * np.exp(-x * x / 2), x) / math.sqrt(2 * math.pi)
    assert abs(mean - EXPECTATIONS[rec.key]) < 1.5e-3
    assert (abs(mean) < 1e-3) == rec.zero_centred


def test_selu_fixed_point() -> None:
    x = np.linspace(-14, 14, 560_001)
    pdf = np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    y = A.selu(x)
    assert abs(np.trapezoid(y * pdf, x)) < 1e-6
    assert abs(np.trapezoid(y * y * pdf, x) - 1) < 1e-6


# --------------------------------------------------------------------------------------------
# parity with torch.nn.functional
# --------------------------------------------------------------------------------------------


def _torch(rec, p, x: np.ndarray, grad: bool) -> np.ndarray:
    import torch

    t = torch.tensor(x, requires_grad=grad)
    if rec.key == "prelu":
        y = torch.nn.functional.prelu(t, torch.tensor([p["weight"]], dtype=t.dtype))
    elif rec.key == "swish":
        y = t * torch.sigmoid(p["beta"] * t)
    else:
        y = rec.torch_functional(t, **p)
    if not grad:
        return y.detach().numpy()
    (g,) = torch.autograd.grad(y.sum(), t)
    return g.numpy()


def _ulp_diff(a: np.ndarray, b: np.ndarray, dtype) -> np.ndarray:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    scale = np.maximum(np.abs(b), float(np.finfo(dtype).tiny))
    return np.abs(a - b) / (scale * float(np.finfo(dtype).eps))


# Torch evaluates textbook forms in the input's dtype, so it loses digits where they cancel
# (1 - s, x/3 + 1/2, x - tanh x, ...): parity is "within 4 ULP, or within the error a textbook
# formula makes at that input" (8 eps max(1, |x|)). Beyond that, torch's float64 hardsigmoid
# backward uses a float32 1/6.
TORCH_SLACK = {("hardsigmoid", "grad", "float64"): 1e-8}


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_parity_with_torch(rec, dtype) -> None:
    import torch

    torch.set_num_threads(1)
    p = dict(rec.defaults)
    x = (np.arange(-5 * 256, 5 * 256 + 1) / 256.0).astype(dtype)
    x = _away_from(x.astype(np.float64), [*rec.kinks, *rec.switch_points] if rec.key == "threshold" else [], 1e-9).astype(dtype)
    for which in ("fwd", "grad"):
        ours = (rec.derivative if which == "grad" else rec.forward)(x, **p)
        ref = _torch(rec, p, x, which == "grad")
        eps = float(np.finfo(dtype).eps)
        diff = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
        allowed = 8 * eps * np.maximum(1.0, np.abs(x.astype(np.float64)))
        allowed += TORCH_SLACK.get((rec.key, which, np.dtype(dtype).name), 0.0)
        d = np.where(diff <= allowed, 0.0, _ulp_diff(ours, ref, dtype))
        slack = 4.0
        worst = int(np.argmax(d))
        assert d[worst] <= slack, f"{which} at x={x[worst]!r}: ours {ours[worst]!r}, torch {ref[worst]!r}"


@pytest.mark.parametrize("rec", NORMALISING, ids=NM_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_normalising_parity_with_torch(rec, dtype) -> None:
    import torch

    rng = np.random.default_rng(13)
    x = (rng.normal(size=(6, 8)) * 4).astype(dtype)
    for axis in (0, 1):
        t = torch.tensor(x, requires_grad=True)
        y = rec.torch_functional(t, dim=axis)
        g = rng.normal(size=tuple(y.shape)).astype(dtype)
        (d,) = torch.autograd.grad(y, t, torch.tensor(g))
        ours_d = rec.derivative(x, g, axis=axis)
        # torch forms x - max - log(sum) in the dtype: allow that formula's error
        tol = 8 * float(np.finfo(dtype).eps)
        scale = tol * max(1.0, float(np.abs(x).max()))
        np.testing.assert_allclose(rec.forward(x, axis=axis), y.detach().numpy(), rtol=tol, atol=scale)
        np.testing.assert_allclose(ours_d, d.numpy(), rtol=tol, atol=scale)
