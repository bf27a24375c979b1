"""Shared pieces of the exercise checks: the check record, input builders and symptom finders.

Every exercise module builds its checks from these parts:

* :class:`Check` turns a ``probe`` and a ``judge`` function into a registered
  :class:`~actlab.grading.spec.CheckSpec`, validating the case keywords on both sides;
* :func:`student_callable`, :func:`call_guarded` and :func:`unpack` call the student's code and turn
  what goes wrong into a :class:`~actlab.grading.spec.ProbeError` that names the symptom;
* :func:`elementwise_input` builds an input array from a case (explicit values, a dtype, a shape, a
  seeded random draw) the same way in the probe and in the judge;
* :func:`compare_elementwise` and :func:`compare_array` find the symptom of a wrong answer: wrong
  shape, wrong dtype, NaN or inf where the answer is finite, wrong at 0, wrong sign for x < 0, wrong
  at large |x|, lost accuracy at small |x|, off by a constant factor, or simply off;
* :func:`numerical_vjp` is the centred finite-difference vector-Jacobian product the judges compare
  a hand-written backward pass with.

Messages name the symptom and, where it helps, the *input* at which it shows. They never contain an
expected value: the tests of the checks assert that.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actlab.grading.spec import Message, ProbeError, Verdict, register

__all__ = [
    "Check",
    "call_guarded",
    "call_student",
    "compare_array",
    "compare_elementwise",
    "elementwise_check",
    "elementwise_input",
    "fmt_x",
    "get_output",
    "matches",
    "message_leaks",
    "numerical_vjp",
    "one_torch_thread",
    "rel_error",
    "run_and_judge",
    "student_callable",
    "unpack",
    "verdict_leaks",
]

Case = dict[str, Any]


@dataclass(frozen=True)
class Check:
    """A check made of a probe and a judge function, registered under ``name`` on creation.

    Args:
        name: the name a test cell passes to ``check``.
        probe_fn: ``probe_fn(objects, **case) -> dict`` run in the student's kernel.
        judge_fn: ``judge_fn(outputs, **case) -> Verdict`` run wherever the reference may be used.
        objects: names of the student objects the check expects, in order (used in messages).
        case_keys: the case keywords this check accepts; any other keyword is an error.
    """

    name: str
    probe_fn: Callable[..., Mapping[str, Any]]
    judge_fn: Callable[..., Verdict]
    objects: tuple[str, ...]
    case_keys: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        register(self)

    def _check_case(self, case: Mapping[str, Any], where: str) -> None:
        unknown = sorted(set(case) - self.case_keys)
        if unknown:
            allowed = ", ".join(sorted(self.case_keys)) or "none"
            raise TypeError(
                f"check {self.name!r} ({where}): unknown case keyword(s) {unknown}; "
                f"allowed: {allowed}"
            )

    def probe(self, objects: tuple[Any, ...], **case: Any) -> Mapping[str, Any]:
        self._check_case(case, "probe")
        if len(objects) != len(self.objects):
            raise ProbeError(
                "check.probe.objects",
                n=len(self.objects),
                wanted=", ".join(self.objects),
                got=len(objects),
            )
        return self.probe_fn(objects, **case)

    def judge(self, outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
        self._check_case(case, "judge")
        try:
            return self.judge_fn(outputs, **case)
        except _MissingOutput as exc:
            return Verdict.fail("check.judge.missing_output", key=exc.key)
        except (ValueError, TypeError, IndexError) as exc:
            # outputs of the wrong form (a kernel that wrote its own) must fail, not crash the judge
            return Verdict.fail("check.judge.bad_outputs", error=f"{type(exc).__name__}: {exc}")


class _MissingOutput(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def get_output(outputs: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    """``outputs[key]`` as an array; a missing key fails the check with a clear message."""
    if key not in outputs:
        raise _MissingOutput(key)
    return np.asarray(outputs[key])


def student_callable(obj: Any, name: str) -> Callable[..., Any]:
    """Return ``obj`` if it is callable, else raise a :class:`ProbeError` naming ``name``."""
    if not callable(obj):
        raise ProbeError("check.probe.not_callable", name=name, got=type(obj).__name__)
    return obj


_MATMUL_MISMATCH = (
    "matmul: Input operand",  # numpy's @ and np.matmul
    "not aligned",  # np.dot
    "cannot be multiplied",  # torch's @ and nn.Linear
    "size of tensor a",  # torch broadcasting in a product
)


def call_student(fn: Callable[..., Any], what: str, *args: Any, **names: np.ndarray) -> Any:
    """Call the student's ``fn(*args)``; a matrix product whose shapes do not chain becomes a
    :class:`ProbeError` that names the (n, d)(d, h) mix-up and the shapes of the arguments.

    ``names`` maps the argument names to the arrays, for the message (``x=x, W=W``).
    """
    try:
        return fn(*args)
    except (ValueError, RuntimeError) as exc:
        text = str(exc)
        if any(marker in text for marker in _MATMUL_MISMATCH):
            shapes = ", ".join(f"{k} {tuple(np.shape(v))}" for k, v in names.items())
            raise ProbeError("check.mistake.shape_mixup", what=what, shapes=shapes) from exc
        raise


def call_guarded(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str]:
    """Call ``fn`` with floating-point errors (overflow, division by zero, invalid operations; not
    underflow) and runtime warnings turned into exceptions.

    Returns ``(result, "")`` when the call is clean, and ``(result, problem)`` when it raised a
    ``FloatingPointError`` or a ``RuntimeWarning``: then ``fn`` is called a second time with errors
    ignored, so that its values can still be judged, and ``problem`` describes what was raised.
    Other exceptions propagate.
    """
    try:
        # underflow to 0 (exp(-1000)) is harmless and numpy's default ignores it
        with (
            np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("error", RuntimeWarning)
            return fn(*args, **kwargs), ""
    except (FloatingPointError, RuntimeWarning) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs), problem


def unpack(value: Any, count: int, what: str, names: str) -> tuple[Any, ...]:
    """Check that ``value`` is a tuple or list of ``count`` items (``names`` describes them)."""
    if not isinstance(value, tuple | list) or len(value) != count:
        got = (
            Message("check.probe.got_sequence", {"type": type(value).__name__, "n": len(value)})
            if isinstance(value, tuple | list)
            else Message("check.probe.got_object", {"type": type(value).__name__})
        )
        raise ProbeError("check.probe.not_tuple", what=what, names=names, got=got)
    return tuple(value)


_DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


def elementwise_input(case: Mapping[str, Any], default: Iterable[float]) -> np.ndarray:
    """The input array a case describes, built identically in the probe and in the judge.

    Case keywords: ``x`` (explicit values; default ``default``), or ``seed`` with ``n`` and ``scale``
    (``n`` draws of ``scale * N(0, 1)``); ``dtype`` (``"float64"``, ``"float32"`` or ``"float16"``;
    default ``"float64"``); ``special`` (true: append inf, -inf and NaN, which JSON literals cannot
    spell); ``shape`` (a reshape of the values).
    """
    dtype_name = case.get("dtype", "float64")
    if dtype_name not in _DTYPES:
        raise ValueError(
            f"elementwise_input: dtype must be one of {sorted(_DTYPES)}, got {dtype_name!r}"
        )
    if "seed" in case:
        rng = np.random.default_rng(int(case["seed"]))
        values = float(case.get("scale", 1.0)) * rng.standard_normal(int(case.get("n", 64)))
    else:
        values = np.asarray(case.get("x", list(default)), dtype=np.float64)
    if case.get("special", False):
        values = np.concatenate([values, [np.inf, -np.inf, np.nan]])
    x = values.astype(_DTYPES[dtype_name])
    if "shape" in case:
        x = x.reshape(tuple(case["shape"]))
    return x


def fmt_x(value: float) -> str:
    """An input value for a message: short, and exact enough to find it again."""
    value = float(value)
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    text = f"{value:.6g}"
    return text


def rel_error(x: np.ndarray, y: np.ndarray) -> float:
    """CS231n's relative error, ``max |x - y| / max(1e-8, |x| + |y|)``, in float64."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _close(got: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise agreement; NaN agrees with NaN and an infinity with the same infinity."""
    got = got.astype(np.float64)
    ref = ref.astype(np.float64)
    with np.errstate(all="ignore"):
        ok = np.abs(got - ref) <= atol + rtol * np.abs(ref)
    ok |= np.isnan(got) & np.isnan(ref)
    ok |= np.isinf(ref) & (got == ref)
    return ok


def _first(x: np.ndarray, mask: np.ndarray) -> str:
    """The input value at the first position of ``mask``, formatted for a message."""
    return fmt_x(x[mask][0])


def compare_elementwise(
    what: str | Message,
    x: np.ndarray,
    got: np.ndarray,
    ref: np.ndarray,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    large: float = 20.0,
    small: float = 1e-3,
) -> Verdict:
    """Judge an elementwise result ``got`` of ``what`` at inputs ``x`` against ``ref``.

    ``what`` names the result in the message: a name (``"sigmoid"``) or a :class:`Message`.
    The tolerance defaults to 64 units of ``x``'s dtype's epsilon (relative) plus 64 times its
    smallest normal number (absolute), so a stable formula passes and a cancelling one fails.
    The first symptom found, in this order, is reported: wrong shape, non-float or changed dtype, NaN
    or inf where the answer is finite, NaN not propagated, wrong at 0, wrong sign for x < 0, wrong
    at large |x|, lost accuracy at small |x|, inaccurate only where the true value is small (a
    cancellation), wrong on one side of 0 only, off by a constant factor, values off.
    """
    got = np.asarray(got)
    x = np.asarray(x)
    ref = np.asarray(ref)
    if got.shape != x.shape:
        return Verdict.fail("check.shape", what=what, got=got.shape, shape=x.shape)
    if got.dtype.kind != "f":
        return Verdict.fail("check.not_float", what=what, dtype=str(got.dtype))
    if check_dtype and got.dtype != x.dtype:
        return Verdict.fail("check.dtype_changed", what=what, got=str(got.dtype), dtype=str(x.dtype))
    info = np.finfo(x.dtype if x.dtype.kind == "f" else np.float64)
    rtol = 64 * float(info.eps) if rtol is None else rtol
    atol = 64 * float(info.tiny) if atol is None else atol
    xf, gf, rf = x.ravel(), got.ravel().astype(np.float64), ref.ravel().astype(np.float64)
    finite_ref = np.isfinite(rf)
    nonfinite = finite_ref & ~np.isfinite(gf)
    if nonfinite.any():
        at_large = np.all(np.abs(xf[nonfinite]) >= large)
        return Verdict.fail(
            "check.nonfinite",
            what=what,
            count=int(nonfinite.sum()),
            n=xf.size,
            where=Message("check.where.large" if at_large else "check.where.some"),
            x=_first(xf, nonfinite),
        )
    nan_in = np.isnan(rf)
    if (nan_in & ~np.isnan(gf)).any():
        return Verdict.fail("check.nan_propagation", what=what)
    bad = ~_close(gf, rf, rtol, atol)
    if not bad.any():
        return Verdict.ok()
    count, n, example = int(bad.sum()), xf.size, _first(xf, bad)
    at_zero = bad & (xf == 0)
    if at_zero.any():
        return Verdict.fail("check.wrong_at_zero", what=what)
    neg = bad & (xf < 0) & (rf != 0)
    sign_flip = neg & (gf * rf < 0)
    if sign_flip.any() and sign_flip.sum() >= 0.5 * neg.sum():
        return Verdict.fail("check.wrong_sign", what=what, x=_first(xf, sign_flip))
    if np.all(np.abs(xf[bad]) >= large):
        return Verdict.fail("check.large_x", what=what, count=count, n=n, x=example)
    if np.all(np.abs(xf[bad]) <= small):
        return Verdict.fail("check.small_x", what=what, count=count, n=n, x=example)
    scale = np.max(np.abs(rf[finite_ref]), initial=0.0)
    small_err = np.abs(gf[bad] - rf[bad]) <= 0.1 * scale
    if scale > 0 and np.all(np.abs(rf[bad]) <= 0.1 * scale) and np.all(small_err):
        return Verdict.fail("check.small_values", what=what, count=count, n=n, x=example)
    factor = _constant_factor(gf[bad], rf[bad])
    for side, mask in (("x < 0", xf < 0), ("x > 0", xf > 0)):
        if np.all(mask[bad]) and not np.all(mask):
            key = "check.wrong_side_factor" if factor else "check.wrong_side"
            return Verdict.fail(key, what=what, side=side, count=count, n=n, x=example)
    if factor:
        return Verdict.fail("check.constant_factor", what=what, count=count, n=n)
    return Verdict.fail("check.wrong_at", what=what, count=count, n=n, x=example)


def _constant_factor(got: np.ndarray, ref: np.ndarray) -> bool:
    """True when ``got / ref`` is one constant other than 1 over at least two nonzero entries."""
    keep = (ref != 0) & np.isfinite(ref) & np.isfinite(got)
    if keep.sum() < 2:
        return False
    ratio = got[keep] / ref[keep]
    c = np.median(ratio)
    return bool(c != 0 and abs(c - 1) > 1e-3 and np.all(np.abs(ratio - c) <= 1e-6 * abs(c)))


def compare_array(
    what: str | Message,
    got: np.ndarray,
    ref: np.ndarray,
    *,
    tol: float = 1e-7,
    dtype: np.dtype | None = None,
    shape_hint: str | Message = "",
    against: str | Message = "",
) -> Verdict:
    """Judge an array ``got`` against ``ref`` with CS231n's relative error.

    Reports, in this order: a wrong shape (``shape_hint`` says what the shape should follow, e.g.
    a message for "W's shape"), a non-float dtype or one other than ``dtype``, NaN or inf, an
    answer off by a constant factor, and otherwise the relative error next to ``tol`` (saying what
    the answer does not match, ``against``, when given).
    """
    got = np.asarray(got)
    ref = np.asarray(ref)
    if got.shape != ref.shape:
        if shape_hint:
            return Verdict.fail("check.array.shape_hint", what=what, shape=got.shape, hint=shape_hint)
        return Verdict.fail("check.array.shape", what=what, shape=got.shape)
    if got.dtype.kind != "f":
        return Verdict.fail("check.array.not_float", what=what, dtype=str(got.dtype))
    if dtype is not None and got.dtype != np.dtype(dtype):
        return Verdict.fail(
            "check.array.dtype", what=what, got=str(got.dtype), dtype=str(np.dtype(dtype))
        )
    if not np.all(np.isfinite(got)):
        return Verdict.fail("check.array.nonfinite", what=what)
    err = rel_error(got, ref)
    if err <= tol:
        return Verdict.ok()
    if _constant_factor(got.ravel().astype(np.float64), ref.ravel().astype(np.float64)):
        return Verdict.fail("check.array.factor", what=what)
    error, limit = f"{err:.1e}", f"{tol:.0e}"
    if against:
        return Verdict.fail("check.array.mismatch", what=what, against=against, error=error, tol=limit)
    return Verdict.fail("check.array.off", what=what, error=error, tol=limit)


def numerical_vjp(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Centred finite-difference estimate of ``J_f(x)^T dout`` (float64; ``x`` is not modified)."""
    x = np.array(x, dtype=np.float64, copy=True)
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        pos = np.asarray(f(x), dtype=np.float64)
        flat[i] = old - h
        neg = np.asarray(f(x), dtype=np.float64)
        flat[i] = old
        gflat[i] = np.sum((pos - neg) * dout) / (2 * h)
    return grad


ELEMENTWISE_CASE_KEYS = frozenset({"x", "dtype", "shape", "seed", "n", "scale", "special"})


def matches(got: np.ndarray, alternative: np.ndarray, rtol: float = 1e-9) -> bool:
    """Whether ``got`` is ``alternative`` (a known wrong answer) up to rounding: the same shape,
    and every entry close, NaN where it has NaN and the same infinity where it has one."""
    got, alternative = np.asarray(got), np.asarray(alternative)
    if got.shape != alternative.shape or got.dtype.kind not in "fiu":
        return False
    g, a = got.astype(np.float64), alternative.astype(np.float64)
    with np.errstate(all="ignore"):
        ok = np.isfinite(a) & (np.abs(g - a) <= rtol * np.abs(a) + 1e-300)
    ok |= (np.isnan(g) & np.isnan(a)) | (np.isinf(a) & (g == a))
    return bool(np.all(ok))


Mistake = tuple[Callable[[np.ndarray], np.ndarray], Message]
"""A known wrong answer and the message that names it: ``(wrong_fn, message)``."""


def elementwise_check(
    name: str,
    reference: Callable[[np.ndarray], np.ndarray],
    default: Iterable[float],
    *,
    check_dtype: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    large: float = 20.0,
    mistakes: tuple[Mistake, ...] = (),
) -> Check:
    """Register a check of a student's elementwise function ``f(x)`` called ``name``.

    The probe builds ``x`` from the case (:func:`elementwise_input`, ``default`` values when the
    case gives none), calls the function under ``np.errstate(all="raise")`` with warnings as errors
    (:func:`call_guarded`) and returns the result, any floating-point problem, and whether the input
    was modified. The judge evaluates ``reference`` in float64 on the same inputs (imported lazily, as
    the package's references are unavailable inside the grading sandbox) and reports the symptom
    (:func:`compare_elementwise`). A wrong answer that is one of the classic ``mistakes``
    (computed here in float64, errors ignored) gets that mistake's message first.
    """
    default = tuple(float(v) for v in default)

    def probe(objects: tuple[Any, ...], **case: Any) -> dict[str, Any]:
        fn = student_callable(objects[0], name)
        x = elementwise_input(case, default)
        arg = x.copy()
        y, problem = call_guarded(fn, arg)
        mutated = not np.array_equal(arg, x, equal_nan=True)
        return {"y": y, "fp_problem": problem, "mutated": mutated}

    def judge(outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict:
        x = elementwise_input(case, default)
        with np.errstate(all="ignore"):
            ref = np.asarray(reference(x.astype(np.float64)))
        y = get_output(outputs, "y")
        close = max(1e-9, 64 * float(np.finfo(x.dtype).eps)) if x.dtype.kind == "f" else 1e-9
        for wrong, note in mistakes:
            with np.errstate(all="ignore"):
                alternative = np.asarray(wrong(x.astype(np.float64)))
            if matches(y, alternative, rtol=close) and not matches(alternative, ref, rtol=1e-6):
                return Verdict.fail(note)
        problem = str(get_output(outputs, "fp_problem"))
        if problem:
            return Verdict.fail("check.fp_problem", name=name, problem=problem)
        if bool(get_output(outputs, "mutated")):
            return Verdict.fail("check.mutated", name=name)
        return compare_elementwise(
            name,
            x,
            y,
            ref,
            rtol=rtol,
            atol=atol,
            check_dtype=check_dtype,
            large=large,
        )

    return Check(name, probe, judge, (name,), ELEMENTWISE_CASE_KEYS)


def run_and_judge(name: str, *objects: Any, **case: Any) -> Verdict:
    """Probe and judge check ``name`` the way the batch grader does, in one process.

    The probe's outputs go through an ``np.savez`` / ``np.load(allow_pickle=False)`` round trip and
    the case through JSON, as they do between the kernel and the grader; a :class:`ProbeError`
    becomes a failed verdict with its message. Tests of the checks use this.
    """
    import io
    import json

    from actlab.grading.spec import get_check, run_probe

    spec = get_check(name)
    case = json.loads(json.dumps(case, allow_nan=True))
    try:
        outputs = run_probe(spec, objects, case)
    except ProbeError as exc:
        return Verdict.fail(exc.note)
    buffer = io.BytesIO()
    np.savez(buffer, **{key: np.asarray(value) for key, value in outputs.items()})
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as data:
        loaded = {key: data[key] for key in data.files}
    return spec.judge(loaded, **case)


def message_leaks(message: str, expected: Iterable[float]) -> list[str]:
    """The renderings of ``expected`` values that appear in ``message`` (an empty list is good).

    Each nonzero finite value other than ±1 is looked for as printed with 3, 4, 6 and 17 significant
    digits and in fixed notation with 2 to 4 decimals (renderings that are bare integers are skipped:
    messages count inputs and print shapes); the tests of the checks assert that no failure message
    reveals an expected value this way.
    """
    found = []
    for value in np.asarray(list(expected), dtype=np.float64).ravel():
        if not np.isfinite(value) or value == 0 or abs(value) == 1:
            continue
        forms = {
            f"{value:.3g}",
            f"{value:.4g}",
            f"{value:.6g}",
            f"{value:.17g}",
            repr(float(value)),
        }
        forms |= {f"{value:.{d}f}" for d in (2, 3, 4) if abs(value) >= 0.01}
        # integers such as "1" or "1000" also count shapes and inputs: look for the others only
        forms = {f for f in forms if ("." in f or "e" in f) and f.strip("-0.") != ""}
        found.extend(sorted(f for f in forms if f in message))
    return found


def verdict_leaks(verdict: Verdict, expected: Iterable[float]) -> list[str]:
    """:func:`message_leaks` of ``verdict``'s text in every language of the course, each found
    rendering prefixed by its language (``"zh: 0.731"``); an empty list is good."""
    from actlab.i18n import LANGS

    values = np.asarray(list(np.ravel(np.asarray(list(expected), dtype=np.float64))))
    found = []
    for lang in LANGS:
        found += [f"{lang}: {leak}" for leak in message_leaks(verdict.text(lang), values)]
    return found


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block, then restore the previous setting.

    The checks train tiny models: two threads make each step about ten times slower here, and far
    worse when parallel grading jobs compete for the cores.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
