"""Each exercise check of notebooks 01-05 refuses wrong answers (with a hint) and accepts a right one.

The checks run live requests through the browser engine against fresh servers on free ports."""
import pytest
import requests

from cors_lab import CorsPolicy, serve
from cors_lab.course.exercises import (
    ATTACKER,
    FRONTEND,
    SAME_ORIGIN_QUIZ,
    check_credentials_policy,
    check_error_status_policy,
    check_exposed_headers_policy,
    check_forged_origin,
    check_preflight_policy,
    check_same_origin_answers,
    same_origin_answer,
)
from cors_lab.course.teaching import PORTS
from cors_lab.server.apps import api_app


# ---- 01 ---------------------------------------------------------------------------------------------
def test_same_origin_quiz_accepts_the_engines_answers_and_refuses_one_flipped_answer():
    right = {url: same_origin_answer(url) for url in SAME_ORIGIN_QUIZ}
    assert check_same_origin_answers(right)
    flipped = dict(right, **{SAME_ORIGIN_QUIZ[3]: not right[SAME_ORIGIN_QUIZ[3]]})
    verdict = check_same_origin_answers(flipped)
    assert not verdict and SAME_ORIGIN_QUIZ[3] in verdict.message and "scheme, host and port" in verdict.hint


def test_same_origin_quiz_has_both_kinds_of_answer_and_knows_the_tricky_ones():
    answers = {url: same_origin_answer(url) for url in SAME_ORIGIN_QUIZ}
    page, api = PORTS["page"], PORTS["api"]
    assert answers[f"http://localhost:{page}/admin?page=2#top"] and answers[f"http://LOCALHOST:{page}/"]
    assert answers[f"http://localhost:{page}/api/data"]
    assert not answers[f"https://localhost:{page}/"] and not answers[f"http://127.0.0.1:{page}/"]
    assert not answers[f"http://localhost:{api}/api/data"] and not answers["http://localhost/"]


def test_same_origin_quiz_names_the_first_unanswered_url():
    verdict = check_same_origin_answers({url: None for url in SAME_ORIGIN_QUIZ})
    assert not verdict and SAME_ORIGIN_QUIZ[0] in verdict.message


def test_forged_origin_check_needs_a_request_claiming_the_attackers_origin():
    api = serve(api_app(), port=None, name="api")
    requests.get(api.url + "/api/public", timeout=5)
    assert not check_forged_origin(api, None)
    data = requests.get(api.url + "/api/public", headers={"Origin": ATTACKER}, timeout=5).json()
    assert not check_forged_origin(api, None)
    assert check_forged_origin(api, data)


# ---- 02 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("policy, says", [
    (None, "None"),
    (CorsPolicy.none(), "cannot read /api/public"),
    (CorsPolicy(allow_origins=[FRONTEND], headers_on_errors=False), "404"),
    (CorsPolicy(allow_origins="*"), "attacker"),
    (CorsPolicy(reflect_origin=True), "attacker"),
])
def test_error_status_check_refuses_wrong_policies(policy, says):
    verdict = check_error_status_policy(policy)
    assert not verdict and says in verdict.message


def test_error_status_check_accepts_the_frontend_only_with_headers_on_errors():
    verdict = check_error_status_policy(CorsPolicy(allow_origins=[FRONTEND]))
    assert verdict, verdict


def test_error_status_check_refuses_a_dict_in_a_sentence():
    verdict = check_error_status_policy({"allow_origins": [FRONTEND]})
    assert not verdict and "CorsPolicy" in verdict.message and "dict" in verdict.message


# ---- 03 ---------------------------------------------------------------------------------------------
RIGHT_PREFLIGHT = CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "PUT"],
                             allow_headers=["Content-Type", "X-Api-Key"], max_age=600)


@pytest.mark.parametrize("change, says", [
    (dict(allow_methods=["GET", "POST"]), "Access-Control-Allow-Methods"),
    (dict(allow_headers=["Content-Type"]), "x-api-key"),
    (dict(preflight_status=401), "HTTP ok status"),
    (dict(max_age=None), "5 s"),
    (dict(max_age=0), "second PUT"),
    (dict(max_age=60), "less than 10 minutes"),
    (dict(allow_origins="*"), "attacker"),
])
def test_preflight_check_refuses_each_missing_piece(change, says):
    verdict = check_preflight_policy(RIGHT_PREFLIGHT.copy(**change))
    assert not verdict and says in verdict.message


def test_preflight_check_accepts_methods_headers_and_ten_minutes_of_cache():
    verdict = check_preflight_policy(RIGHT_PREFLIGHT)
    assert verdict, verdict


# ---- 04 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("policy, says", [
    (CorsPolicy(allow_origins=[FRONTEND]), "Access-Control-Allow-Credentials"),
    (CorsPolicy(allow_origins="*", allow_credentials=True), "wildcard"),
    (CorsPolicy(reflect_origin=True, allow_credentials=True), "attacker"),
    (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True, vary_origin=False), "Vary: Origin"),
])
def test_credentials_check_refuses_wrong_policies(policy, says):
    verdict = check_credentials_policy(policy)
    assert not verdict and says in verdict.message


def test_credentials_check_accepts_the_frontend_with_credentials():
    verdict = check_credentials_policy(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True))
    assert verdict, verdict


# ---- 05 ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("policy, says", [
    (CorsPolicy(allow_origins=[FRONTEND]), "blocked"),
    (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True), "x-request-id"),
    (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True, expose_headers="*"), "literally"),
    (CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True, expose_headers=["X-Request-Id"]),
     "x-ratelimit-remaining"),
    (CorsPolicy(reflect_origin=True, allow_credentials=True, expose_headers=["X-Request-Id", "X-RateLimit-Remaining"]),
     "attacker"),
])
def test_exposed_headers_check_refuses_wrong_policies(policy, says):
    verdict = check_exposed_headers_policy(policy)
    assert not verdict and says in verdict.message


def test_exposed_headers_check_accepts_the_two_names_with_credentials():
    policy = CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True,
                        expose_headers=["X-Request-Id", "X-RateLimit-Remaining"])
    verdict = check_exposed_headers_policy(policy)
    assert verdict, verdict
