"""The static scan: forbidden shortcuts in what an answer uses, and tampering anywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from actlab.grading.shortcuts import NO_OVERFLOW_ITEMS, scan_cells


@dataclass(frozen=True)
class _Call:
    objects: tuple[str, ...]


@dataclass(frozen=True)
class _Test:
    grade_id: str
    calls: tuple[_Call, ...]
    forbidden: tuple[str, ...] = ()
    no_overflow: bool = False


TANH = _Test("test_tanh", (_Call(("tanh",)),), ("scipy", "torch", "numpy.tanh", "numpy.sinh"), True)
MODULE = _Test(
    "test_module",
    (_Call(("PReLU",)),),
    ("torch.nn.PReLU", "torch.nn.functional.prelu", "torch.autograd", ".backward"),
)


def _cells(*sources: str, kinds: tuple[str, ...] | None = None, test: str = "test_tanh") -> list:
    kinds = kinds or tuple("student" for _ in sources)
    cells = [
        {"index": i, "label": f"code cell {i + 1}", "source": s, "kind": k, "grade_id": None}
        for i, (s, k) in enumerate(zip(sources, kinds, strict=True))
    ]
    cells.append(
        {"index": len(cells), "label": "test", "source": "", "kind": "probe", "grade_id": test}
    )
    return cells


def _found(cells: list, test: _Test = TANH) -> list[str]:
    return [f.text() for f in scan_cells(cells, [test]).per_test.get(test.grade_id, [])]


def _tampering(cells: list) -> list[str]:
    return [f.text() for f in scan_cells(cells, [TANH]).tamper]


SETUP = "import numpy as np"


@pytest.mark.parametrize(
    ("answer", "item"),
    [
        ("def tanh(x):\n    return np.tanh(x)", "numpy.tanh"),
        ("from numpy import tanh as t\ndef tanh(x):\n    return t(x)", "numpy.tanh"),
        ("import numpy\ndef tanh(x):\n    return numpy.core.umath.tanh(x)", "numpy.tanh"),
        ("def tanh(x):\n    return getattr(np, 'tanh')(x)", "numpy.tanh"),
        ("def tanh(x):\n    import scipy.special\n    return 2 * scipy.special.expit(2 * x) - 1", "scipy"),
        ("import torch as T\ndef tanh(x):\n    return T.tanh(T.from_numpy(x)).numpy()", "torch"),
        ("from numpy import *\ndef tanh(x):\n    return sinh(x) / cosh(x)", "numpy.sinh"),
        ("tanh = np.tanh", "numpy.tanh"),
    ],
)  # fmt: skip
def test_a_forbidden_name_in_the_answer_is_found(answer: str, item: str) -> None:
    found = _found(_cells(SETUP, answer, kinds=("locked", "student")))
    assert any(text.startswith(item) for text in found), found


def test_silencing_floating_point_errors_counts_as_the_overflow() -> None:
    for answer in (
        "def tanh(x):\n    with np.errstate(all='ignore'):\n        return x",
        "@np.errstate(over='ignore')\ndef tanh(x):\n    return x",
        "import warnings\ndef tanh(x):\n    warnings.simplefilter('ignore')\n    return x",
    ):
        found = _found(_cells(SETUP, answer, kinds=("locked", "student")))
        assert found and "turns floating-point errors off" in found[0], (answer, found)
    assert "numpy.errstate" in NO_OVERFLOW_ITEMS


def test_what_the_answer_uses_is_followed_across_cells() -> None:
    cells = _cells(
        SETUP,
        "def tanh(x):\n    return _helper(x)",
        "def _helper(x):\n    return _impl(x)",  # later cell, before the test
        "_impl = np.tanh",
        kinds=("locked", "student", "student", "student"),
    )
    found = _found(cells)
    assert found and "code cell 4" in found[0]


def test_scratch_code_the_answer_does_not_use_is_allowed() -> None:
    cells = _cells(
        SETUP,
        "def tanh(x):\n    e = np.expm1(-2 * np.abs(x))\n    return np.sign(x) * (-e / (2 + e))",
        "import scipy.special\nprint(np.max(np.abs(tanh(np.ones(3)) - np.tanh(np.ones(3)))))",
        "%timeit tanh(np.ones(3))",
        "x = np.linspace(-3, 3, 7)\nprint(tanh(x))",
        kinds=("locked", "student", "student", "student", "student"),
    )
    assert _found(cells) == []
    assert _tampering(cells) == []


def test_a_star_import_counts_only_for_the_names_the_answer_reads() -> None:
    cells = _cells(
        SETUP,
        "from numpy import *\ndef tanh(x):\n    return -expm1(-2 * x) / (1 + exp(-2 * x))",
        kinds=("locked", "student"),
    )
    assert _found(cells) == []


def test_only_the_last_definition_before_the_test_counts() -> None:
    cells = _cells(
        SETUP,
        "def tanh(x):\n    return np.tanh(x)",  # a first try...
        "def tanh(x):\n    return x",  # ...replaced before the test
        kinds=("locked", "student", "student"),
    )
    assert _found(cells) == []


def test_names_built_at_run_time_cannot_be_checked() -> None:
    found = _found(
        _cells(
            SETUP,
            "def tanh(x):\n    return getattr(np, 'ta' + 'nh')(x)",
            kinds=("locked", "student"),
        )
    )
    assert found and "a name built at run time" in found[0]


def test_subclassing_and_wrapping_a_forbidden_class_is_found() -> None:
    setup = "import torch\nfrom torch import nn\nimport torch.nn.functional as F"
    for answer in (
        "class PReLU(nn.PReLU):\n    pass",
        "from torch.nn.modules.activation import PReLU as _P\nclass PReLU(_P):\n    pass",
        "class PReLU(nn.Module):\n    def forward(self, x):\n        return F.prelu(x, self.w)",
        "class PReLU(nn.Module):\n    def forward(self, x):\n        return torch.prelu(x, self.w)",
        "PReLU = type('PReLU', (nn.PReLU,), {})",
    ):
        found = _found(
            _cells(setup, answer, kinds=("locked", "student"), test="test_module"), MODULE
        )
        assert found, answer


def test_method_items_match_any_receiver() -> None:
    setup = "import torch\nfrom torch import nn"
    answer = "class PReLU(nn.Module):\n    def grad(self, x):\n        x.sum().backward()"
    found = _found(_cells(setup, answer, kinds=("locked", "student"), test="test_module"), MODULE)
    assert found and found[0].startswith("backward")


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("exec('x = 1')", "uses exec"),
        ("import ctypes", "imports ctypes"),
        ("import gc\ngc.collect()", "imports gc"),
        ("import sys\nsys.modules['numpy'] = None", "uses sys.modules"),
        ("import sys\nf = sys._getframe()", "uses _getframe"),
        ("def f():\n    pass\nf.__code__ = None", "uses __code__"),
        ("import actlab.grading.probe as p", "imports the grading machinery"),
        ("from actlab.grading.spec import run_probe", "imports the grading machinery"),
        ("np.allclose = lambda *a, **k: True", "modifies numpy"),
        ("setattr(np, 'exp', abs)", "modifies numpy"),
        ("globals()['tanh'] = abs", "uses globals()"),
        ("get_ipython().user_ns['tanh'] = abs", "uses the IPython shell"),
        ("%run other.py", "runs the %run magic"),
        ("!ls", "uses the IPython shell"),
        ("open('/proc/self/mem', 'rb')", "/proc"),
    ],
)
def test_tampering_is_found_anywhere(source: str, what: str) -> None:
    found = _tampering(_cells(SETUP, source, kinds=("locked", "student")))
    assert any(what in text for text in found), found


def test_the_course_cells_are_not_scanned_and_check_may_be_imported() -> None:
    cells = _cells(
        "import numpy as np\nimport gc",  # the instructor's locked cell
        "from actlab.grading import check\ncheck('tanh', tanh)",
        kinds=("locked", "student"),
    )
    assert _tampering(cells) == []


def test_a_long_chain_of_aliases_is_followed_in_linear_time() -> None:
    """10,000 aliases, the first a forbidden function, then 30,000 filler statements: the scan
    used to look each name up from the end of the notebook (minutes, in the grader's process and
    outside every time limit, holding the lock every scan needs). It must find the shortcut
    quickly."""
    import time

    chain = "_a0 = np.tanh\n" + "".join(f"_a{i} = _a{i - 1}\n" for i in range(1, 10_000))
    answer = chain + "pass\n" * 30_000 + "def tanh(x):\n    return _a9999(x)\n"
    start = time.monotonic()
    found = _found(_cells(SETUP, answer, kinds=("locked", "student")))
    assert any(text.startswith("numpy.tanh") for text in found), found
    assert time.monotonic() - start < 10


@pytest.mark.parametrize(
    "code", ["x = " + "+".join(["1"] * 5000), "x = " + "-" * 5000 + "1", "x = " + "-" * 100_000 + "1"]
)
def test_code_too_deep_to_parse_voids_the_notebook(code: str) -> None:
    """The parser gives up (RecursionError, MemoryError), but a kernel that raised its recursion
    limit may run the cell: what it holds cannot be checked, so it counts as interference, in
    the row of a grade rather than a failure of the grader's own."""
    found = _tampering(_cells(SETUP, "def tanh(x):\n    return x", code))
    assert found == ["holds code nested too deeply for the grader to read (code cell 3)"]


def test_more_code_than_the_grader_reads_voids_the_notebook() -> None:
    """10 MB of ``x=1`` lines took the grader's parser 6 GB and 30 s; past 512 KiB of student
    code the scan reads nothing and the notebook is void (a long string stands in for the lines
    here, which would cost the test seconds to parse)."""
    big = "s = '" + "x" * 600 * 2**10 + "'\n"
    answer = "def tanh(x):\n    return x"
    found = _tampering(_cells(SETUP, answer, big, kinds=("locked", "student", "student")))
    assert found == ["holds more than 512 KiB of code, more than the grader reads (a cell)"]
    # the locked cells of the source do not count
    assert _tampering(_cells(big, answer, kinds=("locked", "student"))) == []
