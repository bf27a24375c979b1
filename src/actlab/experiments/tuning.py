"""Tuning an activation's parameter on a validation split: LeakyReLU's negative slope.

The slope :math:`a` of :math:`\\max(0, x) + a\\min(0, x)` interpolates between ReLU
(:math:`a = 0`) and the identity (:math:`a = 1`, where the whole network collapses to one linear
map). The sweep trains the same small MLP for every slope and several seeds and reports the
validation error, so the chapter can show which slopes are indistinguishable (the rule of
:func:`actlab.experiments.cross_validation.within_noise`) and where the error starts to climb.

:func:`threshold_as_bias` answers what "tuning the threshold" of a ReLU means in a layer with
biases: a ReLU that switches on at :math:`\\theta` instead of 0, :math:`\\max(0, z - \\theta)`, is the
same network as a plain ReLU whose biases are :math:`b - \\theta`, so the threshold is already a
learnt parameter, one per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from actlab.experiments._fitting import error_rate, fit, make_mlp64
from actlab.i18n import t

__all__ = [
    "ShiftedReLU",
    "slope_sweep",
    "sweep_table",
    "threshold_as_bias",
    "threshold_facts",
]


def slope_sweep(
    slopes: Sequence[float] = (0.0, 0.01, 0.1, 0.3, 0.6, 0.9, 1.0),
    *,
    data: Any = None,
    seeds: Sequence[int] = (0, 1),
    hidden: Sequence[int] = (32, 32),
    steps: int = 300,
    lr: float = 0.02,
    val_size: float = 0.25,
) -> dict[str, object]:
    """Validation error of a LeakyReLU MLP for each negative slope.

    For each seed the data are split once into train and validation parts
    (:func:`actlab.data.split`, stratified), standardised with the training part, and a
    ``d → hidden... → classes`` MLP (:func:`actlab.networks.make_mlp`, He init) is trained full
    batch with Adam for every slope, in float64.

    Args:
        slopes: negative slopes to try, each in [0, 1]. Default: (0, 0.01, 0.1, 0.3, 0.6, 0.9, 1).
        data: a :class:`actlab.data.Dataset`; default: two spirals, 600 points
            (:func:`actlab.data.spirals`), which no linear model separates.
        seeds: seeds of the split and the weights. Default: (0, 1).
        hidden: hidden widths. Default: (32, 32).
        steps: Adam steps per fit. Default: 300.
        lr: Adam learning rate. Default: 0.02.
        val_size: fraction held out for validation. Default: 0.25.

    Returns:
        ``{"rows": [{"negative_slope", "seed", "val_error", "train_error"}...], "summary":
        [{"negative_slope", "mean", "std", "within_noise"}...]}`` (summary in the order of
        ``slopes``; ``within_noise`` compares each slope with the one of lowest mean error).
    """
    import torch

    from actlab.data import spirals, split, standardise

    values = [float(s) for s in slopes]
    if not values or not all(0.0 <= s <= 1.0 for s in values):
        raise ValueError(f"slope_sweep: slopes must be numbers in [0, 1], got {slopes!r}")
    if data is None:
        data = spirals(600, seed=0)
    rows: list[dict[str, object]] = []
    for seed in seeds:
        train_set, val_set = split(data, test_size=float(val_size), seed=int(seed))
        X_tr, X_va = standardise(train_set.X, val_set.X)
        X_tr_t = torch.from_numpy(X_tr.astype(np.float64))
        X_va_t = torch.from_numpy(X_va.astype(np.float64))
        y_tr_t, y_va_t = torch.from_numpy(train_set.y.copy()), torch.from_numpy(val_set.y.copy())
        sizes = [train_set.num_features, *hidden, data.num_classes]
        for slope in values:
            net = make_mlp64(
                sizes,
                "leaky_relu",
                init="he",
                activation_params={"negative_slope": slope},
                seed=int(seed),
            )
            fit(net, X_tr_t, y_tr_t, steps=steps, lr=lr, seed=int(seed))
            rows.append(
                {
                    "negative_slope": slope,
                    "seed": int(seed),
                    "val_error": error_rate(net, X_va_t, y_va_t),
                    "train_error": error_rate(net, X_tr_t, y_tr_t),
                }
            )
    from actlab.experiments.cross_validation import within_noise

    summary = []
    for slope in values:
        errs = [r["val_error"] for r in rows if r["negative_slope"] == slope]
        summary.append(
            {"negative_slope": slope, "mean": float(np.mean(errs)), "std": float(np.std(errs))}
        )
    best = min(summary, key=lambda r: r["mean"])
    for r in summary:
        r["within_noise"] = within_noise(r["mean"] - best["mean"], r["std"], best["std"])
    return {"rows": rows, "summary": summary}


class ShiftedReLU(torch.nn.Module):
    """A ReLU that switches on at ``theta``: :math:`\\max(0, x - \\theta)`.

    Args:
        theta: the threshold. Default: 0 (plain ReLU).

    Shape:
        - Input: :math:`(*)`; Output: same shape.
    """

    def __init__(self, theta: float = 0.0) -> None:
        super().__init__()
        self.theta = float(theta)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x - self.theta)

    def extra_repr(self) -> str:
        return f"theta={self.theta}"


def threshold_as_bias(theta: float = 0.5, *, seed: int = 0) -> dict[str, float]:
    """A ReLU net with threshold ``theta`` against a plain ReLU net with biases ``b - theta``.

    Both are ``64 → 64 → 64 → 10`` nets on the digits test images with the same weights (drawn
    by numpy, biases drawn from :math:`U[-0.5, 0.5]`); the first uses :class:`ShiftedReLU`, the
    second ``ReLU`` with every hidden bias lowered by ``theta``.

    Returns:
        ``{"theta", "max_abs_difference"`` (between the two nets' outputs)``, "output_scale"``
        (the largest absolute output)``}``.
    """
    from actlab.data import digits, to_tensors
    from actlab.experiments._fitting import make_mlp64
    from actlab.reproducibility import rng

    X, _ = to_tensors(digits("test"), dtype=torch.float64)
    shifted = make_mlp64([64, 64, 64, 10], lambda: ShiftedReLU(theta), init="he", seed=seed)
    plain = make_mlp64([64, 64, 64, 10], "relu", init="he", seed=seed)
    gen = rng(seed + 1)
    linears = [m for m in shifted if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for lin in linears:
            lin.bias.copy_(torch.from_numpy(gen.uniform(-0.5, 0.5, lin.out_features)))
        plain.load_state_dict(shifted.state_dict())
        for i, lin in enumerate(m for m in plain if isinstance(m, torch.nn.Linear)):
            if i < len(linears) - 1:
                lin.bias -= theta
        a, b = shifted(X), plain(X)
    return {
        "theta": float(theta),
        "max_abs_difference": float((a - b).abs().max()),
        "output_scale": float(a.abs().max()),
    }


def sweep_table(result: dict[str, Any], *, lang: str = "en") -> list[dict[str, object]]:
    """The summary of :func:`slope_sweep` for printing, labelled in ``lang`` (``negative_slope``
    is torch's name and stays as it is)."""
    return [
        {
            "negative_slope": r["negative_slope"],
            t("result.col.mean", lang): r["mean"],
            t("result.col.std", lang): r["std"],
            t("result.col.within_noise", lang): r["within_noise"],
        }
        for r in result["summary"]
    ]


def threshold_facts(result: dict[str, float], *, lang: str = "en") -> dict[str, object]:
    """:func:`threshold_as_bias` for printing, labelled in ``lang``: the difference is at rounding
    level, shown as a bound."""
    from actlab.plotting.tables import Below

    return {
        t("result.threshold.difference", lang): Below(result["max_abs_difference"], 1e-12),
        t("result.threshold.output", lang): result["output_scale"],
    }
