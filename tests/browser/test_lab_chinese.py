"""JupyterLab in Chinese, as ``actlab start --lang zh`` (``make lab-zh``) opens it: the course's
default locale makes the interface Chinese, drawn in real glyphs, and the English Lab of the same
session stays English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

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


def test_the_chinese_start_page_leads_to_the_chinese_chapters_and_exercises(
    zh_lab: LabServer, page: Page, artifacts: Path
) -> None:
    """index.zh-CN.ipynb, as `make lab-zh` opens it: its title in real glyphs, links to the Chinese
    chapters and to the learner's Chinese copies, and a click opens the Chinese chapter 1."""
    _menus(page, zh_lab, "index.zh-CN.ipynb")
    title = notebook(page).locator(".jp-RenderedMarkdown h2", has_text="动手学").first
    title.wait_for(state="visible")
    report = glyphs(title, "动手学全连接层的激活函数")
    assert report.renders, report
    hrefs = (
        notebook(page)
        .locator(".jp-RenderedMarkdown a")
        .evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )
    paths = [urlparse(href).path for href in hrefs]
    assert any(p.endswith("/files/chapters/01_overview.zh-CN.ipynb") for p in paths), paths
    assert any(p.endswith("/files/work/02_stable_sigmoid_tanh.zh-CN.ipynb") for p in paths), paths
    assert (zh_lab.root / "work" / "02_stable_sigmoid_tanh.zh-CN.ipynb").is_file()

    notebook(page).locator(".jp-RenderedMarkdown a", has_text="全连接层激活函数概述").first.click()
    page.locator(".lm-TabBar-tabLabel", has_text="01_overview.zh-CN.ipynb").wait_for(
        state="visible"
    )
    chapter = notebook(page).locator(".jp-RenderedMarkdown h1", has_text="全连接层激活函数概述")
    chapter.first.wait_for(state="visible")
    assert glyphs(chapter.first, "全连接层激活函数概述").renders
    page.screenshot(path=str(artifacts / "01_overview.zh-CN_lab-zh.png"))
