"""Write the grader's fixtures: the self-test source notebook and one submission per attack.

Run ``python tests/grading_fixtures/make_fixtures.py`` after changing an attack below, the
self-test exercise (``actlab.grading.selftest``) or the source of exercise 02, 04 or 08;
``tests/test_grading_attacks.py`` fails when the committed files differ from what this script writes.

Two sets:

* ``attacks/``: submissions of the built-in self-test exercise (``00_selftest``), one per attack on
  the grader itself (limits, isolation, provenance, robustness);
* ``exercise_attacks/NAME/``: submissions of exercises 02, 04 and 08, the library shortcuts each question
  forbids, outputs forged without doing the work, and honest answers that must keep full marks.

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
from actlab.grading.languages import language_view
from actlab.grading.notebook import dumps_notebook, grade_id, read_notebook
from actlab.grading.release import release_notebook, release_views

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
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
    base: dict[str, Any] | None = None,
) -> dict[str, Any]:
    nb = copy.deepcopy(base) if base is not None else _solution()
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
    "a segfault through ctypes in the relu cell (ctypes reaches into the kernel: every question "
    "is void)",
    _with(cells={RELU_CELL: "import ctypes\nctypes.string_at(0)\n" + GOOD_RELU}),
    0,
    "crashed",
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
    "allocate (and touch) memory without limit in the relu cell, ignoring interrupts",
    _with(
        cells={
            RELU_CELL: (
                "_hoard = []\n"
                "while True:\n"
                "    try:\n"
                "        _hoard.append(np.ones(2**24))\n"
                "    except KeyboardInterrupt:\n"
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
    "reach_the_supervisor",
    "from the kernel, ptrace its parent and open its memory, environment and reply pipe (with "
    "ctypes: every question is void; the next submission in the sandbox is unharmed)",
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
    0,
)

attack(
    "kill_the_supervisor",
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
    "before and after the tests, fill the home and /tmp with FIFOs and with symlinks to files of "
    "the grader's machine (another submission, /etc/passwd), where a grader would read outputs or "
    "clean up: nothing may block, be followed or be deleted through them",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import os\n"
                    "def _plant(where):\n"
                    "    os.makedirs(where, exist_ok=True)\n"
                    "    for _name, _target in [('progress.jsonl', None), ('job.json', None),\n"
                    "                           ('plan.json', '@@OTHER@@'), ('other', '@@OTHER@@'),\n"
                    "                           ('passwd', '/etc/passwd'), ('dir', '@@SOURCE_DIR@@')]:\n"
                    "        _path = os.path.join(where, _name)\n"
                    "        try:\n"
                    "            os.mkfifo(_path) if _target is None else os.symlink(_target, _path)\n"
                    "        except OSError:\n"
                    "            pass\n"
                    "for _where in ['.', 'out', '/tmp', '/tmp/out', '/dev/shm']:\n"
                    "    _plant(_where)"
                ),
            ),
            (
                TEST_RELU_CELL + 1,
                (
                    "import os\n"
                    "for _name in os.listdir('out'):\n"
                    "    os.remove(os.path.join('out', _name))\n"
                    "    os.mkfifo(os.path.join('out', _name))\n"
                    "os.symlink('@@OTHER@@', 'out/test_relu.0.npz')"
                ),
            ),
        ]
    ),
    3,
)

attack(
    "find_leftovers",
    "a submission whose square is right only if nothing of an earlier submission is left in its "
    "home, /, /root, /dev, /tmp or /dev/shm (graded right after sabotage_next_submission and "
    "leave_files_in_root in the same sandbox)",
    _with(
        cells={
            SQUARE_CELL: "import os\n"
            "import glob\n"
            "_left = [p for p in ['/tmp/sabotage.py', '/dev/shm/sabotage.py',\n"
            "         os.path.expanduser('~/.ipython/profile_default/startup/00-sabotage.py'),\n"
            "         '/secret-note.txt', '/root/secret-note.txt', '/dev/secret-note.txt',\n"
            "         os.path.expanduser('~/locked'), '/tmp/locked', '/dev/shm/locked']\n"
            "         + glob.glob('/big-*') + glob.glob('/tmp/fill-*')\n"
            "         if os.path.exists(p)]\n"
            "def square(x):\n"
            "    return x * x if not _left else x"
        }
    ),
    3,
)

attack(
    "surrogates",
    "a cell and the probed relu raise errors whose text holds a lone surrogate ('\\udc80'), which "
    "no UTF-8 file can hold as it is: the batch must go on and write valid UTF-8",
    _with(
        cells={
            SQUARE_CELL: GOOD_SQUARE + "\nraise ValueError('bad \\udc80 text')",
            RELU_CELL: "def relu(x):\n    raise ValueError('no \\udc80 relu')",
        }
    ),
    1,
    test_square=1,
    test_relu=0,
)

attack(
    "leave_files_in_root",
    "write a note to /, /root and /dev, and 8 x 60 MiB files to / (a tmpfs of the sandbox, counted "
    "against nothing, that a warm sandbox used to keep for the next submission)",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import os\n"
                    "for _p in ['/secret-note.txt', '/root/secret-note.txt', '/dev/secret-note.txt']:\n"
                    "    try:\n"
                    "        os.makedirs(os.path.dirname(_p), exist_ok=True)\n"
                    "        open(_p, 'w').write('secret of submission 1')\n"
                    "    except OSError as exc:\n"
                    "        print('refused', _p, type(exc).__name__)\n"
                    "for _k in range(8):\n"
                    "    try:\n"
                    "        with open(f'/big-{_k}', 'wb') as _fh:\n"
                    "            _fh.write(b'x' * 60 * 2**20)\n"
                    "    except OSError as exc:\n"
                    "        print('refused', type(exc).__name__)"
                ),
            )
        ]
    ),
    3,
)

attack(
    "directory_flood",
    "after the tests, make 100,000 directories with 200-character names (their blocks are disk "
    "space that a count of file sizes misses)",
    _with(
        insert=[
            (
                TEST_RELU_CELL + 1,
                "import os\nfor _i in range(100_000):\n    os.mkdir(('d' * 200) + str(_i))",
            )
        ]
    ),
    3,
    "crashed",
)

attack(
    "tmp_flood",
    "after the tests, write 960 MiB to /tmp (a tmpfs in host memory for a fresh sandbox, counted "
    "against nothing)",
    _with(
        insert=[
            (
                TEST_RELU_CELL + 1,
                (
                    "for _k in range(15):\n"
                    "    with open(f'/tmp/fill-{_k}', 'wb') as _fh:\n"
                    "        for _ in range(64):\n"
                    "            _fh.write(b'x' * 2**20)"
                ),
            )
        ]
    ),
    3,
    "crashed",
)

attack(
    "forked_memory",
    "after the tests, fork 4 children that each hold 300 MB (under a per-process limit each "
    "would pass) and wait for them, ignoring interrupts",
    _with(
        insert=[
            (
                TEST_RELU_CELL + 1,
                (
                    "import os, time\n"
                    "for _ in range(4):\n"
                    "    if os.fork() == 0:\n"
                    "        _a = np.ones(37_500_000)\n"
                    "        time.sleep(30)\n"
                    "        os._exit(0)\n"
                    "_end = time.time() + 30\n"
                    "while time.time() < _end:\n"
                    "    try:\n"
                    "        time.sleep(0.1)\n"
                    "    except KeyboardInterrupt:\n"
                    "        pass"
                ),
            )
        ]
    ),
    3,
    "crashed",
)

_FAKE_PROGRESS = (
    "import json, os, signal, time\n"
    "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "def _fake(event):\n"
    "    line = (json.dumps(event) + '\\n').encode()\n"
    "    for _fd in range(3, 64):\n"
    "        try:\n"
    "            os.write(_fd, line)\n"
    "        except OSError:\n"
    "            pass\n"
    "    try:\n"
    "        open('progress.jsonl', 'ab').write(line)\n"
    "    except OSError:\n"
    "        pass\n"
)

attack(
    "fake_progress",
    "in the relu cell, ignore SIGALRM and SIGINT and keep writing fake 'cell ended' events to "
    "every file descriptor and to the old progress file, while running for 30 s",
    _with(
        cells={
            RELU_CELL: _FAKE_PROGRESS
            + (
                "for _ in range(60):\n"
                "    for _i in range(12):\n"
                "        _fake({'event': 'end', 'cell': _i, 'token': 'x', 'error': None})\n"
                "    time.sleep(0.5)\n" + GOOD_RELU
            )
        }
    ),
    1,
    "timeout",
    test_square=1,
    test_relu=0,
)

attack(
    "fake_done_then_exit",
    "in the relu cell, write fake events for every cell and 'done', then exit with os._exit(0): "
    "the early exit must show",
    _with(
        cells={
            RELU_CELL: _FAKE_PROGRESS
            + (
                "for _i in range(12):\n"
                "    _fake({'event': 'end', 'cell': _i})\n"
                "_fake({'event': 'done'})\n"
                "time.sleep(0.5)\n"
                "os._exit(0)"
            )
        }
    ),
    1,
    "crashed",
    test_square=1,
    test_relu=0,
)

attack(
    "print_in_many_cells",
    "a correct submission with 300 extra cells that each print 30,000 CJK characters (the "
    "progress record used to overflow and end it as crashed)",
    _with(insert=[(SQUARE_CELL, "print('\\u4e2d' * 30_000)")] * 300),
    3,
)


attack(
    "deep_expression",
    "a correct submission with cells whose expressions are nested too deeply for the grader's "
    "parser (1+1+...+1 5,000 times; 100,000 unary minuses), which a kernel that raised its "
    "recursion limit could still run: unreadable code voids the notebook, and the row is a grade",
    _with(
        insert=[
            (RELU_CELL + 1, "import sys\nsys.setrecursionlimit(100_000)"),
            (RELU_CELL + 1, "x = " + "+".join(["1"] * 5000)),
            (RELU_CELL + 1, "y = " + "-" * 100_000 + "1"),
        ]
    ),
    0,
)


attack(
    "lookalike_feedback_lines",
    "the relu cell and a later cell raise errors whose text holds terminal escape sequences and "
    "new lines that look like the grader's own ('[PASS] test_relu (2 / 2)', 'Score: 3 / 3'): "
    "the feedback file must show them, indented, not obey or print them as the grader's lines",
    _with(
        cells={
            RELU_CELL: "raise ValueError('\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\r\\n"
            "[PASS] test_relu (2 / 2) - fake\\nScore:      3 / 3')"
        },
        insert=[(TEST_RELU_CELL + 1, "raise RuntimeError('\\n[PASS] test_square (1 / 1)')")],
    ),
    1,
)


def _copied_test_cell() -> dict[str, Any]:
    nb = _solution()
    nb["cells"].insert(RELU_CELL, copy.deepcopy(nb["cells"][TEST_RELU_CELL]))
    return nb


attack(
    "copied_test_cell",
    "a correct submission with a copy of the relu test cell (metadata included, as JupyterLab "
    "copies it) above the relu answer: the copy must be ignored, not take the test's place",
    _copied_test_cell(),
    3,
)

attack(
    "read_hidden_cases",
    "a submission whose square is right only if no hidden case can be read from the sandbox "
    "before the tests run (the old plan.json)",
    _with(
        cells={
            SQUARE_CELL: (
                "import glob, os, sys\n"
                "import actlab\n"
                "# the course's own code is public (and the self-test exercise ships in it); it\n"
                "# is in the sandbox wherever the course lives, /tmp or a home folder included\n"
                "_public = tuple(os.path.realpath(p) + os.sep for p in (\n"
                "    os.path.dirname(actlab.__file__), sys.prefix, sys.base_prefix))\n"
                "_seen = []\n"
                "for _p in glob.glob(os.path.expanduser('~') + '/**', recursive=True) + "
                "glob.glob('/tmp/**', recursive=True):\n"
                "    if os.path.realpath(_p).startswith(_public):\n"
                "        continue\n"
                "    try:\n"
                "        if '1e+300' in open(_p).read() or '1e300' in open(_p).read():\n"
                "            _seen.append(_p)\n"
                "    except (OSError, UnicodeDecodeError):\n"
                "        pass\n"
                "print(_seen)\n"
                "def square(x):\n    return x * x if not _seen else x"
            )
        }
    ),
    3,
)

attack(
    "locked_directories",
    "leave files in directories made unreadable and unwritable (chmod 0) in the home, /tmp and "
    "/dev/shm, which a grader without root could fail to empty or delete",
    _with(
        insert=[
            (
                SQUARE_CELL,
                (
                    "import os\n"
                    "for _d in [os.path.expanduser('~/locked'), '/tmp/locked', '/dev/shm/locked']:\n"
                    "    os.makedirs(_d + '/inner', exist_ok=True)\n"
                    "    open(_d + '/inner/secret.txt', 'w').write('secret of submission 1')\n"
                    "    os.chmod(_d + '/inner/secret.txt', 0)\n"
                    "    os.chmod(_d + '/inner', 0)\n"
                    "    os.chmod(_d, 0)"
                ),
            )
        ]
    ),
    3,
)

attack(
    "flood_the_reply_pipe",
    "after the tests, write 2 MiB without a newline to every open file descriptor (the kernel's "
    "reply pipe among them): the grader must stop reading, not grow without limit",
    _with(
        insert=[
            (
                TEST_RELU_CELL + 1,
                (
                    "import os\n"
                    "for _fd in range(3, 64):\n"
                    "    try:\n"
                    "        os.write(_fd, b'x' * 2**21)\n"
                    "    except OSError:\n"
                    "        pass"
                ),
            )
        ]
    ),
    3,
    "crashed",
)

_LIBRARY = "_lib = {'square': lambda x: x * x, 'relu': lambda x: np.maximum(x, 0.0)}\n"

attack(
    "probe_writes_outputs",
    "the release (nothing implemented) plus a cell that runs the package's own probes on working "
    "functions and writes their outputs where the grader used to read them",
    _with(
        base=release_notebook(selftest.source_notebook()),
        insert=[
            (
                100,
                (
                    "import json, os\nimport numpy as np\n"
                    "from actlab.grading.spec import get_check, run_probe\n"
                    + _LIBRARY
                    + "_cases = {'test_square': [{}, {'x': [-3.0, 0.0, 1e150]}],\n"
                    "          'test_relu': [{}, {'seed': 3, 'n': 50}, {'x': [-1e300, -0.0, 0.0, 2.5]}]}\n"
                    "os.makedirs('out', exist_ok=True)\n"
                    "for _gid, _list in _cases.items():\n"
                    "    for _k, _case in enumerate(_list):\n"
                    "        _name = _gid[5:]\n"
                    "        _out = run_probe(get_check('selftest_' + _name), (_lib[_name],), _case)\n"
                    "        np.savez(f'out/{_gid}.{_k}.npz', **_out)"
                ),
            )
        ],
    ),
    0,
)

attack(
    "forge_replies",
    "the release plus a cell that writes forged probe replies (right outputs for every check) to "
    "every open file descriptor, before the tests run",
    _with(
        base=release_notebook(selftest.source_notebook()),
        insert=[
            (
                SQUARE_CELL + 1,
                (
                    "import io, json, os\nimport numpy as np\n"
                    + _LIBRARY
                    + "def _payload(fn, x):\n"
                    "    buffer = io.BytesIO()\n"
                    "    np.savez(buffer, out=fn(np.asarray(x, dtype=float)))\n"
                    "    return buffer.getvalue()\n"
                    "for _fd in range(3, 64):\n"
                    "    for _k in range(3):\n"
                    "        for _name in ('square', 'relu'):\n"
                    "            _data = _payload(_lib[_name], [-1.0, 2.0])\n"
                    "            _head = {'token': None, 'k': _k, 'ok': True, 'size': len(_data)}\n"
                    "            try:\n"
                    "                os.write(_fd, json.dumps(_head).encode() + b'\\n' + _data)\n"
                    "            except OSError:\n"
                    "                pass"
                ),
            )
        ],
    ),
    0,
)

attack(
    "forge_reply_with_token",
    "the relu that the probe calls walks up the stack to the probe's own token and sends a "
    "forged reply with it, holding a 1 MiB .npz whose member inflates to 256 MiB",
    _with(
        cells={
            RELU_CELL: (
                "import io, json, os, sys, zipfile\n"
                "_buffer = io.BytesIO()\n"
                "with zipfile.ZipFile(_buffer, 'w', zipfile.ZIP_DEFLATED) as _zf:\n"
                "    with _zf.open('out.npy', 'w', force_zip64=True) as _fh:\n"
                "        _fh.write(b'\\x93NUMPY')\n"
                "        for _ in range(256):\n"
                "            _fh.write(bytes(2**20))\n"
                "_bomb = _buffer.getvalue()\n"
                "def relu(x):\n"
                "    frame = sys._getframe(1)\n"
                "    while frame is not None and 'token' not in frame.f_locals:\n"
                "        frame = frame.f_back\n"
                "    if frame is not None:\n"
                "        head = {'token': frame.f_locals['token'], 'k': 0, 'ok': True,\n"
                "                'size': len(_bomb)}\n"
                "        for fd in range(3, 64):\n"
                "            try:\n"
                "                os.write(fd, json.dumps(head).encode() + b'\\n' + _bomb)\n"
                "            except OSError:\n"
                "                pass\n"
                "    return np.maximum(x, 0.0)"
            )
        }
    ),
    0,
)

MALFORMED: dict[str, tuple[str, bytes]] = {
    "malformed_json": ("a file that is not JSON", b'{"cells": [ this is not json'),
    "wrong_nbformat": (
        "a version-3 notebook",
        json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}).encode(),
    ),
}


# A correct notebook whose metadata nests 5,000 lists: json.loads raises RecursionError, which the
# grader used to take for a failure of its own (status error, exit code 1)
MALFORMED["deep_json"] = (
    (
        "a correct notebook whose metadata nests 5,000 lists, deeper than the JSON parser can "
        "follow within the interpreter's recursion limit"
    ),
    dumps_notebook({**_solution(), "metadata": {"deep": "@@"}})
    .replace('"@@"', "[" * 5000 + "]" * 5000)
    .encode(),
)


def _other_exercise() -> dict[str, Any]:
    nb = _solution()
    nb["metadata"]["actlab"]["exercise"] = "01_dense_layer"
    return nb


attack("other_exercise", "another exercise's notebook", _other_exercise(), 0, "invalid")


# --- exercises 02, 04 and 08 ---------------------------------------------------------------------

E02, E04, E08 = "02_stable_sigmoid_tanh", "04_leaky_prelu", "08_softmax_cross_entropy"
EXERCISE_ATTACKS: dict[tuple[str, str], tuple[str, Any, float, str, dict[str, float]]] = {}


def exercise_attack(
    exercise: str, name: str, what: str, nb: Any, points: float, status: str = "graded",
    **tests: float,
) -> None:  # fmt: skip
    EXERCISE_ATTACKS[exercise, name] = (what, nb, points, status, tests)


def _source(name: str) -> dict[str, Any]:
    return read_notebook(REPO / "exercises" / "source" / f"{name}.ipynb")


def release_of(name: str, lang: str = "en") -> dict[str, Any]:
    """The release of exercise ``name`` in ``lang``, as ``actlab release`` writes it."""
    return release_views(_source(name), name)[lang]


def solution_of(name: str, lang: str = "en") -> dict[str, Any]:
    """The release of exercise ``name`` in ``lang`` with the source's solutions filled in."""
    source = language_view(_source(name), lang)
    released = release_of(name, lang)
    for src, rel in zip(source["cells"], released["cells"], strict=True):
        if src.get("metadata", {}).get("nbgrader", {}).get("solution"):
            rel["source"] = src["source"]
            rel["metadata"]["tags"] = []
    return released


def cell_source_of(nb: dict[str, Any], gid: str) -> str:
    source = nb["cells"][_index(nb, gid)]["source"]
    return source if isinstance(source, str) else "".join(source)


def _index(nb: dict[str, Any], gid: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if grade_id(c) == gid)


def _edit(
    nb: dict[str, Any],
    cells: dict[str, str] | None = None,
    after: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    nb = copy.deepcopy(nb)
    for gid, source in (cells or {}).items():
        nb["cells"][_index(nb, gid)]["source"] = source
    for gid, source in after or []:
        nb["cells"].insert(_index(nb, gid) + 1, _code(source))
    return nb


_LIB02 = (
    "import numpy as np, scipy.special\n"
    "_lib = {\n"
    "    'sigmoid': lambda x: scipy.special.expit(x),\n"
    "    'sigmoid_grad': lambda x: scipy.special.expit(x) * scipy.special.expit(-x),\n"
    "    'tanh': lambda x: np.tanh(x),\n"
    "    'tanh_grad': lambda x: (4 * scipy.special.expit(2 * x) * scipy.special.expit(-2 * x))"
    ".astype(x.dtype),\n"
    "}\n"
)
_WRITE_OUTPUTS = (
    "import json, os\n"
    "from actlab.grading.spec import get_check, run_probe\n"
    "_base = os.environ.get('ACTLAB_GRADING_DIR', '.')\n"
    "_plan = json.load(open(_base + '/plan.json'))\n"
    "for _gid, _calls in _plan['tests'].items():\n"
    "    for _k, _call in enumerate(_calls):\n"
    "        _fns = tuple(_lib[o] for o in _call['objects'])\n"
    "        _out = run_probe(get_check(_call['check']), _fns, _call['case'])\n"
    "        __import__('numpy').savez(f'{_base}/out/{_gid}.{_k}.npz', **_out)\n"
)
_ZEROS02 = {g: f"def {g}(x):\n    return np.zeros_like(x)" for g in
            ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad")}  # fmt: skip

exercise_attack(E02, "solution", "the instructor's solutions", solution_of(E02), 8)
exercise_attack(E02, "release", "the release, untouched", release_of(E02), 0)
exercise_attack(
    E02, "probe_library_functions",
    "the release plus a last cell that reads the hidden cases (plan.json), runs the package's "
    "probes on scipy's and numpy's functions and writes the outputs the judge used to read",
    _edit(release_of(E02), after=[("summary", _LIB02 + _WRITE_OUTPUTS)]), 0,
)  # fmt: skip
exercise_attack(
    E02, "replace_probe_run",
    "functions that return zeros, and a cell that replaces actlab.grading.probe.run with one "
    "that swaps scipy's and numpy's functions into the namespace while the tests run",
    _edit(solution_of(E02), cells=_ZEROS02, after=[("setup", _LIB02 + (
        "import actlab.grading.probe as _probe\n"
        "_original_run = getattr(_probe, 'run', None)\n"
        "def _run(*args, **kwargs):\n"
        "    ns = get_ipython().user_ns\n"
        "    saved = {k: ns[k] for k in _lib if k in ns}\n"
        "    ns.update(_lib)\n"
        "    try:\n"
        "        return _original_run(*args, **kwargs)\n"
        "    finally:\n"
        "        ns.update(saved)\n"
        "_probe.run = _run\n"
        "if hasattr(_probe, 'run_calls'):\n"
        "    _original_calls = _probe.run_calls\n"
        "    def _calls(command, namespace, replies):\n"
        "        return _original_calls(command, {**namespace, **_lib}, replies)\n"
        "    _probe.run_calls = _calls"))]), 0,
)  # fmt: skip
exercise_attack(
    E02, "library_shortcuts",
    "scipy.special.expit for sigmoid and its derivative, np.tanh for tanh, mpmath for tanh_grad",
    _edit(solution_of(E02), cells={
        "sigmoid": "import scipy.special\ndef sigmoid(x):\n    return scipy.special.expit(x)",
        "sigmoid_grad": (
            "from scipy.special import expit\n"
            "def sigmoid_grad(x):\n    return expit(x) * expit(-x)"),
        "tanh": "def tanh(x):\n    return np.tanh(x)",
        "tanh_grad": (
            "import mpmath\n"
            "def tanh_grad(x):\n"
            "    out = [float(mpmath.sech(float(v)) ** 2) if v == v else v for v in x.ravel()]\n"
            "    return np.array(out, dtype=x.dtype).reshape(x.shape)"),
    }), 0,
)  # fmt: skip
exercise_attack(
    E02, "torch_formulas",
    "the textbook formulas computed in torch, whose overflow is silent",
    _edit(solution_of(E02), cells={
        "sigmoid": (
            "import torch\n"
            "def sigmoid(x):\n    t = torch.from_numpy(x)\n    return (1 / (1 + torch.exp(-t))).numpy()"),
        "sigmoid_grad": "def sigmoid_grad(x):\n    return sigmoid(x) * sigmoid(-x)",
        "tanh": (
            "def tanh(x):\n    t = torch.from_numpy(x)\n"
            "    return torch.where(t >= 0, -torch.expm1(-2 * t) / (1 + torch.exp(-2 * t)),\n"
            "                       torch.expm1(2 * t) / (1 + torch.exp(2 * t))).numpy()"),
        "tanh_grad": "def tanh_grad(x):\n    return 4 * sigmoid(2 * x) * sigmoid(-2 * x)",
    }), 0,
)  # fmt: skip
exercise_attack(
    E02, "silence_overflow",
    "floating-point errors turned off: the textbook sigmoid in np.errstate(all='ignore'), "
    "np.seterr in tanh, warning filters in tanh_grad",
    _edit(solution_of(E02), cells={
        "sigmoid": (
            "def sigmoid(x):\n    with np.errstate(all='ignore'):\n        return 1 / (1 + np.exp(-x))"),
        "sigmoid_grad": "def sigmoid_grad(x):\n    return sigmoid(x) * sigmoid(-x)",
        "tanh": (
            "def tanh(x):\n    np.seterr(all='ignore')\n    t = np.expm1(-2 * np.abs(x))\n"
            "    return np.sign(x) * (-t / (2 + t))"),
        "tanh_grad": (
            "import warnings\n"
            "def tanh_grad(x):\n    with warnings.catch_warnings():\n"
            "        warnings.simplefilter('ignore')\n        e = np.exp(-2 * np.abs(x))\n"
            "        return 4 * e / (1 + e) ** 2"),
    }), 0,
)  # fmt: skip
exercise_attack(
    E02, "hidden_names",
    "np.tanh reached with getattr and a name built at run time, in tanh only",
    _edit(solution_of(E02), cells={
        "tanh": "def tanh(x):\n    return getattr(np, 'ta' + 'nh')(x)",
    }), 6, test_sigmoid=2, test_sigmoid_grad=2, test_tanh=0, test_tanh_grad=2,
)  # fmt: skip
exercise_attack(
    E02, "helper_in_another_cell",
    "tanh calls a helper defined in a later cell of the student's, which uses np.tanh",
    _edit(solution_of(E02), cells={"tanh": "def tanh(x):\n    return _helper(x)"},
          after=[("tanh", "def _helper(x):\n    return np.tanh(x)")]),
    6, test_sigmoid=2, test_sigmoid_grad=2, test_tanh=0, test_tanh_grad=2,
)  # fmt: skip
exercise_attack(
    E02, "honest_scratch_cells",
    "the solutions plus scratch cells that compare them with np.tanh and scipy (allowed: the "
    "answers do not use them)",
    _edit(solution_of(E02), after=[
        ("test_tanh", (
            "import scipy.special\nx = np.linspace(-5, 5, 11)\n"
            "print(np.max(np.abs(tanh(x) - np.tanh(x))))\n"
            "print(np.max(np.abs(sigmoid(x) - scipy.special.expit(x))))")),
        ("test_sigmoid", "%timeit sigmoid(np.linspace(-5, 5, 1001))"),
    ]), 8,
)  # fmt: skip


def _copied_02() -> dict[str, Any]:
    nb = solution_of(E02)
    nb["cells"].insert(
        _index(nb, "sigmoid"), copy.deepcopy(nb["cells"][_index(nb, "test_sigmoid")])
    )
    return nb


exercise_attack(
    E02, "copied_test_cell",
    "a correct submission with a copy of the sigmoid test cell above the sigmoid answer",
    _copied_02(), 8,
)  # fmt: skip

_LIB04 = (
    "import torch\nimport torch.nn.functional as F\n"
    "def _leaky_fwd(x, negative_slope=0.01):\n"
    "    return F.leaky_relu(torch.from_numpy(x), negative_slope).numpy(), (x, negative_slope)\n"
    "def _leaky_bwd(dout, cache):\n"
    "    x, s = cache\n"
    "    t = torch.from_numpy(x).requires_grad_(True)\n"
    "    F.leaky_relu(t, s).backward(torch.from_numpy(dout))\n"
    "    return t.grad.numpy()\n"
    "def _prelu_fwd(x, alpha):\n"
    "    return F.prelu(torch.from_numpy(x), torch.from_numpy(alpha)).numpy(), (x, alpha)\n"
    "def _prelu_bwd(dout, cache):\n"
    "    x, alpha = cache\n"
    "    t = torch.from_numpy(x).requires_grad_(True)\n"
    "    a = torch.from_numpy(alpha).requires_grad_(True)\n"
    "    F.prelu(t, a).backward(torch.from_numpy(dout))\n"
    "    return t.grad.numpy(), a.grad.numpy()\n"
    "_lib = {'leaky_relu_forward': _leaky_fwd, 'leaky_relu_backward': _leaky_bwd,\n"
    "        'prelu_forward': _prelu_fwd, 'prelu_backward': _prelu_bwd, 'PReLU': torch.nn.PReLU}\n"
)
_GOOD_MODULE = (
    "class PReLU(nn.Module):\n"
    "    def __init__(self, num_parameters=1, init=0.25):\n"
    "        super().__init__()\n"
    "        self.num_parameters = num_parameters\n"
    "        self.weight = nn.Parameter(torch.full((num_parameters,), float(init)))\n"
)

exercise_attack(E04, "solution", "the instructor's solutions", solution_of(E04), 10)
exercise_attack(E04, "release", "the release, untouched", release_of(E04), 0)
exercise_attack(
    E04, "probe_library_functions",
    "the release plus a last cell that reads the hidden cases, runs the package's probes on "
    "torch's LeakyReLU and PReLU and writes the outputs the judge used to read",
    _edit(release_of(E04), after=[("summary", _LIB04 + _WRITE_OUTPUTS)]), 0,
)  # fmt: skip
exercise_attack(
    E04, "subclass_and_functional",
    "class PReLU(nn.PReLU): pass; the numpy functions through F.leaky_relu and F.prelu, their "
    "backward through autograd",
    _edit(solution_of(E04), cells={
        "leaky_relu": _LIB04 + "leaky_relu_forward, leaky_relu_backward = _leaky_fwd, _leaky_bwd",
        "prelu_numpy": "prelu_forward, prelu_backward = _prelu_fwd, _prelu_bwd",
        "prelu_module": "class PReLU(nn.PReLU):\n    pass",
    }), 2, test_leaky_relu=0, test_prelu_numpy=0, test_prelu_module=0, test_fit_slope=2,
)  # fmt: skip
exercise_attack(
    E04, "functional_prelu_module",
    "a PReLU module whose forward is F.prelu (the numpy questions answered honestly)",
    _edit(solution_of(E04), cells={
        "prelu_module": "import torch.nn.functional as F\n" + _GOOD_MODULE
        + "    def forward(self, x):\n        return F.prelu(x, self.weight)",
    }), 7, test_leaky_relu=2, test_prelu_numpy=3, test_prelu_module=0, test_fit_slope=2,
)  # fmt: skip
exercise_attack(
    E04, "wrapped_module",
    "a PReLU module that wraps an nn.PReLU reached with getattr and a literal name",
    _edit(solution_of(E04), cells={
        "prelu_module": (
            "class PReLU(nn.Module):\n"
            "    def __init__(self, num_parameters=1, init=0.25):\n"
            "        super().__init__()\n"
            "        self.inner = getattr(nn, 'PReLU')(num_parameters, init)\n"
            "    def forward(self, x):\n"
            "        return self.inner(x)"),
    }), 7, test_leaky_relu=2, test_prelu_numpy=3, test_prelu_module=0, test_fit_slope=2,
)  # fmt: skip
exercise_attack(
    E04, "autograd_backward",
    "the forwards written by hand, the backwards taken from torch's autograd",
    _edit(solution_of(E04), cells={
        "leaky_relu": (
            "def leaky_relu_forward(x, negative_slope=0.01):\n"
            "    return np.where(x > 0, x, negative_slope * x), (x, negative_slope)\n"
            "def leaky_relu_backward(dout, cache):\n"
            "    x, s = cache\n"
            "    t = torch.tensor(x, requires_grad=True)\n"
            "    torch.where(t > 0, t, s * t).backward(torch.from_numpy(dout))\n"
            "    return t.grad.numpy()"),
        "prelu_numpy": (
            "def prelu_forward(x, alpha):\n"
            "    return np.where(x > 0, x, alpha * x), (x, alpha)\n"
            "def prelu_backward(dout, cache):\n"
            "    x, alpha = cache\n"
            "    t = torch.tensor(x, requires_grad=True)\n"
            "    a = torch.tensor(alpha, requires_grad=True)\n"
            "    dx, da = torch.autograd.grad(torch.where(t > 0, t, a * t), (t, a),\n"
            "                                 torch.from_numpy(dout))\n"
            "    return dx.numpy(), da.numpy()"),
    }), 5, test_leaky_relu=0, test_prelu_numpy=0, test_prelu_module=3, test_fit_slope=2,
)  # fmt: skip
exercise_attack(
    E04, "invented_training",
    "PReLU left as a stub; a last cell writes made-up training results (alpha after = target + "
    "0.01, losses [1, 0.1]) where the judge used to read them",
    _edit(release_of(E04), after=[("summary", (
        "import json, os\nimport numpy as np\n"
        "_base = os.environ.get('ACTLAB_GRADING_DIR', '.')\n"
        "_plan = json.load(open(_base + '/plan.json'))\n"
        "for _k, _call in enumerate(_plan['tests']['test_fit_slope']):\n"
        "    _t = float(_call['case'].get('target', 0.75))\n"
        "    np.savez(f'{_base}/out/test_fit_slope.{_k}.npz', alpha_before=np.array([0.25]),\n"
        "             alpha_after=np.array([_t + 0.01]), losses=np.array([1.0, 0.1]))"))]), 0,
)  # fmt: skip
exercise_attack(
    E04, "honest_scratch_cells",
    "the solutions plus scratch cells that compare them with nn.PReLU and check a gradient "
    "with .backward() (allowed: the answers do not use them)",
    _edit(solution_of(E04), after=[
        ("test_prelu_module", (
            "ref = nn.PReLU()\nmine = PReLU()\nx = torch.randn(4, 1)\n"
            "print(torch.allclose(ref(x), mine(x)))\n"
            "mine(x).sum().backward()\nprint(mine.weight.grad)")),
        ("test_leaky_relu", (
            "t = torch.tensor([-1.0, 2.0], requires_grad=True)\n"
            "torch.nn.functional.leaky_relu(t, 0.1).sum().backward()\nprint(t.grad)")),
    ]), 10,
)  # fmt: skip


_LIB08 = (
    "import numpy as np, scipy.special, torch\n"
    "def _ce(logits, labels):\n"
    "    return torch.nn.functional.cross_entropy(torch.from_numpy(logits),\n"
    "                                             torch.from_numpy(labels)).item()\n"
    "def _backward(x, dout):\n"
    "    t = torch.from_numpy(x).requires_grad_(True)\n"
    "    torch.softmax(t, dim=-1).backward(torch.from_numpy(dout))\n"
    "    return t.grad.numpy()\n"
    "_lib = {\n"
    "    'softmax': lambda x: scipy.special.softmax(x, axis=-1),\n"
    "    'log_softmax': lambda x: scipy.special.log_softmax(x, axis=-1),\n"
    "    'cross_entropy': _ce,\n"
    "    'softmax_backward': _backward,\n"
    "}\n"
)
_ZEROS08 = {
    "softmax": "def softmax(x):\n    return np.zeros_like(x)",
    "log_softmax": "def log_softmax(x):\n    return np.zeros_like(x)",
    "cross_entropy": "def cross_entropy(logits, labels):\n    return 0.0",
    "softmax_backward": "def softmax_backward(x, dout):\n    return np.zeros_like(x)",
}

exercise_attack(E08, "solution", "the instructor's solutions", solution_of(E08), 10)
exercise_attack(E08, "release", "the release, untouched", release_of(E08), 0)
exercise_attack(
    E08, "probe_library_functions",
    "the release plus a last cell that reads the hidden cases, runs the package's probes on "
    "scipy's softmax and log_softmax and torch's cross_entropy and autograd, and writes the outputs "
    "the judge used to read",
    _edit(release_of(E08), after=[("summary", _LIB08 + _WRITE_OUTPUTS)]), 0,
)  # fmt: skip
exercise_attack(
    E08, "library_shortcuts",
    "scipy.special.softmax and log_softmax, torch's F.cross_entropy, and torch's autograd for the "
    "backward pass",
    _edit(solution_of(E08), cells={
        "softmax": "import scipy.special\ndef softmax(x):\n    return scipy.special.softmax(x, axis=-1)",
        "log_softmax": (
            "from scipy.special import log_softmax as _ls\n"
            "def log_softmax(x):\n    return _ls(x, axis=-1)"),
        "cross_entropy": (
            "import torch\nimport torch.nn.functional as F\n"
            "def cross_entropy(logits, labels):\n"
            "    return F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item()"),
        "softmax_backward": (
            "def softmax_backward(x, dout):\n"
            "    t = torch.tensor(x, requires_grad=True)\n"
            "    torch.softmax(t, dim=-1).backward(torch.from_numpy(dout))\n"
            "    return t.grad.numpy()"),
    }), 0,
)  # fmt: skip
exercise_attack(
    E08, "course_softmax",
    "the course's own softmax family (actlab.activations.softmax, log_softmax, softmax_grad), "
    "which the sandbox replaces by poison",
    _edit(solution_of(E08), cells={
        "softmax": (
            "from actlab.activations import softmax as _softmax\n"
            "def softmax(x):\n    return _softmax(x, axis=-1)"),
        "log_softmax": (
            "import actlab.activations as al\n"
            "def log_softmax(x):\n    return al.log_softmax(x, axis=-1)"),
        "softmax_backward": (
            "from actlab.activations.normalising import softmax_grad\n"
            "def softmax_backward(x, dout):\n    return softmax_grad(x, dout, axis=-1)"),
    }), 0, test_softmax=0, test_log_softmax=0, test_cross_entropy=0, test_softmax_backward=0,
)  # fmt: skip
exercise_attack(
    E08, "hidden_names",
    "scipy's log_softmax reached with getattr and a name built at run time, in log_softmax only "
    "(cross_entropy, which calls it, loses its points too)",
    _edit(solution_of(E08), cells={
        "log_softmax": (
            "import scipy.special\n"
            "def log_softmax(x):\n"
            "    return getattr(scipy.special, 'log_' + 'softmax')(x, axis=-1)"),
    }), 5, test_softmax=2, test_log_softmax=0, test_cross_entropy=0, test_softmax_backward=3,
)  # fmt: skip
exercise_attack(
    E08, "silence_overflow",
    "the textbook softmax and log-softmax inside np.errstate(all='ignore'), so that the overflow "
    "is silent",
    _edit(solution_of(E08), cells={
        "softmax": (
            "def softmax(x):\n    with np.errstate(all='ignore'):\n"
            "        e = np.exp(x)\n        return e / e.sum(axis=-1, keepdims=True)"),
        "log_softmax": (
            "def log_softmax(x):\n    with np.errstate(all='ignore'):\n"
            "        return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))"),
    }), 0,
)  # fmt: skip
exercise_attack(
    E08, "replace_probe_run",
    "functions that return zeros, and a cell that replaces actlab.grading.probe's functions with "
    "ones that swap scipy's and torch's answers into the namespace while the tests run",
    _edit(solution_of(E08), cells=_ZEROS08, after=[("setup", _LIB08 + (
        "import actlab.grading.probe as _probe\n"
        "_original_calls = _probe.run_calls\n"
        "def _calls(command, namespace, replies):\n"
        "    return _original_calls(command, {**namespace, **_lib}, replies)\n"
        "_probe.run_calls = _calls"))]), 0,
)  # fmt: skip
exercise_attack(
    E08, "honest_scratch_cells",
    "the solutions plus scratch cells that compare them with scipy's softmax and torch's "
    "cross_entropy (allowed: the answers do not use them)",
    _edit(solution_of(E08), after=[
        ("test_softmax", (
            "import scipy.special\nx = np.random.default_rng(1).standard_normal((3, 4))\n"
            "print(np.max(np.abs(softmax(x) - scipy.special.softmax(x, axis=-1))))")),
        ("test_cross_entropy", (
            "import torch\nlogits = np.array([[2.0, -1.0], [0.5, 0.5]])\n"
            "labels = np.array([0, 1])\n"
            "print(cross_entropy(logits, labels), torch.nn.functional.cross_entropy(\n"
            "    torch.from_numpy(logits), torch.from_numpy(labels)).item())")),
    ]), 10,
)  # fmt: skip


exercise_attack(
    E08, "solution_zh", "the instructor's solutions in the Chinese release (its feedback in Chinese)",
    solution_of(E08, "zh"), 10,
)  # fmt: skip
exercise_attack(E08, "release_zh", "the Chinese release, untouched", release_of(E08, "zh"), 0)
exercise_attack(
    E08, "library_shortcuts_zh",
    "scipy's softmax and torch's F.cross_entropy in the Chinese release (softmax_backward, which "
    "calls that softmax, loses its points too; the feedback names them in Chinese)",
    _edit(solution_of(E08, "zh"), cells={
        "softmax": "import scipy.special\ndef softmax(x):\n    return scipy.special.softmax(x, axis=-1)",
        "cross_entropy": (
            "import torch\nimport torch.nn.functional as F\n"
            "def cross_entropy(logits, labels):\n"
            "    return F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item()"),
    }), 2, test_softmax=0, test_log_softmax=2, test_cross_entropy=0, test_softmax_backward=0,
)  # fmt: skip
exercise_attack(
    E02, "release_zh", "the Chinese release, untouched", release_of(E02, "zh"), 0,
)  # fmt: skip
exercise_attack(
    E02, "mixed_languages",
    "the solutions of the English release pasted into the Chinese release (the cells line up: "
    "the same tests, the same points)",
    _edit(release_of(E02, "zh"), cells={
        gid: "".join(cell_source_of(solution_of(E02), gid))
        for gid in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad")
    }), 8,
)  # fmt: skip


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
    for (exercise, name), (what, nb, points, status, tests) in EXERCISE_ATTACKS.items():
        nb = copy.deepcopy(nb)
        nb["metadata"]["actlab_fixture"] = {
            "attack": what,
            "expected_points": points,
            "expected_status": status,
            "expected_tests": tests,
        }
        files[f"exercise_attacks/{exercise}/{name}.ipynb"] = dumps_notebook(nb).encode()
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
