"""A glyph missing from the figure font is seen in JupyterLab: matplotlib warns on stderr.

The chapter tests (``test_chapters.py``) run a Chinese chapter and require that no cell shows
stderr; this test shows that a figure with a character the font lacks does show it, so that the
chapter test would catch a Chinese figure drawn with empty boxes.
"""

from __future__ import annotations

from jlab import open_notebook, read_run, run_all
from labserver import LabServer
from playwright.sync_api import Page


def test_a_missing_figure_glyph_shows_on_stderr(lab_server: LabServer, page: Page) -> None:
    open_notebook(page, lab_server.lab_url("scratch/missing_glyph.ipynb"))
    run_all(page)
    report = read_run(page)
    assert report.figures == 1, report
    warnings = "\n".join(report.stderr)
    assert "Glyph" in warnings and "missing" in warnings, report.stderr
    assert str(ord("亍")) in warnings, report.stderr  # "Glyph 20109 (...) missing"
