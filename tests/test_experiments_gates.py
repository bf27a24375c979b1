"""GRU/LSTM cells written out with sigmoid and tanh, and the gated memory."""

import numpy as np
import pytest

from actlab.experiments import gates


def test_numpy_cells_match_torch():
    r = gates.cells_match_torch(seed=3)
    assert r["gru_max_abs_difference"] < 1e-12
    assert r["lstm_max_abs_difference"] < 1e-12


def test_cell_shape_errors():
    x, h = np.zeros((2, 3)), np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"gru_cell: expected w_ih \(3H, D\)"):
        gates.gru_cell(x, h, np.zeros((8, 3)), np.zeros((12, 4)), np.zeros(12), np.zeros(12))
    with pytest.raises(ValueError, match=r"lstm_cell: expected w_ih \(4H, D\)"):
        gates.lstm_cell(x, h, h, np.zeros((12, 3)), np.zeros((16, 4)), np.zeros(16), np.zeros(16))


def test_gated_memory_variants():
    r = gates.gated_memory(seed=1)
    gru = r["sigmoid gate, tanh candidate"]
    assert 0 < gru["gate_min"] < 0.05 and 0.95 < gru["gate_max"] < 1
    # torch's (and Cho et al.'s) convention: the update gate keeps the old state when it is near 1
    assert gru["gate"][r["write"] == 0].min() > 0.99 and gru["gate"][r["write"] == 1].max() < 0.01
    assert gru["max_abs_state"] < 1  # convex mixing of values in (-1, 1)
    # the state holds between writes: it changes little where the write flag is 0
    closed = r["write"][1:] == 0
    drift = np.abs(np.diff(gru["state"]))[closed]
    jumps = np.abs(np.diff(gru["state"]))[~closed]
    assert drift.mean() < 0.2 * jumps.mean()
    # ReLU gates are not in (0, 1): the state is no longer a convex mixture and grows
    assert r["ReLU gate, tanh candidate"]["gate_max"] > 1
    assert r["ReLU gate, tanh candidate"]["max_abs_state"] > 5
    # without tanh the candidate, and so the state, is unbounded
    assert r["sigmoid gate, identity candidate"]["max_abs_state"] > 1


def test_gated_memory_errors():
    with pytest.raises(ValueError, match=r"gated_memory: steps must be an int >= 2, got 1"):
        gates.gated_memory(steps=1)


def test_memory_table():
    rows = gates.memory_table(gates.gated_memory(steps=10, write_every=5))
    assert [r["variant"] for r in rows] == list(gates._VARIANTS)
    assert rows[1]["gate max"] == pytest.approx(6.0)


def test_cells_facts_bound_rounding_level_differences():
    facts = gates.cells_facts({"gru_max_abs_difference": 4e-16, "lstm_max_abs_difference": 0.5})
    assert [str(v) for v in facts.values()] == ["< 1e-13", "0.5"]
