r"""Chapter 2 experiment: textbook formulas against the package's numerically stable ones.

The formulas as printed in textbooks are exact in real arithmetic but not in floating point:

* :math:`\sigma(x) = 1/(1 + e^{-x})` overflows in :math:`e^{-x}` for large negative :math:`x`;
* :math:`\operatorname{softplus}(x) = \log(1 + e^{x})` overflows for large positive :math:`x`
  (it returns inf above 88.7 in float32) and loses everything below about -16.6, where
  :math:`1 + e^x` rounds to 1;
* :math:`\tanh x = (e^x - e^{-x})/(e^x + e^{-x})` returns inf/inf = NaN once :math:`|x| > 88.7`;
* the derivative :math:`\sigma(1 - \sigma)` cancels to 0 once :math:`\sigma` rounds to 1.

:func:`compare` evaluates each naive formula and the package's function on the same inputs,
recording the value, whether numpy warned, and the error against a float64 reference computed
with stable formulas. :func:`stability_table` prints them; an error of at most one unit in the last
place (ulp) is shown as ``<= 1 ulp``, because whether a naive formula lands on the correctly rounded
value or on its neighbour depends on the CPU's vector instructions (numpy's ``exp`` differs in the
last bit between them). :func:`subnormal_facts` shows why sigmoid(-100) is 3.78e-44 in float32.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = [
    "NAIVE",
    "compare",
    "naive_sigmoid",
    "naive_sigmoid_grad",
    "naive_softplus",
    "naive_tanh",
    "reference",
    "stability_table",
    "subnormal_facts",
    "ulp_distance",
]


def naive_sigmoid(x: np.ndarray) -> np.ndarray:
    """The textbook ``1 / (1 + exp(-x))``, kept naive on purpose."""
    return 1 / (1 + np.exp(-x))


def naive_softplus(x: np.ndarray) -> np.ndarray:
    """The textbook ``log(1 + exp(x))``, kept naive on purpose."""
    return np.log(1 + np.exp(x))


def naive_tanh(x: np.ndarray) -> np.ndarray:
    """The textbook ``(exp(x) - exp(-x)) / (exp(x) + exp(-x))``, kept naive on purpose."""
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def naive_sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """The textbook ``s * (1 - s)`` with ``s = 1 / (1 + exp(-x))``."""
    s = naive_sigmoid(x)
    return s * (1 - s)


#: registry key -> naive formula of the same function
NAIVE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": naive_sigmoid,
    "softplus": naive_softplus,
    "tanh": naive_tanh,
    "sigmoid_grad": naive_sigmoid_grad,
}


def _ref_sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def reference(name: str, x: float) -> float:
    """A float64 value of ``name`` at ``x`` from formulas that cannot overflow or cancel.

    ``sigmoid``: the two-branch form; ``softplus``: :math:`\\max(x, 0) + \\log1p(e^{-|x|})`;
    ``tanh``: ``math.tanh``; ``sigmoid_grad``: :math:`\\sigma(x)\\sigma(-x)`.
    """
    x = float(x)
    if name == "sigmoid":
        return _ref_sigmoid(x)
    if name == "softplus":
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    if name == "tanh":
        return math.tanh(x)
    if name == "sigmoid_grad":
        return _ref_sigmoid(x) * _ref_sigmoid(-x)
    raise ValueError(f"reference: name must be one of {sorted(NAIVE)}, got {name!r}")


def _package(name: str) -> Callable[[np.ndarray], np.ndarray]:
    from actlab.activations.registry import get

    if name == "sigmoid_grad":
        return get("sigmoid").derivative
    return get(name).forward


def _call(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> tuple[float, list[str]]:
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        value = float(np.asarray(f(x)).reshape(-1)[0])
    kinds = sorted({str(w.message).split(" encountered")[0] for w in caught})
    return value, kinds


def compare(
    names: Sequence[str] = ("sigmoid", "softplus", "tanh", "sigmoid_grad"),
    xs: Sequence[float] = (-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0),
    *,
    dtype: Any = np.float32,
) -> list[dict[str, Any]]:
    """Evaluate each naive formula and the package's function at each ``x`` in ``dtype``.

    Returns:
        One row per (name, x): ``function``, ``x``, ``naive``, ``naive_warnings`` (numpy's
        floating-point warnings, e.g. ``["overflow"]``), ``package``, ``package_warnings``,
        ``reference`` (float64), ``reference_rounded`` (the reference rounded to ``dtype``),
        the relative errors ``naive_rel_error`` and ``package_rel_error`` (relative to the
        reference rounded to ``dtype``, so a correctly rounded result has error 0, and 0 where
        the true value is tiny but not 0 has error 1; NaN and inf count as ``inf``) and the
        distances ``naive_ulps`` and ``package_ulps`` in units in the last place of ``dtype``
        (``None`` for NaN or inf).
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"compare: dtype must be a floating dtype, got {dtype}")
    rows = []
    for name in names:
        if name not in NAIVE:
            raise ValueError(f"compare: names must be among {sorted(NAIVE)}, got {name!r}")
        naive, package = NAIVE[name], _package(name)
        for x in xs:
            arr = np.array([x], dtype=dtype)
            ref = reference(name, float(arr[0]))
            ref_rounded = float(dtype.type(ref))
            row: dict[str, Any] = {
                "function": name,
                "x": float(arr[0]),
                "reference": ref,
                "reference_rounded": ref_rounded,
            }
            for label, f in (("naive", naive), ("package", package)):
                value, kinds = _call(f, arr)
                row[label] = value
                row[f"{label}_warnings"] = kinds
                if value == ref_rounded:
                    err = 0.0
                elif not math.isfinite(value) or ref_rounded == 0.0:
                    err = math.inf
                else:
                    err = float(abs(value - ref_rounded) / abs(ref_rounded))
                row[f"{label}_rel_error"] = err
                row[f"{label}_ulps"] = ulp_distance(value, ref_rounded, dtype)
            rows.append(row)
    return rows


def ulp_distance(a: float, b: float, dtype: Any = np.float32) -> int | None:
    """How many representable ``dtype`` numbers lie between ``a`` and ``b``, plus one (0: equal).

    Both values are rounded to ``dtype`` first; ``None`` if either is NaN or infinite.

    Examples::

        >>> ulp_distance(1.0, float(np.nextafter(np.float32(1), np.float32(2))))
        1
        >>> ulp_distance(-0.0, 0.0), ulp_distance(1.0, math.inf)
        (0, None)
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"ulp_distance: dtype must be a floating dtype, got {dtype}")
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    ints = np.dtype(f"i{dtype.itemsize}")

    def ordered(v: float) -> int:
        # IEEE floats of one sign are ordered like their bit patterns; fold the negatives below 0
        i = int(np.array([v], dtype=dtype).view(ints)[0])
        return i if i >= 0 else -(i & ~np.iinfo(ints).min)

    return abs(ordered(a) - ordered(b))


def _error_cell(ulps: int | None, rel: float) -> Any:
    if ulps is None:
        return math.inf
    return "<= 1 ulp" if ulps <= 1 else rel


def _warning_label(kind: str, lang: str) -> str:
    labels = {
        "overflow": t("result.stability.overflow", lang),
        "underflow": t("result.stability.underflow", lang),
        "invalid value": t("result.stability.invalid", lang),
        "divide by zero": t("result.stability.divide", lang),
    }
    return labels.get(kind, kind)


def stability_table(rows: Sequence[dict[str, Any]], *, lang: str = "en") -> list[dict[str, Any]]:
    """Printable rows of :func:`compare`: values, warnings and errors of both routes, labelled in
    ``lang`` (numpy's warnings too).

    An error is ``<= 1 ulp`` when the result is the correctly rounded value or its neighbour,
    otherwise the relative error (1: every digit lost) or ``inf`` (the result is inf or NaN).
    """
    separator = t("result.list_separator", lang)
    return [
        {
            t("result.stability.function", lang): r["function"],
            "x": r["x"],
            t("result.stability.naive", lang): r["naive"],
            t("result.stability.warnings", lang): separator.join(
                _warning_label(w, lang) for w in r["naive_warnings"]
            )
            or "-",
            t("result.stability.naive_error", lang): _error_cell(
                r["naive_ulps"], r["naive_rel_error"]
            ),
            t("result.stability.package", lang): r["package"],
            t("result.stability.package_error", lang): _error_cell(
                r["package_ulps"], r["package_rel_error"]
            ),
            t("result.stability.reference", lang): r["reference"],
        }
        for r in rows
    ]


def subnormal_facts(
    name: str = "sigmoid", x: float = -100.0, dtype: Any = np.float32, *, lang: str = "en"
) -> dict[str, Any]:
    """Why a tiny value prints differently in ``dtype`` than in float64: the subnormal spacing,
    labelled in ``lang``.

    Below the smallest normal number of ``dtype`` (1.18e-38 in float32), the representable
    numbers are evenly spaced by the smallest subnormal (1.4e-45 in float32), so a value there
    keeps only a few significant digits.
    """
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    ref = reference(name, x)
    spacing = float(info.smallest_subnormal)
    return {
        t("result.subnormal.reference", lang, value=f"{name}({x:g})"): ref,
        t("result.subnormal.smallest_normal", lang, dtype=dtype.name): float(info.smallest_normal),
        t("result.subnormal.spacing", lang, dtype=dtype.name): spacing,
        t("result.subnormal.ratio", lang): ref / spacing,
        t("result.subnormal.nearest", lang, dtype=dtype.name): float(dtype.type(ref)),
    }
