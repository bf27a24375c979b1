"""The grading plan (test cells parsed, never run) and the cells the grader executes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from actlab.grading import selftest
from actlab.grading.grader import arrange_cells, build_cells, load_outputs, preload_modules
from actlab.grading.notebook import InvalidNotebook, loads_notebook, write_notebook
from actlab.grading.plan import PlanError, load_plan, parse_test_cell


@pytest.fixture
def plan(tmp_path: Path):
    path = tmp_path / "00_selftest.ipynb"
    write_notebook(selftest.source_notebook(), path)
    return load_plan(path, "00_selftest")


def test_test_cell_is_parsed_with_hidden_cases() -> None:
    desc, calls = parse_test_cell(
        '"""Check f"""\nfrom actlab.grading import check\ncheck("f", f, g)\n'
        "### BEGIN HIDDEN TESTS\n"
        'check("f", f, g, x=[-1.0, 2.5], shape=(2, 3), name="n", big=1e308)\n'
        "### END HIDDEN TESTS"
    )
    assert desc == "Check f"
    assert [(c.name, c.objects, c.hidden) for c in calls] == [
        ("f", ("f", "g"), False),
        ("f", ("f", "g"), True),
    ]
    # A JSON round trip: the probe and the judge see the same values.
    assert calls[1].case == {"x": [-1.0, 2.5], "shape": [2, 3], "name": "n", "big": 1e308}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import os\ncheck('f', f)", "only 'from actlab.grading import check'"),
        ("check('f', f)\nprint(1)", "only a docstring and check"),
        ("check(f)", "first argument must be the check's name"),
        ("check('f', f())", "bare names"),
        ("check('f', f, x=np.ones(3))", "not a literal"),
        ("check('f', f, **case)", r"check\(\*\*kwargs\)"),
        ("check('f', f, x={1, 2})", "not JSON-serialisable"),
        ('"""only a docstring"""', "no check"),
        ("check('f', f,", "syntax error"),
        ("### BEGIN HIDDEN TESTS\ncheck('f', f)", "without an END"),
    ],
)
def test_anything_but_check_calls_is_refused(source: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_test_cell(source, "t")


def test_plan_of_the_selftest(plan) -> None:
    assert plan.exercise == "00_selftest"
    assert plan.grade_ids == ("test_square", "test_relu")
    assert plan.max_points == 3
    assert plan.forbidden == ("actlab.grading._selftest_reference",)
    assert len(plan.test("test_relu").calls) == 3


def test_plan_refuses_unknown_checks_and_wrong_exercise(tmp_path: Path) -> None:
    nb = selftest.source_notebook()
    nb["cells"][4]["source"] = "check('no_such_check', square)"
    write_notebook(nb, tmp_path / "x.ipynb")
    with pytest.raises(PlanError, match="no check named 'no_such_check'"):
        load_plan(tmp_path / "x.ipynb")
    write_notebook(selftest.source_notebook(), tmp_path / "y.ipynb")
    with pytest.raises(PlanError, match="not '01_dense_layer'"):
        load_plan(tmp_path / "y.ipynb", "01_dense_layer")


def test_plan_refuses_duplicate_grade_ids(tmp_path: Path) -> None:
    nb = selftest.source_notebook()
    nb["cells"][6]["metadata"]["nbgrader"]["grade_id"] = "square"
    write_notebook(nb, tmp_path / "x.ipynb")
    with pytest.raises(PlanError, match="appears twice"):
        load_plan(tmp_path / "x.ipynb")


def _kinds(cells: list[dict]) -> list[tuple[str, str | None]]:
    return [(c["kind"], c["grade_id"]) for c in cells]


def test_cells_of_a_solution(plan) -> None:
    cells = build_cells(plan, selftest.solution_notebook())
    assert _kinds(cells) == [
        ("locked", "setup"),
        ("student", "square"),
        ("probe", "test_square"),
        ("student", "relu"),
        ("probe", "test_relu"),
    ]
    probe = cells[2]["probe"]
    assert probe["gid"] == "test_square"
    assert [c["case"] for c in probe["calls"]] == [{}, {"x": [-3.0, 0.0, 1e150]}]
    assert probe["check_modules"] == ["actlab.grading.selftest"]
    assert cells[2]["source"] == ""  # the hidden cases travel only with the probe command
    assert [c["index"] for c in cells] == list(range(5))


def test_tests_come_from_the_source_whatever_the_submission_did(plan) -> None:
    nb = selftest.solution_notebook()
    nb["cells"][1]["source"] = "import numpy as np\nnp.maximum = None"  # edited locked cell
    nb["cells"][7]["source"] = "pass"  # edited test cell
    del nb["cells"][4]  # deleted test cell
    del nb["cells"][1]["metadata"]["nbgrader"]  # ...and a locked cell stripped of its id
    extra = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "helper = 1"}
    nb["cells"].insert(4, extra)  # after square
    cells = build_cells(plan, nb)
    assert _kinds(cells) == [
        ("locked", "setup"),  # the source's locked cell is re-added first...
        ("student", None),  # ...and the stripped copy runs as student code
        ("student", "square"),
        ("student", None),  # the student's helper, added below the answer...
        ("probe", "test_square"),  # ...runs before the re-added test
        ("student", "relu"),
        ("probe", "test_relu"),  # replaced, not run as edited
    ]
    assert cells[0]["source"].startswith("import numpy as np\n")
    assert cells[3]["label"] == "code cell 3"


def test_a_copied_test_cell_is_ignored_and_noted(plan) -> None:
    nb = selftest.solution_notebook()
    impostor = copy.deepcopy(nb["cells"][7])  # test_relu, metadata and all
    impostor["source"] = "relu = lambda x: x"
    nb["cells"].insert(2, impostor)  # above both answers
    cells, notes = arrange_cells(plan, nb)
    assert _kinds(cells) == [
        ("locked", "setup"),
        ("student", "square"),
        ("probe", "test_square"),
        ("student", "relu"),
        ("probe", "test_relu"),  # where the source has it; the copy never runs
    ]
    assert all("lambda" not in c["source"] for c in cells)
    assert notes == [
        (
            "a copy of test cell 'test_relu' (code cell 2) was ignored: the test ran where the "
            "exercise has it"
        )
    ]


def test_the_students_own_copy_in_place_keeps_its_position(plan) -> None:
    nb = selftest.solution_notebook()
    extra = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "late = 1"}
    nb["cells"].insert(8, extra)  # after the relu test, at the end
    helper = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "early = 1"}
    nb["cells"].insert(7, helper)  # between relu and its test
    cells, notes = arrange_cells(plan, nb)
    kinds = _kinds(cells)
    assert kinds[-3:] == [("student", None), ("probe", "test_relu"), ("student", None)]
    assert cells[-3]["source"] == "early = 1" and cells[-1]["source"] == "late = 1"
    assert notes == []


def test_preload_modules_come_from_the_source(plan) -> None:
    modules = preload_modules(plan)
    assert "numpy" in modules and "actlab.grading.selftest" in modules
    assert modules.index("numpy") == 0 and "actlab.grading.spec" in modules


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid notebook JSON"),
        (b"[]", "not a notebook"),
        (json.dumps({"nbformat": 3, "cells": []}).encode(), "nbformat is 3"),
        (json.dumps({"nbformat": 4}).encode(), "'cells' is missing"),
        (json.dumps({"nbformat": 4, "cells": [{"cell_type": "x"}]}).encode(), "cell 0"),
        (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}).encode(),
         "not text"),
        (b"\xff\xfe", "not valid notebook JSON"),
    ],
)  # fmt: skip
def test_malformed_notebooks_are_named(data: bytes, message: str) -> None:
    with pytest.raises(InvalidNotebook, match=message):
        loads_notebook(data, "sub.ipynb")


def test_outputs_are_loaded_without_pickle(tmp_path: Path) -> None:
    import numpy as np

    good = tmp_path / "good.npz"
    np.savez(good, out=np.arange(3.0), flag=np.array(True))
    assert set(load_outputs(good)) == {"out", "flag"}
    bad = tmp_path / "bad.npz"
    np.savez(bad, out=np.array([object()], dtype=object))
    with pytest.raises(Exception, match="Python objects"):
        load_outputs(bad)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK not a zip")
    with pytest.raises(Exception, match="could not be read"):
        load_outputs(junk)


def _zip_with(members: dict[str, bytes], declared: dict[str, int] | None = None) -> bytes:
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for name, size in (declared or {}).items():
        # forge the uncompressed size in the central directory entry of ``name``
        at = raw.find(b"PK\x01\x02")
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + 28)[0]
            if raw[at + 46 : at + 46 + length].decode() == name:
                struct.pack_into("<I", raw, at + 24, size)
            at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def test_outputs_are_checked_for_size_before_they_are_decoded() -> None:
    import io
    import tracemalloc

    import numpy as np

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (2**25,)}
    )
    # a 256 MiB array of zeros deflates to a few hundred KiB
    bomb = _zip_with({"out.npy": header.getvalue() + bytes(2**28)})
    assert len(bomb) < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(Exception, match="decodes to more than 64 MiB"):
            load_outputs(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**24, f"{peak} bytes were allocated to refuse it"
    # a header whose shape does not match the member's size
    small = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        small, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)}
    )
    with pytest.raises(Exception, match="wrong size"):
        load_outputs(_zip_with({"out.npy": small.getvalue() + bytes(8)}))
    good = io.BytesIO()
    np.savez(good, out=np.arange(4.0))
    assert set(load_outputs(good.getvalue())) == {"out"}
    # a member that declares a huge size is refused on its declaration...
    with pytest.raises(Exception, match="decodes to more than"):
        load_outputs(_zip_with({"out.npy": good.getvalue()}, {"out.npy": 2**31}))
    # ...and one that declares a small size is read no further than that
    member = header.getvalue() + bytes(2**20)
    with pytest.raises(Exception, match=r"could not be read|wrong size"):
        load_outputs(_zip_with({"out.npy": member}, {"out.npy": 200}))
