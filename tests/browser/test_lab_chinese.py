"""JupyterLab in Chinese, as ``actlab start --lang zh`` (``make lab-zh``) opens it: the course's
default locale makes the interface Chinese, drawn in real glyphs, and the English Lab of the same
session stays English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jlab import glyphs, notebook
from labserver import LabServer, running_lab
from playwright.sync_api import Page

# JupyterLab's top-level menus as jupyterlab-language-pack-zh-CN translates them
CHINESE_MENUS = ["文件", "编辑", "查看", "运行", "内核"]


@pytest.fixture(scope="module")
def zh_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    with running_lab(tmp_path_factory.mktemp("jupyterlab-zh"), lang="zh") as server:
        yield server


def _menus(page: Page, server: LabServer, path: str) -> list[str]:
    page.goto(server.lab_url(path))
    labels = page.locator(".lm-MenuBar-itemLabel")
    labels.first.wait_for(state="visible", timeout=60_000)
    notebook(page).locator(".jp-Cell").first.wait_for(state="visible", timeout=60_000)
    return labels.all_inner_texts()


def test_the_menu_bar_reads_chinese_in_real_glyphs(
    zh_lab: LabServer, page: Page, artifacts: Path
) -> None:
    menus = _menus(page, zh_lab, "index.ipynb")
    page.screenshot(path=str(artifacts / "lab-zh-menus.png"))
    assert menus[: len(CHINESE_MENUS)] == CHINESE_MENUS, menus
    text = "".join(menus)
    report = glyphs(page.locator(".lm-MenuBar-itemLabel").first, text)
    assert report.renders, f"the Chinese menu bar {text!r} does not render in real glyphs: {report}"


def test_opening_the_start_page_does_not_modify_it(zh_lab: LabServer, page: Page) -> None:
    # The course's other settings hold in Chinese too (its contents manager among them).
    _menus(page, zh_lab, "index.ipynb")
    status = page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text="|")
    status.filter(has_text="空闲").first.wait_for(timeout=90_000)
    page.wait_for_timeout(2_000)
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), "index.ipynb shows as modified"


def test_the_english_lab_stays_english(lab_server: LabServer, page: Page) -> None:
    # the same machine, without --lang: the course's Chinese default is not a global setting
    assert _menus(page, lab_server, "index.ipynb")[:3] == ["File", "Edit", "View"]
