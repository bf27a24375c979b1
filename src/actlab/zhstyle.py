"""Chinese text as the course writes it: the glossary's terms and full-width punctuation.

The Chinese edition follows 《动手学深度学习》 (zh.d2l.ai) and one bilingual glossary,
``src/actlab/data/glossary.csv`` (shown as ``docs/glossary.md``, which ``tools/make_glossary.py``
writes from it). Each row gives an English term, the course's Chinese term and, in ``avoid``, the
variants that the course does not use (``梯度弥散`` for ``梯度消失``). Two checks read Chinese text:

* :func:`check_terms` reports every variant, with the term to use instead. A variant written in
  full-width parentheses right after the course's term is a deliberate "also called" note and is
  not reported: ``暂退法（dropout，也称丢弃法）``.
* :func:`punctuation_problems` reports half-width punctuation next to Chinese characters (``，``
  not ``,``), an English term in half-width parentheses after a Chinese one (``梯度消失（vanishing
  gradient）``, not ``梯度消失 (vanishing gradient)``), and spaces between Chinese and Latin letters,
  digits, code or math, which d2l-zh's style guide leaves out (``sigmoid函数``).

Both take plain text (a Markdown cell, a message); they do not parse Markdown, so code spans and
math are checked as they stand.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "AREAS",
    "GlossaryEntry",
    "TermIssue",
    "check_terms",
    "glossary",
    "punctuation_problems",
    "render_markdown",
]

# The glossary's areas, in the order docs/glossary.md shows them, with their headings.
AREAS: dict[str, str] = {
    "activation": "激活函数的性质 · Properties of activations",
    "name": "激活函数的名称 · Names of activations",
    "layer": "层与网络 · Layers and networks",
    "training": "训练 · Training",
    "init": "初始化 · Initialisation",
    "regularisation": "正则化与泛化 · Regularisation and generalisation",
    "evaluation": "评估 · Evaluation",
    "numerics": "数值计算 · Numerics",
    "grading": "练习与评分 · Exercises and grading",
}

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")


@dataclass(frozen=True)
class GlossaryEntry:
    """One row of the glossary."""

    area: str
    english: str
    chinese: str
    avoid: tuple[str, ...]
    note: str

    @property
    def terms(self) -> tuple[str, ...]:
        """The course's Chinese terms of the row (``"输入层 / 输出层"`` holds two)."""
        return tuple(part.strip() for part in self.chinese.split(" / ") if part.strip())


@dataclass(frozen=True)
class TermIssue:
    """A variant found in a text, and what the glossary uses instead."""

    found: str
    use: str
    english: str
    line: int
    column: int
    context: str

    def __str__(self) -> str:
        return (
            f"line {self.line}, column {self.column}: {self.found!r} -> {self.use!r} "
            f"({self.english}) in …{self.context}…"
        )


def _parse(text: str) -> tuple[GlossaryEntry, ...]:
    rows = list(csv.DictReader(text.splitlines()))
    entries = []
    for number, row in enumerate(rows, start=2):
        if set(row) != {"area", "english", "chinese", "avoid", "note"} or None in row.values():
            raise ValueError(f"glossary.csv line {number}: expected 5 columns, got {row}")
        if row["area"] not in AREAS:
            raise ValueError(f"glossary.csv line {number}: unknown area {row['area']!r}")
        avoid = tuple(v.strip() for v in row["avoid"].split("|") if v.strip())
        entries.append(
            GlossaryEntry(row["area"], row["english"], row["chinese"], avoid, row["note"])
        )
    return tuple(entries)


@cache
def glossary() -> tuple[GlossaryEntry, ...]:
    """The glossary's rows, in file order."""
    text = resources.files("actlab").joinpath("data/glossary.csv").read_text(encoding="utf-8")
    return _parse(text)


def _covered(text: str, terms: set[str]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)]
    return spans


def _is_also_called(text: str, start: int, terms: tuple[str, ...]) -> bool:
    """Whether ``start`` lies in a full-width parenthesis that directly follows one of ``terms``."""
    open_at = text.rfind("（", 0, start)
    if open_at < 0 or "）" in text[open_at:start]:
        return False
    return any(text[:open_at].endswith(term) for term in terms)


def check_terms(text: str, entries: tuple[GlossaryEntry, ...] | None = None) -> list[TermIssue]:
    """Every variant of a glossary term in ``text``, in order of appearance.

    A variant inside one of the course's own terms is no variant (``超参`` in ``超参数``), and
    where variants overlap the longest one is reported once.
    """
    entries = glossary() if entries is None else entries
    preferred = {term for entry in entries for term in entry.terms}
    covered = _covered(text, preferred)
    found: list[tuple[int, int, GlossaryEntry, str]] = []
    for entry in entries:
        for variant in entry.avoid:
            for m in re.finditer(re.escape(variant), text):
                start, end = m.span()
                if any(a <= start and end <= b for a, b in covered):
                    continue
                if _is_also_called(text, start, entry.terms):
                    continue
                found.append((start, end, entry, variant))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    issues, last_end = [], -1
    for start, end, entry, variant in found:
        if start < last_end:
            continue
        last_end = end
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        context = text[max(0, start - 8) : end + 8].replace("\n", " ")
        issues.append(TermIssue(variant, entry.chinese, entry.english, line, column, context))
    return issues


_HALF_PUNCT_AFTER = re.compile(f"([{_CJK}])([,;:!?.])(?!\\d)")
_HALF_PUNCT_BEFORE = re.compile(f"([,;:!?])([{_CJK}])")
_HALF_PARENS = re.compile(f"([{_CJK}])\\s*\\(([^()]*[A-Za-z{_CJK}]{{2,}}[^()]*)\\)")
_SPACE = re.compile(f"([{_CJK}]) +([A-Za-z0-9`$])|([A-Za-z0-9`$]) +([{_CJK}])")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}


def punctuation_problems(text: str) -> list[str]:
    """Half-width punctuation and spaces where Chinese prose has none, as readable lines."""
    problems = []
    for m in _HALF_PUNCT_AFTER.finditer(text):
        problems.append(f"{m.group(0)!r}: use {_FULL[m.group(2)]!r} after Chinese text")
    for m in _HALF_PUNCT_BEFORE.finditer(text):
        problems.append(f"{m.group(0)!r}: use {_FULL[m.group(1)]!r} before Chinese text")
    for m in _HALF_PARENS.finditer(text):
        problems.append(f"{m.group(0)!r}: use full-width parentheses （…） after Chinese text")
    for m in _SPACE.finditer(text):
        problems.append(f"{m.group(0)!r}: no space between Chinese and Latin text, code or math")
    return problems


def render_markdown(entries: tuple[GlossaryEntry, ...] | None = None) -> str:
    """``docs/glossary.md``: the glossary as tables, one per area."""
    entries = glossary() if entries is None else entries
    lines = [
        "# 术语表 · Glossary",
        "",
        (
            "本课程中文版的术语表。术语取自《动手学深度学习》（zh.d2l.ai）；该书没有的术语，"
            "说明一栏写明本课程的用法。“不用”一栏列出本课程不用的写法，"
            "`actlab.zhstyle.check_terms`据此检查中文文本。"
        ),
        "",
        (
            "The terms of the course's Chinese edition, taken from *Dive into Deep Learning* in "
            "Chinese (zh.d2l.ai); where that book has no term, the note says what the course uses. "
            'The "不用" (avoid) column lists the variants the course does not use; '
            "`actlab.zhstyle.check_terms` finds them in Chinese text."
        ),
        "",
        "写法 · Conventions:",
        "",
        (
            "- 术语首次出现时在后面的全角括号中注明英文：梯度消失（vanishing gradient）。"
            " The English term follows in full-width parentheses at first use."
        ),
        (
            "- 正文用全角标点（，。：；？！（））；代码、数字和公式中用半角。"
            " Full-width punctuation in prose, half-width in code, numbers and formulas."
        ),
        (
            "- 中文与英文、数字、代码、公式之间不加空格：sigmoid函数。"
            " No space between Chinese and Latin text, digits, code or math."
        ),
        "",
        (
            "This file is generated from `src/actlab/data/glossary.csv` by "
            "`python tools/make_glossary.py`; edit the CSV, then run the tool."
        ),
    ]
    for area, heading in AREAS.items():
        rows = [e for e in entries if e.area == area]
        if not rows:
            continue
        lines += [
            "",
            f"## {heading}",
            "",
            "| English | 中文 | 不用 (avoid) | 说明 |",
            "|---|---|---|---|",
        ]
        for e in rows:
            cells = [e.english, e.chinese, "、".join(e.avoid), e.note]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", f"共{len(entries)}条 · {len(entries)} entries.", ""]
    return "\n".join(lines)
