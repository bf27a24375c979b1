"""Input coercion and the dtype policy shared by every numpy activation.

Policy (one place, used by every function in :mod:`actlab.activations`):

* Accepted: numpy arrays, numpy scalars, Python ``int``/``float``/``bool`` and (nested) lists or
  tuples of them.
* float16, float32 and float64 keep their dtype. float16 and (unless the formula is exact in
  float32) float32 are evaluated in float64 and rounded once at the end.
* Integer and bool input is promoted to float64, as numpy's own ufuncs do (``np.exp(1)`` is a
  float64).
* Everything else, including ``str``, ``None``, object, complex, datetime and ``longdouble`` input,
  raises :class:`TypeError` that names the function, the type received and the accepted types.
* Shape is preserved; 0-d and empty arrays work; non-contiguous arrays are accepted. A 0-d input
  (a Python or numpy scalar, or a 0-d array) gives a numpy scalar, like a numpy ufunc.

Evaluation engine
-----------------
A *kernel* computes one activation on a 1-D contiguous float64 block ``x`` into a distinct float64
block ``o`` of the same length. :func:`apply` coerces the input, evaluates float16 and float32 input
in float64 one cache-sized chunk at a time and rounds once on the way out (so the only extra memory
traffic is the input and the output themselves), runs *exact* kernels (clamps, comparisons, one
rounding) directly in the input's dtype, writes into ``out=`` when given and returns a numpy scalar
for 0-d input.

Kernels run with numpy's overflow and underflow flags ignored: an underflow to a subnormal or to zero
is the correctly rounded result, and so is an overflow to inf where the exact value exceeds the
largest float. Invalid-operation and divide-by-zero flags are left to the caller's setting, so a
kernel that makes a NaN out of finite input is caught by the test suite, which runs every function
under ``np.errstate(all="raise")``.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "ACCEPTED",
    "apply",
    "as_float_array",
    "check_out",
    "finish",
    "real_param",
    "representable",
    "round_down",
    "round_up",
    "run_blocks",
]

ACCEPTED = "a real number or array-like of float16, float32, float64, int or bool"

_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"ndarray of dtype {x.dtype}"
    if isinstance(x, np.generic):
        return f"numpy scalar of dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def as_float_array(x: Any, fname: str) -> np.ndarray:
    """Return ``x`` as a float16/32/64 ndarray following the module policy.

    Args:
        x: the input of the activation.
        fname: the public function name, used in error messages.

    Raises:
        TypeError: for strings, None, object, complex and other non-real input.
    """
    if isinstance(x, np.ndarray):
        a = x
    elif isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{fname}(): expected {ACCEPTED}; got {_describe(x)}")
    else:
        try:
            a = np.asarray(x)
        except (ValueError, TypeError) as exc:  # ragged lists and the like
            raise TypeError(f"{fname}(): expected {ACCEPTED}; got {_describe(x)}") from exc
    dt = a.dtype
    if dt in _FLOATS:
        return a
    if dt.kind in "biu":
        return a.astype(np.float64)
    raise TypeError(f"{fname}(): expected {ACCEPTED}; got {_describe(x)}")


def check_out(out: Any, a: np.ndarray, fname: str) -> np.ndarray:
    """Validate an ``out=`` argument against the coerced input ``a``."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{fname}(): out must be a numpy ndarray; got {_describe(out)}")
    if out.shape != a.shape:
        raise ValueError(f"{fname}(): out has shape {out.shape}; expected the input's shape {a.shape}")
    if out.dtype != a.dtype:
        raise TypeError(
            f"{fname}(): out has dtype {out.dtype}; expected the input's (promoted) dtype {a.dtype}"
        )
    if not out.flags.writeable:
        raise ValueError(f"{fname}(): out is read-only")
    return out


def finish(result: np.ndarray, scalar: bool) -> Any:
    """Return a numpy scalar for 0-d input (like a ufunc), the array otherwise."""
    return result[()] if scalar else result


def real_param(value: Any, name: str, fname: str, *, positive: bool = False) -> float:
    """Return a scalar parameter as a Python float, or raise a clear error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating)):
        raise TypeError(f"{fname}(): {name} must be a real number; got {_describe(value)}")
    v = float(value)
    if np.isnan(v):
        raise ValueError(f"{fname}(): {name} must not be NaN")
    if positive and not v > 0:
        raise ValueError(f"{fname}(): {name} must be > 0; got {v!r}")
    return v

F64 = np.dtype(np.float64)
# Block sizes (elements), measured at 2**24 float32 on one core: float64 blocks of 2**15 keep a
# kernel's few temporaries in L2; kernels in the input's dtype have fewer, smaller temporaries.
CHUNK = 1 << 15
NATIVE_CHUNK = 1 << 17

Kernel = Callable[..., None]


def apply(
    fname: str,
    x: Any,
    out: np.ndarray | None,
    kernel: Kernel,
    params: tuple = (),
    *,
    exact: Kernel | None = None,
    lowp: Kernel | None = None,
) -> Any:
    """Evaluate an activation elementwise on ``x`` following the module's dtype policy.

    Args:
        fname: public function name for error messages.
        x: the input.
        out: optional output array of the input's shape and (promoted) dtype.
        kernel: float64 block kernel ``kernel(x, o, *params)`` (accurate to a few float64 ULPs).
        params: extra positional arguments for the kernels. An ndarray of the input's shape is
            aligned with the input: each block receives its matching slice, as float64.
        exact: optional block kernel ``exact(a, res, *params)`` that is correctly rounded in every
            float dtype; it runs in the input's own dtype (``a`` and ``res`` never overlap).
        lowp: optional float64 block kernel used for float16 and float32 input, whose result is
            rounded to those formats: it may trade float64 digits (never float32 ones) for speed.
    """
    a = as_float_array(x, fname)
    scalar = out is None and a.ndim == 0
    res = np.empty(a.shape, a.dtype) if out is None else check_out(out, a, fname)
    if a.size == 0:
        return finish(res, scalar)
    with np.errstate(over="ignore", under="ignore"):
        if exact is not None:
            run_blocks(a, res, exact, params, native=True)
        else:
            use = lowp if lowp is not None and a.dtype != F64 else kernel
            run_blocks(a, res, use, params)
    return finish(res, scalar)


def run_blocks(
    a: np.ndarray, res: np.ndarray, kernel: Kernel, params: tuple = (), *, native: bool = False
) -> None:
    """Run a block kernel over ``a`` into ``res`` (same shape, any float dtype).

    Blocks are ``CHUNK`` (``NATIVE_CHUNK``) elements long, so a kernel's temporaries stay in cache. With ``native``
    the kernel sees blocks of the input's dtype; otherwise float64 blocks (converted on the way
    in, rounded once on the way out).
    """
    contiguous_out = res.flags.c_contiguous
    dst = res if contiguous_out else np.empty(res.shape, res.dtype)
    src = a
    if np.may_share_memory(src, dst):
        src = src.copy()
    elif not src.flags.c_contiguous:
        src = np.ascontiguousarray(src)
    xf = src.reshape(-1)
    of = dst.reshape(-1)
    n = xf.size
    aligned = [isinstance(p, np.ndarray) and p.shape == a.shape for p in params]
    if any(aligned):
        params = tuple(
            np.ascontiguousarray(p, dtype=F64).reshape(-1) if al else p
            for p, al in zip(params, aligned, strict=True)
        )

    def block(i: int, j: int) -> tuple:
        if not any(aligned):
            return params
        return tuple(p[i:j] if al else p for p, al in zip(params, aligned, strict=True))

    if native or a.dtype == F64:
        step = NATIVE_CHUNK if native else CHUNK
        for i in range(0, n, step):
            j = min(n, i + step)
            kernel(xf[i:j], of[i:j], *block(i, j))
    else:
        m = min(n, CHUNK)
        xb = np.empty(m, F64)
        ob = np.empty(m, F64)
        for i in range(0, n, CHUNK):
            j = min(n, i + CHUNK)
            k = j - i
            np.copyto(xb[:k], xf[i:j])
            kernel(xb[:k], ob[:k], *block(i, j))
            np.copyto(of[i:j], ob[:k], casting="same_kind")
    if not contiguous_out:
        np.copyto(res, dst)


@functools.lru_cache(maxsize=256)
def round_down(value: float, dtype: np.dtype) -> Any:
    """The largest number of ``dtype`` that is <= ``value`` (for exact comparisons in that dtype).

    For every ``x`` of ``dtype``: ``x > value`` iff ``x > round_down(value)``.
    """
    v = np.asarray(value, dtype=dtype)[()]
    if float(v) > value:
        v = np.nextafter(v, dtype.type(-np.inf))
    return v


@functools.lru_cache(maxsize=256)
def round_up(value: float, dtype: np.dtype) -> Any:
    """The smallest number of ``dtype`` that is >= ``value``: ``x < value`` iff ``x < round_up``."""
    v = np.asarray(value, dtype=dtype)[()]
    if float(v) < value:
        v = np.nextafter(v, dtype.type(np.inf))
    return v


@functools.lru_cache(maxsize=256)
def representable(value: float, dtype: np.dtype) -> bool:
    """Whether ``value`` is exactly a number of ``dtype``."""
    with np.errstate(over="ignore"):
        return float(np.asarray(value, dtype=dtype)) == value
