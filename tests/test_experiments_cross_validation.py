"""k-fold comparison: a nonlinearity beats the identity on moons, and the noise verdict is honest."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.data import moons
from actlab.experiments.cross_validation import cross_validate_activations, summarise_cv

torch.set_num_threads(1)  # small models: one thread is several times faster


@pytest.fixture(scope="module")
def moons_cv():
    return cross_validate_activations(
        moons(240, noise=0.2, seed=0), ["relu", "identity"], seeds=(0,), steps=150, lr=0.02
    )


def test_relu_beats_identity_on_moons_beyond_noise(moons_cv):
    summary = {s["activation"]: s for s in moons_cv["summary"]}
    assert summary["identity"]["mean"] - summary["relu"]["mean"] > 0.05
    assert summary["identity"]["within_noise"] is False
    assert moons_cv["summary"][0]["activation"] == "relu"


def test_every_fold_and_activation_is_scored(moons_cv):
    rows = moons_cv["rows"]
    assert len(rows) == 2 * 3
    assert {(r["activation"], r["fold"]) for r in rows} == {
        (a, f) for a in ("relu", "identity") for f in range(3)
    }


def test_summary_statistics():
    rows = [{"activation": "a", "val_error": e} for e in (0.1, 0.2, 0.3)]
    rows += [{"activation": "b", "val_error": e} for e in (0.2, 0.3)]
    rows += [{"activation": "c", "val_error": e} for e in (0.5, 0.52)]
    summary = summarise_cv(rows)
    assert [x["activation"] for x in summary] == ["a", "b", "c"]
    s = {x["activation"]: x for x in summary}
    assert s["a"]["mean"] == pytest.approx(0.2)
    assert s["a"]["std"] == pytest.approx(np.std([0.1, 0.2, 0.3]))
    assert s["a"]["gap"] == 0.0 and s["b"]["gap"] == pytest.approx(0.05)
    assert s["a"]["within_noise"] and s["b"]["within_noise"]
    assert not s["c"]["within_noise"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"activations": []}, ValueError, "activations must not be empty"),
        ({"n_splits": 1}, ValueError, "n_splits"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    data = moons(30, seed=0)
    with pytest.raises(error, match=match):
        cross_validate_activations(data, **{"activations": ["relu"], **kwargs})


def test_float_labels_are_refused():
    X = np.zeros((10, 2), dtype=np.float32)
    with pytest.raises(TypeError, match="integer labels"):
        cross_validate_activations((X, np.zeros(10)), ["relu"])


def test_within_noise_is_one_spread():
    from actlab.experiments.cross_validation import within_noise

    assert within_noise(0.02, 0.02, 0.01) and within_noise(-0.02, 0.01, 0.02)
    assert not within_noise(0.03, 0.02, 0.01)
    with pytest.raises(ValueError, match="within_noise: std_a"):
        within_noise(0.1, -1.0, 0.0)


def test_fit_and_score_is_the_fold_step_of_cross_validation():
    from actlab.data import standardise
    from actlab.experiments.cross_validation import fit_and_score

    data = moons(90, noise=0.2, seed=1)
    result = cross_validate_activations(data, ["relu"], n_splits=3, seeds=(2,), steps=30)
    from sklearn.model_selection import StratifiedKFold

    X, y = data
    tr, va = next(StratifiedKFold(n_splits=3, shuffle=True, random_state=2).split(X, y))
    X_tr, X_va = standardise(X[tr], X[va])
    error = fit_and_score(X_tr, y[tr], X_va, y[va], "relu", seed=2000, steps=30)
    assert error == result["rows"][0]["val_error"]
