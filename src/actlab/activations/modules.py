r"""``nn.Module`` wrappers over our autograd Functions, with torch's class names and signatures.

``actlab.activations.modules.ReLU()`` behaves like ``torch.nn.ReLU()``: same constructor, same
defaults, same ``repr``, same values (forward and backward, kinks included) where torch is accurate.
The differences, all deliberate:

* **Every backward is ours** (:mod:`actlab.activations.autograd`), written out to be read.
* **Limits at ±inf.** SiLU, Swish, Mish, GELU, Hardswish and Softsign return the limit (and the
  limit of the derivative) at ±inf, where torch 2.13 returns NaN.
* **NaN.** A NaN input gives a NaN gradient. Torch's piecewise backward kernels give 0, 1 or the
  slope there, depending on whether the element went through their vectorised loop.
* **Tails.** The derivatives of Sigmoid, Tanh, SiLU, Mish, GELU, Softsign and Tanhshrink keep the
  tiny true values that torch rounds to 0 or to garbage; Sigmoid and SiLU keep the subnormal left
  tail that ``torch.sigmoid`` flushes to 0 below x = -88.7 (float32); GELU uses ``erfc``, accurate
  in the left tail where torch's ``1 + erf`` cancels; Tanhshrink uses a continued fraction near 0,
  where ``x - tanh(x)`` cancels. Against 40-digit mpmath ours stay within a few ULP times the
  condition number of the function (``tests/test_torch_accuracy.py``); torch's are off by up to
  1e7 ULP in float32 there.
* **inplace.** Accepted wherever torch has it, so that code written for ``torch.nn`` runs unchanged,
  and shown in ``repr`` as torch does; the computation is still out of place. The module returns a
  new tensor and leaves its input untouched, because our Functions save their input (or output)
  for backward and an in-place overwrite would corrupt the gradient. The cost is memory only.
* **Input checks.** Not a tensor -> ``TypeError``. A tensor that is not floating point (integer,
  bool, complex) -> ``TypeError``: we do not promote silently, since gradients need a float dtype;
  convert with ``x.float()``. A ``dim`` out of range -> ``ValueError`` (torch raises
  ``IndexError``). Bad constructor arguments -> ``ValueError``. Every message names the module, the
  value received and what was expected.

One module torch does not have: ``Swish(beta=1.0, learnable=True)``, ``x·sigma(beta·x)`` with a
learnable beta. ``ReLU6`` is, as in torch, a subclass of ``Hardtanh``.

Examples::

    >>> import torch
    >>> from actlab.activations.modules import PReLU
    >>> m = PReLU()
    >>> m(torch.tensor([-2.0, 3.0]))
    tensor([-0.5000,  3.0000], grad_fn=<PReLUFunctionBackward>)
"""

from __future__ import annotations

import math
import numbers
import warnings

import torch
from torch import Tensor, nn

from actlab.activations import autograd as F

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "GLU",
    "SELU",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "PReLU",
    "RReLU",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softmin",
    "Softplus",
    "Softshrink",
    "Softsign",
    "Swish",
    "Tanh",
    "Tanhshrink",
    "Threshold",
]

_FLOAT_DTYPES = "float16, bfloat16, float32 or float64"


def _check_input(module: nn.Module, input: object) -> Tensor:
    """Raise a clear ``TypeError`` unless ``input`` is a floating-point tensor."""
    name = type(module).__name__
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}: expected a torch.Tensor, got {type(input).__name__}; "
            "wrap the data first, e.g. torch.as_tensor(x, dtype=torch.float32)"
        )
    if not input.is_floating_point():
        raise TypeError(
            f"{name}: expected a floating-point tensor ({_FLOAT_DTYPES}), got dtype {input.dtype}; "
            "convert it first, e.g. x.float()"
        )
    return input


def _check_number(module: str, arg: str, value: object) -> float:
    """Raise a clear ``TypeError`` unless ``value`` is a real number (bool excluded)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{module}: {arg} must be a real number, got {value!r}")
    if math.isnan(value):
        raise ValueError(f"{module}: {arg} must not be NaN")
    return value


def _check_dim(module: nn.Module, dim: int, input: Tensor) -> int:
    """Raise a clear ``ValueError`` unless ``dim`` indexes a dimension of ``input``."""
    name = type(module).__name__
    n = max(input.ndim, 1)  # torch lets dim 0 / -1 address a 0-d tensor
    if not -n <= dim < n:
        raise ValueError(
            f"{name}(dim={dim}): dim is out of range for an input with ndim={input.ndim} "
            f"(expected an int in [{-n}, {n - 1}])"
        )
    return dim


def _check_dim_arg(module: str, dim: object, *, allow_none: bool) -> None:
    if dim is None and allow_none:
        return
    if isinstance(dim, bool) or not isinstance(dim, int):
        expected = "an int or None" if allow_none else "an int"
        raise TypeError(f"{module}: dim must be {expected}, got {dim!r}")


def _inplace_repr(inplace: bool, *, first: bool) -> str:
    if not inplace:
        return ""
    return "inplace=True" if first else ", inplace=True"


# --------------------------------------------------------------------------------------------
# Rectifiers
# --------------------------------------------------------------------------------------------


class Threshold(nn.Module):
    r"""Thresholds each element of the input: keeps it above ``threshold``, else writes ``value``.

    .. math::
        \text{Threshold}(x) = x \cdot [x > \text{threshold}] + \text{value} \cdot [x \le \text{threshold}]

    or

    .. math::
        \text{Threshold}(x) =
        \begin{cases}
        x, & \text{ if } x > \text{threshold} \\
        \text{value}, & \text{ otherwise }
        \end{cases}

    The derivative is 1 above the threshold and 0 elsewhere, 0 at ``x = threshold`` included.

    Args:
        threshold: the value to threshold at.
        value: the value to replace with.
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Threshold(0.1, 20)
        >>> m(torch.tensor([-1.0, 0.1, 0.5]))
        tensor([20.0000, 20.0000,  0.5000])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = _check_number("Threshold", "threshold", threshold)
        self.value = _check_number("Threshold", "value", value)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.ThresholdFunction.apply(_check_input(self, input), self.threshold, self.value)

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"


class ReLU(nn.Module):
    r"""Applies the rectified linear unit element-wise (Nair & Hinton 2010).

    .. math::
        \text{ReLU}(x) = (x)^+ = \max(0, x)

    or

    .. math::
        \text{ReLU}(x) =
        \begin{cases}
        x, & \text{ if } x > 0 \\
        0, & \text{ otherwise }
        \end{cases}

    The derivative is 1 for x > 0 and 0 otherwise; at the kink, ReLU'(0) = 0 as in torch.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = ReLU()
        >>> m(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.ReLUFunction.apply(_check_input(self, input))

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class RReLU(nn.Module):
    r"""Applies the randomized leaky rectified linear unit element-wise (Xu et al. 2015).

    .. math::
        \text{RReLU}(x) = \max(0, x) + a \cdot \min(0, x)

    or

    .. math::
        \text{RReLU}(x) =
        \begin{cases}
        x, & \text{ if } x \geq 0 \\
        a x, & \text{ otherwise }
        \end{cases}

    In training mode a slope :math:`a \sim \mathcal{U}(\text{lower}, \text{upper})` is drawn for
    every element at every call; in evaluation mode :math:`a = (\text{lower} + \text{upper}) / 2`.
    The derivative for x <= 0 is the same :math:`a` (the drawn one at the kink x = 0 in training,
    the mean slope in evaluation, as in torch).

    Args:
        lower: lower bound of the uniform distribution. Default: :math:`\frac{1}{8}`
        upper: upper bound of the uniform distribution. Default: :math:`\frac{1}{3}`
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``
        generator: the ``torch.Generator`` the slopes are drawn from, for reproducible training
            runs. Default: ``None`` (torch's global generator)

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = RReLU(0.1, 0.3, generator=torch.Generator().manual_seed(0))
        >>> y = m(torch.full((3,), -1.0))         # training: three random slopes in [0.1, 0.3]
        >>> m.eval()(torch.tensor([-1.0, 2.0]))   # evaluation: the mean slope 0.2
        tensor([-0.2000,  2.0000])
    """

    def __init__(
        self,
        lower: float = 1.0 / 8,
        upper: float = 1.0 / 3,
        inplace: bool = False,
        *,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        lower = _check_number("RReLU", "lower", lower)
        upper = _check_number("RReLU", "upper", upper)
        if lower > upper:
            raise ValueError(f"RReLU: lower must be <= upper, got lower={lower} and upper={upper}")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(
                f"RReLU: generator must be a torch.Generator or None, got {type(generator).__name__}"
            )
        self.lower = lower
        self.upper = upper
        self.inplace = inplace
        self.generator = generator

    def forward(self, input: Tensor) -> Tensor:
        return F.RReLUFunction.apply(
            _check_input(self, input), self.lower, self.upper, self.training, self.generator
        )

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"lower={self.lower}, upper={self.upper}{inplace_str}"


class LeakyReLU(nn.Module):
    r"""Applies the leaky rectified linear unit element-wise (Maas, Hannun & Ng 2013).

    .. math::
        \text{LeakyReLU}(x) = \max(0, x) + \text{negative\_slope} \cdot \min(0, x)

    or

    .. math::
        \text{LeakyReLU}(x) =
        \begin{cases}
        x, & \text{ if } x > 0 \\
        \text{negative\_slope} \times x, & \text{ otherwise }
        \end{cases}

    The derivative is 1 for x > 0 and ``negative_slope`` otherwise, the kink x = 0 included.

    Args:
        negative_slope: the slope for negative inputs. Default: ``0.01``
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = LeakyReLU(0.1)
        >>> m(torch.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = _check_number("LeakyReLU", "negative_slope", negative_slope)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.LeakyReLUFunction.apply(_check_input(self, input), self.negative_slope)

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"negative_slope={self.negative_slope}{inplace_str}"


class PReLU(nn.Module):
    r"""Applies the parametric ReLU element-wise, with a learnable negative slope (He et al. 2015).

    .. math::
        \text{PReLU}(x) = \max(0, x) + a \cdot \min(0, x)

    or

    .. math::
        \text{PReLU}(x) =
        \begin{cases}
        x, & \text{ if } x \ge 0 \\
        a x, & \text{ otherwise }
        \end{cases}

    :math:`a` is an ``nn.Parameter``: one value shared by all channels (``PReLU()``) or one per
    channel (``PReLU(num_channels)``). The channel dim is dim 1 of the input, as in torch; an input
    with fewer than 2 dims has a single channel. The derivative in x is 1 for x > 0 and :math:`a`
    otherwise (:math:`a` at the kink, as in torch); in :math:`a` it is :math:`\min(0, x)`.

    .. note::
        Do not apply weight decay to :math:`a` (He et al. 2015; the PyTorch docs say the same):
        decay pulls it to 0 and turns PReLU back into ReLU. Put ``prelu.weight`` in an optimizer
        parameter group with ``weight_decay=0``.

    Args:
        num_parameters: number of :math:`a` to learn; 1 or the number of input channels.
            Default: 1
        init: the initial value of :math:`a`. Default: 0.25
        device: device of the weight. Default: ``None``
        dtype: dtype of the weight. Default: ``None`` (torch's default float dtype)

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions; with
          ``num_parameters > 1``, :math:`(N, C, *)` with ``C == num_parameters``.
        - Output: :math:`(*)`, same shape as the input.

    Attributes:
        weight (Tensor): the learnable slopes, of shape ``(num_parameters,)``.

    Examples::

        >>> m = PReLU(3)
        >>> m(torch.tensor([[-1.0, -2.0, 3.0]]))
        tensor([[-0.2500, -0.5000,  3.0000]], grad_fn=<PReLUFunctionBackward>)
    """

    def __init__(
        self,
        num_parameters: int = 1,
        init: float = 0.25,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, int):
            raise TypeError(f"PReLU: num_parameters must be an int, got {num_parameters!r}")
        if num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be >= 1, got {num_parameters}")
        self.num_parameters = num_parameters
        super().__init__()
        self.init = _check_number("PReLU", "init", init)
        self.weight = nn.Parameter(torch.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        nn.init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        input = _check_input(self, input)
        if self.num_parameters > 1:
            channels = input.shape[1] if input.ndim >= 2 else 1
            if channels != self.num_parameters:
                raise ValueError(
                    f"PReLU(num_parameters={self.num_parameters}): expected an input with "
                    f"{self.num_parameters} channels in dim 1, got shape {tuple(input.shape)}"
                )
        return F.PReLUFunction.apply(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Hardtanh(nn.Module):
    r"""Applies the HardTanh function element-wise: a clamp to ``[min_val, max_val]``.

    .. math::
        \text{HardTanh}(x) = \min(\max(x, \text{min\_val}), \text{max\_val})

    or

    .. math::
        \text{HardTanh}(x) =
        \begin{cases}
        \text{max\_val}, & \text{ if } x > \text{ max\_val } \\
        \text{min\_val}, & \text{ if } x < \text{ min\_val } \\
        x, & \text{ otherwise }
        \end{cases}

    The derivative is 1 strictly inside the interval and 0 outside; 0 at both kinks, as in torch.

    Args:
        min_val: minimum value of the linear region range. Default: -1
        max_val: maximum value of the linear region range. Default: 1
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``
        min_value: deprecated name of ``min_val`` (warns, as in torch).
        max_value: deprecated name of ``max_val`` (warns, as in torch).

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Hardtanh(-2, 2)
        >>> m(torch.tensor([-3.0, 0.5, 3.0]))
        tensor([-2.0000,  0.5000,  2.0000])
    """

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn(
                "keyword argument `min_value` is deprecated and renamed to `min_val`",
                FutureWarning,
                stacklevel=2,
            )
            min_val = min_value
        if max_value is not None:
            warnings.warn(
                "keyword argument `max_value` is deprecated and renamed to `max_val`",
                FutureWarning,
                stacklevel=2,
            )
            max_val = max_value
        name = type(self).__name__
        self.min_val = _check_number(name, "min_val", min_val)
        self.max_val = _check_number(name, "max_val", max_val)
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise ValueError(
                f"{name}: max_val ({self.max_val}) must be greater than min_val ({self.min_val})"
            )

    def forward(self, input: Tensor) -> Tensor:
        return F.HardtanhFunction.apply(_check_input(self, input), self.min_val, self.max_val)

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    r"""Applies the ReLU6 function element-wise: ReLU capped at 6 (a ``Hardtanh`` on [0, 6]).

    .. math::
        \text{ReLU6}(x) = \min(\max(0, x), 6)

    or

    .. math::
        \text{ReLU6}(x) =
        \begin{cases}
        0, & \text{ if } x \le 0 \\
        x, & \text{ if } 0 < x < 6 \\
        6, & \text{ if } x \ge 6
        \end{cases}

    The derivative is 1 on (0, 6) and 0 elsewhere, 0 at both kinks x = 0 and x = 6, as in torch.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = ReLU6()
        >>> m(torch.tensor([-1.0, 3.0, 7.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def forward(self, input: Tensor) -> Tensor:
        return F.ReLU6Function.apply(_check_input(self, input))

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


# --------------------------------------------------------------------------------------------
# Sigmoid family
# --------------------------------------------------------------------------------------------


class Sigmoid(nn.Module):
    r"""Applies the logistic sigmoid element-wise.

    .. math::
        \text{Sigmoid}(x) = \sigma(x) = \frac{1}{1 + \exp(-x)}

    or, written by cases to show how it is computed without overflow,

    .. math::
        \sigma(x) =
        \begin{cases}
        1 / (1 + e^{-x}), & \text{ if } x \ge 0 \\
        e^{x} / (1 + e^{x}), & \text{ otherwise }
        \end{cases}

    Its derivative :math:`\sigma(x)\sigma(-x)` peaks at :math:`\sigma'(0) = 1/4`.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Sigmoid()
        >>> m(torch.tensor([0.0]))
        tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.SigmoidFunction.apply(_check_input(self, input))


class Hardsigmoid(nn.Module):
    r"""Applies the Hardsigmoid function element-wise, a piecewise-linear sigmoid.

    .. math::
        \text{Hardsigmoid}(x) = \min(\max(0, x/6 + 1/2), 1)

    or

    .. math::
        \text{Hardsigmoid}(x) =
        \begin{cases}
        0, & \text{ if } x \le -3 \\
        1, & \text{ if } x \ge +3 \\
        x / 6 + 1 / 2, & \text{ otherwise }
        \end{cases}

    The derivative is 1/6 on (-3, 3) and 0 elsewhere, 0 at both kinks, as in torch.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Hardsigmoid()
        >>> m(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.HardsigmoidFunction.apply(_check_input(self, input))


class Tanh(nn.Module):
    r"""Applies the hyperbolic tangent element-wise.

    .. math::
        \text{Tanh}(x) = \tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1

    or

    .. math::
        \tanh(x) =
        \begin{cases}
        \dfrac{1 - e^{-2x}}{1 + e^{-2x}}, & \text{ if } x \ge 0 \\
        -\tanh(-x), & \text{ otherwise }
        \end{cases}

    Its derivative :math:`1 - \tanh^2(x) = 4\sigma(2x)\sigma(-2x)` peaks at 1 at x = 0.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Tanh()
        >>> m(torch.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.TanhFunction.apply(_check_input(self, input))


class LogSigmoid(nn.Module):
    r"""Applies the log of the sigmoid element-wise.

    .. math::
        \text{LogSigmoid}(x) = \log \frac{1}{1 + \exp(-x)} = \min(0, x) - \log(1 + e^{-|x|})

    or

    .. math::
        \text{LogSigmoid}(x) =
        \begin{cases}
        -\log(1 + e^{-x}), & \text{ if } x \ge 0 \\
        x - \log(1 + e^{x}), & \text{ otherwise }
        \end{cases}

    Its derivative is :math:`\sigma(-x)`.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = LogSigmoid()
        >>> m(torch.tensor([0.0]))
        tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.LogSigmoidFunction.apply(_check_input(self, input))


class Softsign(nn.Module):
    r"""Applies the Softsign function element-wise.

    .. math::
        \text{SoftSign}(x) = \frac{x}{1 + |x|}

    or

    .. math::
        \text{SoftSign}(x) =
        \begin{cases}
        x / (1 + x), & \text{ if } x \ge 0 \\
        x / (1 - x), & \text{ otherwise }
        \end{cases}

    Its derivative :math:`1 / (1 + |x|)^2` is 1 at x = 0 and decays polynomially, not
    exponentially like tanh's.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Softsign()
        >>> m(torch.tensor([-1.0, 3.0]))
        tensor([-0.5000,  0.7500])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.SoftsignFunction.apply(_check_input(self, input))


# --------------------------------------------------------------------------------------------
# Smooth units
# --------------------------------------------------------------------------------------------


class SiLU(nn.Module):
    r"""Applies the Sigmoid Linear Unit (SiLU, Swish with :math:`\beta = 1`) element-wise.

    .. math::
        \text{SiLU}(x) = x \cdot \sigma(x) = \frac{x}{1 + e^{-x}}

    or

    .. math::
        \text{SiLU}(x) =
        \begin{cases}
        x / (1 + e^{-x}), & \text{ if } x \ge 0 \\
        x e^{x} / (1 + e^{x}), & \text{ otherwise }
        \end{cases}

    Its derivative is :math:`\sigma(x)(1 + x\sigma(-x))`; the minimum -0.2785 is at x = -1.2785.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = SiLU()
        >>> m(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.SiLUFunction.apply(_check_input(self, input))

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Swish(nn.Module):
    r"""Applies Swish element-wise, with a learnable :math:`\beta` (Ramachandran et al. 2017).

    .. math::
        \text{Swish}(x) = x \cdot \sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}

    or

    .. math::
        \text{Swish}(x) =
        \begin{cases}
        x / (1 + e^{-\beta x}), & \text{ if } \beta x \ge 0 \\
        x e^{\beta x} / (1 + e^{\beta x}), & \text{ otherwise }
        \end{cases}

    :math:`\beta = 1` gives SiLU, :math:`\beta \to \infty` gives ReLU and :math:`\beta = 0` gives
    :math:`x/2`. With :math:`z = \beta x`, :math:`\partial y/\partial x = \sigma(z) + z\sigma'(z)`
    and :math:`\partial y/\partial\beta = x^2 \sigma'(z)`. Not part of ``torch.nn``.

    Args:
        beta: the initial value of :math:`\beta`. Default: 1.0
        learnable: if ``True``, :math:`\beta` is an ``nn.Parameter`` (a 0-d tensor) trained with
            the rest of the network; if ``False``, a buffer (saved in ``state_dict``, never
            trained). Default: ``True``
        device: device of :math:`\beta`. Default: ``None``
        dtype: dtype of :math:`\beta`. Default: ``None`` (torch's default float dtype)

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Attributes:
        beta (Tensor): :math:`\beta`, a 0-d parameter (or buffer).

    Examples::

        >>> m = Swish(beta=1.0)
        >>> m(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311], grad_fn=<SwishFunctionBackward>)
    """

    def __init__(
        self,
        beta: float = 1.0,
        learnable: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.init = _check_number("Swish", "beta", beta)
        if not isinstance(learnable, bool):
            raise TypeError(f"Swish: learnable must be a bool, got {learnable!r}")
        self.learnable = learnable
        value = torch.tensor(float(beta), device=device, dtype=dtype)
        if learnable:
            self.beta = nn.Parameter(value)
        else:
            self.register_buffer("beta", value)

    def reset_parameters(self) -> None:
        """Set :math:`\\beta` back to its initial value."""
        with torch.no_grad():
            self.beta.fill_(self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.SwishFunction.apply(_check_input(self, input), self.beta)

    def extra_repr(self) -> str:
        return f"beta={self.init}, learnable={self.learnable}"


class Mish(nn.Module):
    r"""Applies the Mish function element-wise (Misra 2019).

    .. math::
        \text{Mish}(x) = x \cdot \tanh(\text{Softplus}(x)) = x \tanh(\log(1 + e^x))

    or, with :math:`n = e^x`,

    .. math::
        \text{Mish}(x) = x \cdot \frac{n^2 + 2n}{n^2 + 2n + 2} =
        \begin{cases}
        x \cdot (1 - \dots) \to x, & \text{ as } x \to +\infty \\
        x \cdot e^{x} (1 + \dots) \to 0, & \text{ as } x \to -\infty
        \end{cases}

    Its minimum, -0.3088, is at x = -1.1924; Mish'(0) = tanh(log 2) = 0.6.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Mish()
        >>> m(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8651])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.MishFunction.apply(_check_input(self, input))

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class Hardswish(nn.Module):
    r"""Applies the Hardswish function element-wise (Howard et al. 2019, MobileNetV3).

    .. math::
        \text{Hardswish}(x) = x \cdot \frac{\min(\max(0, x + 3), 6)}{6}

    or

    .. math::
        \text{Hardswish}(x) =
        \begin{cases}
        0, & \text{ if } x \le -3 \\
        x, & \text{ if } x \ge +3 \\
        x \cdot (x + 3) / 6, & \text{ otherwise }
        \end{cases}

    The derivative is 0 for x <= -3, (2x + 3)/6 on (-3, 3) and 1 for x >= 3. It jumps at both
    kinks; torch's values there, kept here, are 0 at x = -3 and 1 at x = 3.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Hardswish()
        >>> m(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([-0., 0., 4.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.HardswishFunction.apply(_check_input(self, input))


class ELU(nn.Module):
    r"""Applies the Exponential Linear Unit element-wise (Clevert et al. 2016).

    .. math::
        \text{ELU}(x) = \max(0, x) + \min(0, \alpha (e^{x} - 1))

    or

    .. math::
        \text{ELU}(x) =
        \begin{cases}
        x, & \text{ if } x > 0 \\
        \alpha (\exp(x) - 1), & \text{ if } x \le 0
        \end{cases}

    The derivative is 1 for x > 0 and :math:`\alpha e^x` for x <= 0, so :math:`\alpha` at the
    kink, as in torch; ELU is C1 only for :math:`\alpha = 1`.

    Args:
        alpha: the :math:`\alpha` value for the ELU formulation. Default: 1.0
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = ELU()
        >>> m(torch.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = _check_number("ELU", "alpha", alpha)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.ELUFunction.apply(_check_input(self, input), self.alpha)

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"alpha={self.alpha}{inplace_str}"


class CELU(nn.Module):
    r"""Applies the continuously differentiable ELU element-wise (Barron 2017).

    .. math::
        \text{CELU}(x) = \max(0, x) + \min(0, \alpha (\exp(x / \alpha) - 1))

    or

    .. math::
        \text{CELU}(x) =
        \begin{cases}
        x, & \text{ if } x > 0 \\
        \alpha (\exp(x / \alpha) - 1), & \text{ if } x \le 0
        \end{cases}

    The derivative is 1 for x > 0 and :math:`e^{x/\alpha}` for x <= 0: 1 at the kink from both
    sides, so CELU is C1 for every :math:`\alpha`.

    Args:
        alpha: the :math:`\alpha` value for the CELU formulation; must not be 0. Default: 1.0
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = CELU(2.0)
        >>> m(torch.tensor([-2.0, 2.0]))
        tensor([-1.2642,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = _check_number("CELU", "alpha", alpha)
        if self.alpha == 0:
            raise ValueError("CELU: alpha must not be 0 (the formula divides by it), got 0")
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.CELUFunction.apply(_check_input(self, input), self.alpha)

    def extra_repr(self) -> str:
        inplace_str = _inplace_repr(self.inplace, first=False)
        return f"alpha={self.alpha}{inplace_str}"


class SELU(nn.Module):
    r"""Applies the Scaled ELU element-wise (Klambauer et al. 2017).

    .. math::
        \text{SELU}(x) = \text{scale} \cdot (\max(0, x) + \min(0, \alpha (\exp(x) - 1)))

    or

    .. math::
        \text{SELU}(x) = \text{scale} \cdot
        \begin{cases}
        x, & \text{ if } x > 0 \\
        \alpha (\exp(x) - 1), & \text{ if } x \le 0
        \end{cases}

    with :math:`\alpha = 1.6732632423543772848170429916717` and
    :math:`\text{scale} = 1.0507009873554804934193349852946`. These constants make N(0, 1) a fixed
    point: E[SELU(z)] = 0 and E[SELU(z)²] = 1 for z ~ N(0, 1). The derivative at the kink is
    :math:`\text{scale}\cdot\alpha \approx 1.7581` (the left slope), as in torch. Pair SELU with
    LeCun-normal init and ``AlphaDropout``.

    Args:
        inplace: accepted for compatibility with ``torch.nn``; the result is always a new tensor
            (see the module notes). Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = SELU()
        >>> m(torch.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.SELUFunction.apply(_check_input(self, input))

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace, first=True)


class GELU(nn.Module):
    r"""Applies the Gaussian Error Linear Unit element-wise (Hendrycks & Gimpel 2016).

    .. math::
        \text{GELU}(x) = x \cdot \Phi(x) = \frac{x}{2} \operatorname{erfc}\left(-\frac{x}{\sqrt 2}\right)

    where :math:`\Phi` is the standard normal CDF. With ``approximate='tanh'``:

    .. math::
        \text{GELU}(x) \approx \frac{x}{2} \left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)

    or, by cases, the limits that make it a smooth ReLU:

    .. math::
        \text{GELU}(x) \approx
        \begin{cases}
        x, & \text{ for } x \gg 0 \\
        0, & \text{ for } x \ll 0
        \end{cases}

    The minimum, -0.1700, is at x = -0.7518; GELU'(0) = 1/2. The tanh form's largest error on
    [-10, 10] is 4.7e-4 (at |x| = 2.70).

    Args:
        approximate: ``'none'`` (exact, with erfc) or ``'tanh'``. Default: ``'none'``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = GELU()
        >>> m(torch.tensor([-1.0, 1.0]))
        tensor([-0.1587,  0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.GELUFunction.apply(_check_input(self, input), self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


# --------------------------------------------------------------------------------------------
# Shrink functions and Softplus
# --------------------------------------------------------------------------------------------


class Hardshrink(nn.Module):
    r"""Applies the Hard Shrinkage function element-wise: zero on :math:`[-\lambda, \lambda]`.

    .. math::
        \text{HardShrink}(x) = x \cdot [\,|x| > \lambda\,]

    or

    .. math::
        \text{HardShrink}(x) =
        \begin{cases}
        x, & \text{ if } x > \lambda \\
        x, & \text{ if } x < -\lambda \\
        0, & \text{ otherwise }
        \end{cases}

    Discontinuous at :math:`\pm\lambda`; the derivative is 1 outside and 0 inside, 0 at
    :math:`\pm\lambda` too, as in torch.

    Args:
        lambd: the :math:`\lambda` value for the Hardshrink formulation. Default: 0.5

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Hardshrink()
        >>> m(torch.tensor([-1.0, 0.2, 0.7]))
        tensor([-1.0000,  0.0000,  0.7000])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = _check_number("Hardshrink", "lambd", lambd)

    def forward(self, input: Tensor) -> Tensor:
        return F.HardshrinkFunction.apply(_check_input(self, input), self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(nn.Module):
    r"""Applies the soft shrinkage function element-wise: move towards 0 by :math:`\lambda`.

    .. math::
        \text{SoftShrink}(x) = \operatorname{sign}(x) \max(|x| - \lambda, 0)

    or

    .. math::
        \text{SoftShrink}(x) =
        \begin{cases}
        x - \lambda, & \text{ if } x > \lambda \\
        x + \lambda, & \text{ if } x < -\lambda \\
        0, & \text{ otherwise }
        \end{cases}

    The derivative is 1 outside :math:`[-\lambda, \lambda]` and 0 inside, 0 at the kinks, as in
    torch.

    Args:
        lambd: the :math:`\lambda` (must be no less than zero) value for the Softshrink
            formulation. Default: 0.5

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Softshrink()
        >>> m(torch.tensor([-1.0, 0.2, 0.7]))
        tensor([-0.5000,  0.0000,  0.2000])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = _check_number("Softshrink", "lambd", lambd)
        if self.lambd < 0:
            raise ValueError(f"Softshrink: lambd must be >= 0, got {self.lambd}")

    def forward(self, input: Tensor) -> Tensor:
        return F.SoftshrinkFunction.apply(_check_input(self, input), self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Tanhshrink(nn.Module):
    r"""Applies the Tanhshrink function element-wise.

    .. math::
        \text{Tanhshrink}(x) = x - \tanh(x)

    or

    .. math::
        \text{Tanhshrink}(x) \approx
        \begin{cases}
        x^3 / 3, & \text{ for } |x| \ll 1 \\
        x \mp 1, & \text{ for } \pm x \gg 1
        \end{cases}

    Its derivative is :math:`\tanh^2(x)`, 0 at x = 0.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Tanhshrink()
        >>> m(torch.tensor([0.0, 2.0]))
        tensor([0.0000, 1.0360])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.TanhshrinkFunction.apply(_check_input(self, input))


class Softplus(nn.Module):
    r"""Applies the Softplus function element-wise, a smooth ReLU.

    .. math::
        \text{Softplus}(x) = \frac{1}{\beta} \log(1 + \exp(\beta x))

    or, with torch's switch to the identity for numerical stability,

    .. math::
        \text{Softplus}(x) =
        \begin{cases}
        x, & \text{ if } \beta x > \text{threshold} \\
        \frac{1}{\beta} \log(1 + \exp(\beta x)), & \text{ otherwise }
        \end{cases}

    The derivative is :math:`\sigma(\beta x)`, and 1 where :math:`\beta x > \text{threshold}` (the
    smooth branch at equality, as in torch).

    Args:
        beta: the :math:`\beta` value for the Softplus formulation; must not be 0. Default: 1
        threshold: values above this revert to a linear function. Default: 20

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Softplus()
        >>> m(torch.tensor([0.0, 30.0]))
        tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = _check_number("Softplus", "beta", beta)
        if self.beta == 0:
            raise ValueError("Softplus: beta must not be 0 (the formula divides by it), got 0")
        self.threshold = _check_number("Softplus", "threshold", threshold)

    def forward(self, input: Tensor) -> Tensor:
        return F.SoftplusFunction.apply(_check_input(self, input), self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


# --------------------------------------------------------------------------------------------
# Normalising functions
# --------------------------------------------------------------------------------------------


def _legacy_softmax_dim(name: str, ndim: int) -> int:
    """Torch's rule when ``dim`` is None: warn, then dim 0 for 0-, 1- and 3-d inputs, else 1."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


class _Normalising(nn.Module):
    """Shared by Softmax, LogSoftmax and Softmin: a ``dim`` that may be None (torch's legacy)."""

    _legacy_name = ""
    _function: type[torch.autograd.Function]

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        _check_dim_arg(type(self).__name__, dim, allow_none=True)
        self.dim = dim

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input: Tensor) -> Tensor:
        input = _check_input(self, input)
        dim = self.dim
        if dim is None:
            dim = _legacy_softmax_dim(self._legacy_name, input.ndim)
        return self._function.apply(input, _check_dim(self, dim, input))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_Normalising):
    r"""Applies the Softmax function along ``dim``: every slice along ``dim`` becomes a
    probability vector (entries in [0, 1] that sum to 1).

    .. math::
        \text{Softmax}(x_{i}) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}
        = \frac{\exp(x_i - \max_k x_k)}{\sum_j \exp(x_j - \max_k x_k)}

    The second form is how it is computed: the shift by the max changes nothing mathematically and
    keeps :math:`\exp` from overflowing. Its backward is the vector-Jacobian product
    :math:`y \odot (g - \langle g, y \rangle)`.

    Args:
        dim: the dimension along which Softmax is computed. ``None`` follows torch's deprecated
            rule (a ``UserWarning``, then dim 0 for 0-, 1- and 3-d inputs and dim 1 otherwise).
            Default: ``None``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Softmax(dim=1)
        >>> m(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]))
        tensor([[0.5000, 0.5000],
                [0.0000, 1.0000]])
    """

    _legacy_name = "softmax"
    _function = F.SoftmaxFunction


class LogSoftmax(_Normalising):
    r"""Applies :math:`\log(\text{Softmax}(x))` along ``dim``, computed without forming the softmax.

    .. math::
        \text{LogSoftmax}(x_{i}) = \log\left(\frac{\exp(x_i)}{\sum_j \exp(x_j)}\right)
        = (x_i - m) - \log \sum_j \exp(x_j - m), \quad m = \max_k x_k

    Its backward is :math:`g - \text{softmax}(x) \sum_j g_j`.

    Args:
        dim: the dimension along which LogSoftmax is computed. ``None`` follows torch's deprecated
            rule (see :class:`Softmax`). Default: ``None``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = LogSoftmax(dim=0)
        >>> m(torch.tensor([0.0, 0.0]))
        tensor([-0.6931, -0.6931])
    """

    _legacy_name = "log_softmax"
    _function = F.LogSoftmaxFunction


class Softmin(_Normalising):
    r"""Applies the Softmin function along ``dim``: the softmax of :math:`-x`.

    .. math::
        \text{Softmin}(x_{i}) = \frac{\exp(-x_i)}{\sum_j \exp(-x_j)}

    Args:
        dim: the dimension along which Softmin is computed. ``None`` follows torch's deprecated
            rule (see :class:`Softmax`). Default: ``None``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> m = Softmin(dim=0)
        >>> m(torch.tensor([0.0, 1000.0]))
        tensor([1., 0.])
    """

    _legacy_name = "softmin"
    _function = F.SoftminFunction


class GLU(nn.Module):
    r"""Applies the gated linear unit (Dauphin et al. 2017).

    .. math::
        \text{GLU}(a, b) = a \otimes \sigma(b)

    where the input is split in half along ``dim``: :math:`a` is the first half and :math:`b` the
    second. By cases, per output element: :math:`a` passes when the gate :math:`b \gg 0`, and is
    blocked when :math:`b \ll 0`.

    Args:
        dim: the dimension on which to split the input; its size must be even. Default: -1

    Shape:
        - Input: :math:`(\ast_1, N, \ast_2)` where `*` means any number of additional dimensions
        - Output: :math:`(\ast_1, M, \ast_2)` where :math:`M = N/2`

    Examples::

        >>> m = GLU()
        >>> m(torch.tensor([[1.0, 2.0, 0.0, 1000.0]]))
        tensor([[0.5000, 2.0000]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        _check_dim_arg("GLU", dim, allow_none=False)
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        input = _check_input(self, input)
        if input.ndim == 0:
            raise ValueError("GLU: expected an input with at least 1 dimension, got a 0-d tensor")
        dim = _check_dim(self, self.dim, input)
        size = input.shape[dim]
        if size % 2:
            raise ValueError(
                f"GLU(dim={self.dim}): the size of dim {self.dim} must be even to split it in "
                f"halves, got {size} (input shape {tuple(input.shape)})"
            )
        return F.GLUFunction.apply(input, dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
