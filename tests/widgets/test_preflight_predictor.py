"""The preflight predictor and the "preflight or not?" questions of notebook 03, through their Python API."""
from __future__ import annotations

import pytest

from cors_lab import CorsPolicy, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import (
    PredictionSet,
    PreflightPredictor,
    failing_header_question,
    preflight_quiz,
    same_sentence_question,
)
from cors_lab.widgets.preflight_predictor import NO_CONTENT_TYPE

PAGE = FRONTEND
ALLOW_PUT = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))


def test_a_json_post_is_graded_preflight_and_the_content_type_rule_is_named(api):
    predictor = PreflightPredictor(api, method="POST", content_type="application/json")
    text = predictor.predict("no preflight")
    assert text.startswith("Not quite: you said no preflight, it is preflight.")
    assert "Content-Type application/json is not one of the three safelisted types" in text
    assert predictor.question.outcome.result.exchanges[0].kind == "preflight"
    assert "cors-lab-rules" in predictor.output.value and "<svg" in predictor.output.value


def test_a_get_with_accept_language_is_graded_no_preflight(api):
    predictor = PreflightPredictor(api)
    predictor.set(method="GET", content_type=NO_CONTENT_TYPE, header="Accept-Language: fr")
    text = predictor.predict("no preflight")
    assert text.startswith("Right: no preflight.")
    assert [ex.kind for ex in predictor.question.outcome.result.exchanges] == ["actual"]
    assert repr(predictor) == "PreflightPredictor(1/1 right)"


def test_changing_a_field_clears_the_answer_and_asks_for_a_new_prediction(api):
    predictor = PreflightPredictor(api)
    predictor.predict("preflight")
    predictor.set(method="DELETE")
    assert predictor.output_text() == "" and predictor.question.prediction is None
    assert "method: 'DELETE'" in predictor.question.context.value.replace("&#x27;", "'")
    assert predictor.predict("preflight").startswith("Right: preflight.")
    assert predictor.score() == (2, 2)


def test_a_header_the_learner_types_is_escaped_in_the_widget(api):
    predictor = PreflightPredictor(api, method="GET", content_type=NO_CONTENT_TYPE,
                                   header="X-Evil: <img src=x onerror=alert(1)>")
    predictor.predict("preflight")
    html = predictor.output.value + predictor.question.context.value
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_header_typed_wrongly_is_one_sentence_and_grades_nothing(api):
    predictor = PreflightPredictor(api, header="no colon here")
    text = predictor.predict("preflight")
    assert "has no colon" in text and predictor.question.prediction is None


def test_after_the_server_is_stopped_the_predictor_says_which_cell_to_rerun_then_rebinds(api):
    predictor = PreflightPredictor(api)
    api.stop()
    text = predictor.predict("preflight")
    assert "is stopped" in text and "re-run" in text and predictor.score() == (0, 0)
    again = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
    assert predictor.predict("preflight").startswith("Right: preflight.")
    assert predictor.question.outcome.result.exchanges[0].url.startswith(again.url)


def test_the_seven_request_quiz_is_a_prediction_set_graded_one_by_one(api):
    quiz = preflight_quiz(api, [("GET", "/api/public", {}), ("DELETE", "/api/items/2", dict(method="DELETE"))],
                          origin=PAGE)
    assert isinstance(quiz, PredictionSet) and len(quiz.predictions) == 2
    assert "preflight or not" in quiz.predictions[0].question
    assert api.url + "/api/public" in quiz.predictions[0].context.value  # the API's URL, never a bare path
    assert quiz.predictions[0].predict("preflight").startswith("Not quite")
    assert quiz.predictions[1].predict("preflight").startswith("Right: preflight.")
    assert "DELETE is not a CORS-safelisted method" in quiz.predictions[1].feedback
    assert quiz.score() == (1, 2)


def test_which_header_the_console_names_comes_from_the_failures_table_and_the_policy_is_put_back(api):
    request = dict(method="PUT", headers={"Content-Type": "application/json", "X-Api-Key": "k"}, body="{}")
    question = failing_header_question(api, "/api/items/1", request, ALLOW_PUT, origin=PAGE)
    before = api.policy
    text = question.predict("Access-Control-Allow-Methods")
    assert text.startswith("Not quite: you said Access-Control-Allow-Methods, it is Access-Control-Allow-Headers.")
    assert "x-api-key is not allowed by Access-Control-Allow-Headers" in text
    assert api.policy is before


def test_401_404_and_a_redirect_fail_with_two_different_sentences(api):
    put = dict(method="PUT", headers={"Content-Type": "application/json"}, body="{}")
    question = same_sentence_question(api, "/api/items/1", put, {
        "401": ALLOW_PUT.copy(preflight_status=401), "404": ALLOW_PUT.copy(preflight_status=404),
        "308": ALLOW_PUT.copy(preflight_status=308, extra_headers=[("Location", "/api/items/1/")])}, origin=PAGE)
    text = question.predict("some the same, some different")
    assert text.startswith("Right")
    assert text.count("It does not have HTTP ok status.") == 2
    assert "Redirect is not allowed for a preflight request." in text
