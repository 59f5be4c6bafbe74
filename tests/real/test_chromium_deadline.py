"""One overall deadline per `ChromiumBrowser.fetch`: a slow server, a silent server, slow redirect hops or a stuck
worker give a timed-out result on time, never a hang and never an exception.

Every test measures the wall time of the call: the promise is ``timeout`` seconds plus `MARGIN`, whatever Chromium,
the server or the worker thread does meanwhile.
"""
from __future__ import annotations

import threading
import time

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import serve
from cors_lab.errors import InputError
from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}")

PAGE = "http://localhost:8001"
MARGIN = 1.0  # seconds a call may take past its deadline (the bridge itself allows itself less)
TIMEOUT = 1.5
ALLOW = [("Access-Control-Allow-Origin", "*")]


class Trickle:
    """A WSGI app: /drip answers 200 at once, then one byte of body per second; /hop/N redirects to /hop/N-1 after
    half a second (/hop/0 answers 200). `closed` is set when the client stops reading the drip."""

    def __init__(self):
        self.closed = threading.Event()
        self.stop = threading.Event()  # ends every drip, so no server thread outlives its test

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/drip":
            start_response("200 OK", ALLOW + [("Content-Type", "text/plain")])
            return self.drip()
        if request.path.startswith("/hop/"):
            hops = int(request.path.rsplit("/", 1)[1])
            time.sleep(0.5)
            if hops == 0:
                return Response("arrived", headers=ALLOW)(environ, start_response)
            return Response("", 302, headers=ALLOW + [("Location", f"/hop/{hops - 1}")])(environ, start_response)
        return Response("ok", headers=ALLOW)(environ, start_response)

    def drip(self):
        try:
            for _ in range(30):
                yield b"x"
                if self.stop.wait(1.0):
                    return
        finally:  # the generator is closed when writing fails: the client has gone
            self.closed.set()


@pytest.fixture
def trickle():
    app = Trickle()
    server = serve(app, port=None, name="trickle")
    yield app, server
    app.stop.set()
    server.stop()


@pytest.fixture
def browser(trickle):
    _, server = trickle
    real = ChromiumBrowser(PAGE, timeout=TIMEOUT)
    # Chromium started, with time to spare on a busy machine: its start-up is not what is measured
    assert real.fetch(server.url + "/ok", timeout=30).text == "ok"
    yield real
    real.close()


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def assert_timed_out(result, timeout):
    assert result.blocked and result.type == "error" and result.status == 0
    assert result.exception == "TypeError: Failed to fetch"
    assert getattr(result, "timed_out", False) is True
    assert result.request["timeout"] == timeout


def test_a_body_that_trickles_one_byte_a_second_times_out_on_time(trickle, browser):
    app, server = trickle
    result, elapsed = timed(lambda: browser.fetch(server.url + "/drip"))
    assert elapsed < TIMEOUT + MARGIN
    assert_timed_out(result, TIMEOUT)
    assert [x.status for x in result.exchanges] == [200]  # the answer began: its headers are on the exchange
    assert app.closed.wait(3), "Chromium kept reading the trickle after the deadline"


def test_a_server_that_never_answers_times_out_on_time(silent_port, browser):
    result, elapsed = timed(lambda: browser.fetch(f"http://localhost:{silent_port}/"))
    assert elapsed < TIMEOUT + MARGIN
    assert_timed_out(result, TIMEOUT)
    assert result.error is None  # a page waiting for an answer sees no console sentence


def test_slow_redirect_hops_share_one_deadline(trickle, browser):
    _, server = trickle
    result, elapsed = timed(lambda: browser.fetch(server.url + "/hop/5"))  # 6 answers of 0.5 s each: 3 s
    assert elapsed < TIMEOUT + MARGIN
    assert_timed_out(result, TIMEOUT)


def test_a_timeout_given_to_fetch_overrides_the_browsers(silent_port, browser):
    result, elapsed = timed(lambda: browser.fetch(f"http://localhost:{silent_port}/", timeout=0.5))
    assert elapsed < 0.5 + MARGIN
    assert_timed_out(result, 0.5)


def test_a_fast_answer_is_not_marked_timed_out(trickle, browser):
    _, server = trickle
    result = browser.fetch(server.url + "/ok")
    assert not result.blocked and getattr(result, "timed_out", None) is False


def test_after_a_timeout_the_tab_answers_the_next_call_with_its_own_exchanges(trickle, silent_port, browser):
    _, server = trickle
    assert_timed_out(browser.fetch(f"http://localhost:{silent_port}/"), TIMEOUT)
    result = browser.fetch(server.url + "/ok")
    assert (result.blocked, result.text) == (False, "ok")
    assert [x.url for x in result.exchanges] == [server.url + "/ok"]


def test_a_stuck_worker_still_gives_a_timed_out_result_on_time(trickle, browser):
    _, server = trickle
    gate = threading.Event()
    blocker = threading.Thread(target=lambda: browser._worker.call(lambda b: gate.wait(20), timeout=30))
    blocker.start()
    box = {}
    caller = threading.Thread(target=lambda: box.update(r=timed(lambda: browser.fetch(server.url + "/ok"))))
    try:
        time.sleep(0.2)  # the blocking job is running on the worker
        caller.start()
        caller.join(TIMEOUT + MARGIN)
        assert not caller.is_alive(), "fetch() waited on a stuck worker past its deadline"
        result, elapsed = box["r"]
        assert elapsed < TIMEOUT + MARGIN
        assert_timed_out(result, TIMEOUT)
    finally:
        gate.set()
        blocker.join(5)
        caller.join(40)
    assert browser.fetch(server.url + "/ok").text == "ok"  # the worker is free again: calls work as before


def test_a_page_that_never_loads_counts_against_the_deadline(silent_port):
    origin = f"http://localhost:{silent_port}"
    with ChromiumBrowser(origin, page_url=origin + "/app", route_page=False, timeout=TIMEOUT) as real:
        real._worker.call(lambda b: None, timeout=30)  # Chromium started: its start-up is not what is measured
        contexts = real._worker.call(lambda b: len(b.contexts), timeout=5)
        result, elapsed = timed(lambda: real.fetch(origin + "/api"))
        assert elapsed < TIMEOUT + MARGIN
        assert_timed_out(result, TIMEOUT)
        # the half-made tab was closed, not left behind
        assert real._worker.call(lambda b: len(b.contexts), timeout=5) == contexts


@pytest.mark.parametrize("timeout", [0, -1, True, "10", float("nan"), float("inf"), None])
def test_a_timeout_is_a_number_of_seconds_above_zero(timeout):
    with pytest.raises(InputError, match="timeout must be a number of seconds above 0"):
        ChromiumBrowser(PAGE, timeout=timeout)
    if timeout is not None:  # None in fetch() means the browser's own timeout
        with pytest.raises(InputError, match="timeout must be a number of seconds above 0"):
            ChromiumBrowser(PAGE).fetch("http://localhost:8002/", timeout=timeout)


def test_a_timeout_longer_than_the_pages_timer_can_hold_still_waits_for_the_answer(trickle):
    _, server = trickle
    with ChromiumBrowser(PAGE, timeout=1e9) as patient:  # setTimeout overflows past 2**31 - 1 ms and fires at once
        result = patient.fetch(server.url + "/ok")
    assert (result.blocked, result.text, result.timed_out) == (False, "ok", False)
