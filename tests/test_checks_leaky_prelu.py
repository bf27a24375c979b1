"""Checks of exercise 04_leaky_prelu: wrong LeakyReLU/PReLU answers (numpy and torch) fail with the
right symptom, the solution passes, and no message reveals an expected value."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from actlab.grading.checks._common import run_and_judge, verdict_leaks
from actlab.grading.checks.leaky_prelu import _prelu_case


def leaky_relu_forward(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x), (x, negative_slope)


def leaky_relu_backward(dout, cache):
    x, s = cache
    return np.where(x > 0, dout, s * dout)


def prelu_forward(x, alpha):
    return np.where(x > 0, x, alpha * x), (x, alpha)


def prelu_backward(dout, cache):
    x, alpha = cache
    dx = np.where(x > 0, dout, alpha * dout)
    dalpha = np.where(x > 0, 0.0, x * dout).sum(axis=0)
    if alpha.size == 1:
        dalpha = dalpha.sum().reshape(alpha.shape)
    return dx, dalpha


class PReLU(nn.Module):
    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        self.num_parameters = num_parameters
        self.weight = nn.Parameter(torch.full((num_parameters,), float(init)))

    def alpha(self, x):
        if self.num_parameters > 1:
            return self.weight.reshape((1, -1) + (1,) * (x.dim() - 2))
        return self.weight

    def forward(self, x):
        return torch.where(x > 0, x, self.alpha(x) * x)


@pytest.mark.parametrize(
    "case", [{}, {"negative_slope": 0.2, "seed": 1}, {"zeros": 3, "negative_slope": 0.3}]
)
def test_leaky_solution_passes(case: dict) -> None:
    assert run_and_judge(
        "leaky_relu_backward", leaky_relu_forward, leaky_relu_backward, **case
    ).passed
    fwd_case = {k: v for k, v in case.items() if k != "zeros"}
    assert run_and_judge("leaky_relu_forward", leaky_relu_forward, **fwd_case).passed


@pytest.mark.parametrize(
    "case", [{}, {"seed": 2, "shape": [7, 4]}, {"num_parameters": 1, "seed": 3}, {"zeros": 2}]
)
def test_prelu_numpy_solution_passes(case: dict) -> None:
    assert run_and_judge("prelu_forward", prelu_forward, **case).passed
    verdict = run_and_judge("prelu_backward", prelu_forward, prelu_backward, **case)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize(
    "case", [{}, {"num_parameters": 5, "init": 0.05, "seed": 1, "shape": [4, 5, 3]}]
)
def test_prelu_module_solution_passes(case: dict) -> None:
    verdict = run_and_judge("prelu_module", PReLU, **case)
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("case", [{}, {"target": 0.0, "seed": 1}])
def test_prelu_module_trains(case: dict) -> None:
    assert run_and_judge("prelu_trains", PReLU, **case).passed


def _fails(name: str, objects: tuple, symptom: str, expected=(), **case) -> str:
    verdict = run_and_judge(name, *objects, **case)
    assert not verdict.passed, f"{name}: a wrong answer passed"
    assert symptom in verdict.message, verdict.message
    assert verdict_leaks(verdict, np.ravel(expected)) == [], verdict.message
    return verdict.message


def test_wrong_leaky_relu_is_named() -> None:
    grid = np.linspace(-3, 3, 25)
    expected = np.where(grid > 0, grid, 0.01 * grid)
    _fails(
        "leaky_relu_forward",
        (lambda x, negative_slope=0.01: (np.where(x > 0, negative_slope * x, x), x),),
        "is wrong at 24 of 25 inputs",
        expected,
    )
    _fails(
        "leaky_relu_forward",
        (lambda x, negative_slope=0.01: (np.where(x > 0, x, 0.01 * x), x),),
        "is wrong for x < 0",
        np.where(grid > 0, grid, 0.2 * grid),
        negative_slope=0.2,
    )

    def relu_backward(dout, cache):
        return np.where(cache[0] > 0, dout, 0.0)

    _fails(
        "leaky_relu_backward",
        (leaky_relu_forward, relu_backward),
        "does not match central finite differences for x < 0",
    )

    def one_at_zero(dout, cache):
        x, s = cache
        return np.where(x >= 0, dout, s * dout)

    _fails(
        "leaky_relu_backward",
        (leaky_relu_forward, one_at_zero),
        "uses slope 1 at x = 0, as for x > 0; by torch's convention, which the question states, "
        "the derivative at 0 is the negative side's slope (negative_slope)",
        zeros=3,
    )

    def half_at_zero(dout, cache):
        x, s = cache
        return np.where(x > 0, dout, np.where(x == 0, 0.5 * dout, s * dout))

    _fails("leaky_relu_backward", (leaky_relu_forward, half_at_zero), "is wrong at x = 0", zeros=3)


def test_prelu_backward_with_slope_one_at_zero_is_named() -> None:
    def one_at_zero(dout, cache):
        dx, dalpha = prelu_backward(dout, cache)
        x = cache[0]
        return np.where(x == 0, dout, dx), dalpha

    _fails(
        "prelu_backward",
        (prelu_forward, one_at_zero),
        "prelu_backward uses slope 1 at x = 0, as for x > 0",
        zeros=2,
    )


def test_wrong_prelu_numpy_is_named() -> None:
    x, alpha, _dout = _prelu_case({})
    expected = np.concatenate([np.where(x > 0, x, alpha * x).ravel(), alpha])

    def batch_axis(x, alpha):
        return np.where(x > 0, x, alpha[:, None] * x), (x, alpha)

    _fails("prelu_forward", (batch_axis,), "applies alpha along the batch axis", shape=[3, 3])

    def unsummed(dout, cache):
        x, alpha = cache
        return np.where(x > 0, dout, alpha * dout), np.where(x > 0, 0.0, x * dout)

    _fails(
        "prelu_backward",
        (prelu_forward, unsummed),
        "dalpha has shape (6, 3); it should have alpha's shape (3,) (sum over the batch axis)",
        expected,
    )

    def all_inputs(dout, cache):
        x, alpha = cache
        return np.where(x > 0, dout, alpha * dout), (x * dout).sum(axis=0)

    _fails(
        "prelu_backward",
        (prelu_forward, all_inputs),
        "dalpha does not match central finite differences",
        expected,
    )

    def dx_ignores_alpha(dout, cache):
        x, _alpha = cache
        return np.where(x > 0, dout, 0.0), prelu_backward(dout, cache)[1]

    _fails(
        "prelu_backward",
        (prelu_forward, dx_ignores_alpha),
        "dx does not match central finite differences for x < 0",
        expected,
    )


class PlainTensor(PReLU):
    def __init__(self, num_parameters=1, init=0.25):
        nn.Module.__init__(self)
        self.num_parameters = num_parameters
        self.weight = torch.full((num_parameters,), float(init))


class IgnoresInit(PReLU):
    def __init__(self, num_parameters=1, init=0.25):
        super().__init__(num_parameters, 0.25)


class OneSlope(PReLU):
    def __init__(self, num_parameters=1, init=0.25):
        super().__init__(1, init)


class Detached(PReLU):
    def forward(self, x):
        return torch.where(x > 0, x, self.alpha(x).detach() * x)


class WithBias(PReLU):
    def __init__(self, num_parameters=1, init=0.25):
        super().__init__(num_parameters, init)
        self.bias = nn.Parameter(torch.zeros(1))


class WrongSign(PReLU):
    def forward(self, x):
        return torch.where(x > 0, x, -self.alpha(x) * x)


class Doubles(PReLU):
    def forward(self, x):
        return super().forward(x).double()


@pytest.mark.parametrize(
    ("cls", "symptom"),
    [
        (PlainTensor, "registers no learnable parameters: alpha is stored as a plain tensor"),
        (IgnoresInit, "alpha does not start at the value of init"),
        (OneSlope, "has 1 learnable slope(s); num_parameters sets how many"),
        (Detached, "no gradient reached alpha after backward()"),
        (WithBias, "registers 2 parameters; PReLU has exactly one"),
        (WrongSign, "has the wrong sign for x < 0"),
        (Doubles, "changed the dtype of a float32 input"),
        (np.tanh, "should be a subclass of torch.nn.Module"),
    ],
)
def test_wrong_prelu_modules_are_named(cls, symptom: str) -> None:
    _fails("prelu_module", (cls,), symptom)


@pytest.mark.parametrize(
    ("cls", "symptom"),
    [
        (PlainTensor, "PReLU() has no parameters for an optimiser to train"),
        (Detached, "training cannot move alpha: no gradient reaches the nn.Parameter"),
        (WrongSign, "alpha moved the wrong way, or too little"),
    ],
)
def test_prelu_that_cannot_learn_fails_training(cls, symptom: str) -> None:
    _fails("prelu_trains", (cls,), symptom, [0.75])


# --- question 4: the training loop -------------------------------------------------------------


def fit_slope(module, x, y, steps=40, lr=0.2):
    optimiser = torch.optim.SGD(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.mean((module(x) - y) ** 2)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


def no_zero_grad(module, x, y, steps=40, lr=0.2):
    optimiser = torch.optim.SGD(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = torch.mean((module(x) - y) ** 2)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    return losses


def zero_grad_before_step(module, x, y, steps=40, lr=0.2):
    optimiser = torch.optim.SGD(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = torch.mean((module(x) - y) ** 2)
        loss.backward()
        optimiser.zero_grad()
        optimiser.step()
        losses.append(loss.item())
    return losses


def loss_after_step(module, x, y, steps=40, lr=0.2):
    optimiser = torch.optim.SGD(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        torch.mean((module(x) - y) ** 2).backward()
        optimiser.step()
        losses.append(torch.mean((module(x) - y) ** 2).item())
    return losses


@pytest.mark.parametrize("case", [{}, {"target": 0.0, "seed": 1}, {"target": 1.5, "seed": 2, "steps": 60}])
def test_fit_slope_solution_passes(case: dict) -> None:
    verdict = run_and_judge("fit_slope", fit_slope, **case)
    assert verdict.passed, verdict.message


def test_gradients_not_reset_between_steps_are_named() -> None:
    message = _fails(
        "fit_slope",
        (no_zero_grad,),
        "fit_slope's steps are those of SGD whose gradients are never reset: backward() adds to "
        ".grad, so call the optimiser's zero_grad() before each backward()",
        [0.75],
    )
    assert "zero_grad" in message


@pytest.mark.parametrize(
    ("fn", "symptom"),
    [
        (zero_grad_before_step, "the slope did not move"),
        (loss_after_step, "fit_slope's training does not follow plain SGD"),
        (lambda m, x, y, steps=40, lr=0.2: fit_slope(m, x, y, steps - 1, lr), "returned 39 losses for steps=40"),
        (lambda m, x, y, steps=40, lr=0.2: torch.tensor(fit_slope(m, x, y, steps, lr)), "should return a list of the losses"),
    ],
)
def test_wrong_training_loops_are_named(fn, symptom: str) -> None:
    _fails("fit_slope", (fn,), symptom, [0.75])
