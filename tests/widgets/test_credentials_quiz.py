"""The credentials predictions of notebooks 04 and 05: each question brings its policy and answers live."""
from __future__ import annotations

import pytest

from cors_lab import CorsPolicy, serve
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import PolicyQuiz, cookie_kept_question, cookie_question

PAGE = FRONTEND


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))


@pytest.mark.parametrize("policy, origin, truth", [
    (CorsPolicy(allow_origins=[PAGE]), PAGE, "blocked"),  # no Access-Control-Allow-Credentials
    (CorsPolicy(allow_origins="*", allow_credentials=True), PAGE, "blocked"),  # '*' with credentials
    (CorsPolicy(allow_origins=[PAGE], allow_credentials=True), PAGE, "allowed"),
    (CorsPolicy(reflect_origin=True, allow_credentials=True), ATTACKER, "allowed"),  # the reflecting hole
])
def test_a_credentialed_read_of_private_data_is_graded_against_the_questions_own_policy(api, policy, origin, truth):
    quiz = PolicyQuiz(api, "/api/private", policy, origin=origin, credentials="include", login=True)
    assert repr(policy).split("(")[0] in quiz.setup_text and "Alice is logged in" in quiz.setup_text
    assert quiz.predict(truth).startswith(f"Right: {truth}.")
    if truth == "allowed":
        assert '"alice"' in quiz.result.text  # she was logged in, and her cookie went along
    assert api.policy == CorsPolicy(allow_origins=[PAGE])  # the server's own policy is back


def test_a_wrong_prediction_says_not_quite_with_the_console_sentence(api):
    quiz = PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins="*", allow_credentials=True), origin=PAGE,
                      credentials="include", login=True)
    text = quiz.predict("allowed")
    assert text.startswith("Not quite: you said allowed, it is blocked.")
    assert "must not be the wildcard '*'" in text


def test_an_opaque_answer_says_why_the_script_reads_nothing(api):
    quiz = PolicyQuiz(api, "/api/public", CorsPolicy.none(), origin=PAGE, mode="no-cors")
    assert quiz.predict("blocked").startswith("Right: blocked.")
    assert "opaque response" in quiz.outcome.why


@pytest.mark.parametrize("credentials, truth", [("omit", "not sent"), ("same-origin", "not sent"),
                                                ("include", "sent")])
def test_which_credentials_mode_sends_alices_cookie(api, credentials, truth):
    question = cookie_question(api, credentials=credentials, origin=PAGE)
    assert api.url in question.context.value  # the API's URL: a bare path would be the page's own origin
    assert question.predict(truth).startswith(f"Right: {truth}.")


def test_the_cookie_from_a_blocked_login_is_kept(api):
    question = cookie_kept_question(api, CorsPolicy(allow_origins=[PAGE]), origin=PAGE)
    text = question.predict("not kept")
    assert text.startswith("Not quite: you said not kept, it is kept.")
    assert "a Set-Cookie in a blocked answer is still stored" in text


def test_after_stop_all_every_question_says_rerun_and_grades_nothing_then_rebinds(api):
    quiz = PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins=[PAGE], allow_credentials=True), origin=PAGE,
                      credentials="include", login=True)
    cookie = cookie_question(api, credentials="include", origin=PAGE)
    api.stop()
    for question, answer in ((quiz, "allowed"), (cookie, "sent")):
        assert "re-run" in question.predict(answer) and question.prediction is None
    serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
    assert quiz.predict("allowed").startswith("Right: allowed.")
    assert cookie.predict("sent").startswith("Right: sent.")


def test_a_redirect_quiz_says_rerun_when_the_redirect_target_server_is_stopped(api):
    api2 = serve(api_app(), port=None, name="api2", policy=CorsPolicy(allow_origins=[PAGE]))
    hop = f"{api.url}/api/redirect?to={api2.url}/api/public"
    quiz = PolicyQuiz(api, hop, CorsPolicy(allow_origins=[PAGE]), origin=PAGE, servers=[api2])
    api2.stop()
    text = quiz.predict("blocked")
    assert "'api2' is stopped" in text and quiz.prediction is None
