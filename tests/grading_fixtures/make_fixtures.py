"""Write the grader's fixtures: the self-test source notebook and one submission per attack.

Run ``python tests/grading_fixtures/make_fixtures.py`` after changing an attack below or the
self-test exercise (``actlab.grading.selftest``); ``tests/test_grading_attacks.py`` fails when the
committed files differ from what this script writes.

Each attack submission carries its expectation in the notebook metadata
``actlab_fixture: {attack, expected_points, expected_status, expected_tests}``. Paths that only
exist at test time are written as ``@@NAME@@`` placeholders that the test fills in.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from actlab.grading import selftest
from actlab.grading.notebook import dumps_notebook
from actlab.grading.release import release_notebook

HERE = Path(__file__).resolve().parent
SQUARE_CELL, TEST_SQUARE_CELL, RELU_CELL, TEST_RELU_CELL = 3, 4, 6, 7

GOOD_SQUARE = "def square(x):\n    return x * x"
GOOD_RELU = "def relu(x):\n    return np.maximum(x, 0.0)"


def _solution() -> dict[str, Any]:
    return selftest.solution_notebook()


def _code(source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def _with(
    cells: dict[int, str] | None = None,
    insert: list[tuple[int, str]] | None = None,
    delete: tuple[int, ...] = (),
) -> dict[str, Any]:
    nb = _solution()
    for index, source in (cells or {}).items():
        nb["cells"][index]["source"] = source
    for index, source in sorted(insert or [], reverse=True):
        nb["cells"].insert(index, _code(source))
    for index in sorted(delete, reverse=True):
        del nb["cells"][index]
    return nb


ATTACKS: dict[str, tuple[str, Any, float, str, dict[str, float]]] = {}


def attack(
    name: str, what: str, nb: Any, points: float, status: str = "graded", **tests: float
) -> None:
    ATTACKS[name] = (what, nb, points, status, tests)


attack("solution", "the instructor's solutions", _solution(), 3)
attack("release", "the release, untouched", release_notebook(selftest.source_notebook()), 0)

attack(
    "tamper_asserts_and_eq",
    "monkeypatch numpy's asserts, np.allclose and the check helpers; return objects whose == "
    "is always True",
    _with(
        cells={
            SQUARE_CELL: (
                "import numpy.testing as npt\n"
                "import actlab.grading.spec as spec\n"
                "class AlwaysEqual:\n"
                "    def __eq__(self, other): return True\n"
                "    def __ne__(self, other): return False\n"
                "    __array_priority__ = 1000\n"
                "for _name in dir(npt):\n"
                "    if _name.startswith('assert'):\n"
                "        setattr(npt, _name, lambda *a, **k: None)\n"
                "np.allclose = lambda *a, **k: True\n"
                "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
                "spec.as_plain = lambda value, what: value\n"
                "spec.check = lambda *a, **k: print('passed')\n"
                "def square(x):\n"
                "    return AlwaysEqual()"
            ),
            RELU_CELL: "def relu(x):\n    return np.array([AlwaysEqual()] * len(x), dtype=object)",
        }
    ),
    0,
)

attack(
    "input_transformer",
    "an IPython input transformer that blanks every later cell (so the tests never run)",
    _with(
        cells={
            SQUARE_CELL: (
                "def square(x):\n    return x\n"
                "get_ipython().input_transformers_cleanup.append(lambda lines: [])"
            )
        }
    ),
    0,
)

attack(
    "deleted_and_edited_tests",
    "delete the square test and replace the relu test by `pass`, with a wrong relu",
    _with(
        cells={
            RELU_CELL: "def relu(x):\n    return np.abs(x)",
            TEST_RELU_CELL: '"""Check relu"""\npass',
        },
        delete=(TEST_SQUARE_CELL,),
    ),
    1,
    test_square=1,
    test_relu=0,
)

attack(
    "read_source_from_disk",
    "look for the source notebook (hidden tests, solutions) on disk and run its solutions",
    _with(
        cells={
            SQUARE_CELL: (
                "import glob, json, os\n"
                "_found = []\n"
                "for _pattern in ['@@SOURCE@@', '@@SOURCE_DIR@@/*.ipynb', '@@REPO@@/exercises/source/*.ipynb',\n"
                "                 '/work/**/00_selftest.ipynb', '/home/**/*.ipynb', '/tmp/**/*.ipynb']:\n"
                "    _found += glob.glob(_pattern, recursive=True)\n"
                "for _path in _found:\n"
                "    try:\n"
                "        _nb = json.load(open(_path))\n"
                "    except (OSError, ValueError):\n"
                "        continue\n"
                "    for _cell in _nb.get('cells', []):\n"
                "        _src = ''.join(_cell.get('source', ''))\n"
                "        if 'BEGIN SOLUTION' in _src:\n"
                "            exec(_src, globals())\n"
                "print('found', _found)"
            ),
            RELU_CELL: "pass",
        }
    ),
    0,
)

attack(
    "import_reference",
    "import the reference implementation (module, cached bytecode, source file by path)",
    _with(
        cells={
            SQUARE_CELL: "from actlab.grading._selftest_reference import square",
            RELU_CELL: (
                "import glob, importlib.util, marshal, os\n"
                "import actlab.grading._selftest_reference as _ref\n"
                "_dir = os.path.dirname(_ref.__file__)\n"
                "relu = _ref.relu\n"
                "for _pyc in glob.glob(_dir + '/__pycache__/_selftest_reference*.pyc'):\n"
                "    try:\n"
                "        _code = marshal.loads(open(_pyc, 'rb').read()[16:])\n"
                "        _ns = {}\n"
                "        exec(_code, _ns)\n"
                "        relu = _ns['relu']\n"
                "    except Exception as exc:\n"
                "        print('pyc', type(exc).__name__)\n"
                "_spec = importlib.util.spec_from_file_location('_r', _dir + '/_selftest_reference.py')\n"
                "_mod = importlib.util.module_from_spec(_spec)\n"
                "_spec.loader.exec_module(_mod)\n"
                "if 'unavailable' not in open(_dir + '/_selftest_reference.py').read():\n"
                "    relu = _mod.relu"
            ),
        }
    ),
    0,
)

attack(
    "write_outside_workdir",
    "overwrite the grades file, another student's submission and feedback, and /tmp",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import os\n"
                    "for _path in ['@@GRADES@@', '@@GRADES@@.journal', '@@OTHER@@',\n"
                    "              '@@FEEDBACK@@/forged.txt', '@@CANARY@@']:\n"
                    "    try:\n"
                    "        os.makedirs(os.path.dirname(_path), exist_ok=True)\n"
                    "        with open(_path, 'w') as _fh:\n"
                    "            _fh.write('submission,points\\nforged.ipynb,100\\n')\n"
                    "        print('wrote', _path)\n"
                    "    except OSError as exc:\n"
                    "        print('could not write', _path, type(exc).__name__)"
                ),
            )
        ]
    ),
    3,
)

attack(
    "while_true",
    "an infinite loop (interruptible) in the relu cell",
    _with(cells={RELU_CELL: "while True:\n    pass\n" + GOOD_RELU}),
    1,
    test_square=1,
    test_relu=0,
)

attack(
    "swallow_keyboard_interrupt",
    "a loop that swallows KeyboardInterrupt in the relu cell: the kernel must be killed",
    _with(
        cells={
            RELU_CELL: (
                "import signal, time\n"
                "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n"
                "    try:\n"
                "        time.sleep(0.05)\n"
                "    except BaseException:\n"
                "        pass\n" + GOOD_RELU
            )
        }
    ),
    1,
    "timeout",
    test_square=1,
    test_relu=0,
)

attack(
    "slow_function",
    "a relu that never returns when the test calls it",
    _with(cells={RELU_CELL: "import time\ndef relu(x):\n    time.sleep(10**6)"}),
    1,
    test_square=1,
    test_relu=0,
)

attack(
    "os_exit",
    "os._exit(0) in the relu cell",
    _with(cells={RELU_CELL: "import os\nos._exit(0)\n" + GOOD_RELU}),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "segfault",
    "a segfault through ctypes in the relu cell",
    _with(cells={RELU_CELL: "import ctypes\nctypes.string_at(0)\n" + GOOD_RELU}),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "fork_bomb",
    "a fork bomb in the relu cell",
    _with(
        cells={
            RELU_CELL: (
                "import os\n"
                "while True:\n"
                "    try:\n"
                "        os.fork()\n"
                "    except OSError:\n"
                "        pass\n" + GOOD_RELU
            )
        }
    ),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "unbounded_allocation",
    "allocate memory without limit in the relu cell",
    _with(
        cells={
            RELU_CELL: (
                "_hoard = []\nwhile True:\n    _hoard.append(np.zeros(2**27))\n" + GOOD_RELU
            )
        }
    ),
    1,
    test_square=1,
    test_relu=0,
)

attack(
    "print_megabytes",
    "print 40 MB through sys.stdout and 40 MB straight to file descriptor 1",
    _with(
        cells={
            SQUARE_CELL: "print('x' * 40_000_000)\n" + GOOD_SQUARE,
            RELU_CELL: "import os\nfor _ in range(40):\n    os.write(1, b'y' * 1_000_000)\n"
            + GOOD_RELU,
        }
    ),
    3,
)

SABOTAGE_DAEMON = (
    "import glob, time\n"
    "while True:\n"
    "    for f in glob.glob('/home/student/out/*') + glob.glob('/home/student/*.json'):\n"
    "        try:\n"
    "            open(f, 'wb').write(b'garbage')\n"
    "        except OSError:\n"
    "            pass\n"
    "    time.sleep(0.01)\n"
)

attack(
    "sabotage_next_submission",
    "leave an IPython startup file, files in /tmp and /dev/shm, and daemons that overwrite the "
    "next submission's outputs (graded alone it scores 0: it answers nothing)",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import os, pathlib, subprocess, sys\n"
                    "_startup = pathlib.Path.home() / '.ipython/profile_default/startup'\n"
                    "_startup.mkdir(parents=True, exist_ok=True)\n"
                    "(_startup / '00-sabotage.py').write_text("
                    "'import numpy as np\\nnp.maximum = lambda a, b: a * 0 - 1\\n')\n"
                    "for _d in ['/tmp', '/dev/shm']:\n"
                    "    try:\n"
                    "        open(_d + '/sabotage.py', 'w').write('x')\n"
                    "    except OSError:\n"
                    "        pass\n"
                    f"_code = {SABOTAGE_DAEMON!r}\n"
                    "subprocess.Popen([sys.executable, '-c', _code], start_new_session=True,\n"
                    "                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n"
                    "                 stderr=subprocess.DEVNULL)\n"
                    "if os.fork() == 0:\n"
                    "    os.setsid()\n"
                    "    if os.fork() == 0:\n"
                    "        time = __import__('time'); time.sleep(1.5)\n"
                    "        exec(_code)\n"
                    "    os._exit(0)"
                ),
            )
        ],
        cells={
            SQUARE_CELL: "def square(x):\n    raise NotImplementedError()",
            RELU_CELL: "def relu(x):\n    raise NotImplementedError()",
        },
    ),
    0,
)

attack(
    "reach_the_forkserver",
    "from the kernel, ptrace its parent and open its memory, environment and reply pipe",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import ctypes, json, os\n"
                    "_ppid = os.getppid()\n"
                    "_libc = ctypes.CDLL(None, use_errno=True)\n"
                    "_report = {'ptrace': _libc.ptrace(16, _ppid, 0, 0)}\n"
                    "for _what, _mode in [('mem', 'rb'), ('environ', 'rb'), ('fd/1', 'wb')]:\n"
                    "    try:\n"
                    "        _fh = open(f'/proc/{_ppid}/{_what}', _mode)\n"
                    "        _report[_what] = 'opened'\n"
                    "        if _what == 'fd/1':\n"
                    "            _fh.write(json.dumps({'exit': 0}).encode() + b'\\n')\n"
                    "            _fh.flush()\n"
                    "    except OSError as exc:\n"
                    "        _report[_what] = type(exc).__name__\n"
                    "print(_report)"
                ),
            )
        ]
    ),
    3,
)

attack(
    "kill_the_forkserver",
    "kill the kernel's parent process (SIGKILL) in the relu cell",
    _with(
        cells={
            RELU_CELL: "import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\n"
            "time.sleep(2)\n" + GOOD_RELU
        }
    ),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "fifos_and_symlinks",
    "after the tests, turn the progress file into a FIFO and the relu outputs into a FIFO and "
    "symlinks to files of the grader's machine (a blocking or misdirected read by the grader)",
    _with(
        insert=[
            (
                TEST_RELU_CELL + 1,
                (
                    "import glob, os\n"
                    "os.remove('progress.jsonl')\n"
                    "os.mkfifo('progress.jsonl')\n"
                    "for _i, _path in enumerate(sorted(glob.glob('out/test_relu.*'))):\n"
                    "    os.remove(_path)\n"
                    "    if _i == 0:\n"
                    "        os.mkfifo(_path)\n"
                    "    else:\n"
                    "        os.symlink('@@OTHER@@' if _i == 1 else '/etc/passwd', _path)"
                ),
            )
        ]
    ),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "find_leftovers",
    "a submission whose square is right only if nothing of an earlier submission is left in its "
    "home, /tmp or /dev/shm (graded right after sabotage_next_submission in the same sandbox)",
    _with(
        cells={
            SQUARE_CELL: "import os\n"
            "_left = [p for p in ['/tmp/sabotage.py', '/dev/shm/sabotage.py',\n"
            "         os.path.expanduser('~/.ipython/profile_default/startup/00-sabotage.py')]\n"
            "         if os.path.exists(p)]\n"
            "def square(x):\n"
            "    return x * x if not _left else x"
        }
    ),
    3,
)

MALFORMED: dict[str, tuple[str, bytes]] = {
    "malformed_json": ("a file that is not JSON", b'{"cells": [ this is not json'),
    "wrong_nbformat": (
        "a version-3 notebook",
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}).encode(),
    ),
}


def _other_exercise() -> dict[str, Any]:
    nb = _solution()
    nb["metadata"]["actlab"]["exercise"] = "01_dense_layer"
    return nb


attack("other_exercise", "another exercise's notebook", _other_exercise(), 0, "invalid")


def fixture_files() -> dict[str, bytes]:
    """Every fixture file, by path relative to this directory."""
    files = {"source/00_selftest.ipynb": dumps_notebook(selftest.source_notebook()).encode()}
    for name, (what, nb, points, status, tests) in ATTACKS.items():
        nb = copy.deepcopy(nb)
        nb["metadata"]["actlab_fixture"] = {
            "attack": what,
            "expected_points": points,
            "expected_status": status,
            "expected_tests": tests,
        }
        files[f"attacks/{name}.ipynb"] = dumps_notebook(nb).encode()
    expectations = {
        name: {"attack": what, "expected_points": 0, "expected_status": "invalid"}
        for name, (what, _) in MALFORMED.items()
    }
    for name, (_, data) in MALFORMED.items():
        files[f"attacks/{name}.ipynb"] = data
    files["attacks/expected_invalid.json"] = (
        json.dumps(expectations, indent=1, sort_keys=True) + "\n"
    ).encode()
    return files


def main() -> None:
    for rel, data in fixture_files().items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(HERE)}")


if __name__ == "__main__":
    main()
