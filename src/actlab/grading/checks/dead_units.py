"""Checks of exercise ``06_dead_units``: measure the dead-unit fraction of a ReLU network, then
build a network that does not die when trained with a high learning rate.

Two helpers are public because the exercise notebook uses them too, so that the learner sees exactly
what the probe does:

* :func:`train_on_digits` trains a classifier on the digits set (Adam, mini-batches, seeded) and
  returns its test accuracy;
* :func:`no_gradient_fraction` is the fraction of hidden units that receive no gradient on any input,
  a measure of dead units that works for every activation (a dead ReLU unit receives none).

``dead_fraction`` (the student's) counts units whose ReLU output is 0 on every input. The probe's
network has dead units made by large negative biases, and live units whose outgoing weights are 0
(alive, but receiving no gradient), so that the two measures differ.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import Check, get_output, one_torch_thread, student_callable
from actlab.grading.spec import ProbeError, Verdict

__all__ = [
    "DEAD_FRACTION",
    "DEAD_UNITS_FIX",
    "FIX_LR",
    "MAX_DEAD",
    "MIN_ACCURACY",
    "no_gradient_fraction",
    "reset_weights",
    "train_on_digits",
]

FIX_LR = 0.03
"""The learning rate of the fix check: ReLU networks lose a fifth to a quarter of their units at it."""
MAX_DEAD = 0.05
"""A fixed network may have at most this fraction of hidden units without gradient after training."""
MIN_ACCURACY = 0.75
"""... and must reach at least this test accuracy."""


def reset_weights(model: Any, seed: int = 0) -> Any:
    """Redraw the weights of ``model`` from numpy with torch's default distributions; return it.

    Every ``nn.Linear`` gets weights and biases from :math:`U[\\pm 1/\\sqrt{n_{in}}]`, as torch
    draws them, but from ``numpy.random.default_rng(seed)``: torch's own initialisers round
    differently on CPUs with and without vector instructions, and training amplifies the last bit.

    Args:
        model: a torch module, changed in place.
        seed: seed of the weights. Default: 0.
    """
    from actlab.experiments._fitting import numpy_reset

    return numpy_reset(model, seed)


def train_on_digits(
    model: Any, *, lr: float = FIX_LR, epochs: int = 5, batch_size: int = 64, seed: int = 0
) -> float:
    """Train ``model`` on the digits training split and return its test accuracy.

    Adam with learning rate ``lr``, cross-entropy, mini-batches in an order drawn from ``seed``;
    the features are standardised (``actlab.data.digits``). The model is trained in place.

    Args:
        model: a torch module mapping ``(N, 64)`` features to ``(N, 10)`` logits; the features
            are given in the dtype of its parameters (float32, or float64 after ``.double()``).
        lr: Adam's learning rate. Default: ``FIX_LR`` (0.03).
        epochs: passes over the training split. Default: 5.
        batch_size: samples per step. Default: 64.
        seed: seed of the batch order. Default: 0.

    Returns:
        The accuracy on the test split, a float in [0, 1].
    """
    import torch

    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"train_on_digits: {name} must be a positive int, got {value!r}")
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"train_on_digits: model must be a torch.nn.Module, got {type(model).__name__}"
        )
    with one_torch_thread():
        return _train(model, lr, epochs, batch_size, seed)


def _train(model: Any, lr: float, epochs: int, batch_size: int, seed: int) -> float:
    import torch

    from actlab.data import digits

    train, test = digits("train"), digits("test")
    # the features take the model's float dtype: a float64 model trains in float64
    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.float32)
    X, y = torch.tensor(train.X, dtype=dtype), torch.tensor(train.y)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator)
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X[batch]), y[batch])
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        predicted = model(torch.tensor(test.X, dtype=dtype)).argmax(dim=1).numpy()
    return float(np.mean(predicted == test.y))


def _hidden_linears(model: Any) -> list[Any]:
    import torch

    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    return linears[:-1]


def _unit_gradients(model: Any, X: Any) -> list[np.ndarray]:
    """Per hidden layer, the largest |gradient| each unit's pre-activation receives over ``X``."""
    import torch

    linears = _hidden_linears(model)
    outputs: list[Any] = []
    hooks = [lin.register_forward_hook(lambda _m, _i, o: outputs.append(o)) for lin in linears]
    # inputs that require grad, so that every hidden output does, even behind frozen layers
    X = X.detach().clone().requires_grad_(True)
    try:
        out = model(X)
    finally:
        for hook in hooks:
            hook.remove()
    # a fixed random projection of the outputs, so that no gradient cancels by symmetry
    weights = torch.randn(out.shape, generator=torch.Generator().manual_seed(1234))
    grads = torch.autograd.grad((out * weights).sum(), outputs, allow_unused=True)
    return [
        np.zeros(o.shape[-1]) if g is None else g.detach().abs().double().amax(dim=0).numpy()
        for o, g in zip(outputs, grads, strict=True)
    ]


def no_gradient_fraction(model: Any, X: Any) -> float:
    """The fraction of hidden units that receive no gradient on any row of ``X``.

    The hidden units are the outputs of every ``nn.Linear`` of ``model`` but the last. A unit whose
    pre-activation gets an exactly zero gradient for every input cannot learn any more: for ReLU,
    that is a dead unit. The measure works for any activation.

    Args:
        model: a torch module containing ``nn.Linear`` layers.
        X: a float32 tensor of inputs, shape ``(N, features)``.
    """
    per_layer = _unit_gradients(model, X)
    if not per_layer:
        raise ValueError("no_gradient_fraction: the model has no hidden nn.Linear layer")
    return float(np.mean(np.concatenate(per_layer) == 0))


# --- dead_fraction ----------------------------------------------------------------------------

_DEAD_CASE_KEYS = frozenset({"seed", "sizes", "dead", "orphans", "n"})


def _dead_case(case: Mapping[str, Any]) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The network ``[(W, b), ...]`` (torch layout) and inputs the case describes.

    ``sizes`` are the layer widths, input first; ``dead`` gives, per hidden layer, how many units get
    a bias of -100 (dead on any reasonable input); ``orphans`` gives, per hidden layer, how many live
    units have all-zero outgoing weights.
    """
    rng = np.random.default_rng(int(case.get("seed", 0)))
    sizes = [int(v) for v in case.get("sizes", (8, 24, 16, 3))]
    hidden = len(sizes) - 2
    dead = [int(v) for v in case.get("dead", [4, 2][:hidden] + [0] * max(0, hidden - 2))]
    orphans = [int(v) for v in case.get("orphans", [2] + [0] * (hidden - 1))]
    if len(dead) != hidden or len(orphans) != hidden:
        raise ValueError(f"dead_fraction check: dead and orphans need {hidden} entries each")
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        W = rng.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in)
        b = rng.uniform(0.0, 0.5, size=fan_out)
        layers.append((W, b))
    for i in range(hidden):
        units = rng.permutation(sizes[i + 1])
        layers[i][1][units[: dead[i]]] = -100.0
        # the next layer ignores these live units, so they receive no gradient
        layers[i + 1][0][:, units[dead[i] : dead[i] + orphans[i]]] = 0.0
    X = rng.standard_normal((int(case.get("n", 200)), sizes[0]))
    return [(W.astype(np.float32), b.astype(np.float32)) for W, b in layers], X.astype(np.float32)


def _build_torch(layers: list[tuple[np.ndarray, np.ndarray]]) -> Any:
    import torch

    modules: list[Any] = []
    for i, (W, b) in enumerate(layers):
        linear = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if i < len(layers) - 1:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def _probe_dead(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    import torch

    fn = student_callable(objects[0], "dead_fraction")
    layers, X = _dead_case(case)
    model = _build_torch(layers)
    return {"fraction": fn(model, torch.from_numpy(X))}


def _judge_dead(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    from actlab.grading.checks._references import dead_unit_stats

    layers, X = _dead_case(case)
    got = get_output(outputs, "fraction")
    if got.size != 1:
        return Verdict.fail("check.dead.not_scalar", shape=got.shape)
    if got.dtype.kind not in "iuf":
        return Verdict.fail("check.dead.not_number", dtype=str(got.dtype))
    value = float(got.reshape(()))
    stats = dead_unit_stats(layers, X)
    if np.isclose(value, stats["fraction"], rtol=1e-6, atol=1e-9):
        return Verdict.ok()
    if not 0 <= value <= 1:
        if stats["count"] and value == stats["count"]:
            return Verdict.fail("check.dead.count")
        if np.isclose(value, 100 * stats["fraction"]):
            return Verdict.fail("check.dead.percentage")
        return Verdict.fail("check.dead.range")
    symptoms = [("zero_activations", "check.dead.zero_activations"), ("ever_zero", "check.dead.ever_zero")]
    for key, message in symptoms:
        if not np.isclose(stats[key], stats["fraction"]) and np.isclose(value, stats[key]):
            return Verdict.fail(message)
    per_layer = stats["per_layer"]
    if len(per_layer) > 1 and any(
        np.isclose(value, f) and not np.isclose(f, stats["fraction"]) for f in per_layer
    ):
        return Verdict.fail("check.dead.one_layer")
    from actlab.grading.checks.dead_units import no_gradient_fraction as measure

    model = _build_torch(layers)
    import torch

    if np.isclose(value, measure(model, torch.from_numpy(X))):
        return Verdict.fail("check.dead.no_gradient")
    return Verdict.fail("check.dead.wrong")


DEAD_FRACTION = Check(
    "dead_fraction", _probe_dead, _judge_dead, ("dead_fraction",), _DEAD_CASE_KEYS
)


# --- the fix ----------------------------------------------------------------------------------

_FIX_CASE_KEYS = frozenset({"seed", "lr", "epochs", "num_hiddens"})


def _fix_case(case: Mapping[str, Any]) -> tuple[int, float, int, int]:
    return (
        int(case.get("seed", 0)),
        float(case.get("lr", FIX_LR)),
        int(case.get("epochs", 5)),
        int(case.get("num_hiddens", 128)),
    )


def _probe_fix(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    import torch

    from actlab.data import digits

    fn = student_callable(objects[0], "make_model")
    seed, lr, epochs, width = _fix_case(case)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = fn(64, width, 10)
        if not isinstance(model, torch.nn.Module):
            raise ProbeError("check.fix.not_module", type=type(model).__name__)
        shapes = [
            (m.in_features, m.out_features)
            for m in model.modules()
            if isinstance(m, torch.nn.Linear)
        ]
        try:
            accuracy = train_on_digits(model, lr=lr, epochs=epochs, seed=seed)
        except RuntimeError as exc:
            if "cannot be multiplied" not in str(exc):
                raise
            raise ProbeError("check.mistake.linear_sizes", error=str(exc)) from exc
    X = torch.tensor(digits("train").X)
    with one_torch_thread():
        per_layer = _unit_gradients(model, X) if len(shapes) > 1 else []
    return {
        "linear_shapes": np.asarray(shapes, dtype=np.int64).reshape(-1, 2),
        "max_unit_grad": np.concatenate(per_layer) if per_layer else np.zeros(0),
        "accuracy": accuracy,
    }


def _judge_fix(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    _seed, _lr, _epochs, width = _fix_case(case)
    shapes = [tuple(int(v) for v in row) for row in get_output(outputs, "linear_shapes")]
    wanted = [(64, width), (width, width), (width, width), (width, 10)]
    if shapes != wanted:
        return Verdict.fail(
            "check.fix.layers", width=width, found=len(shapes), shapes=str(shapes)
        )
    grads = get_output(outputs, "max_unit_grad")
    accuracy = float(get_output(outputs, "accuracy"))
    if grads.size != 3 * width or not np.all(np.isfinite(grads)):
        return Verdict.fail("check.fix.gradients")
    if not np.isfinite(accuracy):
        return Verdict.fail("check.fix.accuracy_nan")
    dead = float(np.mean(grads == 0))
    if dead > MAX_DEAD:
        return Verdict.fail(
            "check.fix.still_dying", lr=f"{_lr:g}", dead=f"{dead:.0%}", allowed=f"{MAX_DEAD:.0%}"
        )
    if accuracy < MIN_ACCURACY:
        return Verdict.fail(
            "check.fix.accuracy", accuracy=f"{accuracy:.2f}", required=f"{MIN_ACCURACY:g}"
        )
    return Verdict.ok("check.fix.passed")


DEAD_UNITS_FIX = Check("dead_units_fix", _probe_fix, _judge_fix, ("make_model",), _FIX_CASE_KEYS)
