"""Lesson 10's "your FastAPI app": the learner's CORSMiddleware options run in real Starlette, and the exercise check
grades what the browser would do (it can fail in each of its three ways)."""
from __future__ import annotations

import pytest

from cors_lab.course.own_api import check_my_fastapi, middleware_code, start_my_fastapi
from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError

pytest.importorskip("starlette", reason="starlette is not installed")
pytest.importorskip("uvicorn", reason="uvicorn is not installed")

RIGHT = dict(allow_origins=[FRONTEND], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"],
             allow_credentials=True)


def test_the_right_options_pass():
    verdict = check_my_fastapi(RIGHT)
    assert verdict.passed and len(verdict.parts) == 3


def test_starlette_always_allows_content_type():
    """Recorded: Starlette's Access-Control-Allow-Headers always lists Accept, Accept-Language, Content-Language and
    Content-Type, so the JSON PUT passes without allow_headers (the lesson's hints must not say otherwise)."""
    assert check_my_fastapi({key: value for key, value in RIGHT.items() if key != "allow_headers"}).passed


@pytest.mark.parametrize("options, failing", [
    (dict(RIGHT, allow_origins=[FRONTEND + "/"]), "Your frontend reads /api/data"),  # the trailing slash
    (dict(RIGHT, allow_methods=["GET"]), "Your frontend's JSON PUT"),
    (dict(RIGHT, allow_credentials=False), "Your frontend reads /api/data"),
    (dict(RIGHT, allow_origins=["*"]), "An attacker's page cannot read"),  # Starlette echoes any Origin
])
def test_each_mistake_fails_the_check_it_should(options, failing):
    verdict = check_my_fastapi(options)
    assert not verdict.passed and verdict.message.startswith(failing), verdict
    assert verdict.hint


def test_a_misspelt_option_is_one_sentence_and_starts_nothing():
    verdict = check_my_fastapi(dict(allow_orgins=[FRONTEND]))
    assert not verdict.passed and "has no option 'allow_orgins'" in verdict.message
    with pytest.raises(InputError):
        middleware_code(["not", "a", "dict"])


def test_the_app_runs_the_code_it_shows():
    from cors_lab import Browser

    with start_my_fastapi(dict(allow_origins=[FRONTEND])) as api:
        assert f"allow_origins=[{FRONTEND!r}]" in api.config
        assert Browser(FRONTEND).fetch(api.url + "/api/data").readable
        assert Browser("http://localhost:9999").fetch(api.url + "/api/data").blocked
    assert not api.running
