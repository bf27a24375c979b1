"""The process that runs one submission: ``python -m actlab.grading.kernel COMMAND_FD REPLY_FD``
(or :func:`serve`, forked from a warm supervisor).

It reads commands from one pipe and writes replies to another; the grader holds the other ends.
The grader sends one command at a time and waits for its reply, with a fresh random token in each
command that the reply must carry, so a reply can only answer the command the grader sent last:

* ``{"op": "start", "config": {...}}`` first: the kernel sets its resource limits (hard limits,
  which an unprivileged process cannot raise again), makes itself non-dumpable (so that a process
  it starts cannot ptrace it or open its memory), installs its audit hook, imports the modules the
  exercise needs and replies ``{"hello": true, "import_errors": {...}}``: a module that fails to
  import here is the course's problem, not the student's;
* ``{"op": "cell", "token": T, "source": ..., "kind": ...}``: run one cell in an IPython
  :class:`~IPython.core.interactiveshell.InteractiveShell` (magics, ``_``, display hooks), reply
  with its error and its printed output (kept up to a limit);
* ``{"op": "probe", "token": T, "calls": [...], ...}``: run the checks of one test cell on the
  student's objects (:mod:`actlab.grading.probe`); the cases, hidden ones included, reach the
  kernel only now. One reply per check, with the outputs as a binary payload, then a final reply;
* ``{"op": "exit"}``: exit.

A cell that overruns its time limit is interrupted with ``KeyboardInterrupt`` (a timer signal); the
grader keeps the real deadline and kills a kernel that ignores the interrupt. Nothing the kernel
says decides a grade: the grader judges the probe's outputs in its own process.
"""

from __future__ import annotations

import ctypes
import io
import json
import os
import resource
import signal
import sys
import threading
import time
from typing import Any

__all__ = ["Replies", "main", "serve"]

_PR_SET_DUMPABLE = 4


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


class Replies:
    """The kernel's side of the reply pipe: a JSON header line, then an optional binary payload
    of the size the header announces. Writes are whole messages, under a lock."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lock = threading.RLock()
        self.write = os.write

    def send(self, header: dict[str, Any], payload: bytes = b"") -> None:
        if payload:
            header = {**header, "size": len(payload)}
        data = json.dumps(header, ensure_ascii=True).encode() + b"\n" + payload
        with self.lock:
            view = memoryview(data)
            while view:
                try:
                    written = self.write(self.fd, view)
                except InterruptedError:
                    continue
                except OSError:
                    return
                view = view[written:]


def _set_limits(limits: dict[str, Any]) -> None:
    table = {
        "file_bytes": resource.RLIMIT_FSIZE,
        "cpu_seconds": resource.RLIMIT_CPU,
        "open_files": resource.RLIMIT_NOFILE,
        "processes": resource.RLIMIT_NPROC,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No POSIX message queues: they would outlive the kernel, out of the grader's sight.
    resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))
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
    return f"{type(err).__name__}: {err}"[:2000]


def _make_shell() -> Any:
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.xmode = "Plain"
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.automagic = True
    shell = InteractiveShell.instance(config=cfg)
    shell.compile.actlab_kind = "student"

    def code_name(raw_code: str, transformed_code: str, number: int) -> str:
        # "<cell student N>" for the student's cells (guard.STUDENT_CELL): the run-time checks
        # tell the student's calls from the library's and the grader's by this name
        return f"<cell {shell.compile.actlab_kind} {number}>"

    shell.compile.get_code_name = code_name
    return shell


def _on_alarm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt("cell time limit")


def _import_required(modules: list[str]) -> dict[str, str]:
    import importlib

    errors = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 -- reported to the grader as its own problem
            errors[name] = f"{type(exc).__name__}: {exc}"[:500]
    return errors


class _Kernel:
    def __init__(self, commands: Any, replies: Replies, config: dict[str, Any]) -> None:
        self.commands = commands
        self.replies = replies
        self.cell_timeout = float(config.get("cell_timeout", 0)) or None
        self.output_limit = int(config.get("output_limit", 20000))
        self.shell = _make_shell()

    def run_cell(self, command: dict[str, Any]) -> None:
        token = command.get("token")
        started = time.monotonic()
        out = _CappedText(self.output_limit)
        real_stdout, real_stderr = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        self.shell.compile.actlab_kind = "student" if command.get("kind") == "student" else "course"
        if self.cell_timeout:
            signal.setitimer(signal.ITIMER_REAL, self.cell_timeout)
        error: str | None
        try:
            result = self.shell.run_cell(str(command.get("source", "")), store_history=True)
            error = _error_text(result)
        except KeyboardInterrupt:
            error = "KeyboardInterrupt: cell time limit"
        except BaseException as exc:  # noqa: BLE001 -- e.g. SystemExit raised outside the cell
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_stdout, real_stderr
            self.shell.compile.actlab_kind = "student"
        self.replies.send(
            {
                "token": token,
                "error": error,
                "output": out.text(),
                "seconds": round(time.monotonic() - started, 4),
            }
        )

    def run_probe(self, command: dict[str, Any]) -> None:
        from actlab.grading.probe import run_calls

        token = command.get("token")
        out = _CappedText(self.output_limit)
        real_stdout, real_stderr = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = out
        if self.cell_timeout:
            signal.setitimer(signal.ITIMER_REAL, self.cell_timeout)
        error = None
        try:
            run_calls(command, self.shell.user_ns, self.replies)
        except KeyboardInterrupt:
            error = "KeyboardInterrupt: cell time limit"
        except BaseException as exc:  # noqa: BLE001 -- reported; the grader decides
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = real_stdout, real_stderr
        self.replies.send({"token": token, "done": True, "error": error, "output": out.text()})

    def loop(self) -> None:
        for line in self.commands:
            try:
                command = json.loads(line)
            except ValueError:
                continue
            if not isinstance(command, dict):
                continue
            op = command.get("op")
            if op == "cell":
                self.run_cell(command)
            elif op == "probe":
                self.run_probe(command)
            elif op == "exit":
                break
        sys.stdout.flush()
        os._exit(0)


def serve(command_fd: int, reply_fd: int) -> None:
    """Serve the grader's commands on ``command_fd``, replying on ``reply_fd``; never returns."""
    commands = os.fdopen(command_fd, "r", encoding="utf-8", errors="replace")
    replies = Replies(reply_fd)
    first = commands.readline()
    try:
        start = json.loads(first)
        config = start["config"] if start.get("op") == "start" else {}
    except (ValueError, KeyError, TypeError, AttributeError):
        config = {}
    if not isinstance(config, dict):
        config = {}
    _set_limits(config.get("limits", {}))
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    from actlab.grading.guard import install_audit_hook

    install_audit_hook(replies)
    errors = _import_required([m for m in config.get("required", []) if isinstance(m, str)])
    kernel = _Kernel(commands, replies, config)
    signal.signal(signal.SIGALRM, _on_alarm)
    replies.send({"hello": True, "import_errors": errors, "pid": os.getpid()})
    kernel.loop()


def main() -> None:
    """``python -m actlab.grading.kernel COMMAND_FD REPLY_FD``."""
    serve(int(sys.argv[1]), int(sys.argv[2]))


if __name__ == "__main__":
    main()
