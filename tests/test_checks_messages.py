"""The messages of the exercise checks: every key a check reports is in the catalog, with the fields
it is given, in English and in Chinese; and no check reports finished English text.

``tests/test_i18n.py`` reads every ``t("...")`` of the package; the checks do not call ``t``
themselves. They report a :class:`~actlab.grading.spec.Message` (a key and its fields) through
``Verdict.fail(...)``, ``Verdict.ok(...)``, ``ProbeError(...)``, ``Message(...)`` and
``message(...)``, and the text is made where it is shown, in the learner's language. This file reads
those calls in ``src/actlab/grading/`` the same way.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from actlab.grading.spec import Message, ProbeError, Verdict
from actlab.i18n import CATALOG, fields_of

ROOT = Path(__file__).resolve().parents[1]
GRADING = ROOT / "src" / "actlab" / "grading"
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
# the areas whose keys the grading package names (in tables as well as in calls)
NAMED = re.compile(r"(check|grade|validate)\.[a-z0-9_]+(\.[a-z0-9_]+)*")
_MAKERS = {"fail", "ok", "ProbeError", "message", "Message"}


def _maker(node: ast.Call) -> str | None:
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in {"fail", "ok"}
        and isinstance(func.value, ast.Name)
        and func.value.id == "Verdict"
    ):
        return func.attr
    if isinstance(func, ast.Name) and func.id in _MAKERS - {"fail", "ok"}:
        return func.id
    return None


def message_calls(source: str, filename: str = "<src>") -> list[tuple[str, int, str, object]]:
    """Every call that makes a message: (file, line, first argument, fields).

    The first argument is the key as written (``"<expr>"`` when it is not a string literal, so
    a Message made elsewhere); fields are the keyword names, or the keys of the dict literal given
    to ``Message``, or None when they cannot be read (``**fields``).
    """
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or (kind := _maker(node)) is None:
            continue
        first = node.args[0] if node.args else None
        if first is None:
            key = "check.passed" if kind == "ok" else "<none>"
        elif isinstance(first, ast.Constant) and isinstance(first.value, str):
            key = first.value
        elif isinstance(first, ast.JoinedStr):
            key = "<f-string>"
        else:
            key = "<expr>"
        fields: object
        if kind == "Message":
            second = node.args[1] if len(node.args) > 1 else None
            if second is None:
                fields = set()
            elif isinstance(second, ast.Dict) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in second.keys
            ):
                fields = {k.value for k in second.keys}  # type: ignore[union-attr]
            else:
                fields = None
        elif any(k.arg is None for k in node.keywords):
            fields = None
        else:
            fields = {k.arg for k in node.keywords}
        found.append((filename, node.lineno, key, fields))
    return found


def _sources() -> list[Path]:
    return sorted(GRADING.rglob("*.py"))


def _all_calls() -> list[tuple[str, int, str, object]]:
    calls = []
    for path in _sources():
        calls += message_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return calls


def message_problems(calls, catalog: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for filename, line, key, fields in calls:
        where = f"{filename}:{line}"
        if key in {"<f-string>", "<none>"} or (
            not key.startswith("<") and not KEY.fullmatch(key)
        ):
            problems.append(f"{where}: a message is a catalog key and fields, not text ({key!r})")
            continue
        if key.startswith("<"):
            continue  # a Message made elsewhere, checked there
        if key not in catalog:
            problems.append(f"{where}: {key!r} is not in the catalog")
        elif fields is not None and fields != fields_of(catalog[key]["en"]):
            problems.append(
                f"{where}: {key!r} takes {sorted(fields_of(catalog[key]['en']))}, "
                f"given {sorted(fields)}"  # type: ignore[arg-type]
            )
    return problems


def test_the_checks_report_catalog_keys_with_their_fields() -> None:
    calls = _all_calls()
    assert len(calls) > 100, "the scan found too few message calls: it is broken"
    assert message_problems(calls, CATALOG) == []


def test_every_key_named_in_the_checks_is_in_the_catalog() -> None:
    # keys kept in tables (("check.ffn.relu", ...)) are found as string constants
    named = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and NAMED.fullmatch(node.value)
            ):
                named.add(node.value)
    assert len(named) > 100
    assert sorted(named - set(CATALOG)) == []


def test_the_scan_finds_text_unknown_keys_and_wrong_fields() -> None:
    source = (
        "Verdict.fail('check.passed', extra=1)\n"
        "Verdict.fail(f'{name} is wrong')\n"
        "ProbeError('sigmoid should be a function')\n"
        "Verdict.fail('check.nowhere')\n"
        "Message('check.what.part', {'fn': 'f'})\n"
        "Verdict.fail(note)\n"
        "Verdict.ok()\n"
    )
    assert message_problems(message_calls(source, "m.py"), CATALOG) == [
        "m.py:1: 'check.passed' takes [], given ['extra']",
        "m.py:2: a message is a catalog key and fields, not text ('<f-string>')",
        "m.py:3: a message is a catalog key and fields, not text ('sigmoid should be a function')",
        "m.py:4: 'check.nowhere' is not in the catalog",
        "m.py:5: 'check.what.part' takes ['fn', 'part'], given ['fn']",
    ]


def test_a_message_is_made_in_either_language() -> None:
    note = Message("check.what.part", {"fn": "relu_forward", "part": "out"})
    verdict = Verdict.fail("check.shape", what=note, got=(3,), shape=(3, 1))
    assert verdict.message == (
        "relu_forward's out returned shape (3,) for an input of shape (3, 1); the output should "
        "have the input's shape"
    )
    assert verdict.text("zh") == (
        "输入的形状为(3, 1)，relu_forward的out返回的形状却是(3,)；输出应与输入形状相同"
    )
    assert verdict.text("zh-CN") == verdict.text("zh")
    error = ProbeError("check.probe.not_callable", name="relu", got="int")
    assert str(error) == "relu should be a function, got a int"
    assert error.text("zh") == "relu应是一个函数，实际是int"
    assert Message.plain("as printed").text("zh") == "as printed"


def test_a_key_that_is_not_in_the_catalog_fails_loudly() -> None:
    with pytest.raises(KeyError, match=r"no message 'check\.nowhere'"):
        Verdict.fail("check.nowhere").text("en")
    with pytest.raises(ValueError, match=r"is not a catalog key such as 'check\.shape'"):
        Verdict.fail("some text")
    with pytest.raises(ValueError, match="is not a catalog key"):
        ProbeError("sigmoid overflowed", x=1)
