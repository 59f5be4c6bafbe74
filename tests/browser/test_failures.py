"""The failures table: Chromium's sentences as recorded, every row complete, and one fix per failure.

The last tests drive every blocked scenario of tests/support/scenarios.py (and the calls new Request() rejects)
through the engine and check that ``result.explain()`` and ``diagnose(result.error or result.exception)`` give the
same fix, and that every row of the table is produced by some case or says why it cannot be.
"""
from __future__ import annotations

import string

import pytest
from support.scenarios import SCENARIOS, run

from cors_lab import Browser, serve
from cors_lab.browser.failures import CORS_KINDS, FAILED_TO_FETCH, FAILURES, SECTIONS, cors_sentence, failure
from cors_lab.browser.result import StepKind
from cors_lab.doctor import diagnose

URL, PAGE = "http://localhost:9002/a1", "http://localhost:9001"
HEAD = f"Access to fetch at '{URL}' from origin '{PAGE}' has been blocked by CORS policy: "
TE = "TypeError: Failed to execute 'fetch' on 'Window': "


# ---- the sentences, as Chromium 156 printed them ----------------------------------------------------------------
@pytest.mark.parametrize("kind, hint, preflight, tail", [
    ("missing_allow_origin", "", False, "No 'Access-Control-Allow-Origin' header is present on the requested "
                                        "resource."),
    ("missing_allow_origin", "", True, "Response to preflight request doesn't pass access control check: No "
                                       "'Access-Control-Allow-Origin' header is present on the requested resource."),
    ("allow_origin_mismatch", "http://localhost:9003", False, "The 'Access-Control-Allow-Origin' header has a value "
     "'http://localhost:9003' that is not equal to the supplied origin. Have the server send the header with a valid "
     "value."),
    ("multiple_allow_origin", "a, b", False, "The 'Access-Control-Allow-Origin' header contains multiple values "
     "'a, b', but only one is allowed. Have the server send the header with a valid value."),
    ("invalid_allow_credentials", "", True, "Response to preflight request doesn't pass access control check: The "
     "value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the "
     "request's credentials mode is 'include'."),
    ("method_not_allowed", "PUT", True, "Method PUT is not allowed by Access-Control-Allow-Methods in preflight "
                                        "response."),
    ("header_not_allowed", "x-bar", True, "Request header field x-bar is not allowed by Access-Control-Allow-Headers "
                                          "in preflight response."),
    ("preflight_status", "", True, "Response to preflight request doesn't pass access control check: It does not "
                                   "have HTTP ok status."),
])
def test_cors_sentences_match_what_chromium_printed(kind, hint, preflight, tail):
    assert cors_sentence(kind, URL, PAGE, hint, preflight) == HEAD + tail


def test_a_redirected_fetch_names_both_urls():
    s = cors_sentence("missing_allow_origin", "http://localhost:9003/x", PAGE, initial_url="http://localhost:9002/r")
    assert s.startswith("Access to fetch at 'http://localhost:9003/x' (redirected from 'http://localhost:9002/r') "
                        "from origin")


def test_type_errors_match_chromium():
    assert failure("forbidden_method").sentence(method="trace") == TE + "'trace' HTTP method is unsupported."
    assert failure("bad_enum").sentence(member="mode", value="bogus", idl_type="RequestMode") == (
        TE + "Failed to read the 'mode' property from 'RequestInit': The provided value 'bogus' is not a valid enum "
        "value of type RequestMode.")


def test_a_failure_without_a_sentence_says_so():
    with pytest.raises(ValueError, match="no sentence"):
        failure("network_error").sentence()
    with pytest.raises(KeyError, match="known"):
        failure("no_such_kind")


# ---- every row is complete -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("row", FAILURES.values(), ids=lambda row: row.kind)
def test_every_row_has_every_required_field(row):
    assert row.section in SECTIONS
    assert row.short and row.meaning and row.fix  # the words every view shows
    assert row.meaning_for() and row.fix_for()
    for template in (row.short, row.meaning, row.fix):  # filled only from what a sentence (or the frame) carries
        assert _fields(template) <= FILL_VALUES | set(row.fields), template
    if row.section in ("cors", "refused", "request"):
        assert row.chromium, "a failure the console or JavaScript names needs Chromium's words"
    if row.section == "silent":
        assert row.chromium is None
    if row.section == "request":  # fetch() rejects with a TypeError; XHR's open(), setRequestHeader() throw
        assert row.chromium.startswith(("SyntaxError: ", "SecurityError: ") if row.kind.startswith("xhr_")
                                       else ("TypeError: ",))
    for column in ("header", "mdn", "firefox", "firefox_reason", "xhr"):  # room for every browser and API
        assert hasattr(row, column)
    assert row.mdn is None or row.mdn.startswith("CORS")
    assert not (row.on_preflight and row.section != "cors")


FILL_VALUES = {"url", "origin", "initial_url", "hint", "server", "request_origin", "acao", "on", "responses"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_table_is_the_docs():
    import cors_lab.browser.failures as module

    assert all(f"``{kind}``" in module.__doc__ for kind in FAILURES)


# ---- one fix per failure: the engine's explain() and the doctor agree ----------------------------------------------
REJECTED_CALLS = [  # what new Request() refuses, one call per TypeError (nothing is sent, no server needed)
    ("http://", {}), ("http://u:p@localhost:9/x", {}), ("http://localhost:9/x", {"method": "TRACE"}),
    ("http://localhost:9/x", {"method": "GE T"}), ("http://localhost:9/x", {"method": "put", "mode": "no-cors"}),
    ("http://localhost:9/x", {"headers": {"X Foo": "1"}}), ("http://localhost:9/x", {"headers": {"X-Foo": "a\nb"}}),
    ("http://localhost:9/x", {"headers": {"X-Foo": "\u0100"}}), ("http://localhost:9/x", {"body": "x"}),
    ("http://localhost:9/x", {"mode": "navigate"}), ("http://localhost:9/x", {"credentials": "includes"}),
    ("http://localhost:9/x", {"redirect": "bogus"}),
    ("data:hi", {}),  # a data: URL the processor rejects: a network error
    ("http://localhost:1/x", {}),  # port 1 (tcpmux) is one Chromium refuses: nothing is sent
    ("http://localhost:2/x", {}),  # nothing listens: a network error
]

XHR_CALLS = [  # what XMLHttpRequest's open() and setRequestHeader() throw on, one call per exception
    ("http://localhost:9/x", {"method": "GE T"}), ("http://localhost:9/x", {"method": "TRACE"}), ("http://", {}),
    ("http://localhost:9/x", {"headers": {"Bad Name": "1"}}), ("http://localhost:9/x", {"headers": {"X-A": "a\nb"}}),
]

#: the kinds no case here produces, and why
NOT_REACHABLE = {

    "failed_to_fetch": "the doctor's answer to 'TypeError: Failed to fetch' alone; the engine always knows more",
    "network_line": "the doctor's answer to a console net::ERR_ line; the engine records no console network lines",
    "unknown": "the doctor's answer to a text it does not know",
    # a console warning is no failure: the call goes on, the result's error carries it; the real-browser tables
    # (tests/real/test_*_agreement.py) check each one's words against the browser that writes it
    **{row.kind: "a console warning, not a failure" for row in FAILURES.values() if row.section == "warning"},
}


@pytest.fixture(scope="module")
def redirector():
    """Redirects no scenario has: to a Location the URL parser rejects, and to a URL with a password.

    A bare WSGI app, as Flask would refuse to send a Location with a port out of range."""
    locations = {"/bad": "http://x:99999/", "/userinfo": "http://u:p@localhost:9/x"}

    def app(environ, start_response):
        start_response("302 Found", [("Location", locations[environ["PATH_INFO"]]),
                                     ("Access-Control-Allow-Origin", "*"), ("Content-Length", "0")])
        return [b""]

    with serve(app, port=None, name="failures-redirector") as server:
        yield server


@pytest.fixture(scope="module")
def engine_results(scenario_servers, redirector):
    """What the engine gives for every call of every scenario, and for the calls above."""
    urls, _ = scenario_servers
    results = [result for scenario in SCENARIOS for result in run(scenario, Browser, urls)]
    extra = [Browser("http://localhost:8001").fetch(url, **options) for url, options in REJECTED_CALLS]
    extra += [Browser("http://localhost:8001").xhr(url, **options) for url, options in XHR_CALLS]
    extra += [Browser("http://localhost:8001").fetch(redirector.url + "/bad"),
              Browser("http://localhost:8001").fetch(redirector.url + "/userinfo", mode="no-cors")]
    assert all(result.blocked for result in extra)
    return results + extra


@pytest.fixture(scope="module")
def engine_failures(engine_results):
    return [result for result in engine_results if result.blocked]


def test_explain_and_diagnose_give_the_same_fix_for_every_failure_the_engine_produces(engine_failures):
    for result in engine_failures:
        step = result.failed_step
        assert step is not None and step.failure in FAILURES, result.explain()
        assert f"fix:  {step.fix}" in result.explain()
        diagnosis = diagnose(result.error or result.exception)
        if result.error is None and result.exception == FAILED_TO_FETCH:
            # no sentence names the reason (a network error, or a CORS rule outside mode 'cors'): JavaScript and the
            # doctor see only "Failed to fetch", and the doctor points to the console; explain() knows more
            assert diagnosis.kind == "failed_to_fetch", result.explain()
            assert FAILURES[step.failure].section in ("silent", "cors"), step.failure
            assert step.fix == FAILURES[step.failure].fix_for(), "a failure without a sentence has one fixed fix"
            continue
        assert diagnosis.kind == step.failure, (diagnosis.kind, result.explain())
        assert diagnosis.fix == step.fix, result.explain()


def test_every_kind_in_the_table_is_produced_or_said_to_be_unreachable(engine_failures):
    produced = {result.failed_step.failure for result in engine_failures}
    assert produced | set(NOT_REACHABLE) == set(FAILURES), sorted(set(FAILURES) - produced - set(NOT_REACHABLE))
    assert not produced & set(NOT_REACHABLE)


def test_every_failed_step_has_a_stable_kind(engine_failures):
    kinds = {result.failed_step.kind for result in engine_failures}
    assert kinds <= set(StepKind) and StepKind.NOTE not in kinds
    assert {StepKind.REQUEST_REJECTED, StepKind.CORS_CHECK, StepKind.PREFLIGHT_CHECK, StepKind.NETWORK_ERROR} <= kinds


def test_every_step_the_engine_writes_has_a_stable_kind_and_every_kind_is_used(engine_results):
    kinds = [step.kind for result in engine_results for step in result.steps]
    assert all(isinstance(kind, StepKind) for kind in kinds)
    assert set(kinds) == set(StepKind) - {StepKind.NOTE}, set(StepKind) - set(kinds)


def test_a_failed_step_names_its_failure_and_a_passed_one_does_not(engine_results):
    for result in engine_results:
        for step in result.steps:
            assert (step.failure is not None) == (step.passed is False), (step, result.explain())


def test_a_result_names_its_failure_row(engine_failures):
    for result in engine_failures:
        assert result.failure is FAILURES[result.failed_step.failure]
    assert set(CORS_KINDS) <= {result.failure.kind for result in engine_failures}
