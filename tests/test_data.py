"""Data sets: shapes, dtypes, seeding, splits and standardisation."""

import numpy as np
import pytest
import torch

from actlab import data

SYNTHETIC = [data.xor, data.spirals, data.moons, data.circles]


@pytest.mark.parametrize("make", SYNTHETIC)
def test_synthetic_shapes_dtypes_and_balance(make):
    d = make(101, seed=3)
    X, y = d
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert 0.3 < y.mean() < 0.7
    assert d.num_classes == 2 and len(d) == 101
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", SYNTHETIC)
def test_synthetic_seeding(make):
    a, b, c = make(50, seed=1), make(50, seed=1), make(50, seed=2)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_xor_labels_follow_the_quadrants():
    X, y = data.xor(500, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(np.int64))


def test_xor_is_not_linearly_separable():
    from sklearn.linear_model import LogisticRegression

    X, y = data.xor(400, seed=0)
    acc = LogisticRegression().fit(X, y).score(X, y)
    assert acc < 0.7


def test_spirals_arms_are_point_symmetric():
    # class 1 is class 0 rotated by pi, so noise-free radii match in distribution
    X, y = data.spirals(2000, noise=0.0, seed=0)
    r0 = np.sort(np.linalg.norm(X[y == 0], axis=1))
    r1 = np.sort(np.linalg.norm(X[y == 1], axis=1))
    assert abs(r0.mean() - r1.mean()) < 0.05
    assert r0.max() <= 1.0 + 1e-6


def test_arrays_are_read_only():
    X, _ = data.xor(10)
    with pytest.raises(ValueError):
        X[0, 0] = 1.0


@pytest.mark.parametrize(
    ("make", "n_total", "n_features", "n_classes"),
    [(data.digits, 1797, 64, 10), (data.breast_cancer, 569, 30, 2)],
)
def test_bundled_splits(make, n_total, n_features, n_classes):
    train, test, full = make("train"), make("test"), make("all")
    assert len(train) + len(test) == len(full) == n_total
    assert train.num_features == n_features and train.num_classes == n_classes
    assert abs(len(test) / n_total - 0.25) < 0.01
    # standardised with the training split's statistics
    np.testing.assert_allclose(train.X.mean(axis=0), 0.0, atol=1e-5)
    stds = train.X.std(axis=0)
    assert np.all((np.abs(stds - 1) < 1e-3) | (stds < 1e-6))
    # stratified: class proportions agree between the splits
    p_train = np.bincount(train.y, minlength=n_classes) / len(train)
    p_test = np.bincount(test.y, minlength=n_classes) / len(test)
    assert np.max(np.abs(p_train - p_test)) < 0.02
    # the split depends on the seed
    assert not np.array_equal(make("test", seed=1).y, test.y)
    np.testing.assert_array_equal(make("test", seed=0).X, test.X)


def test_bundled_raw_features():
    raw = data.digits("all", standardised=False)
    assert raw.X.min() == 0 and raw.X.max() == 16


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: data.digits("validation"), r"digits: split must be one of .* got 'validation'"),
        (lambda: data.digits(test_size=1.5), r"digits: test_size must be a float in \(0, 1\)"),
        (lambda: data.xor(1), r"xor: n must be an int >= 2, got 1"),
        (lambda: data.spirals(noise=-1.0), r"spirals: noise must be a finite number >= 0"),
        (lambda: data.circles(factor=2.0), r"circles: factor must be a number in \(0, 1\)"),
        (lambda: data.make_loader(data.xor(10), batch_size=0), r"make_loader: batch_size"),
    ],
)
def test_errors_name_function_and_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_standardise_uses_training_statistics():
    g = np.random.default_rng(0)
    A = g.normal(5, 2, (200, 3))
    B = g.normal(5, 2, (50, 3))
    a, b = data.standardise(A, B)
    np.testing.assert_allclose(a, (A - A.mean(axis=0)) / A.std(axis=0), rtol=1e-5)
    mean, std = A.mean(axis=0), A.std(axis=0)
    np.testing.assert_allclose(b, (B - mean) / std, rtol=1e-5)
    with pytest.raises(ValueError, match=r"standardise: every array must have shape \(m, 3\)"):
        data.standardise(A, np.zeros((2, 4)))


def test_tensors_and_loader():
    d = data.xor(50, seed=0)
    X, y = data.to_tensors(d)
    assert X.dtype == torch.float32 and y.dtype == torch.int64 and X.shape == (50, 2)
    batches_a = [yb.tolist() for _, yb in data.make_loader(d, batch_size=16, seed=4)]
    batches_b = [yb.tolist() for _, yb in data.make_loader(d, batch_size=16, seed=4)]
    assert batches_a == batches_b
    assert [len(b) for b in batches_a] == [16, 16, 16, 2]
    assert sorted(y for b in batches_a for y in b) == sorted(d.y.tolist())


def test_tensors_in_float64():
    d = data.xor(20, seed=1)
    X, y = data.to_tensors(d, dtype=torch.float64)
    assert X.dtype == torch.float64 and y.dtype == torch.int64
    np.testing.assert_array_equal(X.numpy(), d.X.astype(np.float64))
    with pytest.raises(ValueError, match=r"to_tensors: dtype must be torch\.float32 or torch\.float64"):
        data.to_tensors(d, dtype=torch.int32)


def test_bundled_sets_are_cached_and_read_only():
    a, b = data.digits("train", seed=3), data.digits("train", seed=3)
    assert a.X is b.X
    with pytest.raises(ValueError):
        a.X[0, 0] = 0.0
    with pytest.raises(ValueError):
        a.y[0] = 0
