"""Forward statistics through depth: SELU keeps mean 0 / variance 1, ReLU and tanh do not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actlab.experiments.propagation import alpha_dropout, inverted_dropout, propagate_statistics

torch.set_num_threads(1)  # small models: one thread is several times faster


@pytest.fixture(scope="module")
def deep():
    kw = {"depth": 50, "width": 128, "batch": 128, "seed": 0}
    return {a: propagate_statistics(a, **kw) for a in ("selu", "relu", "tanh")}


def test_selu_is_self_normalising(deep):
    r = deep["selu"]
    assert np.abs(r["mean"]).max() < 0.1
    assert 0.8 < r["var"].min() and r["var"].max() < 1.2


def test_relu_and_tanh_lose_the_signal_under_the_same_init(deep):
    assert deep["relu"]["var"][-1] < 1e-10
    assert deep["tanh"]["var"][-1] < 0.05


def test_he_init_keeps_relu_alive():
    r = propagate_statistics("relu", depth=30, width=128, batch=128, init="he")
    assert r["var"][-1] > 0.05


def test_alpha_dropout_keeps_moments_and_plain_dropout_does_not():
    kw = {"depth": 30, "width": 128, "batch": 128, "p": 0.1, "seed": 1}
    alpha = propagate_statistics("selu", dropout="alpha", **kw)
    plain = propagate_statistics("selu", dropout="standard", **kw)
    assert abs(alpha["var"][-1] - 1.0) < 0.15 and abs(alpha["mean"][-1]) < 0.1
    assert abs(plain["var"][-1] - 1.0) > 0.3


def test_alpha_dropout_matches_torch_moments():
    g = np.random.default_rng(0)
    x = g.standard_normal(400_000)
    ours = alpha_dropout(x, 0.2, g)
    theirs = torch.nn.functional.alpha_dropout(torch.from_numpy(x), p=0.2, training=True).numpy()
    assert ours.mean() == pytest.approx(theirs.mean(), abs=0.01)
    assert ours.var() == pytest.approx(theirs.var(), abs=0.02)
    assert ours.var() == pytest.approx(1.0, abs=0.02)


def test_inverted_dropout_keeps_the_mean():
    g = np.random.default_rng(0)
    x = np.ones(100_000)
    out = inverted_dropout(x, 0.25, g)
    assert out.mean() == pytest.approx(1.0, abs=0.01)
    assert set(np.unique(out)) <= {0.0, 1.0 / 0.75}


def test_same_seed_same_result():
    a = propagate_statistics("tanh", depth=3, width=16, batch=8, seed=3)
    b = propagate_statistics("tanh", depth=3, width=16, batch=8, seed=3)
    np.testing.assert_array_equal(a["var"], b["var"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"activation": "nope"}, "registry key"),
        ({"activation": "softmax"}, "elementwise"),
        ({"activation": "relu", "init": "zeros"}, "init must be"),
        ({"activation": "relu", "dropout": "gaussian"}, "dropout must be"),
        ({"activation": "relu", "depth": 0}, "depth must be"),
        ({"activation": "relu", "dropout": "alpha", "p": 1.0}, "p must be"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        propagate_statistics(**{"depth": 2, "width": 4, "batch": 4, **kwargs})


def test_summary_rows(deep):
    from actlab.experiments.propagation import summary_rows

    rows = summary_rows(list(deep.values()))
    assert [r["activation"] for r in rows] == ["selu", "relu", "tanh"]
    for row in rows:
        assert row["var_min"] <= row["var"] <= row["var_max"] and row["abs_mean"] >= 0
