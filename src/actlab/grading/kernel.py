"""The process that executes one submission's cells: ``python -m actlab.grading.kernel``.

It runs inside the sandbox, in a fresh interpreter, with the grading directory as its working
directory. It reads ``job.json`` (the cells to run and the limits), sets its own resource limits
*before* any student code runs (hard limits, which an unprivileged process cannot raise again), then
executes the cells one by one in an IPython :class:`~IPython.core.interactiveshell.InteractiveShell`
(IPython semantics: magics, ``_``, display hooks; no ZMQ kernel and no ``nbformat`` import).

Progress goes to the file descriptor named by ``ACTLAB_PROGRESS_FD`` as JSON lines (``start`` and
``end`` of each cell, ``done`` at the end). The grader treats these lines as untrusted hints for its
timeouts only; it never takes a grade from them. A cell that overruns its time limit is interrupted
with ``KeyboardInterrupt`` (a timer signal); a cell that ignores that is killed from outside.

What a cell prints is kept up to a limit per cell and dropped beyond it.
"""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import sys
import time
from typing import Any

__all__ = ["main", "run_job"]


class _CappedText(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:  # type: ignore[override]
        s = str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def text(self) -> str:
        body = "".join(self.parts)
        if self.dropped:
            body += f"\n[... {self.dropped} more characters not kept]"
        return body


class _Progress:
    def __init__(self, fd: int | None) -> None:
        self.fh = os.fdopen(fd, "w", buffering=1, encoding="utf-8") if fd is not None else None

    def send(self, **event: Any) -> None:
        if self.fh is None:
            return
        try:
            self.fh.write(json.dumps(event) + "\n")
            self.fh.flush()
        except (OSError, ValueError):
            pass


def _set_limits(limits: dict[str, Any]) -> None:
    table = {
        "memory_bytes": resource.RLIMIT_AS,
        "file_bytes": resource.RLIMIT_FSIZE,
        "cpu_seconds": resource.RLIMIT_CPU,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in table.items():
        value = limits.get(key)
        if value:
            value = int(value)
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
    # Writing past RLIMIT_FSIZE then fails with EFBIG instead of killing the kernel.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _error_text(result: Any) -> str | None:
    err = result.error_before_exec or result.error_in_exec
    if err is None:
        return None
    text = f"{type(err).__name__}: {err}"
    return text[:2000]


def _make_shell() -> Any:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.xmode = "Plain"
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.automagic = True
    return InteractiveShell.instance(config=cfg)


def _on_alarm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt("cell time limit")


def main() -> None:
    """Run ``job.json`` of the working directory, reporting to ``$ACTLAB_PROGRESS_FD``."""
    fd = os.environ.get("ACTLAB_PROGRESS_FD")
    run_job(int(fd) if fd else None)


def run_job(progress_fd: int | None) -> None:
    """Run ``job.json`` of the working directory; never returns (the process exits)."""
    with open("job.json", encoding="utf-8") as fh:
        job = json.load(fh)
    progress = _Progress(progress_fd)
    _set_limits(job.get("limits", {}))
    cell_timeout = float(job.get("cell_timeout", 0)) or None
    output_limit = int(job.get("output_limit", 20000))
    shell = _make_shell()
    real_stdout, real_stderr = sys.stdout, sys.stderr
    signal.signal(signal.SIGALRM, _on_alarm)
    progress.send(event="ready", t=time.time())
    for cell in job["cells"]:
        index = cell["index"]
        started = time.monotonic()
        progress.send(event="start", cell=index)
        out = _CappedText(output_limit)
        sys.stdout = sys.stderr = out
        if cell_timeout:
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        error: str | None
        try:
            result = shell.run_cell(cell["source"], store_history=True)
            error = _error_text(result)
        except KeyboardInterrupt:
            error = "KeyboardInterrupt: cell time limit"
        except BaseException as exc:  # noqa: BLE001 -- e.g. SystemExit raised outside the cell
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_stdout, real_stderr
        progress.send(
            event="end",
            cell=index,
            error=error,
            output=out.text(),
            seconds=round(time.monotonic() - started, 4),
        )
    progress.send(event="done")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
