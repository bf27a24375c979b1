"""The course's CJK font: shipped with its licence, registered on import, and drawing Chinese
figure text without a missing glyph (pytest turns matplotlib's "Glyph … missing" warning into an
error, so a figure test fails on the first box drawn)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

import actlab.plotting  # noqa: F401 -- registers the font
from actlab.plotting.fonts import FONT_FAMILIES, FONT_FAMILY, FONT_PATH, missing_glyphs

ROOT = Path(__file__).resolve().parents[1]
# GB2312 level 2 (row 56, the first of level 2): in Noto Sans CJK, not in the course's subset.
RARE = "亍"


def _tool():
    spec = importlib.util.spec_from_file_location(
        "make_font_subset", ROOT / "tools" / "make_font_subset.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _chinese_figure() -> plt.Figure:
    """A figure with Chinese in every kind of text: suptitle, title, axis labels, legend, tick
    labels and an annotation."""
    fig, ax = plt.subplots(figsize=(4, 3), dpi=60)
    fig.suptitle("激活函数及其导数")
    ax.plot([0, 1, 2], [0, 1, 2], label="ReLU（修正线性单元）")
    ax.plot([0, 1, 2], [1, 1, 1], label="导数：x > 0时为1")
    ax.set_title("梯度消失与梯度爆炸，σ′(0) = 0.25")  # noqa: RUF001
    ax.set_xlabel("输入 x（−∞，+∞）")  # noqa: RUF001
    ax.set_ylabel("输出 ≈ 均值 ± 标准差")
    ax.set_xticks([0, 1, 2], ["第一层", "第二层", "第三层"])
    ax.annotate("死亡单元的比例：0.45", (1, 1))
    ax.legend(title="图例")
    return fig


def test_the_font_ships_with_its_licence_under_its_own_name() -> None:
    assert FONT_PATH.is_file() and FONT_PATH.parent.joinpath("OFL.txt").is_file()
    licence = FONT_PATH.parent.joinpath("OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Copyright © 2014-2021 Adobe" in licence
    # About 1.4 MiB; a subset that grows past 3 MiB has taken in more than figure text needs.
    assert FONT_PATH.stat().st_size < 3 * 2**20
    with TTFont(str(FONT_PATH)) as font:
        names = font["name"]
        cff = font["CFF "].cff
        assert names.getDebugName(1) == FONT_FAMILY == names.getDebugName(4)
        assert "SIL Open Font License" in names.getDebugName(13)
        # The OFL's Reserved Font Name ("Source", Source Han Sans) and Google's trademark
        # ("Noto") may not name a Modified Version.
        primary = [names.getDebugName(i) for i in (1, 3, 4, 6)] + list(cff.fontNames)
        primary += [cff.topDictIndex[0].FullName, cff.topDictIndex[0].FamilyName]
    for name in primary:
        assert "Noto" not in name and "Source" not in name, name


def test_the_font_has_every_listed_character() -> None:
    tool = _tool()
    assert tool.check(FONT_PATH) == []
    wanted = tool.characters()
    assert len(tool.gb2312_level1()) == 3755 and set(tool.gb2312_level1()) <= wanted
    assert RARE not in wanted


def test_the_check_finds_a_character_missing_from_the_font(tmp_path: Path) -> None:
    tool = _tool()
    listed = tmp_path / "characters.txt"
    listed.write_text("# a list with one hanzi beyond the font\n" + RARE + "\n", encoding="utf-8")
    assert tool.listed_characters(listed) == RARE
    assert tool.add_characters(RARE + "激", listed) == ""  # 亍 already listed, 激 in GB2312 level 1
    assert tool.add_characters("龘", listed) == "龘"
    assert listed.read_text(encoding="utf-8").endswith("龘\n")
    missing = tool.characters(listed) - tool.font_characters(FONT_PATH)
    assert missing == {RARE, "龘"}


def test_importing_plotting_registers_the_font_after_dejavu_sans() -> None:
    assert matplotlib.rcParams["font.family"] == list(FONT_FAMILIES)
    assert FONT_FAMILIES[0] == "DejaVu Sans"
    found = font_manager.fontManager.findfont(
        font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
    )
    assert Path(found) == FONT_PATH


def test_chinese_figure_text_renders_with_real_glyphs() -> None:
    # filterwarnings = error: a missing glyph would raise here
    fig = _chinese_figure()
    fig.canvas.draw()
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any("激活函数" in t for t in texts) and "第一层" in texts


def test_without_the_font_the_same_figure_fails() -> None:
    # The test above bites: with DejaVu Sans alone, the first hanzi is a missing glyph.
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = _chinese_figure()
        with pytest.warns(UserWarning, match=r"Glyph \d+ .* missing from font\(s\) DejaVu Sans\."):
            fig.canvas.draw()


def test_a_hanzi_outside_the_subset_is_a_missing_glyph() -> None:
    fig, ax = plt.subplots(figsize=(2, 2), dpi=60)
    ax.set_title(f"激活{RARE}")
    with pytest.warns(UserWarning, match=rf"Glyph {ord(RARE)} .* missing from font\(s\)"):
        fig.canvas.draw()


def test_missing_glyphs() -> None:
    assert missing_glyphs("激活函数 ReLU: max(0, x)，x ≥ 0。") == []
    # DejaVu Sans draws what the CJK subset lacks: subscripts, the double-struck R, epsilon
    assert missing_glyphs("x₀ ∈ ℝ, ϵ → 0, W⁽ˡ⁾") == []  # noqa: RUF001
    assert missing_glyphs(f"第一行\n{RARE}和{RARE}，龘") == [RARE, "龘"]
    assert missing_glyphs("") == []
    with pytest.raises(TypeError, match="missing_glyphs: text must be a str, got list"):
        missing_glyphs(["激活"])  # type: ignore[arg-type]
