"""Xavier against He initialisation on a deep ReLU network, forwards and backwards.

Glorot & Bengio (2010) chose the weight variance :math:`2/(n_{in}+n_{out})` so that a layer keeps
the variance of its input for a *linear* (or tanh near 0) unit. A ReLU zeroes half of its inputs,
so under that initialisation the forward variance halves at every layer. The backward signal
:math:`\\delta_l = \\partial L/\\partial z_l = (\\delta_{l+1} W_{l+1}^\\top) \\odot f'(z_l)` passes the same
zero half (:math:`f' = 0` there), so its variance halves at every layer too, going down towards the
input. He et al. (2015) doubled the weight variance to :math:`2/n_{in}` to compensate both.

The weight gradient :math:`\\partial L/\\partial W_l = a_{l-1}^\\top \\delta_l` multiplies a forward
signal that shrinks upwards by a backward signal that shrinks downwards, so under Xavier its norm
stays about the same in every layer while both signals vanish: a ratio of weight-gradient norms
does not show a vanishing gradient, :math:`\\|\\delta_l\\|` does. This module measures all three at
initialisation and then trains briefly on digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = ["init_comparison", "signal_rows", "signal_table", "training_rows", "training_table"]


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
        each hidden layer's activations on the training set at initialisation), ``delta`` and
        ``grad_w`` (arrays ``(depth + 1,)``, every weight layer, the output layer last: the norms
        :math:`\\|\\partial L/\\partial z_l\\|` and :math:`\\|\\partial L/\\partial W_l\\|` of the mean
        cross-entropy on the training set at initialisation), ``epoch``,
        ``train_error`` and ``train_loss`` (arrays, epoch 0 = untrained) and ``test_error`` (after
        training).
    """
    import torch

    from actlab.experiments._fitting import digits64, error_rate, make_mlp64, train_epochs
    from actlab.networks import layer_outputs

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"init_comparison: depth must be an int >= 1, got {depth!r}")
    data = digits64()
    X_train, y_train, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    sizes = data.sizes([width] * depth)
    rows: list[dict[str, object]] = []
    for init in inits:
        net = make_mlp64(sizes, activation, init=init, seed=seed)
        with torch.no_grad():
            stds = np.array([float(h.std()) for h in layer_outputs(net, X_train)])
        delta, grad_w = _backward_signals(net, X_train, y_train)
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
                "delta": delta,
                "grad_w": grad_w,
                "epoch": np.array([r["epoch"] for r in history]),
                "train_error": np.array([r["train_error"] for r in history]),
                "train_loss": np.array([r["train_loss"] for r in history]),
                "test_error": error_rate(net, X_test, y_test),
            }
        )
    return rows


def _backward_signals(net: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per weight layer, :math:`\\|\\partial L/\\partial z_l\\|` and :math:`\\|\\partial L/\\partial W_l\\|`."""
    import torch
    import torch.nn.functional as F

    from actlab.networks import linear_layers

    linears = linear_layers(net)
    outputs: list[Any] = []
    hooks = [lin.register_forward_hook(lambda _m, _i, o: outputs.append(o)) for lin in linears]
    try:
        loss = F.cross_entropy(net(X), y)
    finally:
        for h in hooks:
            h.remove()
    grads = torch.autograd.grad(loss, [*outputs, *(lin.weight for lin in linears)])
    n = len(linears)
    delta = np.array([float(g.norm()) for g in grads[:n]])
    grad_w = np.array([float(g.norm()) for g in grads[n:]])
    return delta, grad_w


def signal_rows(
    rows: Sequence[dict[str, object]], layers: Sequence[int] = (1, 10, 20, 30)
) -> list[dict[str, object]]:
    """The forward spread and the backward signals at initialisation, at a few hidden layers.

    Args:
        rows: :func:`init_comparison` results.
        layers: hidden layers to report, 1 first. Default: (1, 10, 20, 30).

    Returns:
        One dict per (init, layer): ``init``, ``layer``, ``std`` (forward), ``delta``
        (:math:`\\|\\partial L/\\partial z_l\\|`) and ``grad_w`` (:math:`\\|\\partial L/\\partial W_l\\|`).
    """
    out: list[dict[str, object]] = []
    for r in rows:
        for layer in layers:
            i = int(layer) - 1
            out.append(
                {
                    "init": r["init"],
                    "layer": int(layer),
                    "std": float(r["layer_std"][i]),
                    "delta": float(r["delta"][i]),
                    "grad_w": float(r["grad_w"][i]),
                }
            )
    return out


def training_rows(rows: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """One row per init: the training loss after each epoch (``loss_0`` untrained) and test error."""
    return [
        {
            "init": r["init"],
            **{f"loss_{int(e)}": float(v) for e, v in zip(r["epoch"], r["train_loss"], strict=True)},
            "test_error": r["test_error"],
        }
        for r in rows
    ]


def signal_table(
    rows: Sequence[dict[str, object]],
    layers: Sequence[int] = (1, 10, 20, 30),
    *,
    lang: str = "en",
) -> list[dict[str, object]]:
    """:func:`signal_rows` for printing, the columns labelled in ``lang``."""
    return [
        {
            t("result.init", lang): r["init"],
            t("result.layer", lang): r["layer"],
            t("result.col.std", lang): r["std"],
            t("result.init_signal.delta", lang): r["delta"],
            t("result.init_signal.grad_w", lang): r["grad_w"],
        }
        for r in signal_rows(rows, layers)
    ]


def training_table(
    rows: Sequence[dict[str, object]], *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`training_rows` for printing: the loss after each epoch (epoch 0: untrained) and the
    test error, labelled in ``lang``."""
    return [
        {
            t("result.init", lang): r["init"],
            **{
                t("result.init_signal.loss", lang, epoch=int(e)): float(v)
                for e, v in zip(r["epoch"], r["train_loss"], strict=True)
            },
            t("result.col.test_error", lang): r["test_error"],
        }
        for r in rows
    ]
