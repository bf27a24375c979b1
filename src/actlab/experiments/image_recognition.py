"""Image recognition at small scale: how fast ReLU, tanh and sigmoid MLPs fit the digits.

Krizhevsky, Sutskever & Hinton (2012) report that a four-layer convolutional network with ReLUs
reaches 25 % training error on CIFAR-10 six times faster than the same network with tanh units.
This module runs the analogous measurement on scikit-learn's 8x8 digits: the number of epochs an
MLP needs to reach a target training error (5 % by default), with SGD and momentum, for each
activation and depth. Each activation gets the initialisation made for it: He for the rectifiers,
Xavier (Glorot) for tanh and sigmoid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actlab.experiments._fitting import make_mlp64, train_until

__all__ = ["epochs_to_error"]


def epochs_to_error(
    activations: Sequence[str] = ("relu", "tanh", "sigmoid"),
    depths: Sequence[int] = (4, 8),
    *,
    target: float = 0.05,
    max_epochs: int = 20,
    width: int = 64,
    lr: float = 0.01,
    momentum: float = 0.9,
    batch_size: int = 64,
    seed: int = 0,
) -> list[dict[str, object]]:
    """Training curves on digits, and the first epoch whose training error is at most ``target``.

    Training of a run stops at that epoch (the curve after it is not needed) or at ``max_epochs``.

    Args:
        activations: registry keys. Default: ("relu", "tanh", "sigmoid").
        depths: numbers of hidden layers. Default: (4, 8).
        target: training error to reach, in (0, 1). Default: 0.05.
        max_epochs: give up after this many epochs. Default: 20.
        width: hidden width. Default: 64.
        lr: SGD learning rate. Default: 0.01.
        momentum: SGD momentum. Default: 0.9.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the weights and the batch order. Default: 0.

    Returns:
        One dict per (depth, activation): ``activation``, ``depth``, ``init``, ``epochs_to_target``
        (an int, or ``None`` if never reached), ``epoch`` and ``train_error`` (arrays, epoch 0 =
        untrained), ``final_error``.
    """
    import torch

    from actlab.data import digits, to_tensors

    if not 0.0 < float(target) < 1.0:
        raise ValueError(f"epochs_to_error: target must be in (0, 1), got {target!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
        raise ValueError(f"epochs_to_error: max_epochs must be an int >= 1, got {max_epochs!r}")
    train_set = digits("train")
    X, y = to_tensors(train_set, dtype=torch.float64)
    rows: list[dict[str, object]] = []
    for depth in depths:
        sizes = [train_set.num_features, *([width] * int(depth)), train_set.num_classes]
        for activation in activations:
            init = "he" if "relu" in activation else "xavier"
            net = make_mlp64(sizes, activation, init=init, seed=seed)
            errors = np.array(
                train_until(
                    net,
                    X,
                    y,
                    target_error=float(target),
                    max_epochs=max_epochs,
                    lr=lr,
                    optimizer="sgd",
                    momentum=momentum,
                    batch_size=batch_size,
                    seed=seed,
                )
            )
            reached = np.flatnonzero(errors <= target)
            rows.append(
                {
                    "activation": activation,
                    "depth": int(depth),
                    "init": init,
                    "epochs_to_target": int(reached[0]) if reached.size else None,
                    "epoch": np.arange(errors.size),
                    "train_error": errors,
                    "final_error": float(errors[-1]),
                }
            )
    return rows
