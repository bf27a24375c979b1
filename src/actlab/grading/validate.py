"""``actlab validate``: the learner's own check of a notebook, run as Jupyter runs it.

The notebook is executed top to bottom with :mod:`nbclient` in a normal Jupyter kernel, in the
notebook's own directory, with errors allowed so that every cell runs. Each test cell (nbgrader
``grade: true``, not a solution) is then reported as passed or failed, with the message of the
check that failed; errors in other cells are listed too. Nothing is sandboxed: this is the
learner's own notebook on the learner's own machine, and no grade is recorded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from actlab.grading.notebook import (
    InvalidNotebook,
    grade_id,
    is_test,
    points,
    read_notebook,
)

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

    @property
    def all_passed(self) -> bool:
        return bool(self.tests) and all(t.passed for t in self.tests) and not self.crash

    def text(self) -> str:
        lines = [f"{self.path}:"]
        if not self.tests:
            lines.append("  no test cells found")
        for t in self.tests:
            mark = "pass" if t.passed else "FAIL"
            lines.append(f"  [{mark}] {t.grade_id} ({t.points:g} pt): {t.message}")
        for e in self.other_errors:
            lines.append(f"  error in cell {e.index}: {e.message}")
        if self.crash:
            lines.append(f"  {self.crash}")
        passed = sum(t.points for t in self.tests if t.passed)
        total = sum(t.points for t in self.tests)
        n_ok = sum(t.passed for t in self.tests)
        lines.append(
            f"{n_ok} of {len(self.tests)} visible test cells pass ({passed:g} of {total:g} "
            "visible points; hidden tests are run only when grading)"
        )
        return "\n".join(lines)


def _error_message(outputs: list[dict]) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            name = out.get("ename", "Error")
            value = str(out.get("evalue", "")).strip()
            return f"{name}: {value}" if value else name
    return None


def _passed_message(outputs: list[dict]) -> str:
    texts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            texts.append(text if isinstance(text, str) else "".join(text))
    lines = [ln.strip() for ln in "".join(texts).splitlines() if ln.strip()]
    return "; ".join(lines[-3:]) if lines else "passed"


def validate_notebook(path: str | os.PathLike[str], timeout: float = 120.0) -> ValidationReport:
    """Execute the notebook at ``path`` and report its test cells (see the module docstring).

    Raises:
        ValueError: the file is not a readable version-4 notebook.
    """
    path = Path(path)
    try:
        read_notebook(path)
    except InvalidNotebook as exc:
        raise ValueError(str(exc)) from None
    import subprocess
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError
    from traitlets.config import Config

    nb = nbformat.read(path, as_version=4)
    report = ValidationReport(path)
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
            report.crash = f"the kernel died while running the notebook ({exc})"
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
                    error or _passed_message(cell.get("outputs", [])),
                )
            )
        elif error is not None:
            report.other_errors.append(CellReport(index, grade_id(cell), 0.0, False, error))
    return report
