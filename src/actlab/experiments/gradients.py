r"""Chapter 2 experiments: how the gradient's size changes from layer to layer.

Backpropagation through a dense network :math:`z_l = a_{l-1} W_l + b_l`, :math:`a_l = f(z_l)` is
the recursion

.. math::

    \delta_l = \frac{\partial L}{\partial z_l} = (\delta_{l+1} W_{l+1}^\top) \odot f'(z_l),
    \qquad \frac{\partial L}{\partial W_l} = a_{l-1}^\top \delta_l .

Each layer multiplies the backward signal :math:`\delta` by :math:`W^\top` and by the
activation's derivative. With :math:`n` units and weights of variance :math:`v`, the variance of
:math:`\delta` changes by about :math:`n\,v\,\mathbb E[f'(z)^2]` per layer. For ReLU,
:math:`\mathbb E[f'(z)^2] = 1/2` (its zero half), so Xavier's :math:`v = 1/n` halves the variance
at every layer and He's :math:`v = 2/n` keeps it; for sigmoid, :math:`f' \le 1/4`.

* :func:`layer_gradients` -- at initialisation, per layer: :math:`\|\delta_l\|`,
  :math:`\|\partial L/\partial W_l\|`, the forward signal's spread and the units at 0, computed by
  torch's autograd in float64 (the reference the chapter's numpy loop is checked against);
* :func:`gradient_flow` and :func:`flow_table` -- the same over seeds, for several
  (activation, initialisation) pairs;
* :func:`inactive_fractions` and :func:`revival` -- ReLU units at 0 for every training image (dead)
  at initialisation, and what training does to them;
* :func:`exploding_gradients` -- ReLU does not prevent the opposite: with weights too large, every
  layer multiplies the gradient by more than 1;
* :func:`gradient_norms` -- the float32 weight-gradient norms the interactive widget draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.reproducibility import rng as _rng

__all__ = [
    "FLOW_CONFIGS",
    "INIT_NAMES",
    "agreement_facts",
    "agreement_table",
    "exploding_gradients",
    "exploding_table",
    "flow_table",
    "gradient_flow",
    "gradient_norms",
    "inactive_fractions",
    "inactive_table",
    "initial_network",
    "layer_gradients",
    "numpy_weights",
    "revival",
    "revival_facts",
    "revival_table",
]


def _check_depth(depth: object, func: str) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 3:
        raise ValueError(f"{func}: depth must be an int >= 3, got {depth!r}")
    return depth


def initial_network(
    activation: str,
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    batch: int = 256,
    seed: int = 0,
) -> tuple[Any, Any, Any]:
    """The chapter's deep MLP at initialisation, in float64, and a batch of digits.

    The network is ``make_mlp([64, width, ..., width, 10], activation, init=init, seed=seed)``
    with ``depth`` weight layers (``depth - 1`` hidden layers); the batch is ``batch`` images of
    the digits training split, chosen by ``seed``.

    Args:
        activation: registry key.
        depth: number of weight layers, at least 3. Default: 10.
        width: hidden width. Default: 64.
        init: initialisation name (see :data:`actlab.networks.INITS`). Default: ``"xavier"``.
        batch: number of images. Default: 256.
        seed: seed of the weights and of the batch. Default: 0.

    Returns:
        ``(net, X, y)``: the float64 ``nn.Sequential``, float64 features ``(batch, 64)`` and int64
        labels ``(batch,)``.

    Examples::

        >>> net, X, y = initial_network("relu", depth=3, batch=4)
        >>> X.shape, X.dtype, len(net)
        (torch.Size([4, 64]), torch.float64, 5)
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import make_mlp

    depth = _check_depth(depth, "initial_network")
    train = digits("train")
    idx = _rng(seed).permutation(len(train))[:batch]
    X, y = to_tensors((train.X[idx], train.y[idx]))
    net = make_mlp([64, *[width] * (depth - 1), 10], activation, init=init, seed=seed)
    return net.to(torch.float64), X.to(torch.float64), y


def numpy_weights(net: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    r"""The weights and biases of a :func:`~actlab.networks.make_mlp` network as numpy arrays.

    ``nn.Linear`` stores its weight as ``(out, in)`` and computes :math:`x W^\top + b`; the course
    writes a dense layer as :math:`h = xW + b`, so each ``W`` returned here is torch's weight
    transposed, of shape ``(in, out)``: column :math:`j` holds the incoming weights of unit
    :math:`j`.

    Returns:
        ``(Ws, bs)``, layer 1 first.
    """
    from actlab.networks import linear_layers

    layers = linear_layers(net)
    Ws = [lin.weight.detach().numpy().T.copy() for lin in layers]
    bs = [lin.bias.detach().numpy().copy() for lin in layers]
    return Ws, bs


def layer_gradients(
    activation: str,
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    batch: int = 256,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    r"""Per-layer sizes of the forward and backward signals at initialisation, by autograd.

    The network and batch are :func:`initial_network`'s; the loss is the mean cross-entropy.

    Returns:
        A dict of float64 arrays, layer 1 first:

        * ``delta`` ``(depth,)``: :math:`\|\partial L/\partial z_l\|` (Frobenius norm over the batch)
          for every layer's pre-activation, the last entry being the output scores;
        * ``weight`` ``(depth,)``: :math:`\|\partial L/\partial W_l\|`;
        * ``forward_std`` ``(depth - 1,)``: standard deviation of each hidden layer's output;
        * ``zero_per_example`` ``(depth - 1,)``: fraction of (example, unit) pairs at exactly 0;
        * ``dead`` ``(depth - 1,)``: fraction of units at 0 for every example of the batch.
    """
    import torch
    from torch import nn
    from torch.nn import functional as F

    from actlab.networks import linear_layers

    net, X, y = initial_network(
        activation, depth=depth, width=width, init=init, batch=batch, seed=seed
    )
    h = X
    pre: list[torch.Tensor] = []
    hidden: list[torch.Tensor] = []
    for module in net:
        h = module(h)
        if isinstance(module, nn.Linear):
            h.retain_grad()
            pre.append(h)
        else:
            hidden.append(h)
    F.cross_entropy(h, y).backward()
    with torch.no_grad():
        return {
            "delta": np.array([float(torch.linalg.norm(z.grad)) for z in pre]),
            "weight": np.array(
                [float(torch.linalg.norm(lin.weight.grad)) for lin in linear_layers(net)]
            ),
            "forward_std": np.array([float(a.std()) for a in hidden]),
            "zero_per_example": np.array([float((a == 0).double().mean()) for a in hidden]),
            "dead": np.array([float((a == 0).all(dim=0).double().mean()) for a in hidden]),
        }


#: how the tables name the initialisations
INIT_NAMES: dict[str, str] = {"xavier": "Xavier", "he": "He", "uniform": "U(±1/√n)", "lecun": "LeCun"}

#: the (activation, initialisation) pairs of the chapter's comparison
FLOW_CONFIGS: tuple[tuple[str, str], ...] = (
    ("sigmoid", "xavier"),
    ("tanh", "xavier"),
    ("relu", "xavier"),
    ("relu", "he"),
)


def gradient_flow(
    configs: Sequence[tuple[str, str]] = FLOW_CONFIGS,
    *,
    depth: int = 10,
    width: int = 64,
    batch: int = 256,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> dict[str, dict[str, Any]]:
    r""":func:`layer_gradients` for each (activation, initialisation) pair and seed.

    Returns:
        ``{"relu, he": {...}, ...}``; each value holds ``activation``, ``init``, the arrays of
        :func:`layer_gradients` stacked over seeds (``delta`` and ``weight`` of shape
        ``(len(seeds), depth)``, the others ``(len(seeds), depth - 1)``) and, per seed,
        ``delta_ratio`` :math:`\|\delta_1\| / \|\delta_{depth-1}\|` (first hidden layer over last)
        and ``weight_ratio`` :math:`\|\partial W_1\| / \|\partial W_{depth}\|`.
    """
    if not seeds:
        raise ValueError("gradient_flow: seeds must not be empty")
    out: dict[str, dict[str, Any]] = {}
    for activation, init in configs:
        runs = [
            layer_gradients(activation, depth=depth, width=width, init=init, batch=batch, seed=s)
            for s in seeds
        ]
        entry: dict[str, Any] = {"activation": activation, "init": init}
        for key in runs[0]:
            entry[key] = np.stack([r[key] for r in runs])
        entry["delta_ratio"] = entry["delta"][:, 0] / entry["delta"][:, -2]
        entry["weight_ratio"] = entry["weight"][:, 0] / entry["weight"][:, -1]
        out[f"{activation}, {init}"] = entry
    return out


def flow_table(results: dict[str, dict[str, Any]], *, lang: str = "en") -> list[dict[str, Any]]:
    r"""One row per pair of :func:`gradient_flow`: the two ratios (median and range over seeds),
    labelled in ``lang``.

    The column ``var. factor / layer`` is :math:`(\|\delta_1\|/\|\delta_{L-1}\|)^{2/(L-2)}`
    (median over seeds): how much the backward signal's variance changes, on average, from one
    hidden layer to the one below it.
    """
    rows = []
    for r in results.values():
        d, w = np.asarray(r["delta_ratio"]), np.asarray(r["weight_ratio"])
        hops = np.asarray(r["delta"]).shape[1] - 2
        last = hops + 1
        rows.append(
            {
                t("result.activation", lang): r["activation"],
                t("result.init", lang): INIT_NAMES.get(r["init"], r["init"]),
                f"|d1|/|d{last}|": float(np.median(d)),
                t("result.min", lang): float(d.min()),
                t("result.max", lang): float(d.max()),
                t("result.flow.variance_factor", lang): float(np.median(d) ** (2.0 / hops)),
                f"|dW1|/|dW{last + 1}|": float(np.median(w)),
            }
        )
    return rows


def agreement_table(
    by_hand: Sequence[Any], reference: dict[str, np.ndarray], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """Per layer, a by-hand backward pass next to :func:`layer_gradients`' (autograd) numbers,
    labelled in ``lang``.

    Args:
        by_hand: ``(delta_norms, weight_norms, dead_fractions)``, layer 1 first: the norms for
            every layer, the dead fractions for the hidden layers.
        reference: the return value of :func:`layer_gradients` for the same network and batch.
    """
    deltas, weights, dead = (np.asarray(v, dtype=np.float64) for v in by_hand)
    if deltas.shape != reference["delta"].shape or dead.shape != reference["dead"].shape:
        raise ValueError(
            f"agreement_table: by_hand has {deltas.size} layers and {dead.size} hidden layers, "
            f"the reference {reference['delta'].size} and {reference['dead'].size}"
        )
    rows = []
    for i in range(deltas.size):
        hidden = i < dead.size
        rows.append(
            {
                t("result.layer", lang): i + 1,
                "|dL/dz| numpy": deltas[i],
                "|dL/dz| autograd": reference["delta"][i],
                "|dL/dW| numpy": weights[i],
                "|dL/dW| autograd": reference["weight"][i],
                t("result.agreement.dead", lang, source="numpy"): dead[i] if hidden else None,
                t("result.agreement.dead", lang, source="autograd"): (
                    reference["dead"][i] if hidden else None
                ),
            }
        )
    return rows


def agreement_facts(
    by_hand: Sequence[Any], reference: dict[str, np.ndarray], *, lang: str = "en"
) -> dict[str, Any]:
    """The largest relative difference of the norms (a float64 rounding-level number, shown as a
    bound because its last digits depend on the CPU) and of the dead fractions (exact), labelled
    in ``lang``."""
    from actlab.plotting.tables import Below

    deltas, weights, dead = (np.asarray(v, dtype=np.float64) for v in by_hand)
    rel = max(
        float(np.max(np.abs(deltas / reference["delta"] - 1))),
        float(np.max(np.abs(weights / reference["weight"] - 1))),
    )
    return {
        t("result.agreement.norms", lang): Below(rel, 1e-13),
        t("result.agreement.dead_difference", lang): float(
            np.max(np.abs(dead - reference["dead"]))
        ),
    }


def inactive_fractions(
    activation: str = "relu",
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """How many hidden units output exactly 0 at initialisation, over the whole training split.

    The network is :func:`initial_network`'s (float64). A unit at 0 for an example passes back a
    zero gradient for that example; a unit at 0 for *every* training image is dead: its incoming
    weights and bias get no gradient at all. The mean cosine similarity between the layer outputs
    of two different images shows why dead units become more common with depth: the images'
    representations grow more alike from layer to layer, so a unit that is negative for one image
    is more often negative for all.

    Returns:
        ``{"per_example": (depth - 1,) fraction of (image, unit) pairs at 0,
        "dead": (depth - 1,) fraction of units at 0 for every training image,
        "similarity": (depth - 1,) mean cosine similarity of two images' outputs}``.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import layer_outputs

    net, _, _ = initial_network(activation, depth=depth, width=width, init=init, batch=1, seed=seed)
    X, _ = to_tensors(digits("train"))
    with torch.no_grad():
        outs = layer_outputs(net, X.to(torch.float64))
    return {
        "per_example": np.array([float((o == 0).double().mean()) for o in outs]),
        "dead": np.array([float((o == 0).all(dim=0).double().mean()) for o in outs]),
        "similarity": np.array([_mean_cosine(o.numpy()) for o in outs]),
    }


def _mean_cosine(A: np.ndarray) -> float:
    """Mean cosine similarity over pairs of different rows of ``A`` (a zero row counts as 0)."""
    norms = np.linalg.norm(A, axis=1, keepdims=True)
    U = np.divide(A, norms, out=np.zeros_like(A), where=norms > 0)
    s = U.sum(axis=0)
    n = A.shape[0]
    # sum over all pairs i != j of <u_i, u_j> = |sum_i u_i|^2 - sum_i |u_i|^2
    return float((s @ s - np.sum(U * U)) / (n * (n - 1)))


def inactive_table(
    results: dict[str, dict[str, np.ndarray]], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """Rows for ``{label: inactive_fractions(...)}``: per hidden layer, per example and dead, per
    label; the columns are named in ``lang``."""
    labels = list(results)
    if not labels:
        raise ValueError("inactive_table: results must not be empty")
    n = len(results[labels[0]]["dead"])
    rows = []
    for i in range(n):
        row: dict[str, Any] = {t("result.layer", lang): i + 1}
        for label in labels:
            r = results[label]
            row[t("result.inactive.per_example", lang, label=label)] = float(r["per_example"][i])
            row[t("result.inactive.dead", lang, label=label)] = float(r["dead"][i])
            if "similarity" in r:
                row[t("result.inactive.similarity", lang, label=label)] = float(r["similarity"][i])
        rows.append(row)
    return rows


def revival(
    activation: str = "relu",
    *,
    depth: int = 10,
    width: int = 64,
    inits: Sequence[str] = ("xavier", "he"),
    seeds: Sequence[int] = (0, 1, 2),
    silenced: int = 4,
    lr: float = 0.03,
    epochs: int = 2,
    batch_size: int = 32,
) -> dict[str, dict[str, Any]]:
    r"""Dead units at initialisation, and how many of them are alive after plain SGD.

    A unit is dead when it outputs 0 for every training image. Its incoming weights and bias then
    get exactly zero gradient, so SGD leaves them where they are. In layer 1 its input is the
    data, which does not change: a dead unit there stays dead. In a deeper layer its input is the
    previous layer's output, which moves as the layers below learn, and the unit can come back.

    Layer 1 has no dead unit at initialisation, so ``silenced`` of its units are killed by hand
    (bias :math:`-100`, far below any :math:`x \cdot w` on the standardised digits) to show the
    first case; their weights are compared before and after training.

    The networks are :func:`initial_network`'s (float64), trained with plain SGD (no momentum,
    no weight decay) on the digits training split. The learning rate is moderate on purpose: at
    0.1 the training of a 10-layer ReLU network is chaotic, and last-bit differences between CPUs
    grow into different dead-unit counts.

    Returns:
        ``{init: {"dead_before": (depth - 1,), "revived": (depth - 1,), "dead_after":
        (depth - 1,), "silenced_weight_change": largest absolute change of the silenced units'
        weights and biases, "train_error": (len(seeds),)}}``; counts are summed over seeds.
    """
    import torch

    from actlab.data import digits, to_tensors
    from actlab.networks import layer_outputs, linear_layers, train

    if isinstance(silenced, bool) or not isinstance(silenced, int) or not 0 <= silenced <= width:
        raise ValueError(f"revival: silenced must be an int in [0, width], got {silenced!r}")
    train_set = digits("train")
    X, _ = to_tensors(train_set)
    X = X.to(torch.float64)

    def dead(net: Any) -> list[np.ndarray]:
        with torch.no_grad():
            return [(o == 0).all(dim=0).numpy() for o in layer_outputs(net, X)]

    out: dict[str, dict[str, Any]] = {}
    for init in inits:
        before = np.zeros(depth - 1, dtype=np.int64)
        revived = np.zeros(depth - 1, dtype=np.int64)
        after = np.zeros(depth - 1, dtype=np.int64)
        change = 0.0
        errors = []
        for seed in seeds:
            net, _, _ = initial_network(
                activation, depth=depth, width=width, init=init, batch=1, seed=seed
            )
            first = linear_layers(net)[0]
            with torch.no_grad():
                first.bias[:silenced] = -100.0
            w0 = first.weight[:silenced].detach().clone()
            b0 = first.bias[:silenced].detach().clone()
            d0 = dead(net)
            rows = train(net, train_set, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)
            d1 = dead(net)
            with torch.no_grad():
                change = max(
                    change,
                    float((first.weight[:silenced] - w0).abs().max()) if silenced else 0.0,
                    float((first.bias[:silenced] - b0).abs().max()) if silenced else 0.0,
                )
            before += [int(a.sum()) for a in d0]
            revived += [int((a & ~b).sum()) for a, b in zip(d0, d1, strict=True)]
            after += [int(b.sum()) for b in d1]
            errors.append(rows[-1]["train_error"])
        out[init] = {
            "dead_before": before,
            "revived": revived,
            "dead_after": after,
            "silenced_weight_change": change,
            "train_error": np.array(errors),
        }
    return out


def revival_facts(results: dict[str, dict[str, Any]], *, lang: str = "en") -> dict[str, Any]:
    """Per initialisation, the largest change of the hand-silenced layer-1 units' weights
    (exactly 0 when they received no gradient) and the mean training error after training,
    labelled in ``lang``."""
    facts: dict[str, Any] = {}
    for label, r in results.items():
        name = INIT_NAMES.get(label, label)
        facts[t("result.revival.weight_change", lang, name=name)] = r["silenced_weight_change"]
        facts[t("result.revival.error", lang, name=name)] = float(np.mean(r["train_error"]))
    return facts


def revival_table(results: dict[str, dict[str, Any]], *, lang: str = "en") -> list[dict[str, Any]]:
    """Rows for :func:`revival`: per hidden layer and initialisation, dead before, revived, dead
    after; the columns are named in ``lang``."""
    labels = list(results)
    if not labels:
        raise ValueError("revival_table: results must not be empty")
    rows = []
    for i in range(len(results[labels[0]]["dead_before"])):
        row: dict[str, Any] = {t("result.layer", lang): i + 1}
        for label in labels:
            r = results[label]
            name = INIT_NAMES.get(label, label)
            row[t("result.revival.dead_before", lang, name=name)] = int(r["dead_before"][i])
            row[t("result.revival.revived", lang, name=name)] = int(r["revived"][i])
            row[t("result.revival.dead_after", lang, name=name)] = int(r["dead_after"][i])
        rows.append(row)
    return rows


def gradient_norms(
    activation: str,
    *,
    depth: int = 10,
    width: int = 64,
    init: str = "xavier",
    init_gain: float = 1.0,
    batch: int = 256,
    seed: int = 0,
) -> np.ndarray:
    r"""Frobenius norm of :math:`\partial L / \partial W_k` for every layer :math:`k` at initialisation.

    The network is ``make_mlp([64, width, ..., width, 10], activation)`` with ``depth`` weight
    layers, the loss is cross-entropy on the first ``batch`` images of the digits training split
    (shuffled by ``seed``).

    Args:
        activation: registry key.
        depth: number of weight layers (``depth - 1`` hidden layers). Default: 10.
        width: hidden width. Default: 64.
        init: initialisation name (see :data:`actlab.networks.INITS`). Default: ``"xavier"``.
        init_gain: factor on every weight after initialisation. Default: 1.
        batch: number of images. Default: 256.
        seed: seed of the weights and of the batch. Default: 0.

    Returns:
        float64 array of shape ``(depth,)``, layer 1 first.
    """
    import torch
    from torch.nn import functional as F

    from actlab.data import digits, to_tensors
    from actlab.networks import linear_layers, make_mlp

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 2:
        raise ValueError(f"gradient_norms: depth must be an int >= 2, got {depth!r}")
    train = digits("train")
    idx = _rng(seed).permutation(len(train))[:batch]
    X, y = to_tensors((train.X[idx], train.y[idx]))
    net = make_mlp(
        [64, *[width] * (depth - 1), 10], activation, init=init, init_gain=init_gain, seed=seed
    )
    F.cross_entropy(net(X), y).backward()
    return np.array([float(torch.linalg.norm(lin.weight.grad)) for lin in linear_layers(net)])


def exploding_gradients(
    activation: str = "relu",
    *,
    depth: int = 20,
    width: int = 64,
    gains: Sequence[float] = (1.0, 1.2, 1.5),
    seeds: Sequence[int] = (0, 1, 2),
    lr: float = 0.01,
    updates: int = 20,
    batch_size: int = 64,
) -> dict[float, dict[str, Any]]:
    r"""Gradient norms per layer, and a short SGD run, for a deep ReLU net with weights too large.

    With He's :math:`\mathcal N(0, 2/n)` a ReLU layer keeps the signal's scale (gain 1).
    Multiplying every weight by a gain :math:`g > 1` multiplies the forward signal by about
    :math:`g` per layer and the backward signal too, so every layer's weight gradient grows like
    :math:`g^{depth}`; ReLU's derivative (1 where active) does nothing to stop it. Plain SGD then
    takes steps far larger than the weights and the loss overflows.

    Args:
        activation: registry key. Default: ``"relu"``.
        depth: number of weight layers. Default: 20.
        width: hidden width. Default: 64.
        gains: factors on He's initialisation. Default: (1.0, 1.2, 1.5).
        seeds: seeds for the gradient norms. Default: (0, 1, 2).
        lr: SGD learning rate of the short run. Default: 0.01.
        updates: SGD steps of the short run (seed ``seeds[0]``). Default: 20.
        batch_size: batch size of the short run. Default: 64.

    Returns:
        ``{gain: {"norms": (len(seeds), depth) array, "first_layer_norm": mean over seeds,
        "losses": (updates,) training loss before each step (inf or NaN once it overflows),
        "first_nonfinite": index of the first non-finite loss, or None}}``.
    """
    import torch
    from torch.nn import functional as F

    from actlab.data import digits, make_loader
    from actlab.networks import make_mlp

    out: dict[float, dict[str, Any]] = {}
    for gain in gains:
        norms = np.stack(
            [
                gradient_norms(
                    activation, depth=depth, width=width, init="he", init_gain=gain, seed=s
                )
                for s in seeds
            ]
        )
        net = make_mlp(
            [64, *[width] * (depth - 1), 10], activation, init="he", init_gain=gain, seed=seeds[0]
        ).to(torch.float64)
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        losses: list[float] = []
        while len(losses) < updates:
            for xb, yb in make_loader(digits("train"), batch_size=batch_size, seed=seeds[0]):
                opt.zero_grad()
                loss = F.cross_entropy(net(xb.to(torch.float64)), yb)
                losses.append(loss.item())
                loss.backward()
                opt.step()
                if len(losses) == updates:
                    break
        arr = np.array(losses)
        bad = np.flatnonzero(~np.isfinite(arr))
        out[float(gain)] = {
            "norms": norms,
            "first_layer_norm": float(norms[:, 0].mean()),
            "losses": arr,
            "first_nonfinite": int(bad[0]) if bad.size else None,
        }
    return out


def exploding_table(
    results: dict[float, dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, Any]]:
    """Rows for :func:`exploding_gradients`: gradient norm at layer 1 against the smallest gain's
    (and the growth :math:`g^{depth}` that a uniform factor per layer predicts), the first loss and
    the first SGD step whose loss is inf or NaN; the columns are named in ``lang``."""
    if not results:
        raise ValueError("exploding_table: results must not be empty")
    base = min(results)
    return [
        {
            t("result.exploding.gain", lang): gain,
            t("result.exploding.norm", lang): r["first_layer_norm"],
            t("result.exploding.ratio", lang, base=f"{base:g}"): (
                r["first_layer_norm"] / results[base]["first_layer_norm"]
            ),
            t("result.exploding.power", lang, base=f"{base:g}"): (
                (gain / base) ** np.asarray(r["norms"]).shape[1]
            ),
            t("result.exploding.initial_loss", lang): float(r["losses"][0]),
            t("result.exploding.first_nonfinite", lang): r["first_nonfinite"],
        }
        for gain, r in results.items()
    ]


