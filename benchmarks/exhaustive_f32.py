"""Every elementwise activation and derivative of the registry, at every finite float32 input.

For each elementwise record (at its default parameters), its forward and its derivative are called
on float32 arrays, as a user calls them, at all 2**32 - 2**24 finite float32 inputs. Each result is
compared with the exact value rounded to float32 (round to nearest, ties to even), and the script
reports per function: the largest error in ULP (of the exact value, in float32), the share of
correctly rounded results, the count of results more than 1 ULP off and the worst input.

The reference is right by construction, in three tiers:

* **the float64 kernel**: the same function called on the input converted to float64. Its error
  bound ``delta = B ulp64(f) + A`` (``A`` only within a window around the zero of a derivative) is
  stated in :data:`BOUNDS`. The test suite checks the same bounds against the 50-digit mpmath table
  (``tests/test_activations_accuracy.py``: ``test_float64_stretch_goal`` and
  ``test_float64_bounds_of_the_exempt``), and this script checks them again (below). Where
  ``[r - delta, r + delta]`` around the float64 value ``r`` holds no float32 rounding boundary
  (a midpoint between two neighbouring float32 numbers), the correctly rounded value is known.
* **exact rules**, for the inputs that come in millions where the bound cannot decide: near 0,
  ``f(x) = a1 x + a2 x^2 + ...`` with ``a1`` a power of two puts the exact value on the side of
  ``a2`` (SiLU, Swish, GELU, Hardswish at the smallest x, where the float64 value x/2 is a
  midpoint); the leaky products, Softshrink's ``x -+ lambd``, the quotients ``(a x + 3)/6``
  (Hardsigmoid, the derivative of Hardswish) are formed exactly as sums of two float64 numbers;
  Tanhshrink's ``x - sign(x)`` plus a tail of ``2e^(-2|x|)`` decides its ties at large |x| (no
  finite precision sees that tail). See :func:`exact_pairs` and :func:`taylor_rule`.
* **mpmath** (the definitions of ``benchmarks/make_reference.py``, at 40 digits, confirmed at 60)
  for the rest: where the bound cannot decide, where a result of ours that is not the rounded
  ``r`` may lie on either side of 1 ULP, and where the float64 value is not finite. A value that
  is still a float32 midpoint at 180 digits is taken as an exact tie (the rational functions have
  them); the table counts those ties.

The bound and the rules are checked against mpmath: at every input sent to mpmath, at ``--verify``
random inputs per chunk and function, and at a few inputs per block decided by a rule. The table
counts the inputs checked and the failures (a failure would void the decisions taken from the
bound or the rule; none is expected).

Inputs are the bit patterns 0 .. 2**32 - 1, non-finite patterns skipped, in chunks of
``2**chunk_bits`` consecutive patterns (sign, exponent and leading mantissa bits fixed within a chunk).
Chunks run in parallel on all cores (multiprocessing, one process per core, a tqdm progress bar).
Each chunk's result is written atomically as a JSON file under the cache directory (default
``~/.cache/actlab/exhaustive_f32/<fingerprint>``); a rerun skips the chunks already there, so an
interrupted run resumes where it stopped. The fingerprint covers the source of the activations, this
script and the numpy, scipy and mpmath versions: any change starts afresh.

No input is skipped and no symmetry is assumed: each function is evaluated at each finite pattern.

Run: ``nice python benchmarks/exhaustive_f32.py`` (about an hour on 2 idle cores: see
``docs/accuracy.md``); ``--start/--stop`` (bit patterns, e.g. ``0x3f800000``) restrict it to a range,
``--only`` to some registry keys, ``--markdown PATH`` writes the table as Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib.metadata
import json
import math
import multiprocessing as mpr
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_reference

from actlab.activations.registry import records

EPS64 = 2.0**-52
MAX32 = float(np.finfo(np.float32).max)
OVERFLOW32 = 2.0**128 - 2.0**103  # |exact| at or beyond rounds to inf (ties to even)
BLOCK = 1 << 15  # comparison block (elements): its temporaries stay in L2
DPS, CHECK_DPS = 40, 60


# --------------------------------------------------------------------------------------------
# the functions and the bounds of their float64 kernels
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Bound:
    """|float64 kernel - exact| <= rel * ulp64(exact) + (abs_eps * eps64 where |x - center| < half_width).

    ulp64 is the float64 spacing in the binade of the exact value (subnormal spacing below).
    """

    rel: float = 4.0
    abs_eps: float = 0.0
    center: float = 0.0
    half_width: float = 0.0

    def window(self, x: np.ndarray) -> np.ndarray | float:
        """The absolute part at each input x (0 outside the window)."""
        if not self.abs_eps:
            return 0.0
        return np.where(np.abs(x - self.center) < self.half_width, self.abs_eps * EPS64, 0.0)


# Default: 4 ULP (tests/test_activations_accuracy.py::test_float64_stretch_goal). The functions
# exempt from that test carry the bounds of test_float64_bounds_of_the_exempt: scipy's erfc and
# erfcx (GELU) are accurate to about 6 ULP, and next to the zero of the Mish and GELU derivatives
# (the minimum of the unit) the terms of the derivative cancel, so there the bound is absolute.
GELU_GRAD_ROOT = -0.7517915246935645
MISH_GRAD_ROOT = -1.1924312145154952
BOUNDS: dict[tuple[str, str], Bound] = {
    ("gelu", "fwd"): Bound(rel=16.0),
    ("gelu", "grad"): Bound(rel=16.0, abs_eps=2.0, center=GELU_GRAD_ROOT, half_width=0.5),
    ("mish", "grad"): Bound(rel=16.0, abs_eps=2.0, center=MISH_GRAD_ROOT, half_width=0.5),
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One function to check: ``ours`` on float32 arrays, ``ref`` on float64, ``exact`` on mpf.

    ``pair`` (optional) gives the exact value as an unevaluated sum hi + lo of float64 arrays, for
    the functions that are x times a float64 constant, or x plus one, on each piece (see
    :func:`exact_pairs`); ``taylor`` (optional) maps a side of 0 (+1, -1) to (a1, sign of a2) of
    f(x) = a1 x + a2 x^2 + O(x^3) there (see :func:`taylor_rule`).
    """

    name: str
    ours: Callable[[np.ndarray], np.ndarray]
    ref: Callable[[np.ndarray], np.ndarray]
    exact: Callable[[Any], Any]
    bound: Bound
    pair: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    taylor: dict[int, tuple[float, float]] | None = None


def cases(only: Iterable[str] = ()) -> list[Case]:
    """Forward and derivative of every elementwise record at its defaults (``only``: some keys)."""
    keep = set(only)
    out = []
    for rec in records("elementwise"):
        if keep and rec.key not in keep:
            continue
        p = dict(rec.defaults)
        ex_f, ex_d = make_reference.exact(rec.key, p)
        for which, fn, ex in (("fwd", rec.forward, ex_f), ("grad", rec.derivative, ex_d)):
            call = _bind(fn, p)
            name = rec.key if which == "fwd" else rec.key + "'"
            pair = exact_pairs(rec.key, p, which)
            out.append(Case(name, call, call, ex, BOUNDS.get((rec.key, which), Bound()), pair,
                            taylor_rule(ex)))
    if keep and not out:
        raise SystemExit(f"exhaustive_f32: no elementwise record among {sorted(keep)}")
    return out


def _bind(fn: Callable, p: dict) -> Callable[[np.ndarray], np.ndarray]:
    def call(x: np.ndarray) -> np.ndarray:
        return fn(x, **p)

    return call


# --------------------------------------------------------------------------------------------
# exact tiers for the inputs the bound cannot decide, before mpmath
# --------------------------------------------------------------------------------------------
#
# Both are exact by construction and cover inputs that come in millions, where mpmath (30 to 150
# microseconds an input) would take hours: x/2 + c x^2 for the smallest x (SiLU, Swish, GELU,
# Hardswish), where the float64 value x/2 is a float32 midpoint, and the leaky products and
# Softshrink, whose exact value can land on a midpoint. Each is also checked against mpmath on a
# few inputs per chunk (counted with the bound checks).

TINY = 2.0**-100  # the Taylor rule's range: |x| <= TINY


def _two_sum(a: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """a + b = s + e exactly (Knuth), for finite a and b."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _product_pair(x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """x c = hi + lo exactly, for x of at most 24 significant bits and |c| in (2^-60, 2^60).

    c = c_hi + c_lo with c_hi of 24 bits and c_lo of at most 29: x c_hi and x c_lo are exact
    float64 products, and their sum is split exactly by TwoSum.
    """
    c_hi = float(np.float32(c))
    return _two_sum(x * c_hi, x * (c - c_hi))


def _split(a: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split: a = hi + lo with 26 significant bits in each."""
    c = np.multiply(a, 134217729.0)  # 2^27 + 1
    hi = c - (c - a)
    return hi, a - hi


def _quotient_pair(n: np.ndarray, q: float) -> tuple[np.ndarray, np.ndarray]:
    """n / q as (hi, r): hi = n / q rounded, r = n - q hi exactly, so n / q = hi + r / q.

    The remainder of a correctly rounded division is a float64 (n, q and n / q finite and normal);
    q hi = p + e exactly (Dekker), n - p is exact (Sterbenz) and so is (n - p) - e = r.
    """
    hi = n / q
    ah, al = _split(hi)
    qh, ql = _split(q)
    p = hi * q
    e = ((ah * qh - p) + ah * ql + al * qh) + al * ql
    return hi, (n - p) - e


def exact_pairs(key: str, p: dict, which: str = "fwd") -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    """The exact value as hi + lo (only the sign of lo may be meaningful, see below), for the
    records that are x s (x <= 0), x -+ lambd or (a x + 3)/6 on each piece; NaN where not exact.

    For the quotients (hardsigmoid, the derivative of hardswish) lo is the remainder n - 6 hi,
    which has the sign of the exact value minus hi: enough for :func:`round_to_odd`.
    """
    if key in ("hardsigmoid", "hardswish") and which == ("fwd" if key == "hardsigmoid" else "grad"):
        a = 1.0 if key == "hardsigmoid" else 2.0

        def affine(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            n, err = _two_sum(a * x, 3.0)  # a x is exact
            hi, r = _quotient_pair(n, 6.0)
            inside = (x > -3) & (x < 3)
            hi = np.where(inside, np.where(err == 0, hi, np.nan), np.where(x >= 3, 1.0, 0.0))
            return hi, np.where(inside, r, 0.0)

        return affine
    if which != "fwd":
        return None
    if key == "tanhshrink":
        # x - tanh(x) = x - sign(x) + sign(x) 2e^(-2|x|) / (1 + e^(-2|x|)): beyond x - sign(x) (exact
        # for |x| < 2^52), towards x, by far less than half a float64 unit once |x| >= 20. No
        # finite precision sees that tail next to x (1e-8700000 at x = 1e7): mpmath cannot
        # decide these ties, the identity does.

        def tail(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            far = (np.abs(x) >= 20) & (np.abs(x) < 2.0**52)
            return np.where(far, x - np.sign(x), np.nan), np.sign(x)

        return tail
    if key in ("leaky_relu", "rrelu", "prelu"):
        s = {"leaky_relu": lambda: p["negative_slope"], "prelu": lambda: p["weight"],
             "rrelu": lambda: (p["lower"] + p["upper"]) / 2.0}[key]()
        if not 2.0**-60 < abs(s) < 2.0**60:
            return None

        def leaky(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            hi, lo = _product_pair(np.minimum(x, 0.0), s)
            return np.where(x > 0, x, hi), np.where(x > 0, 0.0, lo)

        return leaky
    if key == "softshrink":
        lam = float(p["lambd"])

        def shrink(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            shift = np.where(x > lam, -lam, np.where(x < -lam, lam, 0.0))
            hi, lo = _two_sum(np.where(shift == 0, 0.0, x), shift)
            return hi, lo

        return shrink
    return None


def taylor_rule(exact: Callable[[Any], Any]) -> dict[int, tuple[float, float]] | None:
    """On each side of 0 where f(x) = a1 x + a2 x^2 + a3 x^3 + ... with a1 a power of two.

    For |x| <= TINY, a1 x is then an exact float64 and f(x) - a1 x = x^2 (a2 + a3 x + ...) has the
    sign of a2 (coefficients from mpmath's one-sided derivatives at 0; |a3| < 1e6 and the
    functions are analytic on each side, so the rest is below 2^-80 |a2| x^2). The rule requires
    f(0) = 0, 2^-4 <= a1 <= 2^4 and |a2| > 1e-6.
    """
    rule = {}
    with mp.workdps(40):
        for side in (1, -1):
            try:
                a = [mp.diff(exact, 0, n, direction=side) / mp.factorial(n) for n in range(4)]
            except (ValueError, ZeroDivisionError, TypeError):  # pragma: no cover
                continue
            if abs(a[0]) > mp.mpf(10) ** -30 or abs(a[2]) < mp.mpf(10) ** -6 or abs(a[3]) > 10**6:
                continue
            if a[1] <= 0:
                continue
            k = int(mp.nint(mp.log(a[1], 2)))
            if not -4 <= k <= 4 or abs(a[1] - mp.mpf(2) ** k) > mp.mpf(10) ** -30:
                continue
            rule[side] = (2.0**k, 1.0 if a[2] > 0 else -1.0)
    return rule or None


def round_to_odd(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """hi + lo (|lo| below half an ULP of hi, or only its sign known) rounded to odd in float64.

    Rounding that to float32 rounds hi + lo correctly: float64 has more than 24 + 2 bits.
    """
    out = np.array(hi, dtype=np.float64, copy=True)
    bits = out.view(np.int64)
    with np.errstate(invalid="ignore"):
        step = np.sign(np.asarray(lo) * out)  # +1: the exact value is farther from 0 than hi
    step = np.where(np.isfinite(step), step, 0.0).astype(np.int64)
    bits += step * ((bits & 1) ^ 1)
    return out


def ulp32(v: np.ndarray) -> np.ndarray:
    """The float32 ULP of the binade of each |v| (2^-149 among the subnormals)."""
    _, e = np.frexp(np.abs(v))
    return np.ldexp(1.0, np.maximum(e - 24, -149))


# --------------------------------------------------------------------------------------------
# exact rounding to float32 (mpmath)
# --------------------------------------------------------------------------------------------


def mp_round32(v: Any) -> tuple[float, float]:
    """(v rounded to float32, ties to even, +-inf beyond the range; the float32 ULP of v's binade)."""
    if v == 0:
        return 0.0, 2.0**-149
    _, e = mp.frexp(v)  # |v| = m 2^e, 1/2 <= m < 1
    qe = max(int(e) - 24, -149)
    ulp = math.ldexp(1.0, qe)
    if abs(v) >= OVERFLOW32:
        return math.copysign(math.inf, float(v)), ulp
    with mp.workprec(max(int(e) - qe, 0) + 80):
        n = int(mp.nint(mp.ldexp(v, -qe)))  # nint rounds ties to even
    return math.ldexp(n, qe), ulp


def mp_exact(case: Case, x: float) -> Any:
    """The exact value at ``x``: CHECK_DPS digits, which agree with DPS digits to 1e-25.

    The agreement shows that the evaluation keeps at least 25 correct digits at DPS (a formula
    that cancels, as the derivatives next to their zeros do, loses some), so the CHECK_DPS value
    keeps about 45: far more than a float32 decision needs.
    """
    with mp.workdps(DPS):
        v = case.exact(mp.mpf(x))
    with mp.workdps(CHECK_DPS):
        w = case.exact(mp.mpf(x))
        if v != w and abs(w) > mp.mpf(10) ** -400 and abs(v - w) > mp.mpf(10) ** -25 * abs(w):
            raise RuntimeError(f"{case.name}: mpmath precision check failed at x={x!r}: {v} vs {w}")
    return w


def _ext(v: float) -> float:
    """+-inf as +-2**128, the value float32 rounds to before overflowing (for distances)."""
    return math.copysign(2.0**128, v) if math.isinf(v) else v


def mp_midpoint(v: Any) -> bool:
    """Whether v lies exactly halfway between two neighbouring float32 numbers."""
    if v == 0 or not mp.isfinite(v):
        return False
    _, ulp = mp_round32(v)
    with mp.workprec(800):  # more bits than any value here carries: t is exact
        t = abs(v) / ulp
        return t - mp.floor(t) == mp.mpf(0.5)


def mp_judge(case: Case, x: float, ours: float, r: float, st: Stats | None = None
             ) -> tuple[bool, float, float]:
    """(ours correctly rounded, its error in ULP, |r - exact| / the stated bound) from mpmath.

    A value that is exactly a float32 midpoint at CHECK_DPS digits is evaluated again at three
    times as many; if it still is, it is taken as an exact tie (counted in ``st.ties``): the rational
    functions have such ties, and a transcendental value that close to a midpoint would need a
    rule of its own (as Tanhshrink's tail has).
    """
    w = mp_exact(case, x)
    if mp_midpoint(w):
        with mp.workdps(3 * CHECK_DPS):
            w = case.exact(mp.mpf(x))
        if st is not None and mp_midpoint(w):
            st.ties += 1
    cr, ulp = mp_round32(w)
    if math.isnan(ours):
        err = math.inf
    elif math.isinf(cr) and ours == cr:
        err = 0.0  # a correctly rounded overflow
    else:
        with mp.workdps(CHECK_DPS):
            err = float(abs(mp.mpf(_ext(ours)) - w) / ulp)
    allowed = case.bound.rel * _ulp64(w) + float(case.bound.window(np.array(x)))
    with mp.workdps(CHECK_DPS):
        miss = abs(mp.mpf(r) - w) if math.isfinite(r) else mp.inf
        ratio = float(miss / allowed) if allowed > 0 else (0.0 if miss == 0 else math.inf)
    return ours == cr or (math.isnan(ours) and math.isnan(cr)), err, ratio


def _ulp64(w: Any) -> float:
    if w == 0:
        return 2.0**-1074
    _, e = mp.frexp(w)
    return math.ldexp(1.0, max(int(e) - 53, -1074))


# --------------------------------------------------------------------------------------------
# one chunk
# --------------------------------------------------------------------------------------------


def chunk_inputs(lo: int, hi: int) -> np.ndarray:
    """The finite float32 numbers with bit patterns lo <= b < hi, in pattern order."""
    bits = np.arange(lo, hi, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    return x[np.isfinite(x)]


@dataclasses.dataclass
class Stats:
    """What one chunk (or the whole run, after :meth:`merge`) found for one function."""

    n: int = 0  # finite inputs
    correct: int = 0  # correctly rounded
    over1: int = 0  # more than 1 ULP off
    max_err: float = 0.0  # ULP
    worst: float | None = None  # the input of max_err
    resolved: int = 0  # decided by mpmath
    by_rule: int = 0  # decided by an exact rule (Taylor near 0, exact products and sums)
    ties: int = 0  # of those decided by mpmath, exact ties (a float32 midpoint to 180 digits)
    verified: int = 0  # inputs where the float64 bound was checked against mpmath
    violations: int = 0  # ... and did not hold
    max_ratio: float = 0.0  # largest |r - exact| / bound seen
    cpu: float = 0.0  # seconds

    def merge(self, o: Stats) -> None:
        for f in ("n", "correct", "over1", "resolved", "by_rule", "ties", "verified", "violations",
                  "cpu"):
            setattr(self, f, getattr(self, f) + getattr(o, f))
        if o.max_err > self.max_err or (self.worst is None and o.worst is not None):
            self.max_err, self.worst = o.max_err, o.worst
        self.max_ratio = max(self.max_ratio, o.max_ratio)


def compare(case: Case, x32: np.ndarray, o32: np.ndarray, r: np.ndarray, verify: np.ndarray,
            use_mpmath: bool = True) -> Stats:
    """Judge ours (``o32``) against the float64 values ``r`` with the bound, mpmath where needed.

    ``verify``: indices where the bound is checked against mpmath whatever the decision.
    """
    st = Stats(n=int(x32.size))
    n = x32.size
    tocheck: list[tuple[np.ndarray, np.ndarray]] = []
    best, best_i = -1.0, -1
    # per-block buffers
    m = min(n, BLOCK)
    c32, a32, s_up, s_dn = (np.empty(m, np.float32) for _ in range(4))
    c, d, t, h = (np.empty(m, np.float64) for _ in range(4))
    k_rel = case.bound.rel * 2.0**-27  # B ulp64(exact) <= B 2^-27 (float32 spacing below c)
    with np.errstate(all="ignore"):
        for i in range(0, n, BLOCK):
            j = min(n, i + BLOCK)
            k = j - i
            rb, ob = r[i:j], o32[i:j]
            cb, ab, ub, db = c32[:k], a32[:k], s_up[:k], s_dn[:k]
            np.copyto(cb, rb, casting="same_kind")  # r rounded to float32
            np.copyto(c[:k], cb)
            np.subtract(rb, c[:k], out=d[:k])  # r - round32(r), exact
            np.abs(cb, out=ab)
            np.spacing(ab, out=ub)  # float32 spacing above |c|
            np.nextafter(ab, np.float32(0), out=db)
            np.subtract(ab, db, out=db)  # ... and below (half of it at a power of two)
            # the half-width of c's rounding cell on the side where r lies, in |r|'s direction
            away = (d[:k] >= 0) == (rb >= 0)
            np.copyto(db, ub, where=away)
            np.copyto(h[:k], db)  # the float32 ULP of the exact value's binade
            # delta: the bound of the float64 value, B ulp64 + A (A in the window only)
            np.multiply(h[:k], k_rel, out=t[:k])
            if case.bound.abs_eps:
                t[:k] += case.bound.window(x32[i:j].astype(np.float64))
            delta = t[:k].copy()
            np.abs(d[:k], out=d[:k])
            d[:k] += delta  # |r - c| + delta: the farthest the exact value may lie from c
            h[:k] *= 0.5
            decided = d[:k] < h[:k]
            good = decided & (ob == cb)
            st.correct += int(np.count_nonzero(good))
            # error of the correctly rounded results, |r - c| / ulp (the exact value differs by at
            # most delta / ulp <= 2^-23 ULP from r)
            d[:k] -= delta
            d[:k] /= h[:k]
            d[:k] *= 0.5
            if good.any():
                e = np.where(good, d[:k], -1.0)
                q = int(np.argmax(e))
                if e[q] > best:
                    best, best_i = float(e[q]), i + q
            rest = np.flatnonzero(~good)
            if rest.size:
                tocheck.append(_judge_rest(case, x32, o32, r, rest + i, delta[rest], decided[rest],
                                           h[:k][rest] * 2, st, use_mpmath))
    if best >= 0:
        st.max_err, st.worst = best, float(x32[best_i])
    for idx, err in tocheck:
        if idx.size:
            q = int(np.argmax(err))
            if err[q] > st.max_err:
                st.max_err, st.worst = float(err[q]), float(x32[idx[q]])
    if use_mpmath:
        for i in np.asarray(verify, dtype=np.int64):
            _, _, ratio = mp_judge(case, float(x32[i]), float(o32[i]), float(r[i]))
            st.verified += 1
            st.violations += int(not ratio <= 1.0)
            st.max_ratio = max(st.max_ratio, ratio)
    return st


def _judge_rest(case: Case, x32: np.ndarray, o32: np.ndarray, r: np.ndarray, idx: np.ndarray,
                delta: np.ndarray, decided: np.ndarray, ulp: np.ndarray, st: Stats,
                use_mpmath: bool) -> tuple[np.ndarray, np.ndarray]:
    """Errors at the inputs that are not decided correctly rounded from the bound (usually few)."""
    o = o32[idx].astype(np.float64)
    rr = r[idx]
    with np.errstate(all="ignore"):
        oe = np.where(np.isinf(o), np.copysign(2.0**128, o), o)
        dist = np.abs(oe - rr)
        err_hi = (dist + delta) / ulp
        err_lo = np.maximum(dist - delta, 0.0) / ulp
        err_mid = dist / ulp
    # decided (the correctly rounded value is round32(r)) and ours is not it: an error of at least
    # half an ULP, more than 1 ULP for sure where err_lo > 1, at most 1 ULP where err_hi <= 1
    sure = decided & np.isfinite(rr) & np.isfinite(err_hi) & ((err_lo > 1) | (err_hi <= 1))
    sure &= np.abs(rr) + delta < OVERFLOW32  # the cell of the largest float is handled by mpmath
    # the exact value may lie on either side of a power of two (binades of different ULP)
    c = rr.astype(np.float32)
    mant = c.view(np.uint32) & np.uint32(0x7FFFFF)
    sure &= ~((mant == 0) & (np.abs(rr - c.astype(np.float64)) <= delta))
    sure |= np.isnan(o) & np.isfinite(rr)  # a NaN for a finite value: wrong whatever the digits
    err = np.where(np.isnan(o), np.inf, err_mid)
    st.over1 += int(np.count_nonzero(sure & ((err_lo > 1) | np.isnan(o))))
    # beyond the float32 range: the exact value rounds to +-inf where it exceeds 2^128 - 2^103
    with np.errstate(all="ignore"):
        bound = case.bound.rel * 2 * np.spacing(np.abs(rr)) + case.bound.window(x32[idx].astype(np.float64))
        big = ~sure & np.isfinite(rr) & ~np.isnan(o) & (np.abs(rr) - bound > OVERFLOW32)
        if big.any():
            ok = o == np.copysign(np.inf, rr)
            e_big = np.where(ok, 0.0, np.abs(oe - rr) / 2.0**104)
            err = np.where(big, e_big, err)
            st.correct += int(np.count_nonzero(big & ok))
            st.over1 += int(np.count_nonzero(big & (e_big > 1)))
            sure |= big
    left = np.flatnonzero(~sure)
    if left.size:
        left = _exact_tiers(case, x32, o32, idx, left, err, st, use_mpmath)
    if not use_mpmath:  # a dry run counts them
        st.resolved += int(left.size)
        left = left[:0]
    for q in left:
        i = int(idx[q])
        ok, e, ratio = mp_judge(case, float(x32[i]), float(o32[i]), float(r[i]), st)
        st.resolved += 1
        st.verified += 1
        st.violations += int(not ratio <= 1.0)
        st.max_ratio = max(st.max_ratio, ratio)
        st.correct += int(ok)
        st.over1 += int(e > 1)
        err[q] = e
    return idx, err


def _exact_tiers(case: Case, x32: np.ndarray, o32: np.ndarray, idx: np.ndarray, left: np.ndarray,
                 err: np.ndarray, st: Stats, use_mpmath: bool, n_check: int = 2) -> np.ndarray:
    """Decide what the exact rules can among ``left`` (positions in ``idx``); return the rest."""
    x = x32[idx[left]].astype(np.float64)
    hi = lo = None
    done = np.zeros(left.size, bool)
    if case.taylor:
        hi, lo = np.full(left.size, np.nan), np.zeros(left.size)
        for side, (a1, sgn) in case.taylor.items():
            m = (np.abs(x) <= TINY) & (x != 0) & ((x > 0) if side > 0 else (x < 0))
            hi[m] = a1 * x[m]
            lo[m] = sgn  # only its sign matters: the rest is far below an ULP of hi
            done |= m
    if case.pair is not None:
        with np.errstate(all="ignore"):
            p_hi, p_lo = case.pair(x)
        m = ~done & np.isfinite(p_hi) & np.isfinite(p_lo)
        if hi is None:
            hi, lo = np.full(left.size, np.nan), np.zeros(left.size)
        hi[m], lo[m] = p_hi[m], p_lo[m]
        done |= m
    if hi is None or not done.any():
        return left
    sel = np.flatnonzero(done)
    h, low = hi[sel], lo[sel]
    with np.errstate(over="ignore"):
        cr = round_to_odd(h, low).astype(np.float32)  # the exact value, rounded correctly
    o = o32[idx[left[sel]]]
    ok = (o == cr)
    u = ulp32(h)
    # the binade of the exact value is that of h unless h is a power of two and the exact value
    # lies below it: then its ULP is half as large
    below = (np.frexp(np.abs(h))[0] == 0.5) & (np.sign(low) * np.sign(h) < 0)
    u = np.where(below, ulp32(np.abs(h) * (1 - 2.0**-40)), u)  # the same among the subnormals
    with np.errstate(invalid="ignore"):
        oe = o.astype(np.float64)
        oe = np.where(np.isinf(oe), np.copysign(2.0**128, oe), oe)
        e = np.abs(oe - h) / u  # |lo| is below 2^-29 ULP here
    e = np.where(np.isnan(o), np.inf, np.where(np.isinf(cr) & ok, 0.0, e))
    st.by_rule += int(sel.size)
    st.correct += int(np.count_nonzero(ok))
    st.over1 += int(np.count_nonzero(e > 1))
    err[left[sel]] = e
    if use_mpmath:  # the rules against mpmath, on a few inputs (where mpmath can tell)
        for q in sel[:: max(1, sel.size // n_check)][:n_check]:
            i = int(idx[left[q]])
            w = mp_exact(case, float(x32[i]))
            if mp_midpoint(w):
                continue
            st.verified += 1
            st.violations += int(mp_round32(w)[0] != float(cr[np.searchsorted(sel, q)]))
    return left[~done]


def run_chunk(lo: int, hi: int, case_list: list[Case], n_verify: int,
              use_mpmath: bool = True) -> dict[str, Stats]:
    """Every function at the finite inputs with bit patterns in [lo, hi)."""
    x32 = chunk_inputs(lo, hi)
    x64 = x32.astype(np.float64)
    rng = np.random.default_rng(lo)  # the same samples on every run
    out = {}
    for case in case_list:
        t0 = time.process_time()
        with np.errstate(all="ignore"):
            o32 = np.asarray(case.ours(x32))
            r = np.asarray(case.ref(x64), dtype=np.float64)
        if o32.dtype != np.float32 or o32.shape != x32.shape:
            raise RuntimeError(f"{case.name}: float32 input gave {o32.dtype} {o32.shape}")
        verify = rng.choice(x32.size, size=min(n_verify, x32.size), replace=False) if x32.size else []
        st = compare(case, x32, o32, r, verify, use_mpmath)
        st.cpu = time.process_time() - t0
        out[case.name] = st
    return out


# --------------------------------------------------------------------------------------------
# chunks on disk, in parallel
# --------------------------------------------------------------------------------------------


def chunk_ranges(start: int, stop: int, chunk_bits: int) -> list[tuple[int, int]]:
    """The aligned chunks of 2**chunk_bits patterns, cut to [start, stop)."""
    size = 1 << chunk_bits
    out = []
    lo = start
    while lo < stop:
        hi = min(stop, (lo // size + 1) * size)
        if not _all_non_finite(lo, hi):
            out.append((lo, hi))
        lo = hi
    return out


def _all_non_finite(lo: int, hi: int) -> bool:
    """Whether every pattern in [lo, hi) has exponent field 255 (inf and NaN)."""
    e_lo, e_hi = (lo >> 23) & 0xFF, ((hi - 1) >> 23) & 0xFF
    return (lo >> 31) == ((hi - 1) >> 31) and e_lo == e_hi == 0xFF


def fingerprint(names: list[str]) -> str:
    """A hash of what the results depend on: the kernels, this script, the library versions."""
    h = hashlib.sha256()
    files = sorted((ROOT / "src" / "actlab" / "activations").glob("*.py"))
    files += [Path(__file__).resolve(), Path(make_reference.__file__).resolve()]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    import scipy

    h.update(f"{np.__version__} {scipy.__version__} {mp.__version__} {','.join(names)}".encode())
    return h.hexdigest()[:16]


def chunk_file(cache: Path, lo: int, hi: int) -> Path:
    return cache / f"{lo:08x}-{hi:08x}.json"


def _save(path: Path, res: dict[str, Stats], cpu: float) -> None:
    data = {"cpu": cpu, "stats": {k: dataclasses.asdict(v) for k, v in res.items()}}
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)  # atomic: a chunk file is complete or absent


def _load(path: Path) -> tuple[dict[str, Stats], float]:
    data = json.loads(path.read_text())
    return {k: Stats(**v) for k, v in data["stats"].items()}, float(data["cpu"])


# worker state (set once per process by the pool initializer)
_W: dict[str, Any] = {}


def _init_worker(only: list[str], n_verify: int, cache: str) -> None:
    _W.update(cases=cases(only), n_verify=n_verify, cache=Path(cache))


def _work(rng_: tuple[int, int]) -> tuple[int, int, float]:
    lo, hi = rng_
    t0 = time.process_time()
    res = run_chunk(lo, hi, _W["cases"], _W["n_verify"])
    cpu = time.process_time() - t0
    _save(chunk_file(_W["cache"], lo, hi), res, cpu)
    return lo, hi, cpu


def run(start: int, stop: int, chunk_bits: int, cache: Path, only: list[str], n_verify: int,
        jobs: int, progress: bool = True) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Run the missing chunks of [start, stop) in ``jobs`` processes; merge every chunk's result."""
    cache.mkdir(parents=True, exist_ok=True)
    chunks = chunk_ranges(start, stop, chunk_bits)
    todo = [c for c in chunks if not chunk_file(cache, *c).exists()]
    t0 = time.perf_counter()
    if todo:
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(chunks), initial=len(chunks) - len(todo), unit="chunk",
                       desc="float32 inputs", smoothing=0.05)
        if jobs == 1:
            _init_worker(only, n_verify, str(cache))
            for c in todo:
                _work(c)
                if bar is not None:
                    bar.update()
        else:
            ctx = mpr.get_context("spawn")
            with ctx.Pool(jobs, initializer=_init_worker, initargs=(only, n_verify, str(cache))) as pool:
                for _ in pool.imap_unordered(_work, todo, chunksize=1):
                    if bar is not None:
                        bar.update()
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - t0
    total: dict[str, Stats] = {c.name: Stats() for c in cases(only)}
    cpu = 0.0
    for c in chunks:
        res, c_cpu = _load(chunk_file(cache, *c))
        cpu += c_cpu
        for k, v in res.items():
            total[k].merge(v)
    info = {"chunks": len(chunks), "computed": len(todo), "wall": wall, "cpu": cpu,
            "cpu_per_chunk": cpu / max(len(chunks), 1)}
    return total, info


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------


def table(total: dict[str, Stats]) -> str:
    """A Markdown table, one row per function."""
    head = ("| function | max error (ULP) | correctly rounded | > 1 ULP | worst input | "
            "by exact rule | by mpmath | checked against mpmath (failed) | max \\|r - exact\\| / bound |")
    lines = [head, "|" + "---|" * 9]
    for name, s in total.items():
        share = 100.0 * s.correct / s.n if s.n else float("nan")
        worst = "" if s.worst is None or s.max_err == 0 else f"`{_repr32(s.worst)}`"
        lines.append(
            f"| {name} | {s.max_err:.6f} | {share:.6f} % | {s.over1} | {worst} | {s.by_rule} | "
            f"{s.resolved}{f' ({s.ties} exact ties)' if s.ties else ''} | "
            f"{s.verified} ({s.violations}) | {s.max_ratio:.3g} |"
        )
    return "\n".join(lines)


def _repr32(v: float) -> str:
    """The shortest decimal that reads back as this float32, and its bit pattern."""
    f = np.float32(v)
    return f"{np.format_float_positional(f, unique=True, trim='-') if 1e-4 <= abs(f) < 1e7 else np.format_float_scientific(f, unique=True, trim='-')} ({int(f.view(np.uint32)):#010x})"


def summary(total: dict[str, Stats]) -> tuple[list[str], list[str]]:
    """(functions meeting the goal: within 1 ULP everywhere and >= 99.9 % correctly rounded, others)."""
    good, bad = [], []
    for name, s in total.items():
        ok = s.over1 == 0 and s.n > 0 and s.correct >= 0.999 * s.n and s.violations == 0
        (good if ok else bad).append(name)
    return good, bad


def environment() -> str:
    import scipy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover
        pass
    try:
        tv = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        tv = "not installed"
    return (f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
            f"mpmath {mp.__version__}, torch {tv}; {cpu}, {os.cpu_count()} cores")


def _int(s: str) -> int:
    return int(s, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start", type=_int, default=0, help="first bit pattern (default 0)")
    ap.add_argument("--stop", type=_int, default=1 << 32, help="end bit pattern, exclusive (default 2**32)")
    ap.add_argument("--chunk-bits", type=int, default=22, help="log2 of the patterns per chunk (default 22)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    ap.add_argument("--only", default="", help="comma-separated registry keys (default: every elementwise record)")
    ap.add_argument("--verify", type=int, default=16, help="random inputs per chunk and function where the "
                    "float64 bound is checked against mpmath (default 16)")
    ap.add_argument("--cache", type=Path, default=None, help="directory of the chunk results (default "
                    "~/.cache/actlab/exhaustive_f32/<fingerprint>)")
    ap.add_argument("--markdown", type=Path, default=None, help="also write the table to this file")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    if not 0 <= args.start < args.stop <= 1 << 32:
        ap.error(f"expected 0 <= start < stop <= 2**32; got start={args.start:#x}, stop={args.stop:#x}")
    if not 4 <= args.chunk_bits <= 26:
        ap.error(f"--chunk-bits must be in [4, 26]; got {args.chunk_bits}")
    only = [k for k in args.only.split(",") if k]
    names = [c.name for c in cases(only)]
    cache = args.cache or Path.home() / ".cache" / "actlab" / "exhaustive_f32" / fingerprint(names)
    total, info = run(args.start, args.stop, args.chunk_bits, cache, only, args.verify, args.jobs,
                      progress=not args.no_progress)
    text = table(total)
    good, bad = summary(total)
    n = max(s.n for s in total.values())
    foot = (f"\n{n} finite float32 inputs (bit patterns {args.start:#010x} to {args.stop - 1:#010x}), "
            f"{info['chunks']} chunks ({info['computed']} computed now, in {info['wall']:.0f} s wall-clock); "
            f"CPU time of all chunks {info['cpu']:.0f} s ({info['cpu_per_chunk']:.2f} s per chunk).\n"
            f"Within 1 ULP everywhere and >= 99.9 % correctly rounded: {len(good)} of {len(total)}"
            + (f"; not: {', '.join(bad)}" if bad else "") + f"\n{environment()}\ncache: {cache}")
    print(text + "\n" + foot)
    if args.markdown is not None:
        args.markdown.write_text(text + "\n")
    return 0 if not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())
