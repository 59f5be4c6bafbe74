"""The workshop board: one checker per challenge, progress, a front-end timer; the stored state before any check."""
from __future__ import annotations

from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, workshop
from cors_lab.widgets import ExerciseChecker, WorkshopBoard


def test_the_board_before_any_check_shows_zero_solved_and_every_challenge_has_a_checker():
    board = WorkshopBoard()
    assert repr(board) == "WorkshopBoard(0 of 8 solved)"
    assert "0 of 8 solved" in board.progress_line.value
    assert all(isinstance(board.checker(c.number), ExerciseChecker) for c in workshop.CHALLENGES)
    assert board.checker(2).answer == "answer_2"


def test_progress_counts_what_passes_and_forgets_what_fails_again():
    board = WorkshopBoard()
    assert board.check(2, CorsPolicy(allow_origins=[FRONTEND]))
    assert board.progress() == "1 of 8 solved" and "1 of 8 solved" in board.progress_line.value
    assert not board.check(2, CorsPolicy())
    assert board.solved() == []


def test_the_check_button_reads_the_learners_variable_and_updates_the_board():
    namespace = {"answer_1": {"a": False, "b": True, "c": False, "d": False, "e": True}}
    board = WorkshopBoard(namespace=namespace)
    board.checker(1).button.click()
    assert board.solved() == [1]


def test_the_hints_come_one_at_a_time_and_never_before_hint_is_pressed():
    board = WorkshopBoard(namespace={"answer_3": CorsPolicy(allow_origins=[FRONTEND])})
    checker = board.checker(3)
    checker.check()
    assert "hint" not in checker.output_text()
    assert checker.hint().count("hint ") == 1


def test_the_timer_ticks_in_the_front_end():
    board = WorkshopBoard()
    assert board.link._model_name == "LinkModel" and board.play.interval == 1000  # jslink: a front-end link
    assert board.link.source == (board.play, "value") and board.link.target == (board.seconds, "value")
    board.start()
    assert board.play.playing
    board.pause()
    assert not board.play.playing
