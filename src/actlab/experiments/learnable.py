"""Activations with a learnable parameter: where PReLU's slope and Swish's beta go during training.

PReLU (He et al. 2015) learns the negative slope :math:`a` (initialised to 0.25); Swish
(Ramachandran et al. 2017) learns the :math:`\\beta` in :math:`x\\,\\sigma(\\beta x)` (initialised
to 1). Both are trained here with the rest of a digits MLP, and their values are recorded after
every epoch (float64, as all the chapters' small training runs). As the PyTorch docs advise, PReLU's slope gets no weight decay (none is used here).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = [
    "activation_parameters",
    "parameter_counts",
    "parameter_table",
    "train_learnable",
    "trajectory_rows",
    "trajectory_table",
]


def activation_parameters(model: Any) -> list[Any]:
    """The trainable parameters of the activation modules of ``model``, layer by layer.

    Every parameter that does not belong to an ``nn.Linear`` (nor a normalisation layer) is an
    activation parameter in a :func:`actlab.networks.make_mlp` net: PReLU's ``weight``, Swish's
    ``beta``.

    Args:
        model: a torch ``nn.Module``.

    Returns:
        A list of ``nn.Parameter``, in module order.
    """
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(
            f"activation_parameters: model must be an nn.Module, got {type(model).__name__}"
        )
    params = []
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Sequential)) or module is model:
            continue
        params.extend(p for p in module.parameters(recurse=False) if p.requires_grad)
    return params


def parameter_counts(keys: Sequence[str] = ("relu", "leaky_relu", "prelu", "swish")) -> list[dict]:
    """What each activation module learns, and what is fixed when it is built.

    Args:
        keys: registry keys. Default: ("relu", "leaky_relu", "prelu", "swish").

    Returns:
        One dict per key: ``activation`` (its name), ``learnt`` (the number of trainable
        parameters of a module built with its defaults, counted from ``module.parameters()``) and
        ``fixed`` (its constructor arguments with their defaults, e.g. ``negative_slope=0.01``).

    Examples::

        >>> [r["learnt"] for r in parameter_counts(("relu", "leaky_relu", "prelu"))]
        [0, 0, 1]
    """
    from actlab.activations.registry import get

    rows = []
    for key in keys:
        record = get(key)
        module = record.module()
        learnt = sum(p.numel() for p in module.parameters() if p.requires_grad)
        names = {name for name, _ in module.named_parameters()}
        fixed = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in record.defaults.items()
            if k not in names
        )
        rows.append({"activation": record.name, "learnt": int(learnt), "fixed": fixed or "-"})
    return rows


def train_learnable(
    activation: str = "prelu",
    *,
    hidden: Sequence[int] = (64, 64),
    epochs: int = 10,
    lr: float = 1e-3,
    optimizer: str = "adam",
    batch_size: int = 64,
    seed: int = 0,
    activation_params: dict[str, Any] | None = None,
) -> dict[str, object]:
    """Train a digits MLP whose activation has a learnable parameter, recording it every epoch.

    Args:
        activation: a registry key with a learnable parameter (``"prelu"``, ``"swish"``).
            Default: ``"prelu"``.
        hidden: hidden widths. Default: (64, 64).
        epochs: training epochs. Default: 10.
        lr: learning rate. Default: 1e-3.
        optimizer: ``"adam"`` or ``"sgd"``. Default: ``"adam"``.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the weights and the batch order. Default: 0.
        activation_params: keyword arguments of the activation module.

    Returns:
        ``{"activation", "epoch": 0..epochs, "values": array (epochs + 1, layers)`` of the parameter
        of each hidden layer (its mean, if a layer has one per channel)``, "train_error",
        "test_error"}``.
    """
    from actlab.experiments._fitting import digits64, error_rate, make_mlp64, train_epochs

    data = digits64()
    X_train, y_train, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    sizes = data.sizes(hidden)
    init = "lecun" if activation == "selu" else "he"
    net = make_mlp64(sizes, activation, init=init, seed=seed, activation_params=activation_params)
    params = activation_parameters(net)
    if not params:
        raise ValueError(
            f"train_learnable: activation {activation!r} has no learnable parameter "
            "(use e.g. 'prelu' or 'swish')"
        )

    def snapshot() -> list[float]:
        return [float(p.detach().mean()) for p in params]

    values = [snapshot()]
    per_epoch = max(1, -(-len(X_train) // batch_size))

    def record(_model: Any, updates: int) -> None:
        if updates % per_epoch == 0:
            values.append(snapshot())

    history = train_epochs(
        net,
        X_train,
        y_train,
        epochs=epochs,
        lr=lr,
        optimizer=optimizer,
        batch_size=batch_size,
        seed=seed,
        callback=record,
    )
    return {
        "activation": activation,
        "epoch": np.arange(len(values)),
        "values": np.array(values),
        "train_error": history[-1]["train_error"],
        "test_error": error_rate(net, X_test, y_test),
    }


def trajectory_rows(results: Sequence[dict[str, Any]]) -> list[dict[str, object]]:
    """One row per (run, hidden layer): the parameter at the start and after the last epoch.

    Args:
        results: :func:`train_learnable` results.

    Returns:
        Dicts with ``activation``, ``layer`` (1 first), ``start``, ``end``, ``epochs`` and the
        run's ``test_error``.
    """
    rows: list[dict[str, object]] = []
    for r in results:
        values = np.asarray(r["values"])
        for layer in range(values.shape[1]):
            rows.append(
                {
                    "activation": r["activation"],
                    "layer": layer + 1,
                    "start": float(values[0, layer]),
                    "end": float(values[-1, layer]),
                    "epochs": int(values.shape[0] - 1),
                    "test_error": r["test_error"],
                }
            )
    return rows


def parameter_table(
    rows: Sequence[dict[str, object]], *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`parameter_counts` for printing, the columns labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.learnable.learnt", lang): r["learnt"],
            t("result.learnable.fixed", lang): r["fixed"],
        }
        for r in rows
    ]


def trajectory_table(
    results: Sequence[dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`trajectory_rows` of ``results`` for printing, the columns labelled in ``lang``."""
    return [
        {
            t("result.activation", lang): r["activation"],
            t("result.layer", lang): r["layer"],
            t("result.learnable.start", lang): r["start"],
            t("result.learnable.end", lang): r["end"],
            t("result.learnable.epochs", lang): r["epochs"],
            t("result.col.test_error", lang): r["test_error"],
        }
        for r in trajectory_rows(results)
    ]
