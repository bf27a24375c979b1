"""How far GELU's two cheap approximations are from the exact GELU.

Hendrycks & Gimpel (2016) define GELU as :math:`x\\,\\Phi(x)` and give two approximations:

.. math::

    \\text{tanh form:}\\quad
    \\tfrac12 x\\bigl(1 + \\tanh\\bigl[\\sqrt{2/\\pi}\\,(x + 0.044715x^3)\\bigr]\\bigr),
    \\qquad
    \\text{sigmoid form:}\\quad x\\,\\sigma(1.702x).

The tanh form is torch's ``GELU(approximate='tanh')``; the sigmoid form is Swish with
:math:`\\beta = 1.702`. The errors are measured here in float64 against the package's exact GELU
(computed through ``erfc``, accurate to a few ULP), so the numbers below are the approximations'
own errors, not rounding noise.
"""

from __future__ import annotations

import numpy as np

from actlab.i18n import t

__all__ = [
    "SIGMOID_GELU_SCALE",
    "gelu_approximation_errors",
    "summary_rows",
]

#: The slope of the sigmoid approximation x * sigmoid(1.702 x) (Hendrycks & Gimpel 2016).
SIGMOID_GELU_SCALE = 1.702


def gelu_approximation_errors(
    x_min: float = -10.0, x_max: float = 10.0, num: int = 200_001
) -> dict[str, object]:
    """Maximum absolute error of GELU's tanh and sigmoid approximations on a grid.

    .. math::

        e_{\\text{tanh}}(x) = |\\text{gelu}_{\\tanh}(x) - x\\Phi(x)|,\\qquad
        e_{\\sigma}(x) = |x\\sigma(1.702x) - x\\Phi(x)|

    Args:
        x_min: left end of the grid. Default: -10.
        x_max: right end of the grid. Default: 10.
        num: number of evenly spaced points, at least 3. Default: 200001 (a step of 1e-4 on
            [-10, 10]).

    Returns:
        A dict with ``x`` (the grid), ``exact`` (GELU on it), ``approximations`` (a dict
        ``{"tanh": array, "sigmoid": array}`` of the approximations' values), ``errors`` (the same
        keys, absolute errors) and ``summary``, a list of one dict
        per approximation with ``name``, ``formula``, ``max_abs_error`` and ``at_abs_x`` (the |x|
        where the maximum is reached; the error magnitude is symmetric about 0, so
        both signs reach it).

    Shape:
        ``x``, ``exact`` and every array in ``approximations`` and ``errors``: ``(num,)``.

    Examples::

        >>> r = gelu_approximation_errors(num=2001)
        >>> [row["name"] for row in r["summary"]]
        ['tanh', 'sigmoid']
    """
    x_min, x_max = float(x_min), float(x_max)
    if not (np.isfinite(x_min) and np.isfinite(x_max) and x_min < x_max):
        raise ValueError(
            f"gelu_approximation_errors: need finite x_min < x_max, got x_min={x_min}, x_max={x_max}"
        )
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 3:
        raise ValueError(f"gelu_approximation_errors: num must be an int >= 3, got {num!r}")

    from actlab.activations import gelu, sigmoid

    x = np.linspace(x_min, x_max, int(num), dtype=np.float64)
    exact = gelu(x)
    approximations = {
        "tanh": (
            gelu(x, approximate="tanh"),
            r"\frac{x}{2}\left(1+\tanh\left[\sqrt{2/\pi}\,(x+0.044715x^3)\right]\right)",
        ),
        "sigmoid": (x * sigmoid(SIGMOID_GELU_SCALE * x), r"x\,\sigma(1.702x)"),
    }
    errors: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    summary: list[dict[str, object]] = []
    for name, (approx, formula) in approximations.items():
        err = np.abs(approx - exact)
        values[name] = approx
        errors[name] = err
        peak = float(err.max())
        # Among (near-)ties, report the largest |x|: the error is symmetric about 0 up to rounding.
        ties = np.flatnonzero(err >= peak * (1 - 1e-9))
        at = float(np.abs(x[ties]).max())
        summary.append({"name": name, "formula": formula, "max_abs_error": peak, "at_abs_x": at})
    return {"x": x, "exact": exact, "approximations": values, "errors": errors, "summary": summary}


def summary_rows(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`gelu_approximation_errors`'s summary with the columns the chapter prints, labelled
    in ``lang``."""
    return [
        {
            t("result.gelu.approximation", lang): r["name"],
            t("result.gelu.max_error", lang): r["max_abs_error"],
            t("result.gelu.at", lang): r["at_abs_x"],
        }
        for r in result["summary"]
    ]
