"""Checks of exercise ``04_leaky_prelu``: LeakyReLU and PReLU in numpy (forward and backward), and a
torch ``nn.Module`` PReLU whose slope is learnt.

Conventions are torch's: at x = 0 LeakyReLU's derivative is ``negative_slope`` and PReLU's is
``alpha``; PReLU's slopes act on axis 1 (the channel or feature axis) and ``dalpha`` has the
shape of ``alpha``. The module checks compare with ``torch.nn.functional.prelu`` and train the
student's module on a task where the slope has to move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from actlab.grading.checks._common import (
    ELEMENTWISE_CASE_KEYS,
    Check,
    compare_array,
    compare_elementwise,
    elementwise_input,
    get_output,
    numerical_vjp,
    one_torch_thread,
    student_callable,
    unpack,
)
from actlab.grading.checks.relu_backprop import (
    BACKWARD_CASE_KEYS,
    FINITE_DIFFERENCES,
    GRAD_TOL,
    backward_input,
    judge_elementwise_backward,
)
from actlab.grading.spec import Message, ProbeError, Verdict

__all__ = [
    "FIT_SLOPE",
    "LEAKY_RELU_BACKWARD",
    "LEAKY_RELU_FORWARD",
    "PRELU_BACKWARD",
    "PRELU_FORWARD",
    "PRELU_MODULE",
    "PRELU_TRAINS",
]

_GRID = tuple(np.linspace(-3.0, 3.0, 25).tolist())


def _leaky(x: np.ndarray, negative_slope: float) -> np.ndarray:
    from actlab.grading.checks._references import leaky_relu

    return leaky_relu(x, negative_slope)


def _slope_args(case: Mapping[str, Any]) -> dict[str, float]:
    return {"negative_slope": float(case["negative_slope"])} if "negative_slope" in case else {}


def _probe_leaky_forward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "leaky_relu_forward")
    x = elementwise_input({k: v for k, v in case.items() if k != "negative_slope"}, _GRID)
    out, _cache = unpack(fn(x.copy(), **_slope_args(case)), 2, "leaky_relu_forward", "(out, cache)")
    return {"out": out}


def _judge_leaky_forward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x = elementwise_input({k: v for k, v in case.items() if k != "negative_slope"}, _GRID)
    slope = float(case.get("negative_slope", 0.01))
    return compare_elementwise(
        Message("check.what.part", {"fn": "leaky_relu_forward", "part": "out"}),
        x,
        get_output(outputs, "out"),
        _leaky(x, slope),
    )


LEAKY_RELU_FORWARD = Check(
    "leaky_relu_forward",
    _probe_leaky_forward,
    _judge_leaky_forward,
    ("leaky_relu_forward",),
    ELEMENTWISE_CASE_KEYS | {"negative_slope"},
)


def _probe_leaky_backward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fwd = student_callable(objects[0], "leaky_relu_forward")
    bwd = student_callable(objects[1], "leaky_relu_backward")
    x, dout = backward_input(case)
    _out, cache = unpack(
        fwd(x.copy(), **_slope_args(case)), 2, "leaky_relu_forward", "(out, cache)"
    )
    return {"dx": bwd(dout.copy(), cache)}


def _judge_leaky_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x, dout = backward_input(case)
    slope = float(case.get("negative_slope", 0.01))
    return judge_elementwise_backward(
        "leaky_relu_backward",
        x,
        dout,
        get_output(outputs, "dx"),
        lambda v: _leaky(v, slope),
        slope_at_zero=slope,
        kink=Message(
            "check.mistake.kink_slope", {"what": "leaky_relu_backward", "slope": "negative_slope"}
        ),
    )


LEAKY_RELU_BACKWARD = Check(
    "leaky_relu_backward",
    _probe_leaky_backward,
    _judge_leaky_backward,
    ("leaky_relu_forward", "leaky_relu_backward"),
    BACKWARD_CASE_KEYS | {"negative_slope"},
)

PRELU_CASE_KEYS = frozenset({"seed", "shape", "num_parameters", "zeros"})


def _prelu_case(case: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, alpha, dout)``: x of shape ``(N, C)`` away from 0 (or with ``zeros`` exact zeros),
    alpha of shape ``(num_parameters,)`` in (0.05, 0.5), dout N(0, 1)."""
    rng = np.random.default_rng(int(case.get("seed", 0)))
    shape = tuple(int(v) for v in case.get("shape", (6, 3)))
    k = int(case.get("num_parameters", shape[1]))
    x = rng.standard_normal(shape)
    x = np.where(x >= 0, x + 0.01, x - 0.01)
    zeros = int(case.get("zeros", 0))
    if zeros:
        x.reshape(-1)[:zeros] = 0.0
    alpha = rng.uniform(0.05, 0.5, size=k)
    dout = rng.standard_normal(shape)
    return x, alpha, dout


def _prelu(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    from actlab.grading.checks._references import prelu

    return prelu(x, alpha)


def _probe_prelu_forward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fn = student_callable(objects[0], "prelu_forward")
    x, alpha, _dout = _prelu_case(case)
    out, _cache = unpack(fn(x.copy(), alpha.copy()), 2, "prelu_forward", "(out, cache)")
    return {"out": out}


def _judge_prelu_forward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x, alpha, _dout = _prelu_case(case)
    out = get_output(outputs, "out")
    verdict = compare_elementwise(
        Message("check.what.part", {"fn": "prelu_forward", "part": "out"}), x, out, _prelu(x, alpha)
    )
    if (
        not verdict.passed
        and alpha.size > 1
        and out.shape == x.shape
        and x.ndim == 2
        and x.shape[0] == alpha.size
        and np.allclose(out, np.where(x > 0, x, alpha[:, None] * x))
    ):
        return Verdict.fail("check.prelu.batch_axis")
    return verdict


PRELU_FORWARD = Check(
    "prelu_forward", _probe_prelu_forward, _judge_prelu_forward, ("prelu_forward",), PRELU_CASE_KEYS
)


def _probe_prelu_backward(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    fwd = student_callable(objects[0], "prelu_forward")
    bwd = student_callable(objects[1], "prelu_backward")
    x, alpha, dout = _prelu_case(case)
    _out, cache = unpack(fwd(x.copy(), alpha.copy()), 2, "prelu_forward", "(out, cache)")
    dx, dalpha = unpack(bwd(dout.copy(), cache), 2, "prelu_backward", "(dx, dalpha)")
    return {"dx": dx, "dalpha": dalpha}


def _judge_prelu_backward(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    x, alpha, dout = _prelu_case(case)
    a = alpha.reshape(1, -1) if alpha.size > 1 else alpha.reshape(())
    slope_at_zero = np.broadcast_to(a, x.shape)[x == 0]
    verdict = judge_elementwise_backward(
        Message("check.what.part", {"fn": "prelu_backward", "part": "dx"}),
        x,
        dout,
        get_output(outputs, "dx"),
        lambda v: _prelu(v, alpha),
        slope_at_zero=slope_at_zero,
        kink=Message("check.mistake.kink_slope", {"what": "prelu_backward", "slope": "alpha"}),
    )
    if not verdict.passed:
        return verdict
    dalpha = get_output(outputs, "dalpha")
    num = numerical_vjp(lambda al: _prelu(x, al), alpha, dout)
    what = Message("check.what.part", {"fn": "prelu_backward", "part": "dalpha"})
    if dalpha.shape != alpha.shape:
        fields = {"what": what, "got": dalpha.shape, "var": "alpha", "shape": alpha.shape}
        if dalpha.ndim > alpha.ndim:
            return Verdict.fail("check.grad.shape_sum_batch", **fields)
        return Verdict.fail("check.grad.shape", **fields)
    return compare_array(what, dalpha, num, tol=GRAD_TOL, against=FINITE_DIFFERENCES)


PRELU_BACKWARD = Check(
    "prelu_backward",
    _probe_prelu_backward,
    _judge_prelu_backward,
    ("prelu_forward", "prelu_backward"),
    PRELU_CASE_KEYS,
)


# --- the torch module ---------------------------------------------------------------------------


def _module_class(obj: Any, name: str = "PReLU") -> Any:
    import torch

    if not (isinstance(obj, type) and issubclass(obj, torch.nn.Module)):
        raise ProbeError("check.prelu.not_module", name=name, got=repr(obj)[:200])
    return obj


def _describe_parameters(module: Any) -> dict[str, Any]:
    import torch

    params = list(module.parameters())
    plain_tensors = [
        name
        for name, value in vars(module).items()
        if isinstance(value, torch.Tensor) and not isinstance(value, torch.nn.Parameter)
    ]
    values = (
        np.concatenate([p.detach().double().reshape(-1).numpy() for p in params])
        if params
        else np.zeros(0)
    )
    return {
        "count": len(params),
        "numel": int(sum(p.numel() for p in params)),
        "requires_grad": all(p.requires_grad for p in params),
        "values": values,
        "plain_tensor": bool(plain_tensors),
    }


_MODULE_CASE_KEYS = frozenset({"seed", "num_parameters", "init", "shape"})


def _module_case(case: Mapping[str, Any]) -> tuple[int, float, tuple[int, ...], int]:
    k = int(case.get("num_parameters", 3))
    init = float(case.get("init", 0.1))
    shape = tuple(int(v) for v in case.get("shape", (6, k)))
    return k, init, shape, int(case.get("seed", 0))


def _module_input(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return 2.0 * np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _probe_module(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    import torch

    cls = _module_class(objects[0])
    k, init, shape, seed = _module_case(case)
    default = cls()
    custom = cls(num_parameters=k, init=init)
    out: dict[str, Any] = {}
    for tag, module in (("default", default), ("custom", custom)):
        for key, value in _describe_parameters(module).items():
            out[f"{tag}_{key}"] = value
    x = torch.tensor(_module_input(shape, seed), requires_grad=True)
    y = custom(x)
    if not isinstance(y, torch.Tensor):
        raise ProbeError("check.prelu.not_tensor", type=type(y).__name__)
    out["y"] = y.detach().numpy()
    out["y_dtype"] = str(y.dtype).removeprefix("torch.")
    params = list(custom.parameters())
    grad = np.zeros(0)
    if y.shape == x.shape and len(params) == 1:
        upstream = torch.tensor(
            np.random.default_rng(seed + 1).standard_normal(shape).astype(np.float32)
        )
        (y * upstream).sum().backward()
        if params[0].grad is not None:
            grad = params[0].grad.detach().double().reshape(-1).numpy()
    out["weight_grad"] = grad
    return out


def _judge_module(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    import torch

    k, init, shape, seed = _module_case(case)
    for tag, call, n, start in (
        ("default", "PReLU()", 1, 0.25),
        ("custom", f"PReLU(num_parameters={k}, init={init})", k, init),
    ):
        count = int(get_output(outputs, f"{tag}_count"))
        if count == 0:
            if bool(get_output(outputs, f"{tag}_plain_tensor")):
                return Verdict.fail("check.prelu.plain_tensor", call=call)
            return Verdict.fail("check.prelu.no_parameter", call=call)
        if count != 1:
            return Verdict.fail("check.prelu.parameters", call=call, count=count)
        numel = int(get_output(outputs, f"{tag}_numel"))
        if numel != n:
            return Verdict.fail("check.prelu.numel", call=call, numel=numel)
        if not bool(get_output(outputs, f"{tag}_requires_grad")):
            return Verdict.fail("check.prelu.requires_grad", call=call)
        values = get_output(outputs, f"{tag}_values")
        if not np.allclose(values, start, rtol=1e-6, atol=1e-7):
            return Verdict.fail("check.prelu.init", call=call)
    x = torch.tensor(_module_input(shape, seed), requires_grad=True)
    weight = torch.full((k,), init, dtype=torch.float32, requires_grad=True)
    ref = torch.nn.functional.prelu(x, weight)
    upstream = torch.tensor(
        np.random.default_rng(seed + 1).standard_normal(shape).astype(np.float32)
    )
    (ref * upstream).sum().backward()
    y = get_output(outputs, "y")
    if str(get_output(outputs, "y_dtype")) != "float32":
        return Verdict.fail("check.prelu.dtype")
    xs = x.detach().numpy()
    verdict = compare_elementwise(
        f"PReLU(num_parameters={k}, init={init})(x)",
        xs,
        y,
        ref.detach().numpy().astype(np.float64),
        rtol=1e-6,
        atol=1e-7,
    )
    if not verdict.passed:
        return verdict
    grad = get_output(outputs, "weight_grad")
    if grad.size == 0:
        return Verdict.fail("check.prelu.no_gradient")
    return compare_array(
        Message("check.prelu.alpha_gradient"),
        grad,
        weight.grad.double().numpy(),
        tol=1e-5,
        shape_hint=Message("check.hint.shape", {"shape": (k,)}),
        against=Message("check.against.autograd"),
    )


PRELU_MODULE = Check("prelu_module", _probe_module, _judge_module, ("PReLU",), _MODULE_CASE_KEYS)

_TRAIN_CASE_KEYS = frozenset({"seed", "target", "steps", "lr"})


def _train_case(case: Mapping[str, Any]) -> tuple[int, float, int, float]:
    return (
        int(case.get("seed", 0)),
        float(case.get("target", 0.75)),
        int(case.get("steps", 40)),
        float(case.get("lr", 0.2)),
    )


def _train_data(seed: int, target: float) -> tuple[Any, Any]:
    import torch

    x = torch.tensor(np.random.default_rng(seed).standard_normal((512, 1)).astype(np.float32))
    return x, torch.where(x > 0, x, target * x)


def _probe_trains(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    """Fit ``PReLU()`` alone to ``y = max(0, x) + target * min(0, x)`` by SGD on the MSE, and
    record alpha and the loss at every step."""
    import torch

    cls = _module_class(objects[0])
    seed, target, steps, lr = _train_case(case)
    x, y = _train_data(seed, target)
    module = cls()
    params = list(module.parameters())
    if not params:
        raise ProbeError("check.prelu.nothing_to_train")
    before = np.concatenate([p.detach().double().reshape(-1).numpy() for p in params])
    optimiser = torch.optim.SGD(params, lr=lr)
    losses: list[float] = []
    alphas: list[np.ndarray] = []
    with one_torch_thread():
        _sgd(module, optimiser, x, y, steps, losses, alphas)
    return {
        "alpha_before": before,
        "alphas": np.asarray(alphas, dtype=np.float64).reshape(len(alphas), -1),
        "losses": np.asarray(losses, dtype=np.float64),
    }


def _sgd(
    module: Any,
    optimiser: Any,
    x: Any,
    y: Any,
    steps: int,
    losses: list[float],
    alphas: list[np.ndarray] | None = None,
    reset: bool = True,
) -> None:
    import torch

    params = [p for group in optimiser.param_groups for p in group["params"]]
    for _ in range(steps):
        if reset:
            optimiser.zero_grad()
        loss = torch.mean((module(x) - y) ** 2)
        if not loss.requires_grad:
            raise ProbeError("check.prelu.no_gradient_in_training")
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
        if alphas is not None:
            alphas.append(np.concatenate([p.detach().double().reshape(-1).numpy() for p in params]))


def reference_training(
    case: Mapping[str, Any], alpha: float, reset: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The training of :func:`_probe_trains` with torch's own PReLU from slope ``alpha``, run in
    the grader: ``(alpha after each step, loss of each step)``. ``reset=False`` never zeroes the
    gradients, so that they add up from step to step (the classic mistake)."""
    import torch

    seed, target, steps, lr = _train_case(case)
    x, y = _train_data(seed, target)
    weight = torch.nn.Parameter(torch.tensor([alpha], dtype=torch.float32))

    class _Reference(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = weight

        def forward(self, v: Any) -> Any:
            return torch.nn.functional.prelu(v, self.weight)

    losses: list[float] = []
    alphas: list[np.ndarray] = []
    with one_torch_thread():
        _sgd(_Reference(), torch.optim.SGD([weight], lr=lr), x, y, steps, losses, alphas, reset)
    return np.asarray(alphas).reshape(-1), np.asarray(losses)


def _judge_trains(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    _seed, target, steps, _lr = _train_case(case)
    before = get_output(outputs, "alpha_before")
    alphas = get_output(outputs, "alphas")
    losses = get_output(outputs, "losses")
    if before.shape != (1,) or alphas.shape != (steps, 1):
        return Verdict.fail("check.trains.one_slope")
    if losses.shape != (steps,):
        return Verdict.fail("check.trains.steps")
    if not np.all(np.isfinite(losses)) or not np.all(np.isfinite(alphas)):
        return Verdict.fail("check.trains.nonfinite")
    if float(before[0]) != np.float32(0.25):
        return Verdict.fail("check.trains.init")
    after = float(alphas[-1, 0])
    if after == float(before[0]):
        return Verdict.fail("check.trains.not_moving")
    ref_alphas, ref_losses = reference_training(case, float(before[0]))
    # The same steps from the same start on the same data: only float32 rounding may differ.
    same = np.allclose(alphas[:, 0], ref_alphas, rtol=1e-4, atol=1e-6) and np.allclose(
        losses, ref_losses, rtol=1e-4, atol=1e-7
    )
    if not same:
        gap_before = abs(float(before[0]) - target)
        if not abs(after - target) < 0.5 * gap_before:
            return Verdict.fail("check.trains.wrong_way")
        return Verdict.fail("check.trains.trajectory")
    return Verdict.ok()


PRELU_TRAINS = Check("prelu_trains", _probe_trains, _judge_trains, ("PReLU",), _TRAIN_CASE_KEYS)


# --- the training loop ------------------------------------------------------------------------


def _slope_module() -> Any:
    """A PReLU with one slope, written here (the probe's own module, not the student's): the
    training loop under test trains it."""
    import torch

    class Slope(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.nn.Parameter(torch.tensor([0.25], dtype=torch.float32))

        def forward(self, v: Any) -> Any:
            return torch.where(v > 0, v, self.weight * v)

    return Slope()


def _probe_fit(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
    """Call ``fit_slope(module, x, y, steps, lr)`` on the probe's own one-slope PReLU and the
    data of :func:`_probe_trains`; record the losses it returns and the slope it leaves."""
    fn = student_callable(objects[0], "fit_slope")
    seed, target, steps, lr = _train_case(case)
    x, y = _train_data(seed, target)
    module = _slope_module()
    with one_torch_thread():
        result = fn(module, x, y, steps, lr)
    if not isinstance(result, list | tuple):
        raise ProbeError("check.fit.not_list", type=type(result).__name__)
    losses = []
    for value in result:
        if type(value).__module__.startswith("torch") and hasattr(value, "item"):
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
            raise ProbeError("check.fit.not_numbers", type=type(value).__name__)
        losses.append(float(value))
    return {
        "losses": np.asarray(losses, dtype=np.float64),
        "alpha_after": module.weight.detach().double().reshape(-1).numpy(),
    }


def _judge_fit(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
    _seed, _target, steps, _lr = _train_case(case)
    losses = get_output(outputs, "losses").reshape(-1)
    after = get_output(outputs, "alpha_after").reshape(-1)
    if losses.shape != (steps,):
        return Verdict.fail("check.fit.steps", got=losses.size, steps=steps)
    if after.shape != (1,) or not np.all(np.isfinite(losses)) or not np.isfinite(after[0]):
        return Verdict.fail("check.fit.nonfinite")
    if float(after[0]) == np.float32(0.25):
        return Verdict.fail("check.fit.not_moving")

    def follows(reset: bool) -> bool:
        ref_alphas, ref_losses = reference_training(case, 0.25, reset=reset)
        return bool(
            np.isclose(after[0], ref_alphas[-1], rtol=1e-4, atol=1e-6)
            and np.allclose(losses, ref_losses, rtol=1e-4, atol=1e-7)
        )

    if follows(reset=True):
        return Verdict.ok()
    if follows(reset=False):
        return Verdict.fail("check.mistake.grad_not_reset", what="fit_slope")
    return Verdict.fail("check.fit.trajectory")


FIT_SLOPE = Check("fit_slope", _probe_fit, _judge_fit, ("fit_slope",), _TRAIN_CASE_KEYS)
