"""The course as a learner meets it: JupyterLab in headless Chromium.

Each test opens a notebook in the served copy of the course, runs it from the menus and reads what
is on screen. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from jlab import (
    GlyphReport,
    RunReport,
    glyphs,
    notebook,
    open_notebook,
    read_run,
    run_all,
    start_run_all,
    wait_for_idle,
    wait_for_run,
)
from labserver import LabServer
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHAPTERS = {
    "01_overview": "全连接层激活函数概述",
    "02_common_activations": "常见的全连接层激活函数",
    "03_selection_and_optimisation": "激活函数的选择与优化",
    "04_applications": "激活函数在深度学习中的应用案例",
}
EXERCISES = (
    "01_dense_layer",
    "02_stable_sigmoid_tanh",
    "03_relu_backprop",
    "04_leaky_prelu",
    "05_cross_validation",
    "06_dead_units",
    "07_gelu_transformer",
)


def _heading(page: Page, text: str):  # -> Locator
    heading = notebook(page).locator(".jp-RenderedMarkdown h1", has_text=text).first
    heading.wait_for(state="visible")
    return heading


def _assert_renders(page: Page, text: str) -> None:
    report = glyphs(_heading(page, text), text)
    assert report.renders, f"Chinese heading {text!r} does not render with real glyphs: {report}"


def _assert_clean_run(path: str, page: Page) -> None:
    report = read_run(page)
    assert not report.stderr, f"{path}: cells show errors or stderr:\n" + "\n---\n".join(
        report.stderr
    )
    assert not report.unexecuted, (
        f"{path}: code cells {report.unexecuted} did not run (prompts {report.prompts})"
    )


def test_start_page(lab_server: LabServer, page: Page, artifacts: Path) -> None:
    """index.ipynb: the Chinese title renders, it runs clean, and it links every chapter and exercise."""
    open_notebook(page, lab_server.lab_url("index.ipynb"))
    _assert_renders(page, "全连接层激活函数")
    # The glyph check itself: characters that no font on the machine covers are caught as tofu.
    tangut = "\U00017000\U00017001\U00017002"
    tofu = glyphs(_heading(page, "全连接层激活函数"), tangut)
    assert not tofu.renders and tofu.tofu == list(tangut), tofu
    run_all(page)
    _assert_clean_run("index.ipynb", page)
    outputs = notebook(page).locator(".jp-OutputArea-output").all_inner_texts()
    assert any("[0. 0. 2.] 0.5" in text for text in outputs), outputs
    # JupyterLab rewrites a relative link to the file's address on the server.
    hrefs = (
        notebook(page)
        .locator(".jp-RenderedMarkdown a")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    paths = [urlparse(href).path for href in hrefs]
    for chapter in CHAPTERS:
        assert any(p.endswith(f"/files/chapters/{chapter}.ipynb") for p in paths), paths
    for exercise in EXERCISES:
        assert any(p.endswith(f"/files/exercises/release/{exercise}.ipynb") for p in paths), paths
    notebook(page).locator(".jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "index.png"))

    # A click on a link opens the notebook in JupyterLab.
    first = next(iter(CHAPTERS))
    if (lab_server.root / "chapters" / f"{first}.ipynb").exists():
        notebook(page).locator(".jp-RenderedMarkdown a", has_text="Overview").first.click()
        tab = page.locator(".lm-TabBar-tabLabel", has_text=f"{first}.ipynb")
        tab.wait_for(state="visible")


@dataclass
class ChapterRun:
    """What a learner saw in one chapter after Run All Cells."""

    path: str
    heading: GlyphReport | None = None
    seconds: float | None = None
    report: RunReport | None = None
    explorers: dict[str, bool] = field(default_factory=dict)
    error: str | None = None


def _explorer_kinds(path: Path) -> list[str]:
    """The explorers a chapter's code calls (``activation_explorer(``, ``gradient_explorer(``)."""
    code = "".join(
        "".join(cell["source"])
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    )
    return [kind for kind in ("activation", "gradient") if f"{kind}_explorer(" in code]


def _inspect_chapter(
    page: Page, chapter: str, run: ChapterRun, root: Path, artifacts: Path
) -> None:
    run.report = read_run(page)
    for kind in _explorer_kinds(root / run.path):
        figure = notebook(page).locator(f".actlab-{kind}-explorer img").first
        try:
            figure.wait_for(state="visible", timeout=30_000)
        except PlaywrightTimeoutError:
            run.explorers[kind] = False
            continue
        run.explorers[kind] = True
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"{chapter}_{kind}_explorer.png"))
    notebook(page).locator(".jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"{chapter}.png"))
    if run.report.figures:
        notebook(page).locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"{chapter}_figure.png"))


@pytest.fixture(scope="module")
def chapter_runs(lab_server: LabServer, browser: Any, artifacts: Path) -> dict[str, ChapterRun]:
    """Every chapter, each in its own browser tab and kernel, all running at the same time.

    One kernel computes on one core; running the chapters side by side uses the machine's cores
    and keeps the suite within its time budget. A failure in one chapter is recorded for that
    chapter's test and does not stop the others.
    """
    present = [c for c in CHAPTERS if (lab_server.root / "chapters" / f"{c}.ipynb").exists()]
    runs = {c: ChapterRun(f"chapters/{c}.ipynb") for c in present}
    pages: dict[str, Page] = {}
    starts: dict[str, float] = {}

    def attempt(chapter: str, step: Any) -> None:
        if runs[chapter].error is None:
            try:
                step(pages[chapter])
            except Exception as exc:  # noqa: BLE001 (recorded for this chapter's test)
                runs[chapter].error = f"{type(exc).__name__}: {exc}"

    try:
        for chapter in present:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(30_000)
            pages[chapter] = context.new_page()
            pages[chapter].goto(lab_server.lab_url(runs[chapter].path))
        for chapter in present:

            def start(page: Page, chapter: str = chapter) -> None:
                notebook(page).locator(".jp-Cell").first.wait_for(state="visible", timeout=60_000)
                wait_for_idle(page)
                runs[chapter].heading = glyphs(_heading(page, CHAPTERS[chapter]), CHAPTERS[chapter])
                starts[chapter] = start_run_all(page)

            attempt(chapter, start)
        for chapter in present:

            def finish(page: Page, chapter: str = chapter) -> None:
                runs[chapter].seconds = wait_for_run(page, starts[chapter])
                _inspect_chapter(page, chapter, runs[chapter], lab_server.root, artifacts)

            attempt(chapter, finish)
    finally:
        for page in pages.values():
            page.context.close()
        lab_server.shutdown_kernels()
    return runs


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_chapter_runs_in_the_browser(
    chapter: str, lab_server: LabServer, chapter_runs: dict[str, ChapterRun]
) -> None:
    """Run All Cells: no cell shows an error, figures render, the Chinese title renders."""
    if chapter not in chapter_runs:
        pytest.skip(f"chapters/{chapter}.ipynb is not in the repository yet")
    run = chapter_runs[chapter]
    if run.error is not None:
        pytest.fail(f"{run.path}: {run.error}")
    assert run.heading is not None and run.heading.renders, (
        f"Chinese heading {CHAPTERS[chapter]!r} does not render with real glyphs: {run.heading}"
    )
    assert run.report is not None
    assert not run.report.stderr, f"{run.path}: cells show errors or stderr:\n" + "\n---\n".join(
        run.report.stderr
    )
    assert not run.report.unexecuted, (
        f"{run.path}: code cells {run.report.unexecuted} did not run (prompts {run.report.prompts})"
    )
    assert run.report.figures >= 1, f"{run.path}: no figure rendered"
    missing = [kind for kind, shown in run.explorers.items() if not shown]
    assert not missing, f"{run.path}: the {missing} explorer shows no figure"
    print(f"{run.path}: Run All took {run.seconds:.1f} s, {run.report.figures} figures")
