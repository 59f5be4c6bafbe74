"""The table of requests every generated framework configuration is verified with, and the comparison.

Each request goes through the engine twice: once to the real framework running the generated configuration, once
to a lab server answering with the policy itself (the demo app, `cors_lab.server.flask_policy`). The verdicts must
match: blocked or not, the status, the console sentence (with the URL's port left out), whether the exposed header
is readable, and the CORS header values that decide (Access-Control-Allow-Origin and -Credentials on the answer,
Access-Control-Max-Age on the preflight). Where a framework answers differently by design, the difference is a row
of ``expected`` below (what the framework's console sentence is instead), and the generator's notes must say so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from cors_lab import Browser, CorsPolicy, serve
from cors_lab.frameworks.flask_cors import demo_app

PAGE = "http://localhost:8001"
EVIL = "http://localhost:9999"
JSON = {"Content-Type": "application/json"}

#: the policy every framework is verified with: exact origin, credentials, a preflighted PUT, an exposed header
POLICY = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"],
                    expose_headers=["X-Request-Id"], allow_credentials=True, max_age=600)
#: public data: * without credentials, no max-age (the browser's default, 5 s in Chromium)
PUBLIC = CorsPolicy(allow_origins="*", allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])
#: origins by a regex, matched as the policy (and flask-cors, django-cors-headers) do: re.match, start-anchored
REGEX = CorsPolicy(allow_origin_regex=r"http://localhost", expose_headers=["X-Request-Id"])


@dataclass(frozen=True)
class Request:
    id: str
    policy: CorsPolicy
    path: str = "/api/data"
    method: str = "GET"
    origin: str = PAGE
    headers: dict = field(default_factory=dict)
    body: str | None = None
    credentials: str = "same-origin"


REQUESTS = [
    Request("simple-get", POLICY),
    Request("preflighted-put-with-json", POLICY, "/api/items/1", "PUT", headers=JSON, body='{"name": "pen"}'),
    Request("credentials-included", POLICY, credentials="include"),
    Request("credentials-preflighted-delete", POLICY, "/api/items/1", "DELETE", credentials="include"),
    Request("disallowed-origin", POLICY, origin=EVIL),
    Request("disallowed-origin-preflight", POLICY, "/api/items/1", "PUT", origin=EVIL, headers=JSON, body="{}"),
    Request("disallowed-header", POLICY, "/api/items/1", "PUT", headers={**JSON, "X-Api-Key": "k"}, body="{}"),
    Request("disallowed-method", POLICY, "/api/items/1", "PATCH", headers=JSON, body="{}"),
    Request("public-simple-get", PUBLIC),
    Request("public-preflighted-put", PUBLIC, "/api/items/1", "PUT", headers=JSON, body="{}"),
    Request("public-with-credentials-is-refused", PUBLIC, credentials="include"),
    # a regex anchored at the start only (re.match): it also matches a longer origin, in every framework alike
    Request("regex-allowed-origin", REGEX, origin="http://localhost:8003"),
    Request("regex-matches-a-longer-origin-too", REGEX, origin="http://localhost.evil.net:8001"),
    Request("regex-disallowed-origin", REGEX, origin="http://127.0.0.1:8001"),
]
POLICIES = {"policy": POLICY, "public": PUBLIC, "regex": REGEX}


def policy_name(policy: CorsPolicy) -> str:
    return next(name for name, known in POLICIES.items() if known is policy)


def fetch(base_url: str, request: Request):
    return Browser(request.origin).fetch(base_url + request.path, method=request.method, headers=request.headers,
                                         body=request.body, credentials=request.credentials)


def without_port(text: str | None) -> str | None:
    return None if text is None else re.sub(r"http://localhost:\d+/", "http://localhost:PORT/", text)


def _exchange(result, kind: str):
    return next((exchange for exchange in result.exchanges if exchange.kind == kind), None)


def verdict(result) -> dict:
    """What decides, for one fetch: the engine's verdict and the CORS header values the browser read."""
    preflight, actual = _exchange(result, "preflight"), _exchange(result, "actual")
    origin_allowed = actual is not None and "Access-Control-Allow-Origin" in actual.response_headers
    return {
        "blocked": result.blocked,
        "status": result.status,
        "error": without_port(result.error),
        "preflight": result.preflight,
        "exposed header readable": "x-request-id" in result.headers,
        "answer's Allow-Origin": actual and actual.response_headers.get("Access-Control-Allow-Origin"),
        # read by the browser only next to an Allow-Origin; Max-Age only from a preflight that passed
        "answer's Allow-Credentials": origin_allowed
        and actual.response_headers.get("Access-Control-Allow-Credentials"),
        "preflight's Max-Age": bool(preflight and actual) and preflight.response_headers.get("Access-Control-Max-Age"),
        "preflight's Allow-Origin": preflight and preflight.response_headers.get("Access-Control-Allow-Origin"),
    }


class LabServers:
    """One lab server per policy, answering the demo app's routes with the policy itself (the reference)."""

    def __init__(self):
        self.servers = {name: serve(demo_app("lab-" + name), port=None, name=f"frameworks-lab-{name}",
                                    policy=policy) for name, policy in POLICIES.items()}
        self.cache: dict[str, dict] = {}

    def verdict(self, request: Request) -> dict:
        if request.id not in self.cache:
            self.cache[request.id] = verdict(fetch(self.servers[policy_name(request.policy)].url, request))
        return self.cache[request.id]

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


def differences(framework_verdict: dict, lab_verdict: dict, expected: dict) -> dict:
    """The fields where the framework differs from the policy, minus the differences ``expected`` documents."""
    return {key: (framework_verdict[key], lab_verdict[key]) for key in lab_verdict
            if framework_verdict[key] != expected.get(key, lab_verdict[key])}


NOT_OK = ("Access to fetch at 'http://localhost:PORT/api/items/1' from origin 'http://localhost:8001' has been "
          "blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not "
          "have HTTP ok status.")


# ---- the tests every framework module imports (pytest collects them there; NAME and EXPECTED are the module's) ----


@pytest.fixture(scope="module")
def live_frameworks(request):
    """The module's framework running the generated configuration of each policy, and the reference lab servers."""
    from cors_lab.errors import ServerError
    from cors_lab.frameworks import start_framework

    module = request.module
    module.needs()
    labs = LabServers()
    lives = {}
    try:
        for name, policy in POLICIES.items():
            try:
                lives[name] = start_framework(policy, module.NAME)
            except ServerError as exc:
                if "npm" in str(exc) or "not installed" in str(exc) or "node" in str(exc):
                    pytest.skip(str(exc))
                raise
        yield labs, lives
    finally:
        for live in lives.values():
            live.stop()
        labs.stop()


@pytest.mark.parametrize("case", REQUESTS, ids=[case.id for case in REQUESTS])
def test_the_framework_gives_the_browser_the_policys_verdict(live_frameworks, case, request):
    labs, lives = live_frameworks
    framework_verdict = verdict(fetch(lives[policy_name(case.policy)].url, case))
    expected = request.module.EXPECTED.get(case.id, {})
    found = differences(framework_verdict, labs.verdict(case), expected)
    assert found == {}, f"{request.module.NAME} (first) and the policy (second) differ: {found}"
    for key, value in expected.items():  # a documented difference that went away is stale: say so
        assert framework_verdict[key] == value, f"{key}: {framework_verdict[key]!r} is no longer {value!r}"


def test_real_chromium_agrees_with_the_engine_against_the_framework(live_frameworks, request):
    """The engine's verdicts above are the browser's: real Chromium, the same requests, the same framework."""
    from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

    if not chromium_available():
        pytest.skip(f"real Chromium not available: {unavailable_reason()}")
    _, lives = live_frameworks
    tabs: dict = {}
    disagreements = {}
    try:
        for case in REQUESTS:
            tab = tabs.get(case.origin) or tabs.setdefault(case.origin, ChromiumBrowser(case.origin))
            url = lives[policy_name(case.policy)].url + case.path
            real = tab.fetch(url, method=case.method, headers=case.headers, body=case.body,
                             credentials=case.credentials)
            engine = fetch(lives[policy_name(case.policy)].url, case)
            seen = [(result.blocked, result.status, result.error, "x-request-id" in result.headers)
                    for result in (engine, real)]
            if seen[0] != seen[1]:
                disagreements[case.id] = seen
    finally:
        for tab in tabs.values():
            tab.close()
    assert disagreements == {}, f"the engine (first) and real Chromium (second) differ: {disagreements}"


def test_every_difference_from_the_policy_is_said_in_the_configurations_notes(request):
    from cors_lab.frameworks import framework_config

    module = request.module
    notes = " ".join(framework_config(POLICY, module.NAME).notes)
    for words in module.NOTES_SAY:
        assert words in notes
