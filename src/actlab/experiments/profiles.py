"""Chapter 2: the numbers of d2l's four steps for one activation, measured from the registry.

:func:`activation_profile` gives, for one activation, its formula, its range (from the registry and
as observed on a grid), where its derivative peaks and how high, the derivative's value at each
kink (the convention the package shares with torch), and its saturation and centring properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = ["activation_profile", "profile_rows", "range_rows", "side_label"]


def activation_profile(
    key: str, *, x_max: float = 30.0, num: int = 600001, **params: Any
) -> dict[str, Any]:
    """Formula, range and derivative facts of one elementwise activation.

    Args:
        key: registry key.
        x_max: half-width of the grid. Default: 30.
        num: grid points (odd, so that 0 is on the grid). Default: 600001.
        **params: the activation's parameters.

    Returns:
        A dict with ``name``, ``formula`` (LaTeX), ``range`` (the registry's), ``observed_min`` and
        ``observed_max`` (on the grid), ``derivative_max`` and ``derivative_argmax``,
        ``kink_derivatives`` (``{kink: (left limit, value used, right limit)}``),
        ``zero_centred``, ``saturates``, ``smoothness`` and ``paper``.
    """
    from actlab.activations.registry import get

    rec = get(key)
    if rec.kind != "elementwise":
        raise ValueError(
            f"activation_profile: {key!r} is {rec.kind}, expected an elementwise activation"
        )
    if isinstance(num, bool) or not isinstance(num, int) or num < 3 or num % 2 == 0:
        raise ValueError(f"activation_profile: num must be an odd int >= 3, got {num!r}")
    x = np.linspace(-x_max, x_max, num)
    f = rec.forward(x, **params)
    df = rec.derivative(x, **params)
    i = int(np.argmax(df))
    kinks = {}
    for k in rec.kinks:
        k = float(k)
        eps = 1e-9 * max(1.0, abs(k))
        left, at, right = rec.derivative(np.array([k - eps, k, k + eps]), **params)
        kinks[k] = (float(left), float(at), float(right))
    return {
        "name": rec.name,
        "formula": rec.formula,
        "range": tuple(float(v) for v in rec.range),
        "observed_min": float(f.min()),
        "observed_max": float(f.max()),
        "derivative_max": float(df[i]),
        "derivative_argmax": float(x[i]) if abs(x[i]) > 1e-12 else 0.0,
        "kink_derivatives": kinks,
        "zero_centred": rec.zero_centred,
        "saturates": rec.saturates,
        "smoothness": rec.smoothness,
        "paper": rec.paper,
    }


def side_label(side: str, lang: str = "en") -> str:
    """A registry record's ``saturates`` value (``"left"``, ``"right"``, ``"both"``, ``"none"``)
    in ``lang``; another value is returned as it is."""
    labels = {
        "left": t("result.side.left", lang),
        "right": t("result.side.right", lang),
        "both": t("result.side.both", lang),
        "none": t("result.side.none", lang),
    }
    return labels.get(side, side)


def profile_rows(
    keys: Sequence[str], *, x_max: float = 5.0, num: int = 100001, lang: str = "en"
) -> list[dict[str, Any]]:
    """One printable row per activation: range, observed extremes, derivative maximum and kinks,
    labelled in ``lang`` (``"en"`` or ``"zh"``).

    The range is written in interval notation from the registry's closure of the image: a bracket
    where the function reaches the end at a finite input (ReLU's 0: ``[0, inf)``), a parenthesis
    where it only approaches it (sigmoid's 0 and 1: ``(0, 1)``); see
    :func:`actlab.experiments.selection.attained_ends`. The extremes are observed on
    :math:`[-x_{max}, x_{max}]`; the ``kink f'`` column reads ``x: left limit / value used / right
    limit``.

    Examples::

        >>> [row["range"] for row in profile_rows(["relu", "sigmoid"], num=101)]
        ['[0, inf)', '(0, 1)']
    """
    from actlab.experiments.selection import attained_ends, format_range

    rows = []
    window = f"[-{x_max:g}, {x_max:g}]"
    for key in keys:
        p = activation_profile(key, x_max=x_max, num=num)
        kinks = "; ".join(
            f"{k:g}: {a:g} / {b:g} / {c:g}" for k, (a, b, c) in p["kink_derivatives"].items()
        )
        rows.append(
            {
                t("result.activation", lang): p["name"],
                t("result.profile.range", lang): format_range(p["range"], attained_ends(key)),
                t("result.profile.min_on", lang, window=window): p["observed_min"],
                t("result.profile.max_on", lang, window=window): p["observed_max"],
                t("result.profile.max_derivative", lang): p["derivative_max"],
                t("result.profile.kink", lang): kinks or t("result.none", lang),
                t("result.zero_centred", lang): p["zero_centred"],
                t("result.profile.saturates", lang): side_label(p["saturates"], lang),
            }
        )
    return rows


def range_rows(
    keys: Sequence[str], *, x_max: float = 5.0, num: int = 100001, lang: str = "en"
) -> list[dict[str, Any]]:
    """The range columns of :func:`profile_rows` only: the registry's range and the extremes seen,
    labelled in ``lang``.

    Examples::

        >>> [row["range"] for row in range_rows(["tanh"], num=101)]
        ['(-1, 1)']
    """
    # the first four columns of profile_rows: name, range, smallest and largest value seen
    return [
        dict(list(row.items())[:4])
        for row in profile_rows(keys, x_max=x_max, num=num, lang=lang)
    ]
