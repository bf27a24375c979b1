r"""Chapter 2 experiment: why a zero-centred hidden unit (tanh) trains better than sigmoid.

The weight gradient of a dense layer :math:`z = hW + b` for one example is an outer product,
:math:`\partial L / \partial W = h^\top \delta`: the column of unit :math:`j` (its incoming
weights) is :math:`\delta_j h^\top`. (torch stores the transpose, so there it is a row of
``weight.grad``.) If the layer's inputs :math:`h` are all positive, as sigmoid outputs are, every
entry of that column has the sign of :math:`\delta_j`; the update of a unit's incoming weights can only move them all up or all
down together, and reaching a mixed-sign target takes a zig-zag (LeCun, Bottou, Orr and Müller,
"Efficient BackProp", 1998, section 4.3). :func:`sign_coherence` measures this.

:func:`centring_comparison` separates the two differences between sigmoid and tanh. Since
:math:`\tanh x = 2\sigma(2x) - 1`, tanh is both *centred* and *steeper* (slope 1 at 0, not 1/4).
The four activations :math:`a\sigma(x) - b` with slope :math:`a/4 \in \{1/4, 1\}` and shift
:math:`b \in \{0, a/2\}` change one thing at a time. Two piecewise-linear twins, the hard sigmoid
:math:`\min(\max(x/4 + 1/2, 0), 1)` (sigmoid's range and slope at 0) and Hardtanh (tanh's), change
only the smoothness. Training runs in float64, so that it replays to the printed digits on any CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from actlab.i18n import t

__all__ = [
    "SCALED_SIGMOIDS",
    "HardSigmoidQuarter",
    "ScaledSigmoid",
    "centring_comparison",
    "centring_table",
    "coherence_table",
    "sign_coherence",
]

#: name -> (scale a, shift b) of :math:`a\sigma(x) - b`.
SCALED_SIGMOIDS: dict[str, tuple[float, float]] = {
    "sigmoid": (1.0, 0.0),
    "sigmoid - 1/2": (1.0, 0.5),
    "4 sigmoid": (4.0, 0.0),
    "4 sigmoid - 2": (4.0, 2.0),
}


class ScaledSigmoid(nn.Module):
    r""":math:`a\,\sigma(x) - b`, built on the course's Sigmoid module.

    Args:
        scale: :math:`a`. Default: 1.
        shift: :math:`b`. Default: 0.

    Shape:
        - Input: :math:`(*)`; Output: same shape.

    Examples::

        >>> import torch
        >>> ScaledSigmoid(4.0, 2.0)(torch.zeros(2))
        tensor([0., 0.])
    """

    def __init__(self, scale: float = 1.0, shift: float = 0.0) -> None:
        from actlab.activations.registry import get

        super().__init__()
        self.scale = float(scale)
        self.shift = float(shift)
        self.sigmoid = get("sigmoid").module()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * self.sigmoid(x) - self.shift

    def extra_repr(self) -> str:
        return f"scale={self.scale}, shift={self.shift}"


class HardSigmoidQuarter(nn.Module):
    r"""The piecewise-linear twin of sigmoid: :math:`\min(\max(x/4 + 1/2, 0), 1)`.

    Same range :math:`[0, 1]`, same value 1/2 and slope 1/4 at 0 as :math:`\sigma`, but not smooth:
    its derivative jumps at :math:`\pm 2`. (torch's ``Hardsigmoid`` has slope 1/6.)

    Shape:
        - Input: :math:`(*)`; Output: same shape.

    Examples::

        >>> import torch
        >>> HardSigmoidQuarter()(torch.tensor([-4.0, 0.0, 1.0, 4.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(0.25 * x + 0.5, 0.0, 1.0)


#: variant name -> factory of a module that is not a registry activation
_MODULES: dict[str, Any] = {"hard sigmoid": HardSigmoidQuarter}

#: variants that are not smooth (the others are C-infinity)
PIECEWISE_LINEAR = ("hard sigmoid", "hardtanh")


def _factory(variant: str) -> Any:
    if variant in SCALED_SIGMOIDS:
        scale, shift = SCALED_SIGMOIDS[variant]
        return lambda: ScaledSigmoid(scale, shift)
    if variant in _MODULES:
        return _MODULES[variant]
    return variant  # a registry key


def sign_coherence(
    activations: Sequence[str] = ("sigmoid", "tanh"),
    *,
    width: int = 64,
    batch_sizes: Sequence[int] = (1, 32),
    num_batches: int = 20,
    seed: int = 0,
) -> list[dict[str, Any]]:
    r"""Fraction of units of layer 2 whose incoming weights all get an update of one sign.

    The network is ``64 -> width -> width -> 10`` on digits (Xavier initialisation). For each of
    ``num_batches`` batches the gradient :math:`\partial L / \partial W_2` is computed; a unit
    counts as *sign-coherent* if all the non-zero entries of its incoming weights' gradient (a
    column of :math:`\partial L / \partial W_2` under :math:`z = hW + b`) have the same sign.

    Returns:
        One row per (activation, batch size): ``activation``, ``batch_size``,
        ``coherent_fraction``, ``input_min`` (smallest input to layer 2 seen).
    """
    from torch.nn import functional as F

    from actlab.data import digits, make_loader
    from actlab.networks import layer_outputs, linear_layers, make_mlp

    rows = []
    train = digits("train")
    for act in activations:
        net = make_mlp([64, width, width, 10], _factory(act), init="xavier", seed=seed)
        net = net.to(torch.float64)
        w2 = linear_layers(net)[1].weight
        for bs in batch_sizes:
            coherent, total, input_min = 0, 0, np.inf
            for k, (xb, yb) in enumerate(make_loader(train, batch_size=bs, seed=seed)):
                if k == num_batches:
                    break
                net.zero_grad()
                xb = xb.to(torch.float64)
                F.cross_entropy(net(xb), yb).backward()
                g = w2.grad.T  # (in, out): column j holds the gradient of unit j's incoming weights
                nonzero = g != 0
                pos = ((g > 0) | ~nonzero).all(dim=0)
                neg = ((g < 0) | ~nonzero).all(dim=0)
                coherent += int((pos | neg).sum())
                total += g.shape[1]
                with torch.no_grad():
                    input_min = min(input_min, float(layer_outputs(net, xb)[0].min()))
            rows.append(
                {
                    "activation": act,
                    "batch_size": bs,
                    "coherent_fraction": coherent / total,
                    "input_min": input_min,
                }
            )
    return rows


def centring_comparison(
    variants: Sequence[str] = ("sigmoid", "sigmoid - 1/2", "4 sigmoid", "4 sigmoid - 2", "tanh"),
    *,
    hidden: Sequence[int] = (64, 64),
    epochs: int = 5,
    lr: float = 0.1,
    batch_size: int = 32,
    seeds: Sequence[int] = (0, 1),
) -> list[dict[str, Any]]:
    """Train the same MLP on digits with each activation variant; return the training-error curves.

    Variants are the names in :data:`SCALED_SIGMOIDS`, ``"hard sigmoid"``
    (:class:`HardSigmoidQuarter`) or registry keys. Training is plain SGD in float64 with Xavier
    initialisation, identical for all variants (same seeds, same batches).

    Returns:
        One row per variant: ``variant``, ``centred`` (mean output over :math:`N(0,1)` inputs is 0),
        ``slope_at_0``, ``smooth`` (False for the piecewise-linear ones), ``train_error`` (array
        ``(len(seeds), epochs + 1)``, epoch 0 first) and ``final_error_mean``, ``final_error_max``.
    """
    from actlab.data import digits
    from actlab.networks import make_mlp, train

    train_set = digits("train")
    z = torch.linspace(-6, 6, 2401, requires_grad=True)
    weights = torch.exp(-(z.detach() ** 2) / 2)
    out = []
    for variant in variants:
        factory = _factory(variant)
        module = factory() if callable(factory) else make_mlp([1, 1, 1], variant)[1]
        y = module(z)
        centred = abs(float((y.detach() * weights).sum() / weights.sum())) < 1e-6
        (dy,) = torch.autograd.grad(y[1200], z)
        curves = []
        for seed in seeds:
            net = make_mlp([64, *hidden, 10], factory, init="xavier", seed=seed)
            rows = train(
                net,
                train_set,
                epochs=epochs,
                lr=lr,
                batch_size=batch_size,
                seed=seed,
                dtype=torch.float64,
            )
            curves.append([r["train_error"] for r in rows])
        curves_arr = np.array(curves)
        out.append(
            {
                "variant": variant,
                "centred": centred,
                "slope_at_0": float(dy[1200]),
                "smooth": variant not in PIECEWISE_LINEAR,
                "train_error": curves_arr,
                "final_error_mean": float(curves_arr[:, -1].mean()),
                "final_error_max": float(curves_arr[:, -1].max()),
            }
        )
    return out


def centring_table(rows: list[dict[str, Any]], *, lang: str = "en") -> list[dict[str, Any]]:
    """Printable rows for :func:`centring_comparison`: centred, slope, error after 1 epoch and at
    the end, labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["variant"],
            t("result.zero_centred", lang): r["centred"],
            t("result.centring.slope", lang): r["slope_at_0"],
            t("result.centring.smooth", lang): r.get("smooth", True),
            t("result.centring.first_epoch", lang): float(np.mean(r["train_error"][:, 1])),
            t("result.centring.final_mean", lang): r["final_error_mean"],
            t("result.centring.final_worst", lang): r["final_error_max"],
        }
        for r in rows
    ]


def coherence_table(rows: list[dict[str, Any]], *, lang: str = "en") -> list[dict[str, Any]]:
    """Printable rows for :func:`sign_coherence`, labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.coherence.batch_size", lang): r["batch_size"],
            t("result.coherence.one_signed", lang): r["coherent_fraction"],
            t("result.coherence.smallest_input", lang): r["input_min"],
        }
        for r in rows
    ]
