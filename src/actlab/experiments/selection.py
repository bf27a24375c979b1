"""The criteria for choosing a hidden-layer activation, as one table generated from the registry.

Every row comes from an :class:`actlab.activations.registry.Activation` record: output range,
smoothness class, which side saturates, the gradient it passes (its largest derivative, and where
the derivative is exactly 0), whether the output is zero-centred, whether it is monotonic and how
many parameters it learns. :data:`HIDDEN` lists the activations used in dense hidden layers; the
others (thresholds, shrinkage functions, LogSigmoid) belong in an appendix table. The cost column is the kind of arithmetic the forward pass needs
(read off the formula): a compare-and-select is cheaper than an ``exp``, which is cheaper than a
chain of transcendental functions. The measured time per activation, which varies from machine to
machine, is :func:`actlab.experiments.timing.activation_cost`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from actlab.i18n import t

__all__ = [
    "COST_OPS",
    "HIDDEN",
    "appendix_keys",
    "attained_ends",
    "criteria_rows",
    "criteria_table",
    "format_range",
    "gradient_profile",
]

#: The expensive operations in each forward pass (``"compare"``: only compares, selects and
#: multiplications). A registry key missing here shows as ``"?"`` in the table.
COST_OPS: dict[str, str] = {
    "threshold": "compare",
    "relu": "compare",
    "rrelu": "compare",
    "hardtanh": "compare",
    "relu6": "compare",
    "hardsigmoid": "compare",
    "hardswish": "compare",
    "hardshrink": "compare",
    "softshrink": "compare",
    "leaky_relu": "compare",
    "prelu": "compare",
    "softsign": "divide",
    "sigmoid": "exp",
    "tanh": "exp",
    "silu": "exp",
    "swish": "exp",
    "elu": "exp",
    "celu": "exp",
    "selu": "exp",
    "tanhshrink": "exp",
    "gelu": "erf",
    "softplus": "exp, log",
    "logsigmoid": "exp, log",
    "mish": "exp, log, tanh",
}


#: The activations used in dense hidden layers, in the registry's order; the criteria table of
#: chapter 3 shows these, and the other elementwise activations in an appendix.
HIDDEN: tuple[str, ...] = (
    "relu",
    "rrelu",
    "hardtanh",
    "relu6",
    "sigmoid",
    "hardsigmoid",
    "tanh",
    "softsign",
    "silu",
    "swish",
    "mish",
    "hardswish",
    "elu",
    "celu",
    "selu",
    "gelu",
    "leaky_relu",
    "softplus",
    "prelu",
)


def gradient_profile(key: str) -> tuple[float, str]:
    """The largest derivative of an activation, and where its derivative is exactly 0.

    Both are read off the registry's derivative (with its default parameters) on a grid over
    [-8, 8] plus the kinks: the peak rounds to the supremum at a kink (Hardswish: 1.5), and the
    zero set is written as intervals of the grid, ``"x <= 0"`` for ReLU, ``"none"`` where the
    derivative is 0 on no interval (isolated stationary points, such as the minimum of Hardswish
    or Tanhshrink's 0, are not listed: they stop no unit from learning).

    Examples::

        >>> gradient_profile("relu")
        (1.0, 'x <= 0')
        >>> gradient_profile("sigmoid")
        (0.25, 'none')
    """
    import numpy as np

    from actlab.activations.registry import get

    record = get(key)
    x = np.union1d(np.linspace(-8.0, 8.0, 16001), np.asarray(record.kinks, dtype=np.float64))
    d = np.asarray(record.derivative(x, **record.defaults), dtype=np.float64)
    peak = float(np.max(np.abs(d)))
    zero = (d == 0).astype(np.int8)
    parts = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], zero, [0]))))
    for a, b in zip(edges[::2], edges[1::2] - 1, strict=True):
        lo, hi = f"{x[a]:.3g}", f"{x[b]:.3g}"
        if a == b:
            continue
        if a == 0:
            parts.append(f"x <= {hi}")
        elif b == x.size - 1:
            parts.append(f"x >= {lo}")
        else:
            parts.append(f"{lo} <= x <= {hi}")
    return peak, ", ".join(parts) or "none"


def format_range(
    lo_hi: tuple[float, float] | None, closed: tuple[bool, bool] = (True, True), digits: int = 3
) -> str:
    """A range as interval notation: ``"[0, inf)"``, ``"(0, 1)"``, ``"[-0.278, inf)"``.

    Args:
        lo_hi: ``(lo, hi)``, or ``None`` (shown as ``"-"``).
        closed: whether each finite end is attained (a bracket) or only approached (a
            parenthesis). Infinite ends are always open. Default: both closed.
        digits: significant digits. Default: 3.

    Examples::

        >>> format_range((0.0, math.inf))
        '[0, inf)'
        >>> format_range((0.0, 1.0), closed=(False, False))
        '(0, 1)'
    """
    if lo_hi is None:
        return "-"
    lo, hi = lo_hi
    left = "(-inf" if math.isinf(lo) else ("[" if closed[0] else "(") + f"{lo:.{digits}g}"
    right = "inf)" if math.isinf(hi) else f"{hi:.{digits}g}" + ("]" if closed[1] else ")")
    return f"{left}, {right}"


def attained_ends(key: str) -> tuple[bool, bool]:
    """Whether an activation reaches each finite end of its registry range at a finite input.

    The registry stores the closure of the image, ``[0, 1]`` for sigmoid as for hardsigmoid; the
    difference is that sigmoid only approaches 0 and 1. An end counts as attained when the forward
    hits it exactly on a grid over [-8, 8] (plus the kinks): a hard saturation (ReLU's 0,
    Hardtanh's ±1) does, an asymptote does not (tanh(8) = 1 - 2.3e-7). A non-monotonic unit's
    minimum (SiLU, GELU, Mish) lies between grid points, so for those the grid minimum within
    1e-6 of the stored minimum also counts.

    Examples::

        >>> attained_ends("relu"), attained_ends("sigmoid")
        ((True, False), (False, False))
    """
    import numpy as np

    from actlab.activations.registry import get

    record = get(key)
    if record.range is None:
        return (False, False)
    x = np.union1d(np.linspace(-8.0, 8.0, 16001), np.asarray(record.kinks, dtype=np.float64))
    y = np.asarray(record.forward(x, **record.defaults), dtype=np.float64)
    lo, hi = record.range
    lo_hit = math.isfinite(lo) and (
        bool(np.any(y == lo)) or (record.monotonic is False and abs(float(y.min()) - lo) <= 1e-6)
    )
    hi_hit = math.isfinite(hi) and bool(np.any(y == hi))
    return bool(lo_hit), bool(hi_hit)


def criteria_table(keys: Sequence[str] | None = None) -> list[dict[str, object]]:
    """One row per elementwise activation with the selection criteria, in registry order.

    Args:
        keys: registry keys to include; default: every elementwise activation.

    Returns:
        A list of dicts with ``name``, ``key``, ``range`` (a string such as ``"[0, inf)"``),
        ``smoothness``, ``saturates``, ``max_grad`` and ``zero_grad`` (:func:`gradient_profile`),
        ``zero_centred``, ``monotonic``, ``parameters`` and ``cost`` (the operations of
        :data:`COST_OPS`).

    Examples::

        >>> row = criteria_table(["tanh"])[0]
        >>> row["range"], row["zero_centred"], row["cost"]
        ('(-1, 1)', True, 'exp')
    """
    from actlab.activations.registry import get, records

    if keys is None:
        chosen = list(records("elementwise"))
    else:
        chosen = [get(k) for k in keys]
        for r in chosen:
            if r.kind != "elementwise":
                raise ValueError(
                    f"criteria_table: {r.key!r} is {r.kind}, expected an elementwise activation"
                )
    rows = []
    for r in chosen:
        max_grad, zero_grad = gradient_profile(r.key)
        rows.append(
            {
                "name": r.name,
                "key": r.key,
                "range": format_range(r.range, attained_ends(r.key)),
                "smoothness": r.smoothness,
                "saturates": r.saturates,
                "max_grad": max_grad,
                "zero_grad": zero_grad,
                "zero_centred": r.zero_centred,
                "monotonic": r.monotonic,
                "parameters": r.num_parameters,
                "cost": COST_OPS.get(r.key, "?"),
            }
        )
    return rows


def appendix_keys() -> list[str]:
    """The elementwise activations not in :data:`HIDDEN`, in registry order (the appendix table)."""
    from actlab.activations.registry import records

    return [r.key for r in records("elementwise") if r.key not in HIDDEN]


def _cost_label(cost: str, lang: str) -> str:
    """A :data:`COST_OPS` entry in ``lang``: the words translated, function names as they are."""
    words = {
        "compare": t("result.criteria.compare", lang),
        "divide": t("result.criteria.divide", lang),
    }
    parts = [words.get(part, part) for part in cost.split(", ")]
    return t("result.list_separator", lang).join(parts)


def criteria_rows(
    keys: Sequence[str] | None = None, *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`criteria_table` with the short column names the chapter prints, labelled in ``lang``
    (``"en"`` or ``"zh"``): the headers, the saturating side, "none" and the words of the cost
    column; names of activations, smoothness classes and formulas stay as they are.

    Examples::

        >>> row = criteria_rows(["relu"], lang="zh")[0]
        >>> row["饱和"], row["f' = 0的区间"], row["主要运算"]
        ('左侧', 'x <= 0', '比较')
    """
    from actlab.experiments.profiles import side_label

    none = t("result.none", lang)
    discontinuous = t("result.criteria.discontinuous", lang)
    return [
        {
            t("result.activation", lang): row["name"],
            t("result.profile.range", lang): row["range"],
            t("result.criteria.smooth", lang): (
                discontinuous if row["smoothness"] == "discontinuous" else row["smoothness"]
            ),
            t("result.profile.saturates", lang): (
                None if row["saturates"] is None else side_label(str(row["saturates"]), lang)
            ),
            t("result.profile.max_derivative", lang): row["max_grad"],
            t("result.criteria.zero_grad", lang): (
                none if row["zero_grad"] == "none" else row["zero_grad"]
            ),
            t("result.zero_centred", lang): row["zero_centred"],
            t("result.criteria.monotonic", lang): row["monotonic"],
            t("result.criteria.params", lang): row["parameters"],
            t("result.criteria.cost", lang): _cost_label(str(row["cost"]), lang),
        }
        for row in criteria_table(keys)
    ]
