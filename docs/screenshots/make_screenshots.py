"""Makes the README's screenshots from real widgets, in real JupyterLab, with the UI test harness.

Lesson 03 runs in a copy (up to its last ``stop_all()`` cell, so the servers still answer); then the playground's
Send and a prediction's first answer are pressed, and each widget is photographed as the learner sees it.

    .venv/bin/python docs/screenshots/make_screenshots.py        # writes docs/screenshots/*.png
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from ui_harness import JupyterLab, NotebookTab, last_stop_all_cell, launch_chromium, missing_reason  # noqa: E402

LESSON = "03_preflight.ipynb"
#: (file, widget kind, the action to press, most pixels shown in height) -- the lesson's first widget of that kind
SHOTS = [("playground.png", "playground", "Send", 1050), ("prediction.png", "quiz", None, 720)]


def main() -> None:
    reason = missing_reason()
    if reason:
        sys.exit(f"cannot make screenshots: {reason}")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "notebooks", Path(tmp) / "home"
        root.mkdir()
        shutil.copy2(ROOT / "notebooks" / LESSON, root / LESSON)
        lab = JupyterLab.start(root, home)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                context = browser.new_context(viewport={"width": 1300, "height": 2400}, device_scale_factor=1)
                tab = NotebookTab.open(context, lab, LESSON)
                split = last_stop_all_cell(root / LESSON)
                if split is None:
                    tab.menu("Run", "Run All Cells")
                else:
                    tab.select(split)
                    tab.menu("Run", "Run All Above Selected Cell")
                tab.wait_until_idle(240)
                for name, kind, label, height in SHOTS:
                    widget = next(w for w in tab.widgets() if w.kind == kind)
                    click = tab.click(widget, widget.labels.index(label) if label else 0)
                    print(f"{name}: {kind} {click.label!r} -> {click.text[:80]!r}")
                    tab.page.mouse.move(0, 0)  # no hover highlight in the picture
                    node = tab.page.locator(".cors-lab-widget").nth(widget.index)
                    node.evaluate("el => el.scrollIntoView({block: 'start'})")
                    box = node.bounding_box()
                    clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], height)}
                    tab.page.screenshot(path=str(HERE / name), clip=clip, animations="disabled")
                tab.close()
                browser.close()
        finally:
            lab.stop()


if __name__ == "__main__":
    main()
