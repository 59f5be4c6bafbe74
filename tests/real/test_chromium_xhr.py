"""The contract of `ChromiumBrowser.xhr`: one deadline, throws reported as results, events, headers as the page
reads them, and the console and network record of that call only.

What Chromium answers is not written here (the agreement tests compare the engine with it); these tests check that
the bridge reports faithfully what happened: the server's log, the raw getAllResponseHeaders() text, the clock.
"""
from __future__ import annotations

import time

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import serve
from cors_lab.browser.result import XhrResult
from cors_lab.errors import InputError
from cors_lab.real.chromium import DEADLINE_MARGIN, ChromiumBrowser, chromium_available, unavailable_reason

pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}")

MARGIN = 1.0  # seconds a call may take past its deadline on a busy machine (the bridge allows itself less)


def app(environ, start_response):
    """/open: readable by any origin, with a header the page may read only once exposed; /closed: no ACAO;
    /echo: says the method, body and Content-Type it received; /slow: answers after 5 s."""
    request = Request(environ)
    allow = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "X-Exposed")]
    if request.path == "/closed":
        return Response("secret", headers=[("X-Exposed", "1")])(environ, start_response)
    if request.path == "/echo":
        facts = f"{request.method}|{request.get_data(as_text=True)}|{request.headers.get('Content-Type', '-')}"
        return Response(facts, headers=allow)(environ, start_response)
    if request.path == "/slow":
        time.sleep(5)
    return Response("hello", headers=allow + [("X-Exposed", "1"), ("X-Hidden", "2")])(environ, start_response)


@pytest.fixture(scope="module")
def api():
    server = serve(app, port=None, name="xhr-contract")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def real(api):
    tab = ChromiumBrowser("http://localhost:8001", timeout=5)
    # Chromium started, with time to spare on a busy machine: its start-up is not what is measured
    assert tab.xhr(api.url + "/open", timeout=30).status == 200
    yield tab
    tab.close()


def test_an_allowed_request_reports_status_text_events_and_the_readable_headers(real, api):
    mark = api.mark()
    result = real.xhr(api.url + "/open")
    assert isinstance(result, XhrResult) and (result.source, result.browser) == ("chromium", "chromium")
    assert (result.blocked, result.type, result.status, result.text) == (False, "cors", 200, "hello")
    assert result.events[0] == "loadstart" and result.events[-1] == "loadend" and "load" in result.events
    assert result.ready_state == 4 and result.upload_events == []
    # the parsed headers are exactly the raw text's lines, with lowercase names
    lines = [line.split(": ", 1) for line in result.all_headers.split("\r\n") if line]
    assert result.headers.lower() == {name.lower(): value for name, value in lines}
    assert all(name == name.lower() for name in result.headers.keys())
    assert result.headers.get("x-exposed") == "1" and "x-hidden" not in result.headers  # exposed vs not
    assert len(api.requests(since=mark)) == 1 and result.exchanges[-1].status == 200


def test_a_blocked_request_is_an_error_event_with_nothing_readable(real, api):
    mark = api.mark()
    result = real.xhr(api.url + "/closed")
    assert result.blocked and result.type == "error" and result.exception is None  # an XHR never throws for CORS
    assert "error" in result.events and "load" not in result.events
    assert (result.status, result.text, result.all_headers, len(result.headers)) == (0, "", "", 0)
    assert result.error is not None and "XMLHttpRequest" in result.error  # the console sentence of this call
    assert len(api.requests(since=mark)) == 1  # it went out: the answer was withheld, not the request


def test_what_open_throws_is_the_exception_and_nothing_is_sent(real, api):
    mark = api.mark()
    result = real.xhr(api.url + "/open", method="TRACE")
    assert result.blocked and result.type == "error" and result.exception
    assert "open" in result.exception and result.events == [] and result.ready_state == 0
    assert api.requests(since=mark) == [] and result.exchanges == []


def test_what_set_request_header_throws_is_the_exception(real, api):
    mark = api.mark()
    result = real.xhr(api.url + "/open", headers=[("Bad Name", "1")])
    assert result.blocked and "setRequestHeader" in result.exception and result.ready_state == 1
    assert api.requests(since=mark) == []


def test_bodies_go_out_as_str_or_bytes_and_headers_as_a_dict_or_pairs(real, api):
    text = real.xhr(api.url + "/echo", "POST", {"Content-Type": "text/plain"}, "caf\u00e9")
    raw = real.xhr(api.url + "/echo", "POST", [("Content-Type", "text/plain")], b"\x63\x61\x66")
    assert text.text.split("|")[:2] == ["POST", "caf\u00e9"]
    assert raw.text.split("|")[:2] == ["POST", "caf"]


def test_an_upload_listener_reports_upload_events(real, api):
    result = real.xhr(api.url + "/echo", "POST", body="x" * 1000, upload_listener=True)
    assert result.upload_events and result.upload_events[0] == "loadstart" and result.upload_events[-1] == "loadend"
    assert real.xhr(api.url + "/echo", "POST", body="x").upload_events == []  # no listener, nothing recorded


def test_a_silent_server_gives_a_timed_out_result_on_time(real, silent_port):
    start = time.monotonic()
    result = real.xhr(f"http://localhost:{silent_port}/x", timeout=1.5)
    elapsed = time.monotonic() - start
    assert result.timed_out and result.blocked and result.type == "error"
    assert 1.4 <= elapsed <= 1.5 + DEADLINE_MARGIN + MARGIN, elapsed
    assert real.xhr(f"http://localhost:{silent_port}/x", timeout=0.5).timed_out  # the tab is still usable


def test_a_slow_answer_is_aborted_at_the_deadline_and_the_next_call_is_clean(real, api):
    slow = real.xhr(api.url + "/slow", timeout=1)
    assert slow.timed_out and slow.blocked
    after = real.xhr(api.url + "/closed")
    # the aborted request leaves nothing in the next call's record
    assert all("/slow" not in x.url for x in after.exchanges)
    assert all("/slow" not in line for line in after.console)


def test_the_console_and_exchanges_are_those_of_the_call(real, api):
    real.xhr(api.url + "/closed")  # a console line, which must not leak into the next result
    clean = real.xhr(api.url + "/open")
    assert clean.error is None and clean.console == [] and [x.url for x in clean.exchanges] == [api.url + "/open"]


def test_fetch_and_xhr_share_the_tab(real, api):
    assert real.fetch(api.url + "/open").text == real.xhr(api.url + "/open").text == "hello"


@pytest.mark.parametrize("timeout", [0, -1, "5", True, float("nan")])
def test_a_timeout_that_is_not_a_duration_is_one_sentence(real, api, timeout):
    with pytest.raises(InputError, match="timeout must be a number of seconds"):
        real.xhr(api.url + "/open", timeout=timeout)
