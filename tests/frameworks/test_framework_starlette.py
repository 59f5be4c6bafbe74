"""Starlette's CORSMiddleware (FastAPI's too), generated from a policy, run by uvicorn: the browser's verdicts match
the policy's, except where Starlette answers a refused preflight with 400 (the sentence becomes "It does not have
HTTP ok status"); real Chromium confirms that sentence."""
from __future__ import annotations

import pytest
from framework_requests import (  # noqa: F401  (the shared tests and fixture, collected here)
    NOT_OK,
    POLICY,
    REQUESTS,
    fetch,
    live_frameworks,
    test_every_difference_from_the_policy_is_said_in_the_configurations_notes,
    test_real_chromium_agrees_with_the_engine_against_the_framework,
    test_the_framework_gives_the_browser_the_policys_verdict,
    without_port,
)

NAME = "starlette"
EXPECTED = {"disallowed-header": {"error": NOT_OK}, "disallowed-method": {"error": NOT_OK},
            "public-preflighted-put": {"preflight's Max-Age": "5"}}  # Starlette always sends one: 5 s, as browsers
NOTES_SAY = ["a refused one with 400", "It does not have HTTP ok status", "ServerErrorMiddleware"]


def needs():
    pytest.importorskip("starlette", reason="starlette is not installed (pip install starlette uvicorn)")
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install uvicorn)")


def test_real_chromium_says_it_does_not_have_http_ok_status_for_starlettes_400(request):
    from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

    if not chromium_available():
        pytest.skip(f"real Chromium not available: {unavailable_reason()}")
    _, lives = request.getfixturevalue("live_frameworks")
    case = next(case for case in REQUESTS if case.id == "disallowed-header")
    real = ChromiumBrowser(case.origin)
    try:
        result = real.fetch(lives["policy"].url + case.path, method=case.method, headers=case.headers,
                            body=case.body)
    finally:
        real.close()
    assert result.blocked and without_port(result.error) == NOT_OK
    assert without_port(fetch(lives["policy"].url, case).error) == NOT_OK


def test_starlette_refuses_to_write_star_with_credentials():
    from cors_lab import InputError
    from cors_lab.frameworks import framework_config

    with pytest.raises(InputError, match="request's own Origin"):
        framework_config(POLICY.copy(allow_origins="*"), "fastapi")
