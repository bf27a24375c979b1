"""Accuracy of every activation against the committed 50-digit mpmath reference.

For each forward and derivative, in float32 and float64, the table gives the largest error in ULPs
(units in the last place of the exact value, in that dtype) over all finite reference points, for
three implementations:

* ``ours``: :mod:`actlab.activations`;
* ``torch``: ``torch.nn.functional`` (derivatives through autograd), one thread;
* ``naive``: the textbook formula in numpy, in the input's dtype.

``inf`` means a NaN or infinity where the exact value is finite (or the reverse). The ``f64 ok``
column applies the float64 bound of the course's accuracy contract: at most 4 ULP where the exact
value is normal, or an absolute error of at most 2 eps where |f| < 1; ``max4`` is the stretch bound
(4 ULP at every finite input). float32's bound is 2 ULP everywhere.

Run: ``python benchmarks/accuracy.py`` (a few seconds). Regenerate the reference with
``benchmarks/make_reference.py``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import actlab.activations as A
from actlab.activations.registry import get

REF = ROOT / "tests" / "data" / "reference_values.npz"
EPS64 = float(np.finfo(np.float64).eps)
PREC = {np.dtype(np.float64): (53, -1074), np.dtype(np.float32): (24, -149), np.dtype(np.float16): (11, -24)}


# ---------------------------------------------------------------------------------------------
# reference and error measure
# ---------------------------------------------------------------------------------------------


def load() -> tuple[dict, list[dict]]:
    data = dict(np.load(REF))
    return data, json.loads(str(data["cases"]))


def ref(data: dict, prefix: str, which: str) -> tuple[np.ndarray, np.ndarray]:
    hi = data[f"{prefix}/{which}_hi"]
    ulps = data[f"{prefix}/{which}_lo_ulps"].astype(np.float64)
    fin = np.isfinite(hi)
    lo = np.where(fin, ulps * ulp_of(np.where(fin, hi, 0.0), np.dtype(np.float64)), 0.0)
    return hi, lo


def ulp_of(hi: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The spacing of ``dtype`` at the (exact) value ``hi``, by its binade."""
    p, emin = PREC[np.dtype(dtype)]
    _, e = np.frexp(np.abs(hi))
    return np.ldexp(1.0, np.maximum(e - p, emin))


def errors(ours: np.ndarray, hi: np.ndarray, lo: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """(error in ULPs, absolute error) per point; inf where non-finite values disagree."""
    o = np.asarray(ours, dtype=np.float64)
    with np.errstate(over="ignore"):
        expect = hi.astype(dtype).astype(np.float64)  # the exact value rounded to the dtype
    nan_ok = np.isnan(hi) == np.isnan(o)
    inf_x = np.isinf(expect) | np.isinf(o)
    with np.errstate(invalid="ignore", over="ignore"):
        ab = np.abs((o - hi) - lo)
        ul = ab / ulp_of(hi, dtype)
    bad = ~nan_ok | (inf_x & (expect != o))
    ul = np.where(np.isnan(hi) | (inf_x & (expect == o)), 0.0, ul)
    ab = np.where(np.isnan(hi) | (inf_x & (expect == o)), 0.0, ab)
    ul[bad] = np.inf
    ab[bad] = np.inf
    return ul, ab


def f64_ok(ul: np.ndarray, ab: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return (ul <= 4) | ((np.abs(hi) < 1) & (ab <= 2 * EPS64))


# ---------------------------------------------------------------------------------------------
# the three implementations
# ---------------------------------------------------------------------------------------------


def ours(key: str, p: dict, which: str) -> Callable:
    rec = get(key)
    fn = rec.forward if which == "fwd" else rec.derivative
    return lambda x: fn(x, **p)


def _torch_fn(key: str, p: dict) -> Callable:
    import torch
    import torch.nn.functional as F

    if key == "swish":
        return lambda t: t * torch.sigmoid(p["beta"] * t)
    if key == "prelu":
        return lambda t: F.prelu(t, torch.tensor([p["weight"]], dtype=t.dtype))
    if key == "rrelu":
        return lambda t: F.rrelu(t, p["lower"], p["upper"], training=False)
    fn = getattr(F, key)
    return lambda t: fn(t, **p)


def torch_impl(key: str, p: dict, which: str) -> Callable:
    import torch

    f = _torch_fn(key, p)

    def run(x: np.ndarray) -> np.ndarray:
        t = torch.tensor(x, requires_grad=(which == "grad"))
        y = f(t)
        if which == "fwd":
            return y.detach().numpy()
        (g,) = torch.autograd.grad(y.sum(), t)
        return g.numpy()

    return run


def _s(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy import special

    return special.erf(x).astype(x.dtype)


def naive_impl(key: str, p: dict, which: str) -> Callable:
    """Textbook formulas, evaluated directly in the input's dtype."""
    def run(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _naive_table(key, p, which, x.dtype.type)(x)

    return run


def _naive_table(key: str, p: dict, which: str, t: type) -> Callable:
    c = math.sqrt(2 / math.pi)
    k = 0.044715
    fwd: dict[str, Callable] = {
        "threshold": lambda x: np.where(x > p.get("threshold", 0), x, t(p.get("value", 0))),
        "relu": lambda x: np.maximum(x, 0),
        "rrelu": lambda x: np.where(x > 0, x, x * t((p.get("lower", 0) + p.get("upper", 0)) / 2)),
        "hardtanh": lambda x: np.clip(x, p.get("min_val", -1), p.get("max_val", 1)).astype(x.dtype),
        "relu6": lambda x: np.minimum(np.maximum(x, 0), 6),
        "sigmoid": _s,
        "hardsigmoid": lambda x: np.clip(x / 6 + t(0.5), 0, 1),
        "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
        "logsigmoid": lambda x: -np.log(1 + np.exp(-x)),
        "softsign": lambda x: x / (1 + np.abs(x)),
        "silu": lambda x: x * _s(x),
        "swish": lambda x: x * _s(t(p.get("beta", 1)) * x),
        "mish": lambda x: x * np.tanh(np.log(1 + np.exp(x))),
        "hardswish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
        "elu": lambda x: np.where(x > 0, x, t(p.get("alpha", 1)) * (np.exp(x) - 1)),
        "celu": lambda x: np.where(x > 0, x, t(p.get("alpha", 1)) * (np.exp(x / t(p.get("alpha", 1))) - 1)),
        "selu": lambda x: t(A.elementwise.SELU_SCALE)
        * np.where(x > 0, x, t(A.elementwise.SELU_ALPHA) * (np.exp(x) - 1)),
        "gelu": (lambda x: t(0.5) * x * (1 + np.tanh(t(c) * (x + t(k) * x**3))))
        if p.get("approximate") == "tanh"
        else (lambda x: t(0.5) * x * (1 + _erf(x / t(math.sqrt(2))))),
        "hardshrink": lambda x: np.where(np.abs(x) > p.get("lambd", 0.5), x, 0).astype(x.dtype),
        "softshrink": lambda x: np.where(
            x > p.get("lambd", 0.5), x - t(p.get("lambd", 0.5)),
            np.where(x < -p.get("lambd", 0.5), x + t(p.get("lambd", 0.5)), 0)).astype(x.dtype),
        "leaky_relu": lambda x: np.where(x > 0, x, x * t(p.get("negative_slope", 0.01))),
        "prelu": lambda x: np.where(x > 0, x, x * t(p.get("weight", 0.25))),
        "softplus": lambda x: np.where(
            x * p.get("beta", 1) > p.get("threshold", 20), x,
            np.log(1 + np.exp(t(p.get("beta", 1)) * x)) / t(p.get("beta", 1))),
        "tanhshrink": lambda x: x - np.tanh(x),
    }

    def d_gelu(x):
        if p.get("approximate") == "tanh":
            th = np.tanh(t(c) * (x + t(k) * x**3))
            return t(0.5) * (1 + th) + t(0.5) * x * (1 - th * th) * t(c) * (1 + t(3 * k) * x * x)
        return t(0.5) * (1 + _erf(x / t(math.sqrt(2)))) + x * np.exp(-x * x / 2) / t(math.sqrt(2 * math.pi))

    def step(cond, a, b):
        return lambda x: np.where(cond(x), t(a), t(b)).astype(x.dtype)

    lam = p.get("lambd", 0.5)
    grad: dict[str, Callable] = {
        "threshold": step(lambda x: x > p.get("threshold", 0), 1, 0),
        "relu": step(lambda x: x > 0, 1, 0),
        "rrelu": step(lambda x: x > 0, 1, (p.get("lower", 0) + p.get("upper", 0)) / 2),
        "hardtanh": step(lambda x: (x > p.get("min_val", -1)) & (x < p.get("max_val", 1)), 1, 0),
        "relu6": step(lambda x: (x > 0) & (x < 6), 1, 0),
        "sigmoid": lambda x: _s(x) * (1 - _s(x)),
        "hardsigmoid": step(lambda x: (x > -3) & (x < 3), 1 / 6, 0),
        "tanh": lambda x: 1 - np.tanh(x) ** 2,
        "logsigmoid": lambda x: 1 - _s(x),
        "softsign": lambda x: 1 / (1 + np.abs(x)) ** 2,
        "silu": lambda x: _s(x) + x * _s(x) * (1 - _s(x)),
        "swish": lambda x: _s(t(p.get("beta", 1)) * x) * (1 + t(p.get("beta", 1)) * x * (1 - _s(t(p.get("beta", 1)) * x))),
        "mish": lambda x: np.tanh(np.log(1 + np.exp(x)))
        + x * (1 - np.tanh(np.log(1 + np.exp(x))) ** 2) * _s(x),
        "hardswish": lambda x: np.where(x <= -3, 0, np.where(x >= 3, 1, (2 * x + 3) / 6)).astype(x.dtype),
        "elu": lambda x: np.where(x > 0, 1, t(p.get("alpha", 1)) * np.exp(x)).astype(x.dtype),
        "celu": lambda x: np.where(x > 0, 1, np.exp(x / t(p.get("alpha", 1)))).astype(x.dtype),
        "selu": lambda x: t(A.elementwise.SELU_SCALE)
        * np.where(x > 0, 1, t(A.elementwise.SELU_ALPHA) * np.exp(x)).astype(x.dtype),
        "gelu": d_gelu,
        "hardshrink": step(lambda x: np.abs(x) > lam, 1, 0),
        "softshrink": step(lambda x: np.abs(x) > lam, 1, 0),
        "leaky_relu": step(lambda x: x > 0, 1, p.get("negative_slope", 0.01)),
        "prelu": step(lambda x: x > 0, 1, p.get("weight", 0.25)),
        "softplus": lambda x: np.where(x * p.get("beta", 1) > p.get("threshold", 20), 1, _s(t(p.get("beta", 1)) * x)).astype(x.dtype),
        "tanhshrink": lambda x: np.tanh(x) ** 2,
    }
    return (fwd if which == "fwd" else grad)[key]


# ---------------------------------------------------------------------------------------------
# normalising functions
# ---------------------------------------------------------------------------------------------


def _torch_norm(name: str, which: str) -> Callable:
    import torch
    import torch.nn.functional as F

    fn = getattr(F, name)

    def run(x, g):
        t = torch.tensor(x, requires_grad=(which == "grad"))
        y = fn(t, dim=-1)
        if which == "fwd":
            return y.detach().numpy()
        (d,) = torch.autograd.grad(y, t, torch.tensor(g))
        return d.numpy()

    return run


def _naive_norm(name: str, which: str) -> Callable:
    def run(x, g):
        with np.errstate(all="ignore"):
            z = -x if name == "softmin" else x
            e = np.exp(z)
            y = e / e.sum(axis=-1, keepdims=True)
            if name == "glu":
                a, b = np.split(x, 2, axis=-1)
                s = 1 / (1 + np.exp(-b))
                if which == "fwd":
                    return a * s
                return np.concatenate([g * s, g * a * s * (1 - s)], axis=-1)
            if which == "fwd":
                return np.log(y) if name == "log_softmax" else y
            if name == "log_softmax":
                return g - y * g.sum(axis=-1, keepdims=True)
            r = y * (g - (g * y).sum(axis=-1, keepdims=True))
            return -r if name == "softmin" else r

    return run


def _ours_norm(name: str, which: str) -> Callable:
    f = getattr(A, name)
    d = getattr(A, name + "_grad")
    return (lambda x, g: f(x, axis=-1)) if which == "fwd" else (lambda x, g: d(x, g, axis=-1))


# ---------------------------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------------------------


def _summary(ul: np.ndarray, finite_in: np.ndarray) -> tuple[float, bool]:
    """(max ULP error over finite inputs, whether any NaN/inf input gives a wrong result)."""
    worst = float(np.max(ul[finite_in])) if finite_in.any() else 0.0
    return worst, bool(np.any(~np.isfinite(ul[~finite_in])))


def _fmt(v: tuple[float, bool]) -> str:
    err, nonfinite_wrong = v
    mark = "!" if nonfinite_wrong else ""
    if not np.isfinite(err):
        return "inf" + mark
    if err < 10:
        return f"{err:.2f}" + mark
    return f"{err:.1e}" + mark


def measure(data: dict, cases: list[dict], with_torch: bool = True) -> list[dict]:
    rows = []
    impls = {"ours": ours, "naive": naive_impl}
    if with_torch:
        impls["torch"] = torch_impl
    base = data["base_x"]
    for c in cases:
        cid, key, p = c["id"], c["key"], c["params"]
        x = np.concatenate([base, data[f"{cid}/x_extra"]])
        for which in ("fwd", "grad"):
            hi, lo = ref(data, cid, which)
            row = {"case": cid, "which": which}
            for dt in (np.float32, np.float64):
                with np.errstate(over="ignore"):
                    sel = np.isnan(x) | (x.astype(dt).astype(np.float64) == x)
                xs = x[sel].astype(dt)
                for name, make in impls.items():
                    with np.errstate(all="ignore"):
                        out = np.asarray(make(key, p, which)(xs))
                    ul, ab = errors(out, hi[sel], lo[sel], np.dtype(dt))
                    row[f"{np.dtype(dt).name}/{name}"] = _summary(ul, np.isfinite(xs))
                    if name == "ours" and dt == np.float64:
                        row["f64_ok"] = bool(np.all(f64_ok(ul, ab, hi[sel])))
            rows.append(row)
    for name in ("softmax", "softmin", "log_softmax", "glu"):
        x = data["glu/x"] if name == "glu" else data["rows/x"]
        g = data["glu/g"] if name == "glu" else data["rows/g"]
        for which in ("fwd", "grad"):
            hi, lo = ref(data, name, which)
            row = {"case": name, "which": which}
            impl = {"ours": _ours_norm, "naive": _naive_norm}
            if with_torch:
                impl["torch"] = _torch_norm
            for dt in (np.float32, np.float64):
                for iname, make in impl.items():
                    with np.errstate(all="ignore"):
                        out = np.asarray(make(name, which)(x.astype(dt), g.astype(dt)))
                    ul, ab = errors(out, hi, lo, np.dtype(dt))
                    row[f"{np.dtype(dt).name}/{iname}"] = _summary(
                        ul, np.isfinite(x).all(axis=-1, keepdims=True) & np.ones(ul.shape, bool)
                    )
                    if iname == "ours" and dt == np.float64:
                        row["f64_ok"] = bool(np.all(f64_ok(ul, ab, hi)))
            rows.append(row)
    return rows


def main() -> int:
    try:
        import torch

        torch.set_num_threads(1)
        with_torch = True
    except ImportError:  # pragma: no cover
        with_torch = False
    data, cases = load()
    rows = measure(data, cases, with_torch)
    cols = ["ours", "torch", "naive"] if with_torch else ["ours", "naive"]
    head = f"{'activation':31s} {'':4s} | " + " ".join(f"{'f32 ' + c:>10s}" for c in cols) + " | "
    head += " ".join(f"{'f64 ' + c:>10s}" for c in cols) + " | f64 ok  max4"
    print("max error in ULPs of the exact value (50-digit mpmath) over finite inputs; inf: a NaN or")
    print("inf where the exact value is finite; '!': a wrong result for a NaN or +-inf input (NaN not")
    print("propagated, or not the limit)")
    print(head)
    print("-" * len(head))
    worst32 = 0.0
    all_ok = True
    for r in rows:
        v32 = [r[f"float32/{c}"] for c in cols]
        v64 = [r[f"float64/{c}"] for c in cols]
        worst32 = max(worst32, v32[0][0])
        all_ok &= r["f64_ok"] and v32[0][0] <= 2 and not v32[0][1] and not v64[0][1]
        print(
            f"{r['case']:31s} {r['which']:4s} | " + " ".join(f"{_fmt(v):>10s}" for v in v32) + " | "
            + " ".join(f"{_fmt(v):>10s}" for v in v64)
            + f" | {'yes' if r['f64_ok'] else 'NO':6s} {'yes' if v64[0][0] <= 4 else 'no'}"
        )
    print(f"\nworst float32 error of ours: {worst32:.2f} ULP (bound 2); "
          f"every row within the bounds: {'yes' if all_ok else 'NO'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
