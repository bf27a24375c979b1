"""Grading one submission: build the cells to run, run them in a sandbox, judge the outputs.

The steps, for a submission of exercise ``NAME`` (see ``docs/grading.md`` for the guarantees):

1. The instructor's source notebook gives the :class:`~actlab.grading.plan.ExercisePlan` (parsed,
   never executed).
2. :func:`build_cells` takes the submission's solution cells and its own extra cells, the source's
   locked cells, and a probe cell in place of every test cell (re-added where the student deleted
   it; a student's edits to a test cell are ignored).
3. :func:`run_kernel` runs those cells in a fresh interpreter inside the sandbox
   (:mod:`actlab.grading.sandbox`), enforcing the per-cell and per-notebook time limits from
   outside. The probes write plain arrays into the work directory.
4. :func:`judge_outputs`, in this process, loads each output without pickle and calls the check's
   ``judge``. A test cell earns its points iff every check in it passes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import queue
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from actlab.grading.notebook import (
    InvalidNotebook,
    cell_source,
    exercise_metadata,
    grade_id,
    is_locked,
    is_solution,
    is_test,
    loads_notebook,
)
from actlab.grading.plan import ExercisePlan
from actlab.grading.probe import probe_cell_source
from actlab.grading.sandbox import (
    SANDBOX_HOME,
    JobCgroup,
    Limits,
    SandboxUnavailable,
    bwrap_command,
    empty_scratch,
    module_file,
    poison_source,
    sandbox_status,
)

__all__ = [
    "GradeResult",
    "Grader",
    "KernelRun",
    "Settings",
    "TestResult",
    "build_cells",
    "judge_outputs",
    "load_outputs",
]

STATUSES = ("graded", "timeout", "crashed", "invalid")
_OUTPUT_FILE_LIMIT = 64 * 2**20
_PLAIN_KINDS = frozenset("biufU")


@dataclass(frozen=True)
class Settings:
    """How to run submissions.

    Args:
        timeout: wall-clock seconds for the whole notebook.
        cell_timeout: wall-clock seconds for one cell; a cell that overruns is interrupted, and
            killed with the whole kernel if it ignores the interrupt.
        sandbox: run in bubblewrap (the default). ``False`` runs the kernel as a plain subprocess:
            the student's code can then read and write anything this user can. Unsafe.
        limits: resource limits (memory, processes, file size, disk, kept output).
        grace: seconds a cell gets after its interrupt before the kernel is killed.
        preload: fork each kernel from a warm sandbox that has already imported the modules the
            exercise uses (see :class:`_Slot`); ``False`` starts a fresh interpreter per
            submission. Only with the sandbox.
    """

    timeout: float = 600.0
    cell_timeout: float = 60.0
    sandbox: bool = True
    limits: Limits = field(default_factory=Limits)
    grace: float = 2.0
    preload: bool = True


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str
    description: str = ""


@dataclass
class GradeResult:
    """The grade of one submission, as written to the CSV and the feedback file."""

    submission: str
    exercise: str
    status: str
    points: float
    max_points: float
    tests: list[TestResult]
    message: str = ""
    cell_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "exercise": self.exercise,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
            "cell_errors": self.cell_errors,
            "seconds": round(self.seconds, 3),
            "tests": [vars(t) for t in self.tests],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradeResult:
        tests = [TestResult(**t) for t in data["tests"]]
        fields = {k: v for k, v in data.items() if k != "tests"}
        return cls(tests=tests, **fields)


@dataclass
class KernelRun:
    """What happened to the kernel: how it ended, and the events it reported."""

    status: str  # graded / timeout / crashed
    message: str
    reached: set[int]  # cell indices whose "end" was reported
    cell_errors: dict[int, str]
    output: str
    cell_outputs: dict[int, str] = field(default_factory=dict)
    cell_seconds: dict[int, float] = field(default_factory=dict)  # as reported by the kernel


# --- step 2: the cells to run -------------------------------------------------------------------


def build_cells(plan: ExercisePlan, submission: dict[str, Any]) -> list[dict[str, Any]]:
    """The code cells to run for ``submission``, in order: ``{index, label, source, grade_id, kind}``.

    * a cell whose grade_id is a test cell of the source becomes that test's probe cell;
    * a cell whose grade_id is a locked non-solution cell of the source runs the source's text;
    * solution cells, and cells without a known grade_id, run as the student wrote them;
    * test and locked cells missing from the submission are re-added after the nearest preceding
      source cell that is present; a grade_id seen twice keeps only its first cell's role.
    """
    source_cells = plan.notebook["cells"]
    by_id: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, cell in enumerate(source_cells):
        gid = grade_id(cell)
        if gid is not None:
            by_id[gid] = (index, cell)

    def trusted(gid: str, src_index: int, cell: dict[str, Any]) -> dict[str, Any] | None:
        if is_test(cell):
            return {"source": probe_cell_source(gid), "grade_id": gid, "kind": "probe"}
        if cell.get("cell_type") == "code" and is_locked(cell) and not is_solution(cell):
            return {"source": cell_source(cell), "grade_id": gid, "kind": "locked"}
        return None

    entries: list[tuple[int | None, dict[str, Any]]] = []  # (source index, cell)
    seen: set[str] = set()
    number = 0
    for cell in submission["cells"]:
        if cell.get("cell_type") != "code":
            continue
        number += 1
        gid = grade_id(cell)
        if gid is not None and gid in by_id and gid not in seen:
            seen.add(gid)
            src_index, src_cell = by_id[gid]
            if src_cell.get("cell_type") != "code":
                continue
            entry = trusted(gid, src_index, src_cell)
            if entry is None:
                entry = {"source": cell_source(cell), "grade_id": gid, "kind": "student"}
            entries.append((src_index, entry))
        else:
            entry = {"source": cell_source(cell), "grade_id": None, "kind": "student"}
            entry["label"] = f"code cell {number}"
            entries.append((None, entry))
    for gid, (src_index, src_cell) in sorted(by_id.items(), key=lambda kv: kv[1][0]):
        if gid in seen or src_cell.get("cell_type") != "code":
            continue
        entry = trusted(gid, src_index, src_cell)
        if entry is None:
            continue
        pos = 0
        for i, (idx, _) in enumerate(entries):
            if idx is not None and idx < src_index:
                pos = i + 1
        entries.insert(pos, (src_index, entry))
    cells = []
    for index, (_, entry) in enumerate(entries):
        label = entry.pop("label", None) or f"cell {entry['grade_id']!r}"
        cells.append({"index": index, "label": label, **entry})
    return cells


# --- step 3: running the kernel -----------------------------------------------------------------


class _OutputSink(threading.Thread):
    """Drains a pipe, keeping the first ``limit`` bytes."""

    def __init__(self, fh: Any, limit: int) -> None:
        super().__init__(daemon=True)
        self.fh, self.limit = fh, limit
        self.kept = bytearray()
        self.dropped = 0

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
            self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        body = self.kept.decode("utf-8", "replace")
        if self.dropped:
            body += f"\n[... {self.dropped} more bytes not kept]"
        return body


def _dir_size(path: Path, cap: int) -> int:
    total = 0
    stack = [path]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
                    if total > cap:
                        return total
        except OSError:
            continue
    return total


class _Poison:
    """Poison files for the forbidden modules of one exercise, made once per batch."""

    def __init__(self, modules: tuple[str, ...]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="actlab-poison-"))
        self.empty = self.dir / "empty"
        self.empty.write_bytes(b"")
        self.files: dict[Path, Path] = {}
        for i, name in enumerate(modules):
            target = module_file(name)
            poison = self.dir / f"{i}_{target.name}"
            poison.write_text(poison_source(name), encoding="utf-8")
            self.files[target] = poison

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _kernel_env(workdir_inside: str, progress_fd: int) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir_inside,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{workdir_inside}/.config/matplotlib",
        "IPYTHONDIR": f"{workdir_inside}/.ipython",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "ACTLAB_GRADING_DIR": workdir_inside,
        "ACTLAB_PROGRESS_FD": str(progress_fd),
        "TERM": "dumb",
    }
    # Some processors need these for OpenBLAS to pick a working kernel.
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _write_job(
    cells: list[dict[str, Any]], plan: ExercisePlan, workdir: Path, settings: Settings
) -> None:
    limits = settings.limits
    job = {
        "cells": cells,
        "cell_timeout": settings.cell_timeout,
        "output_limit": limits.cell_output_chars,
        "limits": {
            "memory_bytes": limits.memory_bytes,
            "file_bytes": limits.file_bytes,
            "open_files": limits.open_files,
            "cpu_seconds": int(settings.timeout) + 5,
            # RLIMIT_NPROC only where it is the process limit (a non-root grader without a pids
            # cgroup): elsewhere the cgroup does the job, and for a normal user the count would
            # include all of the user's own processes.
            "processes": limits.processes
            if settings.sandbox and os.getuid() != 0 and not JobCgroup.available()
            else None,
        },
    }
    (workdir / "job.json").write_text(json.dumps(job), encoding="utf-8")
    (workdir / "plan.json").write_text(
        json.dumps({"tests": plan.probe_plan(), "check_modules": list(plan.check_modules)}),
        encoding="utf-8",
    )
    (workdir / "out").mkdir()


class _Watch:
    """The grader's view of one running kernel: its progress lines, its deadlines, its limits."""

    def __init__(
        self,
        cells: list[dict[str, Any]],
        settings: Settings,
        disk: list[Path],
        cgroup: JobCgroup | None,
    ) -> None:
        self.settings = settings
        self.labels = {c["index"]: c.get("label", f"cell {c['index']}") for c in cells}
        self.disk = disk
        self.cgroup = cgroup
        self.events_base = cgroup.limit_events() if cgroup is not None else 0
        self.start = time.monotonic()
        self.deadline = self.start + settings.timeout
        self.current: int | None = None
        self.cell_started = self.start
        self.reached: set[int] = set()
        self.errors: dict[int, str] = {}
        self.outputs: dict[int, str] = {}
        self.seconds: dict[int, float] = {}
        self.done = False
        self.killed: str | None = None
        self.killed_status = "timeout"
        self.buffer = b""
        self.last_check = self.start

    def label(self, index: int | None) -> str:
        return self.labels.get(index, "a cell") if index is not None else "a cell"

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        if len(self.buffer) > 4 * 2**20:  # progress lines are small; anything else is noise
            self.buffer = self.buffer[-65536:]
        *lines, self.buffer = self.buffer.split(b"\n")
        limit = self.settings.limits.cell_output_chars + 100
        for line in lines:
            try:
                event = json.loads(line)
                kind = event["event"]
                if kind == "start":
                    self.current = int(event.get("cell", -1))
                    self.cell_started = time.monotonic()
                elif kind == "end":
                    index = int(event.get("cell", -1))
                    self.reached.add(index)
                    if event.get("error"):
                        self.errors[index] = str(event["error"])[:2000]
                    if event.get("output"):
                        self.outputs[index] = str(event["output"])[:limit]
                    self.seconds[index] = float(event.get("seconds", 0.0))
                    self.current = None
                elif kind == "done":
                    self.done = True
            except (ValueError, KeyError, TypeError, AttributeError):
                continue

    def overdue(self) -> tuple[str, str] | None:
        """``(status, reason)`` when the kernel must be killed now, else ``None``."""
        now = time.monotonic()
        settings, limits = self.settings, self.settings.limits
        if now > self.deadline:
            return "timeout", f"the notebook ran past its {settings.timeout:g} s limit"
        if self.current is not None and now - self.cell_started > (
            settings.cell_timeout + settings.grace
        ):
            return "timeout", (
                f"{self.label(self.current)} ran past its {settings.cell_timeout:g} s limit "
                "and did not stop when interrupted"
            )
        if now - self.last_check > 0.2:
            self.last_check = now
            if self.cgroup is not None and self.cgroup.limit_events() > self.events_base:
                return "crashed", (
                    f"the notebook tried to run more than {limits.processes} processes or "
                    "threads at once"
                )
            if sum(_dir_size(d, limits.disk_bytes) for d in self.disk) > limits.disk_bytes:
                return "crashed", f"the notebook wrote more than {limits.disk_bytes // 2**20} MiB"
        return None

    def result(self, code: int | None, output: str = "") -> KernelRun:
        args = (self.reached, self.errors, output, self.outputs, self.seconds)
        if self.killed is not None:
            return KernelRun(self.killed_status, self.killed, *args)
        if code is None:
            how = "stopped: its sandbox ended unexpectedly"
        elif code < 0 or code > 128:
            signum = -code if code < 0 else code - 128
            try:
                how = f"was killed by {signal.Signals(signum).name}"
            except ValueError:
                how = f"was killed by signal {signum}"
        elif code == 0 and self.done:
            return KernelRun("graded", "", *args)
        elif code == 0:
            how = "exited early (exit code 0)"
        else:
            how = f"exited with code {code}"
        where = f"during {self.label(self.current)}" if self.current is not None else "at the end"
        tail = output.strip().splitlines()[-1:] if output.strip() else []
        if tail and "bwrap" in tail[0]:
            how += f" ({tail[0]})"
        return KernelRun("crashed", f"the kernel {how} {where}", *args)


def run_kernel(
    cells: list[dict[str, Any]],
    plan: ExercisePlan,
    workdir: Path,
    settings: Settings,
    poison: _Poison | None,
) -> KernelRun:
    """Run ``cells`` in a fresh sandboxed interpreter with ``workdir`` as its home.

    The process is started for this submission alone (``Settings(preload=False)``, and always
    without the sandbox); see :class:`_Slot` for the warm alternative.
    """
    limits = settings.limits
    _write_job(cells, plan, workdir, settings)
    read_fd, write_fd = os.pipe()
    cgroup: JobCgroup | None = None
    if settings.sandbox:
        inside = SANDBOX_HOME
        argv = [sys.executable, "-I", "-B", "-m", "actlab.grading.kernel"]
        cmd = bwrap_command(
            workdir, argv, poison.files if poison else None, poison.empty if poison else None
        )
        if JobCgroup.available():
            cgroup = JobCgroup(limits.processes, limits.cpus)
            cmd = cgroup.wrap(cmd)
        cwd = None
    else:
        inside = str(workdir)
        cmd = [sys.executable, "-I", "-B", "-m", "actlab.grading.kernel"]
        cwd = str(workdir)
    env = _kernel_env(inside, write_fd)
    if not settings.sandbox:
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        if cgroup is not None:
            cgroup.remove()
        raise
    os.close(write_fd)
    sink = _OutputSink(proc.stdout, limits.kept_output_bytes)
    sink.start()
    watch = _Watch(cells, settings, [workdir], cgroup)
    progress = os.fdopen(read_fd, "rb", buffering=0)

    def kill() -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if cgroup is not None:
            cgroup.kill_all()

    try:
        eof = False
        while True:
            if watch.killed is None:
                verdict = watch.overdue()
                if verdict is not None:
                    watch.killed_status, watch.killed = verdict
                    kill()
            if eof:
                if proc.poll() is not None:
                    break
                time.sleep(0.02)
                continue
            ready, _, _ = select.select([progress], [], [], 0.05)
            if ready:
                chunk = progress.read(65536)
                if chunk:
                    watch.feed(chunk)
                else:
                    eof = True
        proc.wait()
    finally:
        progress.close()
        if proc.poll() is None:
            kill()
            proc.wait()
        if cgroup is not None:
            cgroup.remove()
        sink.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
    return watch.result(proc.returncode, sink.text())


class _Slot:
    """A warm sandbox: one forkserver (:mod:`actlab.grading.forkserver`) that forks a kernel
    per submission, with its home, ``/tmp`` and ``/dev/shm`` emptied in between.

    A slot serves one submission at a time. After a timeout, a fork bomb or a disk overrun the
    whole sandbox is killed and the slot is not reused.
    """

    READY_TIMEOUT = 120.0

    def __init__(
        self,
        settings: Settings,
        poison: _Poison | None,
        preload: list[str],
        plan: ExercisePlan,
    ) -> None:
        self.settings = settings
        self.root = Path(tempfile.mkdtemp(prefix="actlab-slot-"))
        self.home, self.tmp, self.shm = (self.root / d for d in ("home", "tmp", "shm"))
        for d in (self.home, self.tmp, self.shm):
            d.mkdir()
        self.alive = False
        self.cgroup = JobCgroup(settings.limits.processes + 8, settings.limits.cpus)
        setup = [cell_source(c) for c in plan.notebook["cells"] if _is_setup_cell(c)]
        (self.home / "setup-cells.json").write_text(json.dumps(setup), encoding="utf-8")
        argv = [
            sys.executable, "-I", "-B", "-m", "actlab.grading.forkserver", json.dumps(preload),
            f"{SANDBOX_HOME}/setup-cells.json",
        ]  # fmt: skip
        cmd = self.cgroup.wrap(
            bwrap_command(
                self.home,
                argv,
                poison.files if poison else None,
                poison.empty if poison else None,
                rw_binds={"/tmp": self.tmp, "/dev/shm": self.shm},
            )
        )
        env = _kernel_env(SANDBOX_HOME, -1)
        del env["ACTLAB_PROGRESS_FD"]
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        except OSError:
            self.close()
            raise
        self.replies = b""
        reply = self._reply(time.monotonic() + self.READY_TIMEOUT)
        if not (isinstance(reply, dict) and reply.get("ready")):
            self.close()
            raise RuntimeError("the grading sandbox did not start (its forkserver gave no sign)")
        self.alive = True
        self.base_pids = set(self.cgroup.pids())

    def _reply(self, deadline: float) -> Any:
        """The next JSON line from the forkserver, ``None`` at EOF or when ``deadline`` passes."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.replies:
            wait = deadline - time.monotonic()
            if wait <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(wait, 0.05))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self.replies += chunk
        line, self.replies = self.replies.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def _reset(self) -> None:
        for d, inside in ((self.home, SANDBOX_HOME), (self.tmp, "/tmp"), (self.shm, "/dev/shm")):
            empty_scratch(d, inside)

    def _kill_strays(self) -> None:
        """Kill every process of the sandbox that is not the forkserver or bwrap."""
        for _ in range(200):
            strays = [p for p in self.cgroup.pids() if p not in self.base_pids]
            if not strays:
                return
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.005)
        self.terminate()

    def run(self, cells: list[dict[str, Any]], plan: ExercisePlan) -> KernelRun:
        settings = self.settings
        self._reset()
        _write_job(cells, plan, self.home, settings)
        progress_path = self.home / "progress.jsonl"
        watch = _Watch(cells, settings, [self.home, self.tmp, self.shm], self.cgroup)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"run": SANDBOX_HOME}).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self.terminate()
            return watch.result(None)
        offset = 0
        code: int | None = None
        ended = False
        while not ended:
            if watch.killed is None:
                verdict = watch.overdue()
                if verdict is not None:
                    watch.killed_status, watch.killed = verdict
                    self.terminate()
                    break
            reply = self._reply(time.monotonic() + 0.05)
            if reply is None and self.proc.poll() is not None:
                self.terminate()
                break
            if isinstance(reply, dict) and "exit" in reply:
                code = int(reply["exit"])
                ended = True
            offset = self._read_progress(progress_path, offset, watch)
        self._read_progress(progress_path, offset, watch)
        if self.alive:
            self._kill_strays()
        return watch.result(code)

    @staticmethod
    def _read_progress(path: Path, offset: int, watch: _Watch) -> int:
        try:
            chunk = read_regular(path, 4 * 2**20, offset)
        except OSError:
            return offset
        if chunk:
            watch.feed(chunk)
        return offset + len(chunk)

    def close(self) -> None:
        """Stop the sandbox and delete its files."""
        self.terminate()
        shutil.rmtree(self.root, ignore_errors=True)

    def terminate(self) -> None:
        """Kill every process of the sandbox; its files stay (the last outputs may be judged)."""
        self.alive = False
        proc = getattr(self, "proc", None)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.cgroup.remove()
        if proc is not None:
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass


# --- step 4: judging ----------------------------------------------------------------------------


class _BadOutput(Exception):
    pass


def read_regular(path: Path, limit: int, offset: int = 0) -> bytes:
    """Up to ``limit`` bytes of the regular file ``path`` from ``offset``.

    The sandbox writes the files the grader reads, so they are untrusted: a symlink (which the
    grader would follow into its own files) or a FIFO (on which a read would block forever) is
    refused with ``OSError``, as is a file larger than ``limit`` when read from the start.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if offset == 0 and info.st_size > limit:
            raise OSError(f"{path.name} is larger than {limit} bytes")
        return os.pread(fd, limit, offset)
    finally:
        os.close(fd)


def load_outputs(path: Path) -> dict[str, np.ndarray]:
    """Load a probe's ``.npz`` without pickle; refuse anything but plain numeric or text arrays."""
    try:
        try:
            raw = read_regular(path, _OUTPUT_FILE_LIMIT)
        except OSError as exc:
            raise _BadOutput(f"the probe's output could not be read ({exc})") from None
        outputs: dict[str, np.ndarray] = {}
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            for key in data.files:
                arr = data[key]
                if type(arr) is not np.ndarray or arr.dtype.kind not in _PLAIN_KINDS:
                    raise _BadOutput("the probe's output holds something other than numbers")
                outputs[key] = arr
        return outputs
    except _BadOutput:
        raise
    except Exception as exc:  # noqa: BLE001 -- corrupt, truncated or forged files
        if "Object arrays" in str(exc):
            raise _BadOutput(
                "the probe's output holds Python objects, not plain numbers (objects are refused: "
                "their == or conversion could lie)"
            ) from None
        raise _BadOutput(f"the probe's output could not be read ({type(exc).__name__})") from None


def _collapse(messages: list[str]) -> list[str]:
    """Merge repeated messages ("f [1]: x", "f [2]: x" -> "f: x (2 checks)")."""
    import re

    counts: dict[str, int] = {}
    for m in messages:
        key = re.sub(r" \[\d+\]:", ":", m, count=1)
        counts[key] = counts.get(key, 0) + 1
    return [k if n == 1 else f"{k} ({n} checks)" for k, n in counts.items()]


def judge_outputs(
    plan: ExercisePlan, outdir: Path, missing: dict[str, str] | None = None
) -> list[TestResult]:
    """Judge every test cell of ``plan`` from the probe files in ``outdir``.

    Args:
        missing: per grade_id, the message to give when its outputs are absent (e.g. why the probe
            did not run); a generic message is used otherwise.
    """
    from actlab.grading.spec import Verdict, get_check

    results = []
    for test in plan.tests:
        messages = []
        passed = True
        for k, call in enumerate(test.calls):
            stem = f"{test.grade_id}.{k}"
            npz, err = outdir / f"{stem}.npz", outdir / f"{stem}.json"
            label = call.name if len(test.calls) == 1 else f"{call.name} [{k + 1}]"
            if npz.exists() or npz.is_symlink():
                try:
                    outputs = load_outputs(npz)
                    spec = get_check(call.name)
                    verdict = spec.judge(outputs, **call.case)
                    if not isinstance(verdict, Verdict):
                        verdict = Verdict.fail("the check returned no verdict")
                except _BadOutput as exc:
                    verdict = Verdict.fail(str(exc))
                except Exception as exc:  # noqa: BLE001 -- a judge must not stop the batch
                    verdict = Verdict.fail(
                        f"the outputs could not be judged ({type(exc).__name__}: {exc})"
                    )
            elif err.exists() or err.is_symlink():
                try:
                    record = json.loads(read_regular(err, 10000).decode("utf-8", "replace"))
                    text = str(record.get("error", "the probe failed"))[:2000]
                except (ValueError, OSError, AttributeError):
                    text = "the probe failed"
                verdict = Verdict.fail(text)
            else:
                text = (missing or {}).get(test.grade_id) or (
                    "no result: this test's probe did not run to the end"
                )
                verdict = Verdict.fail(text)
            if not verdict.passed:
                passed = False
                messages.append(f"{label}: {verdict.message}")
            elif len(test.calls) == 1:
                messages.append(f"{label}: {verdict.message}")
        message = "; ".join(_collapse(messages)) if messages else "all checks passed"
        results.append(
            TestResult(
                grade_id=test.grade_id,
                points=test.points if passed else 0.0,
                max_points=test.points,
                passed=passed,
                message=message,
                description=test.description,
            )
        )
    return results


# --- one submission, and a batch ----------------------------------------------------------------


def file_key(path: str, data: bytes, plan: ExercisePlan) -> str:
    """The resume key of a submission: its path as given, its bytes and the exercise's source."""
    h = hashlib.sha256()
    source_bytes = json.dumps(plan.notebook, sort_keys=True).encode()
    for part in (path.encode(), data, plan.exercise.encode(), source_bytes):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _is_setup_cell(cell: dict[str, Any]) -> bool:
    """A locked code cell of the instructor's that is neither a solution nor a test."""
    return (
        cell.get("cell_type") == "code"
        and grade_id(cell) is not None
        and is_locked(cell)
        and not is_solution(cell)
        and not is_test(cell)
    )


def preload_modules(plan: ExercisePlan) -> list[str]:
    """The modules a warm sandbox imports for ``plan``: the grading machinery, the exercise's
    checks, and every module the source notebook's code cells import at top level."""
    import ast

    modules = [
        "actlab.grading.spec",
        "actlab.grading.probe",
        "actlab.grading.kernel",
        "actlab.grading.checks",
        *plan.check_modules,
    ]
    for cell in plan.notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:  # magics, or a cell that is not plain Python
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.append(node.module)
                modules += [f"{node.module}.{alias.name}" for alias in node.names]
    seen: dict[str, None] = {}
    for name in modules:
        seen.setdefault(name, None)
    return list(seen)


class Grader:
    """Grades submissions of one exercise. Make one per batch; call :meth:`close` at the end."""

    def __init__(self, plan: ExercisePlan, settings: Settings | None = None) -> None:
        self.plan = plan
        self.settings = settings or Settings()
        if self.settings.sandbox:
            status = sandbox_status()
            if not status.available:
                raise SandboxUnavailable(
                    f"cannot grade in a sandbox: {status.reason}. Install bubblewrap, or pass "
                    "--no-sandbox to run student code unconfined (unsafe)"
                )
        if self.settings.preload and not JobCgroup.available():
            # A warm sandbox finds and kills a finished kernel's strays through its cgroup;
            # without one, every submission gets a sandbox of its own.
            self.settings = dataclasses.replace(self.settings, preload=False)
        self.poison = _Poison(plan.forbidden) if self.settings.sandbox else None
        self.preload = preload_modules(plan)
        self._idle: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        for slot in self._slots:
            slot.close()
        self._slots.clear()
        if self.poison is not None:
            self.poison.cleanup()

    def _take_slot(self) -> _Slot:
        while True:
            try:
                slot = self._idle.get_nowait()
            except queue.Empty:
                break
            if slot.alive:
                return slot
        slot = _Slot(self.settings, self.poison, self.preload, self.plan)
        with self._lock:
            self._slots = [s for s in self._slots if s.alive]
            self._slots.append(slot)
        return slot

    def _release_slot(self, slot: _Slot) -> None:
        if slot.alive:
            self._idle.put(slot)
        else:
            slot.close()

    def __enter__(self) -> Grader:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_cells(self, cells: list[dict[str, Any]]) -> KernelRun:
        """Run ``cells`` (as :func:`build_cells` makes them) the way :meth:`grade` runs a
        submission, and return what the kernel reported; nothing is judged."""
        if self.settings.sandbox and self.settings.preload:
            slot = self._take_slot()
            try:
                return slot.run(cells, self.plan)
            finally:
                self._release_slot(slot)
        with tempfile.TemporaryDirectory(prefix="actlab-run-") as tmp:
            return run_kernel(cells, self.plan, Path(tmp), self.settings, self.poison)

    def _invalid(self, submission: str, message: str, started: float) -> GradeResult:
        tests = [
            TestResult(t.grade_id, 0.0, t.points, False, "not graded: " + message, t.description)
            for t in self.plan.tests
        ]
        return GradeResult(
            submission, self.plan.exercise, "invalid", 0.0, self.plan.max_points, tests, message,
            seconds=time.monotonic() - started,
        )  # fmt: skip

    def check_submission(self, submission: str, data: bytes) -> dict[str, Any]:
        """Parse ``data`` and make sure it is a notebook of this exercise (else InvalidNotebook)."""
        nb = loads_notebook(data, submission)
        name = exercise_metadata(nb).get("exercise")
        if name is not None and name != self.plan.exercise:
            raise InvalidNotebook(
                f"{submission}: this notebook is exercise {name!r}, not {self.plan.exercise!r}"
            )
        if name is None:
            ids = {grade_id(c) for c in nb["cells"]} - {None}
            if not ids & {grade_id(c) for c in self.plan.notebook["cells"]}:
                raise InvalidNotebook(
                    f"{submission}: no cell of exercise {self.plan.exercise!r} in this notebook"
                )
        return nb

    def grade(self, submission: str, data: bytes | None = None) -> GradeResult:
        """Grade the notebook at path ``submission`` (or its bytes ``data``)."""
        started = time.monotonic()
        try:
            if data is None:
                data = Path(submission).read_bytes()
            nb = self.check_submission(submission, data)
        except OSError as exc:
            return self._invalid(submission, f"cannot be read ({exc.strerror or exc})", started)
        except InvalidNotebook as exc:
            return self._invalid(submission, str(exc).removeprefix(f"{submission}: "), started)
        cells = build_cells(self.plan, nb)
        slot: _Slot | None = None
        workdir: Path | None = None
        try:
            if self.settings.sandbox and self.settings.preload:
                slot = self._take_slot()
                run = slot.run(cells, self.plan)
                outdir = slot.home / "out"
            else:
                workdir = Path(tempfile.mkdtemp(prefix="actlab-grade-"))
                run = run_kernel(cells, self.plan, workdir, self.settings, self.poison)
                outdir = workdir / "out"
            probe_cells = {c["grade_id"]: c["index"] for c in cells if c["kind"] == "probe"}
            missing = {}
            for gid, index in probe_cells.items():
                if index not in run.reached:
                    why = run.message or "the kernel stopped before it"
                    missing[gid] = f"no result: the test did not run ({why})"
                elif index in run.cell_errors:
                    missing[gid] = f"no result: the test cell failed ({run.cell_errors[index]})"
            tests = judge_outputs(self.plan, outdir, missing)
        finally:
            if slot is not None:
                self._release_slot(slot)
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)
        cell_errors = [
            f"{c['label']}: {run.cell_errors[c['index']]}"
            for c in cells
            if c["index"] in run.cell_errors and c["kind"] != "probe"
        ]
        return GradeResult(
            submission=submission,
            exercise=self.plan.exercise,
            status=run.status,
            points=sum(t.points for t in tests),
            max_points=self.plan.max_points,
            tests=tests,
            message=run.message,
            cell_errors=cell_errors[:20],
            seconds=time.monotonic() - started,
        )
