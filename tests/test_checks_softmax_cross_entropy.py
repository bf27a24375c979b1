"""Checks of exercise 08_softmax_cross_entropy: the stable solutions pass every case, each classic
wrong answer fails with the message that names it (global maximum, log of softmax, the Jacobian's
diagonal), other wrong answers with their symptom, and no message reveals an expected value, in
English or in Chinese."""

from __future__ import annotations

import numpy as np
import pytest

from actlab.activations import log_softmax as ref_log_softmax
from actlab.activations import softmax as ref_softmax
from actlab.activations import softmax_grad as ref_softmax_grad
from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.softmax_cross_entropy import (
    DEFAULT_LABELS,
    _dout,
    _labels,
    logits_input,
)


def softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def cross_entropy(logits, labels):
    return -log_softmax(logits)[np.arange(len(labels)), labels].mean()


def softmax_backward(x, dout):
    s = softmax(x)
    return s * (dout - (dout * s).sum(axis=-1, keepdims=True))


# the hidden cases of the exercise, and more
ROWWISE_CASES = [
    {},
    {"seed": 1, "shape": [8, 10], "scale": 3.0, "spread": 200.0, "dtype": "float32"},
    {"seed": 2, "shape": [2, 3, 5], "scale": 5.0},
    {"x": [0.5, -1.0, 700.0, -700.0]},
    {"x": [[-1e4, 1e4, 0.0], [3.0, 3.0, 3.0]]},
    {"seed": 3, "shape": [6, 4], "scale": 30.0, "dtype": "float32"},
    {"seed": 4, "shape": [5, 5], "spread": 1000.0},
]
CE_CASES = [
    {},
    {"seed": 1, "shape": [16, 10], "scale": 3.0, "spread": 500.0},
    {"seed": 2, "shape": [8, 3], "scale": 2.0, "dtype": "float32"},
    {"x": [[0.0, -900.0], [2.0, 1.0], [-5.0, 5.0]], "labels": [1, 0, 1]},
]
BACKWARD_CASES = [
    {},
    {"seed": 1, "shape": [5, 7], "scale": 3.0},
    {"seed": 2, "shape": [2, 3, 4]},
    {"x": [1.0, -2.0, 0.5]},
    {"seed": 3, "shape": [4, 4], "scale": 2.0, "spread": 800.0},
]


@pytest.mark.parametrize("case", ROWWISE_CASES)
def test_stable_softmax_and_log_softmax_pass(case: dict) -> None:
    for name, fn in (("softmax", softmax), ("log_softmax", log_softmax)):
        verdict = run_and_judge(name, fn, **case)
        assert verdict.passed, f"{name} {case}: {verdict.message}"


@pytest.mark.parametrize("case", CE_CASES)
def test_cross_entropy_from_logits_passes(case: dict) -> None:
    verdict = run_and_judge("cross_entropy", cross_entropy, **case)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("case", BACKWARD_CASES)
def test_softmax_backward_passes(case: dict) -> None:
    verdict = run_and_judge("softmax_backward", softmax_backward, **case)
    assert verdict.passed, verdict.message


def test_the_package_softmax_family_passes_too() -> None:
    # the references themselves, as a student who found them would call them (they are
    # forbidden, which the grader's scan enforces; the checks judge values only)
    assert run_and_judge("softmax", lambda x: ref_softmax(x, axis=-1)).passed
    assert run_and_judge("log_softmax", lambda x: ref_log_softmax(x, axis=-1)).passed


def _expected(name: str, case: dict) -> np.ndarray:
    x = logits_input(case).astype(np.float64)
    if name == "softmax":
        return ref_softmax(x, axis=-1)
    if name == "log_softmax":
        return ref_log_softmax(x, axis=-1)
    if name == "cross_entropy":
        labels = _labels(case, x)
        per_row = -ref_log_softmax(x, axis=-1)[np.arange(len(labels)), labels]
        return np.array([per_row.mean(), per_row.sum()])
    return ref_softmax_grad(x, _dout(case, x), axis=-1)


def _fails(name: str, impl, symptom: str, zh: str = "", **case) -> str:
    verdict = run_and_judge(name, impl, **case)
    assert not verdict.passed, f"{name}: a wrong answer passed"
    assert symptom in verdict.message, verdict.message
    if zh:
        assert zh in verdict.text("zh"), verdict.text("zh")
    expected = _expected(name, case)
    assert verdict_leaks(verdict, expected[np.isfinite(expected)]) == [], verdict.message
    return verdict.message


# --- the classic wrong answers, each named --------------------------------------------------------


def global_max_softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum(axis=-1, keepdims=True)


def global_max_log_softmax(x):
    z = x - x.max()
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def test_subtracting_the_global_maximum_is_named() -> None:
    for name, impl in (("softmax", global_max_softmax), ("log_softmax", global_max_log_softmax)):
        _fails(
            name,
            impl,
            f"{name} subtracts the maximum of the whole array, not each row's own maximum",
            "减去的是整个数组的最大值，而不是每一行自己的最大值",
        )
    # float32 rows 400 apart underflow too
    _fails(
        "softmax",
        global_max_softmax,
        "subtracts the maximum of the whole array",
        **ROWWISE_CASES[1],
    )


def test_the_global_maximum_passes_where_it_does_no_harm() -> None:
    # one row: its maximum is the global one; the check does not guess at the code
    assert run_and_judge("softmax", global_max_softmax, x=[[1.0, 2.0, 3.0]]).passed


def test_log_of_softmax_is_named() -> None:
    message = _fails(
        "log_softmax",
        lambda x: np.log(softmax(x)),
        "log_softmax takes the log of softmax's probabilities: a probability that underflows to "
        "0 becomes log(0) = -inf where the true log-probability is finite (row 2)",
        "对softmax算出的概率取了对数",
    )
    assert "log-sum-exp" in message


def test_cross_entropy_through_probabilities_is_named() -> None:
    def through_probabilities(logits, labels):
        p = softmax(logits)
        return -np.log(p[np.arange(len(labels)), labels]).mean()

    _fails(
        "cross_entropy",
        through_probabilities,
        "cross_entropy is inf where the true loss is finite: it takes the log of a probability "
        "that underflowed to 0",
        "它对下溢成0的概率取了对数",
    )


def test_the_jacobian_diagonal_is_named() -> None:
    def diagonal(x, dout):
        s = softmax(x)
        return dout * s * (1 - s)

    _fails(
        "softmax_backward",
        diagonal,
        "softmax_backward uses only the Jacobian's diagonal, s(1 - s)",
        "只用了雅可比矩阵的对角线",
    )
    _fails("softmax_backward", diagonal, "uses only the Jacobian's diagonal", **BACKWARD_CASES[2])


# --- other wrong answers, by their symptom --------------------------------------------------------


def test_a_softmax_without_a_shift_overflows() -> None:
    def naive(x):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)

    _fails("softmax", naive, "softmax raised FloatingPointError: overflow encountered in exp")


def test_wrong_softmaxes_are_named() -> None:
    def first_axis(x):
        z = x - x.max(axis=0, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=0, keepdims=True)

    _fails("softmax", first_axis, "softmax normalises along the first axis (over the batch)",
           seed=5, shape=[4, 6])  # fmt: skip
    _fails("softmax", lambda x: softmax(x).astype(np.float64), "returned float64 for a float32",
           **ROWWISE_CASES[1])  # fmt: skip
    _fails("softmax", lambda x: softmax(x)[..., :-1], "returned shape (6, 3)")
    _fails("softmax", lambda x: 2 * softmax(x), "do not sum to 1 along a row (for example row 0)")

    def in_place(x):
        x -= x.max(axis=-1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=-1, keepdims=True)
        return x

    _fails("softmax", in_place, "softmax modified its input array in place")

    def sloppy_tails(x):
        # exact for the largest entries, a relative error of 1e-6 for the tiny ones
        s = softmax(x)
        return np.where(s < 1e-3, s * (1 + 1e-6), s)

    _fails("softmax", sloppy_tails, "inaccurate where the true probability is tiny", seed=6,
           shape=[3, 8], scale=5.0)  # fmt: skip


def test_wrong_cross_entropies_are_named() -> None:
    def summed(logits, labels):
        return -log_softmax(logits)[np.arange(len(labels)), labels].sum()

    def positive(logits, labels):
        return -cross_entropy(logits, labels)

    def all_classes(logits, labels):
        return -log_softmax(logits).mean()

    def per_row(logits, labels):
        return -log_softmax(logits)[np.arange(len(labels)), labels]

    _fails("cross_entropy", summed, "cross_entropy sums the losses over the batch", "取的是它们的平均值")
    _fails("cross_entropy", positive, "cross_entropy has the wrong sign")
    _fails("cross_entropy", all_classes, "averages the log-probabilities of every class")
    _fails("cross_entropy", per_row, "returned an array of shape (6,); return one number")
    _fails("cross_entropy", lambda logits, labels: 1.5, "cross_entropy is wrong")


def test_wrong_backward_passes_are_named() -> None:
    def ignores_dout(x, dout):
        s = softmax(x)
        return s * (1 - s)

    def batch_axis(x, dout):
        s = softmax(x)
        return s * (dout - (dout * s).sum(axis=0, keepdims=True))

    def no_keepdims(x, dout):
        s = softmax(x)
        return s * (dout - (dout * s).sum(axis=-1))

    _fails("softmax_backward", ignores_dout, "softmax_backward ignores dout")
    _fails("softmax_backward", batch_axis, "softmax_backward sums over the batch axis")
    _fails("softmax_backward", no_keepdims, "along the wrong axis: keep the summed axis",
           **BACKWARD_CASES[4])  # fmt: skip
    _fails(
        "softmax_backward",
        lambda x, dout: 0.5 * softmax_backward(x, dout),
        "softmax_backward's dx looks off by a constant factor",
    )
    _fails(
        "softmax_backward",
        lambda x, dout: softmax_backward(x, dout) + 1e-3 * softmax(x),
        "does not match the vector-Jacobian product of softmax: relative error",
    )


def test_the_default_logits_show_every_classic_mistake() -> None:
    x = logits_input({})
    assert x.shape == (6, 4) and len(DEFAULT_LABELS) == 6
    with np.errstate(all="ignore"):
        assert np.isnan(global_max_softmax(x)).any()  # the row near -1000
        assert np.isneginf(np.log(softmax(x))).any()  # the logit 800 below its row
        assert np.isinf(np.exp(x)).any()  # no shift overflows
