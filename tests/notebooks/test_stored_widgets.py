"""Issue 10's "done when": every notebook stores at least one rendered widget that its lesson depends on.

A stored widget is an output with a widget view whose model is in the notebook's saved widget state (so JupyterLab
draws it from the file, before any kernel runs) and whose text is a cors_lab widget's repr (not a stray slider).
Stored outputs never give a prediction's answer or a hint away: a stored prediction is unanswered, a stored
checker shows no hint.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# the reprs of cors_lab's widgets: ClassName(...) as WidgetView subclasses write them
OUR_REPR = re.compile(r"^[A-Z][A-Za-z]+\(")


def stored_widgets(path: Path) -> list[tuple[bool, str]]:
    """(model saved in the notebook's widget state?, text/plain) for each widget output of the notebook."""
    notebook = json.loads(path.read_text())
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                text = data.get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                found.append((data[WIDGET_VIEW]["model_id"] in state, text))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_stores_a_rendered_cors_lab_widget(path):
    widgets = stored_widgets(path)
    ours = [text for saved, text in widgets if saved and OUR_REPR.match(text)]
    assert ours, f"{path.name} stores no rendered cors_lab widget (widget outputs: {widgets or 'none'})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_widgets_give_no_answer_or_hint_away(path):
    for _, text in stored_widgets(path):
        assert "answered '" not in text, f"{path.name} stores an answered prediction: {text}"
    # a checker's revealed hints live in its widget state (an HTML model's value): none may be stored
    notebook = json.loads(path.read_text())
    state = json.dumps(notebook.get("metadata", {}).get("widgets", {}))
    assert "hint 1:" not in state, f"{path.name} stores a checker with a revealed hint"
