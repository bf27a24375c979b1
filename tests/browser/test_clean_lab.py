"""The Lab a learner sees: nothing shows as modified on opening, no news pop-up, no grading menus.

The browser tests install the grading extra (nbgrader), so its menus would show here if the
course's Lab configuration did not turn them off.
"""

from __future__ import annotations

import json

from jlab import open_notebook
from labserver import LabServer
from playwright.sync_api import Page

OPENED = ["index.ipynb", "chapters/01_overview.ipynb", "work/02_stable_sigmoid_tanh.ipynb"]


def test_opening_a_notebook_does_not_modify_it(lab_server: LabServer, page: Page) -> None:
    for path in OPENED:
        stored = json.loads((lab_server.root / path).read_text(encoding="utf-8"))
        assert "version" not in stored["metadata"].get("language_info", {}), path
        open_notebook(page, lab_server.lab_url(path))
        # The kernel's language_info arrives just after it turns idle.
        page.wait_for_timeout(2_000)
        tab = page.locator(".lm-TabBar-tab.jp-mod-current")
        assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), (
            f"{path} shows as modified right after opening"
        )


def test_no_news_and_no_grading_menus(lab_server: LabServer, page: Page) -> None:
    open_notebook(page, lab_server.lab_url("index.ipynb"))
    page.wait_for_timeout(2_000)
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert menus[:3] == ["File", "Edit", "View"], menus
    assert not [m for m in menus if "nbgrader" in m.lower()], menus
    toasts = " ".join(page.locator(".Toastify__toast").all_inner_texts())
    assert "news" not in toasts.lower(), toasts
    sidebar = " ".join(page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(t => t.getAttribute('title') || t.textContent)"
    ))
    assert "assignment" not in sidebar.lower(), sidebar
