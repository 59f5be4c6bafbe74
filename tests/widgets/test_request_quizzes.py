"""ConsoleQuiz, ArrivalQuiz, BrowserOrPython (notebooks 01 and 02): each grades a prediction against a live request,
shows what came back as text (never markup), says which cell to re-run after stop_all() and asks the new server
after a re-run."""
from __future__ import annotations

import pytest
from flask import Flask

from cors_lab import CorsPolicy, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import ArrivalQuiz, BrowserOrPython, ConsoleQuiz, PredictionSet

PAGE = FRONTEND
HOSTILE = "<img src=x onerror=alert(1)>"
STATUS_CHOICES = {"the 404": None, "a CORS error": "missing_allow_origin"}


@pytest.fixture
def api():
    server = serve(api_app(), port=None, name="api")
    yield server
    server.stop()


@pytest.mark.parametrize("policy, truth", [
    (CorsPolicy.none(), "no such header"),
    (CorsPolicy(always_send_origin="http://localhost:8001/"), "value not equal to the origin"),
    (CorsPolicy(always_send_origin="http://localhost:8001, http://localhost:8003"), "several values"),
    (CorsPolicy(allow_origins=[PAGE, "http://localhost:8003"]), "no error: JS reads it"),
])
def test_the_console_quiz_grades_what_the_console_says_about_allow_origin(api, policy, truth):
    quiz = ConsoleQuiz(api, "/api/public", origin=PAGE, policy=policy)
    assert quiz.output_text() == "" and api.count() == 0  # nothing shown, nothing sent before a prediction
    assert quiz.predict(truth).startswith(f"Right: {truth}.")
    wrong = next(choice for choice in quiz.choices if choice != truth)
    assert quiz.predict(wrong).startswith(f"Not quite: you said {wrong}, it is {truth}.")
    assert "<svg" in quiz.output.value and "Server log: GET /api/public" in quiz.feedback
    assert repr(quiz) == f"ConsoleQuiz(GET /api/public: answered {wrong!r} (wrong))"


def test_each_step_brings_its_own_policy_to_the_one_shared_server(api):
    steps = [ConsoleQuiz(api, origin=PAGE, policy=CorsPolicy(always_send_origin="http://localhost:8001/")),
             ConsoleQuiz(api, origin=PAGE, policy=CorsPolicy(allow_origins=[PAGE]))]
    assert steps[1].predict("no error: JS reads it").startswith("Right")
    assert steps[0].predict("value not equal to the origin").startswith("Right")  # after the later step: still its own


def test_an_error_answer_without_cors_headers_hides_its_real_status_and_the_log_shows_it(api):
    hidden = ConsoleQuiz(api, "/api/status/404", origin=PAGE, choices=STATUS_CHOICES,
                         policy=CorsPolicy(allow_origins=[PAGE], headers_on_errors=False))
    assert hidden.predict("the 404").startswith("Not quite: you said the 404, it is a CORS error.")
    assert "-> 404" in hidden.feedback  # the server's log tells the truth
    shown = ConsoleQuiz(api, "/api/status/404", origin=PAGE, choices=STATUS_CHOICES,
                        policy=CorsPolicy(allow_origins=[PAGE]))
    assert shown.predict("the 404").startswith("Right: the 404.") and "status 404" in shown.feedback


def test_a_console_quiz_whose_choices_miss_what_happened_says_so_in_one_sentence(api):
    quiz = ConsoleQuiz(api, origin=PAGE, choices={"several values": "multiple_allow_origin", "fine": None},
                       policy=CorsPolicy.none())
    assert quiz.predict("fine").startswith("The console names something none of the choices is")
    assert quiz.prediction is None


def test_a_simple_post_is_processed_although_the_script_reads_nothing(api):
    quiz = ArrivalQuiz(api, "/api/echo", method="POST", body="hello", origin=PAGE, policy=CorsPolicy.none())
    assert quiz.predict("never arrives").startswith("Not quite: you said never arrives, it is processed.")
    assert quiz.entry.status == 200 and f"Server log: POST /api/echo from {PAGE} -> 200" in quiz.feedback
    assert quiz.outcome.result.blocked


def test_a_request_stopped_by_its_preflight_never_arrives(api):
    quiz = ArrivalQuiz(api, "/api/items/1", method="PUT", origin=PAGE, policy=CorsPolicy.none())
    assert quiz.predict("never arrives").startswith("Right: never arrives.")
    assert "only the preflight (OPTIONS) arrived" in quiz.feedback and api.count(method="PUT") == 0


def test_python_reads_what_the_browser_hides(api):
    quiz = BrowserOrPython(api, "/api/public", origin=PAGE)
    assert "requests.request('GET'" in quiz.setup_text
    assert quiz.predict("both").startswith("Not quite: you said both, it is only Python.")
    assert quiz.python.status_code == 200 and "Hello from the API" in quiz.feedback
    assert api.count(path="/api/public", origin=PAGE) == 2  # both requests reached the server, with one Origin
    api.policy = CorsPolicy(allow_origins=[PAGE])
    assert BrowserOrPython(api, "/api/public", origin=PAGE).predict("both").startswith("Right: both.")


def test_what_a_server_sends_is_shown_as_text_never_as_markup():
    app = Flask("hostile")
    app.add_url_rule("/x", "x", lambda: HOSTILE)
    server = serve(app, port=None, name="hostile")
    try:
        quiz = BrowserOrPython(server, "/x", origin=PAGE)
        quiz.predict("only Python")
        assert HOSTILE in quiz.feedback and HOSTILE not in quiz.output.value
        assert "&lt;img src=x onerror=alert(1)&gt;" in quiz.output.value
    finally:
        server.stop()


@pytest.mark.parametrize("make, choice", [
    (lambda api: ConsoleQuiz(api, origin=PAGE, policy=CorsPolicy.none()), "no such header"),
    (lambda api: ArrivalQuiz(api, "/api/echo", method="POST", body="hi", origin=PAGE, policy=CorsPolicy.none()),
     "processed"),
    (lambda api: BrowserOrPython(api, origin=PAGE), "only Python"),
])
def test_after_stop_all_each_says_which_cell_to_rerun_and_after_a_rerun_asks_the_new_server(api, make, choice):
    quiz = make(api)
    api.started_in = 3
    api.stop()
    assert "re-run cell [3]" in quiz.predict(choice) and quiz.prediction is None
    again = serve(api_app(), port=None, name="api")
    try:
        assert quiz.predict(choice).startswith(f"Right: {choice}.")
        assert again.count() >= 1 and again.url in quiz.setup_text
    finally:
        again.stop()


def test_they_stack_in_a_prediction_set_and_keep_the_score(api):
    story = PredictionSet("POST", [ConsoleQuiz(api, origin=PAGE, policy=CorsPolicy.none()),
                                   ArrivalQuiz(api, "/api/echo", method="POST", body="hi", origin=PAGE)])
    story.predictions[0].predict("no such header")
    story.predictions[1].predict("never arrives")
    assert story.score() == (1, 2)
    for quiz, kind in zip(story.predictions, ["console-quiz", "arrival-quiz"], strict=True):
        assert {"cors-lab-widget", f"cors-lab-{kind}"} <= set(quiz.widget._dom_classes)
