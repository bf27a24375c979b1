"""Sigmoid gates in a recurrent cell: a GRU remembers a marked value, a plain tanh RNN struggles.

A GRU (Cho et al. 2014) is not an activation function: it is a recurrent architecture that *uses*
two activations in different roles. Its gates are sigmoids, numbers in (0, 1) that act as soft
switches; its candidate state is a tanh, a bounded value in (-1, 1):

.. math::

    r_t &= \\sigma(W_{ir}x_t + b_{ir} + W_{hr}h_{t-1} + b_{hr}) \\\\
    z_t &= \\sigma(W_{iz}x_t + b_{iz} + W_{hz}h_{t-1} + b_{hz}) \\\\
    n_t &= \\tanh(W_{in}x_t + b_{in} + r_t \\odot (W_{hn}h_{t-1} + b_{hn})) \\\\
    h_t &= (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}

(torch's convention: :math:`z_t \\approx 1` keeps the old state, :math:`z_t \\approx 0` writes the
new one).

The task: a sequence of ``length`` steps, each with a random value in [-1, 1] and a marker bit; one
step in the first half is marked, and the target at the end is the marked value. The network must
write at the marker and hold the value for the rest of the sequence. A GRU and a plain tanh RNN
of the same width are trained on it (torch's fused ``nn.GRU`` / ``nn.RNN``, for speed); then the
GRU's gates are recomputed step by step in numpy with the package's own ``sigmoid`` and ``tanh``,
checked against torch's hidden states, and returned so the chapter can plot what the sigmoid gate
does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from actlab.experiments._fitting import fit, numpy_reset

__all__ = [
    "LastStepRegressor",
    "gru_gates",
    "marked_value_task",
    "memory_facts",
    "memory_rows",
    "recurrent_memory_comparison",
]


def marked_value_task(
    n: int, *, length: int = 30, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sequences of (value, marker) pairs and the value at the marked step.

    Args:
        n: number of sequences, >= 1.
        length: steps per sequence, >= 4. Default: 30.
        seed: seed. Default: 0.

    Returns:
        ``(inputs, targets, marked_step)``: float32 ``(n, length, 2)``, float32 ``(n, 1)``, int64
        ``(n,)``. The marked step is in the first half of the sequence.

    Examples::

        >>> x, y, t = marked_value_task(3, seed=1)
        >>> bool(np.allclose(x[np.arange(3), t, 0], y[:, 0]))
        True
    """
    from actlab.reproducibility import rng

    for name, value, low in (("n", n, 1), ("length", length, 4)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"marked_value_task: {name} must be an int >= {low}, got {value!r}")
    g = rng(seed)
    n, length = int(n), int(length)
    values = g.uniform(-1.0, 1.0, (n, length))
    marked = g.integers(0, length // 2, n)
    markers = np.zeros((n, length))
    markers[np.arange(n), marked] = 1.0
    inputs = np.stack([values, markers], axis=-1).astype(np.float32)
    targets = values[np.arange(n), marked][:, None].astype(np.float32)
    return inputs, targets, marked.astype(np.int64)


class LastStepRegressor(nn.Module):
    """A one-layer ``nn.GRU`` or tanh ``nn.RNN`` followed by a linear read-out of the last state.

    Args:
        kind: ``"gru"`` or ``"rnn"``.
        hidden: hidden units.
        input_size: features per step. Default: 2.

    Shape:
        - Input: :math:`(N, T, \\text{input\\_size})`; Output: :math:`(N, 1)`.
    """

    def __init__(self, kind: str, hidden: int, input_size: int = 2) -> None:
        super().__init__()
        if kind == "gru":
            self.rnn: nn.Module = nn.GRU(input_size, hidden, batch_first=True)
        elif kind == "rnn":
            self.rnn = nn.RNN(input_size, hidden, nonlinearity="tanh", batch_first=True)
        else:
            raise ValueError(f"LastStepRegressor: kind must be 'gru' or 'rnn', got {kind!r}")
        self.head = nn.Linear(hidden, 1)
        # drawn from numpy (seeded from torch's generator), so that they are the same on every CPU
        numpy_reset(self, int(torch.randint(2**31, ())))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def recurrent_memory_comparison(
    kinds: Sequence[str] = ("gru", "rnn"),
    *,
    length: int = 30,
    hidden: int = 16,
    n_train: int = 2000,
    n_test: int = 500,
    steps: int = 300,
    lr: float = 0.01,
    batch_size: int = 64,
    seed: int = 0,
) -> dict[str, object]:
    """Train a GRU and a tanh RNN on :func:`marked_value_task`; return errors and the GRU's gates.

    Args:
        kinds: ``"gru"`` and/or ``"rnn"``. Default: ("gru", "rnn").
        length: sequence length. Default: 30.
        hidden: hidden units. Default: 16.
        n_train: training sequences. Default: 2000.
        n_test: test sequences. Default: 500.
        steps: Adam steps. Default: 300.
        lr: Adam learning rate. Default: 0.01.
        batch_size: mini-batch size. Default: 64.
        seed: seed of the weights and the batch order. Default: 0.

    Returns:
        ``{"rows": [{"kind", "test_mse", "loss_curve"}...], "baseline_mse"`` (predicting 0, the
        mean: 1/3), ``"gates"``: :func:`gru_gates` of the trained GRU on the first 8 test
        sequences, with their ``marked_step`` and ``target`` (when ``"gru"`` is among ``kinds``)``}``.
    """
    for kind in kinds:
        if kind not in ("gru", "rnn"):
            raise ValueError(
                f"recurrent_memory_comparison: kinds must be 'gru' or 'rnn', got {kind!r}"
            )
    x_tr, y_tr, _ = marked_value_task(n_train, length=length, seed=0)
    x_te, y_te, marked_te = marked_value_task(n_test, length=length, seed=1)
    # float64: the result must not depend on the CPU's vector kernels
    x_tr_t, y_tr_t = (torch.from_numpy(a.astype(np.float64)) for a in (x_tr, y_tr))
    x_te_t, y_te_t = (torch.from_numpy(a.astype(np.float64)) for a in (x_te, y_te))
    rows: list[dict[str, object]] = []
    result: dict[str, object] = {"rows": rows, "baseline_mse": float(np.mean(y_te**2))}
    for kind in kinds:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            net = LastStepRegressor(kind, int(hidden)).double()
        losses = fit(
            net, x_tr_t, y_tr_t, steps=steps, lr=lr, batch_size=batch_size, loss="mse", seed=seed
        )
        net.eval()
        with torch.no_grad():
            test_mse = float(torch.mean((net(x_te_t) - y_te_t) ** 2))
        rows.append({"kind": kind, "test_mse": test_mse, "loss_curve": np.array(losses)})
        if kind == "gru":
            gates = gru_gates(net.rnn, x_te[:8])
            gates["marked_step"] = marked_te[:8]
            gates["target"] = y_te[:8, 0].astype(np.float64)
            result["gates"] = gates
    return result


def gru_gates(gru: nn.GRU, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """Recompute a one-layer ``torch.nn.GRU``'s gates in numpy with the package's sigmoid and tanh.

    Args:
        gru: a ``torch.nn.GRU`` with one layer, ``batch_first=True``.
        inputs: float array ``(N, T, input_size)``.

    Returns:
        ``{"reset": (N, T, H), "update": (N, T, H), "candidate": (N, T, H), "hidden": (N, T, H),
        "max_abs_diff_vs_torch": float}``; the last is the largest difference between these hidden
        states and torch's own, a check that the equations above are the ones torch runs.
    """
    from actlab.activations import sigmoid, tanh

    if not isinstance(gru, nn.GRU) or gru.num_layers != 1 or not gru.batch_first:
        raise ValueError("gru_gates: gru must be a one-layer torch.nn.GRU with batch_first=True")
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != gru.input_size:
        raise ValueError(
            f"gru_gates: inputs must have shape (N, T, {gru.input_size}), got {x.shape}"
        )
    w_ih = gru.weight_ih_l0.detach().double().numpy()
    w_hh = gru.weight_hh_l0.detach().double().numpy()
    b_ih = gru.bias_ih_l0.detach().double().numpy()
    b_hh = gru.bias_hh_l0.detach().double().numpy()
    H = gru.hidden_size
    n, steps, _ = x.shape
    h = np.zeros((n, H))
    out = {k: np.empty((n, steps, H)) for k in ("reset", "update", "candidate", "hidden")}
    for t in range(steps):
        gi = x[:, t] @ w_ih.T + b_ih
        gh = h @ w_hh.T + b_hh
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        cand = tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        h = (1.0 - z) * cand + z * h
        for key, value in (("reset", r), ("update", z), ("candidate", cand), ("hidden", h)):
            out[key][:, t] = value
    with torch.no_grad():
        reference, _ = gru(torch.from_numpy(x).to(gru.weight_ih_l0.dtype))
    result: dict[str, np.ndarray] = dict(out)
    result["max_abs_diff_vs_torch"] = float(
        np.abs(reference.double().numpy() - out["hidden"]).max()
    )
    return result


def memory_facts(result: dict[str, object], *, lang: str = "en") -> dict[str, object]:
    """The baseline of :func:`recurrent_memory_comparison` and the gates' agreement with torch,
    labelled in ``lang``."""
    from actlab.i18n import t
    from actlab.plotting.tables import Below

    facts: dict[str, object] = {t("result.recurrent.baseline", lang): result["baseline_mse"]}
    if "gates" in result:
        gates = result["gates"]
        facts[t("result.recurrent.gates", lang)] = Below(
            float(gates["max_abs_diff_vs_torch"]), 1e-12
        )
    return facts


def memory_rows(result: dict[str, object], *, lang: str = "en") -> list[dict[str, object]]:
    """:func:`recurrent_memory_comparison`'s rows with the columns the chapter prints, labelled in
    ``lang``."""
    from actlab.i18n import t

    return [
        {
            t("result.recurrent.cell", lang): r["kind"],
            t("result.recurrent.test_mse", lang): r["test_mse"],
        }
        for r in result["rows"]
    ]
