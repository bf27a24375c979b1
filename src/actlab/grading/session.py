"""One grading sandbox as the grader sees it: start it, run a submission's cells, keep the limits.

A :class:`Sandbox` is a bubblewrap sandbox (:mod:`actlab.grading.sandbox`) whose first process is
the supervisor (:mod:`actlab.grading.supervisor`). :meth:`Sandbox.run` starts a kernel for one
submission and drives it one command at a time (:mod:`actlab.grading.kernel`):

* every command carries a fresh random token and the grader accepts only replies that carry it, so
  nothing the kernel wrote before a command can answer it;
* the grader keeps every deadline itself, from the moment it sent the command: a cell or a probe
  that has not replied within its time limit (plus a grace period for its own interrupt) ends the
  submission with ``timeout``, whatever the kernel writes meanwhile;
* between replies it checks the limits: disk (blocks and entries of the sandbox's writable
  directories), processes (the pids cgroup's refusals, or the tree's tasks), memory (the memory
  cgroup's OOM kills, or the tree's memory); a submission past one is stopped with ``crashed``;
* a kernel that ends before its last reply has crashed, and says so.

A warm sandbox serves submission after submission (its supervisor has imported the exercise's
modules); between two, every process but the supervisor is killed and the writable directories
are emptied. After a timeout, a broken limit or a lost supervisor the whole sandbox is discarded.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actlab.grading.sandbox import (
    SANDBOX_HOME,
    JobCgroup,
    Limits,
    ProcessTree,
    bwrap_command,
    empty_scratch,
    remove_tree,
    scratch_usage,
)

__all__ = ["KernelRun", "ProbeReply", "Sandbox", "SandboxFailed"]

_HEADER_LIMIT = 2**20
_WATCH_INTERVAL = 0.2


class SandboxFailed(RuntimeError):
    """The sandbox itself failed (it did not start, or the course's imports failed in it): an
    infrastructure problem, never the student's."""


@dataclass
class ProbeReply:
    """The kernel's reply for one check of a probe."""

    ok: bool
    error: str = ""
    payload: bytes = b""
    violations: list[str] = field(default_factory=list)
    conflict: bool = False


@dataclass
class KernelRun:
    """What happened to one submission's kernel."""

    status: str  # graded / timeout / crashed / error
    message: str
    reached: set[int] = field(default_factory=set)  # cells that replied
    cell_errors: dict[int, str] = field(default_factory=dict)
    cell_outputs: dict[int, str] = field(default_factory=dict)
    probes: dict[int, dict[int, ProbeReply]] = field(default_factory=dict)
    audits: list[str] = field(default_factory=list)


class _OutputSink(threading.Thread):
    """Drains a pipe, keeping the first ``limit`` bytes."""

    def __init__(self, fh: Any, limit: int) -> None:
        super().__init__(daemon=True)
        self.fh, self.limit = fh, limit
        self.kept = bytearray()

    def run(self) -> None:
        while True:
            try:
                chunk = self.fh.read1(65536)
            except (OSError, ValueError):
                break
            if not chunk:
                break
            room = self.limit - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]

    def last_line(self) -> str:
        lines = self.kept.decode("utf-8", "backslashreplace").strip().splitlines()
        return lines[-1] if lines else ""


class _Replies:
    """The grader's side of the reply pipe: parses headers and payloads, within limits."""

    def __init__(self, fd: int, payload_limit: int) -> None:
        self.fd = fd
        self.payload_limit = payload_limit
        self.buffer = bytearray()
        self.header: dict[str, Any] | None = None
        self.eof = False
        self.garbage = ""
        self.total = 0

    def read(self) -> list[tuple[dict[str, Any], bytes]]:
        """Whatever complete messages can be read now."""
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            chunk = None
        except OSError:
            chunk = b""
        if chunk == b"":
            self.eof = True
        elif chunk:
            self.buffer += chunk
            self.total += len(chunk)
            if self.total > 4 * self.payload_limit:
                self.garbage = (
                    f"the kernel sent more than {4 * self.payload_limit // 2**20} MiB of replies"
                )
        messages = []
        while not self.garbage:
            if self.header is None:
                end = self.buffer.find(b"\n")
                if end < 0:
                    if len(self.buffer) > _HEADER_LIMIT:
                        self.garbage = "the kernel sent a reply header longer than 1 MiB"
                    break
                try:
                    header = json.loads(bytes(self.buffer[:end]))
                except ValueError:
                    header = None
                del self.buffer[: end + 1]
                if not isinstance(header, dict):
                    continue
                size = header.get("size", 0)
                if not isinstance(size, int) or size < 0 or size > self.payload_limit:
                    self.garbage = (
                        f"the kernel sent a result larger than {self.payload_limit // 2**20} MiB"
                    )
                    break
                self.header = header
            size = int(self.header.get("size", 0))
            if len(self.buffer) < size:
                break
            payload = bytes(self.buffer[:size])
            del self.buffer[:size]
            messages.append((self.header, payload))
            self.header = None
        return messages


def _env() -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{SANDBOX_HOME}/.config/matplotlib",
        "IPYTHONDIR": f"{SANDBOX_HOME}/.ipython",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TERM": "dumb",
    }
    # Some processors need these for OpenBLAS to pick a working kernel; CPU capability pins keep
    # torch's kernels the same as the grader's.
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "ATEN_CPU_CAPABILITY"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


class Sandbox:
    """A grading sandbox with its supervisor; see the module docstring.

    Args:
        limits: the resource limits of one submission.
        poison: ``(files, empty_file)``: the poison modules to bind over forbidden ones.
        preload: modules a warm supervisor imports once (``None``: a fresh supervisor, whose
            kernels are new interpreters).
        required: the modules that must import (a warm supervisor reports those that fail, and
            the sandbox fails with :class:`SandboxFailed`).
        setup_cells: the exercise's locked set-up cells, which a warm supervisor runs once in a
            throwaway child to learn what else they import.
    """

    READY_TIMEOUT = 180.0

    def __init__(
        self,
        limits: Limits,
        poison: tuple[dict[Path, Path], Path] | None,
        preload: list[str] | None,
        setup_cells: list[str] | None = None,
        confined: bool = True,
        required: list[str] | None = None,
    ) -> None:
        self.limits = limits
        self.confined = confined
        self.alive = False
        self.root = Path(tempfile.mkdtemp(prefix=f"actlab-sandbox-{os.getpid()}-"))
        self.home, self.tmp, self.shm = (self.root / d for d in ("home", "tmp", "shm"))
        for d in (self.home, self.tmp, self.shm):
            d.mkdir()
        self.cgroup: JobCgroup | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.sink: _OutputSink | None = None
        self.buffer = b""
        self.ipc = 0
        try:
            self._start(poison, preload, setup_cells or [], required or [])
        except BaseException:
            self.close()
            raise

    def _start(
        self,
        poison: tuple[dict[Path, Path], Path] | None,
        preload: list[str] | None,
        setup_cells: list[str],
        required: list[str],
    ) -> None:
        limits = self.limits
        argv = [sys.executable, "-I", "-B", "-m", "actlab.grading.supervisor"]
        env = _env()
        if not self.confined:
            # --no-sandbox: a plain subprocess with the grader's own permissions
            cmd = argv
            home = str(self.home)
            env.update(HOME=home, MPLCONFIGDIR=f"{home}/.config/matplotlib",
                       IPYTHONDIR=f"{home}/.ipython")  # fmt: skip
        else:
            cmd = bwrap_command(
                self.home,
                argv,
                poison[0] if poison else None,
                poison[1] if poison else None,
                rw_binds={"/tmp": self.tmp, "/dev/shm": self.shm},
            )
        if self.confined and JobCgroup.available():
            self.cgroup = JobCgroup(limits.processes + 8, limits.cpus)
            cmd = self.cgroup.wrap(cmd)
        ours, theirs = socket.socketpair()
        self.sock = ours
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=theirs,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=None if self.confined else self.home,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self.tree = ProcessTree(self.proc.pid)
        self.sink = _OutputSink(self.proc.stdout, limits.kept_output_bytes)
        self.sink.start()
        config = {
            "required": required,
            "preload": preload or [],
            "setup_cells": setup_cells,
            "fresh": preload is None,
        }
        self._send({"config": config})
        deadline = time.monotonic() + self.READY_TIMEOUT
        while True:
            message = self._message(deadline)
            if message is None:
                why = self.sink.last_line() if self.sink else ""
                raise SandboxFailed(
                    "the grading sandbox did not start" + (f" ({why})" if why else "")
                )
            if message.get("ready"):
                break
        errors = message.get("import_errors") or {}
        if errors:
            raise SandboxFailed(_import_failure(errors))
        self.alive = True
        self.base_pids = set(self._pids())
        if self.cgroup is not None and self.cgroup.memory_dir is not None:
            # the supervisor's own imports are the course's, not the submission's
            self.cgroup.set_memory_limit(self.cgroup.memory_usage() + limits.memory_bytes)

    # --- the supervisor's socket

    def _send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        assert self.sock is not None
        data = json.dumps(message).encode() + b"\n"
        if fds:
            socket.send_fds(self.sock, [data], fds)
        else:
            self.sock.sendall(data)

    def _message(self, deadline: float) -> dict[str, Any] | None:
        """The supervisor's next message; ``None`` at EOF or once ``deadline`` passes."""
        assert self.sock is not None
        while b"\n" not in self.buffer:
            wait = deadline - time.monotonic()
            ready, _, _ = select.select([self.sock], [], [], max(0.0, min(wait, 0.05)))
            if ready:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None
                self.buffer += chunk
            elif wait <= 0:
                return None
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            return {}
        return message if isinstance(message, dict) else {}

    def _poll_supervisor(self) -> dict[str, Any] | None:
        """Handle what the supervisor said since the last call; its ``exit`` message, if any."""
        while True:
            message = self._message(time.monotonic())
            if message is None:
                return None
            if "ipc" in message:
                try:
                    self.ipc = int(message["ipc"])
                except (TypeError, ValueError):
                    pass
            if "exit" in message:
                return message

    # --- processes and limits

    def _pids(self) -> list[int]:
        if self.cgroup is not None:
            return self.cgroup.pids()
        return self.tree.pids()

    def _over_limit(self, base_events: int, base_ooms: int) -> str | None:
        limits = self.limits
        used, entries = scratch_usage(
            [self.home, self.tmp, self.shm], limits.disk_bytes, limits.disk_entries
        )
        if used > limits.disk_bytes:
            return f"the notebook wrote more than {limits.disk_bytes // 2**20} MiB to disk"
        if entries > limits.disk_entries:
            return f"the notebook made more than {limits.disk_entries} files and directories"
        pids = [p for p in self._pids() if p not in self.base_pids]
        if self.cgroup is not None:
            if self.cgroup.limit_events() > base_events:
                return (
                    f"the notebook tried to run more than {limits.processes} processes or "
                    "threads at once"
                )
        elif ProcessTree.tasks(pids) >= limits.processes:
            return (
                f"the notebook tried to run more than {limits.processes} processes or threads "
                "at once"
            )
        if self.cgroup is not None and self.cgroup.memory_dir is not None:
            if self.cgroup.oom_kills() > base_ooms:
                return _memory_message(limits)
        elif ProcessTree.memory(pids) + self.ipc > limits.memory_bytes:
            return _memory_message(limits)
        return None

    def kill_strays(self) -> None:
        """Kill every process of the sandbox but bwrap and the supervisor."""
        for _ in range(200):
            strays = [p for p in self._pids() if p not in self.base_pids]
            if not strays:
                return
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.005)
        self.terminate()

    def reset(self) -> None:
        """Empty the home, /tmp and /dev/shm of the sandbox."""
        if not self.confined:
            empty_scratch(self.home, str(self.home))
            return
        for d, inside in ((self.home, SANDBOX_HOME), (self.tmp, "/tmp"), (self.shm, "/dev/shm")):
            empty_scratch(d, inside)

    # --- one submission

    def run(self, cells: list[dict[str, Any]], config: dict[str, Any], timing: Any) -> KernelRun:
        """Run ``cells`` (see :func:`actlab.grading.grader.build_cells`) in a new kernel.

        Args:
            config: the kernel's start configuration (limits, required modules, cell timeout).
            timing: an object with ``timeout``, ``cell_timeout`` and ``grace`` (seconds).
        """
        self.reset()
        run = KernelRun("graded", "")
        cmd_r, cmd_w = os.pipe()
        rep_r, rep_w = os.pipe()
        try:
            self._send({"run": True}, [cmd_r, rep_w])
        except OSError:
            for fd in (cmd_r, cmd_w, rep_r, rep_w):
                os.close(fd)
            self.terminate()
            raise SandboxFailed("the grading sandbox stopped answering") from None
        os.close(cmd_r)
        os.close(rep_w)
        os.set_blocking(cmd_w, False)
        os.set_blocking(rep_r, False)
        try:
            return _Driver(self, cmd_w, rep_r, cells, config, timing, run).drive()
        finally:
            os.close(cmd_w)
            os.close(rep_r)
            if self.alive:
                self.kill_strays()

    def close(self) -> None:
        """Stop the sandbox and delete its files."""
        self.terminate()
        remove_tree(self.root)

    def terminate(self) -> None:
        """Kill every process of the sandbox; the slot is not used again."""
        self.alive = False
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.cgroup is not None:
            self.cgroup.remove()
        elif proc is not None:
            for pid in self.tree.pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if proc is not None:
            proc.wait()
            if proc.stdout is not None:
                try:
                    proc.stdout.close()
                except OSError:
                    pass
        if self.sink is not None:
            self.sink.join(timeout=5)
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _memory_message(limits: Limits) -> str:
    return f"the notebook used more than {limits.memory_bytes // 2**20} MiB of memory"


def _import_failure(errors: dict[str, str]) -> str:
    name, why = next(iter(sorted(errors.items())))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"the course's own modules do not import in the sandbox: {name}: {why}{more}"


class _Driver:
    """Drives one kernel through a submission's cells (one :meth:`Sandbox.run`)."""

    def __init__(
        self,
        box: Sandbox,
        cmd_w: int,
        rep_r: int,
        cells: list[dict[str, Any]],
        config: dict[str, Any],
        timing: Any,
        run: KernelRun,
    ) -> None:
        self.box = box
        self.cmd_w = cmd_w
        self.replies = _Replies(rep_r, box.limits.reply_bytes)
        self.cells = cells
        self.config = config
        self.timing = timing
        self.run = run
        self.outgoing = b""
        self.exit: dict[str, Any] | None = None
        self.started = time.monotonic()
        self.deadline = self.started + timing.timeout
        self.base_events = box.cgroup.limit_events() if box.cgroup is not None else 0
        self.base_ooms = box.cgroup.oom_kills() if box.cgroup is not None else 0
        self.last_watch = 0.0

    def _queue(self, command: dict[str, Any]) -> None:
        self.outgoing += json.dumps(command).encode() + b"\n"

    def _flush(self) -> None:
        while self.outgoing:
            try:
                written = os.write(self.cmd_w, self.outgoing)
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno == errno.EPIPE:
                    self.outgoing = b""
                return
            self.outgoing = self.outgoing[written:]

    def _end(self, status: str, message: str, keep: bool = False) -> KernelRun:
        """End the run; the sandbox is discarded unless ``keep`` (a kernel that merely exited or
        died while its supervisor lived on, and broke no limit: its strays are killed as after
        any submission)."""
        self.run.status, self.run.message = status, message
        if not keep:
            self.box.terminate()
        return self.run

    def _kernel_gone(self) -> bool:
        """Whether the kernel ended on its own, its supervisor still there to say how."""
        box = self.box
        oom = box.cgroup is not None and box.cgroup.oom_kills() > self.base_ooms
        return self.exit is not None and not oom

    def _crash_message(self, where: str) -> str:
        box = self.box
        if box.cgroup is not None and box.cgroup.oom_kills() > self.base_ooms:
            return _memory_message(box.limits)
        code = self.exit.get("exit") if self.exit else None
        if isinstance(code, int) and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        elif isinstance(code, int):
            how = f"exited early (exit code {code})"
        else:
            how = "stopped: its sandbox ended unexpectedly"
            why = box.sink.last_line() if box.sink else ""
            if "bwrap" in why:
                how += f" ({why})"
        return f"the kernel {how} {where}"

    def _wait(self, token: str | None, deadline: float, on_message: Any) -> str | None:
        """Pump replies until ``on_message`` returns True for one carrying ``token`` (or the hello,
        when ``token`` is None). Returns ``None`` on success, else why it stopped:
        ``"deadline"``, ``"notebook"``, ``"ended"`` or ``"limit:<message>"``."""
        box = self.box
        while True:
            self._flush()
            now = time.monotonic()
            if now - self.last_watch >= _WATCH_INTERVAL:
                self.last_watch = now
                if self.exit is None:
                    self.exit = box._poll_supervisor()
                over = box._over_limit(self.base_events, self.base_ooms)
                if over is not None:
                    return f"limit:{over}"
            if now > self.deadline:
                return "notebook"
            if now > deadline:
                return "deadline"
            wait = min(deadline, self.deadline) - now
            ready, _, _ = select.select([self.replies.fd], [], [], max(0.0, min(wait, 0.05)))
            if ready:
                for header, payload in self.replies.read():
                    if "audit" in header:
                        detail = str(header.get("detail", ""))
                        if len(self.run.audits) < 100:
                            self.run.audits.append(f"{header['audit']} {detail}".strip()[:300])
                        continue
                    if header.get("token") == token and on_message(header, payload):
                        return None
                if self.replies.garbage:
                    return f"limit:{self.replies.garbage}"
                if self.replies.eof:
                    # the kernel is gone; let the supervisor say how it ended
                    end = time.monotonic() + 2.0
                    while self.exit is None and time.monotonic() < end:
                        self.exit = box._poll_supervisor()
                        time.sleep(0.01)
                    return "ended"

    def _on_reply(
        self, index: int, probes: dict[int, ProbeReply], header: dict[str, Any], payload: bytes
    ) -> bool:
        """Take one reply to the current command; True once the command is answered."""
        run = self.run
        if "k" in header:
            k = header["k"]
            if not isinstance(k, int):
                return False
            reply = ProbeReply(
                ok=bool(header.get("ok")),
                error=str(header.get("error") or "")[:2000],
                payload=payload if header.get("ok") else b"",
                violations=[str(v)[:300] for v in header.get("violations") or []][:20],
            )
            if k in probes:
                probes[k].conflict = True
            else:
                probes[k] = reply
            return False
        if "error" not in header and "done" not in header:
            return False
        if header.get("error"):
            run.cell_errors[index] = str(header["error"])[:2000]
        if header.get("output"):
            limit = self.box.limits.cell_output_chars + 100
            run.cell_outputs[index] = str(header["output"])[:limit]
        return True

    def drive(self) -> KernelRun:
        timing, run = self.timing, self.run
        self._queue({"op": "start", "config": self.config})
        hello: dict[str, Any] = {}

        def got_hello(header: dict[str, Any], _payload: bytes) -> bool:
            if header.get("hello"):
                hello.update(header)
                return True
            return False

        why = self._wait(None, time.monotonic() + Sandbox.READY_TIMEOUT, got_hello)
        if why is not None:
            if why.startswith("limit:"):
                return self._end("crashed", why[6:])
            self.box.terminate()
            raise SandboxFailed(
                "the grading kernel did not start: " + self._crash_message("before its first cell")
            )
        errors = hello.get("import_errors") or {}
        if errors:
            self.box.terminate()
            raise SandboxFailed(_import_failure(errors))
        # The notebook's time starts once the kernel is ready: its imports are the course's.
        self.started = time.monotonic()
        self.deadline = self.started + timing.timeout
        for cell in self.cells:
            index = cell["index"]
            token = secrets.token_hex(16)
            label = cell.get("label", f"cell {index}")
            if cell["kind"] == "probe":
                command = {"op": "probe", "token": token, **cell["probe"]}
            else:
                command = {
                    "op": "cell",
                    "token": token,
                    "source": cell["source"],
                    "kind": cell["kind"],
                }
            self._queue(command)
            probes: dict[int, ProbeReply] = {}

            deadline = time.monotonic() + timing.cell_timeout + timing.grace
            why = self._wait(token, deadline, functools.partial(self._on_reply, index, probes))
            if cell["kind"] == "probe":
                run.probes[index] = probes
            if why is None:
                run.reached.add(index)
                continue
            if why.startswith("limit:"):
                return self._end("crashed", why[6:])
            if why == "notebook":
                return self._end("timeout", f"the notebook ran past its {timing.timeout:g} s limit")
            if why == "deadline":
                return self._end(
                    "timeout",
                    f"{label} ran past its {timing.cell_timeout:g} s limit and did not stop when "
                    "interrupted",
                )
            return self._end(
                "crashed", self._crash_message(f"during {label}"), keep=self._kernel_gone()
            )
        # The limits once more at the end: a last cell may fill the disk (page cache takes 960 MiB
        # in well under the watch's 0.2 s) and reply before the next look
        over = self.box._over_limit(self.base_events, self.base_ooms)
        if over is not None:
            return self._end("crashed", over)
        self._queue({"op": "exit"})
        self._flush()
        end = time.monotonic() + 10.0
        while self.exit is None and time.monotonic() < end:
            self.exit = self.box._poll_supervisor()
            if self.exit is None:
                time.sleep(0.01)
        code = self.exit.get("exit") if self.exit else None
        if code != 0:
            return self._end("crashed", self._crash_message("at the end"), keep=self._kernel_gone())
        return run
