"""Fixtures for the real-browser tests: JupyterLab on a private copy of the course, and Chromium.

These tests run only when asked for by path (``pytest tests/browser``, as ``make test-browser``
does) or with ``ACTLAB_BROWSER_TESTS=1``; a plain ``pytest`` does not collect them, because they
need the ``browser`` extra (Playwright) and Debian's ``chromium``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from labserver import HERE, REPO, LabServer, running_lab

if TYPE_CHECKING:
    from chapters import ChapterBatch

ARTIFACTS = REPO / "test-artifacts"
CHAPTER_TESTS = "test_chapters.py"
CHROMIUM = Path(os.environ.get("ACTLAB_CHROMIUM", "/usr/bin/chromium"))

# Without the background-networking flags Chromium keeps dialling Google's services, and this
# machine's closed network refuses every attempt.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _requested(config: pytest.Config) -> bool:
    if os.environ.get("ACTLAB_BROWSER_TESTS") == "1":
        return True
    base = Path(config.invocation_params.dir)
    for arg in map(str, config.invocation_params.args):
        if arg.startswith("-"):
            continue
        target = (base / arg.split("::", 1)[0]).resolve()
        if target == HERE or HERE in target.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.resolve() != HERE and not _requested(config):
        return True
    return None


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1, a free port and a random token; stopped at the end of the session."""
    with running_lab(tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (whose own browser download can't work)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"browser tests need Chromium at {CHROMIUM}: install Debian's 'chromium' package "
            "(.ci/run does on CI), or point ACTLAB_CHROMIUM at one"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page per test, with a desktop-sized window."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots: ``test-artifacts/`` at the repository root (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chapter_batch(lab_server: LabServer, browser: Any, artifacts: Path) -> Iterator[ChapterBatch]:
    """The chapters, started in the background at the beginning of the session."""
    from chapters import ChapterBatch

    batch = ChapterBatch(lab_server, browser, artifacts)
    batch.start()
    try:
        yield batch
    finally:
        batch.close()


@pytest.fixture(scope="session", autouse=True)
def _chapters_in_background(request: pytest.FixtureRequest) -> None:
    # Start the chapters with the first test of the session when any chapter test is selected.
    if any(CHAPTER_TESTS in item.nodeid for item in request.session.items):
        request.getfixturevalue("chapter_batch")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The chapters compute while the other tests run; their tests come last.
    items.sort(key=lambda item: CHAPTER_TESTS in item.nodeid)


@pytest.fixture(autouse=True)
def _shut_down_kernels(lab_server: LabServer) -> Iterator[None]:
    """Each test's kernels stop when it ends, so that idle kernels don't pile up in memory."""
    yield
    lab_server.shutdown_kernels(lambda path: not path.startswith("chapters/"))
