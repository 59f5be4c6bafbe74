"""The checks of part 2 (lessons 06-09) refuse the broken configurations the lessons start from, and the
developer-tool simulations really change what Chromium does."""
import pytest

from cors_lab import CorsPolicy, serve
from cors_lab.course.fix_exercises import (
    DEVTOOLS_QUIZ,
    FRONTEND,
    check_cors_proxy,
    check_devtools_quiz,
    check_origin_grants,
    check_private_api,
)
from cors_lab.real.chromium import chromium_available
from cors_lab.server.apps import api_app
from cors_lab.server.proxy import cors_proxy


@pytest.mark.parametrize(
    "policy, reason",
    [
        (CorsPolicy.none(), "cannot read /api/private"),
        (CorsPolicy(reflect_origin=True, allow_credentials=True), "attacker"),
        (CorsPolicy(allow_origins="*", allow_credentials=True), "cannot read /api/private"),
        (CorsPolicy(allow_origins=[FRONTEND]), "cannot read /api/private"),
    ],
)
def test_private_api_check_refuses_broken_policies(policy, reason):
    api = serve(api_app(policy))
    verdict = check_private_api(api.url, public_for_everyone=False)
    assert not verdict and reason in verdict.message


def test_private_api_check_accepts_an_exact_allowlist_with_credentials():
    api = serve(api_app(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)))
    assert check_private_api(api.url, public_for_everyone=False)


def test_private_api_check_wants_public_data_public_when_asked():
    api = serve(api_app(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)))
    verdict = check_private_api(api.url, public_for_everyone=True)
    assert not verdict and "/api/public should be readable" in verdict.message


def test_private_api_check_replays_the_null_origin_redirect_trick_when_given_the_attackers_redirector():
    redirector = serve(api_app(CorsPolicy(reflect_origin=True, allow_credentials=True)))
    trusting_null = serve(api_app(CorsPolicy(allow_origins=[FRONTEND, "null"], allow_credentials=True)))
    assert check_private_api(trusting_null.url, public_for_everyone=False)  # the attacker's own page is blocked...
    verdict = check_private_api(trusting_null.url, public_for_everyone=False, redirector=redirector.url)
    assert not verdict and "Origin: null" in verdict.message  # ...but not after a redirect
    assert trusting_null.last_request(path="/api/private").origin == "null"
    fixed = serve(api_app(CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)))
    assert check_private_api(fixed.url, public_for_everyone=False, redirector=redirector.url)


def test_cors_proxy_check_refuses_a_proxy_that_forwards_to_internal_services():
    api, internal = serve(api_app()), serve(api_app())
    leaky = serve(cors_proxy(allow_upstreams=[api.origin, internal.origin], allow_origins=[FRONTEND]))
    verdict = check_cors_proxy(leaky, api.url, internal.url)
    assert not verdict and "internal service" in verdict.message
    assert internal.count(path="/api/public") == 1  # the check's probe did reach it: that is what it detected


def test_cors_proxy_check_refuses_a_proxy_open_to_every_page():
    api, internal = serve(api_app()), serve(api_app())
    open_to_all = serve(cors_proxy(allow_upstreams=[api.origin], allow_origins="*"))
    verdict = check_cors_proxy(open_to_all, api.url, internal.url)
    assert not verdict and "attacker's page can use your proxy" in verdict.message


def test_origin_grants_check_refuses_an_unanchored_regex_and_accepts_an_anchored_one():
    loose = serve(api_app(CorsPolicy(allow_origin_regex=r"http://.*\.example\.com", allow_credentials=True)))
    tight = serve(api_app(CorsPolicy(allow_origin_regex=r"http://[a-z]+\.example\.com$", allow_credentials=True)))
    args = dict(allowed=["http://shop.example.com"], refused=["http://shop.example.com.evil.net"])
    assert check_origin_grants(loose.url + "/api/private", **args).passed is False
    assert check_origin_grants(tight.url + "/api/private", **args).passed is True


def test_devtools_quiz_needs_every_answer_and_spots_a_wrong_one():
    assert "Answer True or False" in check_devtools_quiz({}).message
    wrong = {**DEVTOOLS_QUIZ, "install an Allow-CORS extension": True}
    verdict = check_devtools_quiz(wrong)
    assert not verdict and "Allow-CORS extension" in verdict.message
    assert check_devtools_quiz(dict(DEVTOOLS_QUIZ))
    assert not check_devtools_quiz(None)  # a sentence, not an AttributeError


@pytest.mark.skipif(not chromium_available(), reason="Chromium not found: sudo apt-get install chromium")
def test_an_allow_cors_extension_unblocks_chromium_without_touching_the_server():
    from cors_lab.real.chromium import ChromiumBrowser
    from cors_lab.real.devtools import fetch_with_extension

    api = serve(api_app())
    assert ChromiumBrowser(origin=FRONTEND).fetch(api.url + "/api/public").blocked
    unblocked = fetch_with_extension(FRONTEND, api.url + "/api/public")
    assert not unblocked.blocked and "Hello from the API" in unblocked.text
    assert api.last_request().response_header("Access-Control-Allow-Origin") is None
    with_cookies = fetch_with_extension(FRONTEND, api.url + "/api/private", credentials="include")
    assert with_cookies.blocked and "wildcard '*'" in with_cookies.error
