"""A lean training loop for the many small fits of cross-validation, sweeps and the toy tasks.

:func:`actlab.networks.train` evaluates the whole training set after every epoch and goes through a
``DataLoader``; that is what a chapter wants when it plots a training curve. A k-fold comparison
fits dozens of small models and only needs the final error, so this loop works on tensors directly
(full batch, or mini-batches drawn with a seeded permutation) and evaluates nothing on the way.
:func:`train_epochs` is the epoch-by-epoch loop with a row of training metrics per epoch, for
tensors of any float dtype.

The chapters train these small models in float64: float32 training turns last-bit differences
between the CPU's vector kernels (AVX-512, AVX2, baseline) into a different second digit after a
few epochs, float64 does not. Their initial weights come from numpy (:func:`numpy_init`): torch's
float32 ``normal_`` draws other numbers on baseline kernels than on AVX2/AVX-512 ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Digits64",
    "digits64",
    "error_rate",
    "fit",
    "make_mlp64",
    "mean_loss",
    "numpy_init",
    "numpy_reset",
    "train_epochs",
    "train_until",
]


_NUMPY_INITS = ("he", "xavier", "lecun")


def numpy_init(init: str, seed: int) -> Callable[[Any], None]:
    """A weight initialiser for :func:`actlab.networks.make_mlp` that draws from numpy.

    ``make_mlp(sizes, act, init=numpy_init("he", seed))`` fills the layers in order from one
    ``numpy.random.default_rng(seed)``, so the weights are the same on every CPU (torch's float32
    ``normal_`` is not: its vectorised kernel draws other numbers than its baseline one). Biases
    start at 0 (``make_mlp`` sets them).

    Args:
        init: ``"he"`` (:math:`\\mathcal N(0, 2/n_{in})`), ``"xavier"``
            (:math:`U[\\pm\\sqrt{6/(n_{in}+n_{out})}]`) or ``"lecun"`` (:math:`\\mathcal N(0, 1/n_{in})`).
        seed: seed of the generator.

    Returns:
        A callable that fills a weight tensor of shape ``(out_features, in_features)`` in place.
    """
    import torch

    from actlab.reproducibility import rng

    if init not in _NUMPY_INITS:
        raise ValueError(f"numpy_init: init must be one of {_NUMPY_INITS}, got {init!r}")
    gen = rng(seed)

    def fill(weight: Any) -> None:
        fan_out, fan_in = weight.shape
        if init == "xavier":
            bound = np.sqrt(6.0 / (fan_in + fan_out))
            values = gen.uniform(-bound, bound, (fan_out, fan_in))
        else:
            values = gen.standard_normal((fan_out, fan_in)) * np.sqrt(
                (2.0 if init == "he" else 1.0) / fan_in
            )
        with torch.no_grad():
            weight.copy_(torch.from_numpy(values))

    return fill


def numpy_reset(module: Any, seed: int) -> Any:
    """Redraw the parameters of ``module`` from numpy, with torch's default distributions.

    torch's own initialisers scale their uniform draws with a fused multiply-add on vector kernels
    and without one on baseline kernels, so the same seed gives weights that differ in the last
    bit from CPU to CPU, and training amplifies that. This draws, in module order, from one
    ``numpy.random.default_rng(seed)``:

    * ``nn.Linear``: weight and bias from :math:`U[\\pm 1/\\sqrt{n_{in}}]` (torch's default);
    * ``nn.GRU``, ``nn.RNN``, ``nn.LSTM``: every parameter from :math:`U[\\pm 1/\\sqrt{H}]`;
    * ``nn.Embedding``: :math:`\\mathcal N(0, 1)`.

    Other parameters (LayerNorm's ones and zeros, PReLU's slope) are left as they are.

    Args:
        module: a torch module, changed in place.
        seed: seed of the generator.

    Returns:
        ``module``.
    """
    import torch
    from torch import nn

    from actlab.reproducibility import rng

    gen = rng(seed)

    def fill(param: Any, values: np.ndarray) -> None:
        with torch.no_grad():
            param.copy_(torch.from_numpy(values))

    for m in module.modules():
        if isinstance(m, nn.Linear):
            bound = 1.0 / np.sqrt(m.in_features)
            for param in (m.weight, m.bias):
                if param is not None:
                    fill(param, gen.uniform(-bound, bound, tuple(param.shape)))
        elif isinstance(m, (nn.GRU, nn.RNN, nn.LSTM)):
            bound = 1.0 / np.sqrt(m.hidden_size)
            for param in m.parameters():
                fill(param, gen.uniform(-bound, bound, tuple(param.shape)))
        elif isinstance(m, nn.Embedding):
            fill(m.weight, gen.standard_normal(tuple(m.weight.shape)))
    return module


@dataclass(frozen=True)
class Digits64:
    """The digits' training and test splits as float64 tensors (see :func:`digits64`)."""

    X: Any
    y: Any
    X_test: Any
    y_test: Any
    num_features: int
    num_classes: int

    def sizes(self, hidden: Sequence[int]) -> list[int]:
        """Layer widths of an MLP on the digits: the features, ``hidden``, the classes."""
        return [self.num_features, *hidden, self.num_classes]


def digits64() -> Digits64:
    """:func:`actlab.data.digits`' default training and test splits, in float64 for training."""
    import torch

    from actlab.data import digits, to_tensors

    train_set, test_set = digits("train"), digits("test")
    X, y = to_tensors(train_set, dtype=torch.float64)
    X_test, y_test = to_tensors(test_set, dtype=torch.float64)
    return Digits64(X, y, X_test, y_test, train_set.num_features, train_set.num_classes)


def make_mlp64(
    sizes: Any, activation: Any, *, init: str = "he", seed: int = 0, **kwargs: Any
) -> Any:
    """:func:`actlab.networks.make_mlp` in float64, its weights drawn by :func:`numpy_init`.

    Args:
        sizes: layer widths, input first.
        activation: a registry key or a module factory, as for ``make_mlp``.
        init: ``"he"``, ``"xavier"`` or ``"lecun"``. Default: ``"he"``.
        seed: seed of the weights. Default: 0.
        **kwargs: further arguments of ``make_mlp`` (``activation_params``, ``dropout``...).
    """
    from actlab.networks import make_mlp

    return make_mlp(sizes, activation, init=numpy_init(init, seed), seed=seed, **kwargs).double()


def fit(
    model: Any,
    X: Any,
    y: Any,
    *,
    steps: int,
    lr: float,
    optimizer: str = "adam",
    momentum: float = 0.0,
    batch_size: int | None = None,
    loss: str = "cross_entropy",
    seed: int = 0,
) -> list[float]:
    """Train ``model`` in place for ``steps`` optimizer steps; return the loss of every step.

    Args:
        model: a torch module.
        X: float tensor ``(N, ...)``.
        y: int64 class labels ``(N,)`` for ``"cross_entropy"``, float targets for ``"mse"``.
        steps: number of optimizer steps, >= 1.
        lr: learning rate, > 0.
        optimizer: ``"adam"`` or ``"sgd"``. Default: ``"adam"``.
        momentum: SGD momentum. Default: 0.
        batch_size: mini-batch size; ``None`` trains on the full batch. Default: None.
        loss: ``"cross_entropy"`` or ``"mse"``. Default: ``"cross_entropy"``.
        seed: seed of the mini-batch order. Default: 0.
    """
    import torch

    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"fit: steps must be an int >= 1, got {steps!r}")
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"fit: lr must be a positive number, got {lr!r}")
    opt = _optimizer(model, optimizer, lr, momentum, "fit")
    loss_fn = _loss(loss, "fit")
    n = int(X.shape[0])
    if batch_size is not None and (
        isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1
    ):
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    gen = torch.Generator().manual_seed(int(seed))
    order = torch.arange(n)
    cursor = n
    losses: list[float] = []
    model.train()
    for _ in range(int(steps)):
        if batch_size is None or batch_size >= n:
            xb, yb = X, y
        else:
            if cursor + batch_size > n:
                order = torch.randperm(n, generator=gen)
                cursor = 0
            idx = order[cursor : cursor + batch_size]
            cursor += batch_size
            xb, yb = X[idx], y[idx]
        opt.zero_grad()
        value = loss_fn(model(xb), yb)
        value.backward()
        opt.step()
        losses.append(float(value.detach()))
    return losses


def _optimizer(model: Any, name: str, lr: float, momentum: float, func: str) -> Any:
    import torch

    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    raise ValueError(f"{func}: optimizer must be 'adam' or 'sgd', got {name!r}")


def _loss(name: str, func: str) -> Any:
    import torch.nn.functional as F

    if name == "cross_entropy":
        return F.cross_entropy
    if name == "mse":
        return F.mse_loss
    raise ValueError(f"{func}: loss must be 'cross_entropy' or 'mse', got {name!r}")


def train_until(
    model: Any,
    X: Any,
    y: Any,
    *,
    target_error: float,
    max_epochs: int,
    lr: float,
    optimizer: str = "sgd",
    momentum: float = 0.0,
    batch_size: int = 64,
    seed: int = 0,
) -> list[float]:
    """Train by epochs until the training error is at most ``target_error`` or ``max_epochs`` pass.

    One optimizer lives through the whole run (momentum carries over between epochs); every epoch
    visits every example once in a seeded random order (the last batch may be smaller).

    Args:
        model: a torch classifier.
        X: float tensor ``(N, features)``.
        y: int64 labels ``(N,)``.
        target_error: stop once the training error is at most this.
        max_epochs: maximum number of epochs, >= 1.
        lr: learning rate.
        optimizer: ``"sgd"`` or ``"adam"``. Default: ``"sgd"``.
        momentum: SGD momentum. Default: 0.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the batch order. Default: 0.

    Returns:
        The training error before training and after every epoch run (length <= max_epochs + 1).
    """
    import torch
    import torch.nn.functional as F

    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
        raise ValueError(f"train_until: max_epochs must be an int >= 1, got {max_epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"train_until: batch_size must be a positive int, got {batch_size!r}")
    opt = _optimizer(model, optimizer, lr, momentum, "train_until")
    gen = torch.Generator().manual_seed(int(seed))
    n = int(X.shape[0])
    errors = [error_rate(model, X, y)]
    for _ in range(max_epochs):
        if errors[-1] <= target_error:
            break
        model.train()
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            F.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
        errors.append(error_rate(model, X, y))
    return errors


def error_rate(model: Any, X: Any, y: Any) -> float:
    """Fraction of rows of ``X`` whose argmax class differs from ``y`` (eval mode, no gradients)."""
    import torch

    was_training = model.training
    model.eval()
    with torch.no_grad():
        wrong = int((model(X).argmax(dim=1) != y).sum())
    model.train(was_training)
    # a count over n in float64: equal counts give equal floats, whatever the summation order
    return wrong / int(y.shape[0])


def mean_loss(model: Any, X: Any, y: Any, *, loss: str = "cross_entropy") -> float:
    """Mean ``loss`` of ``model`` on ``(X, y)`` in eval mode, without gradients."""
    import torch

    fn = _loss(loss, "mean_loss")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        value = float(fn(model(X), y))
    model.train(was_training)
    return value


def train_epochs(
    model: Any,
    X: Any,
    y: Any,
    *,
    epochs: int,
    lr: float,
    optimizer: str = "sgd",
    momentum: float = 0.0,
    batch_size: int = 64,
    seed: int = 0,
    callback: Any = None,
) -> list[dict[str, float]]:
    """Train ``model`` for ``epochs`` passes over ``(X, y)``; one row of metrics per epoch.

    Every epoch visits every example once in a seeded random order (the last batch may be
    smaller); one optimizer lives through the run. The metrics are computed on the whole of
    ``(X, y)`` in eval mode after each epoch; row 0 is the untrained model. The model and ``X``
    may be float32 or float64 (they must agree).

    Args:
        model: a torch classifier.
        X: float tensor ``(N, features)``.
        y: int64 labels ``(N,)``.
        epochs: number of epochs, >= 0.
        lr: learning rate, > 0.
        optimizer: ``"sgd"`` or ``"adam"``. Default: ``"sgd"``.
        momentum: SGD momentum. Default: 0.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the batch order. Default: 0.
        callback: called as ``callback(model, updates)`` after every optimizer step.

    Returns:
        ``[{"epoch", "updates", "train_loss", "train_error"}, ...]``, ``epochs + 1`` rows.
    """
    import torch
    import torch.nn.functional as F

    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"train_epochs: epochs must be an int >= 0, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"train_epochs: batch_size must be a positive int, got {batch_size!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"train_epochs: lr must be a positive number, got {lr!r}")
    opt = _optimizer(model, optimizer, lr, momentum, "train_epochs")
    gen = torch.Generator().manual_seed(int(seed))
    n = int(X.shape[0])

    def row(epoch: int, updates: int) -> dict[str, float]:
        return {
            "epoch": epoch,
            "updates": updates,
            "train_loss": mean_loss(model, X, y),
            "train_error": error_rate(model, X, y),
        }

    rows = [row(0, 0)]
    updates = 0
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            opt.zero_grad()
            F.cross_entropy(model(X[idx]), y[idx]).backward()
            opt.step()
            updates += 1
            if callback is not None:
                callback(model, updates)
        rows.append(row(epoch, updates))
    return rows
