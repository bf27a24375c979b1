"""The activation registry: one frozen record per activation.

Tests, plots, tables and exercises iterate over :data:`REGISTRY`; adding an activation means adding
one :class:`Activation` record here (and its functions).

>>> from actlab.activations.registry import get
>>> rec = get("relu")
>>> rec.name, rec.range, rec.forward([-1.0, 2.0])
('ReLU', (0.0, inf), array([0., 2.]))

Properties describe the function at its default parameters (``defaults``). Fields that do not
apply to a normalising function (``monotonic``, ``range`` of GLU, ...) are ``None``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import elementwise as ew
from . import normalising as nm

__all__ = ["REGISTRY", "Activation", "get", "properties_table", "records"]

INF = math.inf
SMOOTHNESS = ("discontinuous", "C0", "C1", "Cinf")
SATURATES = ("none", "left", "right", "both")


@dataclass(frozen=True)
class Activation:
    """One activation: its names, formula, numpy callables and properties.

    Attributes:
        key: snake_case name, the ``torch.nn.functional`` name (``"relu"``).
        name: torch's ``nn.Module`` class name (``"ReLU"``).
        formula: LaTeX of the function.
        forward: numpy forward ``forward(x, **defaults)``.
        derivative: numpy derivative ``derivative(x, **defaults)``; for a normalising function the
            vector-Jacobian product ``derivative(x, grad_output, axis=-1)``.
        defaults: torch's default parameters (for ``threshold``, which has none in torch, and
            ``prelu``, whose weight is learnt, the values torch's docs use).
        range: ``(lo, hi)``, the closure of the image at the defaults.
        monotonic: non-decreasing at the defaults.
        smoothness: ``"discontinuous"``, ``"C0"``, ``"C1"`` or ``"Cinf"``.
        zero_centred: ``E[f(z)] = 0`` for ``z ~ N(0, 1)``.
        saturates: where ``f'`` tends to 0: ``"none"``, ``"left"``, ``"right"`` or ``"both"``.
        num_parameters: learnable parameters (PReLU's slope, Swish's beta).
        year: year of the paper that introduced or popularised it (``None``: classical).
        paper: the citation.
        kind: ``"elementwise"`` or ``"normalising"``.
        kinks: points where the derivative is undefined and takes torch's conventional value.
        switch_points: x values where the implementation changes branch (for accuracy tests).
        torch_name: the ``torch.nn.functional`` name, ``None`` when torch has no functional.
    """

    key: str
    name: str
    formula: str
    forward: Callable[..., Any]
    derivative: Callable[..., Any]
    defaults: Mapping[str, Any]
    range: tuple[float, float] | None
    monotonic: bool | None
    smoothness: str
    zero_centred: bool | None
    saturates: str | None
    num_parameters: int
    year: int | None
    paper: str
    kind: str = "elementwise"
    kinks: tuple[float, ...] = ()
    switch_points: tuple[float, ...] = ()
    torch_name: str | None = field(default=None)

    def __post_init__(self) -> None:
        if self.smoothness not in SMOOTHNESS:
            raise ValueError(f"Activation({self.key!r}): smoothness {self.smoothness!r} not in {SMOOTHNESS}")
        if self.saturates is not None and self.saturates not in SATURATES:
            raise ValueError(f"Activation({self.key!r}): saturates {self.saturates!r} not in {SATURATES}")
        if self.kind not in ("elementwise", "normalising"):
            raise ValueError(f"Activation({self.key!r}): kind {self.kind!r} is not known")
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    @property
    def module(self) -> type:
        """Our torch ``nn.Module`` class of this name, from :mod:`actlab.activations.modules`."""
        mod = importlib.import_module("actlab.activations.modules")
        try:
            return getattr(mod, self.name)
        except AttributeError:
            raise LookupError(
                f"actlab.activations.modules has no class {self.name!r} for activation {self.key!r}"
            ) from None

    @property
    def torch_functional(self) -> Callable[..., Any] | None:
        """The ``torch.nn.functional`` reference, or ``None`` (Swish has none)."""
        if self.torch_name is None:
            return None
        functional = importlib.import_module("torch.nn.functional")
        return getattr(functional, self.torch_name)


def _rec(key: str, name: str, formula: str, defaults: Mapping[str, Any] | None = None, **kw: Any) -> Activation:
    mod = nm if kw.get("kind") == "normalising" else ew
    kw.setdefault("torch_name", key)
    return Activation(
        key=key,
        name=name,
        formula=formula,
        forward=getattr(mod, key),
        derivative=getattr(mod, key + "_grad"),
        defaults=defaults or {},
        **kw,
    )


# minima of the non-monotonic units (mpmath, 40 digits), rounded down
SILU_MIN = -0.27846454276107380
MISH_MIN = -0.30884341301725041
GELU_MIN = -0.16997120747990367
SELU_MIN = -ew.SELU_SCALE_ALPHA
# exp(-|x|) < 1e-4 beyond this: the float32 kernels of softplus and logsigmoid switch to a series
LOG_1E4 = math.log(1e4)

_RECORDS = (
    _rec("threshold", "Threshold", r"y = \begin{cases} x, & x > \theta \\ v, & x \le \theta \end{cases}",
         {"threshold": 0.1, "value": 20.0}, range=(0.1, INF), monotonic=False,
         smoothness="discontinuous", zero_centred=False, saturates="left", num_parameters=0,
         year=None, paper="classical threshold unit; torch's docs use Threshold(0.1, 20)",
         kinks=(0.1,), switch_points=(0.1,)),
    _rec("relu", "ReLU", r"\max(0, x)", range=(0.0, INF), monotonic=True, smoothness="C0",
         zero_centred=False, saturates="left", num_parameters=0, year=2010,
         paper="Nair & Hinton 2010, Rectified linear units improve restricted Boltzmann machines (ICML)",
         kinks=(0.0,), switch_points=(0.0,)),
    _rec("rrelu", "RReLU",
         r"\begin{cases} x, & x > 0 \\ a x, & x \le 0 \end{cases},\ a \sim U(l, u)\ \text{(train)},\ a = \tfrac{l+u}{2}\ \text{(eval)}",
         {"lower": 1.0 / 8.0, "upper": 1.0 / 3.0}, range=(-INF, INF), monotonic=True,
         smoothness="C0", zero_centred=False, saturates="none", num_parameters=0, year=2015,
         paper="Xu, Wang, Chen & Li 2015, Empirical evaluation of rectified activations in convolutional network (arXiv:1505.00853)",
         kinks=(0.0,), switch_points=(0.0,)),
    _rec("hardtanh", "Hardtanh", r"\min(\max(x, -1), 1)", {"min_val": -1.0, "max_val": 1.0},
         range=(-1.0, 1.0), monotonic=True, smoothness="C0", zero_centred=True, saturates="both",
         num_parameters=0, year=2004, paper="Collobert 2004, Large scale machine learning (PhD thesis, Université Paris VI)",
         kinks=(-1.0, 1.0), switch_points=(-1.0, 1.0)),
    _rec("relu6", "ReLU6", r"\min(\max(0, x), 6)", range=(0.0, 6.0), monotonic=True,
         smoothness="C0", zero_centred=False, saturates="both", num_parameters=0, year=2010,
         paper="Krizhevsky 2010, Convolutional deep belief networks on CIFAR-10 (tech. report)",
         kinks=(0.0, 6.0), switch_points=(0.0, 6.0)),
    _rec("sigmoid", "Sigmoid", r"\sigma(x) = \frac{1}{1 + e^{-x}}", range=(0.0, 1.0), monotonic=True,
         smoothness="Cinf", zero_centred=False, saturates="both", num_parameters=0, year=1986,
         paper="classical; Rumelhart, Hinton & Williams 1986, Learning representations by back-propagating errors (Nature)",
         switch_points=(0.0,)),
    _rec("hardsigmoid", "Hardsigmoid", r"\min(\max(0, x/6 + 1/2), 1)", range=(0.0, 1.0),
         monotonic=True, smoothness="C0", zero_centred=False, saturates="both", num_parameters=0,
         year=2019, paper="Howard et al. 2019, Searching for MobileNetV3 (ICCV)",
         kinks=(-3.0, 3.0), switch_points=(-3.0, 3.0)),
    _rec("tanh", "Tanh", r"\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}", range=(-1.0, 1.0),
         monotonic=True, smoothness="Cinf", zero_centred=True, saturates="both", num_parameters=0,
         year=1998, paper="classical; LeCun, Bottou, Orr & Müller 1998, Efficient BackProp",
         switch_points=(-(2.0**-10), 0.0, 2.0**-10)),
    _rec("logsigmoid", "LogSigmoid", r"\log \sigma(x) = -\log(1 + e^{-x})", range=(-INF, 0.0),
         monotonic=True, smoothness="Cinf", zero_centred=False, saturates="right",
         num_parameters=0, year=None, paper="classical (log-likelihood of the logistic model)",
         switch_points=(-LOG_1E4, 0.0, LOG_1E4)),
    _rec("softsign", "Softsign", r"\frac{x}{1 + |x|}", range=(-1.0, 1.0), monotonic=True,
         smoothness="C1", zero_centred=True, saturates="both", num_parameters=0, year=2009,
         paper="Bergstra, Desjardins, Lamblin & Bengio 2009, Quadratic polynomials learn better image features (tech. report 1337, U. Montréal); Turian, Bergstra & Bengio 2009",
         switch_points=(0.0,)),
    _rec("silu", "SiLU", r"x\,\sigma(x)", range=(SILU_MIN, INF), monotonic=False,
         smoothness="Cinf", zero_centred=False, saturates="left", num_parameters=0, year=2018,
         paper="Elfwing, Uchibe & Doya 2018, Sigmoid-weighted linear units for neural network function approximation in reinforcement learning (Neural Networks)",
         switch_points=(-700.0, 0.0)),
    _rec("swish", "Swish", r"x\,\sigma(\beta x)", {"beta": 1.0}, range=(SILU_MIN, INF),
         monotonic=False, smoothness="Cinf", zero_centred=False, saturates="left",
         num_parameters=1, year=2017,
         paper="Ramachandran, Zoph & Le 2017, Searching for activation functions (arXiv:1710.05941)",
         switch_points=(-700.0, 0.0), torch_name=None),
    _rec("mish", "Mish", r"x \tanh(\log(1 + e^x))", range=(MISH_MIN, INF), monotonic=False,
         smoothness="Cinf", zero_centred=False, saturates="left", num_parameters=0, year=2019,
         paper="Misra 2019, Mish: a self regularized non-monotonic activation function (arXiv:1908.08681)",
         switch_points=(-700.0, 0.0)),
    _rec("hardswish", "Hardswish", r"x \cdot \frac{\min(\max(0, x + 3), 6)}{6}",
         range=(-0.375, INF), monotonic=False, smoothness="C0", zero_centred=False,
         saturates="left", num_parameters=0, year=2019,
         paper="Howard et al. 2019, Searching for MobileNetV3 (ICCV)",
         kinks=(-3.0, 3.0), switch_points=(-3.0, 3.0)),
    _rec("elu", "ELU", r"\begin{cases} x, & x > 0 \\ \alpha (e^x - 1), & x \le 0 \end{cases}",
         {"alpha": 1.0}, range=(-1.0, INF), monotonic=True, smoothness="C1", zero_centred=False,
         saturates="left", num_parameters=0, year=2016,
         paper="Clevert, Unterthiner & Hochreiter 2016, Fast and accurate deep network learning by exponential linear units (ICLR)",
         switch_points=(-(2.0**-5), 0.0)),
    _rec("celu", "CELU", r"\max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))", {"alpha": 1.0},
         range=(-1.0, INF), monotonic=True, smoothness="C1", zero_centred=False, saturates="left",
         num_parameters=0, year=2017,
         paper="Barron 2017, Continuously differentiable exponential linear units (arXiv:1704.07483)",
         switch_points=(-(2.0**-5), 0.0)),
    _rec("selu", "SELU",
         r"\lambda \begin{cases} x, & x > 0 \\ \alpha (e^x - 1), & x \le 0 \end{cases},\ \lambda \approx 1.0507,\ \alpha \approx 1.6733",
         range=(SELU_MIN, INF), monotonic=True, smoothness="C0", zero_centred=True,
         saturates="left", num_parameters=0, year=2017,
         paper="Klambauer, Unterthiner, Mayr & Hochreiter 2017, Self-normalizing neural networks (NeurIPS)",
         kinks=(0.0,), switch_points=(-(2.0**-5), 0.0)),
    _rec("gelu", "GELU", r"x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}(x/\sqrt{2})\right)",
         {"approximate": "none"}, range=(GELU_MIN, INF), monotonic=False, smoothness="Cinf",
         zero_centred=False, saturates="left", num_parameters=0, year=2016,
         paper="Hendrycks & Gimpel 2016, Gaussian error linear units (GELUs) (arXiv:1606.08415)",
         switch_points=(-40.0, 0.0, 40.0)),
    _rec("hardshrink", "Hardshrink", r"\begin{cases} x, & |x| > \lambda \\ 0, & |x| \le \lambda \end{cases}",
         {"lambd": 0.5}, range=(-INF, INF), monotonic=True, smoothness="discontinuous",
         zero_centred=True, saturates="none", num_parameters=0, year=1994,
         paper="Donoho & Johnstone 1994, Ideal spatial adaptation by wavelet shrinkage (Biometrika)",
         kinks=(-0.5, 0.5), switch_points=(-0.5, 0.5)),
    _rec("leaky_relu", "LeakyReLU", r"\max(0, x) + 0.01 \min(0, x)", {"negative_slope": 0.01},
         range=(-INF, INF), monotonic=True, smoothness="C0", zero_centred=False, saturates="none",
         num_parameters=0, year=2013,
         paper="Maas, Hannun & Ng 2013, Rectifier nonlinearities improve neural network acoustic models (ICML workshop)",
         kinks=(0.0,), switch_points=(0.0,)),
    _rec("softplus", "Softplus",
         r"\frac{1}{\beta}\log(1 + e^{\beta x})\ (\text{linear once } \beta x > 20)",
         {"beta": 1.0, "threshold": 20.0}, range=(0.0, INF), monotonic=True, smoothness="Cinf",
         zero_centred=False, saturates="left", num_parameters=0, year=2001,
         paper="Dugas, Bengio, Bélisle, Nadeau & Garcia 2001, Incorporating second-order functional knowledge for better option pricing (NIPS)",
         switch_points=(-LOG_1E4, 0.0, LOG_1E4, 20.0)),
    _rec("softshrink", "Softshrink",
         r"\begin{cases} x - \lambda, & x > \lambda \\ x + \lambda, & x < -\lambda \\ 0, & \text{otherwise} \end{cases}",
         {"lambd": 0.5}, range=(-INF, INF), monotonic=True, smoothness="C0", zero_centred=True,
         saturates="none", num_parameters=0, year=1995,
         paper="Donoho 1995, De-noising by soft-thresholding (IEEE Trans. Inf. Theory)",
         kinks=(-0.5, 0.5), switch_points=(-0.5, 0.5)),
    _rec("prelu", "PReLU", r"\max(0, x) + a \min(0, x)", {"weight": 0.25}, range=(-INF, INF),
         monotonic=True, smoothness="C0", zero_centred=False, saturates="none", num_parameters=1,
         year=2015,
         paper="He, Zhang, Ren & Sun 2015, Delving deep into rectifiers: surpassing human-level performance on ImageNet classification (ICCV)",
         kinks=(0.0,), switch_points=(0.0,)),
    _rec("tanhshrink", "Tanhshrink", r"x - \tanh(x)", range=(-INF, INF), monotonic=True,
         smoothness="Cinf", zero_centred=True, saturates="none", num_parameters=0, year=None,
         paper="classical (torch.nn.Tanhshrink)", switch_points=(-0.1, -(2.0**-10), 2.0**-10, 0.1)),
    _rec("glu", "GLU", r"a \otimes \sigma(b),\ (a, b) = \text{halves of } x", {"axis": -1},
         range=(-INF, INF), monotonic=None, smoothness="Cinf", zero_centred=None, saturates=None,
         num_parameters=0, year=2017,
         paper="Dauphin, Fan, Auli & Grangier 2017, Language modeling with gated convolutional networks (ICML)",
         kind="normalising"),
    _rec("softmax", "Softmax", r"\frac{e^{x_i}}{\sum_j e^{x_j}}", {"axis": -1}, range=(0.0, 1.0),
         monotonic=None, smoothness="Cinf", zero_centred=False, saturates=None, num_parameters=0,
         year=1990,
         paper="Bridle 1990, Probabilistic interpretation of feedforward classification network outputs (Neurocomputing, NATO ASI)",
         kind="normalising"),
    _rec("log_softmax", "LogSoftmax", r"x_i - \log \sum_j e^{x_j}", {"axis": -1},
         range=(-INF, 0.0), monotonic=None, smoothness="Cinf", zero_centred=False, saturates=None,
         num_parameters=0, year=1990, paper="Bridle 1990 (the log of the softmax)",
         kind="normalising"),
    _rec("softmin", "Softmin", r"\frac{e^{-x_i}}{\sum_j e^{-x_j}}", {"axis": -1}, range=(0.0, 1.0),
         monotonic=None, smoothness="Cinf", zero_centred=False, saturates=None, num_parameters=0,
         year=None, paper="the softmax of -x", kind="normalising"),
)

REGISTRY: Mapping[str, Activation] = MappingProxyType({r.key: r for r in _RECORDS})


def records(kind: str | None = None) -> list[Activation]:
    """All records in registry order, optionally only ``"elementwise"`` or ``"normalising"`` ones."""
    if kind not in (None, "elementwise", "normalising"):
        raise ValueError(f"records(): kind must be None, 'elementwise' or 'normalising'; got {kind!r}")
    return [r for r in _RECORDS if kind is None or r.kind == kind]


def get(key: str) -> Activation:
    """The record for ``key`` (``"relu"``) or torch class name (``"ReLU"``), case-insensitively."""
    if not isinstance(key, str):
        raise TypeError(f"get(): expected an activation name (str); got {type(key).__name__}")
    k = key.strip().lower()
    for r in _RECORDS:
        if k in (r.key, r.name.lower()):
            return r
    names = ", ".join(r.key for r in _RECORDS)
    raise KeyError(f"get(): no activation named {key!r}; known: {names}")


def properties_table(kind: str | None = None) -> list[dict[str, Any]]:
    """One plain dict per activation, for a chapter to display (e.g. ``pandas.DataFrame(...)``)."""
    rows = []
    for r in records(kind):
        rows.append(
            {
                "name": r.name,
                "key": r.key,
                "formula": r.formula,
                "range": r.range,
                "monotonic": r.monotonic,
                "smoothness": r.smoothness,
                "zero_centred": r.zero_centred,
                "saturates": r.saturates,
                "parameters": r.num_parameters,
                "defaults": dict(r.defaults),
                "year": r.year,
                "paper": r.paper,
                "kind": r.kind,
            }
        )
    return rows

