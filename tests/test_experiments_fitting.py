"""The small training loops of the experiments: float64 nets whose results do not depend on the CPU."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from actlab.data import to_tensors, xor
from actlab.experiments._fitting import (
    error_rate,
    make_mlp64,
    mean_loss,
    numpy_init,
    train_epochs,
)

torch.set_num_threads(1)  # small models: one thread is several times faster


@pytest.mark.parametrize(
    ("init", "std"), [("he", np.sqrt(2 / 200)), ("lecun", np.sqrt(1 / 200)), ("xavier", None)]
)
def test_numpy_init_draws_the_named_distribution(init, std):
    weight = torch.empty(300, 200)
    numpy_init(init, 0)(weight)
    values = weight.numpy()
    assert abs(values.mean()) < 0.01 * values.std()
    if std is None:  # U(+-sqrt(6 / (n_in + n_out)))
        bound = np.sqrt(6 / 500)
        assert values.max() <= bound and values.min() >= -bound
        assert values.std() == pytest.approx(bound / np.sqrt(3), rel=0.02)
    else:
        assert values.std() == pytest.approx(std, rel=0.02)


def test_numpy_init_is_seeded_and_fills_layers_in_order():
    a, b = torch.empty(4, 3), torch.empty(4, 3)
    fill = numpy_init("he", 5)
    fill(a)
    fill(b)
    assert not torch.equal(a, b)  # the second layer gets the next numbers
    c = torch.empty(4, 3)
    numpy_init("he", 5)(c)
    assert torch.equal(a, c)
    with pytest.raises(ValueError, match="numpy_init: init must be one of"):
        numpy_init("orthogonal", 0)


def test_make_mlp64_is_float64_with_zero_biases():
    net = make_mlp64([2, 8, 3], "prelu", init="he", seed=1)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert torch.count_nonzero(net[0].bias) == 0
    assert torch.equal(make_mlp64([2, 8, 3], "prelu", seed=1)[0].weight, net[0].weight)


def test_train_epochs_rows_and_progress():
    X, y = to_tensors(xor(200, seed=0), dtype=torch.float64)
    net = make_mlp64([2, 16, 16, 2], "tanh", init="xavier", seed=0)
    steps: list[int] = []
    rows = train_epochs(
        net, X, y, epochs=30, lr=0.05, optimizer="adam", batch_size=64, seed=0,
        callback=lambda _m, u: steps.append(u),
    )
    assert [r["epoch"] for r in rows] == list(range(31))
    assert steps == list(range(1, 30 * 4 + 1))  # 200 examples: 4 batches per epoch, the last of 8
    assert rows[-1]["updates"] == 120
    assert rows[-1]["train_loss"] < 0.5 * rows[0]["train_loss"]
    assert rows[-1]["train_error"] == error_rate(net, X, y) < 0.1
    assert rows[-1]["train_loss"] == pytest.approx(mean_loss(net, X, y))


def test_train_epochs_rejects_bad_arguments():
    X, y = to_tensors(xor(10, seed=0), dtype=torch.float64)
    net = make_mlp64([2, 4, 2], "relu", seed=0)
    for kwargs, match in (
        ({"epochs": -1, "lr": 0.1}, "epochs"),
        ({"epochs": 1, "lr": 0.0}, "lr"),
        ({"epochs": 1, "lr": 0.1, "batch_size": 0}, "batch_size"),
        ({"epochs": 1, "lr": 0.1, "optimizer": "rmsprop"}, "optimizer"),
    ):
        with pytest.raises(ValueError, match=f"train_epochs: {match}|{match}"):
            train_epochs(net, X, y, **kwargs)


_RUN = """
import torch
from actlab.data import to_tensors, xor
from actlab.experiments._fitting import make_mlp64, train_epochs
torch.set_num_threads(1)
X, y = to_tensors(xor(256, seed=0), dtype=torch.float64)
net = make_mlp64([2, 32, 32, 2], "relu", init="he", seed=0)
print([repr(float(p.abs().sum())) for p in net.parameters()])  # the initial weights, exactly
rows = train_epochs(net, X, y, epochs=5, lr=0.01, optimizer="adam", seed=0)
print(rows[-1]["train_error"], "%.10g" % rows[-1]["train_loss"])  # float64: equal to 10 digits
"""


def test_results_are_the_same_on_baseline_and_vector_kernels():
    """torch's baseline kernels (ATEN_CPU_CAPABILITY=default) give what the vector kernels give.

    With torch's own float32 ``normal_`` for the weights, the initial weights already differ.
    """
    outputs = []
    for capability in (None, "default"):
        env = {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}
        if capability:
            env["ATEN_CPU_CAPABILITY"] = capability
        run = subprocess.run(
            [sys.executable, "-c", _RUN], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


def test_numpy_reset_draws_torchs_default_distributions():
    from torch import nn

    from actlab.experiments._fitting import numpy_reset

    module = nn.Sequential(nn.Embedding(50, 40), nn.Linear(400, 300), nn.GRU(3, 200))
    numpy_reset(module, 3)
    emb, lin, gru = module
    assert emb.weight.std().item() == pytest.approx(1.0, rel=0.05)
    bound = 1 / np.sqrt(400)
    assert lin.weight.abs().max().item() <= bound and lin.bias.abs().max().item() <= bound
    assert lin.weight.std().item() == pytest.approx(bound / np.sqrt(3), rel=0.02)
    for param in gru.parameters():
        assert param.abs().max().item() <= 1 / np.sqrt(200)
    again = numpy_reset(nn.Sequential(nn.Embedding(50, 40), nn.Linear(400, 300), nn.GRU(3, 200)), 3)
    for a, b in zip(module.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b)
