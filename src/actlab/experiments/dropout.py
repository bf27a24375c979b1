"""ReLU with Dropout: what dropping units during training does for a small, over-fitting MLP.

Dropout (Srivastava et al. 2014) zeroes each hidden unit with probability :math:`p` at every
training step and scales the others by :math:`1/(1-p)` (torch's inverted dropout); at test time
the whole network is used. A unit cannot rely on any particular other unit being there, so the
network spreads what it knows over many units. This module trains the same ReLU MLP on a small
part of the digits training split with and without dropout, then scores it on the test split in
three ways:

* ``test_error``: the clean test images;
* ``noisy_error``: the test images plus Gaussian noise (in units of the standardised pixels);
* ``pruned_error``: the clean test images with a fraction of every hidden layer's units removed
  (their outgoing weights set to 0), averaged over a few random choices of units.

The networks run in float64 from weights drawn by numpy, and the dropout masks come from a
seeded float64 ``torch.rand``, so the results are the same on every CPU.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from actlab.i18n import t

__all__ = ["SeededDropout", "dropout_robustness", "remove_units", "robustness_table"]


class SeededDropout(nn.Module):
    """``nn.Dropout`` with its own random generator: ``x * mask / (1 - p)`` in training, ``x`` in eval.

    The mask is ``torch.rand(...) >= p`` drawn in float64 from ``generator``, so that it is the
    same on every CPU (torch's ``bernoulli_`` kernels are not guaranteed to be).

    Args:
        p: probability of zeroing a unit, in [0, 1).
        generator: the ``torch.Generator`` the masks are drawn from.

    Shape:
        - Input: :math:`(*)`; Output: same shape.
    """

    def __init__(self, p: float, generator: torch.Generator) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
            raise ValueError(f"SeededDropout: p must be a number in [0, 1), got {p!r}")
        self.p = float(p)
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape, generator=self.generator, dtype=torch.float64) >= self.p
        return x * keep.to(x.dtype) / (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def remove_units(model: nn.Module, fraction: float, seed: int) -> nn.Module:
    """A copy of ``model`` with ``fraction`` of every hidden layer's units removed.

    A unit is removed by setting its outgoing weights (its column of the next ``nn.Linear``) to 0,
    so that nothing downstream sees it. The units are drawn by ``numpy.random.default_rng(seed)``.

    Args:
        model: a network containing ``nn.Linear`` layers (left unchanged).
        fraction: fraction of units to remove in each hidden layer, in [0, 1].
        seed: seed of the choice.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"remove_units: fraction must be in [0, 1], got {fraction!r}")
    pruned = copy.deepcopy(model)
    linears = [m for m in pruned.modules() if isinstance(m, nn.Linear)]
    gen = np.random.default_rng(seed)
    with torch.no_grad():
        for nxt in linears[1:]:
            units = nxt.in_features
            gone = gen.permutation(units)[: round(fraction * units)]
            nxt.weight[:, torch.from_numpy(gone)] = 0.0
    return pruned


def dropout_robustness(
    ps: Sequence[float] = (0.0, 0.5),
    *,
    seeds: Sequence[int] = (0, 1, 2),
    n_train: int = 300,
    hidden: Sequence[int] = (256, 256),
    epochs: int = 40,
    lr: float = 1e-3,
    batch_size: int = 32,
    noise: float = 1.0,
    removed: float = 0.5,
    removals: int = 5,
) -> dict[str, object]:
    """Train a ReLU MLP on ``n_train`` digits with each dropout probability; score it three ways.

    The network is ``64 → hidden... → 10`` with ReLU and He initialisation, a
    :class:`SeededDropout` after every hidden ReLU, trained with Adam on the first ``n_train``
    images of a seeded permutation of the digits training split.

    Args:
        ps: dropout probabilities; 0 is the network without dropout. Default: (0.0, 0.5).
        seeds: seeds of the training subset, the weights, the batch order and the masks.
            Default: (0, 1, 2).
        n_train: training images. Default: 300.
        hidden: hidden widths. Default: (256, 256).
        epochs: training epochs. Default: 40.
        lr: Adam's learning rate. Default: 1e-3.
        batch_size: mini-batch size. Default: 32.
        noise: standard deviation of the noise added to the standardised test pixels. Default: 1.
        removed: fraction of every hidden layer's units removed for ``pruned_error``. Default: 0.5.
        removals: random removals averaged for ``pruned_error``. Default: 5.

    Returns:
        ``{"rows": [...], "summary": [...], "n_train"}``: ``rows`` has one dict per (p, seed) with ``p``,
        ``seed``, ``train_error``, ``test_error``, ``noisy_error`` and ``pruned_error``;
        ``summary`` has one dict per ``p`` with the mean of each error over the seeds, and
        ``n_train`` the number of training images.
    """
    from actlab.experiments._fitting import digits64, error_rate, make_mlp64, train_epochs
    from actlab.reproducibility import rng

    values = [float(p) for p in ps]
    if not values or not all(0 <= p < 1 for p in values):
        raise ValueError(f"dropout_robustness: ps must be numbers in [0, 1), got {ps!r}")
    if not seeds:
        raise ValueError("dropout_robustness: seeds must not be empty")
    data = digits64()
    X_all, y_all, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    rows: list[dict[str, object]] = []
    for seed in seeds:
        idx = torch.from_numpy(rng(seed).permutation(len(X_all))[: int(n_train)])
        X, y = X_all[idx], y_all[idx]
        noisy = X_test + torch.from_numpy(noise * rng(seed + 1).standard_normal(X_test.shape))
        for p in values:
            gen = torch.Generator().manual_seed(int(seed))
            net = make_mlp64(
                [X.shape[1], *hidden, 10],
                "relu",
                init="he",
                seed=int(seed),
                dropout=p,
                dropout_cls=lambda q, gen=gen: SeededDropout(q, gen),
            )
            history = train_epochs(
                net, X, y, epochs=epochs, lr=lr, optimizer="adam", batch_size=batch_size, seed=seed
            )
            pruned = [
                error_rate(remove_units(net, removed, 1000 * int(seed) + k), X_test, y_test)
                for k in range(removals)
            ]
            rows.append(
                {
                    "p": p,
                    "seed": int(seed),
                    "train_error": history[-1]["train_error"],
                    "test_error": error_rate(net, X_test, y_test),
                    "noisy_error": error_rate(net, noisy, y_test),
                    "pruned_error": float(np.mean(pruned)),
                }
            )
    keys = ("train_error", "test_error", "noisy_error", "pruned_error")
    summary = [
        {"p": p, **{k: float(np.mean([r[k] for r in rows if r["p"] == p])) for k in keys}}
        for p in values
    ]
    return {"rows": rows, "summary": summary, "n_train": int(n_train)}


def robustness_table(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """The summary of :func:`dropout_robustness` for printing, one row per dropout probability,
    labelled in ``lang``."""
    return [
        {
            "p": r["p"],
            t("result.col.train_error", lang): r["train_error"],
            t("result.col.test_error", lang): r["test_error"],
            t("result.dropout.noisy_error", lang): r["noisy_error"],
            t("result.dropout.pruned_error", lang): r["pruned_error"],
        }
        for r in result["summary"]
    ]
