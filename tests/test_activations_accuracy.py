"""Accuracy of the numpy activations against the committed 50-digit mpmath table.

The table (``tests/data/reference_values.npz``, built by ``benchmarks/make_reference.py``) covers a
dense grid on [-20, 20], log-spaced magnitudes from the smallest normal float64 to 1e4 and huge
values, both signs, subnormals, +-0, +-inf, NaN and every switch point and kink with its neighbours
a few ULPs away. Bounds (issue 2):

* float32: at most 2 ULP at every finite input;
* float64: at most 4 ULP, or an absolute error of at most 2 eps where |f| < 1;
* float16: at most 1 ULP (computed in float64 and rounded once);
* non-finite values exactly right (limits at +-inf, NaN in gives NaN out), and no floating-point
  warning: every call runs under ``np.errstate(all="raise")``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import actlab.activations as A
from actlab.activations.registry import get, records

REF = Path(__file__).parent / "data" / "reference_values.npz"
DATA = dict(np.load(REF))
CASES = json.loads(str(DATA["cases"]))
EPS64 = float(np.finfo(np.float64).eps)
PREC = {
    np.dtype(np.float64): (53, -1074),
    np.dtype(np.float32): (24, -149),
    np.dtype(np.float16): (11, -24),
}
BOUND = {np.dtype(np.float32): 2.0, np.dtype(np.float16): 1.0, np.dtype(np.float64): 4.0}
DTYPES = [np.float16, np.float32, np.float64]

# float64 points where the stretch goal (4 ULP at *every* finite input, not only where |f| >= 1)
# is not met, and why; the required bound above holds there.
_ROOT = "next to the zero of the derivative (the minimum of the unit) its terms cancel"
STRETCH_EXEMPT: dict[tuple[str, str], str] = {
    ("swish[beta=1.5]", "grad"): _ROOT + "; beta * x is rounded first",
    ("mish", "grad"): _ROOT,
    ("gelu", "fwd"): "scipy's erfc and erfcx are accurate to about 6 ULP only",
    ("gelu", "grad"): _ROOT + "; scipy's erfc and erfcx are accurate to about 6 ULP only",
    ("gelu[tanh]", "fwd"): "left tail: the rounding of u = sqrt(2/pi)(x + 0.044715 x^3) is amplified by |2u|",
    ("gelu[tanh]", "grad"): "left tail: the rounding of u is amplified by |2u|",
}


def ulp_of(hi: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The spacing of ``dtype`` in the binade of the exact value ``hi``."""
    p, emin = PREC[np.dtype(dtype)]
    _, e = np.frexp(np.abs(hi))
    return np.ldexp(1.0, np.maximum(e - p, emin))


def reference(prefix: str, which: str) -> tuple[np.ndarray, np.ndarray]:
    hi = DATA[f"{prefix}/{which}_hi"]
    fin = np.isfinite(hi)
    ulps = DATA[f"{prefix}/{which}_lo_ulps"].astype(np.float64)
    lo = np.where(fin, ulps * ulp_of(np.where(fin, hi, 0.0), np.dtype(np.float64)), 0.0)
    return hi, lo


def errors(ours: np.ndarray, hi: np.ndarray, lo: np.ndarray, dtype: np.dtype):
    """(ULP error, absolute error, non-finite mismatch mask) against the exact value hi + lo."""
    o = np.asarray(ours, dtype=np.float64)
    with np.errstate(over="ignore"):
        expect = hi.astype(dtype).astype(np.float64)  # exact value rounded to the dtype
    nonfinite = ~np.isfinite(expect) | ~np.isfinite(o)
    mismatch = nonfinite & ~((expect == o) | (np.isnan(expect) & np.isnan(o)))
    with np.errstate(invalid="ignore", over="ignore"):
        ab = np.where(nonfinite, 0.0, np.abs((o - hi) - lo))
    ul = ab / ulp_of(np.where(nonfinite, 0.0, hi), dtype)
    return ul, ab, mismatch


def points(cid: str, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """The reference inputs exactly representable in ``dtype`` (and NaN), and their mask."""
    x = np.concatenate([DATA["base_x"], DATA[f"{cid}/x_extra"]])
    with np.errstate(over="ignore"):
        sel = np.isnan(x) | (x.astype(dtype).astype(np.float64) == x)
    return x[sel].astype(dtype), sel


def _describe(x, ours, hi, ul, i) -> str:
    return f"x={x[i]!r}: got {ours[i]!r}, exact {hi[i]!r} ({ul[i]:.3g} ULP)"


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("which", ["fwd", "grad"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_elementwise_accuracy(case: dict, which: str, dtype: type) -> None:
    rec = get(case["key"])
    fn = rec.forward if which == "fwd" else rec.derivative
    x, sel = points(case["id"], dtype)
    hi, lo = reference(case["id"], which)
    hi, lo = hi[sel], lo[sel]
    with np.errstate(all="raise"):
        ours = fn(x, **case["params"])
    assert ours.dtype == x.dtype and ours.shape == x.shape
    dt = np.dtype(dtype)
    ul, ab, mismatch = errors(ours, hi, lo, dt)
    assert not mismatch.any(), "non-finite mismatch at " + ", ".join(
        f"x={x[i]!r}: got {ours[i]!r}, expected {hi[i]!r}" for i in np.flatnonzero(mismatch)[:5]
    )
    ok = ul <= BOUND[dt]
    if dt == np.float64:
        ok |= (np.abs(hi) < 1) & (ab <= 2 * EPS64)
    bad = np.flatnonzero(~ok)
    assert bad.size == 0, f"{bad.size} points beyond {BOUND[dt]} ULP; worst: " + _describe(
        x, ours, hi, ul, bad[np.argmax(ul[bad])]
    )


@pytest.mark.parametrize("which", ["fwd", "grad"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_float64_stretch_goal(case: dict, which: str) -> None:
    """float64 within 4 ULP at every finite input, tails included (issue 2's stretch goal)."""
    if (case["id"], which) in STRETCH_EXEMPT:
        pytest.skip(STRETCH_EXEMPT[(case["id"], which)])
    rec = get(case["key"])
    fn = rec.forward if which == "fwd" else rec.derivative
    x, sel = points(case["id"], np.float64)
    hi, lo = reference(case["id"], which)
    with np.errstate(all="raise"):
        ours = fn(x, **case["params"])
    ul, _, _ = errors(ours, hi[sel], lo[sel], np.dtype(np.float64))
    i = int(np.argmax(ul))
    assert ul[i] <= 4, _describe(x, ours, hi[sel], ul, i)


# The bounds that do hold where the stretch goal is exempt (at the default parameters), used by
# benchmarks/exhaustive_f32.py as the error bound of its float64 reference:
# (case, which) -> (ULP bound, absolute bound in eps within the window, window centre, half-width)
EXEMPT_BOUNDS: dict[tuple[str, str], tuple[float, float, float, float]] = {
    ("gelu", "fwd"): (16.0, 0.0, 0.0, 0.0),
    ("gelu", "grad"): (16.0, 2.0, -0.7517915246935645, 0.5),
    ("mish", "grad"): (16.0, 2.0, -1.1924312145154952, 0.5),
}


@pytest.mark.parametrize(("cid", "which"), list(EXEMPT_BOUNDS), ids=lambda v: str(v))
def test_float64_bounds_of_the_exempt(cid: str, which: str) -> None:
    """Where the stretch goal is exempt: 16 ULP, and 2 eps absolute next to a derivative's zero."""
    rel, abs_eps, centre, half_width = EXEMPT_BOUNDS[(cid, which)]
    case = next(c for c in CASES if c["id"] == cid)
    rec = get(case["key"])
    fn = rec.forward if which == "fwd" else rec.derivative
    x, sel = points(cid, np.float64)
    hi, lo = reference(cid, which)
    with np.errstate(all="raise"):
        ours = fn(x, **case["params"])
    ul, ab, _ = errors(ours, hi[sel], lo[sel], np.dtype(np.float64))
    fin = np.isfinite(x)
    window = fin & (np.abs(np.where(fin, x, 0.0) - centre) < half_width)
    ok = (ul <= rel) | (window & (ab <= abs_eps * EPS64))
    bad = np.flatnonzero(fin & ~ok)
    assert bad.size == 0, _describe(x, ours, hi[sel], ul, bad[np.argmax(ul[bad])])


def test_every_elementwise_record_has_a_reference() -> None:
    covered = {c["key"] for c in CASES}
    assert covered == {r.key for r in records("elementwise")}


# --------------------------------------------------------------------------------------------
# normalising functions: rows of logits with a fixed upstream gradient, under the same bounds
# (the rows include one logit far above the others, where a VJP written as g_i - <g, y> cancels)
# --------------------------------------------------------------------------------------------

NORMALISING = ["softmax", "softmin", "log_softmax", "glu"]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("which", ["fwd", "grad"])
@pytest.mark.parametrize("name", NORMALISING)
def test_normalising_accuracy(name: str, which: str, dtype: type) -> None:
    key = "glu" if name == "glu" else "rows"
    x64, g64 = DATA[f"{key}/x"], DATA[f"{key}/g"]
    with np.errstate(over="ignore"):
        ok_rows = np.all(np.isnan(x64) | (x64.astype(dtype).astype(np.float64) == x64), axis=1)
        ok_rows &= np.all(g64.astype(dtype).astype(np.float64) == g64, axis=1)
    x, g = x64[ok_rows].astype(dtype), g64[ok_rows].astype(dtype)
    hi, lo = reference(name, which)
    hi, lo = hi[ok_rows], lo[ok_rows]
    with np.errstate(all="raise"):
        if which == "fwd":
            ours = getattr(A, name)(x, axis=-1)
        else:
            ours = getattr(A, name + "_grad")(x, g, axis=-1)
    dt = np.dtype(dtype)
    assert ours.dtype == dt
    ul, ab, mismatch = errors(ours, hi, lo, dt)
    assert not mismatch.any(), (
        f"non-finite mismatch in rows {np.flatnonzero(mismatch.any(axis=-1))}"
    )
    ok = ul <= BOUND[dt]
    if dt == np.float64:
        ok |= (np.abs(hi) < 1) & (ab <= 2 * EPS64)
    bad = np.argwhere(~ok)
    assert bad.size == 0, f"{len(bad)} entries out of bounds, first at row {bad[0][0]}: " + (
        f"got {ours[tuple(bad[0])]!r}, exact {hi[tuple(bad[0])]!r}"
    )
