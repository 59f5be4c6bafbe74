"""Issue 11: every lesson's "Send from my browser" panel sends a request real Chromium answers as the engine predicts.

A lesson's stored panel is never pressed (under nbval there is no front end). Here each lesson that shows one runs
in a fresh kernel as a learner runs it, and presses each panel right after the cell that displays it (a panel a
cell shows, or the panel of a widget a cell shows: the playground's, the attacker console's), while that cell's
servers and policy are the ones the prose talks about. Without a front end the headless Chromium next to the kernel
answers, so this checks the lesson's request against the real browser: the panel must say it agrees with the
engine, and the server's log must show what the lesson's prose says DevTools shows (e.g. only the OPTIONS of a
failed preflight arrived).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cors_lab.course import API, ATTACKER, FRONTEND
from cors_lab.real.chromium import chromium_available

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
MARKS = ("send_from_my_browser(", "OwnBrowserPanel(")
LESSONS = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")
                 if any(mark in (NOTEBOOKS / "src" / f"{p.stem}.py").read_text() for mark in MARKS))

PRESS_THE_LAST_PANEL = r'''
import json, time
from cors_lab.widgets.own_browser import OwnBrowserPanel
shown = _  # the last value a cell displayed
shown = shown if isinstance(shown, OwnBrowserPanel) else getattr(shown, "own_browser", None)
pressed = globals().setdefault("_pressed_panels", set())
if isinstance(shown, OwnBrowserPanel) and id(shown) not in pressed:
    pressed.add(id(shown))
    shown.send()
    deadline = time.monotonic() + 30
    while shown.state in ("idle", "sending") and time.monotonic() < deadline:
        time.sleep(0.05)
    print(json.dumps({"state": shown.state, "agrees": shown.agrees, "text": shown.output_text()}))
'''


@functools.lru_cache(maxsize=None)
def pressed_panels(path: Path) -> list[dict]:
    """Run the lesson, press each displayed panel after its cell, return what each panel said."""
    notebook = nbformat.read(path, as_version=4)
    cells, presses = [], []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            presses.append(nbformat.v4.new_code_cell(PRESS_THE_LAST_PANEL))
            cells.append(presses[-1])
    notebook.cells = cells
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(output.get("text", "") for press in presses for output in press.outputs)
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_the_lessons_with_a_panel_include_the_first_contact_and_the_devtools_lesson():
    assert {"00_start_here", "01_same_origin_policy", "08_developer_tools"} <= {p.stem for p in LESSONS}


@pytest.mark.skipif(not chromium_available(), reason="the panels' fallback needs headless Chromium")
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_panel_of_the_lesson_agrees_with_real_chromium(path):
    panels = pressed_panels(path)
    assert panels, f"{path.name} displays no panel as a cell's result"
    for panel in panels:
        assert panel["state"] == "fallback", panel["text"]  # no front end here: headless Chromium answered
        assert panel["agrees"] is True, panel["text"]
        assert "agrees with the engine" in panel["text"]


@pytest.mark.skipif(not chromium_available(), reason="the panels' fallback needs headless Chromium")
def test_the_devtools_lesson_post_never_left_the_browser_only_its_preflight_arrived():
    """Lesson 08 says the POST's row shows "Provisional headers are shown" because only the OPTIONS arrived."""
    post = [p for p in pressed_panels(NOTEBOOKS / "08_developer_tools.ipynb") if "/api/echo" in p["text"]]
    assert len(post) == 1
    log = post[0]["text"].split("Server log (this request):")[1].split("\n\n")[0]
    assert "OPTIONS /api/echo (preflight)" in log and "POST /api/echo" not in log


# What each lesson's prose says about its panel, pressed in the lesson's order: (lesson, the call, what the
# panel's text shows, what it must not show)
PROSE = [
    ("00_start_here", f"fetch('{API}/api/public')",
     [f"api: GET /api/public from {FRONTEND} -> 200", "TypeError: Failed to fetch",
      "No 'Access-Control-Allow-Origin' header is present on the requested resource."], []),
    ("03_preflight", "/api/items/1",  # the first panel: the API as the first cell set it up
     [f"OPTIONS /api/items/1 (preflight) from {FRONTEND} -> 204",
      "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."], ["PUT /api/items/1 from"]),
    ("04_credentials", f"from the page {FRONTEND}",
     [f"GET /api/private from {FRONTEND} with cookies -> 200", "alice@example.com"], []),
    pytest.param("04_credentials", f"from the page {ATTACKER}",
                 [f"GET /api/private from {ATTACKER} with cookies -> 200", "TypeError: Failed to fetch"], [],
                 marks=pytest.mark.xfail(strict=True, reason="the headless fallback gives each page origin a profile "
                                         "of its own, so the login's cookie is not in the attacker's tab (a learner's "
                                         "browser has one cookie jar): reported to the lead")),
    ("05_reading_responses", "/api/custom-headers", ["content-type"], ["x-request-id: "]),
    ("09_attacks", "from a sandboxed frame (origin null)",
     ["GET /api/private from null -> 401", "status 401"], ["from null with cookies"]),
]


@pytest.mark.skipif(not chromium_available(), reason="the panels' fallback needs headless Chromium")
@pytest.mark.parametrize("lesson, call, shown, not_shown", PROSE,
                         ids=[f"{getattr(row, 'values', row)[0]}-{i}" for i, row in enumerate(PROSE)])
def test_each_panel_shows_what_its_lesson_says(lesson, call, shown, not_shown):
    panel = next(p for p in pressed_panels(NOTEBOOKS / f"{lesson}.ipynb") if call in p["text"])
    for text in shown:
        assert text in panel["text"]
    for text in not_shown:
        assert text not in panel["text"]
