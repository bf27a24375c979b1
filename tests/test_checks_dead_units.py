"""Checks of exercise 06_dead_units: wrong dead-unit counters and networks that still die (or do not
learn) fail with the right symptom, the solution passes, and no message reveals the expected
fraction."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from actlab.grading.checks import _references as ref
from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.dead_units import (
    _build_torch,
    _dead_case,
    no_gradient_fraction,
    train_on_digits,
)


def _relu_outputs(model, X):
    h, outs = X, []
    with torch.no_grad():
        for layer in model:
            h = layer(h)
            if isinstance(layer, nn.ReLU):
                outs.append(h)
    return outs


def dead_fraction(model, X):
    outs = _relu_outputs(model, X)
    dead = sum(int((h == 0).all(dim=0).sum()) for h in outs)
    return dead / sum(h.shape[1] for h in outs)


def mlp(activation, width=128, depth=3):
    layers, size = [], 64
    for _ in range(depth):
        layers += [nn.Linear(size, width), activation()]
        size = width
    return nn.Sequential(*layers, nn.Linear(size, 10))


def make_model(num_inputs, num_hiddens, num_outputs):
    return mlp(lambda: nn.LeakyReLU(0.1), num_hiddens)


HIDDEN_DEAD = [
    {},
    {"seed": 1, "sizes": [5, 40, 30, 20, 2], "dead": [10, 0, 5], "orphans": [0, 3, 0]},
    {"seed": 2, "sizes": [4, 10, 3], "dead": [10], "orphans": [0]},
    {"seed": 3, "sizes": [6, 12, 12, 2], "dead": [0, 0], "orphans": [0, 0], "n": 50},
]


@pytest.mark.parametrize("case", HIDDEN_DEAD)
def test_dead_fraction_solution_passes(case: dict) -> None:
    assert run_and_judge("dead_fraction", dead_fraction, **case).passed
    # a 0-d tensor is a number too
    as_tensor = run_and_judge(
        "dead_fraction", lambda m, X: torch.tensor(dead_fraction(m, X)), **case
    )
    assert as_tensor.passed


def test_the_probe_network_separates_the_two_measures() -> None:
    layers, X = _dead_case({})
    stats = ref.dead_unit_stats(layers, X)
    assert stats["count"] == 6 and stats["units"] == 40  # the -100 biases, nothing else
    assert no_gradient_fraction(_build_torch(layers), torch.from_numpy(X)) == pytest.approx(8 / 40)


def _zero_activations(model, X):
    outs = _relu_outputs(model, X)
    return float(sum(int((h == 0).sum()) for h in outs) / sum(h.numel() for h in outs))


def _ever_zero(model, X):
    outs = _relu_outputs(model, X)
    return sum(int((h == 0).any(dim=0).sum()) for h in outs) / sum(h.shape[1] for h in outs)


def _first_layer(model, X):
    h = _relu_outputs(model, X)[0]
    return float((h == 0).all(dim=0).float().mean())


def _count(model, X):
    return sum(int((h == 0).all(dim=0).sum()) for h in _relu_outputs(model, X))


@pytest.mark.parametrize(
    ("wrong", "symptom"),
    [
        (_zero_activations, "counts zero activations; a unit is dead only when it is 0 for every"),
        (_ever_zero, "counts units that are 0 on some input, not on every input"),
        (_first_layer, "looks at one hidden layer only"),
        (_count, "returned the number of dead units, not their fraction"),
        (lambda m, X: 100 * dead_fraction(m, X), "returned a percentage"),
        (no_gradient_fraction, "counts units without gradient"),
        (lambda m, X: [0.1, 0.2], "returned an array of shape (2,)"),
        (lambda m, X: 0.5, "returned the wrong fraction"),
    ],
)
def test_wrong_dead_fraction_is_named(wrong, symptom: str) -> None:
    verdict = run_and_judge("dead_fraction", wrong)
    assert not verdict.passed
    assert symptom in verdict.message, verdict.message
    layers, X = _dead_case({})
    assert verdict_leaks(verdict, [ref.dead_unit_stats(layers, X)["fraction"]]) == []


def test_the_fix_passes_and_plain_relu_dies() -> None:
    assert run_and_judge("dead_units_fix", make_model).passed
    verdict = run_and_judge("dead_units_fix", lambda i, h, o: mlp(nn.ReLU, h))
    assert not verdict.passed
    assert "receive no gradient on any training input" in verdict.message
    assert "the units still die" in verdict.message


def _frozen_blind(num_inputs, num_hiddens, num_outputs):
    model = mlp(nn.Tanh, num_hiddens)
    first = model[0]
    with torch.no_grad():
        first.weight.zero_()
    first.weight.requires_grad_(False)
    return model


@pytest.mark.parametrize(
    ("wrong", "symptom"),
    [
        (lambda i, h, o: mlp(nn.Tanh, h, depth=2), "should contain exactly four nn.Linear layers"),
        (lambda i, h, o: mlp(nn.Tanh, 64), "found 4 with shapes [(64, 64)"),
        (_frozen_blind, "the units stay alive, but the test accuracy after training is"),
        (lambda i, h, o: "relu", "make_model should return a torch.nn.Module, got str"),
        (
            # nn.Linear(in, out) with the sizes swapped: the layers do not chain
            lambda i, h, o: nn.Sequential(
                nn.Linear(i, h), nn.Tanh(), nn.Linear(h, h), nn.Tanh(), nn.Linear(h, h),
                nn.Tanh(), nn.Linear(o, h),
            ),
            "make_model's layers do not chain (mat1 and mat2 shapes cannot be multiplied",
        ),
    ],
)
def test_wrong_fixes_are_named(wrong, symptom: str) -> None:
    verdict = run_and_judge("dead_units_fix", wrong)
    assert not verdict.passed
    assert symptom in verdict.message, verdict.message


def test_train_on_digits_is_seeded_and_validates() -> None:
    torch.manual_seed(0)
    a = mlp(nn.Tanh, 16, depth=1)
    torch.manual_seed(0)
    b = mlp(nn.Tanh, 16, depth=1)
    assert train_on_digits(a, epochs=1, seed=3) == train_on_digits(b, epochs=1, seed=3)
    with pytest.raises(ValueError, match="train_on_digits: epochs must be a positive int"):
        train_on_digits(a, epochs=0)
    with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module"):
        train_on_digits("net")


def test_reset_weights_is_seeded_and_trains_in_float64():
    from actlab.grading.checks.dead_units import reset_weights

    def net() -> nn.Sequential:
        return nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))

    a, b = reset_weights(net(), seed=4), reset_weights(net(), seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a[0].weight, reset_weights(net(), seed=5)[0].weight)
    model = a.double()
    accuracy = train_on_digits(model, lr=0.01, epochs=1)
    assert 0.5 < accuracy <= 1.0
    assert all(p.dtype == torch.float64 for p in model.parameters())
