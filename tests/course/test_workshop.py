"""Each workshop challenge refuses a typical wrong answer (saying why) and accepts a right one."""
import pytest

from cors_lab import CorsPolicy
from cors_lab.course.teaching import FRONTEND
from cors_lab.course.workshop import CHALLENGES, check

F = FRONTEND

WRONG = {
    1: ({"a": False, "b": True, "c": True, "d": False, "e": True}, "pair(s) c"),
    2: (CorsPolicy(allow_origins="*"), "with `*`"),
    3: (CorsPolicy(allow_origins=[F]), "Method PUT is not allowed"),
    4: (CorsPolicy(reflect_origin=True, allow_credentials=True), "attacker"),
    5: (CorsPolicy(allow_origins=[F], allow_headers=["X-Request-Id"]), "JS sees only"),
    6: (CorsPolicy(allow_origins=[F], allow_methods=["DELETE"]), "preflight again"),
    7: (CorsPolicy(allow_origins="*", allow_credentials=True), "wildcard"),
    8: (CorsPolicy(allow_origins=[F, "null"], allow_credentials=True), "null"),
}
RIGHT = {
    1: {"a": False, "b": True, "c": False, "d": False, "e": True},
    2: CorsPolicy(allow_origins=[F]),
    3: CorsPolicy(allow_origins=[F], allow_methods=["PUT"], allow_headers=["content-type"]),
    4: CorsPolicy(allow_origins=[F], allow_credentials=True),
    5: CorsPolicy(allow_origins=[F], expose_headers=["X-Request-Id"]),
    6: CorsPolicy(allow_origins=[F], allow_methods=["DELETE"], max_age=120),
    7: CorsPolicy(allow_origins=[F], allow_credentials=True),
    8: CorsPolicy(allow_origins=[F], allow_credentials=True),
}


def test_there_are_six_to_ten_timed_challenges_with_hints():
    assert 6 <= len(CHALLENGES) <= 10
    assert all(c.minutes > 0 and c.hints and c.common_mistake for c in CHALLENGES)


@pytest.mark.parametrize("number", sorted(WRONG))
def test_a_typical_wrong_answer_is_refused_with_the_reason(number):
    answer, reason = WRONG[number]
    verdict = check(number, answer)
    assert not verdict.passed
    assert reason in verdict.message


@pytest.mark.parametrize("number", sorted(RIGHT))
def test_a_right_answer_passes(number):
    verdict = check(number, RIGHT[number])
    assert verdict.passed, verdict


@pytest.mark.parametrize("answer", [None, "CorsPolicy()", 42])
def test_odd_answers_give_a_sentence_not_a_traceback(answer):
    verdict = check(2, answer)
    assert not verdict.passed and "CorsPolicy" in verdict.message


def test_unknown_challenge_number_is_explained():
    assert "numbered 1 to 8" in check(0, None).message
