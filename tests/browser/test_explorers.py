"""The explorers of actlab.widgets in a real JupyterLab: moving a control redraws the figure.

The scratch notebook ``notebooks/explorer.ipynb`` makes the same calls as the chapter cells,
``actlab.widgets.activation_explorer(...)`` and ``actlab.widgets.gradient_explorer()``.
"""

from __future__ import annotations

from pathlib import Path

from jlab import notebook, open_notebook, read_run, run_all
from labserver import LabServer
from playwright.sync_api import Locator, Page

WIDGET_TIMEOUT = 60_000


def _drag_slider(page: Page, slider: Locator, fraction: float) -> None:
    """Drag the slider's handle by ``fraction`` of the track's width, as a mouse would."""
    track = slider.locator(".noUi-target").first
    handle = slider.locator(".noUi-handle").first
    track_box, handle_box = track.bounding_box(), handle.bounding_box()
    assert track_box and handle_box
    x = handle_box["x"] + handle_box["width"] / 2
    y = handle_box["y"] + handle_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + fraction * track_box["width"], y, steps=8)
    page.mouse.up()


def _wait_for_new_src(page: Page, image: Locator, before: str | None) -> str:
    page.wait_for_function(
        "([img, before]) => img.getAttribute('src') && img.getAttribute('src') !== before",
        arg=[image.element_handle(), before],
        timeout=WIDGET_TIMEOUT,
    )
    return image.get_attribute("src") or ""


def _slider(explorer: Locator, name: str) -> Locator:
    return explorer.locator(".widget-slider", has=explorer.page.get_by_text(name, exact=True))


def test_activation_explorer_slider_redraws(
    lab_server: LabServer, page: Page, artifacts: Path
) -> None:
    open_notebook(page, lab_server.lab_url("scratch/explorer.ipynb"))
    run_all(page)
    report = read_run(page)
    assert not report.stderr, "\n---\n".join(report.stderr)

    explorer = notebook(page).locator(".actlab-activation-explorer").first
    explorer.wait_for(state="visible", timeout=WIDGET_TIMEOUT)
    image = explorer.locator("img").first
    image.wait_for(state="visible")
    before_src = image.get_attribute("src")
    before_pixels = image.screenshot()
    slider = _slider(explorer, "negative_slope")
    readout = slider.locator(".widget-readout").first
    assert readout.inner_text().strip() == "0.01"

    _drag_slider(page, slider, 0.3)
    _wait_for_new_src(page, image, before_src)
    assert readout.inner_text().strip() != "0.01"
    assert image.screenshot() != before_pixels, "the image changed its source but not its pixels"
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "explorer_activation.png"))

    # A new activation brings its own parameters.
    explorer.locator("select").first.select_option("elu")
    _slider(explorer, "alpha").wait_for(state="visible", timeout=WIDGET_TIMEOUT)
    assert _slider(explorer, "negative_slope").count() == 0

    # The gradient explorer, in the next cell: a deeper network redraws both panels.
    gradients = notebook(page).locator(".actlab-gradient-explorer").first
    gradients.wait_for(state="visible", timeout=WIDGET_TIMEOUT)
    image = gradients.locator("img").first
    before_src = image.get_attribute("src")
    depth = _slider(gradients, "depth (weight layers)")
    assert depth.locator(".widget-readout").first.inner_text().strip() == "10"
    _drag_slider(page, depth, 0.25)
    _wait_for_new_src(page, image, before_src)
    assert depth.locator(".widget-readout").first.inner_text().strip() != "10"
    gradients.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "explorer_gradients.png"))
