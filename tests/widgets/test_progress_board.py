"""The teacher's progress board: the table and the chart read from a folder, refresh and auto-refresh, the demo
class made of real checks."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from cors_lab.course import progress
from cors_lab.course.verdict import Verdict
from cors_lab.widgets.progress_board import DEMO_NOW, DEMO_START, ProgressBoard, ago, demo_class, progress_board

TEN = datetime(2025, 1, 6, 10, 0, tzinfo=timezone.utc).timestamp()


def write(folder, minute, learner, exercise, passed, message="what the check said"):
    with progress.recording(folder, as_learner=learner, clock=lambda: TEN + minute * 60):
        progress.record(exercise, Verdict(passed, message))


@pytest.fixture
def folder(tmp_path):
    """ada passed the quiz and the preflight; bob failed the preflight three times; cy tried the quiz once, long ago
    (and nothing since); dee is trying challenge 2."""
    write(tmp_path, 1, "ada", "check_same_origin_answers", False)
    write(tmp_path, 2, "ada", "check_same_origin_answers", True)
    write(tmp_path, 3, "ada", "check_preflight_policy", True)
    for minute in (4, 6, 8):
        write(tmp_path, minute, "bob", "check_preflight_policy", False, "The PUT is still blocked.")
    write(tmp_path, 2, "cy", "check_same_origin_answers", False, "4 answer(s) to rethink")
    write(tmp_path, 19, "dee", "challenge 2", False)
    return tmp_path


def board_of(folder, minute=20, **options) -> ProgressBoard:
    return ProgressBoard(folder, now=lambda: TEN + minute * 60, **options)


def test_the_board_reads_who_stands_where_from_the_folder(folder):
    board = board_of(folder)
    assert repr(board) == f"ProgressBoard({folder}: 4 learners, 3 exercises, 2 stuck)"
    assert [(row.learner, row.exercise) for row in board.stuck()] == [("bob", "preflight policy"),
                                                                      ("cy", "same origin or not?")]
    assert board.counts() == {
        ("01_same_origin_policy", "same origin or not?"): {"passed": 1, "trying": 0, "stuck": 1},
        ("03_preflight", "preflight policy"): {"passed": 1, "trying": 0, "stuck": 1},
        ("99_workshop", "challenge 2"): {"passed": 0, "trying": 1, "stuck": 0}}


def test_the_text_table_is_learner_by_exercise_with_marks_and_tries(folder):
    text = board_of(folder).text()
    assert text.splitlines()[3:8] == [
        "learner  01 · same origin or not?  03 · preflight policy  99 · challenge 2",
        "ada      ✔ 2                       ✔ 1",
        "bob                                ✘ 3",
        "cy       ✘ 1",
        "dee                                                       … 1",
    ]
    assert "Stuck: bob at 03 · preflight policy (3 tries, last 12 min ago): The PUT is still blocked." in text
    assert "Stuck: cy at 01 · same origin or not? (1 try, last 18 min ago): 4 answer(s) to rethink" in text
    assert progress.stuck_rule() in text


def test_the_html_table_has_a_row_per_learner_and_a_cell_per_exercise(folder):
    html = board_of(folder).table.value
    table = ET.fromstring(html.replace("<br>", "<br/>"))
    rows = table.findall("tr")
    assert [row[0].text for row in rows] == ["learner", "ada", "bob", "cy", "dee"]
    assert [cell.text for cell in rows[0][1:]] == ["01 · same origin or not?", "03 · preflight policy",
                                                   "99 · challenge 2"]
    bob = rows[2]
    assert bob[1].find("b") is None and bob[2].find("b").text == "✘ stuck"
    assert "3 tries · 12 min ago" in ET.tostring(bob[2], encoding="unicode")
    assert bob[2].get("title") == "The PUT is still blocked."  # the last message, on hover


def test_the_chart_has_a_stacked_bar_per_exercise_scaled_to_the_learners(folder):
    svg = ET.fromstring(board_of(folder).chart.value)
    namespace = {"svg": "http://www.w3.org/2000/svg"}
    bars = [(rect.get("class"), float(rect.get("width")), rect.find("svg:title", namespace).text)
            for rect in svg.findall("svg:rect", namespace) if rect.get("class")]
    assert bars == [("bar-passed", 180.0, "1 passed"), ("bar-stuck", 180.0, "1 stuck"),
                    ("bar-passed", 180.0, "1 passed"), ("bar-stuck", 180.0, "1 stuck"),
                    ("bar-trying", 180.0, "1 trying")]  # one scale: a learner is as long on every bar
    labels = [text.text for text in svg.findall("svg:text", namespace)]
    assert "03 · preflight policy" in labels and labels[:3] == ["passed", "trying", "stuck"]


def test_refresh_and_each_auto_refresh_tick_read_the_folder_again(folder):
    board = board_of(folder)
    write(folder, 21, "bob", "check_preflight_policy", True)
    assert board.cell("bob", "03_preflight", "preflight policy").passed is False  # not read yet
    board.refresh_button.click()
    assert board.cell("bob", "03_preflight", "preflight policy").passed is True
    write(folder, 22, "eve", "check_my_fastapi", False)
    board.play.value += 1  # what the browser's Play widget does every refresh_seconds
    assert "eve" in board.learners() and "10 · fix your FastAPI app" in board.table.value
    assert board.play.interval == 30_000 and board.play.playing is False  # auto-refresh is off until started


def test_the_stuck_rules_numbers_reach_the_board(folder):
    board = board_of(folder, stuck_tries=4, stuck_minutes=30)
    assert board.stuck() == [] and "either 4 or more tries" in board.heading.value


def test_an_empty_or_missing_folder_says_no_tries_yet(tmp_path):
    empty = board_of(tmp_path)
    assert repr(empty) == f"ProgressBoard({tmp_path}: no tries yet)" and empty.chart.value == ""
    assert "No tries yet" in empty.table.value and "No tries yet" in empty.text()
    missing = board_of(tmp_path / "nope")
    assert "does not exist yet" in missing.heading.value


def test_the_demo_class_is_real_checks_by_three_pretend_learners(tmp_path):
    folder, now = demo_class(tmp_path)
    assert now == DEMO_START + DEMO_NOW * 60
    assert sorted(path.name for path in folder.iterdir()) == ["ada.jsonl", "alan.jsonl", "grace.jsonl"]
    board = ProgressBoard(folder, now=lambda: now, demo=True)
    assert repr(board) == "ProgressBoard(demo: 3 learners, 5 exercises, 2 stuck)"
    assert [(row.learner, row.exercise, row.tries) for row in board.stuck()] == [
        ("alan", "errors that tell the truth", 1), ("grace", "preflight policy", 4)]
    assert all(row.passed for row in board.rows if row.learner == "ada")
    # the messages are the real checks' own sentences
    grace = board.cell("grace", "03_preflight", "preflight policy")
    assert grace.last_message == "max_age=60 caches the preflight for less than 10 minutes; the goal is at least 600 s."
    assert board.text().startswith("DEMO: three pretend learners") and "DEMO</span>" in board.heading.value


def test_without_a_folder_the_board_is_the_demo_and_with_one_it_is_the_class(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.ENVIRONMENT, raising=False)
    assert progress_board().demo is True
    monkeypatch.setenv(progress.ENVIRONMENT, str(tmp_path))
    write(tmp_path, 1, "ada", "check_null_fix", True)
    board = progress_board()
    assert board.demo is False and board.folder == tmp_path and board.learners() == ["ada"]


@pytest.mark.parametrize("seconds, said", [(0, "just now"), (59, "just now"), (60, "1 min ago"),
                                           (3599, "59 min ago"), (7200, "2 h ago"), (3 * 86400, "3 days ago")])
def test_ago(seconds, said):
    assert ago(seconds) == said
