"""Accuracy of our torch forwards and backwards against a 40-digit mpmath reference.

Criterion, per input x and dtype: ``|ours - exact| <= (8 + 2·kappa(x))`` ULP of the exact value,
where ``kappa(x) = |x f'(x) / f(x)|`` is the condition number of f (of f' for the derivative). A
result this close is as accurate as a couple of roundings of x permit: moving x by one ULP moves
f by kappa ULP, and a formula such as GELU's ``erfc(-x/sqrt(2))`` rounds its argument twice (the
constant and the product). Results below the smallest normal float only need to be within that
value in absolute terms (subnormals carry few digits).

The grid covers [-20, 20] densely, magnitudes from the smallest normal float to 1e4 on both sides,
and the band where exponentials turn subnormal (x from -104 to -80 in float32, -745 to -700 in
float64). ``test_the_criterion_catches_torchs_known_shortfalls`` feeds torch's own functions to the
same check, where REFERENCE.md says torch 2.13 falls short, and expects them to fail.

The softmax family and GLU are checked on the rows of the committed 50-digit table
(``tests/data/reference_values.npz``), rows with one dominant logit included; their criterion is
stated with those tests below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from actlab.activations import autograd as AF
from actlab.activations import modules as M

torch.set_num_threads(1)

mp.mp.dps = 40
SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")
GELU_K = mp.sqrt(2 / mp.pi)
GELU_C = mp.mpf("0.044715")


def _sig(x):
    return 1 / (1 + mp.exp(-x))


def _dsig(x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def _sp(x):
    return mp.log1p(mp.exp(x))


def _tanhshrink(x):
    if abs(x) < mp.mpf("1e-10"):  # x - tanh(x) would need more than 40 digits here
        return x**3 / 3 - 2 * x**5 / 15
    return x - mp.tanh(x)


def _gelu_tanh(x):
    return x * _sig(2 * GELU_K * (x + GELU_C * x**3))


def _gelu_tanh_d(x):
    u = GELU_K * (x + GELU_C * x**3)
    return _sig(2 * u) + x * 2 * _dsig(2 * u) * GELU_K * (1 + 3 * GELU_C * x**2)


def _elu(alpha):
    return (
        lambda x: x if x > 0 else alpha * mp.expm1(x / 1),
        lambda x: mp.mpf(1) if x > 0 else alpha * mp.exp(x),
    )


def _celu(alpha):
    return (
        lambda x: x if x > 0 else alpha * mp.expm1(x / alpha),
        lambda x: mp.mpf(1) if x > 0 else mp.exp(x / alpha),
    )


def _softplus(beta, threshold):
    return (
        lambda x: x if beta * x > threshold else _sp(beta * x) / beta,
        lambda x: mp.mpf(1) if beta * x > threshold else _sig(beta * x),
    )


def _swish(beta):
    return (lambda x: x * _sig(beta * x), lambda x: _sig(beta * x) + beta * x * _dsig(beta * x))


# name -> (our module, exact f, exact f')
REFERENCE: dict[str, tuple[Callable[[], torch.nn.Module], Callable, Callable]] = {
    "sigmoid": (M.Sigmoid, _sig, _dsig),
    "tanh": (M.Tanh, mp.tanh, lambda x: 1 / mp.cosh(x) ** 2),
    "logsigmoid": (M.LogSigmoid, lambda x: -mp.log1p(mp.exp(-x)), lambda x: _sig(-x)),
    "softsign": (M.Softsign, lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
    "silu": (M.SiLU, *_swish(1)),
    "swish(1.75)": (lambda: M.Swish(1.75), *_swish(mp.mpf("1.75"))),
    "mish": (
        M.Mish,
        lambda x: x * mp.tanh(_sp(x)),
        lambda x: mp.tanh(_sp(x)) + x * _sig(x) / mp.cosh(_sp(x)) ** 2,
    ),
    "gelu": (
        M.GELU,
        lambda x: x * mp.erfc(-x / mp.sqrt(2)) / 2,
        lambda x: mp.erfc(-x / mp.sqrt(2)) / 2 + x * mp.npdf(x),
    ),
    "gelu(tanh)": (lambda: M.GELU("tanh"), _gelu_tanh, _gelu_tanh_d),
    "elu": (M.ELU, *_elu(1)),
    "elu(2)": (lambda: M.ELU(2.0), *_elu(2)),
    "celu(0.5)": (lambda: M.CELU(0.5), *_celu(mp.mpf("0.5"))),
    "selu": (
        M.SELU,
        lambda x: SELU_SCALE * x if x > 0 else SELU_SCALE * SELU_ALPHA * mp.expm1(x),
        lambda x: SELU_SCALE if x > 0 else SELU_SCALE * SELU_ALPHA * mp.exp(x),
    ),
    "softplus": (M.Softplus, *_softplus(1, 20)),
    "softplus(2,5)": (lambda: M.Softplus(2.0, 5.0), *_softplus(2, 5)),
    "tanhshrink": (M.Tanhshrink, _tanhshrink, lambda x: mp.tanh(x) ** 2),
    "hardswish": (
        M.Hardswish,
        lambda x: x * min(max(x + 3, 0), 6) / 6,
        lambda x: mp.mpf(0) if x <= -3 else (mp.mpf(1) if x >= 3 else (2 * x + 3) / 6),
    ),
    "hardsigmoid": (
        M.Hardsigmoid,
        lambda x: min(max(x + 3, 0), 6) / 6,
        lambda x: mp.mpf(1) / 6 if -3 < x < 3 else mp.mpf(0),
    ),
}

DTYPES = {torch.float32: np.float32, torch.float64: np.float64}


@functools.cache
def _grid(dtype: torch.dtype) -> np.ndarray:
    np_dtype = DTYPES[dtype]
    tiny = float(np.finfo(np_dtype).tiny)
    mags = np.geomspace(tiny, 1e4, 50)
    band = np.linspace(-104, -80, 25) if dtype == torch.float32 else np.linspace(-745, -700, 19)
    pts = np.concatenate([np.linspace(-20, 20, 121), mags, -mags, band, [0.0, -3.0, 3.0]])
    return np.unique(pts.astype(np_dtype))


def _condition(x: mp.mpf, fx: mp.mpf, dfx: mp.mpf) -> mp.mpf:
    """|x f'(x) / f(x)|, the relative change of f per relative change of x."""
    return abs(x * dfx / fx) if fx != 0 else mp.inf


@functools.cache
def _reference(name: str, dtype: torch.dtype) -> tuple[list, list, list, list]:
    """Exact f, f' and the allowed ULP error of each, at every grid point."""
    _, f, df = REFERENCE[name]
    fs, dfs, kf, kdf = [], [], [], []
    for v in _grid(dtype):
        x = mp.mpf(float(v))
        fx, dfx = f(x), df(x)
        h = mp.mpf("1e-20") * max(1, abs(x))
        d2fx = (df(x + h) - df(x - h)) / (2 * h)  # for the derivative's condition number only
        fs.append(fx)
        dfs.append(dfx)
        kf.append(8 + 2 * _condition(x, fx, dfx))
        kdf.append(8 + 2 * _condition(x, dfx, d2fx))
    return fs, dfs, kf, kdf


def _violations(got: np.ndarray, exact: list, allowed: list, dtype: torch.dtype) -> list[str]:
    np_dtype = DTYPES[dtype]
    tiny = mp.mpf(float(np.finfo(np_dtype).tiny))
    bad = []
    for x, g, e, a in zip(_grid(dtype), got, exact, allowed, strict=True):
        if np.isnan(g) or np.isinf(g):
            bad.append(f"x={x!r}: got {g}, exact {mp.nstr(e, 8)}")
            continue
        err = abs(mp.mpf(float(g)) - e)
        if err <= tiny and abs(e) < tiny:
            continue  # a subnormal result: absolute accuracy only
        ulp = mp.mpf(float(np.spacing(np.abs(np_dtype(float(e))))))
        if err > a * ulp:
            bad.append(f"x={x!r}: {mp.nstr(err / ulp, 3)} ULP > {mp.nstr(a, 3)}")
    return bad


def _evaluate(fn: Callable[[torch.Tensor], torch.Tensor], dtype: torch.dtype):
    x = torch.tensor(_grid(dtype), dtype=dtype, requires_grad=True)
    y = fn(x)
    (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("dtype", list(DTYPES), ids=str)
@pytest.mark.parametrize("name", list(REFERENCE))
def test_forward_and_derivative_are_accurate(name, dtype):
    module, _, _ = REFERENCE[name]
    m = module().to(dtype)
    y, g = _evaluate(m, dtype)
    fs, dfs, kf, kdf = _reference(name, dtype)
    bad = _violations(y, fs, kf, dtype)
    assert not bad, f"{name} forward: {len(bad)} points off, e.g. {bad[:3]}"
    bad = _violations(g, dfs, kdf, dtype)
    assert not bad, f"{name} derivative: {len(bad)} points off, e.g. {bad[:3]}"


TORCH_SHORTFALLS = [
    # (reference name, torch function, dtype, "forward" or "derivative") from REFERENCE.md
    ("sigmoid", torch.sigmoid, torch.float32, "derivative"),
    ("tanh", torch.tanh, torch.float32, "derivative"),
    ("silu", TF.silu, torch.float32, "forward"),
    ("mish", TF.mish, torch.float32, "derivative"),
    ("gelu", TF.gelu, torch.float32, "forward"),
    ("gelu", TF.gelu, torch.float64, "forward"),
    ("softsign", TF.softsign, torch.float32, "derivative"),
    ("hardsigmoid", TF.hardsigmoid, torch.float64, "derivative"),
    ("tanhshrink", TF.tanhshrink, torch.float32, "forward"),
]


@pytest.mark.parametrize(
    ("name", "fn", "dtype", "which"),
    TORCH_SHORTFALLS,
    ids=[f"{n}-{str(d)[6:]}-{w}" for n, _, d, w in TORCH_SHORTFALLS],
)
def test_the_criterion_catches_torchs_known_shortfalls(name, fn, dtype, which):
    """The check above is not vacuous: torch 2.13's own functions fail it where it is inaccurate."""
    y, g = _evaluate(fn, dtype)
    fs, dfs, kf, kdf = _reference(name, dtype)
    bad = _violations(y, fs, kf, dtype) if which == "forward" else _violations(g, dfs, kdf, dtype)
    assert bad


# --------------------------------------------------------------------------------------------
# The softmax family and GLU, on the rows of the committed 50-digit table
# --------------------------------------------------------------------------------------------
#
# Criterion, per entry: |ours - exact| <= 8 ULP of the exact value + (8 + 2·kappa)·eps·S, where
# kappa is the condition number of the row (the change of the result per relative change of the
# logits) and S the size of the terms a cancellation-free evaluation adds up:
#   softmax VJP:      S_j = y_j (|g_j - g_p| + sum_k |g_k - g_p| y_k), p the row's largest y;
#   log_softmax VJP:  S_j = |g_j| + y_j sum_k |g_k|, and at p |g_p| (1 - y_p) + y_p sum_{k != p} |g_k|.
# At a dominant entry (y_p close to 1) S_p is tiny, so the plain g_p - <g, y>, whose error is of
# the order of eps·|g_p|, fails, as ``test_the_family_criterion_catches_the_plain_forms`` checks.

TABLE = np.load(Path(__file__).parent / "data" / "reference_values.npz")
FAMILY = {"softmax": AF.SoftmaxFunction, "softmin": AF.SoftminFunction,
          "log_softmax": AF.LogSoftmaxFunction}


def _rows(dtype: torch.dtype, key: str = "rows") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Finite rows of the table that are exact in ``dtype``: (x, g, selection mask)."""
    x, g = TABLE[f"{key}/x"], TABLE[f"{key}/g"]
    with np.errstate(over="ignore"):
        exact = (x.astype(DTYPES[dtype]).astype(np.float64) == x).all(axis=1)
        exact &= (g.astype(DTYPES[dtype]).astype(np.float64) == g).all(axis=1)
    sel = exact & np.isfinite(x).all(axis=1)
    return x[sel], g[sel], sel


def _ulp(v: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    """Spacing of ``dtype`` at |v|, never below that of the smallest normal (subnormals: absolute)."""
    np_dtype = DTYPES[dtype]
    tiny = np.finfo(np_dtype).tiny
    with np.errstate(over="ignore"):
        return np.spacing(np.maximum(np.abs(v), tiny).astype(np_dtype)).astype(np.float64)


def _entry_condition(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """kappa_j = |x_j| (1 - y_j) + sum_{k != j} |x_k| y_k, per entry.

    The change of log y_j per relative change of the logits; 1 - y_j at the row's largest y is
    summed from the other y (it may be far below eps).
    """
    ax = np.abs(x)
    p = np.argmax(y, axis=1)[:, None]
    one_minus = 1 - y
    y_rest = y.copy()
    np.put_along_axis(y_rest, p, 0.0, axis=1)
    np.put_along_axis(one_minus, p, y_rest.sum(axis=1, keepdims=True), axis=1)
    return ax * one_minus + (np.sum(ax * y, axis=1, keepdims=True) - ax * y)


def _family_bounds(name: str, x: np.ndarray, g: np.ndarray, dtype: torch.dtype):
    """(exact forward, its allowed error, exact VJP, its allowed error) for the rows x, g."""
    sel = _rows(dtype)[2]
    soft = "softmin" if name == "softmin" else "softmax"
    y = TABLE[f"{soft}/fwd_hi"][sel]
    f = TABLE[f"{name}/fwd_hi"][sel]
    v = TABLE[f"{name}/grad_hi"][sel]
    eps = float(np.finfo(DTYPES[dtype]).eps)
    kappa_j = _entry_condition(-x if name == "softmin" else x, y)
    kappa = np.max(kappa_j, axis=1, keepdims=True)
    p = np.argmax(y, axis=1)[:, None]
    if name == "log_softmax":
        f_err = 8 * _ulp(f, dtype) + 2 * kappa_j * eps  # log y_j: an absolute error
        ag = np.abs(g)
        s = ag + y * ag.sum(axis=1, keepdims=True)
        y_rest = y.sum(axis=1, keepdims=True) - np.take_along_axis(y, p, axis=1)
        s_p = np.take_along_axis(ag, p, axis=1) * y_rest + np.take_along_axis(y, p, axis=1) * (
            ag.sum(axis=1, keepdims=True) - np.take_along_axis(ag, p, axis=1)
        )
        np.put_along_axis(s, p, s_p, axis=1)
    else:
        f_err = (8 + 2 * kappa) * _ulp(f, dtype)
        dg = np.abs(g - np.take_along_axis(g, p, axis=1))
        s = y * (dg + np.sum(dg * y, axis=1, keepdims=True))
    v_err = 8 * _ulp(v, dtype) + (8 + 2 * kappa) * eps * s
    return f, f_err, v, v_err


def _run_rows(fn: Callable, x: np.ndarray, g: np.ndarray, dtype: torch.dtype):
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    y = fn(xt)
    (d,) = torch.autograd.grad(y, xt, torch.tensor(g, dtype=dtype))
    return y.detach().double().numpy(), d.double().numpy()


def _family_violations(name: str, fn: Callable, dtype: torch.dtype) -> tuple[list, list]:
    x, g, _ = _rows(dtype)
    f, f_err, v, v_err = _family_bounds(name, x, g, dtype)
    y, d = _run_rows(fn, x, g, dtype)
    out = []
    for got, exact, allowed in ((y, f, f_err), (d, v, v_err)):
        with np.errstate(over="ignore"):
            limit = exact.astype(DTYPES[dtype]).astype(np.float64)  # +-inf beyond the range
        bad = ~((np.abs(got - exact) <= allowed) | (np.isinf(limit) & (got == limit)))
        out.append([f"row {i}: got {got[i, j]!r}, exact {exact[i, j]!r}, allowed error "
                    f"{allowed[i, j]:.3g}" for i, j in np.argwhere(bad)])
    return out[0], out[1]


@pytest.mark.parametrize("dtype", list(DTYPES), ids=str)
@pytest.mark.parametrize("name", list(FAMILY))
def test_softmax_family_is_accurate(name, dtype):
    fn = functools.partial(FAMILY[name].apply, dim=1)
    bad_f, bad_v = _family_violations(name, lambda t: fn(t), dtype)
    assert not bad_f, f"{name} forward: {len(bad_f)} entries off, e.g. {bad_f[:3]}"
    assert not bad_v, f"{name} VJP: {len(bad_v)} entries off, e.g. {bad_v[:3]}"


def _plain_softmax_vjp(sign: int) -> Callable:
    """The textbook y ⊙ (g - <g, y>), as an autograd Function (what the criterion must reject)."""

    class Plain(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = torch.softmax(sign * x, dim=1)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return sign * y * (g - (g * y).sum(dim=1, keepdim=True))

    return Plain.apply


PLAIN_FORMS = [
    # (name, implementation, dtype, "forward" or "VJP")
    ("softmax", _plain_softmax_vjp(1), torch.float32, "VJP"),
    ("softmax", _plain_softmax_vjp(1), torch.float64, "VJP"),
    ("softmin", _plain_softmax_vjp(-1), torch.float32, "VJP"),
    ("softmax", lambda t: torch.softmax(t, dim=1), torch.float32, "VJP"),
    ("log_softmax", lambda t: torch.log_softmax(t, dim=1), torch.float32, "forward"),
    ("log_softmax", lambda t: torch.log_softmax(t, dim=1), torch.float64, "forward"),
]


@pytest.mark.parametrize(
    ("name", "fn", "dtype", "which"),
    PLAIN_FORMS,
    ids=[f"{n}-{i}-{str(d)[6:]}-{w}" for i, (n, _, d, w) in enumerate(PLAIN_FORMS)],
)
def test_the_family_criterion_catches_the_plain_forms(name, fn, dtype, which):
    """Not vacuous: the textbook VJP and torch's own functions fail where a logit dominates."""
    bad_f, bad_v = _family_violations(name, fn, dtype)
    assert bad_f if which == "forward" else bad_v


def _glu_violations(fn: Callable, dtype: torch.dtype) -> tuple[list, list]:
    x, g, sel = _rows(dtype, "glu")
    b = x[:, 1:]
    f = TABLE["glu/fwd_hi"][sel]
    v = TABLE["glu/grad_hi"][sel]
    s = 1 / (1 + np.exp(-np.clip(b, -700, 700)))
    kf = np.abs(b) * (1 - s)  # condition of a sigma(b) in b (and of g sigma(b))
    with np.errstate(over="ignore"):  # |b| up to the largest float64: no bound there
        f_err = (8 + 2 * kf) * _ulp(f, dtype)
        v_err = (8 + 2 * np.concatenate([kf, np.abs(b)], axis=1)) * _ulp(v, dtype)
    y, d = _run_rows(fn, x, g, dtype)
    out = []
    for got, exact, allowed in ((y, f, f_err), (d, v, v_err)):
        bad = ~(np.abs(got - exact) <= allowed)
        out.append([f"(a, b) = {tuple(x[i])}: got {got[i, j]!r}, exact {exact[i, j]!r}"
                    for i, j in np.argwhere(bad)])
    return out[0], out[1]


@pytest.mark.parametrize("dtype", list(DTYPES), ids=str)
def test_glu_is_accurate(dtype):
    bad_f, bad_v = _glu_violations(lambda t: AF.GLUFunction.apply(t, 1), dtype)
    assert not bad_f, f"GLU forward: {len(bad_f)} entries off, e.g. {bad_f[:3]}"
    assert not bad_v, f"GLU VJP: {len(bad_v)} entries off, e.g. {bad_v[:3]}"
