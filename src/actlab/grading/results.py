"""Where grades go: an append-only journal, the CSV rebuilt atomically, and feedback files.

Every finished submission is appended to ``<out>.journal`` (one JSON line, flushed and fsynced)
before the CSV is rewritten through a temporary file and :func:`os.replace`. So at any instant the
CSV is a complete, consistent file, and a batch that is interrupted loses at most the submissions
that were still running. A re-run with the same ``--out`` reads the journal and skips every
submission whose key (its path as given, its bytes, the exercise's source, the settings that decide
a grade and the grader's version) is already there.

Everything written is valid UTF-8: text that came from a submission (its messages, its path) has
any lone surrogate escaped (``\udc80``). A feedback file is in the submission's language (its
metadata ``actlab.lang``, or ``actlab grade --lang``); the CSV and its ``message`` column stay in
English, for the instructor.

The CSV has one row per submission path (the latest grade of that path), with the columns
``submission, exercise, points, max_points, status, <grade_id>..., message``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from pathlib import Path, PurePath
from typing import Any

from actlab.grading.feedback import split_messages, status_name, translate
from actlab.grading.grader import GradeResult
from actlab.i18n import t

__all__ = ["ResultStore", "csv_cell", "feedback_name", "feedback_text", "format_points"]


def format_points(value: float) -> str:
    return f"{value:g}"


_NAME_BYTES = 200  # with the digest, ".txt" and a temporary file's affixes, under 255


def feedback_name(submission: str) -> str:
    """A file name for the feedback of ``submission``, different for every path.

    The path's parts are joined with ``__`` (``alice/01.ipynb`` -> ``alice__01.txt``). A path that
    cannot be written that way as it is (a character other than a letter, a digit, ``.``, ``-``
    or a single inner ``_``; a ``..``; a name that is not ``.ipynb``; more than 200 bytes, of
    which the end is kept) gets a digest of the path and ``~`` in front of its changed name:
    ``carol 01/01.ipynb`` and ``carol_01/01.ipynb``, or two Chinese names, do not share a file.
    """
    path = PurePath(submission)
    parts = list(path.parts[1:] if path.anchor else path.parts)
    faithful = bool(parts) and parts[-1].endswith(".ipynb") and parts[-1] != ".ipynb"
    if parts:
        parts[-1] = parts[-1].removesuffix(".ipynb")
    safe = []
    for part in parts:
        clean = re.sub(r"[^\w.-]+", "_", part) if part != ".." else ""
        if clean != part or "__" in part or part.startswith("_") or part.endswith("_"):
            faithful = False
        if clean:
            safe.append(clean)
    name = "__".join(safe) or "submission"
    if len(name.encode()) > _NAME_BYTES:
        faithful = False
        name = name.encode()[-_NAME_BYTES:].decode("utf-8", "ignore")
    if not faithful:
        digest = hashlib.sha256(submission.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = f"{digest}~{name}"
    return name + ".txt"


# A spreadsheet takes a cell that starts with one of these as a formula (OWASP, "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """Text that came from a submission (its path, a message) as a CSV cell that a spreadsheet
    shows as text: a carriage return (which Python's csv module leaves unquoted with ``\\n`` line
    ends, and which many readers take for the end of a row) is written ``\\r``, and a cell that
    starts like a formula gets a leading ``'``, as OWASP recommends."""
    text = text.replace("\r", "\\r")
    return "'" + text if text.startswith(_FORMULA_START) else text


# Control characters but the newline and the tab: a terminal runs escape sequences (ESC, CSI) and
# a carriage return or form feed redraws a line
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text: str, newlines: bool = True) -> str:
    """Text that came from a submission, with control characters escaped (``\\x1b``) so that a
    feedback file shown in a terminal shows them rather than obeys them; newlines escaped too
    unless ``newlines``."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if newlines else text.replace("\n", "\\n")


def _indented(text: str, indent: str, first: str | None = None) -> list[str]:
    """``text``'s lines, each indented, so that none starts a line as the grader's own lines do
    (``[PASS]``, ``Score:``)."""
    lines = _printable(text).split("\n")
    return [(indent if first is None else first) + lines[0], *(indent + line for line in lines[1:])]


def feedback_text(result: GradeResult) -> str:
    """The readable feedback of one submission, in its language (``result.lang``): each test, its
    points and its message.

    Text that came from the submission (its path, its errors, a probe's error) cannot forge a line
    of the grader's: its control characters are escaped, and every line of it is indented."""
    lang = result.lang
    lines = [
        t("grade.feedback.submission", lang, path=_printable(result.submission, newlines=False)),
        t("grade.feedback.exercise", lang, name=result.exercise),
        t("grade.feedback.status", lang, status=status_name(result.status, lang)),
        t(
            "grade.feedback.score",
            lang,
            points=format_points(result.points),
            max=format_points(result.max_points),
        ),
    ]
    if result.message:
        note = _printable(translate(result.message, lang), newlines=False)
        lines.append(t("grade.feedback.note", lang, note=note))
    for note in result.notes:
        lines.append(t("grade.feedback.note", lang, note=_printable(note, newlines=False)))
    lines.append("")
    for test in result.tests:
        fields = {
            "mark": t("grade.feedback.pass", lang) if test.passed else t("grade.feedback.fail", lang),
            "gid": test.grade_id,
            "points": format_points(test.points),
            "max": format_points(test.max_points),
        }
        if test.description:
            lines.append(
                t("grade.feedback.test_described", lang, description=test.description, **fields)
            )
        else:
            lines.append(t("grade.feedback.test", lang, **fields))
        for part in split_messages(test.message):
            lines += _indented(part, "       ")
    if result.cell_errors:
        lines += ["", t("grade.feedback.cell_errors", lang)]
        for error in result.cell_errors:
            lines += _indented(error, "    ", first="  ")
    return "\n".join(lines) + "\n"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_HEADER = b"submission,exercise,points,max_points,status,"


class ResultStore:
    """The grades of one exercise in ``out`` (CSV), its journal, and optional feedback files.

    Args:
        out: the CSV path.
        exercise: the exercise being graded; a journal holding another exercise is refused.
        grade_ids: the test cells, in notebook order (the per-test columns).
        feedback_dir: where to write one ``.txt`` per submission, or ``None``.
    """

    def __init__(
        self,
        out: str | os.PathLike[str],
        exercise: str,
        grade_ids: tuple[str, ...],
        feedback_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.out = Path(out)
        self.journal = self.out.with_name(self.out.name + ".journal")
        self.exercise = exercise
        self.grade_ids = grade_ids
        self.feedback_dir = Path(feedback_dir) if feedback_dir is not None else None
        self.by_key: dict[str, GradeResult] = {}
        self.rows: dict[str, GradeResult] = {}
        self._refuse_to_overwrite()
        self._load()

    def _refuse_to_overwrite(self) -> None:
        """Refuse an ``out`` that is some other file (a notebook, say), and a ``feedback_dir``
        that is no directory: the grades would replace it. A student's folder named
        ``--out=bob`` reaches ``actlab grade --out grades.csv */01.ipynb`` as an option."""
        hint = (
            "; a submission path that begins with '-' is read as an option: give the "
            "submissions after --, or as ./*"
        )
        if self.out.exists() and not self.out.is_dir():
            try:
                with open(self.out, "rb") as fh:
                    head = fh.read(len(_HEADER))
            except OSError as exc:
                raise ValueError(f"{self.out}: cannot be read ({exc.strerror or exc})") from None
            if head and head != _HEADER:  # an empty file holds nothing to lose
                raise ValueError(f"{self.out} exists and is not a grades file{hint}")
        elif self.out.is_dir():
            raise ValueError(f"{self.out} is a directory, not a grades file{hint}")
        folder = self.feedback_dir
        if folder is not None and folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder} exists and is not a directory{hint}")

    def _load(self) -> None:
        if not self.journal.is_file():
            return
        with open(self.journal, encoding="utf-8", errors="backslashreplace") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                    result = GradeResult.from_json(entry["result"]).cleaned()
                    key = str(entry["key"])
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # a line cut short by an interrupted run
                if result.exercise != self.exercise:
                    raise ValueError(
                        f"{self.out}: its journal holds grades of exercise {result.exercise!r}, "
                        f"not {self.exercise!r}; use another --out"
                    )
                self.by_key[key] = result
                self.rows[result.submission] = result

    def lookup(self, key: str) -> GradeResult | None:
        return self.by_key.get(key)

    def record(self, key: str, result: GradeResult, feedback: bool = True) -> None:
        """Journal ``result``, then rewrite the CSV and its feedback file atomically."""
        result = result.cleaned()
        line = json.dumps({"key": key, "result": result.to_json()}, ensure_ascii=True) + "\n"
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        with open(self.journal, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self.by_key[key] = result
        self.rows[result.submission] = result
        self.write_csv()
        if feedback:
            self.write_feedback(result)

    def reuse(self, result: GradeResult) -> None:
        """Count a journalled result in this run (the CSV row and feedback are refreshed)."""
        self.rows[result.submission] = result
        self.write_feedback(result)

    def write_feedback(self, result: GradeResult) -> None:
        if self.feedback_dir is not None:
            _atomic_write(
                self.feedback_dir / feedback_name(result.submission), feedback_text(result)
            )

    def csv_text(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            ["submission", "exercise", "points", "max_points", "status", *self.grade_ids, "message"]
        )
        for submission in sorted(self.rows):
            r = self.rows[submission]
            per_test = {t.grade_id: format_points(t.points) for t in r.tests}
            writer.writerow(
                [
                    csv_cell(r.submission),
                    r.exercise,
                    format_points(r.points),
                    format_points(r.max_points),
                    r.status,
                    *(per_test.get(gid, "0") for gid in self.grade_ids),
                    csv_cell(r.message),
                ]
            )
        return buf.getvalue()

    def write_csv(self) -> None:
        _atomic_write(self.out, self.csv_text())


def summary(results: list[GradeResult]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts
