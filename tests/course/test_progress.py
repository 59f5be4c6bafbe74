"""Progress for the teacher: one JSON line per Check press or workshop check, in one file per learner, off unless
CORS_LAB_PROGRESS_DIR names a folder; the stuck rule; the table that says which lesson a check belongs to."""
from __future__ import annotations

import ast
import json
import multiprocessing
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cors_lab import CorsPolicy
from cors_lab.course import FRONTEND, progress, workshop
from cors_lab.course.exercises import SAME_ORIGIN_QUIZ, check_same_origin_answers, same_origin_answer
from cors_lab.course.progress import Try
from cors_lab.course.verdict import Verdict
from cors_lab.widgets import ExerciseChecker, WorkshopBoard

SOURCES = Path(__file__).resolve().parents[2] / "notebooks" / "src"
TEN = datetime(2025, 1, 6, 10, 0, tzinfo=timezone.utc).timestamp()
RIGHT_QUIZ = {url: same_origin_answer(url) for url in SAME_ORIGIN_QUIZ}


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def class_folder(tmp_path, monkeypatch):
    """Progress switched on the way a teacher does it: the environment variable, a hub user."""
    folder = tmp_path / "progress"
    folder.mkdir()
    monkeypatch.setenv(progress.ENVIRONMENT, str(folder))
    monkeypatch.setenv("JUPYTERHUB_USER", "ada")
    return folder


def quiz_checker(answers) -> ExerciseChecker:
    return ExerciseChecker("quiz", check=check_same_origin_answers, answer="answers", namespace={"answers": answers})


# ---- the line ---------------------------------------------------------------------------------------------------
def test_a_line_holds_time_learner_notebook_exercise_passed_message_and_hint(tmp_path):
    with progress.recording(tmp_path, as_learner="grace", clock=lambda: TEN + 4 * 60):
        assert progress.record("check_preflight_policy", Verdict(False, "The PUT is still blocked.", hint="max_age"))
    assert lines_of(tmp_path / "grace.jsonl") == [{
        "time": "2025-01-06T10:04:00Z", "learner": "grace", "notebook": "03_preflight",
        "exercise": "preflight policy", "passed": False, "message": "The PUT is still blocked.", "hint": "max_age"}]


def test_a_press_of_check_writes_one_line_as_the_hub_user(class_folder):
    assert not quiz_checker({url: True for url in SAME_ORIGIN_QUIZ}).check()
    assert quiz_checker(RIGHT_QUIZ).check()
    lines = lines_of(class_folder / "ada.jsonl")
    assert [(line["learner"], line["notebook"], line["exercise"], line["passed"]) for line in lines] == [
        ("ada", "01_same_origin_policy", "same origin or not?", False),
        ("ada", "01_same_origin_policy", "same origin or not?", True)]
    assert lines[0]["message"].startswith("4 answer(s) to rethink") and lines[0]["hint"].startswith("compare only")
    assert abs(datetime.fromisoformat(lines[1]["time"]).timestamp() - datetime.now(timezone.utc).timestamp()) < 60


def test_without_a_hub_the_learner_is_the_login_name(class_folder, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("LOGNAME", "linus")
    quiz_checker(RIGHT_QUIZ).check()
    assert [line["learner"] for line in lines_of(class_folder / "linus.jsonl")] == ["linus"]


def test_a_refused_check_is_a_try_that_did_not_pass(class_folder):
    checker = ExerciseChecker("quiz", check=check_same_origin_answers, answer="answers", namespace={})
    assert checker.check() is None
    (line,) = lines_of(class_folder / "ada.jsonl")
    assert line["passed"] is False and line["message"].startswith("There is no answers yet")


def test_a_workshop_check_is_one_line_whether_from_code_or_from_the_boards_checker(class_folder):
    workshop.check(2, CorsPolicy(allow_origins=[FRONTEND]))
    WorkshopBoard().check(2, CorsPolicy())  # the board's checker wraps workshop.check: still one line
    lines = lines_of(class_folder / "ada.jsonl")
    assert [(line["notebook"], line["exercise"], line["passed"]) for line in lines] == [
        ("99_workshop", "challenge 2", True), ("99_workshop", "challenge 2", False)]


def test_the_credentials_exercise_is_recorded_under_lesson_04(class_folder):
    from cors_lab.server.apps import api_app
    from cors_lab.server.lab import serve
    from cors_lab.widgets import credentials_exercise

    api = serve(api_app(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)), port=None, name="api")
    try:
        credentials_exercise(api).check()
    finally:
        api.stop()
    (line,) = lines_of(class_folder / "ada.jsonl")
    assert (line["notebook"], line["exercise"], line["passed"]) == ("04_credentials", "credentials", True)


# ---- off by default ---------------------------------------------------------------------------------------------
def test_off_by_default_nothing_is_written_and_no_file_is_opened(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.ENVIRONMENT, raising=False)
    monkeypatch.chdir(tmp_path)
    appended = []
    monkeypatch.setattr(progress, "append", lambda *args: appended.append(args))
    assert progress.folder() is None
    assert progress.record("check_preflight_policy", Verdict(True, "ok")) is False
    assert quiz_checker(RIGHT_QUIZ).check()
    assert not workshop.check(1, {"a": True})
    assert appended == [] and list(tmp_path.iterdir()) == []


def test_an_empty_variable_is_off_too(monkeypatch):
    monkeypatch.setenv(progress.ENVIRONMENT, "  ")
    assert progress.folder() is None


# ---- one file per learner, whole lines ------------------------------------------------------------------------
def test_each_learner_writes_their_own_file(tmp_path):
    for name in ("ada", "grace", "ada", "grace.hopper@uni.edu", "../escape"):
        with progress.recording(tmp_path, as_learner=name):
            progress.record("check_devtools_quiz", Verdict(True, "All right."))
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == ["%2E.%2Fescape.jsonl", "ada.jsonl", "grace.hopper@uni.edu.jsonl", "grace.jsonl"]
    assert [line["learner"] for line in lines_of(tmp_path / "ada.jsonl")] == ["ada", "ada"]
    assert [line["learner"] for line in lines_of(tmp_path / "%2E.%2Fescape.jsonl")] == ["../escape"]


BIG = "x" * 20_000  # far beyond one page: only one write of the whole line under the lock keeps it whole


def _many_lines(folder: str, writer: int, count: int, start: float) -> None:
    time.sleep(max(0.0, start - time.time()))  # every writer starts at once, or they would take turns by chance
    for n in range(count):
        progress.append(Path(folder), {"learner": "ada", "writer": writer, "n": n, "padding": BIG})


def test_kernels_of_one_learner_appending_at_once_leave_whole_lines(tmp_path):
    context, start = multiprocessing.get_context("fork"), time.time() + 0.5
    writers = [context.Process(target=_many_lines, args=(str(tmp_path), writer, 100, start)) for writer in range(4)]
    threads = [threading.Thread(target=_many_lines, args=(str(tmp_path), 10 + writer, 100, start))
               for writer in range(4)]
    for one in writers + threads:
        one.start()
    for one in writers + threads:
        one.join()
    assert all(process.exitcode == 0 for process in writers)
    lines = lines_of(tmp_path / "ada.jsonl")  # raises if a line was cut or two were mixed
    assert len(lines) == 800 and all(line["padding"] == BIG for line in lines)
    for writer in [*range(4), *range(10, 14)]:  # each writer's lines are all there, in its order
        assert [line["n"] for line in lines if line["writer"] == writer] == list(range(100))


def test_threads_recording_at_once_give_one_whole_line_each(class_folder):
    def press():
        for _ in range(25):
            progress.record("check_devtools_quiz", Verdict(False, "y" * 500, hint="z" * 500))

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = lines_of(class_folder / "ada.jsonl")
    assert len(lines) == 200
    assert {len(line["message"]) for line in lines} == {progress.MESSAGE_LENGTH}  # long messages are cut short


# ---- a folder that cannot be written --------------------------------------------------------------------------
def test_a_missing_folder_warns_once_and_the_exercise_still_answers(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "not-created"
    monkeypatch.setenv(progress.ENVIRONMENT, str(missing))
    progress._warned.discard(str(missing))
    assert quiz_checker(RIGHT_QUIZ).check()
    assert not quiz_checker({}).check()
    assert workshop.check(1, {"a": False, "b": True, "c": False, "d": False, "e": True})
    warning = capsys.readouterr().err.splitlines()
    assert len(warning) == 1 and str(missing) in warning[0] and "not recorded" in warning[0]
    assert not missing.exists()


def test_a_folder_without_write_permission_warns_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(progress.ENVIRONMENT, str(tmp_path))
    progress._warned.discard(str(tmp_path))

    def refused(*args):  # what a learner gets on a folder the teacher did not make writable (made here: root, who
        raise PermissionError(13, "Permission denied")  # runs the tests, ignores modes)

    monkeypatch.setattr(progress, "append", refused)
    assert progress.record("check_null_fix", Verdict(True, "ok")) is False
    assert progress.record("check_null_fix", Verdict(True, "ok")) is False
    (warning,) = capsys.readouterr().err.splitlines()
    assert "Permission denied" in warning and f"install -d -m 1777 {tmp_path}" in warning


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_read_only_folder_warns_once(tmp_path, monkeypatch, capsys):
    tmp_path.chmod(0o555)
    monkeypatch.setenv(progress.ENVIRONMENT, str(tmp_path))
    progress._warned.discard(str(tmp_path))
    assert progress.record("check_null_fix", Verdict(True, "ok")) is False
    assert "Permission denied" in capsys.readouterr().err


def test_a_folder_that_is_a_file_warns_too(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv(progress.ENVIRONMENT, str(not_a_folder))
    progress._warned.discard(str(not_a_folder))
    assert progress.record("check_null_fix", Verdict(True, "ok")) is False
    assert "Not a directory" in capsys.readouterr().err


# ---- reading and the stuck rule --------------------------------------------------------------------------------
def test_reading_skips_lines_that_are_not_ours(tmp_path):
    with progress.recording(tmp_path, as_learner="ada", clock=lambda: TEN):
        progress.record("check_null_fix", Verdict(True, "ok"))
    with open(tmp_path / "ada.jsonl", "a") as file:
        file.write('not json\n{"time": "yesterday", "learner": "ada"}\n{"learner": "x"}\n')
    (tmp_path / "notes.txt").write_text('{"time": "2025-01-06T10:00:00Z"}')
    assert progress.read(tmp_path) == [Try(TEN, "ada", "09_attacks", "B: stop trusting null", True, "ok", None)]


def tries(*events) -> list[Try]:
    """(minute, learner, exercise, passed) -> tries, all of lesson 03."""
    return [Try(TEN + minute * 60, name, "03_preflight", exercise, passed) for minute, name, exercise, passed in events]


@pytest.mark.parametrize("events, now, stuck", [
    ([(1, "ada", "e", False), (2, "ada", "e", False)], 3, False),                      # two recent tries: trying
    ([(1, "ada", "e", False), (2, "ada", "e", False), (3, "ada", "e", False)], 4, True),  # three: stuck
    ([(1, "ada", "e", False)] * 5 + [(6, "ada", "e", True)], 7, False),              # passed: never stuck
    ([(1, "ada", "e", True), (2, "ada", "e", False)], 30, False),                     # passed once is passed
    ([(1, "ada", "e", False)], 11.5, True),                                           # silent 10.5 min since
    ([(1, "ada", "e", False)], 10.5, False),                                          # 9.5 min: still thinking
    ([(1, "ada", "e", False), (2, "ada", "f", True)], 30, False),                     # moved on: not silent on e
], ids=["two-tries", "three-tries", "passed-after-five", "passed-then-failed", "silent", "thinking", "moved-on"])
def test_the_stuck_rule(events, now, stuck):
    rows = progress.summary(tries(*events), now=TEN + now * 60)
    assert [row.stuck for row in rows if row.exercise == "e"] == [stuck]


def test_the_stuck_rule_has_two_numbers_a_teacher_can_change():
    three = tries(*[(minute, "ada", "e", False) for minute in (1, 2, 3)])
    assert progress.summary(three, now=TEN + 240, stuck_tries=4)[0].stuck is False
    assert progress.summary(three, now=TEN + 240, stuck_tries=4, stuck_minutes=0.5)[0].stuck is True
    assert progress.stuck_rule(4, 15) == ("Stuck = not passed yet, and either 4 or more tries, or it is the learner's "
                                          "latest try and it is more than 15 minutes old (nothing tried since).")


def test_the_summary_counts_tries_per_learner_and_exercise_in_course_order():
    rows = progress.summary([
        Try(TEN + 60, "grace", "99_workshop", "challenge 2", False),
        Try(TEN + 120, "grace", "03_preflight", "preflight policy", False),
        Try(TEN + 180, "ada", "03_preflight", "preflight policy", True),
        Try(TEN + 240, "grace", "99_workshop", "challenge 10", True),
        Try(TEN + 300, "grace", "99_workshop", "challenge 2", True),
        Try(TEN + 360, "grace", "01_same_origin_policy", "same origin or not?", True),
    ], now=TEN + 400)
    assert [(row.learner, row.exercise, row.tries, row.passed) for row in rows] == [
        ("ada", "preflight policy", 1, True),
        ("grace", "same origin or not?", 1, True), ("grace", "preflight policy", 1, False),
        ("grace", "challenge 2", 2, True), ("grace", "challenge 10", 1, True)]
    assert rows[2].last_try == TEN + 120


# ---- which lesson: the table, held to the notebooks ----------------------------------------------------------
def exercises_in_notebooks() -> list[tuple[str, str]]:
    """(notebook, check name) for every ExerciseChecker(check=...) and credentials_exercise(...) in notebooks/src."""
    found = []
    for source in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "ExerciseChecker":
                (check,) = [keyword.value for keyword in node.keywords if keyword.arg == "check"]
                found.append((source.stem, check.id))
            elif node.func.id == "credentials_exercise":
                found.append((source.stem, "credentials_exercise"))
    return found


def test_every_exercise_of_the_notebooks_is_in_the_table_under_its_own_notebook():
    found = exercises_in_notebooks()
    assert len(found) >= 15
    assert [(notebook, progress.lesson_of(check)[0]) for notebook, check in found] == [
        (notebook, notebook) for notebook, _ in found]


def test_every_row_of_the_table_is_an_exercise_of_its_notebook():
    assert sorted(progress.EXERCISES) == sorted(check for _, check in exercises_in_notebooks())


def test_the_workshops_challenges_belong_to_the_workshop_notebook():
    assert "WorkshopBoard()" in (SOURCES / f"{progress.WORKSHOP}.py").read_text()
    assert [progress.lesson_of(progress.challenge(c.number)) for c in workshop.CHALLENGES] == [
        (progress.WORKSHOP, f"challenge {c.number}") for c in workshop.CHALLENGES]
    assert progress.lesson_of("somebody's own check") == (None, "somebody's own check")
