"""The start page, index.ipynb, in JupyterLab: the title renders, it runs, its links work."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from jlab import (
    glyphs,
    notebook,
    open_notebook,
    read_run,
    run_all,
)
from labserver import LabServer
from playwright.sync_api import Page

from chapters import CHAPTERS, heading

EXERCISES = (
    "01_dense_layer",
    "02_stable_sigmoid_tanh",
    "03_relu_backprop",
    "04_leaky_prelu",
    "05_cross_validation",
    "06_dead_units",
    "07_gelu_transformer",
)


def _assert_renders(page: Page, text: str) -> None:
    report = glyphs(heading(page, text), text)
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
    tofu = glyphs(heading(page, "全连接层激活函数"), tangut)
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
        assert any(p.endswith(f"/files/work/{exercise}.ipynb") for p in paths), paths
    notebook(page).locator(".jp-Cell").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "index.png"))

    # A click on a link opens the notebook in JupyterLab.
    first = next(iter(CHAPTERS))
    if (lab_server.root / "chapters" / f"{first}.ipynb").exists():
        notebook(page).locator(".jp-RenderedMarkdown a", has_text="Overview").first.click()
        tab = page.locator(".lm-TabBar-tabLabel", has_text=f"{first}.ipynb")
        tab.wait_for(state="visible")
