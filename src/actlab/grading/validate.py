"""``actlab validate``: the learner's own check of a notebook, run as Jupyter runs it.

The notebook is executed top to bottom with :mod:`nbclient` in a normal Jupyter kernel, in the
notebook's own directory, with errors allowed so that every cell runs. Each test cell (nbgrader
``grade: true``, not a solution) is then reported as passed or failed, with the message of the
check that failed; errors in other cells are listed too. Nothing is sandboxed: this is the
learner's own notebook on the learner's own machine, and no grade is recorded.

The report speaks the notebook's language (its metadata ``actlab.lang``), or the one asked for
(``lang``). When a language is asked for, the notebook runs in it: its ``LANG = "..."`` line is
set to that language before the run, so that the checks' own messages are in it too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from actlab.grading.languages import with_lang
from actlab.grading.notebook import (
    InvalidNotebook,
    grade_id,
    is_test,
    points,
    read_notebook,
)
from actlab.i18n import normalize_lang, notebook_lang, t

__all__ = ["ValidationReport", "validate_notebook"]


@dataclass
class CellReport:
    index: int
    grade_id: str | None
    points: float
    passed: bool
    message: str


@dataclass
class ValidationReport:
    path: Path
    tests: list[CellReport] = field(default_factory=list)
    other_errors: list[CellReport] = field(default_factory=list)
    crash: str = ""
    lang: str = "en"

    @property
    def all_passed(self) -> bool:
        return bool(self.tests) and all(c.passed for c in self.tests) and not self.crash

    def text(self) -> str:
        lang = self.lang
        lines = [f"{self.path}:"]
        if not self.tests:
            lines.append("  " + t("validate.no_tests", lang))
        for c in self.tests:
            mark = t("validate.pass", lang) if c.passed else t("validate.fail", lang)
            lines.append(
                "  "
                + t("validate.test", lang, mark=mark, gid=c.grade_id, points=f"{c.points:g}",
                    message=c.message)
            )  # fmt: skip
        for e in self.other_errors:
            lines.append("  " + t("validate.cell_error", lang, index=e.index, message=e.message))
        if self.crash:
            lines.append(f"  {self.crash}")
        passed = sum(c.points for c in self.tests if c.passed)
        total = sum(c.points for c in self.tests)
        n_ok = sum(c.passed for c in self.tests)
        lines.append(
            t("validate.summary", lang, passed=n_ok, tests=len(self.tests),
              points=f"{passed:g}", total=f"{total:g}")
        )  # fmt: skip
        return "\n".join(lines)


def _error_message(outputs: list[dict]) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            name = out.get("ename", "Error")
            value = str(out.get("evalue", "")).strip()
            return f"{name}: {value}" if value else name
    return None


def _passed_message(outputs: list[dict], lang: str) -> str:
    texts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            texts.append(text if isinstance(text, str) else "".join(text))
    lines = [ln.strip() for ln in "".join(texts).splitlines() if ln.strip()]
    return t("grade.separator", lang).join(lines[-3:]) if lines else t("check.passed", lang)


def validate_notebook(
    path: str | os.PathLike[str], timeout: float = 120.0, lang: str | None = None
) -> ValidationReport:
    """Execute the notebook at ``path`` and report its test cells (see the module docstring).

    Args:
        lang: the report's language, and the notebook's for this run (its ``LANG`` line);
            default: the notebook's own (metadata ``actlab.lang``; English when it names none).

    Raises:
        ValueError: the file is not a readable version-4 notebook, or ``lang`` is no language of
            the course.
    """
    path = Path(path)
    try:
        raw = read_notebook(path)
    except InvalidNotebook as exc:
        raise ValueError(str(exc)) from None
    if lang is not None:
        lang = normalize_lang(lang)
    else:
        try:
            lang = notebook_lang(raw.get("metadata", {}))
        except ValueError:
            lang = "en"
    import subprocess
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from traitlets.config import Config

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = with_lang(cell.source, lang)
    report = ValidationReport(path, lang=lang)
    with tempfile.TemporaryDirectory(prefix="actlab-validate-") as tmp:
        # A local Unix socket, not TCP: nothing listens on a port, and the kernel has no reason
        # to warn that its traffic is unencrypted. The kernel's own log (start-up warnings of
        # its debugger, say) goes nowhere; what cells print is in their outputs.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(tmp) / "kernel")
        client = NotebookClient(
            nb,
            config=config,
            kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
            timeout=timeout,
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        try:
            client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except DeadKernelError as exc:
            report.crash = t("validate.kernel_died", lang, error=str(exc))
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        error = _error_message(cell.get("outputs", []))
        if is_test(cell):
            report.tests.append(
                CellReport(
                    index,
                    grade_id(cell),
                    points(cell),
                    error is None,
                    error or _passed_message(cell.get("outputs", []), lang),
                )
            )
        elif error is not None:
            report.other_errors.append(CellReport(index, grade_id(cell), 0.0, False, error))
    return report
