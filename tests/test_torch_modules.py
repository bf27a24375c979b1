"""Our torch modules and autograd Functions against torch.nn, the registry and gradcheck.

Parametrised over :data:`actlab.activations.registry.REGISTRY`: a new record gets every test here
for free (plus a few extra parameter settings listed in ``EXTRA_CASES``).
"""

from __future__ import annotations

import copy
import inspect
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from torch import nn

from actlab.activations import autograd as AF
from actlab.activations import modules as M
from actlab.activations.registry import REGISTRY

torch.set_num_threads(1)

SHAPE = (3, 6, 4)  # dim 1 (channels) = 6 for PReLU, last dim even for GLU


@dataclass(frozen=True)
class Case:
    """One module configuration: our class name, its constructor kwargs, and the record key."""

    id: str
    key: str
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def ours(self) -> nn.Module:
        return getattr(M, self.name)(**self.kwargs)

    def theirs(self) -> nn.Module | None:
        cls = getattr(nn, self.name, None)
        return None if cls is None else cls(**self.kwargs)

    @property
    def normalising(self) -> bool:
        return REGISTRY[self.key].kind == "normalising"


def _module_kwargs(key: str) -> dict[str, Any]:
    """Constructor kwargs of the module from the record's (numpy-named) defaults."""
    rec = REGISTRY[key]
    kwargs = dict(rec.defaults)
    if "axis" in kwargs:
        kwargs["dim"] = kwargs.pop("axis")
    if key == "prelu":
        kwargs = {"init": kwargs.pop("weight")}
    return kwargs


REGISTRY_CASES = [Case(k, k, r.name, _module_kwargs(k)) for k, r in REGISTRY.items()]
EXTRA_CASES = [
    Case("threshold(-1,3)", "threshold", "Threshold", {"threshold": -1.0, "value": 3.0}),
    Case("leaky_relu(0.2)", "leaky_relu", "LeakyReLU", {"negative_slope": 0.2}),
    Case("leaky_relu(-0.5)", "leaky_relu", "LeakyReLU", {"negative_slope": -0.5}),
    Case("prelu(6)", "prelu", "PReLU", {"num_parameters": 6, "init": -0.3}),
    Case("hardtanh(-2,3)", "hardtanh", "Hardtanh", {"min_val": -2.0, "max_val": 3.0}),
    Case("elu(2)", "elu", "ELU", {"alpha": 2.0}),
    Case("elu(0.5)", "elu", "ELU", {"alpha": 0.5}),
    Case("celu(0.5)", "celu", "CELU", {"alpha": 0.5}),
    Case("celu(3)", "celu", "CELU", {"alpha": 3.0}),
    Case("gelu(tanh)", "gelu", "GELU", {"approximate": "tanh"}),
    Case("hardshrink(1)", "hardshrink", "Hardshrink", {"lambd": 1.0}),
    Case("softshrink(1)", "softshrink", "Softshrink", {"lambd": 1.0}),
    Case("softplus(2,5)", "softplus", "Softplus", {"beta": 2.0, "threshold": 5.0}),
    Case("softplus(0.5,3)", "softplus", "Softplus", {"beta": 0.5, "threshold": 3.0}),
    Case("swish(1.7)", "swish", "Swish", {"beta": 1.7}),
    Case("swish(0.5,fixed)", "swish", "Swish", {"beta": 0.5, "learnable": False}),
    Case("softmax(0)", "softmax", "Softmax", {"dim": 0}),
    Case("log_softmax(1)", "log_softmax", "LogSoftmax", {"dim": 1}),
    Case("softmin(-2)", "softmin", "Softmin", {"dim": -2}),
    Case("glu(1)", "glu", "GLU", {"dim": 1}),
]
CASES = REGISTRY_CASES + EXTRA_CASES
TORCH_CASES = [c for c in CASES if c.theirs() is not None]
ids = [c.id for c in CASES]
torch_ids = [c.id for c in TORCH_CASES]

DTYPES = [torch.float32, torch.float64]


def _kinks(case: Case) -> list[float]:
    """Points where ``case``'s derivative is a convention or the formula switches branch."""
    rec = REGISTRY[case.key]
    pts = {0.0, *rec.kinks, *rec.switch_points}
    kw = case.kwargs
    for name in ("threshold", "min_val", "max_val", "lambd"):
        if name in kw:
            pts.update({kw[name], -kw[name]})
    if case.key == "softplus":
        pts.add(kw.get("threshold", 20.0) / kw.get("beta", 1.0))
    return sorted(pts)


def _away_from(x: torch.Tensor, points: list[float], gap: float) -> torch.Tensor:
    """Move every entry of ``x`` that is within ``gap`` of one of ``points`` by 2·gap."""
    for p in points:
        near = (x - p).abs() < gap
        x = torch.where(near, x + 2 * gap, x)
    return x


def _input(case: Case, dtype: torch.dtype, seed: int = 0, scale: float = 4.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(SHAPE, generator=g, dtype=torch.float64) * scale
    return _away_from(x, _kinks(case), 1e-3).to(dtype)


def _run(module: nn.Module, x: torch.Tensor, grad_output: torch.Tensor | None = None):
    """(output, input gradient) for ``grad_output`` (a fixed random tensor by default)."""
    x = x.detach().clone().requires_grad_(True)
    y = module(x)
    if grad_output is None:
        g = torch.Generator().manual_seed(1)
        grad_output = torch.randn(y.shape, generator=g, dtype=torch.float64).to(y.dtype)
    (gx,) = torch.autograd.grad(y, x, grad_output)
    return y.detach(), gx


def _assert_close(got, want, x, eps_multiple: float, dtype) -> None:
    """|got - want| <= k·eps·(|want| + 1 + min(|x|, 20)), NaN matching NaN.

    The absolute part grows with |x|: products such as x·sigma'(x) are rounded at the size of their
    largest term, so where the result is tiny a correct value is only known to about eps·|x|.
    (Capped at 20 so that ±inf and ±3e38 are still compared.)
    """
    eps = torch.finfo(dtype).eps
    tol = eps_multiple * eps * (want.abs() + 1 + x.abs().clamp(max=20))
    ok = (got == want) | ((got - want).abs() <= tol) | (got.isnan() & want.isnan())
    bad = ~ok
    assert not bad.any(), (
        f"{int(bad.sum())} mismatches, e.g. x={x[bad][:4].tolist()}: "
        f"got {got[bad][:4].tolist()}, want {want[bad][:4].tolist()}"
    )


def _pair(case: Case, dtype: torch.dtype) -> tuple[nn.Module, nn.Module]:
    ours, theirs = case.ours().to(dtype), case.theirs().to(dtype)
    ours.eval()  # RReLU: the deterministic mean slope; training is tested on its own
    theirs.eval()
    return ours, theirs


# --------------------------------------------------------------------------------------------
# API: names, signatures, repr, coverage
# --------------------------------------------------------------------------------------------

ELEMENTWISE_TORCH = [
    n for n in nn.modules.activation.__all__ if n not in ("MultiheadAttention", "Softmax2d")
]


@pytest.mark.parametrize("name", ELEMENTWISE_TORCH)
def test_every_torch_activation_has_our_module_with_torch_signature(name):
    ours, theirs = getattr(M, name), getattr(nn, name)
    sig_ours = inspect.signature(ours.__init__).parameters
    sig_theirs = inspect.signature(theirs.__init__).parameters
    shared = [(p.name, p.kind, p.default) for p in sig_theirs.values()]
    mine = [(p.name, p.kind, p.default) for p in sig_ours.values()][: len(shared)]
    assert mine == shared
    extra = [p for p in list(sig_ours.values())[len(shared) :]]
    # the only addition: RReLU's keyword-only generator
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None for p in extra)


def test_every_registry_record_resolves_to_our_module():
    for key, rec in REGISTRY.items():
        cls = rec.module
        assert cls.__module__ == "actlab.activations.modules", key
        assert issubclass(cls, nn.Module)
        assert key in AF.FUNCTIONS


REPR_CASES = [
    ("Threshold", (0.1, 20), {}),
    ("Threshold", (0.1, 20, True), {}),
    ("ReLU", (), {}),
    ("ReLU", (), {"inplace": True}),
    ("RReLU", (0.1, 0.3), {}),
    ("RReLU", (), {"inplace": True}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2, True), {}),
    ("PReLU", (3,), {}),
    ("ReLU6", (), {}),
    ("ReLU6", (True,), {}),
    ("Hardtanh", (-2, 2), {}),
    ("Hardtanh", (), {"inplace": True}),
    ("Sigmoid", (), {}),
    ("Hardsigmoid", (True,), {}),
    ("Tanh", (), {}),
    ("LogSigmoid", (), {}),
    ("Softsign", (), {}),
    ("SiLU", (True,), {}),
    ("Mish", (), {"inplace": True}),
    ("Hardswish", (True,), {}),
    ("ELU", (), {}),
    ("ELU", (2.0, True), {}),
    ("CELU", (0.5,), {}),
    ("SELU", (True,), {}),
    ("GELU", (), {}),
    ("GELU", ("tanh",), {}),
    ("Hardshrink", (), {}),
    ("Softshrink", (0.3,), {}),
    ("Tanhshrink", (), {}),
    ("Softplus", (2, 10), {}),
    ("Softmax", (), {}),
    ("Softmax", (1,), {}),
    ("LogSoftmax", (), {"dim": -1}),
    ("Softmin", (0,), {}),
    ("GLU", (), {}),
    ("GLU", (1,), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), REPR_CASES)
def test_repr_matches_torch(name, args, kwargs):
    assert repr(getattr(M, name)(*args, **kwargs)) == repr(getattr(nn, name)(*args, **kwargs))


def test_swish_repr_and_defaults():
    assert repr(M.Swish()) == "Swish(beta=1.0, learnable=True)"
    assert repr(M.Swish(0.5, learnable=False)) == "Swish(beta=0.5, learnable=False)"


def test_hardtanh_deprecated_keywords_warn_like_torch():
    with pytest.warns(FutureWarning, match="min_value"):
        m = M.Hardtanh(min_value=-2.0)
    assert m.min_val == -2.0


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_module_runs_our_autograd_function(case):
    """The gradient comes from our Function, never from torch's autograd of the forward ops."""
    x = _input(case, torch.float64).requires_grad_(True)
    y = case.ours()(x) if case.key != "swish" else case.ours().double()(x)
    fn = AF.FUNCTIONS[case.key]
    assert type(y.grad_fn).__name__ == fn.__name__ + "Backward"


# --------------------------------------------------------------------------------------------
# Parity with torch.nn: random inputs, kinks, zeros, ±inf, NaN
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("case", TORCH_CASES, ids=torch_ids)
def test_parity_with_torch_at_random_inputs(case, dtype):
    """Forward and backward agree with torch to a few eps on [-12, 12].

    The tolerance is relative plus an absolute floor of a few eps·(1 + |x|): where the true value is
    tiny, torch's own result is off by about that much (its derivatives of sigmoid, tanh and
    tanhshrink, its GELU tails); REFERENCE.md lists these, and ``test_torch_accuracy.py`` checks
    ours against a 50-digit reference there.
    """
    ours, theirs = _pair(case, dtype)
    for seed, scale in ((0, 1.0), (1, 4.0)):
        x = _input(case, dtype, seed, scale).clamp(-12, 12)
        y1, g1 = _run(ours, x)
        y2, g2 = _run(theirs, x)
        assert y1.dtype == y2.dtype == dtype and y1.shape == y2.shape
        _assert_close(y1, y2, x if not case.normalising else torch.zeros_like(y1), 4, dtype)
        if (case.key, dtype) == ("hardsigmoid", torch.float64):
            continue  # torch's float64 derivative is a float32-rounded 1/6; see the next test
        _assert_close(g1, g2, x if not case.normalising else torch.zeros_like(x), 8, dtype)


def test_hardsigmoid_float64_derivative_is_exactly_one_sixth():
    """Where torch 2.13 is not accurate (it returns float32(1/6) in float64), check exactness."""
    x = torch.tensor([-2.5, -1.0, 0.0, 2.9], dtype=torch.float64, requires_grad=True)
    M.Hardsigmoid()(x).sum().backward()
    assert torch.equal(x.grad, torch.full_like(x, 1 / 6))
    y = torch.tensor([-2.5], dtype=torch.float64, requires_grad=True)
    TF.hardsigmoid(y).sum().backward()
    assert y.grad.item() != 1 / 6  # the torch shortfall this test exists for


def _edge_points(case: Case, dtype: torch.dtype) -> torch.Tensor:
    big = torch.finfo(dtype).max
    pts = [*_kinks(case), -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, big, -big]
    return torch.tensor(pts, dtype=dtype)


POINTWISE = [c for c in CASES if not c.normalising and c.kwargs.get("num_parameters", 1) == 1]
POINTWISE_TORCH = [c for c in POINTWISE if c in TORCH_CASES]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("case", POINTWISE_TORCH, ids=lambda c: c.id)
def test_kinks_nan_and_inf_match_torch(case, dtype):
    """At kinks, ±0, ±1, ±inf and ±(largest float) our values are torch's; NaN gives NaN.

    Where torch returns NaN for a non-NaN input (SiLU, Mish, GELU, Hardswish and Softsign at
    ±inf, the tanh-GELU derivative at ±3e38, ...) ours returns the limit instead, checked in the
    next test. At a NaN input torch's piecewise gradients are 0, 1 or the slope depending on its
    vectorised loop; ours are NaN (``test_nan_in_nan_out``).
    """
    x = _edge_points(case, dtype)
    ours, theirs = _pair(case, dtype)
    ones = torch.ones_like(x)
    y1, g1 = _run(ours, x, ones)
    y2, g2 = _run(theirs, x, ones)
    for got, want in ((y1, y2), (g1, g2)):
        if want is g2 and (case.key, dtype) == ("hardsigmoid", torch.float64):
            continue  # torch's float64 derivative is a float32-rounded 1/6
        defined = ~want.isnan() & ~x.isnan()
        # the kinks and special values are exact; smooth functions at ±1 agree to a few eps
        _assert_close(got[defined], want[defined], x[defined], 4, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("case", POINTWISE, ids=lambda c: c.id)
def test_values_at_infinity_are_the_limits(case, dtype):
    """f(±inf) and f'(±inf) are the limits: the values at ±(largest float) where f is bounded
    there, and ±inf where f grows without bound. Never NaN."""
    big = torch.finfo(dtype).max
    m = case.ours().to(dtype).eval()
    x = torch.tensor([math.inf, -math.inf], dtype=dtype)
    xb = torch.tensor([big, -big], dtype=dtype)
    y, g = _run(m, x, torch.ones_like(x))
    yb, gb = _run(m, xb, torch.ones_like(x))
    assert not y.isnan().any() and not g.isnan().any()
    for i in range(2):
        if yb[i].abs() > 1e30:  # unbounded on this side: f(±inf) = ±inf, same sign as f(±big)
            assert y[i].isinf() and torch.sign(y[i]) == torch.sign(yb[i])
        else:
            assert y[i] == yb[i]
    torch.testing.assert_close(g, gb, rtol=0, atol=0)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_nan_in_nan_out(case):
    """A NaN input gives a NaN output and a NaN gradient, and no NaN anywhere else (elementwise)."""
    m = case.ours().double().eval()
    x = _input(case, torch.float64)
    x[0, 0, 0] = math.nan
    y, g = _run(m, x)
    assert y.isnan().any() and g.isnan().any()
    if not case.normalising:
        assert y[0, 0, 0].isnan() and g[0, 0, 0].isnan()
        assert y.isnan().sum() == 1 and g.isnan().sum() == 1


@pytest.mark.parametrize("case", TORCH_CASES, ids=torch_ids)
def test_float16_and_bfloat16_close_to_float32(case):
    x32 = _input(case, torch.float32, scale=2.0)
    for dtype in (torch.float16, torch.bfloat16):
        x = x32.to(dtype)
        m = case.ours().to(dtype).eval()
        y, g = _run(m, x, torch.ones(m(x).shape, dtype=dtype))
        ref = case.ours().eval()
        y32, g32 = _run(ref, x.float(), torch.ones(y.shape))
        assert y.dtype == dtype and g.dtype == dtype
        tol = 4 * torch.finfo(dtype).eps
        torch.testing.assert_close(y.float(), y32, rtol=tol, atol=tol)
        torch.testing.assert_close(g.float(), g32, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", [c for c in CASES if not c.normalising], ids=lambda c: c.id)
def test_shapes_zero_d_and_empty(case):
    m = case.ours().eval()
    if case.name == "PReLU" and case.kwargs.get("num_parameters", 1) > 1:
        x = torch.zeros(0, 6, 2)
        assert m(x).shape == x.shape
        return
    for x in (torch.tensor(-0.7), torch.zeros(0), torch.zeros(2, 0, 3)):
        y = m(x)
        assert y.shape == x.shape and y.dtype == x.dtype
    x = torch.arange(12.0).reshape(3, 4).t() - 5  # non-contiguous
    torch.testing.assert_close(m(x), m(x.contiguous()))


# --------------------------------------------------------------------------------------------
# gradcheck (float64) for every Function and module
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_gradcheck_and_gradgradcheck(case):
    m = case.ours().double().eval()
    x = _input(case, torch.float64, seed=3, scale=2.5)[:1].requires_grad_(True)
    params = tuple(p for p in m.parameters())

    def f(x, *params):
        return m(x)

    assert torch.autograd.gradcheck(f, (x, *params))
    assert torch.autograd.gradgradcheck(f, (x, *params))


@pytest.mark.parametrize("num_parameters", [1, 6])
def test_gradcheck_prelu_function_in_weight(num_parameters):
    g = torch.Generator().manual_seed(4)
    x = _away_from(torch.randn(SHAPE, generator=g, dtype=torch.float64), [0.0], 1e-3)
    w = torch.randn(num_parameters, generator=g, dtype=torch.float64)
    x.requires_grad_(True)
    w.requires_grad_(True)
    assert torch.autograd.gradcheck(AF.PReLUFunction.apply, (x, w))
    assert torch.autograd.gradgradcheck(AF.PReLUFunction.apply, (x, w))


def test_gradcheck_swish_function_in_beta():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(2, 5, generator=g, dtype=torch.float64).requires_grad_(True)
    for beta in (0.0, 0.7, -1.3, 4.0):
        b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
        assert torch.autograd.gradcheck(AF.SwishFunction.apply, (x, b))
        assert torch.autograd.gradgradcheck(AF.SwishFunction.apply, (x, b))


def test_gradcheck_rrelu_in_training_with_a_fixed_generator():
    x = _input(Case("r", "rrelu", "RReLU"), torch.float64).requires_grad_(True)

    def f(x):
        return AF.RReLUFunction.apply(x, 0.1, 0.4, True, torch.Generator().manual_seed(6))

    assert torch.autograd.gradcheck(f, (x,))


def test_needs_input_grad_skips_unneeded_gradients():
    x = torch.randn(4, 3, dtype=torch.float64)
    w = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64, requires_grad=True)
    AF.PReLUFunction.apply(x, w).sum().backward()
    assert x.grad is None and w.grad is not None
    x.requires_grad_(True)
    w2 = w.detach()
    AF.PReLUFunction.apply(x, w2).sum().backward()
    assert x.grad is not None and w2.grad is None


# --------------------------------------------------------------------------------------------
# Agreement with the numpy core from the registry
# --------------------------------------------------------------------------------------------


def _numpy_params(case: Case, module: nn.Module) -> dict[str, Any]:
    """The numpy function's parameters for ``module`` (learnt ones read from the module, since a
    float32 parameter moved to float64 is not the Python float it was made from)."""
    kw = dict(case.kwargs)
    if case.key == "prelu":
        kw = {"weight": module.weight[0].item()}
    if case.key == "swish":
        kw = {"beta": module.beta.item()}
    if "dim" in kw:
        kw["axis"] = kw.pop("dim")
    return kw


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_matches_numpy_forward_and_derivative(case):
    rec = REGISTRY[case.key]
    m = case.ours().double().eval()
    x = _input(case, torch.float64, seed=7)
    if case.key == "prelu" and case.kwargs.get("num_parameters", 1) > 1:
        x = x[:, :1]  # a scalar slope: the numpy prelu broadcasts a scalar weight
        m = M.PReLU(1, init=case.kwargs["init"]).double()
    g = torch.randn(
        (*x.shape[:-1], x.shape[-1] // 2 if case.key == "glu" else x.shape[-1]),
        generator=torch.Generator().manual_seed(8),
        dtype=torch.float64,
    )
    if case.key == "glu" and case.kwargs.get("dim", -1) != -1:
        g = torch.randn(m(x).shape, dtype=torch.float64, generator=torch.Generator().manual_seed(8))
    y, gx = _run(m, x, g)
    params = _numpy_params(case, m)
    xn = x.numpy()
    if rec.kind == "normalising":
        expected = rec.derivative(xn, g.numpy(), **params)
        scale = torch.zeros_like(y)
    else:
        expected = g.numpy() * rec.derivative(xn, **params)
        scale = x
    # both cores are accurate to a few ULP in float64 (to eps·|x| where the result is tiny)
    _assert_close(y, torch.from_numpy(np.asarray(rec.forward(xn, **params))), scale, 16, x.dtype)
    gscale = torch.zeros_like(gx) if rec.kind == "normalising" else x
    _assert_close(gx, torch.from_numpy(np.asarray(expected)), gscale, 32, x.dtype)


KINK_CASES = [pytest.param(c, id=c.id) for c in CASES if not c.normalising]


@pytest.mark.parametrize("case", KINK_CASES)
def test_kink_values_match_numpy(case):
    """Both cores state the same value and derivative at every kink and switch point."""
    rec = REGISTRY[case.key]
    pts = torch.tensor(_kinks(case), dtype=torch.float64)
    m = case.ours().double().eval()
    if case.key == "prelu":
        m = M.PReLU(1, init=case.kwargs.get("init", 0.25)).double()
    y, g = _run(m, pts, torch.ones_like(pts))
    params = _numpy_params(case, m)
    eps = torch.finfo(torch.float64).eps
    np.testing.assert_allclose(y.numpy(), rec.forward(pts.numpy(), **params), rtol=8 * eps)
    np.testing.assert_allclose(g.numpy(), rec.derivative(pts.numpy(), **params), rtol=8 * eps)


# --------------------------------------------------------------------------------------------
# Normalising functions: dims, torch's legacy dim=None rule, GLU
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin"])
@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
def test_dim_none_follows_torch_legacy_rule_with_a_warning(name, ndim):
    x = torch.randn((3,) * ndim, dtype=torch.float64, generator=torch.Generator().manual_seed(9))
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        y1 = getattr(M, name)()(x)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        y2 = getattr(nn, name)()(x)
    torch.testing.assert_close(y1, y2)


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin"])
def test_softmax_family_is_stable_for_huge_logits(name):
    x = torch.tensor([[1000.0, 0.0, -1000.0], [-1e30, -1e30, 0.0]], requires_grad=True)
    y = getattr(M, name)(dim=1)(x)
    assert torch.isfinite(y).all() if name != "LogSoftmax" else torch.isfinite(y[0, :2]).all()
    torch.testing.assert_close(y, getattr(nn, name)(dim=1)(x))
    y.sum().backward()
    assert torch.isfinite(x.grad).all()


# --------------------------------------------------------------------------------------------
# Learnable modules: PReLU and Swish
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("num_parameters", [1, 4])
@pytest.mark.parametrize("shape", [(5, 4), (2, 4, 3), (2, 4, 3, 2)])
def test_prelu_matches_torch_including_weight_gradient(num_parameters, shape):
    g = torch.Generator().manual_seed(10)
    ours, theirs = M.PReLU(num_parameters), nn.PReLU(num_parameters)
    with torch.no_grad():
        w = torch.randn(num_parameters, generator=g)
        ours.weight.copy_(w)
        theirs.weight.copy_(w)
    x = torch.randn(shape, generator=g)
    go = torch.randn(shape, generator=g)
    y1, y2 = ours(x), theirs(x)
    y1.backward(go)
    y2.backward(go)
    torch.testing.assert_close(y1, y2)
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)


def test_prelu_one_dim_input_and_channel_mismatch():
    x = torch.tensor([-2.0, 0.0, 3.0])
    torch.testing.assert_close(M.PReLU()(x), nn.PReLU()(x))
    with pytest.raises(ValueError, match=r"PReLU\(num_parameters=3\).*3 channels.*\(3,\)"):
        M.PReLU(3)(x)
    with pytest.raises(ValueError, match=r"PReLU\(num_parameters=3\).*\(2, 4\)"):
        M.PReLU(3)(torch.zeros(2, 4))


def test_prelu_state_dict_round_trip_and_torch_compatibility():
    ours = M.PReLU(3, init=0.1)
    with torch.no_grad():
        ours.weight.add_(torch.tensor([0.0, 0.5, -0.2]))
    buf = io.BytesIO()
    torch.save(ours.state_dict(), buf)
    buf.seek(0)
    fresh = M.PReLU(3)
    fresh.load_state_dict(torch.load(buf))
    assert torch.equal(fresh.weight, ours.weight)
    theirs = nn.PReLU(3)
    theirs.load_state_dict(ours.state_dict())  # same keys and shapes as torch's
    x = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(11))
    torch.testing.assert_close(fresh(x), theirs(x))
    fresh.reset_parameters()
    assert torch.equal(fresh.weight, torch.full((3,), 0.25))


def test_prelu_weight_dtype_device_and_parameter_count():
    m = M.PReLU(5, init=0.2, dtype=torch.float64)
    assert m.weight.dtype == torch.float64 and m.weight.shape == (5,)
    assert [n for n, _ in m.named_parameters()] == ["weight"]


@pytest.mark.parametrize("module", [M.PReLU, M.Swish], ids=lambda m: m.__name__)
def test_learnable_modules_keep_the_input_dtype(module):
    """A float32 parameter does not promote a float16 input, nor demote a float64 one."""
    m = module()
    for dtype in (torch.float16, torch.bfloat16, torch.float64):
        x = torch.randn(4, 1, 3, dtype=dtype, requires_grad=True)
        y = m(x)
        y.sum().backward()
        assert y.dtype == x.grad.dtype == dtype
        assert all(p.grad.dtype == torch.float32 for p in m.parameters())
        m.zero_grad()


def test_swish_forward_matches_formula_and_silu():
    x = torch.linspace(-8, 8, 101, dtype=torch.float64)
    for beta in (0.0, 0.5, 1.0, 3.0):
        m = M.Swish(beta).double()
        torch.testing.assert_close(m(x), x * torch.sigmoid(beta * x), rtol=1e-14, atol=1e-15)
    torch.testing.assert_close(M.Swish(1.0).double()(x), TF.silu(x), rtol=1e-14, atol=1e-15)


def test_swish_learnable_parameter_versus_buffer():
    learnable, fixed = M.Swish(0.8), M.Swish(0.8, learnable=False)
    assert [n for n, _ in learnable.named_parameters()] == ["beta"]
    assert learnable.beta.shape == () and learnable.beta.requires_grad
    assert list(fixed.parameters()) == [] and "beta" in dict(fixed.named_buffers())
    for m in (learnable, fixed):
        sd = m.state_dict()
        assert set(sd) == {"beta"}
        other = M.Swish(2.0, learnable=m.learnable)
        other.load_state_dict(sd)
        assert other.beta.item() == pytest.approx(0.8)
    x = torch.randn(4, requires_grad=True)
    fixed(x).sum().backward()
    assert x.grad is not None and fixed.beta.grad is None


def test_swish_deepcopy_and_dtype_move():
    m = M.Swish(1.5)
    m2 = copy.deepcopy(m).double()
    assert m2.beta.dtype == torch.float64 and m2.beta.item() == 1.5
    assert isinstance(m2.beta, nn.Parameter)


def _one_training_step(act: nn.Module, seed: int = 12) -> None:
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(5, 6), act, nn.Linear(6, 3))
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(32, 5, generator=g), torch.randint(0, 3, (32,), generator=g)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    loss = nn.functional.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert nn.functional.cross_entropy(net(x), y) < loss


def test_a_training_step_moves_prelu_weight():
    for act in (M.PReLU(), M.PReLU(6)):
        before = act.weight.detach().clone()
        _one_training_step(act)
        assert not torch.equal(act.weight, before)


def test_a_training_step_moves_swish_beta_but_not_a_fixed_one():
    act = M.Swish(1.0)
    _one_training_step(act)
    assert act.beta.item() != 1.0
    fixed = M.Swish(1.0, learnable=False)
    _one_training_step(fixed)
    assert fixed.beta.item() == 1.0


# --------------------------------------------------------------------------------------------
# RReLU: random slopes in training, the mean slope in evaluation
# --------------------------------------------------------------------------------------------


def test_rrelu_training_draws_slopes_in_range_and_gradient_is_the_slope():
    m = M.RReLU(0.1, 0.3, generator=torch.Generator().manual_seed(13))
    x = torch.cat([-torch.rand(2000) - 0.01, torch.rand(500) + 0.01]).requires_grad_(True)
    y = m(x)
    y.sum().backward()
    slopes = (y / x).detach()
    neg = x.detach() < 0
    assert ((slopes[neg] >= 0.1) & (slopes[neg] <= 0.3)).all()
    assert torch.equal(slopes[~neg], torch.ones(int((~neg).sum())))
    torch.testing.assert_close(x.grad, slopes)  # the derivative is the drawn slope
    assert slopes[neg].std() > 0.04  # many different slopes (U(0.1, 0.3) has std 0.058)
    assert abs(slopes[neg].mean() - 0.2) < 0.01


def test_rrelu_is_reproducible_with_a_generator_and_redraws_every_call():
    x = -torch.rand(100) - 0.1

    def draw(seed):
        return M.RReLU(generator=torch.Generator().manual_seed(seed))(x)

    assert torch.equal(draw(1), draw(1))
    assert not torch.equal(draw(1), draw(2))
    m = M.RReLU(generator=torch.Generator().manual_seed(1))
    assert not torch.equal(m(x), m(x))


def test_rrelu_eval_uses_the_mean_slope_like_torch():
    x = torch.tensor([-3.0, -1.0, 0.0, 2.0], requires_grad=True)
    m = M.RReLU(0.1, 0.5).eval()
    y = m(x)
    torch.testing.assert_close(y, torch.tensor([-0.9, -0.3, 0.0, 2.0]))
    torch.testing.assert_close(y, nn.RReLU(0.1, 0.5).eval()(x))
    y.sum().backward()
    torch.testing.assert_close(x.grad, torch.tensor([0.3, 0.3, 0.3, 1.0]))


def test_rrelu_module_pickles_with_its_generator():
    m = M.RReLU(generator=torch.Generator().manual_seed(3))
    m2 = copy.deepcopy(m)
    x = -torch.ones(10)
    assert torch.equal(m(x), m2(x))


# --------------------------------------------------------------------------------------------
# inplace: accepted, documented as out of place
# --------------------------------------------------------------------------------------------

INPLACE = [
    "Threshold",
    "ReLU",
    "RReLU",
    "LeakyReLU",
    "ReLU6",
    "Hardtanh",
    "Hardsigmoid",
    "SiLU",
    "Mish",
    "Hardswish",
    "ELU",
    "CELU",
    "SELU",
]


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_is_accepted_and_leaves_the_input_untouched(name):
    args = (0.5, -1.0) if name == "Threshold" else ()
    m = getattr(M, name)(*args, inplace=True).eval()
    assert m.inplace is True
    x = torch.linspace(-4, 4, 9)
    before = x.clone()
    y = m(x)
    assert torch.equal(x, before)
    torch.testing.assert_close(y, getattr(nn, name)(*args).eval()(before))


# --------------------------------------------------------------------------------------------
# Bad inputs: clear errors that name the module, the value and what was expected
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REGISTRY_CASES, ids=lambda c: c.id)
def test_non_tensor_input_is_a_type_error_naming_the_module(case):
    for bad, shown in (([1.0, 2.0], "list"), (None, "NoneType"), (np.ones(3), "ndarray")):
        with pytest.raises(TypeError, match=rf"^{case.name}: expected a torch.Tensor, got {shown}"):
            case.ours()(bad)


@pytest.mark.parametrize("case", REGISTRY_CASES, ids=lambda c: c.id)
def test_non_floating_tensor_is_a_type_error(case):
    for dtype in (torch.int64, torch.bool, torch.complex64):
        x = torch.ones(2, 6, 4, dtype=dtype)
        with pytest.raises(TypeError, match=rf"^{case.name}: expected a floating-point .*{dtype}"):
            case.ours()(x)


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin", "GLU"])
@pytest.mark.parametrize(("dim", "shape"), [(2, (2, 4)), (-3, (2, 4)), (1, ()), (5, (4,))])
def test_dim_out_of_range_is_a_value_error(name, dim, shape):
    if name == "GLU" and shape == ():
        with pytest.raises(ValueError, match="GLU: expected an input with at least 1 dimension"):
            M.GLU(dim)(torch.ones(shape))
        return
    with pytest.raises(ValueError, match=rf"^{name}\(dim={dim}\).*ndim={len(shape)}"):
        getattr(M, name)(dim)(torch.ones(shape))


def test_glu_odd_size_is_a_value_error():
    with pytest.raises(
        ValueError, match=r"GLU\(dim=-1\).*must be even.*got 5 \(input shape \(2, 5\)\)"
    ):
        M.GLU()(torch.ones(2, 5))


@pytest.mark.parametrize(
    ("factory", "error", "pattern"),
    [
        (lambda: M.Hardtanh(1.0, 1.0), ValueError, r"Hardtanh: max_val \(1.0\) must be greater"),
        (lambda: M.RReLU(0.5, 0.1), ValueError, r"RReLU: lower must be <= upper, got lower=0.5"),
        (lambda: M.RReLU(generator=3), TypeError, r"RReLU: generator must be a torch.Generator"),
        (lambda: M.CELU(0.0), ValueError, r"CELU: alpha must not be 0"),
        (lambda: M.Softshrink(-0.1), ValueError, r"Softshrink: lambd must be >= 0, got -0.1"),
        (lambda: M.Softplus(beta=0), ValueError, r"Softplus: beta must not be 0"),
        (
            lambda: M.GELU("exact"),
            ValueError,
            r"GELU: approximate must be 'none' or 'tanh', got 'exact'",
        ),
        (lambda: M.PReLU(0), ValueError, r"PReLU: num_parameters must be >= 1, got 0"),
        (lambda: M.PReLU(2.0), TypeError, r"PReLU: num_parameters must be an int, got 2.0"),
        (
            lambda: M.LeakyReLU("0.1"),
            TypeError,
            r"LeakyReLU: negative_slope must be a real number, got '0.1'",
        ),
        (lambda: M.ELU(math.nan), ValueError, r"ELU: alpha must not be NaN"),
        (lambda: M.Softmax(dim=1.0), TypeError, r"Softmax: dim must be an int or None, got 1.0"),
        (lambda: M.GLU(dim=None), TypeError, r"GLU: dim must be an int, got None"),
        (lambda: M.Swish(learnable=1), TypeError, r"Swish: learnable must be a bool, got 1"),
        (lambda: M.Threshold(None, 1.0), TypeError, r"Threshold: threshold must be a real number"),
    ],
)
def test_bad_constructor_arguments(factory, error, pattern):
    with pytest.raises(error, match=pattern):
        factory()
