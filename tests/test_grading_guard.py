"""The kernel's run-time checks: forbidden calls during a probe, and tampering.

An audit hook cannot be removed once installed, so each case runs in a fresh interpreter. Code
compiled under the name the kernel gives a student's cell counts as the student's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HARNESS = textwrap.dedent(
    """
    import json, sys
    from actlab.grading.guard import ProbeGuard, install_audit_hook

    class Replies:
        sent = []
        def send(self, header, payload=b""):
            self.sent.append(header)

    replies = Replies()
    install_audit_hook(replies)
    student = {"__name__": "__main__"}
    exec(compile(STUDENT, "<cell student 1>", "exec"), student)
    guard = ProbeGuard(ITEMS)
    with guard:
        guard.check_objects([student[name] for name in OBJECTS])
        for call in CALLS:
            try:
                eval(compile(call, "<probe>", "eval"), student)
            except Exception as exc:
                print("raised", type(exc).__name__, file=sys.stderr)
    print(json.dumps({"violations": list(guard.violations), "audits": replies.sent}))
    """
)


def _run(student: str, items: list[str], calls: list[str], objects: list[str] = ()) -> dict:
    script = (
        f"STUDENT = {student!r}\nITEMS = {items!r}\nCALLS = {calls!r}\nOBJECTS = {list(objects)!r}\n"
        + HARNESS
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(proc.stdout.splitlines()[-1])


TORCH_ITEMS = ["torch.nn.PReLU", "torch.nn.functional.prelu", "torch.nn.functional.leaky_relu"]


def test_calls_to_forbidden_functions_are_seen_through_any_name() -> None:
    student = textwrap.dedent(
        """
        import torch
        import torch.nn.functional as F
        name = "pre" + "lu"
        def f(x):
            return getattr(F, name)(x, torch.tensor([0.25]))
        def g(x):
            return getattr(F, "leaky" + "_relu")(x, 0.1)
        def honest(x):
            return torch.where(x > 0, x, 0.25 * x)
        """
    )
    calls = ["f(__import__('torch').ones(3))", "g(__import__('torch').ones(3))"]
    found = _run(student, TORCH_ITEMS, calls)["violations"]
    assert "torch.nn.functional.prelu (called while the test ran)" in found
    assert "torch.nn.functional.leaky_relu (called while the test ran)" in found
    assert _run(student, TORCH_ITEMS, ["honest(__import__('torch').ones(3))"])["violations"] == []


def test_a_class_deriving_from_a_forbidden_one_is_seen() -> None:
    student = textwrap.dedent(
        """
        from torch import nn
        Base = getattr(nn, "PR" + "eLU")
        class PReLU(Base):
            pass
        class Honest(nn.Module):
            pass
        """
    )
    found = _run(student, TORCH_ITEMS, [], ["PReLU"])["violations"]
    assert found == ["torch.nn.PReLU (PReLU derives from it)"]
    assert _run(student, TORCH_ITEMS, [], ["Honest"])["violations"] == []


def test_instantiating_a_forbidden_class_in_the_answer_is_seen() -> None:
    student = "import torch\ndef f():\n    return getattr(torch.nn, 'PR' + 'eLU')()"
    found = _run(student, TORCH_ITEMS, ["f()"])["violations"]
    assert "torch.nn.PReLU (called while the test ran)" in found


def test_imports_of_a_forbidden_module_during_the_probe_are_seen() -> None:
    student = "def f():\n    return __import__('col' + 'orsys').rgb_to_hsv(0.1, 0.2, 0.3)"
    found = _run(student, ["colorsys"], ["f()"])["violations"]
    assert "colorsys (imported while the test ran)" in found


def test_silencing_floating_point_errors_is_seen() -> None:
    student = textwrap.dedent(
        """
        import numpy as np
        def f(x):
            with getattr(np, "err" + "state")(all="ignore"):
                return 1 / (1 + np.exp(-x))
        """
    )
    found = _run(student, ["numpy.errstate"], ["f(__import__('numpy').ones(2))"])["violations"]
    assert "numpy.errstate (called while the test ran)" in found


def test_turning_the_profiler_off_is_itself_a_violation() -> None:
    student = "import sys\ndef f():\n    sys.setprofile(None)"
    result = _run(student, TORCH_ITEMS, ["f()"])
    assert any("profiler off" in v for v in result["violations"])
    assert {"audit": "sys.setprofile", "detail": ""} in result["audits"]


def test_tampering_events_are_reported_at_once() -> None:
    student = textwrap.dedent(
        """
        import gc
        def f():
            return len(gc.get_objects())
        def g():
            def h():
                pass
            h.__code__ = (lambda: None).__code__
        """
    )
    audits = _run(student, [], ["f()", "g()"])["audits"]
    events = [a["audit"] for a in audits]
    assert "gc.get_objects" in events and "object.__setattr__" in events


def test_library_code_is_not_the_students() -> None:
    # numpy uses errstate internally (np.isclose); only the student's own direct calls count
    student = "import numpy as np\ndef f(x):\n    return np.isclose(x, x)"
    assert _run(student, ["numpy.errstate"], ["f(__import__('numpy').ones(2))"])["violations"] == []
