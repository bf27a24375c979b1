"""The grader's own texts in the submission's language.

The checks report catalog keys (:class:`~actlab.grading.spec.Message`), and the grader's frames of
the feedback (``all checks passed``, ``0 points: ...``, the headings of a feedback file) are
catalog messages too. A few texts are made elsewhere in English, as plain text: the notes of the
sandboxed run (``the notebook used more than 3072 MiB of memory``, ``cell 'relu' ran past its 60 s
limit ...``), the findings of the static scan and of the kernel's run-time checks (``uses ctypes``,
``numpy.errstate, which turns floating-point errors off``) and the labels of cells (``code cell
3``). :func:`translate` turns those into the learner's language: each is matched against the
English text of a catalog message (``grade.note.*``, ``grade.finding.*``, ``grade.label.*``), whose
fields become the fields of the same message in the other language (translated in turn, so that
``during cell 'relu'`` inside a note is translated too). A text that matches none stays as it is:
an unknown note is shown in English rather than lost. ``tests/test_grading_feedback.py`` feeds
every template of the sandbox and of the scan through it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import cache

from actlab.grading.spec import Message
from actlab.i18n import CATALOG, normalize_lang, t

__all__ = [
    "STATUS_KEYS",
    "TEMPLATES",
    "finding_text",
    "join_messages",
    "separator",
    "split_messages",
    "status_name",
    "translate",
]

STATUS_KEYS = {
    "graded": "grade.status.graded",
    "timeout": "grade.status.timeout",
    "crashed": "grade.status.crashed",
    "invalid": "grade.status.invalid",
    "error": "grade.status.error",
}

# Tried in this order: the more specific templates first.
TEMPLATES: tuple[str, ...] = (
    "grade.note.cell_time",
    "grade.note.notebook_time",
    "grade.note.memory",
    "grade.note.disk",
    "grade.note.files",
    "grade.note.processes",
    "grade.note.replies",
    "grade.note.result",
    "grade.note.killed_number",
    "grade.note.killed",
    "grade.note.exited",
    "grade.note.sandbox_ended",
    "grade.note.no_kernel",
    "grade.invalid.other_exercise",
    "grade.invalid.no_cell",
    "grade.invalid.json",
    "grade.invalid.nbformat",
    "grade.invalid.unreadable",
    "grade.where.during",
    "grade.where.before_first",
    "grade.where.at_end",
    "grade.finding.silence",
    "grade.finding.hidden",
    "grade.finding.computed_name",
    "grade.finding.shell_method",
    "grade.finding.shell",
    "grade.finding.magic_code",
    "grade.finding.magic",
    "grade.finding.top_level",
    "grade.finding.proc",
    "grade.finding.unreadable",
    "grade.finding.too_much_code",
    "grade.finding.grading_machinery",
    "grade.finding.uses",
    "grade.finding.modifies",
    "grade.finding.imports",
    "grade.finding.imported_at_run_time",
    "grade.finding.called_at_run_time",
    "grade.finding.derives",
    "grade.finding.held_as",
    "grade.finding.seen_running",
    "grade.label.at_line",
    "grade.label.code_cell",
    "grade.label.named",
    "grade.label.any",
)


def _pattern(message: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(message):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P<{name}>.+?)")
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((key, _pattern(CATALOG[key]["en"])) for key in TEMPLATES)


def translate(text: str, lang: str, depth: int = 0) -> str:
    """``text``, an English note, finding or cell label of the grader, in ``lang``; a text that is
    no known template is returned unchanged."""
    lang = normalize_lang(lang)
    if lang == "en" or depth > 4:
        return text
    for key, pattern in _patterns():
        match = pattern.match(text)
        if match is not None:
            fields = {k: translate(v, lang, depth + 1) for k, v in match.groupdict().items()}
            return Message(key, fields).text(lang)
    return text


def finding_text(what: str, code: str, where: str, lang: str) -> str:
    """A finding of the scan, ``what (`code`, where)``, in ``lang``."""
    what, where = translate(what, lang), translate(where, lang)
    if code:
        return t("grade.finding.with_code", lang, what=what, code=code, where=where)
    return t("grade.finding.plain", lang, what=what, where=where)


def status_name(status: str, lang: str) -> str:
    """A row's status (``graded``, ``timeout``...) for a feedback file in ``lang``."""
    key = STATUS_KEYS.get(status)
    return Message(key).text(lang) if key else status


def separator(lang: str) -> str:
    """What joins the items of a list inside one message: ``"; "`` in English, ``"；"`` in
    Chinese."""
    return t("grade.separator", lang)


def join_messages(messages: Iterable[str]) -> str:
    """A test's messages as one text, one message a line (a message may hold ``;`` itself)."""
    return "\n".join(messages)


def split_messages(text: str) -> list[str]:
    return text.split("\n")
