"""README.zh-CN.md: every link resolves, the two READMEs link each other, and its Chinese prose
uses the glossary's terms and full-width punctuation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actlab.zhstyle import check_terms, punctuation_problems

ROOT = Path(__file__).resolve().parents[1]
README_ZH = ROOT / "README.zh-CN.md"
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _prose(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL).splitlines()


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_every_local_link_exists(readme: str) -> None:
    text = (ROOT / readme).read_text(encoding="utf-8")
    links = [link for link in _LINK.findall(text) if not re.match(r"[a-z]+://|#", link)]
    assert links
    missing = [link for link in links if not (ROOT / link.split("#", 1)[0]).exists()]
    assert missing == [], f"{readme} links to files that do not exist"


def test_the_readmes_link_each_other_and_the_glossary() -> None:
    english = (ROOT / "README.md").read_text(encoding="utf-8")
    chinese = README_ZH.read_text(encoding="utf-8")
    assert "(README.zh-CN.md)" in english and "(docs/glossary.md)" in english
    assert "(README.md)" in chinese and "(docs/glossary.md)" in chinese
    for command in ("make lab-zh", "make test", "make validate", "actlab start --lang zh"):
        assert command in chinese, command
    assert "conda env create -f environment.yml" in chinese


def test_the_chinese_readme_follows_the_course_style() -> None:
    problems = []
    for number, line in enumerate(_prose(README_ZH.read_text(encoding="utf-8")), start=1):
        problems += [f"line {number}: {p}" for p in punctuation_problems(line)]
        problems += [f"line {number}: {issue}" for issue in check_terms(line)]
    assert problems == []


def test_the_style_check_of_the_readme_bites() -> None:
    bad = "课程讲激活函数, 也讲梯度弥散 (vanishing gradient).\n```\nx = f(a, b)\n```\n"
    lines = _prose(bad)
    assert len(lines) == 2 and "x = f(a, b)" not in lines
    assert punctuation_problems(lines[0]) and check_terms(lines[0])
