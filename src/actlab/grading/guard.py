"""Run-time checks inside the graded kernel: forbidden calls during a probe, and tampering.

These checks run in the student's process, so a determined student can defeat them; they back up
the static scan the grader makes of the submission (:mod:`actlab.grading.shortcuts`), which the
student cannot touch, and they see what a static scan cannot: names built at run time.

* :class:`ProbeGuard`, around each probe call of a question that forbids shortcuts:

  - a profile hook (``sys.setprofile``) records every call the student's own code makes directly to
    a forbidden function, method or class (torch's ``prelu``, ``nn.PReLU.__init__``,
    ``np.errstate.__enter__``, any function of a forbidden module such as ``scipy``);
  - the audit hook records every import of a forbidden module;
  - the objects under test are checked: a class that derives from a forbidden class, or that holds a
    forbidden function as an attribute, is a violation.

  numpy's and scipy's ufuncs are not Python functions and a profile hook does not see them: the
  static scan is what finds ``np.tanh``.

* :func:`install_audit_hook`, once per kernel, before any student code: an audit hook (which cannot
  be removed) reports to the grader, at once, the events with which code reaches into the kernel's
  own machinery when the student's code causes them: ``sys.setprofile`` and ``sys.settrace``,
  ``gc.get_objects`` and its kin, replacing a function's code, building functions or code objects,
  loading libraries through ``ctypes``, and opening a process's memory through ``/proc``.

A code object belongs to the student when its file name starts with
:data:`STUDENT_CELL`: the kernel names the code of each student cell so.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["ProbeGuard", "install_audit_hook", "resolve"]

STUDENT_CELL = "<cell student "

_TAMPER_EVENTS = frozenset(
    {
        "sys.setprofile",
        "sys.settrace",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "object.__setattr__",
        "function.__new__",
        "code.__new__",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.cdata",
    }
)
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "__code__"})
_state: dict[str, Any] = {"guard": None}


def _is_student(frame: Any) -> bool:
    return frame is not None and frame.f_code.co_filename.startswith(STUDENT_CELL)


def install_audit_hook(replies: Any) -> None:
    """Install the kernel's audit hook; ``replies`` is where tampering is reported (at once)."""
    getframe = sys._getframe
    busy = threading.local()
    send = replies.send
    state = _state

    def student_caller(depth: int) -> bool:
        frame = getframe(2)  # the frame that raised the event
        for _ in range(depth):
            if frame is None:
                return False
            if _is_student(frame):
                return True
            frame = frame.f_back
        return False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "import":
            guard = state["guard"]
            if guard is not None and args:
                guard.imported(str(args[0]))
            return
        if event == "open":
            path = args[0] if args else None
            if isinstance(path, str) and path.startswith("/proc/") and path.endswith("/mem"):
                send({"audit": event, "detail": f"opens {path}"})
            return
        watched = event in _TAMPER_EVENTS
        if not watched and not (
            event == "object.__getattr__" and len(args) > 1 and args[1] in _FRAME_ATTRIBUTES
        ):
            return
        if getattr(busy, "on", False):
            return
        busy.on = True
        try:
            depth = 4 if event.startswith("ctypes.") else 1
            if student_caller(depth):
                detail = args[1] if event.startswith("object.") and len(args) > 1 else ""
                send({"audit": event, "detail": str(detail)[:200]})
        except Exception:  # noqa: BLE001, S110 -- an audit hook must never raise into the kernel
            pass
        finally:
            busy.on = False

    sys.addaudithook(hook)


def resolve(item: str) -> Any:
    """The object a forbidden item names (``"torch.nn.PReLU"``), from modules already imported;
    ``None`` when it cannot be found that way (a module not imported yet cannot be in use)."""
    parts = item.split(".")
    for i in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is None:
            continue
        obj: Any = module
        for name in parts[i:]:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj
    return None


class ProbeGuard:
    """Records the forbidden items the student's code uses while a probe calls it.

    Args:
        items: the question's forbidden items (``"scipy"``, ``"torch.nn.PReLU"``,
            ``"numpy.errstate"``); items that start with a dot (methods, found statically) are
            ignored here.
    """

    def __init__(self, items: Iterable[str]) -> None:
        self.items = [i for i in items if i and not i.startswith(".")]
        self.violations: dict[str, None] = {}
        self.modules: tuple[str, ...] = ()
        self.codes: dict[Any, str] = {}
        self.builtins: dict[int, str] = {}
        self.classes: dict[type, str] = {}
        self._previous: Any = None

    def _resolve(self) -> None:
        modules = []
        for item in self.items:
            obj = resolve(item)
            if obj is None or type(obj).__name__ == "module":
                modules.append(item)
                continue
            if isinstance(obj, type):
                self.classes[obj] = item
                for value in vars(obj).values():
                    code = getattr(value, "__code__", None)
                    if code is not None:
                        self.codes[code] = item
                continue
            code = getattr(obj, "__code__", None)
            if code is not None:
                self.codes[code] = item
            else:
                self.builtins[id(obj)] = item
        self.modules = tuple(modules)

    def _module_item(self, name: str | None) -> str | None:
        if not name:
            return None
        for item in self.modules:
            if name == item or name.startswith(item + "."):
                return item
        return None

    def imported(self, name: str) -> None:
        item = self._module_item(name)
        if item is not None:
            self.violations.setdefault(f"{item} (imported while the test ran)", None)

    def _profile(self, frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            code = frame.f_code
            item = self.codes.get(code)
            if item is None and self.modules:
                item = self._module_item(frame.f_globals.get("__name__"))
            if item is not None and _is_student(frame.f_back):
                self.violations.setdefault(f"{item} (called while the test ran)", None)
        elif event == "c_call":
            item = self.builtins.get(id(arg))
            if item is None and self.modules:
                owner = getattr(arg, "__self__", None)
                name = (
                    getattr(owner, "__name__", None) if type(owner).__name__ == "module" else None
                )
                item = self._module_item(name or getattr(arg, "__module__", None))
            if item is not None and _is_student(frame):
                self.violations.setdefault(f"{item} (called while the test ran)", None)

    def check_objects(self, objects: Iterable[Any]) -> None:
        """A class under test must not derive from a forbidden class or hold a forbidden function."""
        for obj in objects:
            if not isinstance(obj, type):
                continue
            for base in obj.__mro__[1:]:
                item = self.classes.get(base)
                if item is not None:
                    self.violations.setdefault(f"{item} ({obj.__name__} derives from it)", None)
            for klass in obj.__mro__:
                if klass.__module__ not in ("__main__", "builtins") and klass is not obj:
                    continue
                for name, value in vars(klass).items():
                    code = getattr(value, "__code__", None)
                    item = (
                        self.codes.get(code) if code is not None else self.builtins.get(id(value))
                    )
                    if item is not None:
                        self.violations.setdefault(f"{item} (as {obj.__name__}.{name})", None)

    def __enter__(self) -> ProbeGuard:  # noqa: PYI034
        self._resolve()
        _state["guard"] = self
        self._previous = sys.getprofile()
        threading.setprofile(self._profile)
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        replaced = sys.getprofile() != self._profile
        sys.setprofile(self._previous)
        threading.setprofile(None)  # type: ignore[arg-type]
        _state["guard"] = None
        if replaced:
            self.violations.setdefault(
                "sys.setprofile (the answer turned the grader's call profiler off)", None
            )
