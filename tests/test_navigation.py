"""Finding one's way through the course: the start page lists every chapter and exercise in order,
each chapter ends with links to the next chapter and to its exercises, and no link is dead."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INDEX = REPO / "index.ipynb"

CHAPTERS = {
    "chapters/01_overview.ipynb": "全连接层激活函数概述",
    "chapters/02_common_activations.ipynb": "常见的全连接层激活函数",
    "chapters/03_selection_and_optimisation.ipynb": "激活函数的选择与优化",
    "chapters/04_applications.ipynb": "激活函数在深度学习中的应用案例",
}
# The start page links each exercise in the learner's own copy, work/NAME.ipynb, which
# `actlab start` makes from exercises/release/NAME.ipynb.
EXERCISES = [
    f"work/{name}.ipynb"
    for name in (
        "01_dense_layer",
        "02_stable_sigmoid_tanh",
        "03_relu_backprop",
        "04_leaky_prelu",
        "05_cross_validation",
        "06_dead_units",
        "07_gelu_transformer",
        "08_softmax_cross_entropy",
    )
]
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _markdown(path: Path = INDEX, last: int | None = None) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return "\n".join(markdown[-last:] if last else markdown)


def test_index_lists_chapters_then_exercises_in_order() -> None:
    links = _LINK.findall(_markdown())
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert [link for link in local if link.startswith("chapters/")] == list(CHAPTERS)
    assert [link for link in local if link.startswith(("exercises/", "work/"))] == EXERCISES


def test_every_link_of_the_index_exists() -> None:
    for link in _LINK.findall(_markdown()):
        if re.match(r"[a-z]+://|#", link):
            continue
        if link.startswith("work/"):
            link = "exercises/release/" + link.removeprefix("work/")
        assert (REPO / link).is_file(), f"index.ipynb links to {link}, which does not exist"


def test_index_gives_the_chinese_titles_and_how_to_check_work() -> None:
    text = _markdown()
    for title in CHAPTERS.values():
        assert title in text
    for needle in ("check(", "make validate", "help(actlab.activations)", "README", "make lab"):
        assert needle in text, f"index.ipynb does not mention {needle}"


def test_each_chapter_ends_with_links_to_the_next_chapter_and_its_exercises() -> None:
    chapters = list(CHAPTERS)
    for i, chapter in enumerate(chapters):
        path = REPO / chapter
        ending = [
            (path.parent / link).resolve()
            for link in _LINK.findall(_markdown(path, last=3))
            if not re.match(r"[a-z]+://|#", link)
        ]
        for target in ending:
            assert target.is_file(), f"{chapter} links to {target}, which does not exist"
        if i + 1 < len(chapters):
            assert (REPO / chapters[i + 1]).resolve() in ending, (
                f"{chapter}: no link to the next chapter"
            )
        exercises = [t for t in ending if t.parent == (REPO / "exercises" / "release").resolve()]
        assert exercises, f"{chapter}: its ending links to no exercise in exercises/release"
