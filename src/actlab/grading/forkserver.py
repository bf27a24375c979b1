"""A warm kernel factory inside the sandbox.

Started as ``python -m actlab.grading.forkserver MODULES_JSON [SETUP_CELLS_JSON_FILE]``.

Importing torch costs seconds of CPU, and every graded kernel needs the same imports. The grader
therefore starts, per worker, one sandbox whose process (this module) imports those modules once,
then forks a fresh kernel for each submission. Each forked kernel is a new process with its own
memory; it runs :func:`actlab.grading.kernel.run_job` exactly as a freshly started interpreter would,
in a working directory, ``/tmp`` and ``/dev/shm`` that the grader empties before every submission.

The isolation between two submissions that share a sandbox rests on:

* the grader kills every process of a submission (found through the sandbox's pids cgroup) before
  the next one starts, and replaces the whole sandbox after a timeout or a fork bomb;
* this process is not dumpable (``PR_SET_DUMPABLE`` 0), so a kernel, though it runs as the same
  user, can neither ptrace it nor open its memory or file descriptors through ``/proc``;
* the kernel closes this process's command pipes before any student code runs, so it cannot talk
  to the grader; it could only kill this process, which ends its own grading (status ``crashed``).

What it imports: the modules the grader names (those the source notebook imports, numpy, IPython,
the exercise's checks), then every module that the exercise's locked set-up cells import when run
once in a throwaway child (:func:`_rehearse`).

Protocol, one JSON object per line: the grader writes ``{"run": DIR}``; this process answers
``{"ready": true}`` once after its imports, then ``{"started": PID}`` and ``{"exit": CODE}`` per run
(``CODE`` is negative for a signal).
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import random
import signal
import sys

__all__ = ["main"]

_PR_SET_DUMPABLE = 4


def _preload(modules: list[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 -- a kernel that needs the module will say why
            continue


class _OutOfTime(BaseException):
    pass


def _out_of_time(signum: int, frame: object) -> None:
    raise _OutOfTime


def _rehearse(path: str) -> list[str]:
    """Run the exercise's locked set-up cells once in a throwaway child, and return the modules
    they imported (in import order). The child's state is discarded; only the module names come
    back, so that this process can import them too. Libraries import a lot lazily (torch's
    ``use_deterministic_algorithms`` pulls in hundreds of modules on first call)."""
    try:
        with open(path, encoding="utf-8") as fh:
            cells = json.load(fh)
    except (OSError, ValueError):
        return []
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        signal.signal(signal.SIGALRM, _out_of_time)
        signal.alarm(60)
        namespace: dict[str, object] = {"__name__": "__rehearsal__"}
        try:
            for source in cells:
                try:
                    exec(compile(source, "<set-up cell>", "exec"), namespace)  # noqa: S102
                except Exception:  # noqa: BLE001, S112 -- e.g. a magic; keep what was imported
                    continue
        except _OutOfTime:
            pass
        finally:
            with os.fdopen(write_fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(list(sys.modules)))
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, encoding="utf-8") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    try:
        names = json.loads(data)
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str) and n not in sys.modules]


def _child(workdir: str, command_fds: tuple[int, int]) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    for fd in command_fds:
        if fd > 2:
            os.close(fd)
    os.setsid()
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # as a freshly started process
    os.chdir(workdir)
    # Fresh random state, as a newly started interpreter would have.
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        sys.modules["torch"].seed()
    from actlab.grading.kernel import run_job

    fd = os.open("progress.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    run_job(fd)


def main() -> None:
    modules = json.loads(sys.argv[1]) if len(sys.argv) > 1 else []
    _preload(["numpy", "IPython.core.interactiveshell", "traitlets.config", *modules])
    if len(sys.argv) > 2:
        _preload(_rehearse(sys.argv[2]))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise SystemExit("forkserver: cannot make the process non-dumpable")
    commands = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    replies.write(json.dumps({"ready": True}) + "\n")
    for line in commands:
        try:
            workdir = json.loads(line)["run"]
        except (ValueError, KeyError, TypeError):
            continue
        pid = os.fork()
        if pid == 0:
            try:
                _child(workdir, (commands.fileno(), replies.fileno()))
            finally:
                os._exit(70)
        replies.write(json.dumps({"started": pid}) + "\n")
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        replies.write(json.dumps({"exit": code}) + "\n")


if __name__ == "__main__":
    main()
