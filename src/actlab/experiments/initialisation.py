"""Xavier against He initialisation on a deep ReLU network.

Glorot & Bengio (2010) chose the weight variance :math:`2/(n_{in}+n_{out})` so that a layer keeps
the variance of its input for a *linear* (or tanh near 0) unit. A ReLU zeroes half of its inputs,
so under that initialisation the variance halves at every layer: after 30 layers the signal is
:math:`2^{-30}` times smaller. He et al. (2015) doubled the variance to :math:`2/n_{in}` to
compensate. This module measures both at initialisation (the spread of each layer's activations)
and after a short training run on digits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["init_comparison"]


def init_comparison(
    inits: Sequence[str] = ("xavier", "he"),
    *,
    activation: str = "relu",
    depth: int = 30,
    width: int = 64,
    epochs: int = 5,
    lr: float = 0.01,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    batch_size: int = 64,
    seed: int = 0,
) -> list[dict[str, object]]:
    """Per-layer activation spread at initialisation, then the training curve, for each init.

    The net is ``64 → width x depth → 10`` (:func:`actlab.networks.make_mlp`) on digits, trained
    in float64 with ``optimizer`` (SGD with momentum by default).

    Args:
        inits: initialisation names of :data:`actlab.networks.INITS`. Default: ("xavier", "he").
        activation: registry key. Default: ``"relu"``.
        depth: number of hidden layers. Default: 30.
        width: hidden width. Default: 64.
        epochs: training epochs. Default: 5.
        lr: learning rate. Default: 0.01.
        optimizer: ``"sgd"`` or ``"adam"``. Default: ``"sgd"``.
        momentum: SGD momentum. Default: 0.9.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the weights and the batch order (the same for every init). Default: 0.

    Returns:
        One dict per init: ``init``, ``layer_std`` (array ``(depth,)``: the standard deviation of
        each hidden layer's activations on the training set at initialisation), ``epoch``,
        ``train_error`` and ``train_loss`` (arrays, epoch 0 = untrained) and ``test_error`` (after
        training).
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.experiments._fitting import error_rate, make_mlp64, train_epochs
    from actlab.networks import layer_outputs

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"init_comparison: depth must be an int >= 1, got {depth!r}")
    train_set, test_set = digits("train"), digits("test")
    X_train, y_train = to_tensors(train_set, dtype=torch.float64)
    X_test, y_test = to_tensors(test_set, dtype=torch.float64)
    sizes = [train_set.num_features, *([width] * depth), train_set.num_classes]
    rows: list[dict[str, object]] = []
    for init in inits:
        net = make_mlp64(sizes, activation, init=init, seed=seed)
        with torch.no_grad():
            stds = np.array([float(h.std()) for h in layer_outputs(net, X_train)])
        history = train_epochs(
            net,
            X_train,
            y_train,
            epochs=epochs,
            lr=lr,
            optimizer=optimizer,
            momentum=momentum,
            batch_size=batch_size,
            seed=seed,
        )
        rows.append(
            {
                "init": init,
                "layer_std": stds,
                "epoch": np.array([r["epoch"] for r in history]),
                "train_error": np.array([r["train_error"] for r in history]),
                "train_loss": np.array([r["train_loss"] for r in history]),
                "test_error": error_rate(net, X_test, y_test),
            }
        )
    return rows
