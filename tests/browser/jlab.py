"""Driving JupyterLab 4 like a learner does: open a notebook, run it from the menus, read the page.

Every helper works on a Playwright ``Page`` and reads only what is on screen (the DOM), never the
notebook model behind it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

KERNEL_START_TIMEOUT = 90.0
RUN_TIMEOUT = 240.0

STDERR_MIME = "application/vnd.jupyter.stderr"
_IDLE = re.compile(r"\|\s*Idle\b")


def notebook(page: Page) -> Locator:
    """The notebook panel in the main area that is currently shown."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first


def kernel_status(page: Page) -> str:
    """The kernel status text in the status bar, e.g. ``"Python 3 (ipykernel) | Idle"``."""
    item = page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text="|")
    return " ".join(item.all_inner_texts())


def wait_for_idle(page: Page, timeout: float = KERNEL_START_TIMEOUT) -> None:
    """Wait until the status bar reports the kernel idle.

    The toolbar's kernel indicator reports idle before the kernel has even started, so only the
    status bar is trusted.
    """
    deadline = time.monotonic() + timeout
    while not _IDLE.search(kernel_status(page)):
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"kernel not idle after {timeout:.0f} s; status bar reads {kernel_status(page)!r}"
            )
        page.wait_for_timeout(250)


def open_notebook(page: Page, url: str) -> None:
    """Open a notebook address and wait for its cells and an idle kernel."""
    page.goto(url)
    notebook(page).locator(".jp-Cell").first.wait_for(state="visible", timeout=60_000)
    wait_for_idle(page)


def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then the entry whose label is exactly ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    entry = page.locator(".lm-Menu-content .lm-Menu-itemLabel").get_by_text(item, exact=True)
    entry.first.click()


def prompts(page: Page) -> list[str]:
    """The input prompts of the code cells that hold code, e.g. ``["[1]:", "[*]:", "[ ]:"]``."""
    return notebook(page).evaluate(
        """nb => Array.from(nb.querySelectorAll('.jp-CodeCell')).filter(cell => {
                const editor = cell.querySelector('.cm-content');
                return editor && editor.textContent.trim().length > 0;
            }).map(cell => {
                const prompt = cell.querySelector('.jp-InputPrompt');
                return prompt ? prompt.textContent.trim() : '';
            })"""
    )


def start_run_all(page: Page) -> float:
    """Clear all outputs, then click Run → Run All Cells; returns the start time (monotonic)."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    start = time.monotonic()
    menu(page, "Run", "Run All Cells")
    return start


def wait_for_run(page: Page, start: float, timeout: float = RUN_TIMEOUT) -> float:
    """Wait until a run started at ``start`` is over; returns its wall time in seconds.

    The run is over when the status bar reads idle and no cell is queued (``[*]``) for two seconds
    in a row.
    """
    deadline = start + timeout
    quiet_since: float | None = None
    while True:
        now = time.monotonic()
        busy = any("*" in prompt for prompt in prompts(page)) or not _IDLE.search(
            kernel_status(page)
        )
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= 2.0:
            return quiet_since - start
        if now > deadline:
            raise TimeoutError(
                f"Run All Cells not finished after {timeout:.0f} s; prompts {prompts(page)}, "
                f"status {kernel_status(page)!r}"
            )
        page.wait_for_timeout(250)


def run_all(page: Page, timeout: float = RUN_TIMEOUT) -> float:
    """Clear all outputs, Run All Cells from the menu and wait until the run is over (seconds)."""
    return wait_for_run(page, start_run_all(page), timeout)


@dataclass(frozen=True)
class RunReport:
    """What a learner sees after a run."""

    prompts: list[str]
    stderr: list[str]
    figures: int

    @property
    def unexecuted(self) -> list[int]:
        return [i for i, prompt in enumerate(self.prompts) if not re.fullmatch(r"\[\d+\]:", prompt)]


def read_run(page: Page) -> RunReport:
    """Collect the prompts, the texts of error and stderr outputs, and the number of figures."""
    nb = notebook(page)
    stderr = nb.locator(f'.jp-OutputArea-output[data-mime-type="{STDERR_MIME}"]').all_inner_texts()
    figures = nb.locator(
        ".jp-OutputArea-output.jp-RenderedImage img, .jp-OutputArea-output .jp-RenderedImage img, "
        ".jp-OutputArea-output.jp-RenderedSVG svg"
    ).count()
    return RunReport(prompts=prompts(page), stderr=stderr, figures=figures)


# Draw each character alone on a canvas in the element's own font. A missing glyph is drawn as the
# same empty box (tofu) whatever the character, so a font that really covers the text gives every
# distinct character its own bitmap, and none equal to the box drawn for a character no font has.
_GLYPH_SCRIPT = """
([el, text, missing]) => {
    const style = getComputedStyle(el);
    const font = `${style.fontWeight} 48px ${style.fontFamily}`;
    const canvas = document.createElement('canvas');
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const draw = (ch) => {
        ctx.clearRect(0, 0, 64, 64);
        ctx.font = font;
        ctx.textBaseline = 'top';
        ctx.fillStyle = '#000';
        ctx.fillText(ch, 4, 4);
        const data = ctx.getImageData(0, 0, 64, 64).data;
        let ink = 0, hash = 0;
        for (let i = 3; i < data.length; i += 4) {
            if (data[i] > 0) ink += 1;
            hash = (hash * 31 + data[i]) | 0;
        }
        return {ch, ink, hash};
    };
    const chars = Array.from(new Set(Array.from(text))).filter(c => c.trim() !== '');
    return {font, missing: draw(missing), glyphs: chars.map(draw)};
}
"""

# A code point of a supplementary private-use plane: no font on the machine draws it.
MISSING_CHAR = "\U000ffffd"


@dataclass(frozen=True)
class GlyphReport:
    font: str
    distinct: int
    characters: int
    blank: list[str]
    tofu: list[str]

    @property
    def renders(self) -> bool:
        return (
            self.characters > 0
            and not self.blank
            and not self.tofu
            and self.distinct == self.characters
        )


def glyphs(element: Locator, text: str) -> GlyphReport:
    """Whether each character of ``text`` gets a real glyph in ``element``'s font."""
    result = element.page.evaluate(_GLYPH_SCRIPT, [element.element_handle(), text, MISSING_CHAR])
    missing = result["missing"]
    drawn = result["glyphs"]
    return GlyphReport(
        font=result["font"],
        distinct=len({g["hash"] for g in drawn}),
        characters=len(drawn),
        blank=[g["ch"] for g in drawn if g["ink"] == 0],
        tofu=[g["ch"] for g in drawn if g["hash"] == missing["hash"]],
    )
