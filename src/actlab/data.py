"""Data sets for the chapters: seeded synthetic sets and scikit-learn's bundled sets.

Nothing is downloaded. Every function returns a :class:`Dataset` whose ``X`` is float32 of shape
``(n, d)`` and whose ``y`` is int64 of shape ``(n,)``; a ``Dataset`` unpacks as ``X, y = xor(...)``.

* synthetic, two features, two classes: :func:`xor`, :func:`spirals`, :func:`moons`, :func:`circles`;
* bundled: :func:`digits` (8x8 images, 10 classes, 1797 samples) and :func:`breast_cancer`
  (30 features, 2 classes, 569 samples), split reproducibly and standardised with the training
  split's mean and standard deviation.

:func:`to_tensors` and :func:`make_loader` hand the arrays to torch; :func:`dataset_label` names a
data set in the language of a chapter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from actlab.reproducibility import rng as _rng

if TYPE_CHECKING:
    import torch

__all__ = [
    "Dataset",
    "breast_cancer",
    "circles",
    "dataset_label",
    "digits",
    "make_loader",
    "moons",
    "spirals",
    "split",
    "standardise",
    "to_tensors",
    "xor",
]

_SPLITS = ("train", "test", "all")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features and labels, plus what a chapter needs to describe them.

    Attributes:
        X: float32 features, shape ``(n, d)``.
        y: int64 class labels in ``0 .. num_classes - 1``, shape ``(n,)``.
        name: a short description, e.g. ``"digits (train)"``.
        num_classes: number of classes.
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    num_classes: int

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return int(self.X.shape[0])

    @property
    def num_features(self) -> int:
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, n={len(self)}, num_features={self.num_features}, "
            f"num_classes={self.num_classes})"
        )


def _check_n(n: object, func: str, minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{func}: n must be an int >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: object, func: str) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < np.inf:
        raise ValueError(f"{func}: noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _make(X: np.ndarray, y: np.ndarray, name: str, num_classes: int) -> Dataset:
    X = np.ascontiguousarray(X, dtype=np.float32)
    y = np.ascontiguousarray(y, dtype=np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return Dataset(X, y, name, num_classes)


def xor(n: int = 400, *, noise: float = 0.0, seed: int = 0) -> Dataset:
    r"""Points uniform on :math:`[-1, 1]^2`, labelled 1 where :math:`x_1 x_2 > 0`.

    No line separates the classes: the best linear classifier gets about half of them wrong.

    Args:
        n: number of points. Default: 400.
        noise: std of Gaussian noise added to the features after labelling. Default: 0.
        seed: seed of the generator. Default: 0.

    Examples::

        >>> X, y = xor(8, seed=1)
        >>> X.shape, X.dtype.name, y.dtype.name
        ((8, 2), 'float32', 'int64')
    """
    n = _check_n(n, "xor")
    noise = _check_noise(noise, "xor")
    g = _rng(seed)
    X = g.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = X + noise * g.standard_normal((n, 2))
    return _make(X, y, "xor", 2)


def spirals(n: int = 400, *, turns: float = 1.5, noise: float = 0.05, seed: int = 0) -> Dataset:
    r"""Two interleaved spirals (the classic two-spirals problem), one per class.

    Class ``k`` follows :math:`r(\cos(\theta + k\pi), \sin(\theta + k\pi))` with
    :math:`r \propto \theta`, for :math:`\theta` up to ``turns`` full turns.

    Args:
        n: total number of points (split evenly; an odd point goes to class 0). Default: 400.
        turns: number of turns of each arm. Default: 1.5.
        noise: std of Gaussian noise added to the features. Default: 0.05.
        seed: seed of the generator. Default: 0.

    Examples::

        >>> X, y = spirals(10, seed=0)
        >>> int(y.sum())
        5
    """
    n = _check_n(n, "spirals")
    noise = _check_noise(noise, "spirals")
    if isinstance(turns, bool) or not isinstance(turns, (int, float)) or not 0 < turns < 10:
        raise ValueError(f"spirals: turns must be a number in (0, 10), got {turns!r}")
    g = _rng(seed)
    counts = (n - n // 2, n // 2)
    parts, labels = [], []
    for k, m in enumerate(counts):
        t = np.sqrt(g.uniform(0.0, 1.0, m))  # sqrt spreads points evenly along the arm
        theta = t * turns * 2 * np.pi
        r = t
        arm = np.stack([r * np.cos(theta + k * np.pi), r * np.sin(theta + k * np.pi)], axis=1)
        parts.append(arm + noise * g.standard_normal((m, 2)))
        labels.append(np.full(m, k))
    X, y = np.concatenate(parts), np.concatenate(labels)
    order = g.permutation(n)
    return _make(X[order], y[order], "spirals", 2)


def moons(n: int = 400, *, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``).

    Args:
        n: number of points. Default: 400.
        noise: std of Gaussian noise. Default: 0.1.
        seed: seed. Default: 0.
    """
    from sklearn.datasets import make_moons

    n = _check_n(n, "moons")
    noise = _check_noise(noise, "moons")
    X, y = make_moons(n_samples=n, noise=noise, random_state=_rng(seed).integers(2**31))
    return _make(X, y, "moons", 2)


def circles(n: int = 400, *, noise: float = 0.08, factor: float = 0.5, seed: int = 0) -> Dataset:
    """A small circle inside a large one (scikit-learn's ``make_circles``).

    Args:
        n: number of points. Default: 400.
        noise: std of Gaussian noise. Default: 0.08.
        factor: radius of the inner circle relative to the outer one, in (0, 1). Default: 0.5.
        seed: seed. Default: 0.
    """
    from sklearn.datasets import make_circles

    n = _check_n(n, "circles")
    noise = _check_noise(noise, "circles")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"circles: factor must be a number in (0, 1), got {factor!r}")
    X, y = make_circles(
        n_samples=n, noise=noise, factor=factor, random_state=_rng(seed).integers(2**31)
    )
    return _make(X, y, "circles", 2)


def dataset_label(name: str, lang: str = "en") -> str:
    """The name of a data set of this module in ``lang`` (``"en"`` or ``"zh"``, see
    :mod:`actlab.i18n`); other names are returned as they are.

    Examples::

        >>> dataset_label("moons"), dataset_label("spirals", "zh"), dataset_label("digits", "zh")
        ('moons', '双螺旋', '手写数字')
    """
    from actlab.i18n import t

    labels = {
        "xor": t("result.dataset.xor", lang),
        "spirals": t("result.dataset.spirals", lang),
        "moons": t("result.dataset.moons", lang),
        "circles": t("result.dataset.circles", lang),
        "digits": t("result.dataset.digits", lang),
    }
    return labels.get(name, name)


def standardise(
    X_train: np.ndarray, *others: np.ndarray, eps: float = 1e-8
) -> tuple[np.ndarray, ...]:
    """Centre and scale every column with the mean and std of ``X_train``.

    Constant columns (std < ``eps``, e.g. the always-blank pixels of digits) are only centred.

    Args:
        X_train: array of shape ``(n, d)`` whose statistics are used.
        *others: further arrays of shape ``(m, d)`` transformed with the same statistics.
        eps: threshold under which a column counts as constant. Default: 1e-8.

    Returns:
        A tuple of float32 arrays, ``X_train`` first.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    if X_train.ndim != 2 or X_train.shape[0] < 1:
        raise ValueError(
            f"standardise: X_train must have shape (n, d) with n >= 1, got {X_train.shape}"
        )
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std < eps, 1.0, std)
    out = []
    for A in (X_train, *others):
        A = np.asarray(A, dtype=np.float64)
        if A.ndim != 2 or A.shape[1] != X_train.shape[1]:
            raise ValueError(
                f"standardise: every array must have shape (m, {X_train.shape[1]}), got {A.shape}"
            )
        out.append(((A - mean) / std).astype(np.float32))
    return tuple(out)


def split(data: Dataset, *, test_size: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Stratified train/test split of ``data`` (scikit-learn's ``train_test_split``).

    Args:
        data: the data set.
        test_size: fraction of samples in the test part, in (0, 1). Default: 0.25.
        seed: seed. Default: 0.

    Returns:
        ``(train, test)``.
    """
    from sklearn.model_selection import train_test_split

    if not isinstance(data, Dataset):
        raise TypeError(f"split: data must be a Dataset, got {type(data).__name__}")
    if isinstance(test_size, bool) or not isinstance(test_size, float) or not 0 < test_size < 1:
        raise ValueError(f"split: test_size must be a float in (0, 1), got {test_size!r}")
    idx_train, idx_test = train_test_split(
        np.arange(len(data)),
        test_size=test_size,
        random_state=_rng(seed).integers(2**31),
        stratify=data.y,
    )
    return (
        _make(data.X[idx_train], data.y[idx_train], f"{data.name} (train)", data.num_classes),
        _make(data.X[idx_test], data.y[idx_test], f"{data.name} (test)", data.num_classes),
    )


# Loading digits parses a CSV (about 0.1 s); experiments ask for the same split many times. The
# arrays of a Dataset are read-only, so one cached copy can be shared.
@lru_cache(maxsize=32)
def _bundled(
    loader_name: str, func: str, split_: str, test_size: float, seed: int, scale: bool
) -> Dataset:
    import sklearn.datasets

    if split_ not in _SPLITS:
        raise ValueError(f"{func}: split must be one of {_SPLITS}, got {split_!r}")
    if isinstance(test_size, bool) or not isinstance(test_size, float) or not 0 < test_size < 1:
        raise ValueError(f"{func}: test_size must be a float in (0, 1), got {test_size!r}")
    X, y = getattr(sklearn.datasets, loader_name)(return_X_y=True)
    num_classes = int(y.max()) + 1
    raw = _make(X, y, func, num_classes)
    train, test = split(raw, test_size=test_size, seed=seed)
    if scale:
        X_train, X_test, X_all = standardise(train.X, test.X, raw.X)
    else:
        X_train, X_test, X_all = train.X, test.X, raw.X
    chosen = {
        "train": (X_train, train.y),
        "test": (X_test, test.y),
        "all": (X_all, raw.y),
    }[split_]
    return _make(*chosen, f"{func} ({split_})", num_classes)


def digits(
    split: str = "train", *, test_size: float = 0.25, seed: int = 0, standardised: bool = True
) -> Dataset:
    """scikit-learn's bundled handwritten digits: 1797 images of 8x8 pixels, 10 classes.

    The split is stratified and depends only on ``seed`` and ``test_size``; the features are
    standardised with the training split's statistics (also for ``split="all"``).

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``. Default: ``"train"``.
        test_size: fraction held out for the test split. Default: 0.25.
        seed: seed of the split. Default: 0.
        standardised: standardise the 64 pixel features. Default: True.

    Examples::

        >>> d = digits("train")
        >>> d.X.shape, d.num_classes
        ((1347, 64), 10)
    """
    return _bundled("load_digits", "digits", split, test_size, seed, standardised)


def breast_cancer(
    split: str = "train", *, test_size: float = 0.25, seed: int = 0, standardised: bool = True
) -> Dataset:
    """scikit-learn's bundled Wisconsin breast-cancer set: 569 samples, 30 features, 2 classes.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``. Default: ``"train"``.
        test_size: fraction held out for the test split. Default: 0.25.
        seed: seed of the split. Default: 0.
        standardised: standardise the features. Default: True.
    """
    return _bundled("load_breast_cancer", "breast_cancer", split, test_size, seed, standardised)


def to_tensors(
    data: Dataset | tuple[np.ndarray, np.ndarray], *, dtype: torch.dtype | None = None
) -> tuple:
    """``(X, y)`` as torch tensors: float features and int64 labels.

    Args:
        data: a :class:`Dataset` or a pair of arrays.
        dtype: the torch float dtype of the features, ``torch.float32`` or ``torch.float64``
            (the small training runs of the chapters use float64, whose results do not depend on
            the CPU's vector instructions). Default: ``None``, float32.
    """
    import torch

    if dtype is None:
        dtype = torch.float32
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"to_tensors: dtype must be torch.float32 or torch.float64, got {dtype!r}")

    X, y = data
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"to_tensors: expected X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}"
        )
    # copies: the Dataset arrays are read-only, and torch warns on non-writable arrays
    return torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=torch.int64)


def make_loader(
    data: Dataset | tuple[np.ndarray, np.ndarray],
    *,
    batch_size: int = 64,
    shuffle: bool = True,
    seed: int = 0,
):
    """A torch ``DataLoader`` over ``data`` whose shuffling order depends only on ``seed``.

    Args:
        data: a :class:`Dataset` or a pair of arrays.
        batch_size: samples per batch. Default: 64.
        shuffle: reshuffle every epoch. Default: True.
        seed: seed of the loader's own generator. Default: 0.
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"make_loader: batch_size must be a positive int, got {batch_size!r}")
    X, y = to_tensors(data)
    g = torch.Generator().manual_seed(int(_rng(seed).integers(2**31)))
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=g)
