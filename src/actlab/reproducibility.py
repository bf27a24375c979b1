"""Seeding and thread settings that make a chapter replay exactly.

Every chapter's first code cell calls :func:`seed_everything`. It seeds Python's ``random``, numpy's
legacy global generator and torch, asks torch for deterministic algorithms and pins torch to one
thread: on this course's small models one thread is several times faster than two, and a fixed thread
count removes one source of run-to-run float differences.
"""

from __future__ import annotations

import os
import random

import numpy as np

__all__ = ["rng", "seed_everything"]


def _check_seed(seed: object, func: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{func}: seed must be an int, got {seed!r} of type {type(seed).__name__}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"{func}: seed must be in [0, 2**32), got {seed}")
    return int(seed)


def seed_everything(seed: int = 0, *, threads: int = 1, deterministic: bool = True) -> int:
    """Seed ``random``, numpy and torch, and make torch deterministic and single-threaded.

    Args:
        seed: the seed, an int in ``[0, 2**32)``. Default: 0.
        threads: number of intra-op torch threads. Default: 1.
        deterministic: call ``torch.use_deterministic_algorithms(True)``. Default: True.

    Returns:
        The seed, so that a notebook can print what it used.

    Examples::

        >>> seed_everything(0)
        0
    """
    seed = _check_seed(seed, "seed_everything")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"seed_everything: threads must be a positive int, got {threads!r}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seed the legacy global generator too, for third-party code
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic)
    return seed


def rng(seed: int) -> np.random.Generator:
    """A fresh numpy ``Generator`` for ``seed`` (the form every experiment uses).

    Args:
        seed: an int in ``[0, 2**32)``.

    Examples::

        >>> float(rng(0).standard_normal()) == float(rng(0).standard_normal())
        True
    """
    return np.random.default_rng(_check_seed(seed, "rng"))
