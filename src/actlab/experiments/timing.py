"""Compute cost of each activation, measured: time per call relative to ReLU.

The timings use torch's own implementation (``torch.nn.functional``; Swish, which torch lacks, as
``x * sigmoid(beta * x)``), the code a network actually runs in training, on one thread. Each
activation is timed for the forward pass alone and for forward plus backward, on a float32 tensor
small enough to stay in cache (2^16 elements, 256 KiB, by default), so that arithmetic and not memory
bandwidth decides. The best of several repeats is reported, divided by ReLU's.

Absolute times depend on the machine and on what else runs on it, so a chapter marks this output
as varying; the ranking (compare-only units cheapest, chains of transcendental functions dearest)
is what carries over.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from actlab.i18n import t

__all__ = [
    "activation_cost",
    "cost_rows",
    "torch_reference",
]


def torch_reference(key: str) -> Callable:
    """``f(x)`` calling torch's implementation of registry activation ``key`` at its defaults.

    Examples::

        >>> import torch
        >>> torch_reference("relu")(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    import torch

    from actlab.activations.registry import get

    record = get(key)
    if record.kind != "elementwise":
        raise ValueError(
            f"torch_reference: {key!r} is {record.kind}, expected an elementwise activation"
        )
    params = dict(record.defaults)
    if key == "swish":
        beta = float(params.get("beta", 1.0))
        return lambda x: x * torch.sigmoid(beta * x)
    functional = record.torch_functional
    if functional is None:
        raise ValueError(f"torch_reference: {key!r} has no torch implementation")
    if key == "prelu":
        weight = torch.tensor([float(params.pop("weight"))])
        return lambda x: functional(x, weight.to(x.dtype))
    if key == "rrelu":
        params["training"] = False
    return lambda x: functional(x, **params)


def activation_cost(
    keys: Sequence[str] | None = None,
    *,
    size: int = 2**16,
    repeats: int = 3,
    calls: int = 10,
    seed: int = 0,
) -> list[dict[str, object]]:
    """Time per call of each activation's torch implementation, relative to ReLU.

    Args:
        keys: registry keys; default: every elementwise activation. ReLU is always measured (it is
            the reference).
        size: number of float32 elements. Default: 2**16.
        repeats: timed repeats (the fastest is kept: the one least disturbed by other work on the
            machine). Default: 3.
        calls: calls per repeat. Default: 10.
        seed: seed of the input values (standard normal). Default: 0.

    Returns:
        One dict per activation, in the order of ``keys``: ``key``, ``name``, ``forward_us`` and
        ``forward_backward_us`` (microseconds per call, best of ``repeats``), ``forward_ratio`` and
        ``forward_backward_ratio`` (divided by ReLU's).
    """
    import torch

    from actlab.activations.registry import get, records

    if keys is None:
        keys = [r.key for r in records("elementwise")]
    keys = list(keys)
    for name, value in (("size", size), ("repeats", repeats), ("calls", calls)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"activation_cost: {name} must be a positive int, got {value!r}")
    x0 = torch.from_numpy(np.random.default_rng(seed).standard_normal(size).astype(np.float32))
    grad = torch.ones_like(x0)

    def best_time(run: Callable[[], None]) -> float:
        run()  # warm-up
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(calls):
                run()
            samples.append((time.perf_counter() - start) / calls)
        return float(np.min(samples)) * 1e6

    measured: dict[str, tuple[float, float]] = {}
    for key in dict.fromkeys(["relu", *keys]):
        f = torch_reference(key)
        x = x0.clone().requires_grad_(True)

        def forward(f=f) -> None:
            with torch.no_grad():
                f(x0)

        def forward_backward(f=f, x=x) -> None:
            f(x).backward(grad)
            x.grad = None

        measured[key] = (best_time(forward), best_time(forward_backward))
    base_f, base_fb = measured["relu"]
    return [
        {
            "key": key,
            "name": get(key).name,
            "forward_us": measured[key][0],
            "forward_backward_us": measured[key][1],
            "forward_ratio": measured[key][0] / base_f,
            "forward_backward_ratio": measured[key][1] / base_fb,
        }
        for key in keys
    ]


def cost_rows(rows: list[dict[str, object]], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`activation_cost` sorted by the forward ratio, with the columns the chapter prints,
    labelled in ``lang``."""
    ordered = sorted(rows, key=lambda r: r["forward_ratio"])
    return [
        {
            t("result.activation", lang): r["name"],
            t("result.cost.forward", lang): r["forward_ratio"],
            t("result.cost.forward_backward", lang): r["forward_backward_ratio"],
        }
        for r in ordered
    ]
