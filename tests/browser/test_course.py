"""The course as a learner meets it: JupyterLab in headless Chromium.

Each test opens a notebook in the served copy of the course, runs it from the menus and reads what
is on screen. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from jlab import glyphs, notebook, open_notebook, read_run, run_all
from labserver import REPO, LabServer
from playwright.sync_api import Page

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


def test_glyph_check_detects_missing_font(lab_server: LabServer, page: Page) -> None:
    """The glyph check itself: Chinese renders, and characters no font covers are caught as tofu."""
    open_notebook(page, lab_server.lab_url("scratch/smoke.ipynb"))
    heading = _heading(page, "浏览器冒烟测试")
    assert glyphs(heading, "浏览器冒烟测试").renders
    tangut = "\U00017000\U00017001\U00017002"  # no font on the machine covers Tangut
    report = glyphs(heading, tangut)
    assert not report.renders
    assert report.tofu == list(tangut)


def test_start_page(lab_server: LabServer, page: Page, artifacts: Path) -> None:
    """index.ipynb: the Chinese title renders, it runs clean, and it links every chapter and exercise."""
    open_notebook(page, lab_server.lab_url("index.ipynb"))
    _assert_renders(page, "全连接层激活函数")
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
    page.screenshot(path=str(artifacts / "index.png"))

    # A click on a link opens the notebook in JupyterLab.
    first = next(iter(CHAPTERS))
    if (lab_server.root / "chapters" / f"{first}.ipynb").exists():
        notebook(page).locator(".jp-RenderedMarkdown a", has_text="Overview").first.click()
        tab = page.locator(".lm-TabBar-tabLabel", has_text=f"{first}.ipynb")
        tab.wait_for(state="visible")


@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_chapter_runs_in_the_browser(
    chapter: str, lab_server: LabServer, page: Page, artifacts: Path
) -> None:
    """Run All Cells: no cell shows an error, figures render, the Chinese title renders."""
    path = f"chapters/{chapter}.ipynb"
    if not (REPO / path).exists():
        pytest.skip(f"{path} is not in the repository yet")
    start = time.monotonic()
    open_notebook(page, lab_server.lab_url(path))
    _assert_renders(page, CHAPTERS[chapter])
    run_seconds = run_all(page)
    _assert_clean_run(path, page)
    report = read_run(page)
    assert report.figures >= 1, f"{path}: no figure rendered"
    notebook(page).locator(".jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"{chapter}.png"))
    figure = notebook(page).locator(".jp-RenderedImage img").first
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"{chapter}_figure.png"))
    print(
        f"{path}: run {run_seconds:.1f} s, total {time.monotonic() - start:.1f} s, "
        f"{report.figures} figures, {len(report.prompts)} code cells"
    )
