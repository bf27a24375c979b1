"""Image recognition at small scale: how fast ReLU, tanh and sigmoid MLPs fit the digits.

Krizhevsky, Sutskever & Hinton (2012) report that a four-layer convolutional network with ReLUs
reaches 25 % training error on CIFAR-10 six times faster than the same network with tanh units.
This module runs the analogous measurement on scikit-learn's 8x8 digits: the number of epochs an
MLP needs to reach a target training error (5 % by default), with SGD and momentum, for each
activation and depth. Each activation gets the initialisation made for it: He for the rectifiers,
Xavier (Glorot) for tanh and sigmoid.

One learning rate shared by all activations favours whichever it happens to suit, so
:func:`learning_rate_grid` gives every activation its own small grid of learning rates and several
seeds, and :func:`best_learning_rates` reports each activation at its best rate. The networks train
in float64 from weights drawn by numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actlab.experiments._fitting import make_mlp64, train_until
from actlab.i18n import t

__all__ = [
    "backward_shrink",
    "best_learning_rates",
    "best_rows",
    "epochs_to_error",
    "grid_rows",
    "learning_rate_grid",
    "shrink_table",
]


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
    from actlab.experiments._fitting import digits64

    if not 0.0 < float(target) < 1.0:
        raise ValueError(f"epochs_to_error: target must be in (0, 1), got {target!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
        raise ValueError(f"epochs_to_error: max_epochs must be an int >= 1, got {max_epochs!r}")
    data = digits64()
    X, y = data.X, data.y
    rows: list[dict[str, object]] = []
    for depth in depths:
        sizes = data.sizes([width] * int(depth))
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


def learning_rate_grid(
    activations: Sequence[str] = ("relu", "tanh", "sigmoid"),
    depths: Sequence[int] = (4, 8),
    lrs: Sequence[float] = (0.01, 0.03, 0.1, 0.3),
    *,
    seeds: Sequence[int] = (0, 1),
    target: float = 0.05,
    max_epochs: int = 8,
    width: int = 64,
    momentum: float = 0.9,
    batch_size: int = 64,
) -> list[dict[str, object]]:
    """Epochs to ``target`` training error on digits for every (depth, activation, lr, seed).

    The runs are those of :func:`epochs_to_error` (SGD with momentum, He or Xavier init by
    activation), one per learning rate and seed.

    Args:
        activations: registry keys. Default: ("relu", "tanh", "sigmoid").
        depths: numbers of hidden layers. Default: (4, 8).
        lrs: learning rates tried for every activation. Default: (0.01, 0.03, 0.1, 0.3).
        seeds: seeds of the weights and the batch order. Default: (0, 1).
        target: training error to reach. Default: 0.05.
        max_epochs: give up after this many epochs. Default: 8.
        width: hidden width. Default: 64.
        momentum: SGD momentum. Default: 0.9.
        batch_size: mini-batch size. Default: 64.

    Returns:
        One dict per (depth, activation, lr): ``depth``, ``activation``, ``lr``, ``epochs`` (a
        list, one entry per seed: the epoch at which the target was reached, or ``None``),
        ``reached`` (how many seeds reached it), ``epochs_text`` (the list as text, ``-`` for
        ``None``) and ``curves`` (the training-error curve of every seed).
    """
    if not lrs or not all(isinstance(lr, (int, float)) and lr > 0 for lr in lrs):
        raise ValueError(f"learning_rate_grid: lrs must be positive numbers, got {lrs!r}")
    if not seeds:
        raise ValueError("learning_rate_grid: seeds must not be empty")
    runs: dict[tuple[int, str, float], list[dict[str, object]]] = {}
    for lr in lrs:
        for seed in seeds:
            for r in epochs_to_error(
                activations,
                depths,
                target=target,
                max_epochs=max_epochs,
                width=width,
                lr=float(lr),
                momentum=momentum,
                batch_size=batch_size,
                seed=int(seed),
            ):
                runs.setdefault((int(r["depth"]), str(r["activation"]), float(lr)), []).append(r)
    rows: list[dict[str, object]] = []
    for depth in depths:
        for activation in activations:
            for lr in lrs:
                mine = runs[(int(depth), activation, float(lr))]
                epochs = [r["epochs_to_target"] for r in mine]
                rows.append(
                    {
                        "depth": int(depth),
                        "activation": activation,
                        "lr": float(lr),
                        "epochs": epochs,
                        "reached": sum(e is not None for e in epochs),
                        "epochs_text": " ".join("-" if e is None else str(e) for e in epochs),
                        "curves": [r["train_error"] for r in mine],
                    }
                )
    return rows


def best_learning_rates(rows: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """For every (depth, activation), the learning rate of the grid that trains fastest.

    Fastest means: most seeds reaching the target, then the smallest mean number of epochs among
    them, then the smaller learning rate. Where no rate reached the target with any seed, the rate
    with the lowest mean final training error is reported instead.

    Args:
        rows: :func:`learning_rate_grid`.

    Returns:
        One dict per (depth, activation): ``depth``, ``activation``, ``lr``, ``reached``, ``seeds``,
        ``epochs_text`` and ``final_error`` (mean over seeds) at that rate, and the training-error
        curves at that rate in the form :func:`epochs_to_error` returns (``epoch``,
        ``train_error``, of the first seed), for plotting.
    """
    groups: dict[tuple[int, str], list[dict[str, object]]] = {}
    for r in rows:
        groups.setdefault((int(r["depth"]), str(r["activation"])), []).append(r)
    out: list[dict[str, object]] = []
    for (depth, activation), mine in groups.items():

        def key(r: dict[str, object]) -> tuple[float, float, float, float]:
            reached = [e for e in r["epochs"] if e is not None]
            mean = float(np.mean(reached)) if reached else np.inf
            final = float(np.mean([c[-1] for c in r["curves"]]))
            return (-len(reached), mean, final if not reached else 0.0, float(r["lr"]))

        best = min(mine, key=key)
        curve = np.asarray(best["curves"][0])
        out.append(
            {
                "depth": depth,
                "activation": activation,
                "lr": float(best["lr"]),
                "reached": int(best["reached"]),
                "seeds": len(best["epochs"]),
                "epochs_text": best["epochs_text"],
                "final_error": float(np.mean([c[-1] for c in best["curves"]])),
                "epoch": np.arange(curve.size),
                "train_error": curve,
            }
        )
    return out


def backward_shrink(
    activations: Sequence[str] = ("relu", "tanh", "sigmoid"),
    *,
    depth: int = 8,
    width: int = 64,
    seeds: Sequence[int] = (0, 1),
) -> list[dict[str, object]]:
    """How much the backward signal shrinks per layer at initialisation, per activation.

    For the nets of :func:`epochs_to_error` (He init for rectifiers, Xavier otherwise) the norm
    :math:`\\|\\delta_l\\| = \\|\\partial L/\\partial z_l\\|` of the mean cross-entropy on the digits
    training split is measured at every hidden layer; the factor per layer is the geometric mean of
    :math:`\\|\\delta_{l+1}\\| / \\|\\delta_l\\|` from layer 1 to layer ``depth``, averaged (geometrically)
    over the seeds. A factor of 1 keeps the signal; 4 means it is 4 times smaller one layer closer
    to the input.

    Returns:
        One dict per activation: ``activation``, ``init``, ``delta_first`` and ``delta_last``
        (layer 1 and layer ``depth``, mean over seeds) and ``shrink_per_layer``.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.experiments._fitting import make_mlp64
    from actlab.experiments.initialisation import _backward_signals

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 2:
        raise ValueError(f"backward_shrink: depth must be an int >= 2, got {depth!r}")
    X, y = to_tensors(digits("train"), dtype=torch.float64)
    rows: list[dict[str, object]] = []
    for activation in activations:
        init = "he" if "relu" in activation else "xavier"
        firsts, lasts = [], []
        for seed in seeds:
            net = make_mlp64([64, *[width] * depth, 10], activation, init=init, seed=int(seed))
            delta, _ = _backward_signals(net, X, y)
            firsts.append(delta[0])
            lasts.append(delta[depth - 1])
        factor = float(np.exp(np.mean(np.log(np.array(lasts) / np.array(firsts))) / (depth - 1)))
        rows.append(
            {
                "activation": activation,
                "init": init,
                "delta_first": float(np.mean(firsts)),
                "delta_last": float(np.mean(lasts)),
                "shrink_per_layer": factor,
            }
        )
    return rows


def shrink_table(rows: Sequence[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`backward_shrink` for printing, labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.init", lang): r["init"],
            t("result.shrink.delta_last", lang): r["delta_last"],
            t("result.shrink.delta_first", lang): r["delta_first"],
            t("result.shrink.per_layer", lang): r["shrink_per_layer"],
        }
        for r in rows
    ]


def grid_rows(rows: Sequence[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`learning_rate_grid` with the columns the chapter prints, labelled in ``lang``."""
    return [
        {
            t("result.grid.hidden_layers", lang): r["depth"],
            t("result.activation", lang): r["activation"],
            t("result.col.lr", lang): r["lr"],
            t("result.grid.epochs", lang): r["epochs_text"],
        }
        for r in rows
    ]


def best_rows(rows: Sequence[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`best_learning_rates` with the columns the chapter prints, labelled in ``lang``."""
    return [
        {
            t("result.grid.hidden_layers", lang): r["depth"],
            t("result.activation", lang): r["activation"],
            t("result.grid.best_lr", lang): r["lr"],
            t("result.grid.epochs", lang): r["epochs_text"],
            t("result.grid.last_error", lang): r["final_error"],
        }
        for r in rows
    ]
