"""The sandbox a graded kernel runs in: bubblewrap, a pids cgroup and resource limits.

Each submission's kernel is started with ``bwrap`` (Debian package ``bubblewrap``) in fresh user,
mount, pid, network, IPC, UTS and cgroup namespaces. Inside it sees only:

* read-only: ``/usr`` (and the merged-``/usr`` symlinks), a few files of ``/etc`` the dynamic loader
  and Python need, the Python prefix, the virtualenv, and the ``actlab`` package directory, where each
  module the exercise *forbids* is replaced by a poison module (same public names; calling one raises
  ``RuntimeError``) and the cached bytecode of those modules is covered too (a ``.pyc`` of a forbidden module
  would otherwise still hold the reference);
* read-write: its own work directory, mounted as ``/home/student`` (its HOME, cwd, IPython and
  matplotlib config), and a private ``/tmp``.

The instructor's files (source notebooks, hidden tests, other submissions, the grades file) are not
mounted, the network namespace is empty, and further user namespaces are disabled.

Limits:

* processes: a pids cgroup (``pids.max``) made for the submission; the cgroup is also how every
  process of the submission is found and killed, and a submission that runs into the limit (a fork
  bomb) is stopped at once. ``RLIMIT_NPROC`` is no substitute here: the kernel
  does not enforce it for uid 0, which is what the sandboxed process maps to when the grader runs as
  root. Without a writable pids cgroup the grader falls back to ``RLIMIT_NPROC`` and says so;
* memory (``RLIMIT_AS``), file size (``RLIMIT_FSIZE``), open files and core dumps: set as hard
  limits by the kernel process on itself before any student code runs;
* CPU: a CPU cgroup caps the submission at one core where the controller is available, so that a
  submission that spins many threads cannot starve the kernels graded beside it;
* time: enforced by the grader from outside (per cell and per notebook); on expiry the whole sandbox
  is killed (``bwrap --die-with-parent`` and the pid namespace take every descendant with it);
* output: the grader keeps only the first bytes of what the process writes, and kills a sandbox whose
  work directory grows past a size limit.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SANDBOX_HOME",
    "JobCgroup",
    "Limits",
    "SandboxStatus",
    "SandboxUnavailable",
    "bwrap_command",
    "poison_source",
    "sandbox_status",
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
    """Resource limits for one submission's kernel."""

    memory_bytes: int = 3 * 2**30
    processes: int = 64
    cpus: float | None = 1.0
    file_bytes: int = 64 * 2**20
    open_files: int = 256
    disk_bytes: int = 256 * 2**20
    kept_output_bytes: int = 64 * 2**10
    cell_output_chars: int = 20_000


@dataclass(frozen=True)
class SandboxStatus:
    available: bool
    reason: str
    bwrap: str | None
    process_limit: str  # "pids cgroup", "RLIMIT_NPROC" or "none"


# --- process and CPU limits: cgroups ---------------------------------------------------------


def _cgroup_v1_root(controller: str) -> Path | None:
    root = Path("/sys/fs/cgroup") / controller
    if (root / "cgroup.procs").exists() and os.access(root, os.W_OK):
        return root
    return None


def _cgroup_v2_root() -> Path | None:
    base = Path("/sys/fs/cgroup")
    if not (base / "cgroup.controllers").exists():
        return None
    try:
        line = next(
            ln for ln in Path("/proc/self/cgroup").read_text().splitlines() if ln.startswith("0::")
        )
    except (OSError, StopIteration):
        return None
    own = base / line[3:].lstrip("/")
    parent = own.parent if own != base else base
    try:
        if "pids" not in (parent / "cgroup.subtree_control").read_text().split():
            return None
    except OSError:
        return None
    return parent if os.access(parent, os.W_OK) else None


class JobCgroup:
    """The cgroups of one submission: a task limit (pids), and a CPU quota where available.

    The pids cgroup is also how every process of the submission is found and killed, and its
    ``pids.events`` tells whether the submission ran into the task limit (a fork bomb).
    """

    def __init__(self, max_pids: int, cpus: float | None = 1.0) -> None:
        name = f"actlab-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.dirs: list[Path] = []
        pids_root = _cgroup_v1_root("pids")
        if pids_root is not None:
            self.pids_dir = self._make(pids_root / name)
            (self.pids_dir / "pids.max").write_text(f"{max_pids}\n")
            cpu_root = _cgroup_v1_root("cpu")
            if cpus and cpu_root is not None:
                try:
                    cpu_dir = self._make(cpu_root / name)
                    period = 100_000
                    (cpu_dir / "cpu.cfs_period_us").write_text(f"{period}\n")
                    (cpu_dir / "cpu.cfs_quota_us").write_text(f"{int(cpus * period)}\n")
                except OSError:
                    pass
        else:
            root = _cgroup_v2_root()
            if root is None:
                raise SandboxUnavailable("JobCgroup: no writable pids cgroup")
            self.pids_dir = self._make(root / name)
            (self.pids_dir / "pids.max").write_text(f"{max_pids}\n")
            if cpus and (self.pids_dir / "cpu.max").exists():
                (self.pids_dir / "cpu.max").write_text(f"{int(cpus * 100_000)} 100000\n")

    def _make(self, path: Path) -> Path:
        path.mkdir()
        self.dirs.append(path)
        return path

    @staticmethod
    def available() -> bool:
        return _cgroup_v1_root("pids") is not None or _cgroup_v2_root() is not None

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def wrap(self, cmd: list[str]) -> list[str]:
        """``cmd`` behind a shell that first moves itself into these cgroups, so that every
        process of the submission is born inside them."""
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
        try:
            for line in (self.pids_dir / "pids.events").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "max":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

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
        for path in reversed(self.dirs):
            for _ in range(200):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    self.kill_all()
                    time.sleep(0.01)


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


def empty_scratch(host: Path, inside: str) -> None:
    """Empty the host directory ``host``, mounted at ``inside`` in a running sandbox.

    The directories that lead to a course mount below ``inside`` (a course cloned under /tmp, say)
    are kept: deleting a mount point from the host would unmount it inside the sandbox. Everything
    else in them goes, so nothing a submission writes there reaches the next one.
    """
    mounts = {host / p.relative_to(inside) for p in course_mounts() if p.is_relative_to(inside)}
    ancestors = {a for m in mounts for a in m.parents if a.is_relative_to(host)}

    def empty(directory: Path) -> None:
        for entry in directory.iterdir():
            if entry in mounts:
                continue
            if entry in ancestors and entry.is_dir() and not entry.is_symlink():
                empty(entry)
            elif entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    empty(host)


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
        rw_binds: more host directories mounted read-write, ``{inside: host}`` (e.g. ``/tmp``
            and ``/dev/shm`` of a sandbox the grader reuses and empties between submissions).
    """
    bwrap = bwrap or _bwrap()
    if poison and empty_file is None:
        raise ValueError("bwrap_command: poison needs empty_file to cover cached bytecode")
    if bwrap is None:
        raise SandboxUnavailable("bwrap_command: bwrap is not installed")
    args = [bwrap, "--tmpfs", "/tmp"]
    # Read-write scratch mounts come first: a later mount hides an earlier one, and the course
    # itself (the venv, the package) may live below /tmp.
    binds = sorted((rw_binds or {}).items())
    for inside, host in binds:
        if not inside.startswith("/dev/"):
            args += ["--bind", str(host), inside]
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
    args += [
        "--bind", str(workdir), SANDBOX_HOME,
        "--proc", "/proc",
        "--dev", "/dev",
        # Scratch space below /dev (/dev/shm) goes after --dev, which would hide it.
        *(a for inside, host in binds if inside.startswith("/dev/")
          for a in ("--bind", str(host), inside)),
        "--unshare-all", "--unshare-user", "--disable-userns",
        "--uid", "65534", "--gid", "65534",
        "--cap-drop", "ALL",
        "--hostname", "grading",
        "--die-with-parent", "--new-session",
        "--chdir", SANDBOX_HOME,
        *argv,
    ]  # fmt: skip
    return args


@functools.lru_cache(maxsize=1)
def sandbox_status() -> SandboxStatus:
    """Whether a sandbox can be made here, and which process limit it gets (cached)."""
    bwrap = _bwrap()
    limit = "pids cgroup" if JobCgroup.available() else ("RLIMIT_NPROC" if os.getuid() else "none")
    if bwrap is None:
        return SandboxStatus(
            False,
            "bwrap (bubblewrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap",
            None,
            limit,
        )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="actlab-sandbox-check-") as tmp:
        cmd = bwrap_command(
            Path(tmp), [sys.executable, "-I", "-c", "import os; print(os.getuid())"]
        )
        try:
            proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return SandboxStatus(False, f"bwrap could not be started: {exc}", bwrap, limit)
    if proc.returncode != 0:
        why = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no message"
        return SandboxStatus(
            False,
            f"bwrap cannot create a sandbox here ({why}); user namespaces may be disabled",
            bwrap,
            limit,
        )
    if limit == "none":
        return SandboxStatus(
            False,
            "no way to limit processes: running as root without a writable pids cgroup "
            "(RLIMIT_NPROC is not enforced for root)",
            bwrap,
            limit,
        )
    return SandboxStatus(True, "ok", bwrap, limit)
