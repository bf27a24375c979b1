"""Choosing an activation by k-fold cross-validation, and telling a real difference from noise.

Every activation is scored on the same folds: scikit-learn's ``StratifiedKFold`` with shuffling,
repeated for several seeds (the seed moves both the fold assignment and the weight
initialisation). The validation error of every (seed, fold) is kept, so the chapter can show the
spread and not only the mean. Features are standardised inside each fold with the training part's
statistics, so nothing leaks from the validation part.

Two activations are called *within noise* of each other when their intervals
``mean ± std`` (over all seeds and folds) overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.experiments._fitting import error_rate, fit, make_mlp64

__all__ = ["cross_validate_activations", "summarise_cv"]


def _factory(activation: str):
    """``make_mlp``'s activation argument: a registry key, or torch's Identity for ``"identity"``."""
    if activation == "identity":
        from torch import nn

        return lambda: nn.Identity()
    return activation


def cross_validate_activations(
    data: Any,
    activations: Sequence[str],
    *,
    n_splits: int = 3,
    seeds: Sequence[int] = (0, 1, 2),
    hidden: Sequence[int] = (32, 32),
    steps: int = 200,
    lr: float = 0.01,
    batch_size: int | None = None,
) -> dict[str, object]:
    """k-fold validation error of a small torch MLP for each activation.

    For every seed, ``StratifiedKFold(n_splits, shuffle=True, random_state=seed)`` splits the
    data; for every fold and activation, a ``d → hidden... → classes`` MLP
    (:func:`actlab.networks.make_mlp`, He init for the rectifiers, Xavier otherwise, weights seeded
    by ``seed`` and the fold) is trained in float64 with Adam for ``steps`` steps and scored on the
    held-out fold.

    Args:
        data: a :class:`actlab.data.Dataset` (or ``(X, y)`` arrays) with integer labels.
        activations: registry keys, or ``"identity"`` for a purely linear network.
        n_splits: number of folds, >= 2. Default: 3.
        seeds: seeds, one repetition of k-fold each. Default: (0, 1, 2).
        hidden: hidden widths. Default: (32, 32).
        steps: Adam steps per fit. Default: 200.
        lr: Adam learning rate. Default: 0.01.
        batch_size: mini-batch size, ``None`` for full batch. Default: None.

    Returns:
        ``{"rows": [...], "summary": [...]}``: ``rows`` holds one dict per (activation, seed, fold)
        with ``activation``, ``seed``, ``fold``, ``val_error``; ``summary`` is
        :func:`summarise_cv` of the rows.
    """
    import torch
    from sklearn.model_selection import StratifiedKFold

    from actlab.data import standardise

    X, y = data
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"cross_validate_activations: expected X (n, d) and y (n,), got {X.shape} and {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"cross_validate_activations: y must hold integer labels, got dtype {y.dtype}"
        )
    if isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2:
        raise ValueError(
            f"cross_validate_activations: n_splits must be an int >= 2, got {n_splits!r}"
        )
    if not activations:
        raise ValueError("cross_validate_activations: activations must not be empty")
    num_classes = int(y.max()) + 1
    rows: list[dict[str, object]] = []
    for seed in seeds:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=int(seed))
        for fold, (tr, va) in enumerate(splitter.split(X, y)):
            X_tr, X_va = standardise(X[tr], X[va])
            X_tr_t = torch.from_numpy(X_tr.astype(np.float64))
            X_va_t = torch.from_numpy(X_va.astype(np.float64))
            y_tr_t = torch.from_numpy(y[tr].astype(np.int64))
            y_va_t = torch.from_numpy(y[va].astype(np.int64))
            for activation in activations:
                init = "he" if "relu" in activation else "xavier"
                net = make_mlp64(
                    [X.shape[1], *hidden, num_classes],
                    _factory(activation),
                    init=init,
                    seed=int(seed) * 1000 + fold,
                )
                fit(net, X_tr_t, y_tr_t, steps=steps, lr=lr, batch_size=batch_size, seed=int(seed))
                rows.append(
                    {
                        "activation": activation,
                        "seed": int(seed),
                        "fold": fold,
                        "val_error": error_rate(net, X_va_t, y_va_t),
                    }
                )
    return {"rows": rows, "summary": summarise_cv(rows)}


def summarise_cv(rows: Sequence[dict[str, Any]]) -> list[dict[str, object]]:
    """Mean and spread of the validation error per activation, best first, with a noise verdict.

    Args:
        rows: dicts with at least ``activation`` and ``val_error``.

    Returns:
        One dict per activation, sorted by mean error: ``activation``, ``mean``, ``std`` (population
        std over all seeds and folds), ``n``, ``gap`` (mean minus the best mean) and
        ``within_noise`` (True when ``mean ± std`` overlaps the best activation's interval; True for
        the best itself).

    Examples::

        >>> rows = [{"activation": "a", "val_error": e} for e in (0.10, 0.12)]
        >>> rows += [{"activation": "b", "val_error": e} for e in (0.30, 0.32)]
        >>> [(s["activation"], s["within_noise"]) for s in summarise_cv(rows)]
        [('a', True), ('b', False)]
    """
    if not rows:
        raise ValueError("summarise_cv: rows must not be empty")
    errors: dict[str, list[float]] = {}
    for r in rows:
        errors.setdefault(str(r["activation"]), []).append(float(r["val_error"]))
    stats = [
        {"activation": a, "mean": float(np.mean(e)), "std": float(np.std(e)), "n": len(e)}
        for a, e in errors.items()
    ]
    stats.sort(key=lambda s: s["mean"])
    best = stats[0]
    for s in stats:
        # rounded so that equal means (sums of the same counts in another order) show a gap of 0
        s["gap"] = round(s["mean"] - best["mean"], 12)
        s["within_noise"] = bool(s["mean"] - s["std"] <= best["mean"] + best["std"])
    return stats
