"""Networks: numpy layers against finite differences and torch, make_mlp, the training loop."""

import numpy as np
import pytest
import torch

from actlab import networks as nw
from actlab.data import digits, xor
from actlab.gradient_check import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)

torch.set_num_threads(1)

G = np.random.default_rng(0)


def test_affine_forward_backward():
    x, w, b = G.standard_normal((4, 5)), G.standard_normal((5, 3)), G.standard_normal(3)
    out, cache = nw.affine_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    dout = G.standard_normal((4, 3))
    dx, dw, db = nw.affine_backward(dout, cache)
    assert (
        rel_error(
            dx, eval_numerical_gradient_array(lambda v: nw.affine_forward(v, w, b)[0], x, dout)
        )
        < 1e-8
    )
    assert (
        rel_error(
            dw, eval_numerical_gradient_array(lambda v: nw.affine_forward(x, v, b)[0], w, dout)
        )
        < 1e-8
    )
    assert (
        rel_error(
            db, eval_numerical_gradient_array(lambda v: nw.affine_forward(x, w, v)[0], b, dout)
        )
        < 1e-8
    )


def test_affine_shape_errors():
    with pytest.raises(ValueError, match=r"affine_forward: expected x \(N, D\)"):
        nw.affine_forward(np.zeros((2, 3)), np.zeros((4, 2)), np.zeros(2))
    _, cache = nw.affine_forward(np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"affine_backward: dout must have shape \(2, 4\)"):
        nw.affine_backward(np.zeros((2, 3)), cache)


@pytest.mark.parametrize(
    ("key", "params"),
    [("relu", {}), ("sigmoid", {}), ("tanh", {}), ("leaky_relu", {"negative_slope": 0.2})],
)
def test_activation_backward_matches_finite_differences(key, params):
    # seeded inputs kept away from the kink at 0
    x = G.standard_normal((4, 6))
    x[np.abs(x) < 1e-3] = 0.5
    dout = G.standard_normal((4, 6))
    _, cache = nw.activation_forward(x, key, **params)
    dx = nw.activation_backward(dout, cache)
    num = eval_numerical_gradient_array(
        lambda v: nw.activation_forward(v, key, **params)[0], x, dout
    )
    assert rel_error(dx, num) < 1e-7


def test_activation_forward_errors():
    with pytest.raises(TypeError, match=r"activation_forward: activation must be a registry key"):
        nw.activation_forward(np.zeros(2), 3)
    with pytest.raises(ValueError, match=r"activation_forward: activation must be elementwise"):
        nw.activation_forward(np.zeros(2), "softmax")


def test_softmax_cross_entropy_against_torch_and_stability():
    scores = G.standard_normal((5, 4)) * 3
    y = np.array([0, 3, 1, 2, 3])
    loss, dscores = nw.softmax_cross_entropy(scores, y)
    t = torch.tensor(scores, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert rel_error(dscores, t.grad.numpy()) < 1e-10
    big_loss, big_d = nw.softmax_cross_entropy(scores + 1e4, y)
    assert big_loss == pytest.approx(loss, rel=1e-9) and np.all(np.isfinite(big_d))
    with pytest.raises(ValueError, match=r"y must hold integer labels in \[0, 4\)"):
        nw.softmax_cross_entropy(scores, np.array([0, 1, 2, 3, 4]))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", None])
def test_mlp_gradients_match_finite_differences(activation):
    net = nw.MLP([4, 6, 5, 3], activation, seed=1)
    X = G.standard_normal((7, 4))
    y = G.integers(0, 3, 7)
    loss, grads = net.loss(X, y)
    assert loss > 0
    for name, p in net.params.items():
        num = eval_numerical_gradient(lambda _: net.loss(X, y)[0], p)
        assert rel_error(num, grads[name]) < 1e-6, name


def test_mlp_matches_torch_on_the_same_weights():
    net = nw.MLP([3, 8, 2], "tanh", seed=2)
    X = G.standard_normal((5, 3))
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)
    ).double()
    with torch.no_grad():
        for lin, dense in zip((model[0], model[2]), net.layers, strict=True):
            lin.weight.copy_(torch.tensor(dense.W.T))
            lin.bias.copy_(torch.tensor(dense.b))
    np.testing.assert_allclose(net.forward(X), model(torch.tensor(X)).detach().numpy(), rtol=1e-12)


def test_dense_inits_have_the_stated_scale():
    fan_in, fan_out = 400, 300
    he = nw.Dense(fan_in, fan_out, init="he", seed=0).W.std()
    xavier = nw.Dense(fan_in, fan_out, init="xavier", seed=0).W.std()
    assert he == pytest.approx(np.sqrt(2 / fan_in), rel=0.02)
    assert xavier == pytest.approx(np.sqrt(2 / (fan_in + fan_out)), rel=0.02)
    with pytest.raises(ValueError, match=r"Dense: init must be one of"):
        nw.Dense(2, 2, init="zeros")


def test_mlp_learns_xor_where_the_linear_stack_cannot():
    X, y = xor(200, seed=0)
    results = {}
    for activation in ("tanh", None):
        net = nw.MLP([2, 16, 2], activation, seed=0)
        for _ in range(300):
            _, grads = net.loss(X, y)
            for name, p in net.params.items():
                p -= 0.5 * grads[name]
        results[activation] = float(np.mean(net.predict(X) == y))
    assert results["tanh"] > 0.95
    assert results[None] < 0.7


def test_make_mlp_structure_uses_our_modules():
    from actlab.activations.registry import get

    net = nw.make_mlp([4, 8, 8, 3], "relu", dropout=0.5, seed=0)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert isinstance(net[1], get("relu").module)
    assert net[1] is not net[4]
    prelu = nw.make_mlp([4, 8, 8, 3], "prelu", seed=0)
    slopes = [p for n, p in prelu.named_parameters() if "weight" in n and p.ndim == 1]
    assert len(slopes) == 2


def test_make_mlp_seed_and_inits():
    a = nw.make_mlp([50, 40, 2], "tanh", init="xavier", seed=5)
    b = nw.make_mlp([50, 40, 2], "tanh", init="xavier", seed=5)
    state = torch.random.get_rng_state()
    c = nw.make_mlp([50, 40, 2], "tanh", init="xavier", seed=6)
    assert torch.equal(state, torch.random.get_rng_state())  # the global generator is untouched
    assert torch.equal(a[0].weight, b[0].weight)
    assert not torch.equal(a[0].weight, c[0].weight)
    he = nw.make_mlp([400, 300, 2], "relu", init="he", seed=0)[0]
    assert he.weight.std().item() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert he.bias.abs().max().item() == 0.0
    big = nw.make_mlp([400, 300, 2], "relu", init="he", init_gain=3.0, seed=0)[0]
    assert big.weight.std().item() == pytest.approx(3 * np.sqrt(2 / 400), rel=0.02)
    uni = nw.make_mlp([400, 300, 2], "relu", init="uniform", seed=0)[0]
    assert uni.weight.abs().max().item() <= 1 / 20


def test_make_mlp_errors():
    with pytest.raises(ValueError, match=r"make_mlp: init must be one of"):
        nw.make_mlp([2, 2], init="ones")
    with pytest.raises(
        ValueError, match=r"make_mlp: dropout must be a number in \[0, 1\), got 1.5"
    ):
        nw.make_mlp([2, 3, 2], dropout=1.5)
    with pytest.raises(TypeError, match=r"make_mlp: activation must be a registry key"):
        nw.make_mlp([2, 3, 2], activation=3)
    with pytest.raises(ValueError, match=r"make_mlp: sizes needs at least"):
        nw.make_mlp([2])


def test_layer_outputs_and_linear_layers():
    net = nw.make_mlp([4, 5, 6, 2], "sigmoid", dropout=0.1, seed=0).eval()
    with torch.no_grad():
        outs = nw.layer_outputs(net, torch.zeros(3, 4))
    assert [o.shape[1] for o in outs] == [5, 6]
    assert all(float(o.min()) > 0 and float(o.max()) < 1 for o in outs)
    assert [lin.out_features for lin in nw.linear_layers(net)] == [5, 6, 2]


def test_train_is_deterministic_and_learns():
    train_set, val_set = digits("train"), digits("test")

    def run():
        net = nw.make_mlp([64, 32, 10], "relu", init="he", seed=0)
        return nw.train(net, train_set, epochs=3, lr=0.05, momentum=0.9, val=val_set, seed=1)

    rows = run()
    assert rows == run()
    assert [r["epoch"] for r in rows] == [0, 1, 2, 3]
    assert rows[0]["train_error"] > 0.7
    assert rows[-1]["val_error"] < 0.15
    assert rows[-1]["updates"] == 3 * int(np.ceil(len(train_set) / 64))


def test_train_max_updates_and_callback():
    seen = []
    net = nw.make_mlp([2, 4, 2], "tanh", seed=0)
    rows = nw.train(
        net, xor(100), epochs=5, batch_size=10, max_updates=13, callback=lambda m, k: seen.append(k)
    )
    assert rows[-1]["updates"] == 13 and seen == list(range(1, 14))
    assert [r["epoch"] for r in rows] == [0, 1, 2]


def test_train_errors():
    net = nw.make_mlp([2, 4, 2], "tanh", seed=0)
    with pytest.raises(
        ValueError, match=r"train: optimizer must be 'sgd' or 'adam', got 'rmsprop'"
    ):
        nw.train(net, xor(10), optimizer="rmsprop")
    with pytest.raises(ValueError, match=r"train: loss must be one of"):
        nw.train(net, xor(10), loss="hinge")
    with pytest.raises(ValueError, match=r"train: lr must be a positive number, got -1"):
        nw.train(net, xor(10), lr=-1)
