r"""Chapter 2 experiments on saturation.

* :func:`glorot_saturation` -- Glorot and Bengio (2010), section 3.1: in a 4-layer sigmoid network
  with the "standard" initialisation :math:`U[\pm 1/\sqrt{n}]`, trained with plain SGD, the top
  hidden layer is driven towards 0 (its sigmoid saturates) early in training while the lower layers
  stay near 0.5; with tanh the same network learns.
* :func:`derivative_table` and :func:`saturation_onset` -- how fast sigmoid and tanh saturate,
  compared on the same inputs. Since :math:`\tanh x = 2\sigma(2x) - 1`, tanh is sigmoid stretched by
  2 vertically and squeezed by 2 horizontally: its derivative is 4 times larger at 0 and it saturates
  at half the input size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t

__all__ = [
    "derivative_crossing",
    "derivative_table",
    "glorot_saturation",
    "identity_facts",
    "onset_facts",
    "saturation_onset",
    "saturation_table",
    "tanh_sigmoid_identity",
]


def glorot_saturation(
    activation: str = "sigmoid",
    *,
    hidden: Sequence[int] = (256, 256, 256, 256),
    lr: float = 0.1,
    batch_size: int = 10,
    updates: int = 540,
    record_every: int = 10,
    init: str = "uniform",
    seed: int = 0,
) -> dict[str, Any]:
    r"""Train a deep MLP on digits with plain SGD and record each hidden layer's mean activation.

    The setting follows Glorot and Bengio (2010): four hidden layers of 256 units, weights
    :math:`U[\pm 1/\sqrt{n_{in}}]` with zero biases (``init="uniform"``), SGD with mini-batches of
    10. The run is in float64, so that it replays to the printed digits on any CPU. Glorot and Bengio trained for much longer on larger data; ``updates=540`` is about four
    epochs of the digits training split.

    Args:
        activation: registry key. Default: ``"sigmoid"``.
        hidden: hidden widths. Default: four layers of 256.
        lr: SGD learning rate. Default: 0.1.
        batch_size: mini-batch size. Default: 10.
        updates: number of SGD steps. Default: 540.
        record_every: steps between two measurements. Default: 10.
        init: initialisation name. Default: ``"uniform"``.
        seed: seed of the weights and the batch order. Default: 0.

    Returns:
        A dict with ``updates`` (the steps at which the statistics were taken, 0 first), ``mean``
        and ``std`` (arrays of shape ``(len(updates), len(hidden))``: mean and standard deviation
        over test images and units of each hidden layer's output), ``test_error`` (after training)
        and ``train_error``.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import evaluate, layer_outputs, make_mlp, train

    if isinstance(record_every, bool) or not isinstance(record_every, int) or record_every < 1:
        raise ValueError(
            f"glorot_saturation: record_every must be a positive int, got {record_every!r}"
        )
    train_set, test_set = digits("train", seed=seed), digits("test", seed=seed)
    probe, _ = to_tensors(test_set)
    probe = probe.to(torch.float64)
    net = make_mlp([64, *hidden, 10], activation, init=init, seed=seed).to(torch.float64)
    steps: list[int] = []
    means: list[list[float]] = []
    stds: list[list[float]] = []

    def record(model: Any, k: int) -> None:
        if k % record_every:
            return
        was_training = model.training
        model.eval()
        with torch.no_grad():
            outs = layer_outputs(model, probe)
        model.train(was_training)
        steps.append(k)
        means.append([float(o.mean()) for o in outs])
        stds.append([float(o.std()) for o in outs])

    record(net, 0)
    rows = train(
        net,
        train_set,
        epochs=updates // max(1, len(train_set) // batch_size) + 2,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        max_updates=updates,
        callback=record,
        dtype=torch.float64,
    )
    return {
        "updates": np.array(steps),
        "mean": np.array(means),
        "std": np.array(stds),
        "train_error": rows[-1]["train_error"],
        "test_error": evaluate(net, test_set)["error"],
    }


def derivative_table(
    keys: Sequence[str] = ("sigmoid", "tanh"), xs: Sequence[float] = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0)
) -> list[dict[str, float]]:
    """The derivative of each activation at each ``x``, as rows ``{"x": x, key: f'(x), ...}``.

    Also gives, per key, ``"<key>/max"``: the derivative divided by its maximum over the real line
    (taken at 0 for sigmoid and tanh, which is checked on a grid); and, for two keys ``(a, b)``,
    ``"<b>/<a>"``: the ratio of the two derivatives (for tanh over sigmoid, 4 at 0 and below 1
    beyond 1.66).
    """
    from actlab.activations.registry import get

    grid = np.linspace(-20, 20, 40001)
    peak = {k: float(np.max(get(k).derivative(grid))) for k in keys}
    rows = []
    for x in xs:
        row: dict[str, float] = {"x": float(x)}
        for k in keys:
            d = float(get(k).derivative(np.array([x], dtype=np.float64))[0])
            row[k] = d
            row[f"{k}/max"] = d / peak[k]
        if len(keys) == 2:
            a, b = keys
            row[f"{b}/{a}"] = row[b] / row[a]
        rows.append(row)
    return rows


def saturation_onset(key: str, fraction: float = 0.01) -> float:
    r"""The smallest :math:`x > 0` where :math:`f'(x)` falls below ``fraction`` of its maximum.

    For sigmoid with ``fraction=0.01`` this solves :math:`4\sigma(x)\sigma(-x) = 0.01`, about 6.0;
    for tanh it is half of that.

    Args:
        key: registry key of an activation whose derivative decays for large positive x.
        fraction: threshold relative to the derivative's maximum, in (0, 1). Default: 0.01.
    """
    from scipy.optimize import brentq

    from actlab.activations.registry import get

    if isinstance(fraction, bool) or not isinstance(fraction, float) or not 0 < fraction < 1:
        raise ValueError(f"saturation_onset: fraction must be a float in (0, 1), got {fraction!r}")
    rec = get(key)
    grid = np.linspace(-50, 50, 100001)
    peak = float(np.max(rec.derivative(grid)))

    def h(x: float) -> float:
        return float(rec.derivative(np.array([x]))[0]) - fraction * peak

    if h(50.0) > 0:
        raise ValueError(
            f"saturation_onset: the derivative of {key!r} does not fall below {fraction} of its "
            "maximum for x <= 50"
        )
    x0 = float(grid[np.argmax(rec.derivative(grid))])
    return float(brentq(h, max(x0, 0.0), 50.0, xtol=1e-12))


def saturation_table(
    results: dict[str, dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """Rows for :func:`glorot_saturation` results keyed by activation: first/top layer means, error,
    labelled in ``lang``."""
    rows = []
    for key, r in results.items():
        mean = np.asarray(r["mean"])
        rows.append(
            {
                t("result.activation", lang): key,
                t("result.saturation.first_start", lang): mean[0, 0],
                t("result.saturation.first_end", lang): mean[-1, 0],
                t("result.saturation.top_start", lang): mean[0, -1],
                t("result.saturation.top_end", lang): mean[-1, -1],
                t("result.saturation.updates", lang): int(np.asarray(r["updates"])[-1]),
                t("result.test_error", lang): r["test_error"],
            }
        )
    return rows


def tanh_sigmoid_identity(x_max: float = 20.0, num: int = 40001) -> float:
    r"""Largest :math:`|\tanh x - (2\sigma(2x) - 1)|` on a grid of :math:`[-x_{max}, x_{max}]`.

    The two sides are equal in exact arithmetic; in float64 the difference is a few ulps.
    """
    from actlab.activations.registry import get

    x = np.linspace(-x_max, x_max, num)
    return float(np.max(np.abs(get("tanh").forward(x) - (2 * get("sigmoid").forward(2 * x) - 1))))


def derivative_crossing(
    a: str = "sigmoid", b: str = "tanh", lo: float = 0.0, hi: float = 10.0
) -> float:
    """The :math:`x > 0` where the derivatives of ``a`` and ``b`` are equal (root of the difference).

    For sigmoid and tanh: below it tanh passes more gradient, above it sigmoid does.
    """
    from scipy.optimize import brentq

    from actlab.activations.registry import get

    da, db = get(a).derivative, get(b).derivative

    def h(x: float) -> float:
        return float(da(np.array([x]))[0] - db(np.array([x]))[0])

    if h(lo) * h(hi) > 0:
        raise ValueError(
            f"derivative_crossing: the derivatives of {a!r} and {b!r} do not cross on [{lo}, {hi}]"
        )
    return float(brentq(h, lo, hi, xtol=1e-12))


def identity_facts(x_max: float = 20.0, *, lang: str = "en") -> dict[str, Any]:
    r"""The labelled result of :func:`tanh_sigmoid_identity`, for printing, labelled in ``lang``.

    The difference is at float64 rounding level; its last digits depend on the CPU's vector
    instructions, so it is shown as a bound.
    """
    from actlab.plotting.tables import Below

    diff = tanh_sigmoid_identity(x_max)
    window = f"[-{x_max:g}, {x_max:g}]"
    return {t("result.identity.difference", lang, window=window): Below(diff, 1e-14)}


def onset_facts(
    keys: Sequence[str] = ("sigmoid", "tanh"), fraction: float = 0.01, *, lang: str = "en"
) -> dict[str, float]:
    """Where each derivative falls below ``fraction`` of its peak (:func:`saturation_onset`) and,
    for two keys, where the two derivatives cross (:func:`derivative_crossing`), labelled in
    ``lang``."""
    facts = {
        t("result.onset.below", lang, name=k, fraction=f"{fraction:.0%}"): saturation_onset(
            k, fraction
        )
        for k in keys
    }
    if len(keys) == 2:
        a, b = keys
        facts[t("result.onset.crossing", lang, a=a, b=b)] = derivative_crossing(a, b)
    return facts
