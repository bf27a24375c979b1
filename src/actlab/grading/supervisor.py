"""The first process inside a grading sandbox: ``python -m actlab.grading.supervisor``.

It talks to the grader over a Unix socket on its standard input, and starts one kernel
(:mod:`actlab.grading.kernel`) per submission:

* a *warm* supervisor first imports the modules an exercise needs (torch costs seconds), then
  forks each kernel from itself, so that no submission pays for those imports again;
* a *fresh* supervisor imports nothing and starts each kernel as a new interpreter.

Per submission the grader sends two pipe ends with the request (``SCM_RIGHTS``): the kernel reads
its commands from one and writes its replies to the other, so the grader and the kernel talk
directly; the supervisor only starts the kernel, watches it and cleans up after it.

What keeps two submissions of one warm sandbox apart:

* the grader kills every process of a submission before the next one starts (through the sandbox's
  pids cgroup or its process tree), empties the home, ``/tmp`` and ``/dev/shm``, and replaces the
  whole sandbox after a timeout or a broken limit;
* after each kernel this process removes every SysV shared-memory segment, semaphore set and
  message queue of the sandbox's IPC namespace (the kernel may not create POSIX message queues);
* this process is not dumpable (``PR_SET_DUMPABLE`` 0), so a kernel, though it runs as the same
  user, can neither ptrace it nor open its memory or file descriptors through ``/proc``;
* a kernel closes the supervisor's socket before any student code runs.

Protocol, one JSON object per line. Grader: ``{"config": {"required": [...], "preload": [...],
"setup_cells": [...], "fresh": bool}}`` once (an import of a *required* module that fails is
reported: the course's modules must import), then ``{"run": true}`` with two file descriptors per submission.
Supervisor: ``{"ready": true, "import_errors": {...}}`` once; then per run ``{"started": PID}``,
``{"ipc": BYTES}`` while the kernel runs (SysV IPC memory, which no process's set size shows) and
``{"exit": CODE}`` (negative for a signal).
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import random
import select
import signal
import socket
import sys

__all__ = ["main"]

_PR_SET_DUMPABLE = 4
_IPC_RMID = 0


def _preload(modules: list[str]) -> dict[str, str]:
    """Import ``modules``; returns ``{name: error}`` for those that failed."""
    errors: dict[str, str] = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 -- reported to the grader, never fatal here
            errors[name] = f"{type(exc).__name__}: {exc}"[:500]
    return errors


class _OutOfTime(BaseException):
    pass


def _out_of_time(signum: int, frame: object) -> None:
    raise _OutOfTime


def _rehearse(cells: list[str]) -> list[str]:
    """Run the exercise's locked set-up cells once in a throwaway child, and return the modules
    they imported (in import order). The child's state is discarded; only the module names come
    back, so that this process can import them too. Libraries import a lot lazily (torch's
    ``use_deterministic_algorithms`` pulls in hundreds of modules on first call)."""
    if not cells:
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


def _sysv(kind: str) -> list[dict[str, str]]:
    try:
        with open(f"/proc/sysvipc/{kind}", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    if not lines:
        return []
    header = lines[0].split()
    return [dict(zip(header, ln.split(), strict=False)) for ln in lines[1:]]


def ipc_bytes() -> int:
    """Memory held by the SysV shared-memory segments and message queues of this IPC namespace."""
    total = 0
    for seg in _sysv("shm"):
        try:
            total += int(seg.get("rss", seg.get("size", 0))) + int(seg.get("swap", 0))
        except ValueError:
            continue
    for queue in _sysv("msg"):
        try:
            total += int(queue.get("cbytes", 0))
        except ValueError:
            continue
    return total


def remove_ipc() -> None:
    """Remove every SysV IPC object of this namespace (all were made by the sandbox's user)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, ctl, key in (("shm", "shmctl", "shmid"), ("sem", "semctl", "semid"),
                           ("msg", "msgctl", "msqid")):  # fmt: skip
        for entry in _sysv(kind):
            try:
                ident = int(entry[key])
            except (KeyError, ValueError):
                continue
            if kind == "sem":
                libc.semctl(ident, 0, _IPC_RMID)
            else:
                getattr(libc, ctl)(ident, _IPC_RMID, None)


def _child(fds: list[int], keep_open: tuple[int, ...], fresh: bool) -> None:
    """The kernel's side of the fork: detach from this process, then run (or exec) the kernel."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    for fd in keep_open:
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass
    os.setsid()
    command_fd, reply_fd = fds
    if fresh:
        os.set_inheritable(command_fd, True)
        os.set_inheritable(reply_fd, True)
        os.execv(
            sys.executable,
            [sys.executable, "-I", "-B", "-m", "actlab.grading.kernel", str(command_fd),
             str(reply_fd)],
        )  # fmt: skip
    # Fresh random state, as a newly started interpreter would have.
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "torch" in sys.modules:
        sys.modules["torch"].seed()
    from actlab.grading.kernel import serve

    serve(command_fd, reply_fd)


class _Channel:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def send(self, **message: object) -> None:
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def receive(self) -> tuple[dict[str, object] | None, list[int]]:
        """The next message and the file descriptors that came with it; ``None`` at EOF."""
        fds: list[int] = []
        while b"\n" not in self.buffer:
            data, got, _flags, _addr = socket.recv_fds(self.sock, 65536, 4)
            fds += got
            if not data:
                return None, fds
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return {}, fds
        return (message if isinstance(message, dict) else {}), fds


def _wait(pid: int, channel: _Channel) -> int:
    """Wait for the kernel ``pid`` to end, reporting SysV IPC memory meanwhile; its exit code."""
    last = -1
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        held = ipc_bytes()
        if held != last:
            channel.send(ipc=held)
            last = held
        select.select([], [], [], 0.2)


def main() -> None:
    sock = socket.socket(fileno=os.dup(0))
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    channel = _Channel(sock)
    first, _ = channel.receive()
    config = first.get("config", {}) if first else {}
    if not isinstance(config, dict):
        config = {}
    fresh = bool(config.get("fresh", False))
    errors = {}
    if not fresh:
        required = [m for m in config.get("required", []) if isinstance(m, str)]
        modules = [m for m in config.get("preload", []) if isinstance(m, str)]
        errors = _preload(required)
        _preload(["traitlets.config", *modules])
        setup = [c for c in config.get("setup_cells", []) if isinstance(c, str)]
        _preload(_rehearse(setup))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise SystemExit("supervisor: cannot make the process non-dumpable")
    channel.send(ready=True, import_errors=errors)
    while True:
        message, fds = channel.receive()
        if message is None:
            return
        if not message.get("run") or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            continue
        pid = os.fork()
        if pid == 0:
            try:
                _child(fds, (sock.fileno(), devnull), fresh)
            finally:
                os._exit(70)
        for fd in fds:
            os.close(fd)
        channel.send(started=pid)
        code = _wait(pid, channel)
        remove_ipc()
        channel.send(exit=code)


if __name__ == "__main__":
    main()
