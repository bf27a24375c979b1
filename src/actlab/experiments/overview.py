"""Chapter 1 experiments: why a dense layer needs an activation, and what an activation's
properties look like.

* :func:`linear_collapse` -- a stack of dense layers without activations is one affine map;
* :func:`decision_boundaries` -- a linear model against a small MLP on XOR and two spirals;
* :func:`activation_properties` -- nonlinearity, smoothness and saturation as curves;
* :func:`bounded_outputs` -- sigmoid gives probabilities, softmax a distribution over classes.

The ``*_facts`` and ``*_table`` functions turn a result into the labelled numbers a chapter prints.
Small training runs are in float64, so that their printed digits are the same on every CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.reproducibility import rng as _rng

__all__ = [
    "activation_properties",
    "boundaries_table",
    "bounded_facts",
    "bounded_outputs",
    "collapse_facts",
    "dataset_label",
    "decision_boundaries",
    "linear_collapse",
    "properties_table",
]

#: bound shown for differences at float64 rounding level (their last digits vary between CPUs)
ROUNDING_BOUND = 1e-13


def linear_collapse(
    sizes: Sequence[int] = (4, 8, 8, 3), *, n: int = 6, seed: int = 0
) -> dict[str, Any]:
    r"""Show that ``Dense -> Dense -> ... -> Dense`` without activations equals one ``Dense``.

    For layers :math:`h_{k} = h_{k-1} W_k + b_k` the whole stack is :math:`x W + b` with

    .. math:: W = W_1 W_2 \cdots W_L, \qquad b = (\cdots((b_1 W_2 + b_2) W_3 + b_3) \cdots) W_L + b_L.

    The same comparison for the ReLU stack fits the best affine map by least squares and reports
    its residual, which stays large.

    Args:
        sizes: widths, input first. Default: ``(4, 8, 8, 3)``.
        n: number of random inputs. Default: 6.
        seed: seed of the weights (random non-zero biases) and the inputs. Default: 0.

    Returns:
        A dict with ``W`` (the product, shape ``(sizes[0], sizes[-1])``), ``b``, ``shapes`` (of the
        layers' weights), ``max_abs_difference`` between stack and collapsed map,
        ``rank`` of ``W`` and, for the ReLU stack, ``relu_affine_fit_residual`` (relative RMS
        residual of the best affine fit on 1000 inputs).
    """
    from actlab.networks import MLP

    sizes = list(sizes)
    if len(sizes) < 3:
        raise ValueError(f"linear_collapse: sizes needs at least one hidden layer, got {sizes}")
    g = _rng(seed)
    net = MLP(sizes, activation=None, init="xavier", seed=int(g.integers(2**32)))
    for layer in net.layers:  # non-zero biases, so the bias formula is really tested
        layer.b[:] = g.standard_normal(layer.b.shape)
    X = g.standard_normal((n, sizes[0]))
    W = np.eye(sizes[0])
    b = np.zeros(sizes[0])
    for layer in net.layers:
        W = W @ layer.W
        b = b @ layer.W + layer.b
    stacked = net.forward(X)
    collapsed = X @ W + b

    relu = MLP(sizes, activation="relu", init="he", seed=int(g.integers(2**32)))
    for layer in relu.layers:
        layer.b[:] = 0.1 * g.standard_normal(layer.b.shape)
    Xf = g.standard_normal((1000, sizes[0]))
    Yf = relu.forward(Xf)
    A = np.hstack([Xf, np.ones((1000, 1))])
    coef, *_ = np.linalg.lstsq(A, Yf, rcond=None)
    resid = Yf - A @ coef
    rel = float(np.sqrt(np.mean(resid**2)) / np.sqrt(np.mean((Yf - Yf.mean(axis=0)) ** 2)))
    return {
        "W": W,
        "b": b,
        "shapes": [tuple(layer.W.shape) for layer in net.layers],
        "stacked": stacked,
        "collapsed": collapsed,
        "max_abs_difference": float(np.max(np.abs(stacked - collapsed))),
        "rank": int(np.linalg.matrix_rank(W)),
        "relu_affine_fit_residual": rel,
    }


def collapse_facts(result: dict[str, Any], *, lang: str = "en") -> dict[str, Any]:
    """The labelled numbers of :func:`linear_collapse` for printing, labelled in ``lang``."""
    from actlab.plotting.tables import Below

    return {
        "max |stack(x) - (x W + b)|": Below(result["max_abs_difference"], ROUNDING_BOUND),
        t("result.collapse.rank", lang): result["rank"],
        t("result.collapse.residual", lang): result["relu_affine_fit_residual"],
    }


def _grid(X: np.ndarray, steps: int, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy


def decision_boundaries(
    datasets: Sequence[str] = ("xor", "spirals"),
    *,
    hidden: Sequence[int] = (32, 32),
    activation: str = "relu",
    n: int = 400,
    steps: int = 1000,
    lr: float = 0.003,
    grid_steps: int = 120,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Train a linear classifier and a small MLP on each 2-D data set; return their decision maps.

    Both are trained full-batch with Adam, in float64, on the same points, the learning rate
    decaying to 0 along a cosine: Adam at a constant rate amplifies last-bit differences between
    CPUs into a different final model, the decay damps them. The "linear" model is a single dense
    layer (logistic regression), the MLP has ``hidden`` widths and ``activation`` between layers.
    Accuracy is measured on the training points and on ``n`` fresh points from another seed.

    Args:
        datasets: names of :mod:`actlab.data` functions with two features. Default: xor, spirals.
        hidden: hidden widths of the MLP. Default: (32, 32).
        activation: registry key of the MLP's activation. Default: ``"relu"``.
        n: points per set. Default: 400.
        steps: full-batch Adam steps. Default: 1000.
        lr: Adam's initial learning rate (cosine decay to 0). Default: 0.003.
        grid_steps: resolution of the probability map. Default: 120.
        seed: seed of the data and the weights. Default: 0.

    Returns:
        One dict per (data set, model) with ``dataset``, ``model`` (``"linear"`` or ``"mlp"``),
        ``X``, ``y``, ``xx``, ``yy``, ``prob`` (probability of class 1 on the grid),
        ``train_accuracy`` and ``test_accuracy``.
    """
    import torch
    from torch.nn import functional as F

    from actlab import data as data_mod
    from actlab.networks import make_mlp

    results = []
    for name in datasets:
        make = getattr(data_mod, name, None)
        if name not in ("xor", "spirals", "moons", "circles") or make is None:
            raise ValueError(
                "decision_boundaries: datasets must be among 'xor', 'spirals', 'moons', 'circles', "
                f"got {name!r}"
            )
        train_set = make(n, seed=seed)
        test_set = make(n, seed=seed + 1)
        X, y = data_mod.to_tensors(train_set)
        Xt, yt = data_mod.to_tensors(test_set)
        X, Xt = X.to(torch.float64), Xt.to(torch.float64)
        xx, yy = _grid(train_set.X, grid_steps)
        G = torch.tensor(np.stack([xx.ravel(), yy.ravel()], axis=1), dtype=torch.float64)
        for model in ("linear", "mlp"):
            sizes = [2, 2] if model == "linear" else [2, *hidden, 2]
            init = "xavier" if activation in ("tanh", "sigmoid") else "he"
            net = make_mlp(sizes, activation, init=init, seed=seed).to(torch.float64)
            opt = torch.optim.Adam(net.parameters(), lr=lr)
            schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
            for _ in range(steps):
                opt.zero_grad()
                F.cross_entropy(net(X), y).backward()
                opt.step()
                schedule.step()
            with torch.no_grad():
                prob = torch.softmax(net(G), dim=1)[:, 1].numpy().reshape(xx.shape)
                acc = float((net(X).argmax(1) == y).float().mean())
                test_acc = float((net(Xt).argmax(1) == yt).float().mean())
            results.append(
                {
                    "dataset": name,
                    "model": model,
                    "activation": None if model == "linear" else activation,
                    "X": train_set.X,
                    "y": train_set.y,
                    "xx": xx,
                    "yy": yy,
                    "prob": prob,
                    "train_accuracy": acc,
                    "test_accuracy": test_acc,
                }
            )
    return results


#: grid spacings of the smoothness test
SPACINGS = (1e-2, 1e-3, 1e-4)


def dataset_label(name: str, lang: str = "en") -> str:
    """The name of a data set of :mod:`actlab.data` in ``lang`` (``"spirals"``: 双螺旋);
    other names are returned as they are."""
    from actlab.data import dataset_label as label

    return label(name, lang)


def boundaries_table(
    results: Sequence[dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """Printable rows of :func:`decision_boundaries`: data set, model, train and test accuracy,
    labelled in ``lang``."""
    models = {
        "linear": t("result.boundaries.linear", lang),
        "mlp": t("result.boundaries.mlp", lang),
    }
    data, model = t("result.boundaries.data", lang), t("result.boundaries.model", lang)
    train, test = (
        t("result.boundaries.train_accuracy", lang),
        t("result.boundaries.test_accuracy", lang),
    )
    return [
        {
            data: dataset_label(r["dataset"], lang),
            model: models.get(r["model"], r["model"]),
            train: r["train_accuracy"],
            test: r["test_accuracy"],
        }
        for r in results
    ]


def activation_properties(
    keys: Sequence[str] = ("relu", "sigmoid", "tanh"),
    *,
    fit_range: float = 3.0,
    x_max: float = 12.0,
    num: int = 1201,
    spacings: Sequence[float] = SPACINGS,
) -> dict[str, dict[str, Any]]:
    r"""The three properties the text names, measured per activation from the registry.

    * **nonlinearity**: the best affine fit :math:`a x + c` on :math:`[-r, r]` and its relative RMS
      residual (0 for a linear function);
    * **smoothness**: the largest jump of :math:`f'` between neighbouring points of a grid on
      :math:`[-1, 1]`, for each grid spacing in ``spacings``. A jump that stays put as the spacing
      shrinks is a discontinuity of :math:`f'` (ReLU's 1 at 0); a jump that shrinks with the
      spacing means :math:`f'` is continuous there. A grid can show no more than that: that sigmoid
      and tanh are :math:`C^\infty` follows from their formulas, not from samples;
    * **saturation**: :math:`f'(x)` for :math:`|x|` up to ``x_max``, and :math:`f'(\pm x_{max})`.

    Args:
        keys: registry keys. Default: relu, sigmoid, tanh.
        fit_range: half-width :math:`r` of the fitting interval. Default: 3.
        x_max: half-width of the saturation grid. Default: 12.
        num: grid points of the saturation grid. Default: 1201.
        spacings: grid spacings of the smoothness test. Default: 1e-2, 1e-3, 1e-4.

    Returns:
        ``{key: {...}}`` with ``x``, ``f``, ``df`` (on :math:`[-x_{max}, x_{max}]`), ``x_fit``,
        ``f_fit``, ``affine_fit``, ``nonlinearity_residual``, ``x_smooth``, ``df_smooth`` (spacing
        ``spacings[1]`` if there are several), ``derivative_jumps`` (``{spacing: largest jump}``),
        ``smoothness`` (the registry's class), ``df_left``, ``df_right``.
    """
    from actlab.activations.registry import get

    spacings = [float(h) for h in spacings]
    if not spacings or any(not 0 < h <= 0.5 for h in spacings):
        raise ValueError(
            f"activation_properties: spacings must be numbers in (0, 0.5], got {spacings!r}"
        )
    out: dict[str, dict[str, Any]] = {}
    x = np.linspace(-x_max, x_max, num)
    x_fit = np.linspace(-fit_range, fit_range, 601)
    grids = {h: np.linspace(-1.0, 1.0, round(2.0 / h) + 1) for h in spacings}
    shown = spacings[1] if len(spacings) > 1 else spacings[0]
    for key in keys:
        rec = get(key)
        f_fit = rec.forward(x_fit)
        A = np.stack([x_fit, np.ones_like(x_fit)], axis=1)
        coef, *_ = np.linalg.lstsq(A, f_fit, rcond=None)
        resid = f_fit - A @ coef
        jumps = {h: float(np.max(np.abs(np.diff(rec.derivative(g))))) for h, g in grids.items()}
        df_edges = rec.derivative(np.array([-x_max, x_max]))
        out[key] = {
            "name": rec.name,
            "x": x,
            "f": rec.forward(x),
            "df": rec.derivative(x),
            "x_fit": x_fit,
            "f_fit": f_fit,
            "affine_fit": A @ coef,
            "nonlinearity_residual": float(np.sqrt(np.mean(resid**2)) / np.std(f_fit)),
            "x_smooth": grids[shown],
            "df_smooth": rec.derivative(grids[shown]),
            "derivative_jumps": jumps,
            "smoothness": rec.smoothness,
            "df_left": float(df_edges[0]),
            "df_right": float(df_edges[1]),
        }
    return out


def properties_table(
    props: dict[str, dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """One row per activation of :func:`activation_properties`' result, for printing, labelled in
    ``lang``.

    The jump columns are named by the grid spacing; ``f'(-x)`` and ``f'(x)`` by the saturation
    grid's end.
    """
    rows = []
    for p in props.values():
        row: dict[str, Any] = {
            t("result.activation", lang): p["name"],
            t("result.properties.residual", lang): p["nonlinearity_residual"],
        }
        for h, jump in p["derivative_jumps"].items():
            row[t("result.properties.jump", lang, step=f"{h:g}")] = jump
        x_max = float(np.max(p["x"]))
        row[f"f'(-{x_max:g})"] = p["df_left"]
        row[f"f'({x_max:g})"] = p["df_right"]
        rows.append(row)
    return rows


def bounded_outputs(*, epochs: int = 30, seed: int = 0) -> dict[str, Any]:
    r"""Sigmoid turns a logit into a probability; softmax turns scores into a distribution.

    Two small models are trained, in float64, on scikit-learn's bundled sets: logistic regression (one logit,
    sigmoid) on breast cancer, and softmax regression (10 scores) on digits. Their outputs on the
    test split are checked: every sigmoid output lies in (0, 1), every softmax row is non-negative
    and sums to 1, whatever the size of the raw scores.

    Args:
        epochs: training epochs for each model. Default: 30.
        seed: seed. Default: 0.

    Returns:
        A dict with ``sigmoid_prob`` and ``sigmoid_label`` (test split of breast cancer),
        ``sigmoid_logit_range``, ``sigmoid_accuracy``, ``softmax_scores`` and ``softmax_prob``
        (one digit image, the first of the test split), ``softmax_label``, ``softmax_row_sums``
        (all test rows), ``softmax_min``, ``softmax_accuracy``, and the extremes ``sigmoid_min``,
        ``sigmoid_max`` and ``softmax_max_sum_error`` (largest :math:`|\sum_i p_i - 1|` of a row).
    """
    import torch

    from actlab.data import breast_cancer, digits, to_tensors
    from actlab.networks import make_mlp, train

    bc_train, bc_test = breast_cancer("train", seed=seed), breast_cancer("test", seed=seed)
    f64 = torch.float64
    logit_model = make_mlp([bc_train.num_features, 1], "sigmoid", init="xavier", seed=seed)
    train(
        logit_model, bc_train, epochs=epochs, lr=0.05, loss="bce", batch_size=32, seed=seed, dtype=f64
    )
    dg_train, dg_test = digits("train", seed=seed), digits("test", seed=seed)
    softmax_model = make_mlp([64, 10], "sigmoid", init="xavier", seed=seed)
    train(softmax_model, dg_train, epochs=epochs, lr=0.05, batch_size=32, seed=seed, dtype=f64)

    Xb, yb = to_tensors(bc_test)
    Xd, yd = to_tensors(dg_test)
    Xb, Xd = Xb.to(f64), Xd.to(f64)
    with torch.no_grad():
        logits = logit_model(Xb).squeeze(1)
        p = torch.sigmoid(logits)
        scores = softmax_model(Xd)
        P = torch.softmax(scores, dim=1)
    row_sums = P.sum(dim=1).numpy()
    return {
        "sigmoid_min": float(p.min()),
        "sigmoid_max": float(p.max()),
        "softmax_max_sum_error": float(np.max(np.abs(row_sums - 1))),
        "sigmoid_in_open_interval": bool(((p > 0) & (p < 1)).all()),
        "softmax_is_distribution": bool((P >= 0).all())
        and bool(np.all(np.abs(row_sums - 1) < 1e-6)),
        "sigmoid_prob": p.numpy(),
        "sigmoid_label": bc_test.y,
        "sigmoid_logit_range": (float(logits.min()), float(logits.max())),
        "sigmoid_accuracy": float(((p > 0.5).long() == yb).float().mean()),
        "softmax_scores": scores[0].numpy(),
        "softmax_prob": P[0].numpy(),
        "softmax_label": int(yd[0]),
        "softmax_row_sums": row_sums,
        "softmax_min": float(P.min()),
        "softmax_accuracy": float((P.argmax(1) == yd).float().mean()),
    }


def bounded_facts(result: dict[str, Any], *, lang: str = "en") -> dict[str, Any]:
    """The labelled numbers of :func:`bounded_outputs` for printing, labelled in ``lang``."""
    from actlab.plotting.tables import Below

    lo, hi = result["sigmoid_logit_range"]
    return {
        t("result.bounded.smallest_logit", lang): lo,
        t("result.bounded.largest_logit", lang): hi,
        t("result.bounded.smallest_sigmoid", lang): result["sigmoid_min"],
        t("result.bounded.largest_sigmoid", lang): 1.0 - result["sigmoid_max"],
        t("result.bounded.sigmoid_accuracy", lang): result["sigmoid_accuracy"],
        t("result.bounded.smallest_softmax", lang): result["softmax_min"],
        t("result.bounded.row_sum", lang): Below(result["softmax_max_sum_error"], ROUNDING_BOUND),
        t("result.bounded.softmax_accuracy", lang): result["softmax_accuracy"],
    }
