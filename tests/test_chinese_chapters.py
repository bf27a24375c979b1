"""The Chinese editions of the chapters (chapters/*.zh-CN.ipynb) as a reader meets them: prose in
the glossary's terms with full-width punctuation, the source text quoted in its own words, and
links that lead somewhere.

What the style checks read is the Markdown prose: code (fenced blocks and inline spans), math
(``$…$``, ``$$…$$``), link targets and HTML comments are not prose, and neither is the number of a
section heading (``## 1.1 ``). Each of them is replaced by a placeholder that keeps its place, so
that a space between Chinese text and a code span or a formula is still found. Quotations of the
source text keep its own punctuation (it writes ``因素,使得``); a quotation in “…” is exempt only if
it is the source's words, that is, if each of its parts (split at an ellipsis) occurs in the
原文 column of the claim table, chapters/README.md.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from pathlib import Path

import pytest

from actlab.workspace import release_of
from actlab.zhstyle import check_terms, punctuation_problems

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.zh-CN.ipynb"))
CLAIMS = ROOT / "chapters" / "README.md"

_FENCE = re.compile(r"```.*?```", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_MATH = re.compile(r"\$[^$]+\$")
_CODE = re.compile(r"`[^`]+`")
_LINK_TARGET = re.compile(r"\]\([^)\s]+\)")
_URL = re.compile(r"https?://\S+")
_HEADING_NUMBER = re.compile(r"^(#+ )\d+(\.\d+)*\.? ", re.MULTILINE)
_QUOTE = re.compile(r"“([^”]*)”")
_ELLIPSIS = re.compile(r"\.{3}|…+")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def source_claims(table: str) -> list[str]:
    """The 原文 column of the claim table (its third column)."""
    claims = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"\d\.\d+", cells[0]):
            claims.append(cells[2])
    return claims


def is_source_quote(quote: str, claims: list[str]) -> bool:
    parts = [p.strip() for p in _ELLIPSIS.split(quote) if p.strip()]
    return bool(parts) and all(any(p in claim for claim in claims) for p in parts)


def prose(markdown: str, claims: list[str]) -> str:
    """The Chinese prose of a Markdown cell, as the style checks read it (see the module doc)."""
    text = _COMMENT.sub("", markdown)
    text = _FENCE.sub("`", text)
    text = _DISPLAY_MATH.sub("$", text)
    text = _MATH.sub("$", text)
    text = _CODE.sub("`", text)
    text = _LINK_TARGET.sub("]", text)
    text = _URL.sub("`", text)
    text = _HEADING_NUMBER.sub(r"\1", text)
    return _QUOTE.sub(lambda m: "“”" if is_source_quote(m.group(1), claims) else m.group(0), text)


def style_problems(markdown: str, claims: list[str]) -> list[str]:
    text = prose(markdown, claims)
    problems = list(punctuation_problems(text))
    problems += [str(issue) for issue in check_terms(text)]
    return problems


def _punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def emphasis_problems(markdown: str) -> list[str]:
    """``**`` and ``*`` that CommonMark (and so JupyterLab) will not take as emphasis.

    A delimiter opens only if it is left-flanking and closes only if it is right-flanking. In
    Chinese this bites where full-width punctuation is inside the emphasis and text follows it,
    ``**正确。**下文``, or where the emphasis starts with a formula right after a hanzi; write
    ``**正确**。下文``. Math is replaced by ``@`` (JupyterLab hides it from the Markdown parser
    behind such placeholders) and code by a letter.
    """
    text = _COMMENT.sub("", markdown)
    text = _FENCE.sub("x", text)
    text = _DISPLAY_MATH.sub("@", text)
    text = _MATH.sub("@", text)
    text = _CODE.sub("x", text)
    problems = []
    for line in text.splitlines():
        line = re.sub(r"^\s*[*-] ", "  ", line)  # list bullets are no delimiters
        expected = {"**": "open", "*": "open"}
        for m in re.finditer(r"\*+", line):
            run = m.group(0)
            if run not in expected:
                problems.append(f"{run!r} in {line!r}")
                continue
            before = line[m.start() - 1] if m.start() > 0 else " "
            after = line[m.end()] if m.end() < len(line) else " "
            left = not after.isspace() and (
                not _punctuation(after) or before.isspace() or _punctuation(before)
            )
            right = not before.isspace() and (
                not _punctuation(before) or after.isspace() or _punctuation(after)
            )
            if left if expected[run] == "open" else right:
                expected[run] = "close" if expected[run] == "open" else "open"
            else:
                problems.append(
                    f"{run} cannot {expected[run]} at {line[max(0, m.start() - 8) : m.end() + 8]!r}"
                )
    return problems


def _markdown_cells(path: Path) -> list[tuple[str, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(c["id"], "".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]


@pytest.fixture(scope="module")
def claims() -> list[str]:
    found = source_claims(CLAIMS.read_text(encoding="utf-8"))
    assert len(found) > 40, "the claim table of chapters/README.md was not found"
    return found


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chinese_chapters_write_the_course_style(chapter: Path, claims: list[str]) -> None:
    problems = [
        f"{cell}: {p}"
        for cell, text in _markdown_cells(chapter)
        for p in style_problems(text, claims)
    ]
    assert problems == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_bold_and_italic_in_chinese_chapters_render(chapter: Path) -> None:
    problems = [
        f"{cell}: {p}" for cell, text in _markdown_cells(chapter) for p in emphasis_problems(text)
    ]
    assert problems == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chinese_chapters_quote_the_source_in_its_own_words(
    chapter: Path, claims: list[str]
) -> None:
    """Every quotation in a 原文 box is the source's words, as the claim table gives them."""
    quotes = []
    for cell, text in _markdown_cells(chapter):
        for line in text.splitlines():
            if "**原文**" in line:
                quotes += [(cell, q) for q in _QUOTE.findall(line)]
    assert quotes, f"{chapter.name}: no 原文 box found"
    assert [(cell, q) for cell, q in quotes if not is_source_quote(q, claims)] == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_every_local_link_of_a_chinese_chapter_exists(chapter: Path) -> None:
    links = [
        link
        for _, text in _markdown_cells(chapter)
        for link in _LINK.findall(text)
        if not re.match(r"[a-z]+://|#", link)
    ]
    assert links
    # a learner's copy in work/ is made from exercises/release by `actlab start`
    missing = [
        link for link in links if not release_of(ROOT, chapter.parent / link.split("#")[0]).exists()
    ]
    assert missing == []


def test_each_chinese_chapter_leads_to_the_next_chinese_chapter() -> None:
    """The 下一章 link of a chapter's last Markdown cell goes to the next chapter's Chinese edition."""
    assert [p.name.split("_")[0] for p in CHAPTERS] == ["01", "02", "03", "04"]
    for chapter, following in itertools.pairwise(CHAPTERS):
        ending = _markdown_cells(chapter)[-1][1]
        (line,) = [line for line in ending.splitlines() if line.startswith("**下一章**")]
        assert _LINK.findall(line)[0] == following.name, f"{chapter.name}: {line}"
        assert "英文版" not in line


def test_the_style_check_reads_prose_only_and_bites(claims: list[str]) -> None:
    quote = "它能够引入非线性因素,使得模型能够处理更复杂的输入数据"
    good = (
        "## 1.1 没有激活函数\n\n> **原文**（一）：“" + quote + "”。**正确**。\n\n"
        "权重为$W = W_1W_2$的全连接层，见`overview.linear_collapse(sizes, seed=0)`和"
        "[README](README.md)。\n```python\nx = f(a, b)\n```\n"
    )
    assert style_problems(good, claims) == []
    bad = [
        "激活函数, 也就是",  # half-width comma
        "梯度消失 (vanishing gradient)",  # half-width parentheses, and a space
        "sigmoid 函数",  # a space between Latin and Chinese text
        "权重为 $W$ 的层",  # spaces around math
        "调用 `f(x)` 即可",  # spaces around code
        "深层网络容易出现梯度弥散。",  # a variant the glossary does not use
        "原文说“它能够引入非线性因素,使得模型更好”。",  # not the source's words
    ]
    for text in bad:
        assert style_problems(text, claims), text
    assert is_source_quote("Sigmoid或Tanh函数...能够提供介于0和1之间的输出", claims)
    assert not is_source_quote("Sigmoid函数能够提供介于0和1之间的输出", claims)


def test_the_emphasis_check_finds_what_commonmark_will_not_render() -> None:
    good = "- **非线性**：$f$离直线多远。**正确**。*每个*样本，**$x$** 和 **1/4**，\n**正确。**\n"
    assert emphasis_problems(good) == []
    assert emphasis_problems("**定理。**Cybenko证明") == [
        "** cannot close at '**定理。**Cybenko证'"
    ]
    assert emphasis_problems("约定**$x = 0$**（图中）")[0].startswith("** cannot open")
    assert emphasis_problems("**不严谨。**好处")
