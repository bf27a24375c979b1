"""Dying ReLU: hidden units whose pre-activation is negative on every example.

A ReLU unit whose pre-activation :math:`z_j = x w_j + b_j` is :math:`\\le 0` on every training
example outputs 0 everywhere, so no gradient reaches :math:`w_j` and :math:`b_j` on any example:
the unit is *dead*. Its own weights stop moving; it can come back only if something else moves
:math:`z_j`: the layers below it changing its inputs, or an optimizer's momentum left over from
earlier steps. A unit of the first hidden layer sees the data, which do not change.

Two things make dead units:

* depth, at initialisation: the deeper layers see inputs that are all :math:`\\ge 0` (ReLU outputs)
  and increasingly alike, so a unit with mostly negative weights is negative on all of them
  (:func:`dead_at_init`);
* large steps in training: one big step can push a unit's bias and weights to the negative side
  of every input (:func:`dying_relu_sweep`).

LeakyReLU and PReLU keep a slope for negative inputs, so a unit negative on every example still
receives a gradient; :func:`dead_unit_history` counts such units the same way, records which of them
come back later, and measures the gradient that reaches them.

The networks train in float64 from weights drawn by numpy, so the counts are the same on every CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = [
    "dead_at_init",
    "dead_unit_fraction",
    "dead_unit_history",
    "dying_relu_sweep",
    "history_error_table",
    "history_table",
    "init_table",
    "negative_units",
    "sweep_table",
    "unit_gradient_norms",
    "untrained_net",
]


def _hidden_linears(model: Any, func: str) -> list[Any]:
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"{func}: model must be a torch nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) < 2:
        raise ValueError(
            f"{func}: model needs at least one hidden layer (2 Linear layers), got {len(linears)}"
        )
    return linears[:-1]


def _inputs(X: Any, linear: Any, func: str) -> Any:
    import torch

    dtype = linear.weight.dtype
    X = torch.as_tensor(np.asarray(X), dtype=dtype) if not isinstance(X, torch.Tensor) else X
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(
            f"{func}: X must have shape (N, features) with N >= 1, got {tuple(X.shape)}"
        )
    return X


def negative_units(model: Any, X: Any) -> list[np.ndarray]:
    """Per hidden layer, which units have a pre-activation :math:`\\le 0` on every row of ``X``.

    The hidden pre-activations are the outputs of every ``nn.Linear`` except the last one of the
    network (a :func:`actlab.networks.make_mlp` net), computed in eval mode without gradients. For
    ReLU these are the dead units.

    Args:
        model: a torch ``nn.Module`` containing ``nn.Linear`` layers.
        X: inputs, a float tensor or array of shape ``(N, in_features)``.

    Returns:
        One boolean array ``(units,)`` per hidden layer, layer 1 first.

    Examples::

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        >>> with torch.no_grad():
        ...     net[0].bias.copy_(torch.tensor([0.0, -9.0, 0.0]))
        ...     net[0].weight.copy_(torch.eye(3, 2))
        >>> [m.tolist() for m in negative_units(net, torch.rand(5, 2))]
        [[False, True, True]]
    """
    import torch

    linears = _hidden_linears(model, "negative_units")
    X = _inputs(X, linears[0], "negative_units")
    masks: list[np.ndarray] = []
    hooks = [
        lin.register_forward_hook(
            lambda _m, _i, out: masks.append((out <= 0).all(dim=0).cpu().numpy())
        )
        for lin in linears
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
    return masks


def dead_unit_fraction(model: Any, X: Any) -> dict[str, object]:
    """Fraction of hidden units whose pre-activation is :math:`\\le 0` for every row of ``X``.

    The units are those of :func:`negative_units`.

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
    _inputs(X, _hidden_linears(model, "dead_unit_fraction")[0], "dead_unit_fraction")
    masks = negative_units(model, X)
    dead = int(sum(int(m.sum()) for m in masks))
    units = int(sum(m.size for m in masks))
    return {
        "per_layer": [float(m.mean()) for m in masks],
        "dead": dead,
        "units": units,
        "fraction": dead / units,
    }


def unit_gradient_norms(model: Any, X: Any, y: Any) -> list[np.ndarray]:
    """Per hidden layer, the norm of the gradient reaching each unit's incoming weights and bias.

    The loss is the mean cross-entropy of ``model`` on ``(X, y)``, in eval mode; for unit
    :math:`j` of a hidden ``nn.Linear`` the value is
    :math:`\\sqrt{\\|\\partial L/\\partial w_j\\|^2 + (\\partial L/\\partial b_j)^2}`. A dead ReLU
    unit gets exactly 0. The model's own gradients are left as they were.

    Args:
        model: a torch classifier containing ``nn.Linear`` layers.
        X: float tensor ``(N, features)`` (the model's dtype).
        y: int64 labels ``(N,)``.

    Returns:
        One float64 array ``(units,)`` per hidden layer, layer 1 first.
    """
    import torch
    import torch.nn.functional as F

    linears = _hidden_linears(model, "unit_gradient_norms")
    X = _inputs(X, linears[0], "unit_gradient_norms")
    params = [p for lin in linears for p in (lin.weight, lin.bias) if p is not None]
    was_training = model.training
    model.eval()
    try:
        grads = torch.autograd.grad(F.cross_entropy(model(X), y), params)
    finally:
        model.train(was_training)
    out: list[np.ndarray] = []
    it = iter(grads)
    for lin in linears:
        squared = next(it).pow(2).sum(dim=1)
        if lin.bias is not None:
            squared = squared + next(it).pow(2)
        out.append(squared.sqrt().detach().double().cpu().numpy())
    return out


def untrained_net(
    depth: int = 10, *, width: int = 64, init: str = "he", seed: int = 0
) -> Any:
    """A float64 ReLU MLP ``64 → width x depth → 10`` at initialisation (weights drawn by numpy).

    Args:
        depth: hidden layers. Default: 10.
        width: hidden width. Default: 64.
        init: ``"he"``, ``"xavier"`` or ``"lecun"``. Default: ``"he"``.
        seed: seed of the weights. Default: 0.
    """
    from actlab.experiments._fitting import make_mlp64

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"untrained_net: depth must be an int >= 1, got {depth!r}")
    return make_mlp64([64, *[width] * depth, 10], "relu", init=init, seed=seed)


def dead_at_init(
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "he",
    seeds: Sequence[int] = (0, 1, 2),
) -> list[dict[str, object]]:
    """Dead ReLU units per layer of an untrained deep MLP, on the digits training images.

    The net is :func:`untrained_net` (biases 0). For ReLU with zero biases, whether a unit is negative on an input does not depend on the
    weights' scale, so He and Xavier initialisations give the same picture.

    Args:
        depth: hidden layers. Default: 10.
        width: hidden width. Default: 64.
        init: ``"he"``, ``"xavier"`` or ``"lecun"``. Default: ``"he"``.
        seeds: seeds of the weights; the fractions are averaged over them. Default: (0, 1, 2).

    Returns:
        One dict per hidden layer: ``layer`` (1 first), ``dead_fraction`` (mean over seeds),
        ``dead_min`` and ``dead_max`` (over seeds, as unit counts).
    """
    import torch

    from actlab.data import digits, to_tensors

    if not seeds:
        raise ValueError("dead_at_init: seeds must not be empty")
    X, _ = to_tensors(digits("train"), dtype=torch.float64)
    counts = np.array(
        [
            [int(m.sum()) for m in negative_units(untrained_net(depth, width=width, init=init, seed=s), X)]
            for s in seeds
        ]
    )
    return [
        {
            "layer": layer + 1,
            "dead_fraction": float(counts[:, layer].mean() / width),
            "dead_min": int(counts[:, layer].min()),
            "dead_max": int(counts[:, layer].max()),
        }
        for layer in range(depth)
    ]


def dead_unit_history(
    activations: Sequence[str] = ("relu", "leaky_relu", "prelu"),
    *,
    lr: float = 0.03,
    epochs: int = 10,
    hidden: Sequence[int] = (128, 128, 128),
    batch_size: int = 64,
    every: int = 11,
    seed: int = 0,
) -> dict[str, object]:
    """Which units are negative on every training example, followed through training.

    A ``64 → hidden... → 10`` MLP with He initialisation is trained in float64 with Adam on the
    digits training split; every ``every`` optimizer steps (and at the start) the units negative on
    every training example are recorded (:func:`negative_units`). At the end, the gradient that
    reaches each unit's weights is measured (:func:`unit_gradient_norms`).

    Args:
        activations: registry keys. Default: ("relu", "leaky_relu", "prelu").
        lr: Adam's learning rate. Default: 0.03.
        epochs: training epochs. Default: 10.
        hidden: hidden widths. Default: (128, 128, 128).
        batch_size: mini-batch size. Default: 64.
        every: record every this many steps. Default: 11.
        seed: seed of the weights and the batch order. Default: 0.

    Returns:
        ``{"rows": [...], "errors": [...], "history": {...}}``:

        * ``rows``, one dict per (activation, hidden layer): ``activation``, ``layer``,
          ``ever`` (units negative everywhere at some record), ``revived`` (of those, units
          positive on some example at a later record), ``end`` (negative everywhere at the end),
          ``zero_grad`` (units whose gradient is exactly 0 at the end), ``g_neg`` and ``g_live``
          (median gradient norm of the units negative everywhere at the end, and of the others;
          ``None`` where there are none);
        * ``errors``, one dict per activation: ``activation``, ``train_error``, ``test_error``;
        * ``history``: ``{activation: {"step": (records,), "negative": (records, layers)}}``,
          the number of units negative everywhere per layer at each record.
    """
    from actlab.experiments._fitting import digits64, error_rate, make_mlp64, train_epochs

    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"dead_unit_history: every must be an int >= 1, got {every!r}")
    if not activations:
        raise ValueError("dead_unit_history: activations must not be empty")
    data = digits64()
    X, y, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    sizes = data.sizes(hidden)
    rows: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    history: dict[str, dict[str, np.ndarray]] = {}
    for activation in activations:
        net = make_mlp64(sizes, activation, init="he", seed=seed)
        steps, records = [0], [negative_units(net, X)]

        def record(model: Any, updates: int, steps=steps, records=records) -> None:
            if updates % every == 0:
                steps.append(updates)
                records.append(negative_units(model, X))

        trained = train_epochs(
            net,
            X,
            y,
            epochs=epochs,
            lr=lr,
            optimizer="adam",
            batch_size=batch_size,
            seed=seed,
            callback=record,
        )
        final = negative_units(net, X)
        grads = unit_gradient_norms(net, X, y)
        for layer in range(len(hidden)):
            masks = np.array([r[layer] for r in records] + [final[layer]])  # (records, units)
            ever = masks.any(axis=0)
            first = np.argmax(masks, axis=0)
            later_alive = np.array(
                [bool(ever[j]) and not masks[first[j]:, j].all() for j in range(masks.shape[1])]
            )
            neg, g = final[layer], grads[layer]
            rows.append(
                {
                    "activation": activation,
                    "layer": layer + 1,
                    "ever": int(ever.sum()),
                    "revived": int(later_alive.sum()),
                    "end": int(neg.sum()),
                    "zero_grad": int((g == 0).sum()),
                    "g_neg": float(np.median(g[neg])) if neg.any() else None,
                    "g_live": float(np.median(g[~neg])) if (~neg).any() else None,
                }
            )
        errors.append(
            {
                "activation": activation,
                "train_error": error_rate(net, X, y),
                "test_error": error_rate(net, X_test, y_test),
            }
        )
        history[activation] = {
            "step": np.array([*steps, trained[-1]["updates"]]),
            "negative": np.array([[int(m.sum()) for m in r] for r in [*records, final]]),
        }
    return {"rows": rows, "errors": errors, "history": history}


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
        (after training), ``dead_per_layer`` (a list) and the same as ``dead_l1``, ``dead_l2``...,
        ``train_error`` and ``test_error``.
    """
    from actlab.experiments._fitting import digits64, error_rate, make_mlp64, train_epochs

    if not lrs or not all(isinstance(lr, (int, float)) and lr > 0 for lr in lrs):
        raise ValueError(f"dying_relu_sweep: lrs must be positive numbers, got {lrs!r}")
    if not activations:
        raise ValueError("dying_relu_sweep: activations must not be empty")
    data = digits64()
    X_train, y_train, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    sizes = data.sizes(hidden)
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
                row: dict[str, object] = {
                    "activation": activation,
                    "lr": float(lr),
                    "seed": int(seed),
                    "dead_fraction": dead["fraction"],
                    "dead_per_layer": dead["per_layer"],
                }
                row.update({f"dead_l{i}": f for i, f in enumerate(dead["per_layer"], start=1)})
                row["train_error"] = history[-1]["train_error"]
                row["test_error"] = error_rate(net, X_test, y_test)
                rows.append(row)
    return rows


def init_table(rows: Sequence[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`dead_at_init` for printing, the columns labelled in ``lang``."""
    return [
        {
            t("result.layer", lang): r["layer"],
            t("result.col.dead_fraction", lang): r["dead_fraction"],
            t("result.dead.min", lang): r["dead_min"],
            t("result.dead.max", lang): r["dead_max"],
        }
        for r in rows
    ]


def sweep_table(rows: Sequence[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`dying_relu_sweep` for printing: learning rate, dead fraction per layer and in all,
    training and test error, labelled in ``lang`` (the activation and seed columns are left out)."""
    out = []
    for r in rows:
        row: dict[str, object] = {t("result.col.lr", lang): r["lr"]}
        for layer, fraction in enumerate(r["dead_per_layer"], start=1):
            row[t("result.dead.layer_fraction", lang, layer=layer)] = fraction
        row[t("result.dead.total", lang)] = r["dead_fraction"]
        row[t("result.col.train_error", lang)] = r["train_error"]
        row[t("result.col.test_error", lang)] = r["test_error"]
        out.append(row)
    return out


def history_table(result: dict[str, Any], *, lang: str = "en") -> list[dict[str, object]]:
    """The per-layer rows of :func:`dead_unit_history` for printing, labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.layer", lang): r["layer"],
            t("result.dead.ever", lang): r["ever"],
            t("result.dead.revived", lang): r["revived"],
            t("result.dead.end", lang): r["end"],
            t("result.dead.zero_grad", lang): r["zero_grad"],
            t("result.dead.g_neg", lang): r["g_neg"],
            t("result.dead.g_live", lang): r["g_live"],
        }
        for r in result["rows"]
    ]


def history_error_table(result: dict[str, Any], *, lang: str = "en") -> list[dict[str, object]]:
    """The errors of :func:`dead_unit_history`, one row per activation, labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.col.train_error", lang): r["train_error"],
            t("result.col.test_error", lang): r["test_error"],
        }
        for r in result["errors"]
    ]
