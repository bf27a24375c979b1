"""Input handling of the numpy activations: types, dtypes, shapes, ``out=`` and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import actlab.activations as A
from actlab.activations.registry import records

ELEMENTWISE = records("elementwise")
NORMALISING = records("normalising")
EW_IDS = [r.key for r in ELEMENTWISE]
NM_IDS = [r.key for r in NORMALISING]
FLOATS = [np.float16, np.float32, np.float64]


def _both(rec):
    """(name, callable) for the forward and the derivative, called with the defaults."""
    d = dict(rec.defaults)
    return [
        (rec.key, lambda x, **kw: rec.forward(x, **d, **kw)),
        (rec.key + "_grad", lambda x, **kw: rec.derivative(x, **d, **kw)),
    ]


def _sample(shape=(3, 4), dtype=np.float64, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=shape) * 3).astype(dtype)


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_dtype_and_shape_preserved(rec, dtype) -> None:
    x = _sample((2, 3, 4), dtype)
    for _, fn in _both(rec):
        y = fn(x)
        assert isinstance(y, np.ndarray) and y.dtype == dtype and y.shape == x.shape


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
def test_scalars_lists_ints_and_bools(rec) -> None:
    for _, fn in _both(rec):
        y = fn(1.5)
        assert isinstance(y, np.float64) and np.ndim(y) == 0
        assert fn(np.float32(1.5)).dtype == np.float32 and np.ndim(fn(np.float32(1.5))) == 0
        assert isinstance(fn(np.array(1.5)), np.float64)
        y_int = fn([[-2, 0, 3]])
        assert y_int.dtype == np.float64 and y_int.shape == (1, 3)
        np.testing.assert_array_equal(y_int, fn(np.array([[-2.0, 0.0, 3.0]])))
        np.testing.assert_array_equal(fn(np.array([True, False])), fn(np.array([1.0, 0.0])))
        assert fn(np.arange(3, dtype=np.int8)).dtype == np.float64
        assert fn(np.arange(3, dtype=np.uint64)).dtype == np.float64
        assert fn(3) == fn(3.0)


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3, 1)])
def test_empty(rec, shape) -> None:
    for _, fn in _both(rec):
        for dt in FLOATS:
            y = fn(np.empty(shape, dt))
            assert y.shape == shape and y.dtype == dt


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_non_contiguous(rec, dtype) -> None:
    base = _sample((6, 8), dtype, seed=1)
    for view in (base[::2, 1::3], base.T, base[:, ::-1]):
        assert not view.flags.c_contiguous
        for _, fn in _both(rec):
            np.testing.assert_array_equal(fn(view), fn(np.ascontiguousarray(view)))


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_out_argument(rec, dtype) -> None:
    x = _sample((5, 7), dtype, seed=2)
    for _, fn in _both(rec):
        expected = fn(x)
        out = np.full_like(x, 7)
        assert fn(x, out=out) is out
        np.testing.assert_array_equal(out, expected)
        # in place, and into a non-contiguous view
        y = x.copy()
        assert fn(y, out=y) is y
        np.testing.assert_array_equal(y, expected)
        big = np.zeros((5, 14), dtype)
        fn(x, out=big[:, ::2])
        np.testing.assert_array_equal(big[:, ::2], expected)
        # a 0-d out gives back the 0-d array itself
        o0 = np.zeros((), dtype)
        assert fn(x[0, 0], out=o0) is o0


@pytest.mark.parametrize("rec", ELEMENTWISE, ids=EW_IDS)
def test_large_input_crosses_chunks(rec) -> None:
    """Inputs longer than the evaluation chunk give the same values as piece by piece."""
    x = _sample((3, 10_001), np.float32, seed=3)
    for _, fn in _both(rec):
        whole = fn(x)
        parts = np.stack([fn(row) for row in x])
        np.testing.assert_array_equal(whole, parts)


def test_out_errors() -> None:
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"relu\(\): out has shape \(4,\); expected the input's shape \(3,\)"):
        A.relu(x, out=np.empty(4))
    with pytest.raises(TypeError, match=r"sigmoid\(\): out has dtype float32; expected .* float64"):
        A.sigmoid(x, out=np.empty(3, np.float32))
    with pytest.raises(TypeError, match=r"gelu\(\): out must be a numpy ndarray; got list"):
        A.gelu(x, out=[0, 0, 0])
    ro = np.empty(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        A.tanh(x, out=ro)
    with pytest.raises(ValueError, match=r"softmax\(\): out has shape"):
        A.softmax(x, out=np.empty(2))


BAD = [
    ("a string", "abc"),
    ("None", None),
    ("bytes", b"1"),
    ("object array", np.array([1.0, None], dtype=object)),
    ("complex array", np.array([1 + 2j])),
    ("complex scalar", 1j),
    ("list of strings", ["1", "2"]),
    ("ragged list", [[1.0], [1.0, 2.0]]),
    ("datetime", np.array(["2020-01-01"], dtype="datetime64[D]")),
    ("longdouble", np.ones(2, np.longdouble)),
    ("dict", {"x": 1.0}),
]


@pytest.mark.parametrize("rec", ELEMENTWISE + NORMALISING, ids=EW_IDS + NM_IDS)
@pytest.mark.parametrize(("what", "bad"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_type_error(rec, what, bad) -> None:
    if rec.kind == "normalising":
        calls = [(rec.key, lambda v: rec.forward(v)), (rec.key + "_grad", lambda v: rec.derivative(v, v))]
    else:
        calls = _both(rec)
    for name, fn in calls:
        with pytest.raises(TypeError) as info:
            fn(bad)
        msg = str(info.value)
        assert msg.startswith(f"{name}():"), msg
        assert "float16, float32, float64, int or bool" in msg
        assert "got" in msg


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: A.softplus(1.0, beta=0.0), ValueError, r"softplus\(\): beta must be > 0; got 0.0"),
        (lambda: A.softplus(1.0, beta="2"), TypeError, r"softplus\(\): beta must be a real number"),
        (lambda: A.softplus_grad(1.0, threshold=float("nan")), ValueError, "threshold must not be NaN"),
        (lambda: A.hardtanh(1.0, 2.0, 1.0), ValueError, r"hardtanh\(\): expected min_val <= max_val"),
        (lambda: A.gelu(1.0, approximate="erf"), ValueError, r"gelu\(\): approximate must be 'none' or 'tanh'; got 'erf'"),
        (lambda: A.gelu_grad(1.0, approximate=None), ValueError, r"gelu_grad\(\): approximate"),
        (lambda: A.celu(1.0, alpha=0.0), ValueError, r"celu\(\): alpha must be non-zero"),
        (lambda: A.hardshrink(1.0, lambd=-1.0), ValueError, r"hardshrink\(\): lambd must be >= 0"),
        (lambda: A.softshrink_grad(1.0, lambd=-0.1), ValueError, r"softshrink_grad\(\): lambd"),
        (lambda: A.rrelu(1.0, lower=0.5, upper=0.1), ValueError, r"rrelu\(\): expected lower <= upper"),
        (lambda: A.rrelu(1.0, training=1), TypeError, r"rrelu\(\): training must be a bool"),
        (lambda: A.rrelu(1.0, training=True, rng="seed"), TypeError, r"rrelu\(\): rng must be"),
        (lambda: A.leaky_relu(1.0, negative_slope=None), TypeError, r"leaky_relu\(\): negative_slope"),
        (lambda: A.elu(1.0, alpha=True), TypeError, r"elu\(\): alpha must be a real number"),
        (lambda: A.threshold(1.0, "0", 1.0), TypeError, r"threshold\(\): threshold must be"),
        (lambda: A.prelu(np.ones((2, 3)), [0.1, 0.2]), ValueError, r"prelu\(\): weight has 2 entries; expected 1 or the size of the channel axis"),
        (lambda: A.prelu(np.ones(3), np.ones((1, 3))), ValueError, r"prelu\(\): weight must be 0-d or 1-D"),
        (lambda: A.prelu_weight_grad(np.ones(3), [0.25], np.ones(2)), ValueError, r"prelu_weight_grad\(\): grad_output has shape"),
    ],
)
def test_bad_parameters(call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call()


# --------------------------------------------------------------------------------------------
# normalising functions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rec", NORMALISING, ids=NM_IDS)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_normalising_dtype_shape_axis(rec, dtype) -> None:
    x = _sample((2, 4, 6), dtype, seed=4)
    for axis in (0, 1, 2, -1, -3):
        y = rec.forward(x, axis=axis)
        assert y.dtype == dtype
        moved = rec.forward(np.moveaxis(x, axis, -1), axis=-1)
        np.testing.assert_array_equal(y, np.moveaxis(moved, -1, axis))
        g = _sample(y.shape, dtype, seed=5)
        d = rec.derivative(x, g, axis=axis)
        assert d.dtype == dtype and d.shape == x.shape
        dm = rec.derivative(np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1), axis=-1)
        np.testing.assert_array_equal(d, np.moveaxis(dm, -1, axis))


@pytest.mark.parametrize("rec", NORMALISING, ids=NM_IDS)
def test_normalising_axis_errors(rec) -> None:
    x = np.ones((2, 4))
    with pytest.raises(ValueError, match=rf"{rec.key}\(\): axis 2 is out of range for an input with 2 dimension\(s\); expected an integer in \[-2, 1\]"):
        rec.forward(x, axis=2)
    with pytest.raises(ValueError, match=rf"{rec.key}_grad\(\): axis -3 is out of range"):
        rec.derivative(x, np.ones((2, 2) if rec.key == "glu" else (2, 4)), axis=-3)
    with pytest.raises(TypeError, match=rf"{rec.key}\(\): axis must be an int; got float 1.0"):
        rec.forward(x, axis=1.0)
    with pytest.raises(TypeError, match=r"axis must be an int"):
        rec.forward(x, axis=True)


def test_normalising_special_shapes() -> None:
    assert A.softmax(3.0) == 1.0 and isinstance(A.softmax(3.0), np.float64)
    assert A.log_softmax(np.float32(3.0)) == 0.0
    assert A.softmax(np.empty((0, 3))).shape == (0, 3)
    assert A.softmax(np.empty((2, 0))).shape == (2, 0)
    with pytest.raises(ValueError, match=r"glu\(\): the size along axis 1 must be even to split it in half; got 3"):
        A.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"glu\(\): expected an input with at least 1 dimension"):
        A.glu(1.0)
    with pytest.raises(ValueError, match=r"glu_grad\(\): grad_output has shape \(2, 2\); expected \(2, 1\)"):
        A.glu_grad(np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"softmax_grad\(\): grad_output has shape \(3,\); expected \(2,\)"):
        A.softmax_grad([1.0, 2.0], [1.0, 2.0, 3.0])
    assert A.glu(np.ones((2, 4)), axis=-1).shape == (2, 2)
    assert A.glu([1, 0]).dtype == np.float64


# --------------------------------------------------------------------------------------------
# PReLU's channel axis and RReLU's draws
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (2, 3, 2, 2)])
def test_prelu_channels_match_torch(shape) -> None:
    import torch
    import torch.nn.functional as F

    x = _sample(shape, np.float64, seed=6)
    w = np.array([0.1, 0.25, -0.5])
    g = _sample(shape, np.float64, seed=7)
    t = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    y = F.prelu(t, tw)
    (y * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(A.prelu(x, w), y.detach().numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(A.prelu_grad(x, w) * g, t.grad.numpy(), rtol=1e-15)
    np.testing.assert_allclose(A.prelu_weight_grad(x, w, g), tw.grad.numpy(), rtol=1e-12)


def test_prelu_single_weight_and_1d() -> None:
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.prelu(x, 0.25), [-0.5, 0.0, 3.0])
    np.testing.assert_array_equal(A.prelu(x, [0.25]), [-0.5, 0.0, 3.0])
    np.testing.assert_array_equal(A.prelu(x, [0.1, 0.2, 0.3]), [-0.2, 0.0, 3.0])
    np.testing.assert_array_equal(A.prelu_grad(x, [0.25]), [0.25, 0.25, 1.0])
    assert A.prelu_weight_grad(x, [0.25], np.ones(3)).shape == (1,)
    assert A.prelu_weight_grad(x, [0.25], np.ones(3))[0] == -2.0


def test_rrelu_training_draws() -> None:
    x = _sample((50, 40), np.float64, seed=8)
    y1 = A.rrelu(x, training=True, rng=0)
    y2 = A.rrelu(x, training=True, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(y1, y2)
    neg = x < 0
    slopes = y1[neg] / x[neg]
    assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3))
    assert slopes.std() > 0.03  # one draw per element, not one for all
    np.testing.assert_array_equal(y1[~neg], x[~neg])
    g = A.rrelu_grad(x, training=True, rng=0)
    np.testing.assert_allclose(g[neg], slopes, rtol=1e-15)
    np.testing.assert_array_equal(g[~neg & (x > 0)], 1.0)
    # evaluation uses the mean slope
    np.testing.assert_allclose(A.rrelu(-1.0), -(1 / 8 + 1 / 3) / 2, rtol=1e-16)
    assert A.rrelu(x, training=True, rng=1).dtype == np.float64
    assert A.rrelu(x.astype(np.float32), training=True, rng=1).dtype == np.float32
