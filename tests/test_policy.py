"""CorsPolicy is pure: every decision is checked here without a server."""
import pytest

from cors_lab.errors import InputError
from cors_lab.headers import Headers
from cors_lab.policy import CorsPolicy, is_preflight_request

PAGE = "http://localhost:8001"
EVIL = "http://localhost:8666"


def header(headers, name):
    values = [v for k, v in headers if k.lower() == name.lower()]
    assert len(values) <= 1, f"{name} sent {len(values)} times"
    return values[0] if values else None


# (policy, request origin, expected Access-Control-Allow-Origin)
ORIGIN_TABLE = [
    pytest.param(CorsPolicy(allow_origins=[PAGE]), PAGE, PAGE, id="exact-origin-is-echoed"),
    pytest.param(CorsPolicy(allow_origins=[PAGE]), EVIL, None, id="other-origin-gets-nothing"),
    pytest.param(CorsPolicy(allow_origins=f"{PAGE}, http://localhost:8003"), PAGE, PAGE, id="comma-string-list"),
    pytest.param(CorsPolicy(allow_origins="*"), EVIL, "*", id="wildcard"),
    pytest.param(CorsPolicy(allow_origins=lambda o: o.endswith(":8001")), PAGE, PAGE, id="predicate-yes"),
    pytest.param(CorsPolicy(allow_origins=lambda o: o.endswith(":8001")), EVIL, None, id="predicate-no"),
    pytest.param(CorsPolicy(allow_origin_regex=r"http://localhost:800\d$"), PAGE, PAGE, id="anchored-regex"),
    pytest.param(
        CorsPolicy(allow_origin_regex=r"http://localhost:800\d$"), PAGE + ".evil.net", None, id="anchored-regex-refuses"
    ),
    pytest.param(
        CorsPolicy(allow_origin_regex=r"http://localhost:800\d"), PAGE + ".evil.net", PAGE + ".evil.net",
        id="unanchored-regex-accepts-evil-suffix",
    ),
    pytest.param(CorsPolicy(reflect_origin=True), EVIL, EVIL, id="reflect-any-origin"),
    pytest.param(CorsPolicy(allow_origins=["null"]), "null", "null", id="trusting-null"),
    pytest.param(CorsPolicy(always_send_origin="http://localhost:9999"), PAGE, "http://localhost:9999", id="other"),
    pytest.param(CorsPolicy(always_send_origin=PAGE + "/"), PAGE, PAGE + "/", id="trailing-slash"),
    pytest.param(CorsPolicy(always_send_origin=f"{PAGE}, {EVIL}"), PAGE, f"{PAGE}, {EVIL}", id="two-in-one-header"),
    pytest.param(CorsPolicy.none(), PAGE, None, id="no-cors-at-all"),
    pytest.param(CorsPolicy(allow_origins="*"), None, None, id="no-origin-no-headers"),
]


@pytest.mark.parametrize("policy, origin, expected", ORIGIN_TABLE)
def test_allow_origin_header_follows_the_policy(policy, origin, expected):
    assert header(policy.actual_headers(origin), "Access-Control-Allow-Origin") == expected


def test_wildcard_with_credentials_is_sent_as_configured_because_the_lesson_needs_it():
    headers = CorsPolicy(allow_origins="*", allow_credentials=True).actual_headers(PAGE)
    assert header(headers, "Access-Control-Allow-Origin") == "*"
    assert header(headers, "Access-Control-Allow-Credentials") == "true"


def test_reflecting_origin_with_credentials_hands_any_origin_the_cookies():
    headers = CorsPolicy(reflect_origin=True, allow_credentials=True).actual_headers(EVIL)
    assert header(headers, "Access-Control-Allow-Origin") == EVIL
    assert header(headers, "Access-Control-Allow-Credentials") == "true"


def test_vary_origin_is_sent_when_the_answer_depends_on_origin():
    assert header(CorsPolicy(allow_origins=[PAGE]).actual_headers(PAGE), "Vary") == "Origin"
    assert header(CorsPolicy(allow_origins=[PAGE]).actual_headers(EVIL), "Vary") == "Origin"
    assert header(CorsPolicy(allow_origins="*").actual_headers(PAGE), "Vary") is None
    assert header(CorsPolicy(allow_origins=[PAGE], vary_origin=False).actual_headers(PAGE), "Vary") is None


def test_expose_headers_are_listed_only_for_allowed_origins():
    policy = CorsPolicy(allow_origins=[PAGE], expose_headers=["X-Request-Id", "X-RateLimit-Remaining"])
    assert header(policy.actual_headers(PAGE), "Access-Control-Expose-Headers") == "X-Request-Id, X-RateLimit-Remaining"
    assert header(policy.actual_headers(EVIL), "Access-Control-Expose-Headers") is None


def test_error_responses_lose_their_cors_headers_only_when_told_to():
    good = CorsPolicy(allow_origins=[PAGE])
    bad = good.copy(headers_on_errors=False)
    assert header(good.actual_headers(PAGE, status=500), "Access-Control-Allow-Origin") == PAGE
    assert bad.actual_headers(PAGE, status=500) == []
    assert header(bad.actual_headers(PAGE, status=200), "Access-Control-Allow-Origin") == PAGE


# (policy, method, requested headers, expected ACAM, expected ACAH)
PREFLIGHT_TABLE = [
    pytest.param(CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"]), "PUT", "", "GET, PUT", None,
                 id="put-ok"),
    pytest.param(CorsPolicy(allow_origins=[PAGE]), "PUT", "", None, None, id="method-not-allowed-sends-no-acam"),
    pytest.param(
        CorsPolicy(allow_origins=[PAGE], allow_headers=["Content-Type", "X-Api-Key"]), "POST", "x-api-key,content-type",
        "GET, HEAD, POST", "content-type, x-api-key", id="requested-headers-that-are-allowed",
    ),
    pytest.param(
        CorsPolicy(allow_origins=[PAGE], allow_headers=["Content-Type"]), "POST", "content-type,x-api-key",
        "GET, HEAD, POST", "content-type", id="missing-allowed-header",
    ),
    pytest.param(CorsPolicy(allow_origins=[PAGE], allow_headers="*"), "POST", "x-a", "GET, HEAD, POST", "*", id="star"),
    pytest.param(CorsPolicy(allow_origins=[EVIL]), "GET", "", None, None, id="origin-not-allowed-sends-nothing-more"),
]


@pytest.mark.parametrize("policy, method, requested, acam, acah", PREFLIGHT_TABLE)
def test_preflight_answers_methods_and_headers(policy, method, requested, acam, acah):
    status, headers = policy.preflight_response(PAGE, method, requested)
    assert status == 204
    assert header(headers, "Access-Control-Allow-Methods") == acam
    assert header(headers, "Access-Control-Allow-Headers") == acah


def test_preflight_status_and_max_age_are_configurable():
    policy = CorsPolicy(allow_origins=[PAGE], preflight_status=401, max_age=600)
    status, headers = policy.preflight_response(PAGE, "GET")
    assert status == 401
    assert header(headers, "Access-Control-Max-Age") == "600"


def test_disabled_policy_answers_preflight_with_no_cors_headers():
    assert CorsPolicy.none().preflight_response(PAGE, "PUT", "x-a") == (204, [])


def test_repr_shows_only_what_differs_from_the_defaults():
    assert repr(CorsPolicy(allow_origins=[PAGE])) == "CorsPolicy(allow_origins=['http://localhost:8001'])"
    assert repr(CorsPolicy.none()) == "CorsPolicy.none()"


@pytest.mark.parametrize(
    "wrong",
    [
        CorsPolicy(reflect_origin=True),
        CorsPolicy(always_send_origin=PAGE + "/"),
        CorsPolicy(allow_origins="*", allow_credentials=True),
        CorsPolicy(allow_origins=lambda o: True),
        CorsPolicy(allow_origins=[PAGE], headers_on_errors=False),
    ],
)
def test_wrong_policies_do_not_map_to_flask_cors(wrong):
    with pytest.raises(InputError, match="flask-cors cannot express"):  # an InputError is a ValueError too
        wrong.flask_cors_options()


@pytest.mark.parametrize(
    "options, words",
    [
        (dict(preflight_status="ok"), "HTTP status code"),
        (dict(preflight_status=42), "HTTP status code"),
        (dict(allow_origins=["http://localhost:8001\r\nSet-Cookie: x=1"]), "line break"),
        (dict(expose_headers="X-A\nX-B"), "line break"),
        (dict(always_send_origin="http://a\r\n"), "line break"),
    ],
)
def test_values_no_response_can_carry_are_refused_in_one_sentence(options, words):
    with pytest.raises(InputError, match=words) as caught:
        CorsPolicy(**options)
    assert "\n" not in str(caught.value)


ASK = {"Origin": PAGE, "Access-Control-Request-Method": "PUT"}


# (method, request headers, is it a CORS preflight?)
@pytest.mark.parametrize("method, headers, expected", [
    pytest.param("OPTIONS", ASK, True, id="options-with-origin-and-a-method-ask"),
    pytest.param("OPTIONS", {"origin": PAGE, "access-control-request-method": "PUT"}, True, id="names-in-any-case"),
    pytest.param("OPTIONS", {"Origin": "null", "Access-Control-Request-Method": "PUT"}, True, id="from-origin-null"),
    pytest.param("OPTIONS", {"Origin": PAGE}, False, id="a-plain-options-asks-no-method"),
    pytest.param("OPTIONS", {"Access-Control-Request-Method": "PUT"}, False, id="no-origin-is-no-browser"),
    pytest.param("PUT", ASK, False, id="only-options-is-a-preflight"),
    pytest.param("options", ASK, False, id="methods-are-case-sensitive-on-the-wire"),
])
def test_a_preflight_is_options_with_origin_and_access_control_request_method(method, headers, expected):
    assert is_preflight_request(method, Headers(headers)) is expected
