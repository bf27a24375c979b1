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

**Messages in two languages.** A verdict or a probe error carries a :class:`Message`: a key of the
course's catalog (:mod:`actlab.i18n`) and its fields, never finished text. The text is made where it
is shown, in the learner's language: ``Verdict.text("zh")``. Fields hold what the learner's code
produced or was given (a shape, a dtype, an input, the text of an exception it raised), or another
:class:`Message`; never an expected value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

__all__ = [
    "CheckSpec",
    "Message",
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


_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


@dataclass(frozen=True)
class Message:
    """What to tell the learner: a catalog key and its fields, made into text in a language.

    ``Message("check.nan", what="sigmoid", x="1e4").text("zh")`` looks the key up in
    :data:`actlab.i18n.CATALOG`; a field that is itself a :class:`Message` is made into text in
    the same language first. ``Message.plain(text)`` is a text that is the same in every language
    (what a student's code printed or raised, or a test's own description).
    """

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def plain(cls, text: str) -> Message:
        return cls("", {"text": str(text)})

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"en"`` or ``"zh"``, or a spelling of them)."""
        if not self.key:
            return str(self.fields.get("text", ""))
        from actlab import i18n

        # The one lookup with a key that is not a literal: a Message's key is checked where the
        # Message is made (tests/test_checks_messages.py reads every Message, Verdict.fail and
        # ProbeError of the package, as tests/test_i18n.py reads every t("...")).
        translate = i18n.t
        values = {k: v.text(lang) if isinstance(v, Message) else v for k, v in self.fields.items()}
        return translate(self.key, lang, **values)

    def __str__(self) -> str:
        return self.text("en")


def message(key: str, /, **fields: Any) -> Message:
    """``Message(key, fields)`` for a catalog key (``"check.nan"``); finished text is refused, since
    it would reach a learner in one language only (``Message.plain`` is for what a student's code
    wrote)."""
    if not (isinstance(key, str) and _KEY.fullmatch(key)):
        raise ValueError(
            f"message: {key!r} is not a catalog key such as 'check.shape'; a check reports a key "
            "of actlab/i18n.py and its fields, and the text is made in the learner's language"
        )
    return Message(key, fields)


class ProbeError(Exception):
    """The student's code did something a probe cannot turn into plain data.

    ``ProbeError("check.probe.not_callable", name="relu", got="int")`` carries a :class:`Message`
    (:attr:`note`); ``str()`` gives its English text and :meth:`text` any language. It names the
    symptom and never an expected value.
    """

    def __init__(self, key: str | Message, /, **fields: Any) -> None:
        self.note = key if isinstance(key, Message) else message(key, **fields)
        super().__init__(self.note.text("en"))

    def text(self, lang: str = "en") -> str:
        return self.note.text(lang)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: whether it passed, and what to tell the learner (:attr:`note`,
    made into text by :meth:`text`; :attr:`message` is the English text)."""

    passed: bool
    note: Message

    @property
    def message(self) -> str:
        return self.note.text("en")

    def text(self, lang: str = "en") -> str:
        return self.note.text(lang)

    @classmethod
    def ok(cls, key: str | Message = "check.passed", /, **fields: Any) -> Verdict:
        return cls(True, key if isinstance(key, Message) else message(key, **fields))

    @classmethod
    def fail(cls, key: str | Message, /, **fields: Any) -> Verdict:
        return cls(False, key if isinstance(key, Message) else message(key, **fields))


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
            raise ProbeError("check.probe.ragged", what=what) from exc
    else:
        raise ProbeError("check.probe.not_array", what=what, type=type(value).__name__)
    if type(arr) is not np.ndarray:
        raise ProbeError("check.probe.ndarray_subclass", what=what, type=type(arr).__name__)
    if arr.dtype.kind not in _PLAIN_KINDS:
        raise ProbeError("check.probe.bad_dtype", what=what, dtype=str(arr.dtype))
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
        raise ProbeError("check.probe.not_implemented") from exc
    except Exception as exc:
        raise ProbeError("check.probe.raised", error=f"{type(exc).__name__}: {exc}") from exc
    return {key: as_plain(val, key) for key, val in raw.items()}


def check(name: str, *objects: Any, lang: str = "en", **case: Any) -> None:
    """Instant feedback in the notebook: run check ``name`` on the student's ``objects``.

    Raises ``AssertionError`` with the symptom when the check fails, and prints one line when it
    passes, in ``lang`` (a notebook passes its ``LANG``: ``check("relu", relu, lang=LANG)``). The
    batch grader does not call this function: it runs the probe in the student's kernel and the
    judge in its own process.
    """
    from actlab.i18n import normalize_lang

    lang = normalize_lang(lang)
    spec = get_check(name)
    try:
        outputs = run_probe(spec, objects, case)
    except ProbeError as exc:
        raise AssertionError(f"{name}: {exc.text(lang)}") from None
    verdict = spec.judge(outputs, **case)
    if not verdict.passed:
        raise AssertionError(f"{name}: {verdict.text(lang)}")
    print(f"\N{CHECK MARK} {name}: {verdict.text(lang)}")


Judge = Callable[..., Verdict]
