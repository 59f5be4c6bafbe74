"""Content of lessons 00-02 that a test can hold: the corrections (cookies go by host; the CSRF section's name),
widgets instead of printed answers, and the exercise checks' sentences."""
from pathlib import Path

import pytest

from cors_lab.course import check_third_server

SRC = Path(__file__).resolve().parents[2] / "notebooks" / "src"
CSRF_SECTION = "CSRF: blocked, but processed"


def read(stem: str) -> str:
    return (SRC / f"{stem}.py").read_text()


def test_lesson_01_says_cookies_are_scoped_by_host_not_origin():
    text = read("01_same_origin_policy")
    assert "A cookie belongs to a **host**, not to an origin" in text
    assert "a cookie the API sets on `localhost` is also sent to the attacker's server, on\n# another port" in text
    assert "session cookie for `localhost:8002`" not in text  # the old wording


@pytest.mark.parametrize("stem", ["01_same_origin_policy", "02_reading_a_cors_error"])
def test_lessons_01_and_02_point_to_the_csrf_section_of_lesson_09_by_its_name(stem):
    assert f'**"{CSRF_SECTION}"**' in read(stem) and "lesson 09 (CSRF)" not in read(stem)


@pytest.mark.parametrize("stem, widgets", [
    ("00_start_here", ["predict_same_origin(", "OriginInspector(", "ExerciseChecker("]),
    ("01_same_origin_policy", ["two_tab_story(", "ExerciseChecker("]),
    ("02_reading_a_cors_error", ["DoctorBox()", "ExerciseChecker("]),
])
def test_each_lesson_has_its_widgets_and_ends_with_stop_all(stem, widgets):
    text = read(stem)
    for widget in widgets:
        assert widget in text
    assert text.rstrip().splitlines()[-1] == "stop_all()"
    assert "check_same_origin_answers(answers)" not in text and "check_third_server(api2)" not in text


def test_the_third_server_check_says_what_to_rerun_after_stop_all():
    class Stopped:
        running = False
        name = "api2"

    verdict = check_third_server(Stopped())
    assert not verdict and "re-run your exercise cell" in verdict.message
