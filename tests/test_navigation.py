"""Finding one's way through the course, in both editions: each start page lists every chapter and
exercise of its edition in order, each chapter ends with links to the next chapter and to its
exercises, and no link is dead."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from actlab.workspace import release_of

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / "exercises" / "release"

CHAPTERS = {
    "01_overview": "全连接层激活函数概述",
    "02_common_activations": "常见的全连接层激活函数",
    "03_selection_and_optimisation": "激活函数的选择与优化",
    "04_applications": "激活函数在深度学习中的应用案例",
}
EXERCISES = [
    "01_dense_layer",
    "02_stable_sigmoid_tanh",
    "03_relu_backprop",
    "04_leaky_prelu",
    "05_cross_validation",
    "06_dead_units",
    "07_gelu_transformer",
    "08_softmax_cross_entropy",
]
# An edition's notebooks end in its suffix: index.ipynb, chapters/01_overview.zh-CN.ipynb, ...
EDITIONS = {"en": ".ipynb", "zh": ".zh-CN.ipynb"}
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _markdown(path: Path, last: int | None = None) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return "\n".join(markdown[-last:] if last else markdown)


def _local_links(text: str) -> list[str]:
    return [link for link in _LINK.findall(text) if not re.match(r"[a-z]+://|#", link)]


def _on_disk(target: Path) -> Path:
    """Where a link's target is in a fresh clone (a learner's copy in work/ is not there yet)."""
    return release_of(REPO, target)


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_start_page_lists_its_chapters_then_its_exercises_in_order(edition: str) -> None:
    suffix = EDITIONS[edition]
    links = _local_links(_markdown(REPO / f"index{suffix}"))
    chapters = [f"chapters/{c}{suffix}" for c in CHAPTERS]
    assert [link for link in links if link in chapters] == chapters
    assert [link for link in links if link.startswith(("exercises/", "work/"))] == [
        f"work/{e}{suffix}" for e in EXERCISES
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_start_page_links_the_other_edition_and_the_glossary(edition: str) -> None:
    suffix = EDITIONS[edition]
    other = next(s for s in EDITIONS.values() if s != suffix)
    links = _local_links(_markdown(REPO / f"index{suffix}"))
    assert f"index{other}" in links
    assert "docs/glossary.md" in links
    # the table gives each chapter in the other edition as well
    assert all(f"chapters/{c}{other}" in links for c in CHAPTERS)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_link_of_the_start_page_exists(edition: str) -> None:
    page = REPO / f"index{EDITIONS[edition]}"
    for link in _local_links(_markdown(page)):
        target = _on_disk(REPO / link)
        assert target.is_file(), f"{page.name} links to {link}, which does not exist"


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_start_page_gives_the_chinese_titles_and_how_to_check_work(edition: str) -> None:
    text = _markdown(REPO / f"index{EDITIONS[edition]}")
    for title in CHAPTERS.values():
        assert title in text
    for needle in ("check(", "make validate", "help(actlab.activations)", "README", "make lab"):
        assert needle in text, f"the start page does not mention {needle}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_chapter_ends_with_links_to_the_next_chapter_and_its_exercises(edition: str) -> None:
    suffix = EDITIONS[edition]
    chapters = [REPO / "chapters" / f"{c}{suffix}" for c in CHAPTERS]
    for i, path in enumerate(chapters):
        links = _local_links(_markdown(path, last=3))
        ending = [_on_disk(path.parent / link) for link in links]
        for link, target in zip(links, ending, strict=True):
            assert target.is_file(), f"{path.name} links to {link}, which does not exist"
        if i + 1 < len(chapters):
            assert chapters[i + 1].resolve() in ending, f"{path.name}: no link to the next chapter"
        exercises = [t for t in ending if t.parent == RELEASE.resolve() and t.name.endswith(suffix)]
        assert exercises, f"{path.name}: its ending links to no exercise of its edition"
        # an English exercise link is not a Chinese one: "NAME.ipynb" is not "NAME.zh-CN.ipynb"
        if suffix == ".ipynb":
            assert not any(t.name.endswith(".zh-CN.ipynb") for t in exercises), path.name
        # and the exercises are the learner's copies, not the release files they would overwrite
        assert all(
            link.startswith("../work/") for link in links if "exercises/" in link or "work/" in link
        ), f"{path.name}: links an exercise outside work/"
