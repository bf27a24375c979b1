r"""Chapter 1 experiment: what sigmoid and tanh do inside gated recurrent cells.

GRU and LSTM are *architectures*, not activation functions: a cell is a few affine maps whose
results pass through sigmoid (the gates, in (0, 1)) and tanh (the candidate values, in (-1, 1)).
This module writes both cells out in numpy with torch's weight layout and checks them against
``torch.nn.GRUCell`` and ``torch.nn.LSTMCell`` (:func:`cells_match_torch`), then runs a one-unit
gated memory (:func:`gated_memory`) to show what each activation is for:

.. math::

    z_t = \sigma(w_z s_t + b_z), \qquad \tilde h_t = \tanh(w_h x_t), \qquad
    h_t = z_t\, h_{t-1} + (1 - z_t)\, \tilde h_t .

This is the GRU's convention in Cho et al. (2014, eq. 7) and in ``torch.nn.GRUCell``: the update
gate :math:`z_t` is the share of the old state that is *kept* (:math:`z_t \approx 1` holds the
memory, :math:`z_t \approx 0` overwrites it). Some texts (Chung et al. 2014) swap :math:`z_t` and
:math:`1 - z_t`. Because :math:`z_t \in (0, 1)` is a convex weight and
:math:`\tilde h_t \in (-1, 1)`, the state stays in (-1, 1) for ever. Swapping the gate's sigmoid for
ReLU, or the candidate's tanh for the identity, breaks exactly that.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from actlab.i18n import t
from actlab.reproducibility import rng as _rng

__all__ = [
    "cells_facts",
    "cells_match_torch",
    "gated_memory",
    "gru_cell",
    "lstm_cell",
    "memory_table",
]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    from actlab.activations.registry import get

    return get("sigmoid").forward(x)


def _tanh(x: np.ndarray) -> np.ndarray:
    from actlab.activations.registry import get

    return get("tanh").forward(x)


def gru_cell(
    x: np.ndarray,
    h: np.ndarray,
    w_ih: np.ndarray,
    w_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> np.ndarray:
    r"""One step of a GRU cell, in ``torch.nn.GRUCell``'s layout and equations.

    .. math::

        r &= \sigma(x W_{ir}^\top + b_{ir} + h W_{hr}^\top + b_{hr}) \\
        z &= \sigma(x W_{iz}^\top + b_{iz} + h W_{hz}^\top + b_{hz}) \\
        n &= \tanh(x W_{in}^\top + b_{in} + r \odot (h W_{hn}^\top + b_{hn})) \\
        h' &= (1 - z) \odot n + z \odot h

    Args:
        x: input, shape :math:`(N, D)`.
        h: previous state, shape :math:`(N, H)`.
        w_ih: input weights ``[W_ir; W_iz; W_in]``, shape :math:`(3H, D)`.
        w_hh: state weights ``[W_hr; W_hz; W_hn]``, shape :math:`(3H, H)`.
        b_ih: input biases, shape :math:`(3H,)`.
        b_hh: state biases, shape :math:`(3H,)`.

    Returns:
        The new state, shape :math:`(N, H)`.
    """
    H = h.shape[1]
    if w_ih.shape[0] != 3 * H or w_hh.shape != (3 * H, H):
        raise ValueError(
            f"gru_cell: expected w_ih (3H, D) and w_hh (3H, H) with H={H}, "
            f"got {w_ih.shape} and {w_hh.shape}"
        )
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    r = _sigmoid(gi[:, :H] + gh[:, :H])
    z = _sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = _tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1 - z) * n + z * h


def lstm_cell(
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    w_ih: np.ndarray,
    w_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of an LSTM cell, in ``torch.nn.LSTMCell``'s layout and equations.

    .. math::

        i, f, o &= \sigma(\cdot), \quad g = \tanh(\cdot)
            \quad \text{(the four blocks of } x W_{ih}^\top + b_{ih} + h W_{hh}^\top + b_{hh}) \\
        c' &= f \odot c + i \odot g, \qquad h' = o \odot \tanh(c')

    Args:
        x: input, shape :math:`(N, D)`.
        h: previous output, shape :math:`(N, H)`.
        c: previous cell state, shape :math:`(N, H)`.
        w_ih: input weights ``[W_ii; W_if; W_ig; W_io]``, shape :math:`(4H, D)`.
        w_hh: state weights, shape :math:`(4H, H)`.
        b_ih: input biases, shape :math:`(4H,)`.
        b_hh: state biases, shape :math:`(4H,)`.

    Returns:
        ``(h', c')``.
    """
    H = h.shape[1]
    if w_ih.shape[0] != 4 * H or w_hh.shape != (4 * H, H):
        raise ValueError(
            f"lstm_cell: expected w_ih (4H, D) and w_hh (4H, H) with H={H}, "
            f"got {w_ih.shape} and {w_hh.shape}"
        )
    pre = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i = _sigmoid(pre[:, :H])
    f = _sigmoid(pre[:, H : 2 * H])
    g = _tanh(pre[:, 2 * H : 3 * H])
    o = _sigmoid(pre[:, 3 * H :])
    c_new = f * c + i * g
    return o * _tanh(c_new), c_new


def cells_match_torch(
    *, input_size: int = 5, hidden_size: int = 4, batch: int = 3, steps: int = 6, seed: int = 0
) -> dict[str, float]:
    """Run the numpy cells and torch's cells on the same weights and inputs for a few steps.

    Returns:
        ``{"gru_max_abs_difference": ..., "lstm_max_abs_difference": ...}`` over all steps, in
        float64; both are at rounding level when the cells are built only from affine maps,
        sigmoid and tanh.
    """
    import torch

    g = _rng(seed)
    xs = g.standard_normal((steps, batch, input_size))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(g.integers(2**31)))
        gru = torch.nn.GRUCell(input_size, hidden_size).double()
        lstm = torch.nn.LSTMCell(input_size, hidden_size).double()

    def params(cell: Any) -> list[np.ndarray]:
        return [
            p.detach().numpy() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
        ]

    h = np.zeros((batch, hidden_size))
    ht = torch.zeros(batch, hidden_size, dtype=torch.float64)
    gru_diff = 0.0
    with torch.no_grad():
        for x in xs:
            h = gru_cell(x, h, *params(gru))
            ht = gru(torch.tensor(x), ht)
            gru_diff = max(gru_diff, float(np.max(np.abs(h - ht.numpy()))))
        h = np.zeros((batch, hidden_size))
        c = np.zeros((batch, hidden_size))
        ht = torch.zeros(batch, hidden_size, dtype=torch.float64)
        ct = torch.zeros(batch, hidden_size, dtype=torch.float64)
        lstm_diff = 0.0
        for x in xs:
            h, c = lstm_cell(x, h, c, *params(lstm))
            ht, ct = lstm(torch.tensor(x), (ht, ct))
            lstm_diff = max(
                lstm_diff,
                float(np.max(np.abs(h - ht.numpy()))),
                float(np.max(np.abs(c - ct.numpy()))),
            )
    return {"gru_max_abs_difference": gru_diff, "lstm_max_abs_difference": lstm_diff}


def cells_facts(result: dict[str, float], *, lang: str = "en") -> dict[str, Any]:
    """The labelled numbers of :func:`cells_match_torch` for printing, labelled in ``lang``.

    The differences are at float64 rounding level; their last digits depend on the CPU's vector
    instructions, so they are shown as the bound ``< 1e-13``.
    """
    from actlab.plotting.tables import Below

    return {
        t("result.cells.difference", lang, cell=cell.upper()): Below(
            result[f"{cell}_max_abs_difference"], 1e-13
        )
        for cell in ("gru", "lstm")
    }


_VARIANTS = {
    "sigmoid gate, tanh candidate": ("sigmoid", "tanh"),
    "ReLU gate, tanh candidate": ("relu", "tanh"),
    "sigmoid gate, identity candidate": ("sigmoid", None),
}


def gated_memory(
    *,
    steps: int = 60,
    write_every: int = 15,
    w_gate: float = -12.0,
    b_gate: float = 6.0,
    w_cand: float = 2.0,
    input_scale: float = 1.5,
    seed: int = 0,
) -> dict[str, Any]:
    r"""A one-unit gated memory that stores the input when a write flag is set, and holds it otherwise.

    The write flag :math:`s_t \in \{0, 1\}` is 1 every ``write_every`` steps. The update gate is
    :math:`z_t = a(w_{gate} s_t + b_{gate})` and the candidate :math:`\tilde h_t = c(w_{cand} x_t)`,
    with :math:`x_t \sim \mathcal N(0, \text{input\_scale}^2)`, and
    :math:`h_t = z_t h_{t-1} + (1 - z_t) \tilde h_t` (torch's and Cho et al.'s convention: the
    gate keeps). Three choices of :math:`(a, c)` are run: sigmoid/tanh (the GRU's choice),
    ReLU/tanh and sigmoid/identity.

    Args:
        steps: sequence length. Default: 60.
        write_every: period of the write flag. Default: 15.
        w_gate, b_gate: gate weight and bias; with the defaults the sigmoid gate is
            :math:`\sigma(6) \approx 0.9975` (keep) without the flag and
            :math:`\sigma(-6) \approx 0.0025` (overwrite) with it.
        w_cand: candidate weight. Default: 2.
        input_scale: std of the inputs. Default: 1.5.
        seed: seed of the inputs. Default: 0.

    Returns:
        A dict with ``t``, ``x``, ``write`` and, per variant name, a dict of ``gate``,
        ``candidate``, ``state`` arrays and ``max_abs_state``, ``gate_min``, ``gate_max``.
    """
    from actlab.activations.registry import get

    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise ValueError(f"gated_memory: steps must be an int >= 2, got {steps!r}")
    if isinstance(write_every, bool) or not isinstance(write_every, int) or write_every < 1:
        raise ValueError(f"gated_memory: write_every must be a positive int, got {write_every!r}")
    g = _rng(seed)
    t = np.arange(steps)
    x = input_scale * g.standard_normal(steps)
    write = (t % write_every == 0).astype(np.float64)
    out: dict[str, Any] = {"t": t, "x": x, "write": write}
    for name, (gate_key, cand_key) in _VARIANTS.items():
        gate = get(gate_key).forward(w_gate * write + b_gate)
        pre = w_cand * x
        cand = pre if cand_key is None else get(cand_key).forward(pre)
        h = np.empty(steps)
        prev = 0.0
        for k in range(steps):
            prev = gate[k] * prev + (1 - gate[k]) * cand[k]
            h[k] = prev
        out[name] = {
            "gate": gate,
            "candidate": cand,
            "state": h,
            "max_abs_state": float(np.max(np.abs(h))),
            "gate_min": float(gate.min()),
            "gate_max": float(gate.max()),
        }
    return out


def variant_label(name: str, lang: str = "en") -> str:
    """The name of a :func:`gated_memory` variant in ``lang``; other names as they are."""
    labels = {
        "sigmoid gate, tanh candidate": t("result.memory.sigmoid_tanh", lang),
        "ReLU gate, tanh candidate": t("result.memory.relu_tanh", lang),
        "sigmoid gate, identity candidate": t("result.memory.sigmoid_identity", lang),
    }
    return labels.get(name, name)


def memory_table(result: dict[str, Any], *, lang: str = "en") -> list[dict[str, Any]]:
    """One row per variant of :func:`gated_memory`'s result: gate range and largest state,
    labelled in ``lang``."""
    return [
        {
            t("result.memory.variant", lang): variant_label(name, lang),
            t("result.memory.gate_min", lang): r["gate_min"],
            t("result.memory.gate_max", lang): r["gate_max"],
            "max |h|": r["max_abs_state"],
        }
        for name, r in result.items()
        if isinstance(r, dict)
    ]
