"""Checks of exercise 05_cross_validation: wrong cross-validation functions (unstratified folds,
folds that differ between activations, leaks, wrong statistics, a wrong choice, made-up scores) fail
with the right symptom, and the solution passes."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch
from sklearn.model_selection import KFold, StratifiedKFold

from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.cross_validation import fit_score, imbalanced_moons
from actlab.grading.spec import get_check, run_probe

CASE = {"activations": ["relu", "tanh"]}
ONE = {"activations": ["relu"]}  # enough for the faults that do not involve the comparison


def solution(X, y, activations, score_fn, n_splits=3, seed=0):
    folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y))
    mean, std = {}, {}
    for a in activations:
        s = [score_fn(X[tr], y[tr], X[te], y[te], a, seed) for tr, te in folds]
        mean[a], std[a] = float(np.mean(s)), float(np.std(s))
    return {"mean": mean, "std": std, "choice": max(activations, key=mean.get)}


def variant(folds_for=None, stats=None, choose=None):
    """The solution with one piece replaced."""

    def cv(X, y, activations, score_fn, n_splits=3, seed=0):
        mean, std = {}, {}
        for a in activations:
            folds = (
                folds_for(X, y, a, n_splits, seed)
                if folds_for
                else StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, y)
            )
            s = [score_fn(X[tr], y[tr], X[te], y[te], a, seed) for tr, te in folds]
            mean[a], std[a] = (stats or (lambda v: (float(np.mean(v)), float(np.std(v)))))(s)
        pick = choose or (lambda m: max(m, key=m.get))
        return {"mean": mean, "std": std, "choice": pick(mean)}

    return cv


@pytest.fixture(scope="module")
def right_means() -> dict[int, list[float]]:
    """The means and spreads a correct answer reports, for the one- and two-activation cases."""
    out = {}
    for case in (ONE, CASE):
        X, y = imbalanced_moons(seed=0)
        result = solution(X, y, case["activations"], fit_score)
        out[len(case["activations"])] = [*result["mean"].values(), *result["std"].values()]
    return out


def test_fit_score_is_deterministic_and_leaves_the_global_seed_alone() -> None:
    X, y = imbalanced_moons(seed=0)
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = fit_score(X[:100], y[:100], X[100:], y[100:], "relu", seed=3)
    after = torch.rand(1)
    assert a == fit_score(X[:100], y[:100], X[100:], y[100:], "relu", seed=3)
    assert 0.5 < a <= 1.0
    assert torch.equal(before, after)
    with pytest.raises(ValueError, match="fit_score: activation must be one of"):
        fit_score(X, y, X, y, "swish")


@pytest.mark.parametrize("case", [{}, {"seed": 1, "n_splits": 4, "activations": ["relu"]}])
def test_solution_passes(case: dict) -> None:
    verdict = run_and_judge("cross_validate_activations", solution, **case)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    ("wrong", "symptom"),
    [
        (
            variant(
                folds_for=lambda X, y, a, k, s: KFold(k, shuffle=True, random_state=s).split(X)
            ),
            "the folds are not stratified",
        ),
        (
            variant(
                folds_for=lambda X, y, a, k, s: StratifiedKFold(
                    k, shuffle=True, random_state=ord(a[0])
                ).split(X, y)
            ),
            "the activations were scored on different folds",
        ),
        (
            variant(
                folds_for=lambda X, y, a, k, s: (
                    (te, tr)
                    for tr, te in StratifiedKFold(k, shuffle=True, random_state=s).split(X, y)
                )
            ),
            "do not split the data: every sample should be in exactly one test fold",
        ),
        (
            variant(
                folds_for=lambda X, y, a, k, s: (
                    (np.arange(len(y)), te)
                    for _, te in StratifiedKFold(k, shuffle=True, random_state=s).split(X, y)
                )
            ),
            "a training part shares samples with its test part",
        ),
        (
            variant(stats=lambda v: (float(np.median(v)) + 0.01, float(np.std(v)))),
            "the mean for 'relu' is not the mean of its fold scores",
        ),
        (
            variant(stats=lambda v: (float(np.mean(v)), float(np.var(v)))),
            "the spread for 'relu' is not the standard deviation of its fold scores",
        ),
        (
            variant(choose=lambda m: min(m, key=m.get)),
            "the choice is not the activation with the highest mean accuracy",
        ),
    ],
)
def test_wrong_cross_validation_is_named(wrong, symptom: str, right_means: dict) -> None:
    case = CASE if "different folds" in symptom or "choice" in symptom else ONE
    verdict = run_and_judge("cross_validate_activations", wrong, **case)
    assert not verdict.passed
    assert symptom in verdict.message, verdict.message
    assert verdict_leaks(verdict, right_means[len(case["activations"])]) == []


def test_malformed_results_are_probe_errors() -> None:
    def transforms(X, y, activations, score_fn, n_splits=3, seed=0):
        return solution((X - X.mean(0)) / X.std(0), y, activations, score_fn, n_splits, seed)

    def as_list(*args, **kwargs):
        return list(solution(*args, **kwargs).values())

    def no_std(*args, **kwargs):
        result = solution(*args, **kwargs)
        del result["std"]
        return result

    def two_folds_only(X, y, activations, score_fn, n_splits=3, seed=0):
        return solution(X, y, activations, score_fn, 2, seed)

    cases = [
        (transforms, "rows that are not rows of X"),
        (as_list, "should return a dict, got a list"),
        (no_std, "the result has no 'std' entry"),
        (two_folds_only, "score_fn was called 2 times for 1 activations and n_splits=3"),
    ]
    for wrong, symptom in cases:
        verdict = run_and_judge("cross_validate_activations", wrong, **ONE)
        assert not verdict.passed
        assert symptom in verdict.message, verdict.message


def test_made_up_scores_are_caught_by_the_spot_check() -> None:
    spec = get_check("cross_validate_activations")
    outputs = run_probe(spec, (solution,), CASE)
    buffer = io.BytesIO()
    np.savez(buffer, **outputs)
    buffer.seek(0)
    loaded = dict(np.load(buffer, allow_pickle=False))
    case = json.loads(json.dumps(CASE))
    assert spec.judge(loaded, **case).passed
    # a kernel that fakes every score and statistic consistently still fails
    loaded["call_score"] = np.full_like(loaded["call_score"], 0.5)
    loaded["mean"] = np.full_like(loaded["mean"], 0.5)
    loaded["std"] = np.zeros_like(loaded["std"])
    verdict = spec.judge(loaded, **case)
    assert "differ from fit_score's on the same split" in verdict.message
