"""The four chapters, run side by side in the background while the other browser tests go on.

Each chapter gets its own browser context (a window) and its own kernel. They start when the
session starts and are checked by the last tests of the session: one kernel computes on one core,
so running the chapters beside each other, and beside the shorter interactive tests, keeps the
suite within its time budget. A failure in one chapter is recorded for that chapter's test and
does not stop the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jlab import (
    GlyphReport,
    RunReport,
    glyphs,
    notebook,
    read_run,
    start_run_all,
    wait_for_idle,
    wait_for_run,
)
from labserver import LabServer
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHAPTERS = {
    "01_overview": "全连接层激活函数概述",
    "02_common_activations": "常见的全连接层激活函数",
    "03_selection_and_optimisation": "激活函数的选择与优化",
    "04_applications": "激活函数在深度学习中的应用案例",
}
# What the browser runs: every chapter in both editions. The Chinese ones print and draw in Chinese
# (a glyph missing from the figure font shows as a warning on stderr).
RUNS = {**CHAPTERS, **{f"{name}.zh-CN": title for name, title in CHAPTERS.items()}}
VIEWPORT = {"width": 1400, "height": 1000}
# The eight chapters share the machine's cores with each other and with the other browser tests:
# on 2 cores each Run All took about 155 s of wall-clock time, for about 20 s of computing of its own.
BATCH_TIMEOUT = 600.0


def heading(page: Page, text: str) -> Locator:
    """The first ``h1`` of the shown notebook's Markdown that contains ``text``."""
    found = notebook(page).locator(".jp-RenderedMarkdown h1", has_text=text).first
    found.wait_for(state="visible")
    return found


@dataclass
class ChapterRun:
    """What a learner saw in one chapter after Run All Cells."""

    path: str
    heading: GlyphReport | None = None
    seconds: float | None = None
    report: RunReport | None = None
    explorers: dict[str, bool] = field(default_factory=dict)
    error: str | None = None
    printed: str = ""


def explorer_kinds(path: Path) -> list[str]:
    """The explorers a notebook's code calls (``activation_explorer(``, ``gradient_explorer(``)."""
    code = "".join(
        "".join(cell["source"])
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    )
    return [kind for kind in ("activation", "gradient") if f"{kind}_explorer(" in code]


class ChapterBatch:
    """Open every chapter of the served course, Run All Cells in each, and collect what shows."""

    def __init__(self, server: LabServer, browser: Any, artifacts: Path) -> None:
        self.server = server
        self.browser = browser
        self.artifacts = artifacts
        self.present = [c for c in RUNS if (server.root / "chapters" / f"{c}.ipynb").exists()]
        self.runs = {c: ChapterRun(f"chapters/{c}.ipynb") for c in self.present}
        self._pages: dict[str, Page] = {}
        self._starts: dict[str, float] = {}
        self._finished = False

    def _attempt(self, chapter: str, step: Any) -> None:
        if self.runs[chapter].error is None:
            try:
                step(self._pages[chapter])
            except Exception as exc:  # noqa: BLE001 (recorded for this chapter's test)
                self.runs[chapter].error = f"{type(exc).__name__}: {exc}"

    def start(self) -> None:
        """Open all chapters (their kernels start together), then start Run All in each."""
        for chapter in self.present:
            context = self.browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(30_000)
            self._pages[chapter] = context.new_page()
            self._pages[chapter].goto(self.server.lab_url(self.runs[chapter].path))
        for chapter in self.present:

            def begin(page: Page, chapter: str = chapter) -> None:
                notebook(page).locator(".jp-Cell").first.wait_for(state="visible", timeout=60_000)
                wait_for_idle(page)
                title = RUNS[chapter]
                self.runs[chapter].heading = glyphs(heading(page, title), title)
                self._starts[chapter] = start_run_all(page)

            self._attempt(chapter, begin)

    def finish(self) -> dict[str, ChapterRun]:
        """Wait for every run, read the pages, take the screenshots; idempotent."""
        if not self._finished:
            self._finished = True
            try:
                for chapter in self.present:

                    def end(page: Page, chapter: str = chapter) -> None:
                        self.runs[chapter].seconds = wait_for_run(
                            page, self._starts[chapter], BATCH_TIMEOUT
                        )
                        self._inspect(page, chapter)

                    self._attempt(chapter, end)
            finally:
                self.close()
        return self.runs

    def close(self) -> None:
        for page in self._pages.values():
            page.context.close()
        self._pages.clear()
        self.server.shutdown_kernels(lambda path: path.startswith("chapters/"))

    def _inspect(self, page: Page, chapter: str) -> None:
        run = self.runs[chapter]
        run.report = read_run(page)
        run.printed = "\n".join(
            notebook(page).locator(".jp-OutputArea-output pre").all_inner_texts()
        )
        shots = self.artifacts
        for kind in explorer_kinds(self.server.root / run.path):
            figure = notebook(page).locator(f".actlab-{kind}-explorer img").first
            try:
                figure.wait_for(state="visible", timeout=30_000)
            except PlaywrightTimeoutError:
                run.explorers[kind] = False
                continue
            run.explorers[kind] = True
            figure.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"{chapter}_{kind}_explorer.png"))
        notebook(page).locator(".jp-Cell").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"{chapter}.png"))
        if run.report.figures:
            notebook(page).locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"{chapter}_figure.png"))
