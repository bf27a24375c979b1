"""The contract between exercise checks, the learner's instant feedback and the batch grader.

A *check* is split in two halves so that a grade is never decided inside the student's process:

``probe(objects, **case) -> dict``
    Runs where the student's code lives (the notebook kernel). It calls the student's objects on
    inputs built deterministically from ``case`` and returns *plain data*: numbers, strings and numpy
    arrays of a numeric, bool or unicode dtype. Nothing else crosses the boundary.

``judge(outputs, **case) -> Verdict``
    Runs wherever the reference may be used. For a learner that is the kernel itself (instant
    feedback); for the batch grader it is the grader's own process, on the outputs the kernel sent
    back in reply to the grader's own probe command, loaded without pickle. Its message names the symptom (shape, dtype, sign for x < 0, NaN at large |x|,
    backward that disagrees with finite differences), never the expected values.

Test cells in an exercise call :func:`check` with the check's name, the student's objects and,
optionally, JSON-serialisable keyword arguments (the *case*). Hidden tests pass hidden cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

__all__ = [
    "CheckSpec",
    "ProbeError",
    "Verdict",
    "as_plain",
    "check",
    "get_check",
    "register",
    "registered_checks",
]

PlainValue = np.ndarray
Outputs = dict[str, PlainValue]


class ProbeError(Exception):
    """The student's code did something a probe cannot turn into plain data.

    The message is shown to the learner as it is, so it names the symptom and never an expected value.
    """


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: whether it passed, and what to tell the learner."""

    passed: bool
    message: str

    @classmethod
    def ok(cls, message: str = "passed") -> Verdict:
        return cls(True, message)

    @classmethod
    def fail(cls, message: str) -> Verdict:
        return cls(False, message)


class CheckSpec(Protocol):
    """One named check. Implementations live in ``actlab.grading.checks``."""

    name: str

    def probe(self, objects: tuple[Any, ...], **case: Any) -> Mapping[str, Any]: ...

    def judge(self, outputs: Mapping[str, np.ndarray], **case: Any) -> Verdict: ...


_CHECKS: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    """Add ``spec`` to the table of checks; a second check with the same name is an error."""
    if spec.name in _CHECKS and _CHECKS[spec.name] is not spec:
        raise ValueError(f"register: a check named {spec.name!r} is already registered")
    _CHECKS[spec.name] = spec
    return spec


def _load_checks() -> None:
    # The exercise checks register themselves on import.
    import actlab.grading.checks  # noqa: F401


def get_check(name: str) -> CheckSpec:
    """Return the check called ``name``; an unknown name is a ``KeyError`` that lists the known ones."""
    _load_checks()
    try:
        return _CHECKS[name]
    except KeyError:
        known = ", ".join(sorted(_CHECKS)) or "none"
        raise KeyError(f"get_check: no check named {name!r}; known checks: {known}") from None


def registered_checks() -> dict[str, CheckSpec]:
    """All registered checks, by name."""
    _load_checks()
    return dict(_CHECKS)


_PLAIN_KINDS = frozenset("biufU")  # bool, int, unsigned, float, unicode


def as_plain(value: Any, what: str) -> np.ndarray:
    """Turn a value the student produced into a plain numpy array, or raise :class:`ProbeError`.

    ``what`` names the value in the message, e.g. ``"sigmoid(x)"``. Torch tensors are detached and
    moved to numpy. Objects whose ``==`` or ``__array__`` could lie (object arrays, custom classes)
    are refused rather than trusted.
    """
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        arr = value
    elif isinstance(value, bool | int | float | str | np.generic):
        arr = np.asarray(value)
    elif isinstance(value, list | tuple):
        try:
            arr = np.array(value)
        except (ValueError, TypeError) as exc:
            raise ProbeError(f"{what} is a ragged or mixed sequence, not an array of numbers") from exc
    else:
        raise ProbeError(
            f"{what} returned a {type(value).__name__}; expected a numpy array or a number"
        )
    if type(arr) is not np.ndarray:
        raise ProbeError(f"{what} returned a {type(arr).__name__}, a subclass of numpy.ndarray")
    if arr.dtype.kind not in _PLAIN_KINDS:
        raise ProbeError(
            f"{what} returned an array of dtype {arr.dtype}; expected numbers (float, int or bool)"
        )
    return np.array(arr, copy=True)


def run_probe(spec: CheckSpec, objects: tuple[Any, ...], case: Mapping[str, Any]) -> Outputs:
    """Run ``spec.probe`` and normalise its result to plain arrays.

    An exception raised by the student's code becomes a :class:`ProbeError` whose message names the
    exception type and its text; a ``ProbeError`` raised by the probe itself passes through.
    """
    try:
        raw = spec.probe(objects, **case)
    except ProbeError:
        raise
    except NotImplementedError as exc:
        raise ProbeError("not implemented yet (NotImplementedError)") from exc
    except Exception as exc:
        raise ProbeError(f"raised {type(exc).__name__}: {exc}") from exc
    return {key: as_plain(val, key) for key, val in raw.items()}


def check(name: str, *objects: Any, **case: Any) -> None:
    """Instant feedback in the notebook: run check ``name`` on the student's ``objects``.

    Raises ``AssertionError`` with the symptom when the check fails, and prints one line when it
    passes. The batch grader does not call this function: it runs the probe in the student's kernel
    and the judge in its own process.
    """
    spec = get_check(name)
    try:
        outputs = run_probe(spec, objects, case)
    except ProbeError as exc:
        raise AssertionError(f"{name}: {exc}") from None
    verdict = spec.judge(outputs, **case)
    if not verdict.passed:
        raise AssertionError(f"{name}: {verdict.message}")
    print(f"\N{CHECK MARK} {name}: {verdict.message}")


Judge = Callable[..., Verdict]
