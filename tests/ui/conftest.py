"""Fixtures of the UI tests: one private JupyterLab, one headless system Chromium, one tab per notebook.

Everything but the tabs lives as long as the test module (the suite is one module), so JupyterLab and Chromium
start once and are gone before pytest moves on to the next directory. The suite skips in one line where Playwright
or Chromium is missing (never `playwright install`: there is no internet)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ui_harness import CONTEXT, JupyterLab, NotebookTab, launch_chromium, missing_reason

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


@pytest.fixture(scope="module")
def ui_available():
    """Skips the UI tests, in one line saying why, where Playwright's package or the system Chromium is missing."""
    reason = missing_reason()
    if reason:
        pytest.skip(f"UI tests need Playwright and the system Chromium: {reason}")


@pytest.fixture(scope="module")
def notebook_copy(tmp_path_factory) -> Path:
    """A copy of notebooks/*.ipynb in a temporary dir, so nothing JupyterLab does (it saves, it checkpoints)
    touches the repository's stored notebooks. The notebooks import only the installed cors_lab package."""
    root = tmp_path_factory.mktemp("notebooks")
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy2(notebook, root / notebook.name)
    return root


@pytest.fixture(scope="module")
def jupyterlab(ui_available, notebook_copy, tmp_path_factory):
    """JupyterLab on a free loopback port with a random token and its own config, data, runtime, settings and
    workspaces dirs (autosave, news and update checks off). At the end every kernel is shut down, the server
    stopped, and any process it left is killed."""
    lab = JupyterLab.start(root_dir=notebook_copy, home=tmp_path_factory.mktemp("jupyter-home"))
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def chromium(ui_available):
    """One headless system Chromium (background services off) for the whole suite, closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser_context(chromium):
    """The browser profile every tab shares (the JupyterLab login cookie lives here)."""
    context = chromium.new_context(**CONTEXT)
    yield context
    context.close()


@pytest.fixture
def open_notebook(jupyterlab, browser_context):
    """Opens a notebook of the copy in a new tab, its kernel started and idle; after the test the tab is closed
    and the kernel shut down (so each notebook starts clean and the teaching ports are free for the next)."""
    tabs = []

    def open_(name: str) -> NotebookTab:
        tab = NotebookTab.open(browser_context, jupyterlab, name)
        tabs.append(tab)
        return tab

    yield open_
    for tab in tabs:
        tab.close()
