"""Activation functions of fully-connected layers, in numpy, with a registry.

Every elementwise activation of ``torch.nn`` is available under its ``torch.nn.functional`` name
(``relu``, ``leaky_relu``, ``gelu``, ...) with torch's parameter names and defaults, plus ``swish``.
Each forward ``f(x, **params)`` has an analytic derivative ``f_grad(x, **params)``. The normalising
functions ``softmax``, ``log_softmax``, ``softmin`` and ``glu`` take ``axis=-1`` and their
derivatives are vector-Jacobian products ``f_grad(x, grad_output, axis=-1)``.

Input policy (one place: :mod:`actlab.activations._inputs`):

* numpy arrays, numpy/Python scalars and nested lists are accepted; float16, float32 and float64
  keep their dtype; **int and bool are promoted to float64**, as numpy ufuncs do;
* strings, None, object, complex and other dtypes raise ``TypeError`` naming the function;
* shape is preserved; 0-d input gives a numpy scalar (like a ufunc); ``out=`` is accepted.

Accuracy, measured against 50-digit mpmath (``benchmarks/accuracy.py``): float32 within 2 ULP at
every finite input, float64 within a few ULP; no floating-point warnings for any input, limits at
±inf, NaN propagated. Every elementwise forward and derivative is also checked at every finite
float32 input (``benchmarks/exhaustive_f32.py``, results in ``docs/accuracy.md``). Derivatives at
kinks take PyTorch's autograd values (ReLU'(0) = 0).

The registry (:mod:`actlab.activations.registry`) holds one record per activation:

>>> from actlab.activations import get
>>> get("gelu").name
'GELU'
"""

from .elementwise import (
    celu,
    celu_grad,
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    hardshrink,
    hardshrink_grad,
    hardsigmoid,
    hardsigmoid_grad,
    hardswish,
    hardswish_grad,
    hardtanh,
    hardtanh_grad,
    leaky_relu,
    leaky_relu_grad,
    logsigmoid,
    logsigmoid_grad,
    mish,
    mish_grad,
    prelu,
    prelu_grad,
    prelu_weight_grad,
    relu,
    relu6,
    relu6_grad,
    relu_grad,
    rrelu,
    rrelu_grad,
    selu,
    selu_grad,
    sigmoid,
    sigmoid_grad,
    silu,
    silu_grad,
    softplus,
    softplus_grad,
    softshrink,
    softshrink_grad,
    softsign,
    softsign_grad,
    swish,
    swish_grad,
    tanh,
    tanh_grad,
    tanhshrink,
    tanhshrink_grad,
    threshold,
    threshold_grad,
)
from .normalising import (
    glu,
    glu_grad,
    log_softmax,
    log_softmax_grad,
    softmax,
    softmax_grad,
    softmin,
    softmin_grad,
)
from .registry import REGISTRY, Activation, get, properties_table, records

__all__ = [
    "REGISTRY",
    "Activation",
    "celu",
    "celu_grad",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "get",
    "glu",
    "glu_grad",
    "hardshrink",
    "hardshrink_grad",
    "hardsigmoid",
    "hardsigmoid_grad",
    "hardswish",
    "hardswish_grad",
    "hardtanh",
    "hardtanh_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "log_softmax_grad",
    "logsigmoid",
    "logsigmoid_grad",
    "mish",
    "mish_grad",
    "prelu",
    "prelu_grad",
    "prelu_weight_grad",
    "properties_table",
    "records",
    "relu",
    "relu6",
    "relu6_grad",
    "relu_grad",
    "rrelu",
    "rrelu_grad",
    "selu",
    "selu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "softmax",
    "softmax_grad",
    "softmin",
    "softmin_grad",
    "softplus",
    "softplus_grad",
    "softshrink",
    "softshrink_grad",
    "softsign",
    "softsign_grad",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
    "tanhshrink",
    "tanhshrink_grad",
    "threshold",
    "threshold_grad",
]
