"""The backward signal and the weight gradients per layer, dead units, exploding gradients."""

import numpy as np
import pytest
import torch

from actlab.experiments import gradients

torch.set_num_threads(1)


def test_initial_network_is_float64_and_seeded():
    net, X, y = gradients.initial_network("relu", depth=4, width=8, batch=16, seed=3)
    assert X.dtype == torch.float64 and X.shape == (16, 64) and y.shape == (16,)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    Ws, bs = gradients.numpy_weights(net)
    assert [W.shape for W in Ws] == [(64, 8), (8, 8), (8, 8), (8, 10)]
    # h = xW + b: the numpy weights reproduce torch's output
    h = X.numpy()
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        h = h @ W + b
        if i < len(Ws) - 1:
            h = np.maximum(h, 0)
    np.testing.assert_allclose(h, net(X).detach().numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match=r"initial_network: depth must be an int >= 3, got 2"):
        gradients.initial_network("relu", depth=2)


def test_layer_gradients_match_finite_differences_of_the_loss():
    from torch.nn import functional as F

    r = gradients.layer_gradients("tanh", depth=3, width=5, batch=8, seed=1)
    net, X, y = gradients.initial_network("tanh", depth=3, width=5, batch=8, seed=1)
    w = net[0].weight
    eps = 1e-6
    num = torch.zeros_like(w)
    with torch.no_grad():
        for idx in np.ndindex(*w.shape):
            old = float(w[idx])
            w[idx] = old + eps
            up = float(F.cross_entropy(net(X), y))
            w[idx] = old - eps
            down = float(F.cross_entropy(net(X), y))
            w[idx] = old
            num[idx] = (up - down) / (2 * eps)
    assert r["weight"][0] == pytest.approx(float(torch.linalg.norm(num)), rel=1e-6)
    assert r["delta"].shape == (3,) and r["dead"].shape == (2,)


def test_relu_halves_the_backward_variance_per_layer_under_xavier_and_he_keeps_it():
    flow = gradients.gradient_flow(
        (("relu", "xavier"), ("relu", "he"), ("sigmoid", "xavier")), seeds=(0, 1)
    )
    rows = {(r["activation"], r["init"]): r for r in gradients.flow_table(flow)}
    assert rows["relu", "Xavier"]["var. factor / layer"] == pytest.approx(0.5, abs=0.08)
    assert rows["relu", "He"]["var. factor / layer"] == pytest.approx(1.0, abs=0.15)
    assert rows["sigmoid", "Xavier"]["|d1|/|d9|"] < 1e-4
    # the weight-gradient ratio hides the vanishing backward signal of ReLU under Xavier
    assert rows["relu", "Xavier"]["|d1|/|d9|"] < 0.1
    assert rows["relu", "Xavier"]["|dW1|/|dW10|"] > 0.5
    assert flow["relu, xavier"]["delta"].shape == (2, 10)
    assert flow["relu, xavier"]["forward_std"].shape == (2, 9)
    with pytest.raises(ValueError, match=r"gradient_flow: seeds must not be empty"):
        gradients.gradient_flow(seeds=())


def test_agreement_table_and_facts():
    ref = gradients.layer_gradients("relu", depth=3, width=4, batch=8, seed=0)
    same = (ref["delta"], ref["weight"], ref["dead"])
    rows = gradients.agreement_table(same, ref)
    assert [r["layer"] for r in rows] == [1, 2, 3] and rows[-1]["dead numpy"] is None
    facts = gradients.agreement_facts(same, ref)
    assert [str(v) for v in facts.values()] == ["< 1e-13", "0.0"]
    off = (ref["delta"] * 1.01, ref["weight"], ref["dead"])
    assert str(gradients.agreement_facts(off, ref)["norms: largest relative difference"]) == "0.01"
    with pytest.raises(ValueError, match=r"agreement_table: by_hand has 2 layers"):
        gradients.agreement_table((ref["delta"][:2], ref["weight"][:2], ref["dead"]), ref)


def test_relu_gradients_explode_with_large_weights():
    r = gradients.exploding_gradients(depth=12, gains=(1.0, 1.5), seeds=(0,), updates=6)
    assert r[1.5]["first_layer_norm"] > 100 * r[1.0]["first_layer_norm"]
    assert r[1.0]["first_nonfinite"] is None and np.all(np.isfinite(r[1.0]["losses"]))
    assert r[1.5]["losses"][0] > 10 * r[1.0]["losses"][0]
    assert r[1.5]["first_nonfinite"] is not None or r[1.5]["losses"].max() > 1e6
    rows = gradients.exploding_table(r)
    assert rows[0]["ratio to gain 1"] == 1.0
    assert rows[1]["(gain/1)^depth"] == pytest.approx(1.5**12)


def test_gradient_norms_is_deterministic_and_checks_depth():
    a = gradients.gradient_norms("tanh", depth=4, batch=32, seed=2)
    np.testing.assert_array_equal(a, gradients.gradient_norms("tanh", depth=4, batch=32, seed=2))
    with pytest.raises(ValueError, match=r"gradient_norms: depth must be an int >= 2, got 1"):
        gradients.gradient_norms("tanh", depth=1)


def test_inactive_fractions_over_the_training_set():
    r = gradients.inactive_fractions("relu", depth=6)
    # about half the units output 0 for any one image, far fewer for every image
    assert np.all((r["per_example"] > 0.3) & (r["per_example"] < 0.7))
    assert np.all(r["dead"] < 0.2) and r["dead"][0] == 0
    # the images' representations grow more alike with depth
    assert r["similarity"][-1] > r["similarity"][0] > 0
    assert np.all(gradients.inactive_fractions("tanh", depth=3)["per_example"] == 0)
    rows = gradients.inactive_table({"Xavier": r})
    assert [row["layer"] for row in rows] == [1, 2, 3, 4, 5]
    assert set(rows[0]) == {"layer", "Xavier: at 0 per example", "Xavier: dead", "Xavier: similarity"}


def test_mean_cosine():
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    # pairs: (0,2) cos 1, others 0; 12 ordered pairs, 2 of them with cos 1
    assert gradients._mean_cosine(A) == pytest.approx(2 / 12)


def test_dead_units_revive_where_their_inputs_move_and_not_in_layer_one():
    r = gradients.revival(depth=8, inits=("he",), seeds=(2,), epochs=1, silenced=3)
    he = r["he"]
    assert np.all(he["revived"] <= he["dead_before"])
    assert he["revived"][1:].sum() > 0  # a unit whose inputs move can come back
    # layer 1 sees the fixed data: the silenced units stay dead, their weights never move
    assert he["dead_before"][0] == 3 and he["revived"][0] == 0
    assert he["silenced_weight_change"] == 0.0
    assert he["train_error"].shape == (1,)
    rows = gradients.revival_table(r)
    assert rows[0] == {
        "layer": 1,
        "He: dead at init": 3,
        "He: revived": 0,
        "He: dead after": int(he["dead_after"][0]),
    }
    facts = gradients.revival_facts(r)
    assert facts["He: silenced layer-1 units, largest weight change"] == 0.0
    with pytest.raises(ValueError, match=r"revival: silenced must be an int in \[0, width\]"):
        gradients.revival(silenced=-1)
