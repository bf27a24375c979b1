"""Dying ReLU: hidden units whose input is negative for every example stop learning.

A ReLU unit whose pre-activation :math:`w^\\top x + b` is :math:`\\le 0` on every training example
outputs 0 everywhere, so the gradient reaching :math:`w` and :math:`b` is 0 on every example and
gradient descent can never bring it back: the unit is *dead*. A large learning rate (one big step
pushes the bias far negative) is the usual cause. This is a different effect from vanishing
gradients, which shrink the gradient layer by layer in a live network.

LeakyReLU and PReLU keep a slope for negative inputs, so a unit whose pre-activation is negative
everywhere still receives a gradient and can recover; the same count is reported for them (as
"units negative on every example"), together with the error rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["dead_unit_fraction", "dying_relu_sweep"]


def dead_unit_fraction(model: Any, X: Any) -> dict[str, object]:
    """Fraction of hidden units whose pre-activation is :math:`\\le 0` for every row of ``X``.

    The hidden pre-activations are the outputs of every ``nn.Linear`` except the last one of the
    network (a :func:`actlab.networks.make_mlp` net), computed in eval mode without gradients.

    Args:
        model: a torch ``nn.Module`` containing ``nn.Linear`` layers.
        X: inputs, a float tensor or array of shape ``(N, in_features)``.

    Returns:
        ``{"per_layer": [fraction per hidden layer], "dead": total dead units, "units": total
        hidden units, "fraction": dead / units}``.

    Examples::

        >>> from actlab.networks import make_mlp
        >>> net = make_mlp([4, 8, 8, 2], "relu", seed=0)
        >>> import torch
        >>> r = dead_unit_fraction(net, torch.randn(32, 4))
        >>> len(r["per_layer"])
        2
    """
    import torch
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(
            f"dead_unit_fraction: model must be a torch nn.Module, got {type(model).__name__}"
        )
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        raise ValueError(
            f"dead_unit_fraction: model needs at least one hidden layer (2 Linear layers), got {len(linears)}"
        )
    dtype = next(iter(linears[0].parameters())).dtype
    X = torch.as_tensor(np.asarray(X), dtype=dtype) if not isinstance(X, torch.Tensor) else X
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(
            f"dead_unit_fraction: X must have shape (N, features) with N >= 1, got {tuple(X.shape)}"
        )
    alive: list[torch.Tensor] = []
    hooks = [
        lin.register_forward_hook(lambda _m, _i, out: alive.append((out > 0).any(dim=0)))
        for lin in linears[:-1]
    ]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(X)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    per_layer = [float(1.0 - a.float().mean()) for a in alive]
    dead = int(sum(int((~a).sum()) for a in alive))
    units = int(sum(a.numel() for a in alive))
    return {"per_layer": per_layer, "dead": dead, "units": units, "fraction": dead / units}


def dying_relu_sweep(
    lrs: Sequence[float] = (1e-3, 1e-2, 3e-2, 1e-1),
    activations: Sequence[str] = ("relu",),
    *,
    hidden: Sequence[int] = (128, 128, 128),
    epochs: int = 5,
    batch_size: int = 64,
    optimizer: str = "adam",
    seeds: Sequence[int] = (0,),
) -> list[dict[str, object]]:
    """Train a digits MLP at several learning rates and count its dead units afterwards.

    The net is ``64 → hidden... → 10`` built by :func:`actlab.networks.make_mlp` with He
    initialisation, trained in float64 with ``optimizer`` on the digits training split. Dead units
    are counted on the whole training split.

    Args:
        lrs: learning rates. Default: (1e-3, 1e-2, 3e-2, 1e-1).
        activations: registry keys. Default: ``("relu",)``.
        hidden: hidden widths. Default: (128, 128, 128).
        epochs: training epochs. Default: 5.
        batch_size: mini-batch size. Default: 64.
        optimizer: ``"adam"`` or ``"sgd"``. Default: ``"adam"``.
        seeds: seeds of the weights and the batch order. Default: (0,).

    Returns:
        One dict per (activation, lr, seed): ``activation``, ``lr``, ``seed``, ``dead_fraction``
        (after training), ``dead_per_layer``, ``train_error`` and ``test_error``.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.experiments._fitting import error_rate, make_mlp64, train_epochs

    if not lrs or not all(isinstance(lr, (int, float)) and lr > 0 for lr in lrs):
        raise ValueError(f"dying_relu_sweep: lrs must be positive numbers, got {lrs!r}")
    if not activations:
        raise ValueError("dying_relu_sweep: activations must not be empty")
    train_set, test_set = digits("train"), digits("test")
    X_train, y_train = to_tensors(train_set, dtype=torch.float64)
    X_test, y_test = to_tensors(test_set, dtype=torch.float64)
    sizes = [train_set.num_features, *hidden, train_set.num_classes]
    rows: list[dict[str, object]] = []
    for activation in activations:
        for lr in lrs:
            for seed in seeds:
                net = make_mlp64(sizes, activation, init="he", seed=seed)
                history = train_epochs(
                    net,
                    X_train,
                    y_train,
                    epochs=epochs,
                    lr=float(lr),
                    optimizer=optimizer,
                    batch_size=batch_size,
                    seed=seed,
                )
                dead = dead_unit_fraction(net, X_train)
                rows.append(
                    {
                        "activation": activation,
                        "lr": float(lr),
                        "seed": int(seed),
                        "dead_fraction": dead["fraction"],
                        "dead_per_layer": dead["per_layer"],
                        "train_error": history[-1]["train_error"],
                        "test_error": error_rate(net, X_test, y_test),
                    }
                )
    return rows
