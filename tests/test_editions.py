"""The two editions of a chapter stay in step: tools/editions.py, on small notebooks of its own,
and on every chapter that has its Chinese edition."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("editions", REPO / "tools" / "editions.py")
editions = importlib.util.module_from_spec(_spec)
sys.modules["editions"] = editions
_spec.loader.exec_module(editions)  # type: ignore[union-attr]


def _english(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nThe ratio is 0.062 at depth 10.", id="m0"),
        nbformat.v4.new_code_cell('LANG = "en"\nimport math', id="c0"),
        nbformat.v4.new_code_cell("print(label(LANG), round(math.pi, 3))", id="c1"),
    ]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="ratio 3.142\n")]
    nbformat.write(nb, path)
    return path


def _translate(chinese: Path, text: str = "# 标题\n\n深度为10时比值为0.062。") -> None:
    nb = nbformat.read(chinese, as_version=4)
    nb.cells[0].source = text
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="比值 3.142\n")]
    nbformat.write(nb, chinese)
    editions.mark_translated(chinese, None)


def test_sync_makes_a_paired_notebook_that_checks_clean_once_translated(tmp_path: Path) -> None:
    english = _english(tmp_path / "01_x.ipynb")
    chinese = editions.sync(english)
    assert chinese.name == "01_x.zh-CN.ipynb"
    zh = nbformat.read(chinese, as_version=4)
    assert zh.cells[1].source == 'LANG = "zh"\nimport math'
    assert zh.metadata["actlab"]["lang"] == "zh-CN"
    assert editions.problems(english) == [
        f"{chinese.name} m0: untranslated",
        f"{chinese.name} c1: prints other numbers than English; re-run both editions",
    ]
    _translate(chinese)
    assert editions.problems(english) == []


def test_changed_english_makes_the_translation_stale_and_sync_keeps_it(tmp_path: Path) -> None:
    english = _english(tmp_path / "01_x.ipynb")
    chinese = editions.sync(english)
    _translate(chinese)
    en = nbformat.read(english, as_version=4)
    en.cells[0].source += " It was 1.2 with He."
    en.cells.append(nbformat.v4.new_markdown_cell("New.", id="m1"))
    nbformat.write(en, english)
    editions.sync(english)
    zh = nbformat.read(chinese, as_version=4)
    assert zh.cells[0].source.startswith("# 标题"), "sync must keep translations"
    assert zh.cells[2].outputs, "sync keeps the outputs of unchanged code"
    found = editions.problems(english)
    assert f"{chinese.name} m0: the English cell changed since it was translated" in found
    assert any("m0: numbers differ (English only ['1.2']" in p for p in found), found
    assert f"{chinese.name} m1: untranslated" in found


def test_code_and_printed_numbers_must_agree(tmp_path: Path) -> None:
    english = _english(tmp_path / "01_x.ipynb")
    chinese = editions.sync(english)
    _translate(chinese)
    zh = nbformat.read(chinese, as_version=4)
    zh.cells[2].outputs = [nbformat.v4.new_output("stream", text="比值 3.141\n")]
    nbformat.write(zh, chinese)
    assert editions.problems(english) == [
        f"{chinese.name} c1: prints other numbers than English; re-run both editions"
    ]
    zh.cells[2].source = "print(round(math.pi, 3))"
    nbformat.write(zh, chinese)
    assert editions.problems(english) == [
        f"{chinese.name} c1: code differs from English beyond LANG; run sync"
    ]
    zh.cells.pop()
    nbformat.write(zh, chinese)
    assert "not the English cells" in editions.problems(english)[0]


def test_a_timing_cell_may_print_other_numbers(tmp_path: Path) -> None:
    english = _english(tmp_path / "01_x.ipynb")
    chinese = editions.sync(english)
    _translate(chinese)
    zh = nbformat.read(chinese, as_version=4)
    zh.cells[2].outputs = [nbformat.v4.new_output("stream", text="耗时 0.0213\n")]
    nbformat.write(zh, chinese)
    assert editions.problems(english) == [
        f"{chinese.name} c1: prints other numbers than English; re-run both editions"
    ]
    for path in (english, chinese):  # a true timing: its output is not compared by nbval either
        nb = nbformat.read(path, as_version=4)
        nb.cells[2].metadata["tags"] = ["nbval-ignore-output"]
        nbformat.write(nb, path)
    assert editions.problems(english) == []


def test_a_missing_edition_and_a_missing_lang_line_are_reported(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    english = _english(tmp_path / "chapters" / "01_x.ipynb")
    assert editions.problems(english)[0].startswith("01_x.zh-CN.ipynb: missing")
    en = nbformat.read(english, as_version=4)
    en.cells[1].source = "import math"
    nbformat.write(en, english)
    chinese = editions.sync(english)
    _translate(chinese)
    assert editions.problems(english) == [
        '01_x.ipynb: no LANG = "en" line for the language of its figures'
    ]


def test_numbers_are_the_measured_ones() -> None:
    assert editions.numbers("ratio 0.062, 1e-13 and \u22122.5e-3 in 2012, layer 7 of 10") == [
        "0.062", "1e-13", "-2.5e-3", "2012",
    ]  # fmt: skip
    assert editions.numbers("深度为10时比值为0.062，第2.4节") == ["0.062", "2.4"]
    # a number that ends a sentence counts; a version number or a file name does not
    assert editions.numbers("see section 2.4. It fell to 0.0554.\n") == ["2.4", "0.0554"]
    assert editions.numbers("numpy 2.4.1 and data.v2.csv, 12.5.txt") == []


PAIRED = [p for p in editions.english_notebooks() if editions.chinese_path(p).exists()]


def test_every_english_chapter_has_its_chinese_edition() -> None:
    english = editions.english_notebooks()
    assert [p.name for p in english] == [
        "index.ipynb",
        "01_overview.ipynb",
        "02_common_activations.ipynb",
        "03_selection_and_optimisation.ipynb",
        "04_applications.ipynb",
    ], "a chapter was added or renamed: give it its Chinese edition (tools/editions.py sync)"
    missing = [
        editions.chinese_path(p).name for p in english if not editions.chinese_path(p).exists()
    ]
    assert missing == []
    assert PAIRED == english


@pytest.mark.parametrize("english", PAIRED, ids=[p.name for p in PAIRED])
def test_chapter_editions_are_in_step(english: Path) -> None:
    assert editions.problems(english) == []


def test_comments_are_translated_not_compared(tmp_path: Path) -> None:
    english = _english(tmp_path / "01_x.ipynb")
    en = nbformat.read(english, as_version=4)
    en.cells[
        2
    ].source = "# print the label and pi\nprint(label(LANG), round(math.pi, 3))  # three digits"
    nbformat.write(en, english)
    chinese = editions.sync(english)
    _translate(chinese)
    found = editions.problems(english)
    assert found == [
        f"{chinese.name} c1: untranslated comment '# print the label and pi'",
        f"{chinese.name} c1: untranslated comment '# three digits'",
    ]
    zh = nbformat.read(chinese, as_version=4)
    zh.cells[2].source = "# 打印标签和pi\nprint(label(LANG), round(math.pi, 3))  # 三位数字"
    nbformat.write(zh, chinese)
    assert editions.problems(english) == []
    editions.sync(english)
    assert nbformat.read(chinese, as_version=4).cells[2].source.startswith("# 打印标签"), (
        "sync keeps translated comments of unchanged code"
    )
    zh.cells[2].source = "# 打印标签和pi\nprint(label(LANG), round(math.e, 3))  # 三位数字"
    nbformat.write(zh, chinese)
    assert "code differs from English beyond LANG" in editions.problems(english)[0]
    assert editions.english_comments("x = 1  # delta_l = (delta_{l+1} W_{l+1}^T) * f'(z_l)") == []
