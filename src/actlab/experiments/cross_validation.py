"""Choosing an activation by k-fold cross-validation, and telling a real difference from noise.

Every activation is scored on the same folds: scikit-learn's ``StratifiedKFold`` with shuffling,
repeated for several seeds (the seed moves both the fold assignment and the weight
initialisation). The validation error of every (seed, fold) is kept, so the chapter can show the
spread and not only the mean. Features are standardised inside each fold with the training part's
statistics, so nothing leaks from the validation part.

A difference is called *within noise* when the gap between two means is no larger than the
larger of the two standard deviations over the folds (:func:`within_noise`): a difference smaller
than the spread of one candidate's own fold scores is not evidence. Exercise 05 and the slope
sweep of :mod:`actlab.experiments.tuning` use the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.experiments._fitting import error_rate, fit, make_mlp64
from actlab.i18n import t

__all__ = [
    "cross_validate_activations",
    "fit_and_score",
    "summarise_cv",
    "summary_table",
    "within_noise",
]


def _factory(activation: str):
    """``make_mlp``'s activation argument: a registry key, or torch's Identity for ``"identity"``."""
    if activation == "identity":
        from torch import nn

        return lambda: nn.Identity()
    return activation


def within_noise(gap: float, std_a: float, std_b: float) -> bool:
    """Whether a gap between two mean scores is within noise: ``|gap| <= max(std_a, std_b)``.

    Args:
        gap: the difference of the two means.
        std_a: standard deviation of the first candidate's fold scores.
        std_b: standard deviation of the second candidate's fold scores.

    Examples::

        >>> within_noise(0.01, 0.02, 0.005), within_noise(0.09, 0.04, 0.03)
        (True, False)
    """
    for name, value in (("std_a", std_a), ("std_b", std_b)):
        if not value >= 0:
            raise ValueError(f"within_noise: {name} must be >= 0, got {value!r}")
    return bool(abs(gap) <= max(std_a, std_b))


def fit_and_score(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    activation: str,
    *,
    seed: int,
    hidden: Sequence[int] = (32, 32),
    steps: int = 200,
    lr: float = 0.01,
    batch_size: int | None = None,
) -> float:
    """Train a small MLP on one training part and return its error on the validation part.

    The MLP is ``d → hidden... → classes`` (He init for the rectifiers, Xavier otherwise, weights
    drawn from ``seed``), trained in float64 with Adam for ``steps`` steps, mini-batches drawn
    from ``seed`` (full batch for ``batch_size=None``).

    Args:
        X_train: standardised features of the training part, shape ``(n, d)``.
        y_train: integer labels ``(n,)``.
        X_val: features of the validation part, standardised with the training part's statistics.
        y_val: labels of the validation part.
        activation: a registry key, or ``"identity"`` for a purely linear network.
        seed: seed of the weights and of the batch order.
        hidden: hidden widths. Default: (32, 32).
        steps: Adam steps. Default: 200.
        lr: Adam's learning rate. Default: 0.01.
        batch_size: mini-batch size, ``None`` for full batch. Default: None.
    """
    import torch

    num_classes = int(max(np.max(y_train), np.max(y_val))) + 1
    init = "he" if "relu" in activation else "xavier"
    net = make_mlp64(
        [X_train.shape[1], *hidden, num_classes], _factory(activation), init=init, seed=int(seed)
    )
    X_tr = torch.from_numpy(np.asarray(X_train, dtype=np.float64))
    X_va = torch.from_numpy(np.asarray(X_val, dtype=np.float64))
    y_tr = torch.from_numpy(np.asarray(y_train, dtype=np.int64))
    y_va = torch.from_numpy(np.asarray(y_val, dtype=np.int64))
    fit(net, X_tr, y_tr, steps=steps, lr=lr, batch_size=batch_size, seed=int(seed))
    return error_rate(net, X_va, y_va)


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
    is trained and scored by :func:`fit_and_score` with the seed ``1000 * seed + fold``.

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
    rows: list[dict[str, object]] = []
    for seed in seeds:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=int(seed))
        for fold, (tr, va) in enumerate(splitter.split(X, y)):
            X_tr, X_va = standardise(X[tr], X[va])
            for activation in activations:
                error = fit_and_score(
                    X_tr,
                    y[tr],
                    X_va,
                    y[va],
                    activation,
                    seed=int(seed) * 1000 + fold,
                    hidden=hidden,
                    steps=steps,
                    lr=lr,
                    batch_size=batch_size,
                )
                rows.append(
                    {"activation": activation, "seed": int(seed), "fold": fold, "val_error": error}
                )
    return {"rows": rows, "summary": summarise_cv(rows)}


def summarise_cv(rows: Sequence[dict[str, Any]]) -> list[dict[str, object]]:
    """Mean and spread of the validation error per activation, best first, with a noise verdict.

    Args:
        rows: dicts with at least ``activation`` and ``val_error``.

    Returns:
        One dict per activation, sorted by mean error: ``activation``, ``mean``, ``std`` (population
        std over all seeds and folds), ``n``, ``gap`` (mean minus the best mean) and
        ``within_noise`` (:func:`within_noise` of the gap and the two standard deviations; True
        for the best itself).

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
        s["within_noise"] = within_noise(s["gap"], s["std"], best["std"])
    return stats


def summary_table(
    summary: Sequence[dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`summarise_cv`'s rows for printing, labelled in ``lang`` (``identity``, a network
    without activation, is named in ``lang``; other activations by their keys)."""
    from actlab.experiments._labels import run_label

    return [
        {
            t("result.activation", lang): run_label(str(s["activation"]), lang),
            t("result.col.mean", lang): s["mean"],
            t("result.col.std", lang): s["std"],
            "n": s["n"],
            t("result.cv.gap", lang): s["gap"],
            t("result.col.within_noise", lang): s["within_noise"],
        }
        for s in summary
    ]
