"""One hidden layer approximating a function: the constructions and their errors."""

import numpy as np
import pytest

from actlab.experiments import approximation


def test_relu_interpolant_passes_through_the_knots_and_is_linear_between():
    knots = np.array([-2.0, -0.5, 1.0, 3.0])
    net = approximation.relu_interpolant(approximation.target, knots)
    np.testing.assert_allclose(
        approximation.one_hidden_layer(knots, net, "relu"), approximation.target(knots), atol=1e-12
    )
    mid = (knots[:-1] + knots[1:]) / 2
    f = approximation.target(knots)
    np.testing.assert_allclose(
        approximation.one_hidden_layer(mid, net, "relu"), (f[:-1] + f[1:]) / 2, atol=1e-12
    )
    assert net["w_in"].shape == (3,)


def test_sigmoid_staircase_steps_through_the_knot_values():
    knots = np.linspace(-3, 3, 7)
    net = approximation.sigmoid_staircase(approximation.target, knots, sharpness=40.0)
    out = approximation.one_hidden_layer(knots, net, "sigmoid")
    np.testing.assert_allclose(out, approximation.target(knots), atol=1e-6)


def test_errors_shrink_like_one_over_n_squared_and_one_over_n():
    r = approximation.universal_approximation(widths=(16, 32, 64, 128))
    relu = [r["max_error"]["relu", w] for w in (16, 32, 64, 128)]
    sig = [r["max_error"]["sigmoid", w] for w in (16, 32, 64, 128)]
    # doubling the width divides the ReLU interpolant's error by about 4, the staircase's by 2
    assert relu[-1] / relu[-2] == pytest.approx(0.25, abs=0.03)
    assert sig[-1] / sig[-2] == pytest.approx(0.5, abs=0.05)
    rows = approximation.approximation_table(r)
    assert rows[0] == {
        "hidden units": 16,
        "max error, relu": relu[0],
        "max error, sigmoid": sig[0],
    }


def test_errors_and_weight_difference():
    with pytest.raises(ValueError, match=r"relu_interpolant: knots must be an increasing"):
        approximation.relu_interpolant(np.sin, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"sigmoid_staircase: sharpness must be > 0"):
        approximation.sigmoid_staircase(np.sin, [0.0, 1.0], sharpness=0)
    with pytest.raises(ValueError, match=r"universal_approximation: activations must be among"):
        approximation.universal_approximation(activations=("tanh",))
    with pytest.raises(ValueError, match=r"universal_approximation: widths must be positive"):
        approximation.universal_approximation(widths=(0,))
    with pytest.raises(ValueError, match=r"universal_approximation: interval must be"):
        approximation.universal_approximation(interval=(1.0, 1.0))
    with pytest.raises(ValueError, match=r"one_hidden_layer: x must be 1-D"):
        approximation.one_hidden_layer(np.zeros((2, 2)), {}, "relu")
    a = approximation.relu_interpolant(np.sin, [0.0, 1.0, 2.0])
    b = dict(a, b_out=a["b_out"] + 0.5)
    assert approximation.weight_difference(a, a) == 0.0
    assert approximation.weight_difference(a, b) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"weight_difference: the networks have keys"):
        approximation.weight_difference(a, {"w_in": 1})


def test_weight_facts():
    knots = np.linspace(0.0, 1.0, 4)
    nets = (approximation.relu_interpolant(np.sin, knots), approximation.sigmoid_staircase(np.sin, knots))
    assert approximation.weight_facts(nets, nets) == {
        "ReLU kinks: largest |by hand - package|": 0.0,
        "sigmoid steps: largest |by hand - package|": 0.0,
    }
    with pytest.raises(ValueError, match=r"weight_facts: got 2 hand-built networks and 1"):
        approximation.weight_facts(nets, nets[:1])
