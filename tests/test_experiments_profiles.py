"""activation_profile: the numbers of the four steps, measured from the registry."""

import pytest

from actlab.experiments.profiles import activation_profile


def test_sigmoid_and_tanh_derivative_maxima():
    s = activation_profile("sigmoid")
    t = activation_profile("tanh")
    assert s["derivative_max"] == pytest.approx(0.25) and s["derivative_argmax"] == 0.0
    assert t["derivative_max"] == pytest.approx(1.0) and t["derivative_argmax"] == 0.0
    assert s["range"] == (0.0, 1.0) and t["range"] == (-1.0, 1.0)
    assert t["observed_min"] < -0.99 and s["observed_min"] >= 0
    assert t["zero_centred"] and not s["zero_centred"]


def test_relu_kink_convention_matches_torch():
    import torch

    r = activation_profile("relu")
    left, at, right = r["kink_derivatives"][0.0]
    assert (left, right) == (0.0, 1.0)
    x = torch.zeros(1, requires_grad=True)
    torch.relu(x).sum().backward()
    assert at == float(x.grad[0]) == 0.0


def test_parameters_are_passed_and_errors():
    lr = activation_profile("leaky_relu", negative_slope=0.2, x_max=5.0, num=1001)
    assert lr["observed_min"] == pytest.approx(-1.0)
    assert lr["kink_derivatives"][0.0][0] == pytest.approx(0.2)
    with pytest.raises(ValueError, match=r"activation_profile: 'softmax' is normalising"):
        activation_profile("softmax")
    with pytest.raises(
        ValueError, match=r"activation_profile: num must be an odd int >= 3, got 10"
    ):
        activation_profile("relu", num=10)


def test_profile_rows():
    from actlab.experiments.profiles import profile_rows

    relu, tanh = profile_rows(["relu", "tanh"], x_max=5.0, num=1001)
    assert relu["kink f' (left / used / right)"] == "0: 0 / 0 / 1"
    assert tanh["kink f' (left / used / right)"] == "none"
    assert tanh["range"] == "(-1, 1)"
    assert -1 < tanh["min on [-5, 5]"] < -0.999


def test_profile_rows_range_brackets_follow_what_the_function_attains():
    from actlab.experiments.profiles import profile_rows

    rows = {r["activation"]: r["range"] for r in profile_rows(["relu", "sigmoid", "relu6", "elu"], num=1001)}
    # ReLU reaches 0 (for every x <= 0); sigmoid and ELU only approach their bounds
    assert rows == {"ReLU": "[0, inf)", "Sigmoid": "(0, 1)", "ReLU6": "[0, 6]", "ELU": "(-1, inf)"}


def test_range_rows_keep_the_range_columns():
    from actlab.experiments.profiles import range_rows

    (row,) = range_rows(["sigmoid"], x_max=5.0, num=1001)
    assert list(row) == ["activation", "range", "min on [-5, 5]", "max on [-5, 5]"]
    assert row["range"] == "(0, 1)" and 0 < row["min on [-5, 5]"] < 0.01
