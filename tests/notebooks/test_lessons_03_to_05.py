"""Lessons 03-05 (issue 10): each central experiment is a widget, each exercise one checker widget, no stored
output gives an answer away, and the last cell stops the lab servers."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from cors_lab.course.teaching import BLOCK, SINGLE_USER_BASE

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = ["03_preflight", "04_credentials", "05_reading_responses"]
WIDGETS = {  # what each lesson's learner operates
    "03_preflight": ["preflight_quiz(", "PreflightPredictor(", "cache_prediction(", "CacheTimeline(", "Playground("],
    "04_credentials": ["cookie_kept_question(", "cookie_question(", "PolicyQuiz(", "credentials_exercise("],
    "05_reading_responses": ["ResponseInspector(", "ask=\"header\"", "PolicyQuiz("],
}


def code_cells(name: str) -> list[str]:
    chunks = re.split(r"^# %%(.*)$", (NOTEBOOKS / "src" / f"{name}.py").read_text(), flags=re.M)
    return [body.strip() for header, body in zip(chunks[1::2], chunks[2::2], strict=True) if "[markdown]" not in header]


@pytest.mark.parametrize("name", LESSONS)
def test_the_last_cell_stops_the_servers_and_the_recap_comes_before_it(name):
    cells = code_cells(name)
    assert cells[-1] == "stop_all()"
    assert all("stop_all()" not in cell for cell in cells[:-1])
    text = (NOTEBOOKS / "src" / f"{name}.py").read_text()
    assert text.index("## Recap") < text.rindex("stop_all()")


@pytest.mark.parametrize("name", LESSONS)
def test_the_lesson_is_driven_by_widgets(name):
    source = "\n".join(code_cells(name))
    for widget in WIDGETS[name]:
        assert widget in source, f"{name} lost its {widget}"
    assert "write down" not in (NOTEBOOKS / "src" / f"{name}.py").read_text().lower()


@pytest.mark.parametrize("name", LESSONS)
def test_the_exercise_is_checked_by_one_checker_widget_and_stored_before_any_check(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    plain = [out.get("data", {}).get("text/plain", "") for cell in notebook.cells if cell.cell_type == "code"
             for out in cell.get("outputs", [])]
    checkers = [text for text in plain if text.startswith("ExerciseChecker(")]
    assert len(checkers) == 1 and "not checked yet" in checkers[0]
    assert not any("hint" in text.lower() for text in plain)
    # the verdict is the checker's: no cell shows a check function's verdict as its last line
    assert not any(re.match(r"check_\w+\(", cell.splitlines()[-1]) for cell in code_cells(name))


@pytest.mark.parametrize("name", LESSONS)
def test_no_stored_prediction_is_answered_and_no_random_port_is_stored(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            assert "answered '" not in text and not re.search(r"[1-9]\d*/\d+ right", text), text
            # `make notebooks` stores outputs from a learner's own machine: every port is in its teaching block
            ports = [int(port) for port in re.findall(r"localhost:(\d{4,5})", text)]
            assert all(SINGLE_USER_BASE <= port < SINGLE_USER_BASE + BLOCK for port in ports), text


def test_the_preflight_lesson_no_longer_prints_the_answers_of_its_predictions():
    source = "\n".join(code_cells("03_preflight"))
    assert "for label, path, options in to_try" not in source  # the seven answers were a printed table
    assert "print(exchanges_text(r))" not in source
