"""The sandbox's pieces: poison modules, and what a sandboxed process can see."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from actlab.grading.sandbox import SANDBOX_HOME, bwrap_command, poison_source, sandbox_status


def _load(source: str) -> types.ModuleType:
    module = types.ModuleType("poisoned")
    exec(compile(source, "poisoned", "exec"), module.__dict__)  # noqa: S102 -- our own text
    return module


def test_poison_keeps_every_public_name_and_refuses_to_work() -> None:
    poisoned = _load(poison_source("actlab.grading._selftest_reference"))
    assert poisoned.__all__ == ["relu", "square"]
    with pytest.raises(RuntimeError, match=r"_selftest_reference\.relu is the reference"):
        poisoned.relu([1.0])


def test_poison_of_a_module_with_classes_and_constants() -> None:
    poisoned = _load(poison_source("actlab.grading.plan"))
    assert poisoned.HIDDEN_BEGIN == "### BEGIN HIDDEN TESTS"  # plain constants survive
    with pytest.raises(RuntimeError, match="unavailable while grading"):
        poisoned.CheckCall("f", (), {}, False, 1)  # classes cannot be instantiated
    with pytest.raises(RuntimeError, match="unavailable while grading"):
        poisoned.load_plan("x")


def test_a_sandboxed_process_sees_only_what_is_bound(tmp_path: Path) -> None:
    status = sandbox_status()
    if not status.available:
        if os.environ.get("CI"):
            pytest.fail(status.reason)
        pytest.skip(status.reason)
    repo = Path(__file__).resolve().parents[1]
    hidden = [repo / "exercises", repo / "tests", repo / ".git", "/etc/shadow", tmp_path.parent]
    import actlab

    # Files the grader's own user owns (the venv, the package): only the read-only mount keeps a
    # submission from changing them, and it must say so (EROFS), as root and as a normal user.
    mine = [Path(sys.prefix) / "pyvenv.cfg", Path(actlab.__file__)]
    mine = [p for p in mine if p.exists() and p.stat().st_uid == os.getuid()]
    assert mine, "no file of the grader's user to try in the venv or the package"
    probe = "\n".join(
        [
            "import errno, os, json",
            f"paths = {[str(p) for p in hidden]!r}",
            "print(json.dumps({p: os.path.exists(p) for p in paths}))",
            "open('written.txt', 'w').write('ok')",
            f"for path in {[str(p) for p in mine]!r} + [os.__file__]:",
            "    try:",
            "        open(path, 'a')",
            "        print(path, 'writable')",
            "    except OSError as exc:",
            "        print(path, errno.errorcode[exc.errno])",
        ]
    )
    work = tmp_path / "work"
    work.mkdir()
    cmd = bwrap_command(work, [sys.executable, "-I", "-c", probe])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    seen, *writes = proc.stdout.splitlines()
    assert "true" not in seen, seen
    for line, path in zip(writes, mine, strict=False):
        assert line == f"{path} EROFS", line
    # The interpreter's own library: read-only too; a file owned by another user (root, for a
    # normal user's grader) is refused by its permissions before the mount is consulted.
    stdlib = Path(os.__file__)
    expected = {"EROFS"} if stdlib.stat().st_uid == os.getuid() else {"EROFS", "EACCES"}
    assert writes[-1].rsplit(" ", 1)[1] in expected, writes[-1]
    assert (work / "written.txt").read_text() == "ok"
    assert SANDBOX_HOME.startswith("/home/")


def _forbidden_modules() -> list[str]:
    import json

    names: set[str] = set()
    for path in (Path(__file__).resolve().parents[1] / "exercises" / "source").glob("*.ipynb"):
        meta = json.loads(path.read_text()).get("metadata", {}).get("actlab", {})
        names.update(meta.get("forbidden", []))
    return sorted(names)


@pytest.mark.parametrize("module", _forbidden_modules())
def test_poison_of_every_forbidden_module_keeps_every_name(module: str) -> None:
    """Other modules import names from a forbidden one (constants, helpers, classes); all must
    still exist, or the package would fail to import in the sandbox."""
    import importlib

    real = importlib.import_module(module)
    poisoned = _load(poison_source(module))
    wanted = {n for n in vars(real) if not (n.startswith("__") and n.endswith("__"))}
    assert wanted <= set(vars(poisoned)), sorted(wanted - set(vars(poisoned)))
    if hasattr(real, "__all__"):
        assert list(poisoned.__all__) == list(real.__all__)
