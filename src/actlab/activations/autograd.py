r"""Every activation as a ``torch.autograd.Function`` with its backward written out.

Each class below is a forward/backward pair in the spirit of micrograd and cs231n: ``forward``
computes the activation from plain torch ops and saves the least it needs, ``backward`` turns the
upstream gradient ``grad_output`` into the gradient with respect to each input. Read them side by
side with the formulas; the modules in :mod:`actlab.activations.modules` are thin wrappers over
them.

Conventions shared by every function here:

* **Kinks.** Where the derivative is not defined, the value returned is torch's, stated in a
  comment (for example ReLU'(0) = 0, LeakyReLU'(0) = negative_slope, ELU'(0) = alpha).
* **NaN.** A NaN input gives a NaN output and a NaN gradient, as in the numpy core. (Torch's
  piecewise backward kernels return 0, 1 or the slope at a NaN input, and which one depends on
  whether the element went through the vectorised loop; :func:`_keep_nan` makes ours definite.)
* **Infinities.** ``f(±inf)`` and ``f'(±inf)`` are the limits. Where torch 2.13 returns NaN at
  ±inf (SiLU, Mish, GELU, Hardswish, Softsign and their derivatives) these functions return the
  limit instead; :func:`_times` is the one trick used for that.
* **Stability.** No textbook formula that overflows or cancels: a two-branch sigmoid (never
  ``exp`` of a positive number), ``expm1``/``log1p``, ``erfc`` for GELU's left tail, the max-shift
  for softmax, and ``sigma(x)·sigma(-x)`` instead of ``s·(1-s)`` for the sigmoid derivative
  (``s·(1-s)`` is 0 once ``s`` rounds to 1, at x ≈ 17 in float32, although the true value is 4e-8).
* **needs_input_grad.** A gradient that autograd does not need is not computed (``None``).

Example:
    >>> import torch
    >>> from actlab.activations.autograd import ReLUFunction
    >>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> ReLUFunction.apply(x).sum().backward()
    >>> x.grad
    tensor([0., 0., 1.])
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor
from torch.autograd import Function
from torch.autograd.function import FunctionCtx

__all__ = [
    "FUNCTIONS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "CELUFunction",
    "ELUFunction",
    "GELUFunction",
    "GLUFunction",
    "HardshrinkFunction",
    "HardsigmoidFunction",
    "HardswishFunction",
    "HardtanhFunction",
    "LeakyReLUFunction",
    "LogSigmoidFunction",
    "LogSoftmaxFunction",
    "MishFunction",
    "PReLUFunction",
    "RReLUFunction",
    "ReLU6Function",
    "ReLUFunction",
    "SELUFunction",
    "SiLUFunction",
    "SigmoidFunction",
    "SoftmaxFunction",
    "SoftminFunction",
    "SoftplusFunction",
    "SoftshrinkFunction",
    "SoftsignFunction",
    "SwishFunction",
    "TanhFunction",
    "TanhshrinkFunction",
    "ThresholdFunction",
]

# Klambauer et al. 2017, the values torch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_SQRT_HALF = math.sqrt(0.5)  # 1/sqrt(2)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_K = math.sqrt(2.0 / math.pi)  # sqrt(2/pi), the tanh approximation's inner scale
_GELU_TANH_C = 0.044715


def _times(x: Tensor, w: Tensor) -> Tensor:
    """Return ``x * w``, but 0 where ``w == 0``.

    ``w`` is always a factor that decays to exactly 0 faster than ``x`` grows (``sigma(x)`` for
    x → -inf, the Gaussian density, ...), so the true product there is 0. Plain ``x * w`` would
    give ``inf * 0 = NaN`` at x = ±inf. The zero keeps the sign of ``x``, and a NaN in either
    factor still gives NaN.
    """
    return torch.where(w == 0, w * torch.sign(x), x * w)


def _keep_nan(x: Tensor, grad: Tensor) -> Tensor:
    """``grad``, but NaN wherever ``x`` is NaN (a comparison such as ``x > 0`` is just False there)."""
    return torch.where(torch.isnan(x), x, grad)


def _sigmoid_pair(x: Tensor) -> tuple[Tensor, Tensor]:
    """(sigma(x), sigma(-x)) from a single ``exp``, accurate in both tails.

    With e = e^-|x| <= 1: sigma(|x|) = 1/(1 + e) and sigma(-|x|) = e/(1 + e). Nothing overflows,
    and the small one keeps the subnormal values that ``torch.sigmoid`` flushes to 0 below
    x = -88.7 in float32. (``-|x|`` is written as a ``where`` so that autograd, in double
    backward, takes the slope of the x >= 0 branch at x = 0 instead of abs's 0.)
    """
    e = torch.exp(torch.where(x >= 0, -x, x))
    big = 1 / (1 + e)
    small = e * big
    return torch.where(x >= 0, big, small), torch.where(x >= 0, small, big)


def _sigmoid(x: Tensor) -> Tensor:
    """sigma(x) = 1 / (1 + e^-x), see :func:`_sigmoid_pair`."""
    return _sigmoid_pair(x)[0]


def _dsigmoid(x: Tensor) -> Tensor:
    """sigma'(x) = sigma(x)·sigma(-x), accurate in both tails (no 1 - sigma cancellation)."""
    s, s_neg = _sigmoid_pair(x)
    return s * s_neg


# --------------------------------------------------------------------------------------------
# Rectifiers: Threshold, ReLU, RReLU, LeakyReLU, PReLU, Hardtanh, ReLU6
# --------------------------------------------------------------------------------------------


class ThresholdFunction(Function):
    """y = x if x > threshold else value.  dy/dx = 1 if x > threshold else 0 (0 at the kink)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, threshold: float, value: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        # x <= threshold is False for NaN, so NaN passes through, as in torch
        return torch.where(x <= threshold, value, x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        (x,) = ctx.saved_tensors
        grad = torch.where(x > ctx.threshold, grad_output, 0)  # 0 at x == threshold
        return _keep_nan(x, grad), None, None


class ReLUFunction(Function):
    """y = max(0, x).  dy/dx = 1 if x > 0 else 0; ReLU'(0) = 0, as in torch."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        y = x.clamp(min=0)  # clamp keeps NaN
        ctx.save_for_backward(y)  # y > 0 exactly where x > 0, so y is all backward needs
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (y,) = ctx.saved_tensors
        grad = torch.where(y > 0, grad_output, 0)  # ReLU'(0) = 0
        return _keep_nan(y, grad)


class LeakyReLUFunction(Function):
    """y = x if x > 0 else negative_slope·x.  LeakyReLU'(0) = negative_slope, as in torch."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, negative_slope: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return torch.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        # the slope at the kink x = 0 is negative_slope
        grad = torch.where(x > 0, grad_output, grad_output * ctx.negative_slope)
        return _keep_nan(x, grad), None


class RReLUFunction(Function):
    """Randomised leaky ReLU (Xu et al. 2015).

    Training: y = x if x > 0 else a·x, with one slope a ~ U(lower, upper) drawn per element (and
    used at x = 0 too, as in torch); dy/dx is that same a. Evaluation: a = (lower + upper) / 2 for
    every element, i.e. a LeakyReLU with the mean slope.
    """

    @staticmethod
    def forward(
        ctx: FunctionCtx,
        x: Tensor,
        lower: float,
        upper: float,
        training: bool,
        generator: torch.Generator | None,
    ) -> Tensor:
        if training:
            slope = torch.empty_like(x).uniform_(lower, upper, generator=generator)
        else:
            slope = torch.full_like(x, (lower + upper) / 2)
        # x = 0 takes the slope of the negative side, as in torch
        slope = _keep_nan(x, torch.where(x > 0, 1, slope))
        ctx.save_for_backward(slope)
        return x * slope

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None, None, None
        (slope,) = ctx.saved_tensors
        return grad_output * slope, None, None, None, None


def _channel_view(weight: Tensor, x: Tensor) -> Tensor:
    """PReLU's weight in ``x``'s dtype, shaped to broadcast over channel dim 1 of ``x``."""
    shape = [1] * x.ndim
    if x.ndim >= 2:
        shape[1] = weight.numel()
    return weight.reshape(shape).to(x.dtype)


class PReLUFunction(Function):
    """y = x if x > 0 else a·x, with a learnable slope ``a`` per channel (He et al. 2015).

    ``weight`` has shape ``(C,)`` and broadcasts over dim 1 of the input (C = 1: one slope for
    all). dy/dx = 1 if x > 0 else a (a at the kink x = 0, as in torch); dy/da = 0 if x > 0 else x,
    summed over every element that shares the slope.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, weight: Tensor) -> Tensor:
        a = _channel_view(weight, x)  # in x's dtype: a float16 input gives a float16 output
        ctx.save_for_backward(x, weight)
        return torch.where(x > 0, x, a * x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, weight = ctx.saved_tensors
        a = _channel_view(weight, x)
        positive = x > 0
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = _keep_nan(x, torch.where(positive, grad_output, a * grad_output))
        if ctx.needs_input_grad[1]:
            per_element = torch.where(positive, 0, x * grad_output)
            grad_w = per_element.sum_to_size(a.shape).reshape(weight.shape)
        return grad_x, grad_w


class HardtanhFunction(Function):
    """y = clamp(x, min_val, max_val).  dy/dx = 1 strictly inside, 0 outside and at both kinks."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, min_val: float, max_val: float) -> Tensor:
        y = x.clamp(min_val, max_val)
        ctx.save_for_backward(y)  # min_val < y < max_val exactly where min_val < x < max_val
        ctx.min_val, ctx.max_val = min_val, max_val
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        (y,) = ctx.saved_tensors
        inside = (y > ctx.min_val) & (y < ctx.max_val)  # strict: 0 at both kinks
        return _keep_nan(y, torch.where(inside, grad_output, 0)), None, None


class ReLU6Function(Function):
    """y = min(max(0, x), 6), a Hardtanh on [0, 6].  dy/dx = 0 at both kinks x = 0 and x = 6."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        y = x.clamp(0, 6)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (y,) = ctx.saved_tensors
        inside = (y > 0) & (y < 6)  # strict: 0 at both kinks
        return _keep_nan(y, torch.where(inside, grad_output, 0))


# --------------------------------------------------------------------------------------------
# Sigmoid family: Sigmoid, Hardsigmoid, Tanh, LogSigmoid, Softsign
# --------------------------------------------------------------------------------------------


class SigmoidFunction(Function):
    """y = 1 / (1 + e^-x).  dy/dx = sigma(x)·sigma(-x) (torch computes y·(1-y), which is 0 once y
    rounds to 1; this form keeps the tiny true value)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return _sigmoid(x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        return grad_output * _dsigmoid(x)


class HardsigmoidFunction(Function):
    """y = clamp(x + 3, 0, 6) / 6.  dy/dx = 1/6 strictly inside (-3, 3), 0 outside and at the
    kinks x = ±3. (``(x + 3)/6`` rather than ``x/6 + 1/2``, which cancels near -3.)"""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return (x + 3).clamp(0, 6) / 6

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        inside = (x > -3) & (x < 3)  # strict: 0 at both kinks
        return _keep_nan(x, torch.where(inside, grad_output / 6, 0))


class TanhFunction(Function):
    """y = tanh(x).  dy/dx = 1 - tanh²(x) = 4·sigma(2x)·sigma(-2x) (the second form keeps the
    tiny value for |x| > 9, where 1 - y² is 0 in float32)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return torch.tanh(x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        return grad_output * (4 * _dsigmoid(2 * x))


class LogSigmoidFunction(Function):
    """y = log sigma(x) = min(x, 0) - log1p(e^-|x|).  dy/dx = sigma(-x)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return x.clamp(max=0) - torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        return grad_output * _sigmoid(-x)


class SoftsignFunction(Function):
    """y = x / (1 + |x|).  dy/dx = 1 / (1 + |x|)²; 1 at x = 0 (smooth there: C1)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        # ±inf -> ±largest float: the quotient has rounded to ±1 long before, and inf/inf is NaN.
        big = torch.finfo(x.dtype).max
        x = x.clamp(-big, big)
        return x / (1 + x.abs())

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        d = 1 + x.abs()
        return grad_output / d / d  # two divisions: d*d overflows for |x| > 1.8e19 in float32


# --------------------------------------------------------------------------------------------
# Smooth units: SiLU, Swish, Mish, Hardswish, ELU, CELU, SELU, GELU
# --------------------------------------------------------------------------------------------


class SiLUFunction(Function):
    """y = x·sigma(x).  dy/dx = sigma(x) + x·sigma(x)·sigma(-x)."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return _times(x, _sigmoid(x))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        s, s_neg = _sigmoid_pair(x)
        return grad_output * (s + _times(x, s * s_neg))


class SwishFunction(Function):
    """y = x·sigma(beta·x) with a learnable (0-d) ``beta`` (Ramachandran et al. 2017).

    With z = beta·x: dy/dx = sigma(z) + z·sigma'(z) and dy/dbeta = x²·sigma'(z), summed over all
    elements, where sigma'(z) = sigma(z)·sigma(-z).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, beta: Tensor) -> Tensor:
        ctx.save_for_backward(x, beta)
        return _times(x, _sigmoid(beta * x))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        x, beta = ctx.saved_tensors
        z = beta * x
        s, s_neg = _sigmoid_pair(z)
        slope = s * s_neg  # sigma'(z)
        grad_x = grad_beta = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output * (s + _times(z, slope))
        if ctx.needs_input_grad[1]:
            grad_beta = (grad_output * _times(x * x, slope)).sum().reshape(beta.shape)
        return grad_x, grad_beta


def _softplus(x: Tensor) -> Tensor:
    """log(1 + e^x) = x + log(1 + e^-x) for x >= 0, log(1 + e^x) for x < 0: ``exp`` of a number
    <= 0 only, so no overflow for large x and no lost digits for very negative x."""
    right = x + torch.log1p(torch.exp(-x.clamp(min=0)))
    left = torch.log1p(torch.exp(x.clamp(max=0)))
    return torch.where(x >= 0, right, left)


class MishFunction(Function):
    """y = x·tanh(softplus(x)) (Misra 2019).

    With t = tanh(softplus(x)): dy/dx = t + x·sigma(x)·(1 - t²), and 1 - t² = 4·sigma'(2·softplus(x)).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return _times(x, torch.tanh(_softplus(x)))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        sp = _softplus(x)
        sech2 = 4 * _dsigmoid(2 * sp)
        return grad_output * (torch.tanh(sp) + _times(x, _sigmoid(x) * sech2))


class HardswishFunction(Function):
    """y = x·clamp(x + 3, 0, 6) / 6 (Howard et al. 2019).

    dy/dx = 0 for x <= -3, (2x + 3)/6 for -3 < x < 3, 1 for x >= 3. Torch's values at the kinks:
    0 at x = -3 and 1 at x = 3 (the one-sided slopes there are -1/2 and 3/2).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return _times(x, (x + 3).clamp(0, 6)) / 6

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        middle = grad_output * (x / 3 + 0.5)  # NaN for a NaN x, picked below
        return torch.where(x <= -3, 0, torch.where(x >= 3, grad_output, middle))


class ELUFunction(Function):
    """y = x if x > 0 else alpha·(e^x - 1) (Clevert et al. 2016).

    dy/dx = 1 if x > 0 else alpha·e^x; at the kink x = 0 torch gives alpha (the left slope), which
    is also the right slope 1 only when alpha = 1.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, alpha: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return torch.where(x <= 0, alpha * torch.expm1(x), x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        left = grad_output * (ctx.alpha * torch.exp(x))  # NaN for a NaN x, picked below
        return torch.where(x > 0, grad_output, left), None


class CELUFunction(Function):
    """y = max(0, x) + min(0, alpha·(e^{x/alpha} - 1)) (Barron 2017).

    dy/dx = 1 if x > 0 else e^{x/alpha}; 1 at x = 0 from both sides (C1 for every alpha).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, alpha: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return torch.where(x <= 0, alpha * torch.expm1(x / alpha), x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        left = grad_output * torch.exp(x / ctx.alpha)
        return torch.where(x > 0, grad_output, left), None


class SELUFunction(Function):
    """y = scale·x if x > 0 else scale·alpha·(e^x - 1), with torch's scale and alpha.

    dy/dx = scale if x > 0 else scale·alpha·e^x; at the kink x = 0 torch gives scale·alpha ≈ 1.7581.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return torch.where(x <= 0, (SELU_SCALE * SELU_ALPHA) * torch.expm1(x), SELU_SCALE * x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        left = grad_output * ((SELU_SCALE * SELU_ALPHA) * torch.exp(x))
        return torch.where(x > 0, grad_output * SELU_SCALE, left)


class GELUFunction(Function):
    """y = x·Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel 2016).

    ``approximate='none'``: Phi(x) = erfc(-x/√2)/2 (erfc, not 1 + erf, which cancels for x < -3);
    dy/dx = Phi(x) + x·phi(x) with phi the normal density.

    ``approximate='tanh'``: Phi(x) ≈ (1 + tanh(u))/2 = sigma(2u) with u = √(2/pi)·(x + 0.044715x³);
    dy/dx = sigma(2u) + x·2·sigma'(2u)·u'(x).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, approximate: str) -> Tensor:
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            u = _GELU_TANH_K * (x + _GELU_TANH_C * x * x * x)
            return _times(x, _sigmoid(2 * u))
        return _times(x, 0.5 * torch.special.erfc(-_SQRT_HALF * x))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            u = _GELU_TANH_K * (x + _GELU_TANH_C * x * x * x)
            du = _GELU_TANH_K * (1 + 3 * _GELU_TANH_C * x * x)
            # sigma'(2u) is 0 long before x³ or du overflow, and _times then returns 0
            s, s_neg = _sigmoid_pair(2 * u)
            slope = s + _times(x * du, 2 * s * s_neg)
        else:
            cdf = 0.5 * torch.special.erfc(-_SQRT_HALF * x)
            pdf = _INV_SQRT_2PI * torch.exp(-0.5 * x * x)
            slope = cdf + _times(x, pdf)
        return grad_output * slope, None


# --------------------------------------------------------------------------------------------
# Shrink functions and Softplus
# --------------------------------------------------------------------------------------------


class HardshrinkFunction(Function):
    """y = x if |x| > lambd else 0.  dy/dx = 1 outside [-lambd, lambd], 0 inside and at ±lambd."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, lambd: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        dead = (x >= -lambd) & (x <= lambd)  # NaN is not dead: it passes through
        return torch.where(dead, 0, x)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        dead = (x >= -ctx.lambd) & (x <= ctx.lambd)  # closed: 0 at ±lambd
        return _keep_nan(x, torch.where(dead, 0, grad_output)), None


class SoftshrinkFunction(Function):
    """y = x - lambd·sign(x) if |x| > lambd else 0.  dy/dx = 1 outside, 0 inside and at ±lambd."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, lambd: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        dead = (x >= -lambd) & (x <= lambd)
        return torch.where(dead, 0, x - lambd * torch.sign(x))  # sign(NaN) is NaN

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        dead = (x >= -ctx.lambd) & (x <= ctx.lambd)  # closed: 0 at ±lambd
        return _keep_nan(x, torch.where(dead, 0, grad_output)), None


def _tanhshrink_small(x: Tensor) -> Tensor:
    """x - tanh(x) for |x| < 1 without cancellation, from Lambert's continued fraction.

    tanh(x) = x / (1 + q) with q = x²/(3 + x²/(5 + x²/(7 + ...))), so x - tanh(x) = x·q / (1 + q):
    no subtraction at all. Nine levels give a relative error below 1e-18 for |x| <= 1.
    """
    x2 = x * x
    q = torch.zeros_like(x)
    for k in range(19, 1, -2):  # 19, 17, ..., 3: evaluate the fraction from the inside out
        q = x2 / (k + q)
    return x * q / (1 + q)


class TanhshrinkFunction(Function):
    """y = x - tanh(x).  dy/dx = tanh²(x) (torch computes 1 - (1 - tanh²x), which is 0 for
    |x| < 2.4e-4 in float32; tanh² keeps the small value).

    Near 0, x and tanh(x) agree in their leading digits and ``x - tanh(x)`` is pure rounding noise
    (torch returns 0 or garbage for |x| < 1e-3 in float32); there a continued fraction is used.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        ctx.save_for_backward(x)
        return torch.where(x.abs() < 1, _tanhshrink_small(x), x - torch.tanh(x))

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> Tensor | None:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        t = torch.tanh(x)
        return grad_output * (t * t)


class SoftplusFunction(Function):
    """y = log(1 + e^{beta·x}) / beta, and y = x once beta·x > threshold (torch's switch).

    dy/dx = sigma(beta·x), and 1 where beta·x > threshold. At beta·x == threshold the smooth
    branch is used, as in torch.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, beta: float, threshold: float) -> Tensor:
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        return torch.where(bx > threshold, x, torch.log1p(torch.exp(bx)) / beta)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        (x,) = ctx.saved_tensors
        bx = x * ctx.beta
        return torch.where(bx > ctx.threshold, grad_output, grad_output * _sigmoid(bx)), None, None


# --------------------------------------------------------------------------------------------
# Normalising functions: Softmax, LogSoftmax, Softmin, GLU
# --------------------------------------------------------------------------------------------


def _softmax(x: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """exp(x - max) / sum(exp(x - max)) along ``dim`` (the shift keeps exp from overflowing), and
    the index of each row's maximum (keepdim)."""
    if x.numel() == 0:
        return x.clone(), torch.zeros_like(x, dtype=torch.long)
    m, p = x.max(dim=dim, keepdim=True)
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True), p


def _softmax_vjp(y: Tensor, p: Tensor, grad_output: Tensor, dim: int) -> Tensor:
    """y ⊙ (g - sum(g ⊙ y)), written so that the largest y keeps its digits.

    The y sum to 1, so g_i - sum_j g_j y_j = sum_j (g_i - g_j) y_j. With the pivot p, each row's
    largest y, and d = g - g_p, this is d_i - sum_j d_j y_j. At p it is sum_{j != p} (g_p - g_j) y_j,
    a sum of small terms when y_p is close to 1; the plain g_p - sum(g ⊙ y) subtracts two nearly
    equal numbers there and keeps only rounding noise (1.7e7 ULP off in float32).
    """
    if y.numel() == 0:
        return y * grad_output
    g_p = grad_output.gather(dim, p)
    g_p = torch.where(torch.isfinite(g_p), g_p, 0)  # an infinite g_p: the plain form
    d = grad_output - g_p
    return y * (d - (d * y).sum(dim=dim, keepdim=True))


class SoftmaxFunction(Function):
    """y_i = e^{x_i} / sum_j e^{x_j} along ``dim``.

    Backward is the vector-Jacobian product: dx = y ⊙ (g - sum(g ⊙ y)), never the full Jacobian
    diag(y) - y yᵀ; :func:`_softmax_vjp` evaluates it without cancellation.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, dim: int) -> Tensor:
        y, p = _softmax(x, dim)
        ctx.save_for_backward(y, p)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        y, p = ctx.saved_tensors
        return _softmax_vjp(y, p, grad_output, ctx.dim), None


class SoftminFunction(Function):
    """y = softmax(-x) along ``dim``.  Backward: dx = -y ⊙ (g - sum(g ⊙ y))."""

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, dim: int) -> Tensor:
        y, p = _softmax(-x, dim)
        ctx.save_for_backward(y, p)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        y, p = ctx.saved_tensors
        return -_softmax_vjp(y, p, grad_output, ctx.dim), None


class LogSoftmaxFunction(Function):
    """y_i = x_i - log sum_j e^{x_j} = (x_i - m) - log1p(sum_{j != p} e^{x_j - m}), m = x_p = max_j x_j.

    The largest entry contributes exactly 1 to the sum; ``log1p`` of the others keeps the digits
    that ``log(1 + rest)`` would round away (y_p = -rest, not 0, for a dominant logit).

    Backward: dx = g - softmax(x) ⊙ sum(g), with softmax(x) = e^y. At the pivot p (the largest y)
    g_p - e^{y_p} sum(g) cancels when e^{y_p} is close to 1; there it is evaluated as
    g_p (1 - e^{y_p}) - e^{y_p} sum_{j != p} g_j, with 1 - e^{y_p} = -expm1(y_p).
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, dim: int) -> Tensor:
        if x.numel() == 0:
            y, p = x.clone(), torch.zeros_like(x, dtype=torch.long)
        else:
            m, p = x.max(dim=dim, keepdim=True)
            shifted = x - m
            e = torch.exp(shifted)
            # the sum without the largest entry, whose e is exactly 1 (NaN where the maximum is
            # not finite: e - 1 keeps that NaN, which then fills the row, as in torch)
            rest = e.scatter_(dim, p, e.gather(dim, p) - 1).sum(dim=dim, keepdim=True)
            y = shifted - torch.log1p(rest)
        ctx.save_for_backward(y, p)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        y, p = ctx.saved_tensors
        dim = ctx.dim
        dx = grad_output - torch.exp(y) * grad_output.sum(dim=dim, keepdim=True)
        if y.numel() == 0:
            return dx, None
        y_p, g_p = y.gather(dim, p), grad_output.gather(dim, p)
        g_rest = grad_output.scatter(dim, p, 0).sum(dim=dim, keepdim=True)
        at_p = -torch.expm1(y_p) * g_p - torch.exp(y_p) * g_rest
        return dx.scatter(dim, p, at_p), None


class GLUFunction(Function):
    """Gated linear unit (Dauphin et al. 2017): split x in halves a, b along ``dim``; y = a ⊙ sigma(b).

    da = g ⊙ sigma(b),  db = g ⊙ a ⊙ sigma(b)·sigma(-b); dx is [da, db] joined along ``dim``.
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor, dim: int) -> Tensor:
        a, b = x.chunk(2, dim=dim)
        # save x itself, not the halves: views made here are cut off from x's graph, and
        # double backward would not see through them
        ctx.save_for_backward(x)
        ctx.dim = dim
        return a * _sigmoid(b)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple[Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        a, b = x.chunk(2, dim=ctx.dim)
        s, s_neg = _sigmoid_pair(b)
        grad_a = grad_output * s
        grad_b = grad_output * a * (s * s_neg)
        return torch.cat([grad_a, grad_b], dim=ctx.dim), None


FUNCTIONS: dict[str, type[Function]] = {
    "threshold": ThresholdFunction,
    "relu": ReLUFunction,
    "rrelu": RReLUFunction,
    "leaky_relu": LeakyReLUFunction,
    "prelu": PReLUFunction,
    "relu6": ReLU6Function,
    "hardtanh": HardtanhFunction,
    "sigmoid": SigmoidFunction,
    "hardsigmoid": HardsigmoidFunction,
    "tanh": TanhFunction,
    "logsigmoid": LogSigmoidFunction,
    "softsign": SoftsignFunction,
    "silu": SiLUFunction,
    "swish": SwishFunction,
    "mish": MishFunction,
    "hardswish": HardswishFunction,
    "elu": ELUFunction,
    "celu": CELUFunction,
    "selu": SELUFunction,
    "gelu": GELUFunction,
    "hardshrink": HardshrinkFunction,
    "softshrink": SoftshrinkFunction,
    "tanhshrink": TanhshrinkFunction,
    "softplus": SoftplusFunction,
    "softmax": SoftmaxFunction,
    "log_softmax": LogSoftmaxFunction,
    "softmin": SoftminFunction,
    "glu": GLUFunction,
}
"""Our autograd Function for each activation, keyed like the registry (torch.nn.functional names)."""
