"""The glossary and the checks of Chinese text: terms used consistently, full-width punctuation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from actlab.zhstyle import (
    AREAS,
    GlossaryEntry,
    _parse,
    check_terms,
    glossary,
    punctuation_problems,
    render_markdown,
)

ROOT = Path(__file__).resolve().parents[1]

# The starting list of ../shared terms (《动手学深度学习》), each of which the glossary must hold.
D2L_TERMS = [
    "激活函数", "全连接层", "多层感知机", "隐藏层", "梯度消失", "梯度爆炸", "反向传播", "权重衰减",
    "暂退法", "初始化", "Xavier初始化", "He初始化", "交叉验证", "过拟合", "泛化", "饱和", "零中心",
    "神经元死亡", "学习率", "小批量", "损失函数", "交叉熵", "超参数",
]  # fmt: skip


def test_the_glossary_is_large_and_well_formed() -> None:
    entries = glossary()
    assert len(entries) >= 60
    assert {e.area for e in entries} == set(AREAS)
    terms = [term for e in entries for term in e.terms]
    assert [t for t, n in Counter(terms).items() if n > 1] == []
    english = [e.english for e in entries]
    assert [t for t, n in Counter(english).items() if n > 1] == []
    for entry in entries:
        assert entry.english and entry.chinese and entry.note, entry
        for variant in entry.avoid:
            assert variant not in terms, f"{variant!r} is both a term and a variant"


def test_the_glossary_holds_the_standard_terms() -> None:
    terms = {term for e in glossary() for term in e.terms}
    assert [t for t in D2L_TERMS if t not in terms] == []


def test_every_glossary_term_can_be_drawn_in_a_figure() -> None:
    from actlab.plotting.fonts import missing_glyphs

    terms = "".join(e.chinese for e in glossary())
    assert missing_glyphs(terms) == [], "add them: python tools/make_font_subset.py --add ..."


def test_the_glossary_writes_its_own_chinese_in_the_course_style() -> None:
    for entry in glossary():
        assert punctuation_problems(entry.chinese) == [], entry.chinese
        assert punctuation_problems(entry.note) == [], entry.note


def test_every_variant_is_found_and_no_term_is_a_variant() -> None:
    for entry in glossary():
        for variant in entry.avoid:
            issues = check_terms(f"本节讨论{variant}。")
            assert [(i.found, i.use) for i in issues] == [(variant, entry.chinese)], variant
    text = "。".join(term for e in glossary() for term in e.terms)
    assert check_terms(text) == []


def test_docs_glossary_is_generated_from_the_csv() -> None:
    on_disk = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert on_disk == render_markdown(), "run python tools/make_glossary.py"
    for entry in glossary():
        assert f"| {entry.english} | {entry.chinese} |" in on_disk


def test_check_terms_reports_variants_with_their_place() -> None:
    text = "深层网络容易出现梯度弥散。\n训练时要调好超参，\n并用丢弃法。"
    issues = check_terms(text)
    assert [(i.found, i.use, i.line, i.column) for i in issues] == [
        ("梯度弥散", "梯度消失", 1, 9),
        ("超参", "超参数", 2, 7),
        ("丢弃法", "暂退法", 3, 3),
    ]
    assert "'梯度弥散' -> '梯度消失' (vanishing gradient)" in str(issues[0])


def test_check_terms_leaves_the_course_terms_and_also_called_notes_alone() -> None:
    assert check_terms("超参数和学习率都要调。") == []
    assert check_terms("暂退法（dropout，也称丢弃法）是一种正则化方法。") == []
    # the note must follow the course's term: elsewhere the variant is reported
    assert [i.found for i in check_terms("正则化（也称丢弃法）")] == ["丢弃法"]
    assert [i.found for i in check_terms("暂退法（dropout）和丢弃法")] == ["丢弃法"]


def test_overlapping_variants_are_reported_once_as_the_longest() -> None:
    issues = check_terms("使用权值衰减。")
    assert [(i.found, i.use) for i in issues] == [("权值衰减", "权重衰减")]
    assert [i.found for i in check_terms("权值和偏置")] == ["权值"]


def test_check_terms_takes_another_glossary() -> None:
    entries = (GlossaryEntry("training", "epoch", "迭代周期", ("纪元",), "note"),)
    assert [i.use for i in check_terms("训练了3个纪元，梯度弥散", entries)] == ["迭代周期"]


def test_a_malformed_glossary_is_refused() -> None:
    header = "area,english,chinese,avoid,note\n"
    with pytest.raises(ValueError, match="line 2: unknown area 'maths'"):
        _parse(header + "maths,x,y,,z\n")
    with pytest.raises(ValueError, match="line 2: expected 5 columns"):
        _parse(header + "training,x,y\n")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("梯度消失,这是", "use '，' after Chinese text"),
        ("这是梯度消失.", "use '。' after Chinese text"),
        ("是什么?", "use '？' after Chinese text"),
        ("梯度消失 (vanishing gradient)", "use full-width parentheses"),
        ("sigmoid 函数", "no space between Chinese and Latin text"),
        ("共 3 层", "no space between Chinese and Latin text"),
        ("调用 `relu` 函数", "no space between Chinese and Latin text"),
    ],
)
def test_punctuation_problems_are_found(text: str, problem: str) -> None:
    assert any(problem in p for p in punctuation_problems(text)), punctuation_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "梯度消失（vanishing gradient）是深层网络的问题。",
        "sigmoid函数把输入压缩到区间(0, 1)。",
        "形状为(10, 20)，学习率为0.01。",
        "调用`relu`函数，得到$\\max(0, x)$。",
        "ReLU(x) = max(0, x), for x in R.",
    ],
)
def test_punctuation_of_good_text_passes(text: str) -> None:
    assert punctuation_problems(text) == []
