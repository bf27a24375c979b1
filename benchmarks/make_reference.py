"""Build the committed table of high-precision reference values for the activation tests.

Every forward and derivative of the registry (plus a few non-default parameter sets) is evaluated
with mpmath at 50 significant digits, re-checked at 70 digits (a relative disagreement beyond 1e-30 stops
the script), and stored as a double-length pair ``hi + lo`` so that float64 errors can be measured to
a fraction of an ULP. Points:

* a dense grid on [-20, 20] (step 1/64, exact in float32);
* log-spaced magnitudes from the smallest normal float64 to 1e4, both signs (rounded to float32 so
  that the float32 tests use them too), and huge values up to the largest float64;
* float32 and float64 subnormals, +-0, +-inf and NaN;
* each record's switch points and kinks, and the minima of the non-monotonic units, with their
  neighbours a few ULPs away in float32 and in float64.

The normalising functions get rows of logits (softmax family) and ``(a, b)`` pairs (GLU) with fixed
upstream gradients for their vector-Jacobian products; the rows include one logit far above the
others, where the VJP cancels unless written as in :func:`_vjp_row`.

Run: ``python benchmarks/make_reference.py`` (about a minute); it rewrites
``tests/data/reference_values.npz``. The tests read that file and never import mpmath.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mpmath as mp
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from actlab.activations import elementwise as ew
from actlab.activations.registry import records

OUT = ROOT / "tests" / "data" / "reference_values.npz"
DPS = 50
CHECK_DPS = 70

# Cases: (case id, registry key, parameters). Defaults for every elementwise record, plus
# non-default parameters that change the code path.
EXTRA_CASES: list[tuple[str, str, dict]] = [
    ("gelu[tanh]", "gelu", {"approximate": "tanh"}),
    ("elu[alpha=0.5]", "elu", {"alpha": 0.5}),
    ("celu[alpha=2]", "celu", {"alpha": 2.0}),
    ("softplus[beta=2,threshold=10]", "softplus", {"beta": 2.0, "threshold": 10.0}),
    ("swish[beta=1.5]", "swish", {"beta": 1.5}),
    ("leaky_relu[0.2]", "leaky_relu", {"negative_slope": 0.2}),
    ("hardtanh[-2,3]", "hardtanh", {"min_val": -2.0, "max_val": 3.0}),
    ("hardshrink[0.3]", "hardshrink", {"lambd": 0.3}),
    ("softshrink[0.3]", "softshrink", {"lambd": 0.3}),
    ("threshold[1,-2]", "threshold", {"threshold": 1.0, "value": -2.0}),
]

# points where a derivative vanishes (accuracy near them needs care)
CRITICAL = {
    "silu": (-1.2784645427610738,),
    "swish": (-1.2784645427610738,),
    "mish": (-1.1924312145154952,),
    "gelu": (-0.7517915246935645,),
}


def cases() -> list[tuple[str, str, dict]]:
    out = [(r.key, r.key, dict(r.defaults)) for r in records("elementwise")]
    return out + EXTRA_CASES


# --------------------------------------------------------------------------------------------
# exact definitions (mpmath); conventions at kinks are torch's, as in the implementation
# --------------------------------------------------------------------------------------------


def _sig(x):
    if x >= 0:
        return 1 / (1 + mp.exp(-x))
    e = mp.exp(x)
    return e / (1 + e)


def _sig_sig(x):
    """sigma(x) sigma(-x), without cancellation."""
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def _sech2(x):
    e = mp.exp(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


def _softplus(x):
    return max(x, 0) + mp.log1p(mp.exp(-abs(x)))


def _mish_parts(x):
    sp = _softplus(x)
    return mp.tanh(sp), _sech2(sp)


SQRT_2_OVER_PI = ew.SQRT_2_OVER_PI
KAPPA = ew.GELU_TANH_KAPPA


def exact(key: str, p: dict) -> tuple[Callable, Callable]:
    """The exact forward and derivative of ``key`` with parameters ``p`` as mpmath functions."""
    f = mp.mpf
    if key == "threshold":
        t, v = f(p["threshold"]), f(p["value"])
        return (lambda x: x if x > t else v), (lambda x: f(1) if x > t else f(0))
    if key == "relu":
        return (lambda x: max(x, 0)), (lambda x: f(1) if x > 0 else f(0))
    if key in ("leaky_relu", "rrelu", "prelu"):
        if key == "leaky_relu":
            s = f(p["negative_slope"])
        elif key == "rrelu":
            s = f((p["lower"] + p["upper"]) / 2.0)  # the float64 mean slope, as torch
        else:
            s = f(p["weight"])
        return (lambda x: x if x > 0 else s * x), (lambda x: f(1) if x > 0 else s)
    if key in ("hardtanh", "relu6"):
        lo, hi = (f(0), f(6)) if key == "relu6" else (f(p["min_val"]), f(p["max_val"]))
        return (lambda x: min(max(x, lo), hi)), (lambda x: f(1) if lo < x < hi else f(0))
    if key == "sigmoid":
        return _sig, _sig_sig
    if key == "hardsigmoid":
        return (lambda x: min(max((x + 3) / 6, 0), 1)), (
            lambda x: f(1) / 6 if -3 < x < 3 else f(0)
        )
    if key == "tanh":
        return mp.tanh, _sech2
    if key == "logsigmoid":
        return (lambda x: min(x, 0) - mp.log1p(mp.exp(-abs(x)))), (lambda x: _sig(-x))
    if key == "softsign":
        return (lambda x: x / (1 + abs(x))), (lambda x: 1 / (1 + abs(x)) ** 2)
    if key in ("silu", "swish"):
        b = f(p.get("beta", 1.0))
        return (lambda x: x * _sig(b * x)), (lambda x: _sig(b * x) * (1 + b * x * _sig(-b * x)))
    if key == "mish":

        def mish_grad(x):
            t, s2 = _mish_parts(x)
            return t + x * s2 * _sig(x)

        return (lambda x: x * _mish_parts(x)[0]), mish_grad
    if key == "hardswish":

        def hs(x):
            return f(0) if x <= -3 else (x if x >= 3 else x * (x + 3) / 6)

        def hs_grad(x):
            return f(0) if x <= -3 else (f(1) if x >= 3 else (2 * x + 3) / 6)

        return hs, hs_grad
    if key in ("elu", "celu", "selu"):
        if key == "selu":
            scale, alpha, inv = f(ew.SELU_SCALE), f(ew.SELU_ALPHA), f(1)
        else:
            scale, alpha = f(1), f(p["alpha"])
            inv = 1 / alpha if key == "celu" else f(1)

        def e_fwd(x):
            return scale * (x if x > 0 else alpha * mp.expm1(x * inv))

        def e_grad(x):
            return scale * (f(1) if x > 0 else alpha * inv * mp.exp(x * inv))

        return e_fwd, e_grad
    if key == "gelu":
        if p.get("approximate", "none") == "tanh":
            c, k = f(SQRT_2_OVER_PI), f(KAPPA)

            def two_u(x):
                return 2 * c * (x + k * x**3)

            def gt(x):
                return x * _sig(two_u(x))

            def gt_grad(x):
                u2 = two_u(x)
                return _sig(u2) + x * _sig_sig(u2) * 2 * c * (1 + 3 * k * x**2)

            return gt, gt_grad
        def g(x):
            # below -1e10, |x| Phi(x) < exp(-5e19): far below the smallest subnormal (and mpmath's
            # erfc cannot take such arguments)
            return -(mp.mpf(10) ** -1000) if x < -1e10 else x * mp.ncdf(x)

        def g_grad(x):
            return -(mp.mpf(10) ** -1000) if x < -1e10 else mp.ncdf(x) + x * mp.npdf(x)

        return g, g_grad
    if key == "hardshrink":
        lam = f(p["lambd"])
        return (lambda x: x if abs(x) > lam else f(0)), (lambda x: f(1) if abs(x) > lam else f(0))
    if key == "softshrink":
        lam = f(p["lambd"])

        def ss(x):
            return x - lam if x > lam else (x + lam if x < -lam else f(0))

        return ss, (lambda x: f(1) if abs(x) > lam else f(0))
    if key == "tanhshrink":

        def ts(x):
            # x - tanh(x) cancels to x^3/3: add the digits it loses
            with mp.workdps(mp.mp.dps + max(0, int(-2 * mp.log10(abs(x)))) if x != 0 else mp.mp.dps):
                return +(x - mp.tanh(x))

        return ts, (lambda x: mp.tanh(x) ** 2)
    if key == "softplus":
        b, t = f(p["beta"]), f(p["threshold"])
        return (lambda x: x if b * x > t else _softplus(b * x) / b), (
            lambda x: f(1) if b * x > t else _sig(b * x)
        )
    raise KeyError(key)


# --------------------------------------------------------------------------------------------
# points
# --------------------------------------------------------------------------------------------


def _neighbours(s: float, k: int = 3) -> list[float]:
    pts = []
    for dt in (np.float64, np.float32):
        v = dt(s)
        pts.append(float(v))
        lo = hi = v
        for _ in range(k):
            lo = np.nextafter(lo, dt(-np.inf))
            hi = np.nextafter(hi, dt(np.inf))
            pts += [float(lo), float(hi)]
    return pts


def base_points() -> np.ndarray:
    grid = np.arange(-20 * 64, 20 * 64 + 1) / 64.0
    # 10**e rounded once from 50 digits, not np.logspace, whose libm pow differs in the last bit
    # from one build to another: the table is then the same wherever it is rebuilt
    exps = np.linspace(math.log10(np.finfo(np.float64).tiny), 4, 330)
    with mp.workdps(DPS):
        mags = np.array([round64(mp.mpf(10) ** mp.mpf(float(e))) for e in exps])
    mags32 = mags.astype(np.float32).astype(np.float64)  # usable by the float32 tests too
    mags = np.where(mags32 > 0, mags32, mags)
    huge = np.array([1e5, 1e6, 1e8, 1e10, 1e15, 1e20, 1e38, float(np.finfo(np.float32).max),
                     1e39, 1e100, 1e200, 1e300, float(np.finfo(np.float64).max)])
    sub = np.array([5e-324, 1e-320, 1e-315, 1e-310, 2.2250738585072e-308,
                    float(np.finfo(np.float32).smallest_subnormal), 1e-44, 1e-40, 1.1e-38])
    pos = np.concatenate([mags, huge, sub])
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])
    return np.concatenate([grid, pos, -pos, specials])


def case_points(key: str, p: dict) -> np.ndarray:
    from actlab.activations.registry import get

    rec = get(key)
    pts: list[float] = []
    special = set(rec.switch_points) | set(rec.kinks) | set(CRITICAL.get(key, ()))
    for name in ("threshold", "lambd", "min_val", "max_val"):
        if name in p:
            special |= {p[name], -p[name]} if name == "lambd" else {p[name]}
    if key == "softplus":
        special.add(p["threshold"] / p["beta"])
    if key == "celu":
        special.add(0.0)
    for s in sorted(special):
        pts += _neighbours(float(s))
    return np.array(sorted(set(pts)), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------------


def round64(v: mp.mpf) -> float:
    """v rounded to the nearest float64 (ties to even), subnormals and overflow included."""
    if mp.isnan(v):
        return math.nan
    if mp.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    _, e = mp.frexp(v)  # |v| = m 2^e, 0.5 <= m < 1
    if e < -1076:  # below half the smallest subnormal
        return 0.0 if v > 0 else -0.0
    if e > 1025:
        return math.inf if v > 0 else -math.inf
    qe = max(int(e) - 53, -1074)  # exponent of the ULP
    with mp.workprec(int(e) - qe + 64):
        n = int(mp.nint(mp.ldexp(v, -qe)))  # nint rounds ties to even
    try:
        return math.ldexp(n, qe)
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def _split(v: mp.mpf) -> tuple[float, float]:
    """v as hi + lo: hi is v rounded to float64 (+-inf beyond range), lo the rest."""
    hi = round64(v)
    if not math.isfinite(hi):
        return hi, 0.0
    return hi, round64(v - mp.mpf(hi))


def evaluate(fn: Callable, x: float) -> tuple[float, float]:
    if math.isnan(x):
        return math.nan, 0.0
    if math.isinf(x):
        return _limit(fn, x)
    with mp.workdps(DPS):
        v = fn(mp.mpf(x))
    with mp.workdps(CHECK_DPS):
        w = fn(mp.mpf(x))
        tiny = abs(w) < mp.mpf(10) ** -400  # rounds to 0 in float64 whatever its last digits
        if v != w and not tiny and abs(v - w) > mp.mpf(10) ** -30 * abs(w):
            raise RuntimeError(f"precision check failed at x={x!r}: {v} vs {w}")
        return _split(w)


def _limit(fn: Callable, x: float) -> tuple[float, float]:
    """f(+-inf): +-inf if f grows without bound, else f far out (where it is flat in float64)."""
    sign = 1 if x > 0 else -1
    with mp.workdps(DPS):
        a, b = fn(mp.mpf(sign * 1e299)), fn(mp.mpf(sign * 1e300))
        if abs(b) > mp.mpf(10) ** 250:
            return (math.inf if b > 0 else -math.inf), 0.0
        if round64(a) != round64(b):
            raise RuntimeError(f"no limit at {x}: {a} vs {b}")
        return round64(b), 0.0


def elementwise_tables() -> dict[str, np.ndarray]:
    base = base_points()
    out: dict[str, np.ndarray] = {"base_x": base}
    meta = []
    for cid, key, p in cases():
        t0 = time.perf_counter()
        fwd, der = exact(key, p)
        extra = case_points(key, p)
        xs = np.concatenate([base, extra])
        fh, fl, gh, gl = (np.empty(xs.size) for _ in range(4))
        for i, x in enumerate(xs):
            fh[i], fl[i] = evaluate(fwd, float(x))
            gh[i], gl[i] = evaluate(der, float(x))
        out[f"{cid}/x_extra"] = extra
        out[f"{cid}/fwd_hi"], out[f"{cid}/fwd_lo"] = fh, fl
        out[f"{cid}/grad_hi"], out[f"{cid}/grad_lo"] = gh, gl
        meta.append({"id": cid, "key": key, "params": p})
        print(f"{cid:34s} {xs.size:5d} points  {time.perf_counter() - t0:5.1f} s", flush=True)
    out["cases"] = np.array(json.dumps(meta))
    return out


# --------------------------------------------------------------------------------------------
# normalising functions
# --------------------------------------------------------------------------------------------


def _rows(rng: np.random.Generator) -> np.ndarray:
    n = 6
    rows = []
    for scale in (0.1, 1.0, 10.0, 100.0, 1000.0, 1e5):
        for _ in range(8):
            rows.append(rng.normal(size=n) * scale)
    rows += [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [1e30, 1e30 - 1e23, 0.0, -1e30, 5.0, 1e29],
        [-800.0, -750.0, -745.0, -700.0, -710.0, -1000.0],
        [88.0, 89.0, 90.0, -100.0, -104.0, -110.0],
        [3.0e38, -3.0e38, 1.0, 2.0, 3.0, 4.0],
        [1e-300, -1e-300, 5e-324, 0.0, 1e-45, -1e-45],
        [20.0, -20.0, 40.0, -40.0, 60.0, -60.0],
        [np.inf, 1.0, 2.0, np.inf, -np.inf, 0.0],
        [-np.inf] * 6,
        [np.nan, 1.0, 2.0, 3.0, 4.0, 5.0],
        [-np.inf, 1.0, 2.0, 3.0, -np.inf, 5.0],
    ]
    return _float32_exact(np.array(rows, dtype=np.float64))


def _dominant_rows(rng: np.random.Generator) -> np.ndarray:
    """Rows with one logit far above the others: its probability is 1 - t, t down to e^-700.

    There ``g_i - <g, y>`` and ``g_i - y_i sum(g)`` cancel at the dominant entry. Each row also
    appears negated, which is the same case for softmin.
    """
    n = 6
    rows = []
    for lead in (3.0, 8.0, 12.0, 17.0, 25.0, 40.0, 60.0, 87.0, 90.0, 120.0, 300.0, 700.0):
        for _ in range(2):
            row = rng.normal(size=n) * rng.choice([0.5, 1.0, 3.0])
            row[rng.integers(n)] += lead
            rows += [row, -row]
    return _float32_exact(np.array(rows, dtype=np.float64))


def _float32_exact(x: np.ndarray) -> np.ndarray:
    fin = np.isfinite(x)
    x[fin] = x[fin].astype(np.float32).astype(np.float64)  # shared with the float32 tests
    return x


def _softmax_row(row: list, sign: int, log: bool):
    z = [sign * v for v in row]
    if any(mp.isnan(v) for v in z):
        return [mp.nan] * len(z)
    if any(mp.isinf(v) and v > 0 for v in z):
        k = sum(1 for v in z if mp.isinf(v) and v > 0)
        if log:
            return [-mp.log(k) if (mp.isinf(v) and v > 0) else -mp.inf for v in z]
        return [mp.mpf(1) / k if (mp.isinf(v) and v > 0) else mp.mpf(0) for v in z]
    finite = [v for v in z if not mp.isinf(v)]
    if not finite:
        return [mp.nan] * len(z)
    m = max(finite)
    s = mp.fsum(mp.exp(v - m) for v in finite)
    if log:
        # log(s) = log1p(sum without one maximum): a tiny sum would vanish in 1 + sum
        rest = list(finite)
        rest.remove(m)
        ls = mp.log1p(mp.fsum(mp.exp(v - m) for v in rest))
        return [(v - m) - ls if not mp.isinf(v) else -mp.inf for v in z]
    return [mp.exp(v - m) / s if not mp.isinf(v) else mp.mpf(0) for v in z]


def _vjp_row(row: list, g: list, name: str) -> list:
    """The VJP of one row without cancellation, using sum_j y_j = 1.

    softmax: y_i (g_i - <g, y>) = y_i sum_{j != i} (g_i - g_j) y_j (softmin: negated, y of -x);
    log_softmax: g_i - y_i sum(g) = sum_{j != i} (g_i y_j - y_i g_j). Written as
    ``g_i - <g, y>`` instead, 50 digits would not be enough once y_i is within 1e-50 of 1.
    """
    sign = -1 if name == "softmin" else 1
    y = _softmax_row(row, sign, False)
    n = len(y)
    if any(mp.isnan(v) for v in y) or any(mp.isnan(v) for v in g):
        return [mp.nan] * n
    if name == "log_softmax":
        return [mp.fsum(g[i] * y[j] - y[i] * g[j] for j in range(n) if j != i) for i in range(n)]
    return [sign * y[i] * mp.fsum((g[i] - g[j]) * y[j] for j in range(n) if j != i) for i in range(n)]


def _checked_rows(fn: Callable, label: str, i: int) -> list:
    """fn() at DPS digits, compared with CHECK_DPS digits (as :func:`evaluate` does)."""
    with mp.workdps(DPS):
        v = fn()
    with mp.workdps(CHECK_DPS):
        w = fn()
        for a, b in zip(v, w, strict=True):
            if mp.isnan(b) or mp.isinf(b) or abs(b) < mp.mpf(10) ** -400:
                continue
            if abs(a - b) > mp.mpf(10) ** -30 * abs(b):
                raise RuntimeError(f"precision check failed for {label} row {i}: {a} vs {b}")
        return w


def normalising_tables() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20260101)
    x = _rows(rng)
    g = rng.normal(size=x.shape).astype(np.float32).astype(np.float64)
    rng_dominant = np.random.default_rng(20260102)  # its own stream: the rows above stay as they were
    xd = _dominant_rows(rng_dominant)
    # gradients of a few units: the rounding of <g, y> ~ g_p, which the old form left in the
    # result, is then several float64 eps
    gd = (4.0 * rng_dominant.normal(size=xd.shape)).astype(np.float32).astype(np.float64)
    x, g = np.concatenate([x, xd]), np.concatenate([g, gd])
    out: dict[str, np.ndarray] = {"rows/x": x, "rows/g": g}
    for name, sign, log in (("softmax", 1, False), ("softmin", -1, False), ("log_softmax", 1, True)):
        fh, fl, gh, gl = (np.empty(x.shape) for _ in range(4))
        for i, row in enumerate(x):
            r = [mp.mpf(float(v)) for v in row]
            gr = [mp.mpf(float(v)) for v in g[i]]
            y = _checked_rows(functools.partial(_softmax_row, r, sign, log), name, i)
            vjp = _checked_rows(functools.partial(_vjp_row, r, gr, name), name + "_grad", i)
            for j in range(x.shape[1]):
                fh[i, j], fl[i, j] = _split(y[j])
                gh[i, j], gl[i, j] = _split(vjp[j])
        out[f"{name}/fwd_hi"], out[f"{name}/fwd_lo"] = fh, fl
        out[f"{name}/grad_hi"], out[f"{name}/grad_lo"] = gh, gl
        print(f"{name:34s} {x.shape[0]:5d} rows", flush=True)
    # GLU on (a, b) pairs: b over the base points (finite), a a fixed non-trivial value
    b = base_points()
    b = b[np.isfinite(b)]
    a = rng.normal(size=b.size).astype(np.float32).astype(np.float64)
    gg = rng.normal(size=b.size).astype(np.float32).astype(np.float64)
    fh, fl = np.empty(b.size), np.empty(b.size)
    gh, gl = np.empty((b.size, 2)), np.empty((b.size, 2))
    with mp.workdps(DPS):
        for i in range(b.size):
            A, B, G = mp.mpf(float(a[i])), mp.mpf(float(b[i])), mp.mpf(float(gg[i]))
            fh[i], fl[i] = _split(A * _sig(B))
            gh[i, 0], gl[i, 0] = _split(G * _sig(B))
            gh[i, 1], gl[i, 1] = _split(G * A * _sig_sig(B))
    out["glu/x"] = np.stack([a, b], axis=1)
    out["glu/g"] = gg[:, None]
    out["glu/fwd_hi"], out["glu/fwd_lo"] = fh[:, None], fl[:, None]
    out["glu/grad_hi"], out["glu/grad_lo"] = gh, gl
    print(f"{'glu':34s} {b.size:5d} pairs", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    tables = elementwise_tables()
    tables.update(normalising_tables())
    # lo is only needed to a few bits: store it in units of the float64 ULP of hi's binade
    # (|lo| <= 1/2) as float16; a reader recovers lo = lo_ulps * 2**max(e - 53, -1074), where
    # |hi| = m 2**e with 0.5 <= m < 1 (np.frexp)
    for k in [k for k in tables if k.endswith("_lo")]:
        lo = tables.pop(k)
        hi = tables[k[:-3] + "_hi"]
        fin = np.isfinite(hi)
        _, e = np.frexp(np.abs(np.where(fin, hi, 0.0)))
        ulp = np.ldexp(1.0, np.maximum(e - 53, -1074))  # float64 spacing in hi's binade
        ulps = np.where(fin, lo / ulp, 0.0)
        tables[k + "_ulps"] = ulps.astype(np.float16)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **tables)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
