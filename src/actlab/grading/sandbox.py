"""The sandbox a graded kernel runs in: bubblewrap, cgroups or a watchdog, and resource limits.

Each submission's kernel runs under ``bwrap`` (Debian package ``bubblewrap``) in fresh user, mount,
pid, network, IPC, UTS and cgroup namespaces. Inside it sees only:

* read-only: ``/usr`` (and the merged-``/usr`` symlinks), a few files of ``/etc`` the dynamic loader
  and Python need, the Python prefix, the virtualenv, and the ``actlab`` package directory, where each
  module the exercise *forbids* is replaced by a poison module (same public names; calling one raises
  ``RuntimeError``) and the cached bytecode of those modules is covered too; the root directory and
  ``/dev`` are read-only as well, so nothing can be left there;
* read-write: three host directories made for the sandbox, mounted as its home (``/home/student``),
  ``/tmp`` and ``/dev/shm``. They are on disk, so what a submission writes there is counted, and the
  grader empties them before every submission.

The instructor's files (source notebooks, hidden tests, other submissions, the grades file) are not
mounted, the network namespace is empty, and further user namespaces are disabled.

Limits, and what keeps them:

* processes and threads: a pids cgroup (``pids.max``) where one can be made; it is also how every
  process of a sandbox is found and killed, and a submission that runs into its limit (a fork bomb)
  is stopped at once. Without a writable cgroup (a normal user on most machines) the kernel sets
  ``RLIMIT_NPROC`` (enforced for non-root users, per user namespace) and :class:`ProcessTree`
  counts the sandbox's tasks; as root without a pids cgroup the grader refuses to run, because the
  kernel does not enforce ``RLIMIT_NPROC`` for root;
* memory, for the whole process tree of a submission: a memory cgroup where one can be made,
  otherwise a watchdog that adds up the proportional set size of every process of the sandbox, the
  SysV shared memory its supervisor reports, and what deleted-but-open files and memfds hold. No
  address-space limit: the CUDA build of torch maps far more address space than it uses;
* disk: the grader adds up the blocks of every file *and directory* in the three writable
  directories, counts their entries, and stops a submission past either limit; one file is also
  capped by ``RLIMIT_FSIZE``;
* CPU: a CPU cgroup caps a sandbox at one core where the controller is available;
* time: kept by the grader, from when it sent each command (see :mod:`actlab.grading.session`).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SANDBOX_HOME",
    "JobCgroup",
    "Limits",
    "ProcessTree",
    "SandboxStatus",
    "SandboxUnavailable",
    "bwrap_command",
    "empty_scratch",
    "poison_source",
    "remove_tree",
    "sandbox_status",
    "scratch_usage",
]

SANDBOX_HOME = "/home/student"
_ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "localtime",
    "fonts",
    "mime.types",
    "nsswitch.conf",
    "passwd",
    "group",
    "hosts",
    "ssl",
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission.

    Args:
        memory_bytes: memory of the submission's whole process tree.
        processes: processes plus threads at once.
        cpus: cores (a CPU cgroup quota), or ``None`` for no cap.
        file_bytes: the largest file a process may write (``RLIMIT_FSIZE``).
        open_files: open file descriptors per process.
        disk_bytes: blocks of files and directories in the home, ``/tmp`` and ``/dev/shm``.
        disk_entries: files and directories there.
        kept_output_bytes: what the grader keeps of the sandbox's own stdout and stderr.
        cell_output_chars: what a cell's printed output keeps (the rest is counted and dropped).
        reply_bytes: the largest probe result the grader accepts from the kernel.
    """

    memory_bytes: int = 3 * 2**30
    processes: int = 64
    cpus: float | None = 1.0
    file_bytes: int = 64 * 2**20
    open_files: int = 256
    disk_bytes: int = 256 * 2**20
    disk_entries: int = 20_000
    kept_output_bytes: int = 64 * 2**10
    cell_output_chars: int = 20_000
    reply_bytes: int = 64 * 2**20

    def describe(self) -> str:
        """The limits as one line, part of the key under which a grade is journalled."""
        return ",".join(f"{k}={v}" for k, v in sorted(vars(self).items()))


@dataclass(frozen=True)
class SandboxStatus:
    available: bool
    reason: str
    bwrap: str | None
    process_limit: str  # "pids cgroup", "RLIMIT_NPROC and a watchdog" or "none"
    memory_limit: str  # "memory cgroup" or "a watchdog on the sandbox's memory"
    cpu_limit: str  # "cpu cgroup" or "none"


# --- cgroups ------------------------------------------------------------------------------------


def _own_cgroups() -> dict[str, str]:
    """``{controller: path}`` of this process (``"v2"`` for the unified hierarchy)."""
    found: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if not controllers:
            found["v2"] = path
        for name in controllers.split(","):
            found[name] = path
    return found


def _v1_dir(controller: str) -> Path | None:
    """Where a child cgroup of ``controller`` (cgroup v1) can be made: below this process's own."""
    root = Path("/sys/fs/cgroup") / controller
    if not (root / "cgroup.procs").exists():
        return None
    own = _own_cgroups().get(controller, "/")
    base = root / own.lstrip("/")
    return base if (base / "cgroup.procs").exists() and os.access(base, os.W_OK) else None


def _v2_dir(controller: str) -> Path | None:
    base = Path("/sys/fs/cgroup")
    if not (base / "cgroup.controllers").exists():
        return None
    own = base / _own_cgroups().get("v2", "/").lstrip("/")
    # A cgroup with processes in it cannot have controller-enabled children: use its parent.
    parent = own.parent if own != base else base
    try:
        if controller not in (parent / "cgroup.subtree_control").read_text().split():
            return None
    except OSError:
        return None
    return parent if os.access(parent, os.W_OK) else None


class JobCgroup:
    """The cgroups of one sandbox: a task limit (pids), a memory limit and a CPU quota, each where
    the controller can be used.

    The pids cgroup is also how every process of the sandbox is found and killed, and its
    ``pids.events`` tells whether the sandbox ran into the task limit (a fork bomb). The cgroups are
    made below the grader's own, so they never escape the limits the grader itself runs under.
    """

    def __init__(self, max_pids: int, cpus: float | None = 1.0) -> None:
        name = f"actlab-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.dirs: list[Path] = []
        self.memory_dir: Path | None = None
        self.v2 = False
        pids_root = _v1_dir("pids")
        if pids_root is not None:
            self.pids_dir = self._make(pids_root / name)
            (self.pids_dir / "pids.max").write_text(f"{max_pids}\n")
            cpu_root = _v1_dir("cpu")
            if cpus and cpu_root is not None:
                try:
                    cpu_dir = self._make(cpu_root / name)
                    period = 100_000
                    (cpu_dir / "cpu.cfs_period_us").write_text(f"{period}\n")
                    (cpu_dir / "cpu.cfs_quota_us").write_text(f"{int(cpus * period)}\n")
                except OSError:
                    pass
            memory_root = _v1_dir("memory")
            if memory_root is not None:
                try:
                    self.memory_dir = self._make(memory_root / name)
                except OSError:
                    self.memory_dir = None
        else:
            root = _v2_dir("pids")
            if root is None:
                raise SandboxUnavailable("JobCgroup: no writable pids cgroup")
            self.v2 = True
            self.pids_dir = self._make(root / name)
            (self.pids_dir / "pids.max").write_text(f"{max_pids}\n")
            if cpus and (self.pids_dir / "cpu.max").exists():
                (self.pids_dir / "cpu.max").write_text(f"{int(cpus * 100_000)} 100000\n")
            if (self.pids_dir / "memory.max").exists():
                self.memory_dir = self.pids_dir

    def _make(self, path: Path) -> Path:
        path.mkdir()
        self.dirs.append(path)
        return path

    @staticmethod
    def available() -> bool:
        return _v1_dir("pids") is not None or _v2_dir("pids") is not None

    @staticmethod
    def memory_available() -> bool:
        if _v1_dir("pids") is not None:
            return _v1_dir("memory") is not None
        return _v2_dir("pids") is not None and _v2_dir("memory") is not None

    @staticmethod
    def cpu_available() -> bool:
        if _v1_dir("pids") is not None:
            return _v1_dir("cpu") is not None
        return _v2_dir("pids") is not None and _v2_dir("cpu") is not None

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in dict.fromkeys(self.dirs)]

    def wrap(self, cmd: list[str]) -> list[str]:
        """``cmd`` behind a shell that first moves itself into these cgroups, so that every
        process of the sandbox is born inside them."""
        files = self.procs_files
        joins = " && ".join(f'echo $$ > "${i + 1}"' for i in range(len(files)))
        return ["/bin/sh", "-c", f'{joins} && shift {len(files)} && exec "$@"', "sh", *files, *cmd]

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.pids_dir / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def limit_events(self) -> int:
        """How many forks or clones have been refused for lack of tasks so far."""
        return _event_count(self.pids_dir / "pids.events", "max")

    # memory

    def memory_usage(self) -> int:
        if self.memory_dir is None:
            return 0
        name = "memory.current" if self.v2 else "memory.usage_in_bytes"
        try:
            return int((self.memory_dir / name).read_text())
        except (OSError, ValueError):
            return 0

    def set_memory_limit(self, limit: int) -> None:
        """Cap the sandbox's memory at ``limit`` bytes (no swap beyond it)."""
        if self.memory_dir is None:
            return
        if self.v2:
            (self.memory_dir / "memory.max").write_text(f"{limit}\n")
            swap = self.memory_dir / "memory.swap.max"
            if swap.exists():
                swap.write_text("0\n")
            return
        (self.memory_dir / "memory.limit_in_bytes").write_text(f"{limit}\n")
        memsw = self.memory_dir / "memory.memsw.limit_in_bytes"
        if memsw.exists():
            try:
                memsw.write_text(f"{limit}\n")
            except OSError:
                pass

    def oom_kills(self) -> int:
        """How many processes the kernel's OOM killer has killed in this sandbox so far."""
        if self.memory_dir is None:
            return 0
        if self.v2:
            return _event_count(self.memory_dir / "memory.events", "oom_kill")
        return _event_count(self.memory_dir / "memory.oom_control", "oom_kill")

    def kill_all(self) -> None:
        for _ in range(200):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            time.sleep(0.005)

    def remove(self) -> None:
        self.kill_all()
        for path in reversed(list(dict.fromkeys(self.dirs))):
            for _ in range(400):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    self.kill_all()
                    time.sleep(0.01)


def _event_count(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


# --- the watchdog where there is no cgroup ---------------------------------------------------


class ProcessTree:
    """The processes of a sandbox seen from the host, for a grader without cgroups.

    ``root`` is the host pid of the outermost sandbox process (bwrap). Its descendants are found by
    scanning ``/proc``; a process that double-forks is still a descendant, because orphans in the
    sandbox's pid namespace are adopted by bwrap's own init. The grader owns the sandbox's user
    namespace, so it may read the ``/proc`` files of every process in it, even non-dumpable ones.
    """

    def __init__(self, root: int) -> None:
        self.root = root

    def pids(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            # the command name may hold spaces and parentheses: the fields start after the last ')'
            fields = data[data.rfind(b")") + 2 :].split()
            try:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (IndexError, ValueError):
                continue
        found, stack = [], [self.root]
        while stack:
            pid = stack.pop()
            found.append(pid)
            stack.extend(children.get(pid, []))
        return found

    @staticmethod
    def tasks(pids: list[int]) -> int:
        """Processes and threads among ``pids``."""
        total = 0
        for pid in pids:
            try:
                total += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                continue
        return total

    @staticmethod
    def memory(pids: list[int]) -> int:
        """Bytes held by ``pids``: proportional set size (shared pages split between the
        processes that share them), plus deleted-but-open files and memfds they hold, which no
        directory scan and no set size shows."""
        total = 0
        held: set[tuple[int, int]] = set()
        for pid in pids:
            total += _pss(pid)
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                path = f"/proc/{pid}/fd/{fd}"
                try:
                    target = os.readlink(path)
                    if not (target.startswith("/memfd:") or target.endswith(" (deleted)")):
                        continue
                    info = os.stat(path)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) not in held:
                    held.add((info.st_dev, info.st_ino))
                    total += info.st_blocks * 512
        return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --- poison modules ---------------------------------------------------------------------------

_POISON_HEADER = '''"""Unavailable while grading: {module} is the reference for this exercise."""

_MESSAGE = "{module}.{{}} is the reference for this exercise and is unavailable while grading"


def _unavailable(name):
    def unavailable(*args, **kwargs):
        raise RuntimeError(_MESSAGE.format(name))

    unavailable.__name__ = unavailable.__qualname__ = name
    return unavailable


def _unavailable_class(name):
    def refuse(cls, *args, **kwargs):
        raise RuntimeError(_MESSAGE.format(name))

    return type(name, (), {{"__new__": refuse, "__module__": __name__}})


'''


def poison_source(module_name: str) -> str:
    """The source of a module that keeps every public name of ``module_name`` but is unusable.

    Functions (and other callables) become functions that raise ``RuntimeError("<module>.<name> is
    the reference for this exercise and is unavailable while grading")``; classes become classes
    whose instantiation raises it; constants of plain types (numbers, strings, tuples of them) keep
    their value; anything else becomes ``None``.
    """
    module = importlib.import_module(module_name)
    exported = getattr(module, "__all__", None)
    # Every name another module might import, not only __all__ (constants, helpers).
    names = {n for n in vars(module) if not (n.startswith("__") and n.endswith("__"))}
    names |= set(exported or ())
    lines = [_POISON_HEADER.format(module=module_name)]
    for name in sorted(names):
        if name in ("_MESSAGE", "_unavailable", "_unavailable_class"):
            continue
        value = getattr(module, name, None)
        if inspect.isclass(value):
            lines.append(f"{name} = _unavailable_class({name!r})")
        elif inspect.ismodule(value):
            lines.append(f"import {value.__name__} as {name}")
        elif callable(value):
            lines.append(f"{name} = _unavailable({name!r})")
        elif _is_literal(value):
            lines.append(f"{name} = {value!r}")
        else:
            lines.append(f"{name} = None")
    if exported is not None:
        lines.append(f"__all__ = {list(exported)!r}")
    return "\n".join(lines) + "\n"


def _is_literal(value: object) -> bool:
    """Whether ``repr(value)`` is a plain literal that evaluates back to ``value``."""
    import ast

    if not isinstance(value, bool | int | float | str | bytes | tuple | list | dict | frozenset):
        return value is None
    try:
        text = repr(value)
        return len(text) < 100_000 and ast.literal_eval(text) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def module_file(module_name: str) -> Path:
    """The source file of ``module_name`` (found without keeping a reference to the module)."""
    module = importlib.import_module(module_name)
    path = getattr(module, "__file__", None)
    if not path:
        raise ValueError(f"module_file: {module_name!r} has no source file")
    return Path(path).resolve()


# --- the bwrap command ------------------------------------------------------------------------


def _bwrap() -> str | None:
    return shutil.which("bwrap")


def package_dir() -> Path:
    import actlab

    return Path(actlab.__file__).resolve().parent


def _python_paths() -> list[Path]:
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = Path(sysconfig.get_paths()[key]).resolve()
        if not any(p.is_relative_to(q) for q in paths):
            paths.add(p)
    # Interpreters whose prefix is a symlink farm (pyenv, venv) need the link targets too.
    exe = Path(sys.executable)
    real = exe.resolve()
    if not any(real.is_relative_to(q) for q in paths):
        paths.add(real.parent.parent)
    return sorted(paths)


def course_mounts() -> list[Path]:
    """The host directories bound read-only into the sandbox besides ``/usr``: the interpreter,
    the venv and the package."""
    bound = [p for p in _python_paths() if not str(p).startswith("/usr/")]
    pkg = package_dir()
    if not any(pkg.is_relative_to(b) for b in bound):
        bound.append(pkg)
    return bound


def remove_tree(directory: Path) -> None:
    """Delete ``directory`` and everything below it, links as links, making unreadable or
    unwritable directories (a submission's ``chmod 0``) accessible first: the grader owns every
    file of its sandboxes, root or not."""

    def unlock(func: object, path: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                _rmtree(path, unlock)
            else:
                os.unlink(path)
        except OSError:
            pass

    try:
        os.chmod(directory, 0o700)
    except OSError:
        pass
    _rmtree(directory, unlock)


def _rmtree(path: str | Path, handler: Any) -> None:
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=handler)
    else:
        shutil.rmtree(path, onerror=handler)


def empty_scratch(host: Path, inside: str) -> None:
    """Empty the host directory ``host``, mounted at ``inside`` in a running sandbox.

    Nothing is followed: links are removed as links. A directory a submission made unreadable is
    made readable first (the grader owns every file of the sandbox). The directories that lead to a
    course mount below ``inside`` (a course cloned under /tmp, say) are kept: deleting a mount point
    from the host would unmount it inside the sandbox. Everything else goes.
    """
    mounts = {host / p.relative_to(inside) for p in course_mounts() if p.is_relative_to(inside)}
    ancestors = {a for m in mounts for a in m.parents if a.is_relative_to(host)}

    def empty(directory: Path) -> None:
        try:
            os.chmod(directory, 0o700)
        except OSError:
            pass
        for entry in directory.iterdir():
            if entry in mounts:
                continue
            if entry in ancestors and entry.is_dir() and not entry.is_symlink():
                empty(entry)
            elif entry.is_dir() and not entry.is_symlink():
                remove_tree(entry)
            else:
                entry.unlink(missing_ok=True)

    empty(host)


def scratch_usage(dirs: list[Path], max_bytes: int, max_entries: int) -> tuple[int, int]:
    """``(bytes, entries)`` of everything below ``dirs``: the blocks of files *and* directories
    (a directory of many long names takes blocks of its own) and the number of entries. The scan
    stops once either limit is passed, so a flood costs the grader little. Nothing is followed."""
    total = entries = 0
    stack = list(dirs)
    while stack:
        directory = stack.pop()
        try:
            total += os.lstat(directory).st_blocks * 512
            with os.scandir(directory) as it:
                for entry in it:
                    entries += 1
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        else:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                    except OSError:
                        continue
                    if total > max_bytes or entries > max_entries:
                        return total, entries
        except OSError:
            continue
    return total, entries


def _merged_usr_links() -> list[str]:
    args: list[str] = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_command(
    workdir: Path,
    argv: list[str],
    poison: dict[Path, Path] | None = None,
    empty_file: Path | None = None,
    bwrap: str | None = None,
    rw_binds: dict[str, Path] | None = None,
) -> list[str]:
    """The ``bwrap`` command line that runs ``argv`` in the sandbox described in the module doc.

    Args:
        workdir: the host directory mounted read-write as ``/home/student``.
        argv: the command to run inside (an absolute interpreter path and its arguments).
        poison: ``{module file: poison file}``; each module file is covered by its poison file.
        empty_file: an empty host file, bound over the cached bytecode of each poisoned module.
        bwrap: the bwrap executable (found on ``PATH`` when omitted).
        rw_binds: more host directories mounted read-write, ``{inside: host}``: ``/tmp`` and
            ``/dev/shm``. Without them those two are small private tmpfs mounts (only for
            :func:`sandbox_status`'s check; a graded sandbox always has them on disk).
    """
    bwrap = bwrap or _bwrap()
    if poison and empty_file is None:
        raise ValueError("bwrap_command: poison needs empty_file to cover cached bytecode")
    if bwrap is None:
        raise SandboxUnavailable("bwrap_command: bwrap is not installed")
    binds = dict(rw_binds or {})
    args = [bwrap]
    # Read-write scratch mounts come first: a later mount hides an earlier one, and the course
    # itself (the venv, the package) may live below /tmp.
    if "/tmp" in binds:
        args += ["--bind", str(binds["/tmp"]), "/tmp"]
    else:
        args += ["--size", str(2**20), "--tmpfs", "/tmp"]
    args += ["--ro-bind", "/usr", "/usr", *_merged_usr_links()]
    for name in _ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in course_mounts():
        args += ["--ro-bind", str(path), str(path)]
    for target, source in sorted((poison or {}).items()):
        args += ["--ro-bind", str(source), str(target)]
        # A cached .pyc of the module would still hold the reference: cover each with an empty
        # file, which the import system rejects before falling back to the (poison) source.
        for cached in sorted(target.parent.glob(f"__pycache__/{target.stem}.*.pyc")):
            args += ["--ro-bind", str(empty_file), str(cached)]
    args += ["--bind", str(workdir), SANDBOX_HOME, "--proc", "/proc", "--dev", "/dev"]
    # /dev/shm goes after --dev, which would hide it.
    if "/dev/shm" in binds:
        args += ["--bind", str(binds["/dev/shm"]), "/dev/shm"]
    else:
        args += ["--size", str(2**20), "--tmpfs", "/dev/shm"]
    args += [
        # The root and /dev are tmpfs mounts of bwrap's: read-only, nothing can be left there.
        "--remount-ro", "/dev",
        "--remount-ro", "/",
        "--unshare-all", "--unshare-user", "--disable-userns",
        "--uid", "65534", "--gid", "65534",
        "--cap-drop", "ALL",
        "--hostname", "grading",
        "--die-with-parent", "--new-session",
        "--chdir", SANDBOX_HOME,
        *argv,
    ]  # fmt: skip
    return args


def _process_limit() -> str:
    if JobCgroup.available():
        return "pids cgroup"
    return "RLIMIT_NPROC and a watchdog on the sandbox's tasks" if os.getuid() else "none"


@functools.lru_cache(maxsize=1)
def sandbox_status() -> SandboxStatus:
    """Whether a sandbox can be made here, and how each limit is kept (cached)."""
    bwrap = _bwrap()
    limit = _process_limit()
    memory = (
        "memory cgroup"
        if JobCgroup.memory_available()
        else "a watchdog on the sandbox's memory (no memory cgroup can be made here)"
    )
    cpu = "cpu cgroup" if JobCgroup.cpu_available() else "none (no cpu cgroup can be made here)"
    if bwrap is None:
        return SandboxStatus(
            False,
            "bwrap (bubblewrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap",
            None,
            limit,
            memory,
            cpu,
        )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="actlab-sandbox-check-") as tmp:
        cmd = bwrap_command(
            Path(tmp), [sys.executable, "-I", "-c", "import os; print(os.getuid())"]
        )
        try:
            proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return SandboxStatus(
                False, f"bwrap could not be started: {exc}", bwrap, limit, memory, cpu
            )
    if proc.returncode != 0:
        why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no message"
        return SandboxStatus(
            False,
            f"bwrap cannot create a sandbox here ({why}); user namespaces may be disabled",
            bwrap,
            limit,
            memory,
            cpu,
        )
    if limit == "none":
        return SandboxStatus(
            False,
            "no way to limit processes: running as root without a writable pids cgroup "
            "(RLIMIT_NPROC is not enforced for root)",
            bwrap,
            limit,
            memory,
            cpu,
        )
    return SandboxStatus(True, "ok", bwrap, limit, memory, cpu)
