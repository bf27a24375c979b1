"""Checks of exercise ``05_cross_validation``: choosing an activation by stratified k-fold
cross-validation.

The student writes ``cross_validate_activations(X, y, activations, score_fn, n_splits=3, seed=0)``
returning ``{"mean": {name: float}, "std": {name: float}, "choice": name}``. ``score_fn`` is
:func:`fit_score` (public, so the notebook uses the same one): it trains a tiny MLP with the named
activation and returns the test accuracy. The probe hands the student a recording copy of it, so the
judge sees every split that was scored (which rows were trained on and tested on), and checks:
one call per fold and activation; each call's train and test parts are disjoint and cover the data;
each activation's test folds partition the data; all activations share the same folds; the folds are
stratified; the means and spreads are those of the recorded scores; the choice has the highest
mean; and one split per activation, re-scored in the judge's process, gives the recorded score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import Check, get_output, one_torch_thread, student_callable
from actlab.grading.spec import ProbeError, Verdict

__all__ = ["ACTIVATIONS", "CROSS_VALIDATE", "fit_score", "imbalanced_moons"]

ACTIVATIONS = ("identity", "relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "silu")
"""The activation names :func:`fit_score` understands."""


def _activation_module(name: str) -> Any:
    import torch

    table = {
        "identity": torch.nn.Identity,
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": torch.nn.LeakyReLU,
        "elu": torch.nn.ELU,
        "gelu": torch.nn.GELU,
        "silu": torch.nn.SiLU,
    }
    if name not in table:
        raise ValueError(f"fit_score: activation must be one of {list(table)}, got {name!r}")
    return table[name]()


def fit_score(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    activation: str,
    seed: int = 0,
) -> float:
    """Train a small MLP with ``activation`` on the training part and return its test accuracy.

    The MLP is ``features -> 16 -> 16 -> classes`` with the activation after each hidden layer,
    trained full-batch by Adam (learning rate 0.05, 60 steps, cross-entropy) in float64; the
    weights are drawn by numpy from ``seed`` with torch's default distribution (so the score is the
    same on every CPU), and the global torch random state is left as it was.

    Args:
        X_train: features, shape ``(n_train, d)``.
        y_train: integer labels ``0 .. classes - 1``, shape ``(n_train,)``.
        X_test: features, shape ``(n_test, d)``.
        y_test: labels, shape ``(n_test,)``.
        activation: one of :data:`ACTIVATIONS`, e.g. ``"relu"``.
        seed: seed of the initialisation. Default: 0.

    Returns:
        The fraction of ``X_test`` classified correctly.
    """
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError(
            "fit_score: X_train and X_test must have shape (n, d) with the same d, got "
            f"{X_train.shape} and {X_test.shape}"
        )
    if y_train.shape != (len(X_train),) or y_test.shape != (len(X_test),):
        raise ValueError(
            f"fit_score: y_train and y_test must have shapes ({len(X_train)},) and "
            f"({len(X_test)},), got {y_train.shape} and {y_test.shape}"
        )
    if len(X_train) == 0 or len(X_test) == 0:
        raise ValueError("fit_score: the training and test parts must not be empty")
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    with one_torch_thread():
        return _fit(X_train, y_train, X_test, y_test, activation, seed, num_classes)


def _fit(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    activation: str,
    seed: int,
    num_classes: int,
) -> float:
    import torch

    from actlab.experiments._fitting import numpy_reset

    with torch.random.fork_rng():
        torch.manual_seed(int(seed))
        model = torch.nn.Sequential(
            torch.nn.Linear(X_train.shape[1], 16),
            _activation_module(activation),
            torch.nn.Linear(16, 16),
            _activation_module(activation),
            torch.nn.Linear(16, num_classes),
        )
    # weights drawn by numpy and float64 training: the scores are the same on every CPU
    model = numpy_reset(model, int(seed)).double()
    X = torch.tensor(X_train, dtype=torch.float64)
    y = torch.tensor(y_train, dtype=torch.int64)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(60):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        optimiser.step()
    with torch.no_grad():
        predicted = model(torch.tensor(X_test, dtype=torch.float64)).argmax(dim=1).numpy()
    return float(np.mean(predicted == y_test))


def imbalanced_moons(
    n_major: int = 100, n_minor: int = 50, seed: int = 0
) -> tuple[np.ndarray, ...]:
    """Two moons with twice as many points of class 0 as of class 1 (noise 0.2), as ``(X, y)``.

    The imbalance makes a non-stratified split visible: its folds' class proportions differ.
    """
    from actlab.data import moons

    data = moons(2 * max(n_major, n_minor), noise=0.2, seed=seed)
    X, y = np.array(data.X), np.array(data.y)
    keep = np.sort(
        np.concatenate([np.flatnonzero(y == 0)[:n_major], np.flatnonzero(y == 1)[:n_minor]])
    )
    return X[keep], y[keep]


_CASE_KEYS = frozenset({"seed", "activations", "n_splits", "n_major", "n_minor"})


def _cv_case(case: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, list[str], int, int]:
    seed = int(case.get("seed", 0))
    activations = [str(a) for a in case.get("activations", ("identity", "relu", "tanh"))]
    n_splits = int(case.get("n_splits", 3))
    X, y = imbalanced_moons(int(case.get("n_major", 100)), int(case.get("n_minor", 50)), seed)
    return X, y, activations, n_splits, seed


def _number(value: Any, what: str) -> float:
    if type(value).__module__.startswith("torch") and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
            return float(value.reshape(()))
        raise ProbeError("check.cv.not_number", what=what, type=type(value).__name__)
    return float(value)


def _probe_cv(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "cross_validate_activations")
    X, y, activations, n_splits, seed = _cv_case(case)
    row_index = {row.tobytes(): i for i, row in enumerate(X)}
    if len(row_index) != len(X):
        raise ProbeError("check.cv.repeated_rows")
    calls: list[tuple[str, np.ndarray, np.ndarray, float]] = []

    def rows(part: Any, what: str) -> np.ndarray:
        part = np.ascontiguousarray(np.asarray(part, dtype=X.dtype))
        if part.ndim != 2 or part.shape[1] != X.shape[1]:
            raise ProbeError("check.cv.part_shape", what=what, shape=part.shape)
        mask = np.zeros(len(X), dtype=bool)
        for row in part:
            i = row_index.get(row.tobytes())
            if i is None:
                raise ProbeError("check.cv.foreign_rows", what=what)
            mask[i] = True
        return mask

    def recording_score(X_train, y_train, X_test, y_test, activation, seed=0):
        score = fit_score(X_train, y_train, X_test, y_test, activation, seed)
        calls.append((str(activation), rows(X_train, "X_train"), rows(X_test, "X_test"), score))
        return score

    result = fn(
        X.copy(), y.copy(), list(activations), recording_score, n_splits=n_splits, seed=seed
    )
    if not isinstance(result, Mapping):
        raise ProbeError(
            "check.probe.not_dict", what="cross_validate_activations", type=type(result).__name__
        )
    missing = [k for k in ("mean", "std", "choice") if k not in result]
    if missing:
        raise ProbeError("check.cv.missing_entry", key=missing[0])
    means, stds = [], []
    for key, store in (("mean", means), ("std", stds)):
        table = result[key]
        if not isinstance(table, Mapping):
            raise ProbeError("check.cv.table_not_dict", key=key)
        for name in activations:
            if name not in table:
                raise ProbeError("check.cv.table_missing", key=key, name=name)
            store.append(_number(table[name], f"result[{key!r}][{name!r}]"))
    if not isinstance(result["choice"], str):
        raise ProbeError("check.cv.choice_type", type=type(result["choice"]).__name__)
    n = len(X)
    return {
        "mean": np.asarray(means),
        "std": np.asarray(stds),
        "choice": result["choice"],
        "call_activation": np.asarray([c[0] for c in calls], dtype=str).reshape(-1),
        "call_train": np.asarray([c[1] for c in calls], dtype=bool).reshape(-1, n),
        "call_test": np.asarray([c[2] for c in calls], dtype=bool).reshape(-1, n),
        "call_score": np.asarray([c[3] for c in calls], dtype=np.float64),
    }


def spot_check(
    case: Mapping[str, Any], names: np.ndarray, train: np.ndarray, test: np.ndarray
) -> list:
    """Re-score the first recorded split of each activation with :func:`fit_score`, here.

    Returns ``[(activation, call index, score), ...]``: the judge compares these with the scores
    recorded in the kernel, so made-up scores do not pass.
    """
    X, y, activations, _n_splits, seed = _cv_case(case)
    out = []
    for name in activations:
        i = int(np.flatnonzero(names == name)[0])
        tr, te = train[i], test[i]
        out.append((name, i, fit_score(X[tr], y[tr], X[te], y[te], name, seed)))
    return out


def _judge_cv(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    X, y, activations, n_splits, _seed = _cv_case(case)
    n = len(X)
    names = get_output(outputs, "call_activation").reshape(-1)
    train = get_output(outputs, "call_train").reshape(-1, n)
    test = get_output(outputs, "call_test").reshape(-1, n)
    scores = get_output(outputs, "call_score").reshape(-1)
    means = get_output(outputs, "mean").reshape(-1)
    stds = get_output(outputs, "std").reshape(-1)
    choice = str(get_output(outputs, "choice"))
    if not len(names) == len(train) == len(test) == len(scores):
        return Verdict.fail("check.cv.record")
    expected_calls = n_splits * len(activations)
    if len(names) != expected_calls:
        return Verdict.fail(
            "check.cv.calls", calls=len(names), activations=len(activations), n_splits=n_splits
        )
    unknown = sorted(set(names.tolist()) - set(activations))
    if unknown:
        return Verdict.fail("check.cv.unknown", names=", ".join(map(repr, unknown)))
    if np.any(train & test):
        return Verdict.fail("check.cv.overlap")
    if not np.all(train | test):
        return Verdict.fail("check.cv.uncovered")
    folds: dict[str, list[np.ndarray]] = {}
    for name in activations:
        mine = test[names == name]
        if len(mine) != n_splits:
            return Verdict.fail("check.cv.fold_count", name=name, folds=len(mine))
        if not np.all(mine.sum(axis=0) == 1):
            return Verdict.fail("check.cv.not_partition", name=name)
        folds[name] = sorted(mine, key=lambda m: int(np.flatnonzero(m)[0]))
    first = folds[activations[0]]
    for name in activations[1:]:
        if not all(np.array_equal(a, b) for a, b in zip(first, folds[name], strict=True)):
            return Verdict.fail("check.cv.different_folds")
    for fold in first:
        for c in np.unique(y):
            expected = np.sum(y == c) * fold.sum() / n
            if abs(np.sum(y[fold] == c) - expected) >= 1 + 1e-9:
                return Verdict.fail("check.cv.not_stratified")
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(stds))):
        return Verdict.fail("check.cv.nonfinite")
    if np.any((means < 0) | (means > 1)):
        return Verdict.fail("check.cv.mean_range")
    if np.any(stds < 0):
        return Verdict.fail("check.cv.negative_spread")
    for i, name in enumerate(activations):
        own = scores[names == name]
        if not np.isclose(means[i], own.mean(), rtol=1e-9, atol=1e-12):
            return Verdict.fail("check.cv.mean", name=name)
        if not any(
            np.isclose(stds[i], own.std(ddof=ddof), rtol=1e-9, atol=1e-12) for ddof in (0, 1)
        ):
            return Verdict.fail("check.cv.spread", name=name)
    if choice not in activations:
        return Verdict.fail("check.cv.choice_unknown", choice=choice)
    if means[activations.index(choice)] < means.max():
        return Verdict.fail("check.cv.choice")
    for name, i, score in spot_check(case, names, train, test):
        if abs(scores[i] - score) > 0.05:
            return Verdict.fail("check.cv.made_up", name=name)
    return Verdict.ok()


CROSS_VALIDATE = Check(
    "cross_validate_activations", _probe_cv, _judge_cv, ("cross_validate_activations",), _CASE_KEYS
)
