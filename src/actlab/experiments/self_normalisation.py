"""SELU's fixed point: the moments of SELU of a Gaussian, in closed form and through depth.

Klambauer et al. (2017) chose SELU's two constants so that, for a pre-activation
:math:`z \\sim \\mathcal N(\\mu, \\nu)`, the output moments map :math:`(\\mu, \\nu) = (0, 1)` to
itself, and the map is attracting. With weights :math:`W \\sim \\mathcal N(0, 1/n)` a layer's
pre-activation has the mean and variance of the previous layer's output, so a deep stack of SELU
layers keeps its activations at mean 0 and variance 1 without any normalisation layer.

This module gives the map in closed form (Gaussian integrals written with :math:`\\Phi`) and
iterates it; :func:`actlab.experiments.propagation.propagate_statistics` measures the same thing
on a real random network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import ndtr

from actlab.i18n import t

__all__ = [
    "SELU_ALPHA",
    "SELU_SCALE",
    "fixed_point_facts",
    "iterate_selu_moments",
    "iteration_rows",
    "iteration_table",
    "selu_moments",
]

#: SELU's constants, as in torch (Klambauer et al. 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _phi(u: float) -> float:
    return math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)


def selu_moments(
    mean: float = 0.0, var: float = 1.0, *, alpha: float = SELU_ALPHA, scale: float = SELU_SCALE
) -> tuple[float, float]:
    """Mean and variance of ``scale * elu(z, alpha)`` for ``z ~ N(mean, var)``, in closed form.

    .. math::

        \\tilde\\mu = \\lambda\\Bigl[\\mu\\Phi(\\tfrac{\\mu}{\\sigma}) + \\sigma\\varphi(\\tfrac{\\mu}{\\sigma})
            + \\alpha e^{\\mu+\\sigma^2/2}\\Phi\\bigl(-\\tfrac{\\mu+\\sigma^2}{\\sigma}\\bigr)
            - \\alpha\\Phi(-\\tfrac{\\mu}{\\sigma})\\Bigr]

        \\mathbb E[f^2] = \\lambda^2\\Bigl[(\\mu^2+\\sigma^2)\\Phi(\\tfrac{\\mu}{\\sigma})
            + \\mu\\sigma\\varphi(\\tfrac{\\mu}{\\sigma})
            + \\alpha^2\\bigl(e^{2\\mu+2\\sigma^2}\\Phi(-\\tfrac{\\mu+2\\sigma^2}{\\sigma})
            - 2e^{\\mu+\\sigma^2/2}\\Phi(-\\tfrac{\\mu+\\sigma^2}{\\sigma})
            + \\Phi(-\\tfrac{\\mu}{\\sigma})\\bigr)\\Bigr]

    and :math:`\\tilde\\nu = \\mathbb E[f^2] - \\tilde\\mu^2`.

    Args:
        mean: the input mean :math:`\\mu`. Default: 0.
        var: the input variance :math:`\\nu = \\sigma^2 > 0`. Default: 1.
        alpha: ELU's :math:`\\alpha`. Default: SELU's 1.6733.
        scale: the outer :math:`\\lambda`. Default: SELU's 1.0507.

    Returns:
        ``(output_mean, output_var)`` as floats.

    Examples::

        >>> m, v = selu_moments(0.0, 1.0)
        >>> abs(m) < 1e-12 and abs(v - 1) < 1e-12
        True
    """
    mu, nu = float(mean), float(var)
    if not math.isfinite(mu) or not (math.isfinite(nu) and nu > 0):
        raise ValueError(
            f"selu_moments: need a finite mean and a finite var > 0, got mean={mean!r}, var={var!r}"
        )
    if not (0.0 < nu <= 50.0 and abs(mu) <= 50.0):
        # exp(2*mu + 2*var) overflows float64 long before this, and the network never goes there.
        raise ValueError(
            f"selu_moments: mean must be in [-50, 50] and var in (0, 50], got mean={mu}, var={nu}"
        )
    sd = math.sqrt(nu)
    a = mu / sd
    pos_mean = mu * ndtr(a) + sd * _phi(a)
    pos_sq = (mu * mu + nu) * ndtr(a) + mu * sd * _phi(a)
    e1 = math.exp(mu + nu / 2) * ndtr(-(mu + nu) / sd)
    e2 = math.exp(2 * mu + 2 * nu) * ndtr(-(mu + 2 * nu) / sd)
    p_neg = ndtr(-a)
    out_mean = scale * (pos_mean + alpha * (e1 - p_neg))
    out_sq = scale**2 * (pos_sq + alpha**2 * (e2 - 2 * e1 + p_neg))
    return float(out_mean), float(out_sq - out_mean**2)


def iterate_selu_moments(mean: float, var: float, steps: int = 10) -> dict[str, np.ndarray]:
    """Apply the SELU moment map ``steps`` times, as a wide layer with N(0, 1/n) weights would.

    With :math:`W_{ij} \\sim \\mathcal N(0, 1/n)` and inputs of mean :math:`\\mu` and second moment
    :math:`m_2`, the next pre-activation has mean 0 and variance :math:`m_2` (the weights are
    zero-mean); the mean of the previous layer reaches the next one only through the second moment.
    Written in terms of the pre-activations the map is therefore
    :math:`(0, \\nu) \\mapsto (0, \\tilde\\mu^2 + \\tilde\\nu)`, and the *output* moments
    :math:`(\\tilde\\mu, \\tilde\\nu)` are what a measurement of the activations sees.

    Args:
        mean: mean of the first pre-activation.
        var: variance of the first pre-activation, > 0.
        steps: number of layers, >= 1. Default: 10.

    Returns:
        ``{"layer": 1..steps, "mean": output means, "var": output variances}``, arrays of length
        ``steps``.

    Examples::

        >>> r = iterate_selu_moments(0.0, 2.0, steps=20)
        >>> abs(r["var"][-1] - 1.0) < 1e-3
        True
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"iterate_selu_moments: steps must be an int >= 1, got {steps!r}")
    means, variances = [], []
    mu, nu = float(mean), float(var)
    for _ in range(int(steps)):
        out_mu, out_nu = selu_moments(mu, nu)
        means.append(out_mu)
        variances.append(out_nu)
        mu, nu = 0.0, out_mu**2 + out_nu
    return {
        "layer": np.arange(1, int(steps) + 1),
        "mean": np.array(means),
        "var": np.array(variances),
    }


def iteration_rows(
    starts: Sequence[float] = (3.0, 0.2), layers: Sequence[int] = (1, 5, 30)
) -> list[dict[str, object]]:
    """The output variance after the given layers, for each starting variance (mean 0).

    Args:
        starts: variances of the first pre-activation. Default: (3.0, 0.2).
        layers: layers to report, 1 first. Default: (1, 5, 30).

    Returns:
        One dict per start: ``start_var`` and ``var_L`` for each ``L`` of ``layers``.

    Examples::

        >>> iteration_rows((1.0,), (1,))[0]["var_1"] == selu_moments(0.0, 1.0)[1]
        True
    """
    layers = [int(v) for v in layers]
    if not layers or min(layers) < 1:
        raise ValueError(f"iteration_rows: layers must be ints >= 1, got {layers!r}")
    rows: list[dict[str, object]] = []
    for start in starts:
        it = iterate_selu_moments(0.0, float(start), steps=max(layers))
        rows.append({"start_var": float(start), **{f"var_{k}": float(it["var"][k - 1]) for k in layers}})
    return rows


def iteration_table(
    rows: Sequence[dict[str, object]], *, lang: str = "en"
) -> list[dict[str, object]]:
    """:func:`iteration_rows` for printing: the starting variance and the variance after each layer
    reported, labelled in ``lang``."""
    out = []
    for r in rows:
        row: dict[str, object] = {t("result.selu.start_var", lang): r["start_var"]}
        for key, value in r.items():
            if key.startswith("var_"):
                row[t("result.selu.var", lang, layer=int(key.removeprefix("var_")))] = value
        out.append(row)
    return out


def fixed_point_facts(mean: float, variance: float, *, lang: str = "en") -> dict[str, object]:
    """SELU of N(0, 1): a quadrature's moments and the closed form's, as bounds on the errors,
    labelled in ``lang``.

    Args:
        mean: the mean computed by quadrature.
        variance: the variance computed by quadrature.
        lang: ``"en"`` or ``"zh"``. Default: ``"en"``.
    """
    from actlab.plotting.tables import Below

    closed_mean, closed_variance = selu_moments(0.0, 1.0)
    return {
        t("result.selu.grid_mean", lang): Below(abs(float(mean)), 1e-8),
        t("result.selu.grid_variance", lang): Below(abs(float(variance) - 1.0), 1e-8),
        t("result.selu.closed_mean", lang): Below(abs(closed_mean), 1e-12),
        t("result.selu.closed_variance", lang): Below(abs(closed_variance - 1.0), 1e-12),
    }
