"""The output layer's activation is chosen with the loss, not like a hidden unit.

Three measurements for chapter 3:

* :func:`stable_loss_table`: the textbook pairings ``log(sigmoid(z))`` and ``log(softmax(z))``
  return ``inf``/``nan`` for large logits in float32, while the fused forms torch offers
  (``BCEWithLogitsLoss``, ``log_softmax`` + ``NLLLoss`` = ``CrossEntropyLoss``) stay finite and exact;
* :func:`output_gradient_curves`: with a sigmoid output, squared error gives a gradient
  :math:`(p-y)\\,p(1-p)` that vanishes when the prediction is confidently wrong, while binary
  cross-entropy gives :math:`p - y`;
* :func:`regression_output_comparison`: a regression target outside (0, 1) is out of reach of a
  sigmoid output, and an identity output fits it;
* :func:`probability_outputs`: sigmoid's outputs lie in (0, 1), tanh's in (-1, 1); tanh gives a
  probability only once rescaled, and :math:`(1 + \\tanh x)/2 = \\sigma(2x)` is a sigmoid.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actlab.i18n import t

__all__ = [
    "gradient_facts",
    "loss_rows",
    "output_gradient_curves",
    "probability_facts",
    "probability_outputs",
    "probability_table",
    "regression_output_comparison",
    "regression_rows",
    "stable_loss_table",
]


def probability_outputs(x_max: float = 10.0, num: int = 2001) -> dict[str, object]:
    """The output ranges of sigmoid and tanh, and tanh rescaled to (0, 1) against a sigmoid.

    Args:
        x_max: the logits run over ``[-x_max, x_max]``. Default: 10.
        num: grid points. Default: 2001.

    Returns:
        ``{"rows": [{"output", "min", "max"}, ...], "rescaled_difference"}``: one row each for
        sigmoid and tanh (the package's numpy forwards, float64), and
        :math:`\\max_x |(1 + \\tanh x)/2 - \\sigma(2x)|` on the grid.
    """
    from actlab.activations import sigmoid, tanh

    x = np.linspace(-float(x_max), float(x_max), int(num))
    rows = [
        {"output": name, "min": float(f(x).min()), "max": float(f(x).max())}
        for name, f in (("sigmoid", sigmoid), ("tanh", tanh))
    ]
    difference = float(np.max(np.abs((1.0 + tanh(x)) / 2.0 - sigmoid(2.0 * x))))
    return {"rows": rows, "rescaled_difference": difference}


def stable_loss_table(
    logits: Sequence[float] = (2.0, 20.0, 50.0, 100.0),
) -> list[dict[str, object]]:
    """Loss of a confidently wrong prediction, textbook form against fused form, in float32.

    For each logit magnitude :math:`z`, the true class is the one the model rates lowest:

    * binary: label 0, logit :math:`z`; the exact loss is :math:`\\text{softplus}(z) \\approx z`;
      the textbook loss is ``-log(1 - sigmoid(z))``, the fused one is
      ``torch.nn.functional.binary_cross_entropy_with_logits``;
    * multi-class: logits ``(z, 0, -z)`` with the true class last; the exact loss is
      :math:`2z + \\log(1 + e^{-z} + e^{-2z})`; the textbook loss is ``-log(softmax(z))[2]``, the
      fused one is ``torch.nn.functional.cross_entropy`` (``log_softmax`` then NLL).

    Args:
        logits: positive logit magnitudes. Default: (2, 20, 50, 100).

    Returns:
        One dict per logit: ``z``, ``bce_naive``, ``bce_fused``, ``bce_exact``, ``ce_naive``,
        ``ce_fused``, ``ce_exact`` (floats; a naive entry may be ``inf``).

    Examples::

        >>> row = stable_loss_table([100.0])[0]
        >>> row["bce_naive"], row["bce_fused"]
        (inf, 100.0)
    """
    import torch
    import torch.nn.functional as F

    values = [float(z) for z in logits]
    if not values or not all(np.isfinite(z) and z > 0 for z in values):
        raise ValueError(
            f"stable_loss_table: logits must be a non-empty sequence of finite numbers > 0, got {logits!r}"
        )
    rows: list[dict[str, object]] = []
    for z in values:
        zt = torch.tensor([z], dtype=torch.float32)
        zero = torch.zeros(1)
        bce_naive = float(-torch.log(1 - torch.sigmoid(zt))[0])
        bce_fused = float(F.binary_cross_entropy_with_logits(zt, zero))
        multi = torch.tensor([[z, 0.0, -z]], dtype=torch.float32)
        target = torch.tensor([2])
        ce_naive = float(-torch.log(torch.softmax(multi, dim=1))[0, 2])
        ce_fused = float(F.cross_entropy(multi, target))
        rows.append(
            {
                "z": z,
                "bce_naive": bce_naive,
                "bce_fused": bce_fused,
                "bce_exact": float(np.logaddexp(0.0, z)),
                "ce_naive": ce_naive,
                "ce_fused": ce_fused,
                "ce_exact": float(2 * z + np.log1p(np.exp(-z) + np.exp(-2 * z))),
            }
        )
    return rows


def output_gradient_curves(
    z_min: float = -10.0, z_max: float = 10.0, num: int = 401
) -> dict[str, np.ndarray]:
    """Gradient of the loss with respect to a sigmoid output's logit, for label 1.

    .. math::

        \\frac{\\partial}{\\partial z}\\,\\tfrac12(\\sigma(z) - 1)^2 = (\\sigma(z)-1)\\,\\sigma(z)(1-\\sigma(z)),
        \\qquad
        \\frac{\\partial}{\\partial z}\\bigl(-\\log\\sigma(z)\\bigr) = \\sigma(z) - 1.

    The first vanishes as :math:`z \\to -\\infty`, i.e. exactly when the prediction is most wrong.

    Args:
        z_min: smallest logit. Default: -10.
        z_max: largest logit. Default: 10.
        num: number of points. Default: 401.

    Returns:
        ``{"z", "p" (sigmoid(z)), "grad_mse", "grad_bce"}``, float64 arrays of shape ``(num,)``.
    """
    if not (np.isfinite(z_min) and np.isfinite(z_max) and z_min < z_max):
        raise ValueError(
            f"output_gradient_curves: need finite z_min < z_max, got z_min={z_min}, z_max={z_max}"
        )
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 2:
        raise ValueError(f"output_gradient_curves: num must be an int >= 2, got {num!r}")
    from actlab.activations import sigmoid

    z = np.linspace(float(z_min), float(z_max), int(num))
    p = sigmoid(z)
    # 1 - sigmoid(z) = sigmoid(-z), without cancellation
    q = sigmoid(-z)
    return {"z": z, "p": p, "grad_mse": -q * p * q, "grad_bce": -q}


def regression_output_comparison(
    *,
    n: int = 256,
    hidden: int = 32,
    epochs: int = 300,
    lr: float = 0.01,
    seed: int = 0,
) -> dict[str, object]:
    """Fit a 1-D regression target in [-2, 2] with an identity output and with a sigmoid output.

    The target is :math:`y = 2\\sin(2x)` on :math:`x \\in [-2, 2]`. Both models are the same
    ``1 → hidden → hidden → 1`` tanh MLP trained full-batch with Adam on squared error; only the
    output activation differs. A sigmoid output can only produce values in (0, 1).

    Args:
        n: number of training points. Default: 256.
        hidden: hidden width. Default: 32.
        epochs: full-batch Adam steps. Default: 300.
        lr: Adam learning rate. Default: 0.01.
        seed: seed of the data and the weights. Default: 0.

    Returns:
        ``{"x", "y", "rows"}`` where ``rows`` holds one dict per output activation with ``output``
        (``"identity"`` or ``"sigmoid"``), ``mse`` (final training MSE), ``pred_min``,
        ``pred_max`` and ``pred`` (predictions on ``x``, an array).
    """
    import torch

    from actlab.networks import make_mlp
    from actlab.reproducibility import rng

    for name, value in (("n", n), ("hidden", hidden), ("epochs", epochs)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(
                f"regression_output_comparison: {name} must be an int >= 1, got {value!r}"
            )
    gen = rng(seed)
    x = np.sort(gen.uniform(-2.0, 2.0, int(n)))
    y = 2.0 * np.sin(2.0 * x)
    # float64: the result must not depend on the CPU's vector kernels
    xt = torch.tensor(x[:, None], dtype=torch.float64)
    yt = torch.tensor(y[:, None], dtype=torch.float64)
    rows: list[dict[str, object]] = []
    for output in ("identity", "sigmoid"):
        torch.manual_seed(seed)
        body = make_mlp([1, hidden, hidden, 1], activation="tanh", init="xavier")
        net = body if output == "identity" else torch.nn.Sequential(body, _sigmoid_module())
        net = net.double()
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        for _ in range(int(epochs)):
            opt.zero_grad()
            loss = torch.mean((net(xt) - yt) ** 2)
            loss.backward()
            opt.step()
        with torch.no_grad():
            pred = net(xt).numpy()[:, 0]
        rows.append(
            {
                "output": output,
                "mse": float(np.mean((pred - y) ** 2)),
                "pred_min": float(pred.min()),
                "pred_max": float(pred.max()),
                "pred": pred,
            }
        )
    return {"x": x, "y": y, "rows": rows}


def _sigmoid_module():
    from actlab.activations.registry import get

    return get("sigmoid").module()


def probability_table(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """The output ranges of :func:`probability_outputs` for printing, labelled in ``lang``."""
    return [
        {
            t("result.output.output", lang): r["output"],
            t("result.min", lang): r["min"],
            t("result.max", lang): r["max"],
        }
        for r in result["rows"]
    ]


def probability_facts(result: dict[str, object], *, lang: str = "en") -> dict[str, object]:
    """The rescaling identity of :func:`probability_outputs`, for printing (a rounding-level bound);
    the label is a formula, the same in every ``lang``."""
    from actlab.i18n import normalize_lang
    from actlab.plotting.tables import Below

    normalize_lang(lang)
    return {
        "max |(1 + tanh x)/2 - sigmoid(2x)|": Below(float(result["rescaled_difference"]), 1e-12)
    }


def loss_rows(rows: Sequence[dict[str, float]], *, lang: str = "en") -> list[dict[str, float]]:
    """:func:`stable_loss_table` with the short column names the chapter prints, in ``lang``
    (torch's names, ``BCEWithLogits`` and ``cross_entropy``, stay as they are)."""
    names = {
        "z": "z",
        "bce_naive": t("result.loss.bce_textbook", lang),
        "bce_fused": "BCEWithLogits",
        "bce_exact": t("result.loss.bce_exact", lang),
        "ce_naive": t("result.loss.ce_textbook", lang),
        "ce_fused": "cross_entropy",
        "ce_exact": t("result.loss.ce_exact", lang),
    }
    return [{label: r[key] for key, label in names.items()} for r in rows]


def gradient_facts(
    curves: dict[str, np.ndarray], z: float = -10.0, *, lang: str = "en"
) -> dict[str, float]:
    """|dL/dz| of BCE and of squared error at logit ``z`` (a point of the curves' grid), labelled
    in ``lang``."""
    at = np.flatnonzero(curves["z"] == z)
    if at.size != 1:
        raise ValueError(f"gradient_facts: z = {z!r} is not a point of the curves' grid")
    i = int(at[0])
    return {
        t("result.output.gradient", lang, loss="BCE", z=f"{z:g}"): float(
            abs(curves["grad_bce"][i])
        ),
        t("result.output.gradient", lang, loss="MSE", z=f"{z:g}"): float(
            abs(curves["grad_mse"][i])
        ),
    }


def regression_rows(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`regression_output_comparison`'s rows with the columns the chapter prints, labelled in
    ``lang``."""
    from actlab.experiments._labels import run_label

    return [
        {
            t("result.output.output", lang): run_label(str(r["output"]), lang),
            t("result.output.train_mse", lang): r["mse"],
            t("result.min", lang): r["pred_min"],
            t("result.max", lang): r["pred_max"],
        }
        for r in result["rows"]
    ]
