"""Without Chromium, the notebooks' real-browser cells cannot show their stored outputs: skip exactly those cells
(and lesson 08, which is all real browser), with one line saying how to install it. Everything else still runs."""
import pytest

from cors_lab.course.environment import INSTALL_CHROMIUM
from cors_lab.real.chromium import chromium_available

REAL_BROWSER_MARKS = ("ChromiumBrowser", "fetch_with_extension", "ask_chromium")
ALL_REAL_BROWSER = ("08_developer_tools",)


def _needs_chromium(item) -> bool:
    source = getattr(getattr(item, "cell", None), "source", "") or ""
    return any(mark in source for mark in REAL_BROWSER_MARKS) or any(n in item.nodeid for n in ALL_REAL_BROWSER)


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found: {INSTALL_CHROMIUM}")
    for item in items:
        if _needs_chromium(item):
            item.add_marker(skip)
