"""Forward statistics of a deep random dense network, layer by layer.

Push a batch of standard-normal inputs through ``depth`` square dense layers with random weights
(no training, no bias) and record the mean and variance of every layer's activations. This is the
measurement behind the initialisation section of chapter 3: whether the signal keeps its scale
through depth depends on the pair (activation, weight variance), and SELU with
:math:`W \\sim \\mathcal N(0, 1/n)` is built to keep mean 0 and variance 1 (Klambauer et al. 2017).

The network runs in numpy float32 (statistics in float64) and uses the registry's numpy forwards, so any registered elementwise
activation can be propagated. An optional dropout between layers (plain inverted dropout or
:func:`alpha_dropout`) is applied in training mode.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from actlab.i18n import t
from actlab.reproducibility import rng as make_rng

__all__ = [
    "INIT_STDS",
    "alpha_dropout",
    "inverted_dropout",
    "propagate_statistics",
    "summary_rows",
    "summary_table",
]

#: Weight standard deviation for a layer with ``n`` inputs and ``n`` outputs, by init name.
INIT_STDS: dict[str, Callable[[int], float]] = {
    "lecun": lambda n: 1.0 / math.sqrt(n),  # N(0, 1/n): SELU's init
    "xavier": lambda n: math.sqrt(2.0 / (n + n)),  # Glorot normal, equal to lecun for square layers
    "he": lambda n: math.sqrt(2.0 / n),  # He et al. 2015 (Kaiming normal, fan_in)
}

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def inverted_dropout(x: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Plain (inverted) dropout in training mode: zero each entry with probability ``p``, scale by 1/(1-p).

    Args:
        x: activations.
        p: drop probability in [0, 1).
        rng: a numpy Generator.

    Shape:
        Output has the shape of ``x``.
    """
    _check_p(p, "inverted_dropout")
    keep = rng.random(x.shape) >= p
    return np.where(keep, x / (1.0 - p), 0.0)


def alpha_dropout(x: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Alpha dropout in training mode (Klambauer et al. 2017), as ``torch.nn.AlphaDropout``.

    A dropped entry is set to SELU's negative saturation value :math:`\\alpha' = -\\lambda\\alpha`
    instead of 0, then an affine map restores mean 0 and variance 1 for standardised inputs:

    .. math::

        y = a\\,(x d + \\alpha'(1-d)) + b,\\quad d\\sim\\text{Bernoulli}(1-p),\\quad
        a = \\bigl((1-p)(1 + p\\,\\alpha'^2)\\bigr)^{-1/2},\\quad b = -a\\,\\alpha' p.

    Args:
        x: activations (SELU outputs).
        p: drop probability in [0, 1).
        rng: a numpy Generator.

    Shape:
        Output has the shape of ``x``.
    """
    _check_p(p, "alpha_dropout")
    alpha_prime = -_SELU_SCALE * _SELU_ALPHA
    a = 1.0 / math.sqrt((1.0 - p) * (1.0 + p * alpha_prime**2))
    b = -a * alpha_prime * p
    keep = rng.random(x.shape) >= p
    return a * np.where(keep, x, alpha_prime) + b


def _check_p(p: float, func: str) -> None:
    if not (isinstance(p, (int, float)) and 0.0 <= float(p) < 1.0):
        raise ValueError(f"{func}: p must be a float in [0, 1), got {p!r}")


_DROPOUTS = {"none": None, "standard": inverted_dropout, "alpha": alpha_dropout}


def propagate_statistics(
    activation: str,
    *,
    depth: int = 50,
    width: int = 256,
    init: str = "lecun",
    batch: int = 512,
    dropout: str = "none",
    p: float = 0.1,
    seed: int = 0,
) -> dict[str, object]:
    """Mean and variance of each layer's activations in a deep random dense net.

    Layer :math:`l` computes :math:`h_l = f(h_{l-1} W_l)` (then dropout, if asked), with
    :math:`W_l \\in \\mathbb R^{n\\times n}` drawn from :math:`\\mathcal N(0, s^2)`, ``s`` from
    ``init``, and :math:`h_0 \\sim \\mathcal N(0, 1)`. Statistics are over the whole batch and all
    units of a layer.

    Args:
        activation: a registry key (``"selu"``, ``"relu"``, ``"tanh"``, ...), or ``"identity"``.
        depth: number of layers, >= 1. Default: 50.
        width: units per layer ``n``, >= 2. Default: 256.
        init: ``"lecun"`` (N(0, 1/n)), ``"xavier"`` (Glorot normal) or ``"he"`` (N(0, 2/n)).
            Default: ``"lecun"``.
        batch: number of input samples. Default: 512.
        dropout: ``"none"``, ``"standard"`` (inverted dropout) or ``"alpha"`` (alpha dropout),
            applied after every activation. Default: ``"none"``.
        p: drop probability when ``dropout`` is not ``"none"``. Default: 0.1.
        seed: seeds the inputs, the weights and the dropout masks. Default: 0.

    Returns:
        ``{"activation", "init", "dropout", "layer": 1..depth, "mean": array, "var": array}``.

    Shape:
        ``mean`` and ``var``: ``(depth,)``.

    Examples::

        >>> r = propagate_statistics("selu", depth=5, width=64, batch=128)
        >>> r["var"].shape
        (5,)
    """
    func = "propagate_statistics"
    for name, value, low in (("depth", depth, 1), ("width", width, 2), ("batch", batch, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{func}: {name} must be an int >= {low}, got {value!r}")
    if init not in INIT_STDS:
        raise ValueError(f"{func}: init must be one of {sorted(INIT_STDS)}, got {init!r}")
    if dropout not in _DROPOUTS:
        raise ValueError(f"{func}: dropout must be one of {sorted(_DROPOUTS)}, got {dropout!r}")
    forward = _numpy_forward(activation, func)
    drop = _DROPOUTS[dropout]
    if drop is not None:
        _check_p(p, func)

    gen = make_rng(seed)
    std = INIT_STDS[init](int(width))
    # float32 halves the cost of the matrix products; the statistics are accumulated in float64
    h = gen.standard_normal((int(batch), int(width)), dtype=np.float32)
    means, variances = np.empty(int(depth)), np.empty(int(depth))
    for layer in range(int(depth)):
        w = gen.standard_normal((int(width), int(width)), dtype=np.float32) * np.float32(std)
        h = forward(h @ w)
        if drop is not None:
            h = drop(h, p, gen).astype(np.float32)
        means[layer] = h.mean(dtype=np.float64)
        variances[layer] = h.var(dtype=np.float64)
    return {
        "activation": activation,
        "init": init,
        "dropout": dropout,
        "layer": np.arange(1, int(depth) + 1),
        "mean": means,
        "var": variances,
    }


def _numpy_forward(activation: str, func: str) -> Callable[[np.ndarray], np.ndarray]:
    if activation == "identity":
        return lambda x: x
    from actlab.activations.registry import get

    try:
        record = get(activation)
    except (KeyError, ValueError) as exc:
        raise ValueError(
            f"{func}: activation must be a registry key or 'identity', got {activation!r}"
        ) from exc
    if record.kind != "elementwise":
        raise ValueError(
            f"{func}: activation must be elementwise, got {activation!r} ({record.kind})"
        )
    defaults = dict(record.defaults)
    return lambda x: record.forward(x, **defaults)


def summary_rows(results: list[dict], label: str = "activation") -> list[dict[str, object]]:
    """One row per :func:`propagate_statistics` result: the last layer and the range over layers.

    Args:
        results: :func:`propagate_statistics` results.
        label: the result field that names a row (``"activation"`` or ``"dropout"``).

    Returns:
        Dicts with ``label``, ``abs_mean`` and ``var`` (the last layer's), ``var_min`` and
        ``var_max`` (over all layers).
    """
    return [
        {
            label: r[label],
            "abs_mean": float(abs(r["mean"][-1])),
            "var": float(r["var"][-1]),
            "var_min": float(np.min(r["var"])),
            "var_max": float(np.max(r["var"])),
        }
        for r in results
    ]


def summary_table(
    results: list[dict], label: str = "activation", *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`summary_rows` for printing, labelled in ``lang``: the first column is the activation
    or (``label="dropout"``) the dropout variant, whose names are translated."""
    from actlab.experiments._labels import dropout_label

    if label not in ("activation", "dropout"):
        raise ValueError(f"summary_table: label must be 'activation' or 'dropout', got {label!r}")
    first = t("result.activation", lang) if label == "activation" else t("result.col.dropout", lang)
    return [
        {
            first: r[label] if label == "activation" else dropout_label(str(r[label]), lang),
            t("result.propagation.abs_mean", lang): r["abs_mean"],
            t("result.propagation.var", lang): r["var"],
            t("result.propagation.var_min", lang): r["var_min"],
            t("result.propagation.var_max", lang): r["var_max"],
        }
        for r in summary_rows(results, label)
    ]
