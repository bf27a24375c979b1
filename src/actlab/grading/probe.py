"""The probe: runs in the student's kernel when the grader asks, and sends back plain outputs.

The grader restores each test cell of the source as a *probe*: when the notebook reaches that test,
the grader sends the kernel the test's check calls, hidden cases included (they reach the kernel
only now), with a fresh token. :func:`run_calls` looks the student's objects up by name in the
user namespace, calls each check's ``probe`` (:func:`~actlab.grading.spec.run_probe`) under a
:class:`~actlab.grading.guard.ProbeGuard` when the question forbids shortcuts, and replies, per
check, either the outputs (plain arrays, an uncompressed ``.npz`` without pickle) or the error,
with the forbidden calls the guard saw, its errors made into text in the submission's language
(the command's ``lang``). Nothing here decides a grade: the grader judges only the
replies to its own token, in its own process, and ignores outputs of a check that raised.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["encode_outputs", "run_calls"]


def encode_outputs(outputs: Mapping[str, Any]) -> bytes:
    """The outputs as the bytes of an uncompressed ``.npz`` of plain arrays."""
    buffer = io.BytesIO()
    np.savez(buffer, **{key: np.asarray(value) for key, value in outputs.items()})
    return buffer.getvalue()


def _run_one(call: Mapping[str, Any], namespace: Mapping[str, Any], guarded: list[str]) -> Any:
    from actlab.grading.guard import ProbeGuard
    from actlab.grading.spec import get_check, run_probe

    objects = tuple(namespace[name] for name in call["objects"])
    spec = get_check(call["check"])
    guard = ProbeGuard(guarded)
    if guarded:
        with guard:
            guard.check_objects(objects)
            outputs = run_probe(spec, objects, call["case"])
    else:
        outputs = run_probe(spec, objects, call["case"])
    return outputs, list(guard.violations)


def run_calls(command: Mapping[str, Any], namespace: Mapping[str, Any], replies: Any) -> None:
    """Probe every check call of ``command`` and reply per call (see the module docstring)."""
    from actlab.grading.spec import ProbeError
    from actlab.i18n import normalize_lang, t

    token = command.get("token")
    for module in command.get("check_modules", []):
        __import__(module)
    guarded = [str(item) for item in command.get("forbidden", [])]
    # the errors are made into text here, in the submission's language
    try:
        lang = normalize_lang(str(command.get("lang", "en")))
    except ValueError:
        lang = "en"
    for k, call in enumerate(command.get("calls", [])):
        reply: dict[str, Any] = {"token": token, "k": k}
        missing = [name for name in call["objects"] if name not in namespace]
        if missing:
            error = t("grade.probe.undefined", lang, names=", ".join(missing))
            replies.send({**reply, "ok": False, "error": error})
            continue
        try:
            outputs, violations = _run_one(call, namespace, guarded)
        except ProbeError as exc:
            replies.send({**reply, "ok": False, "error": exc.text(lang)[:2000]})
            continue
        except KeyboardInterrupt:
            error = t("grade.probe.interrupted", lang)
            replies.send({**reply, "ok": False, "error": error})
            raise
        except Exception as exc:  # noqa: BLE001 -- a check's bug, or objects it cannot handle
            error = t("grade.probe.broken", lang, error=f"{type(exc).__name__}: {exc}")
            replies.send({**reply, "ok": False, "error": error[:2000]})
            continue
        replies.send({**reply, "ok": True, "violations": violations}, encode_outputs(outputs))
