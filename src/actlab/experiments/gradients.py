r"""Chapter 2 experiments: how the gradient's size changes from layer to layer at initialisation.

Backpropagation multiplies, layer by layer, by :math:`W_k^\top` and by the activation's derivative.
Sigmoid's derivative is at most 1/4, so through ten layers the gradient reaching the first layer is
orders of magnitude smaller than at the last (vanishing gradients); tanh (derivative 1 at 0) and
ReLU (derivative 1 for active units) keep it within a small factor. ReLU does *not* prevent the
opposite, exploding gradients: with weights that are too large, each layer multiplies the gradient
by more than 1 (:func:`exploding_gradients`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.reproducibility import rng as _rng

__all__ = [
    "exploding_gradients",
    "exploding_table",
    "gradient_norms",
    "inactive_fractions",
    "inactive_table",
    "ratio_table",
    "vanishing_gradients",
]


def gradient_norms(
    activation: str,
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    init_gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
) -> np.ndarray:
    r"""Frobenius norm of :math:`\partial L / \partial W_k` for every layer :math:`k` at initialisation.

    The network is ``make_mlp([64, width, ..., width, 10], activation)`` with ``depth`` weight
    layers, the loss is cross-entropy on the first ``batch`` images of the digits training split
    (shuffled by ``seed``).

    Args:
        activation: registry key.
        depth: number of weight layers (``depth - 1`` hidden layers). Default: 10.
        width: hidden width. Default: 64.
        init: initialisation name (see :data:`actlab.networks.INITS`). Default: ``"xavier"``.
        init_gain: factor on every weight after initialisation. Default: 1.
        batch: number of images. Default: 256.
        seed: seed of the weights and of the batch. Default: 0.

    Returns:
        float64 array of shape ``(depth,)``, layer 1 first.
    """
    import torch
    from torch.nn import functional as F

    from actlab.data import digits, to_tensors
    from actlab.networks import linear_layers, make_mlp

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 2:
        raise ValueError(f"gradient_norms: depth must be an int >= 2, got {depth!r}")
    train = digits("train")
    idx = _rng(seed).permutation(len(train))[:batch]
    X, y = to_tensors((train.X[idx], train.y[idx]))
    net = make_mlp(
        [64, *[width] * (depth - 1), 10], activation, init=init, init_gain=init_gain, seed=seed
    )
    F.cross_entropy(net(X), y).backward()
    return np.array([float(torch.linalg.norm(lin.weight.grad)) for lin in linear_layers(net)])


def vanishing_gradients(
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> dict[str, dict[str, Any]]:
    r"""Gradient norm per layer at initialisation, for each activation and seed.

    Returns:
        ``{activation: {"norms": (len(seeds), depth) array, "ratio": (len(seeds),) array}}``
        where ``ratio`` is :math:`\|\partial W_1\| / \|\partial W_{depth}\|` (first layer over last).
    """
    out: dict[str, dict[str, Any]] = {}
    for act in activations:
        norms = np.stack(
            [gradient_norms(act, depth=depth, width=width, init=init, seed=s) for s in seeds]
        )
        out[act] = {"norms": norms, "ratio": norms[:, 0] / norms[:, -1]}
    return out


def exploding_gradients(
    activation: str = "relu",
    *,
    depth: int = 20,
    width: int = 64,
    gains: Sequence[float] = (1.0, 1.2, 1.5),
    seeds: Sequence[int] = (0, 1, 2),
    lr: float = 0.01,
    updates: int = 20,
    batch_size: int = 64,
) -> dict[float, dict[str, Any]]:
    r"""Gradient norms per layer, and a short SGD run, for a deep ReLU net with weights too large.

    With He's :math:`\mathcal N(0, 2/n)` a ReLU layer keeps the signal's scale (gain 1).
    Multiplying every weight by a gain :math:`g > 1` multiplies the forward signal by about
    :math:`g` per layer and the backward signal too, so every layer's weight gradient grows like
    :math:`g^{depth}`; ReLU's derivative (1 where active) does nothing to stop it. Plain SGD then
    takes steps far larger than the weights and the loss overflows.

    Args:
        activation: registry key. Default: ``"relu"``.
        depth: number of weight layers. Default: 20.
        width: hidden width. Default: 64.
        gains: factors on He's initialisation. Default: (1.0, 1.2, 1.5).
        seeds: seeds for the gradient norms. Default: (0, 1, 2).
        lr: SGD learning rate of the short run. Default: 0.01.
        updates: SGD steps of the short run (seed ``seeds[0]``). Default: 20.
        batch_size: batch size of the short run. Default: 64.

    Returns:
        ``{gain: {"norms": (len(seeds), depth) array, "first_layer_norm": mean over seeds,
        "losses": (updates,) training loss before each step (inf or NaN once it overflows),
        "first_nonfinite": index of the first non-finite loss, or None}}``.
    """
    import torch
    from torch.nn import functional as F

    from actlab.data import digits, make_loader
    from actlab.networks import make_mlp

    out: dict[float, dict[str, Any]] = {}
    for gain in gains:
        norms = np.stack(
            [
                gradient_norms(
                    activation, depth=depth, width=width, init="he", init_gain=gain, seed=s
                )
                for s in seeds
            ]
        )
        net = make_mlp(
            [64, *[width] * (depth - 1), 10], activation, init="he", init_gain=gain, seed=seeds[0]
        )
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        losses: list[float] = []
        while len(losses) < updates:
            for xb, yb in make_loader(digits("train"), batch_size=batch_size, seed=seeds[0]):
                opt.zero_grad()
                loss = F.cross_entropy(net(xb), yb)
                losses.append(loss.item())
                loss.backward()
                opt.step()
                if len(losses) == updates:
                    break
        arr = np.array(losses)
        bad = np.flatnonzero(~np.isfinite(arr))
        out[float(gain)] = {
            "norms": norms,
            "first_layer_norm": float(norms[:, 0].mean()),
            "losses": arr,
            "first_nonfinite": int(bad[0]) if bad.size else None,
        }
    return out


def ratio_table(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for :func:`vanishing_gradients`: the first/last gradient-norm ratio over seeds."""
    return [
        {
            "activation": key,
            "||dW1|| / ||dW_last||, median": float(np.median(r["ratio"])),
            "min": float(np.min(r["ratio"])),
            "max": float(np.max(r["ratio"])),
            "seeds": len(r["ratio"]),
        }
        for key, r in results.items()
    ]


def exploding_table(results: dict[float, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for :func:`exploding_gradients`: gradient norm at layer 1, losses, first overflow."""
    return [
        {
            "gain": gain,
            "||dW1|| (mean over seeds)": r["first_layer_norm"],
            "initial loss": float(r["losses"][0]),
            "largest finite loss": float(np.max(r["losses"][np.isfinite(r["losses"])])),
            "first inf/NaN step": r["first_nonfinite"],
        }
        for gain, r in results.items()
    ]


def inactive_fractions(
    activation: str = "relu",
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    batch: int = 256,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """How many hidden units output exactly 0 (and so pass back a zero gradient) at initialisation.

    Uses the network and batch of :func:`gradient_norms`.

    Returns:
        ``{"per_example": (depth - 1,) mean fraction of units at 0 for an example,
        "dead": (depth - 1,) fraction of units at 0 for every example of the batch}``.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import layer_outputs, make_mlp

    train = digits("train")
    idx = _rng(seed).permutation(len(train))[:batch]
    X, _ = to_tensors((train.X[idx], train.y[idx]))
    net = make_mlp([64, *[width] * (depth - 1), 10], activation, init=init, seed=seed)
    with torch.no_grad():
        outs = layer_outputs(net, X)
    zero = [(o == 0) for o in outs]
    return {
        "per_example": np.array([float(z.float().mean()) for z in zero]),
        "dead": np.array([float(z.all(dim=0).float().mean()) for z in zero]),
    }


def inactive_table(result: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Rows for :func:`inactive_fractions`: per hidden layer, units at 0 per example and for all."""
    return [
        {
            "hidden layer": i + 1,
            "units at 0 per example": float(a),
            "units at 0 for every example": float(d),
        }
        for i, (a, d) in enumerate(zip(result["per_example"], result["dead"], strict=True))
    ]
