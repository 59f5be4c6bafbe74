"""Hostile servers, one row each: whatever a server sends, Browser.fetch returns a result -- never an exception, never
a wait past its deadline -- and the result is the one Chromium 156 gives (the same answers are scenarios in
tests/support/scenarios.py, section 14, where real Chromium confirms them).

A raw-socket server on 127.0.0.1 (support/hostile_server.py, any free port) plays each row's bytes. Deadlines here are
a second or two, so nothing waits long.
"""
from __future__ import annotations

import gzip
import socket
import time

import pytest
from support.hostile_server import RawServer
from support.scenarios import Raw, Reply, Scenario, answer

from cors_lab import Browser
from cors_lab.browser.failures import FAILED_TO_FETCH
from cors_lab.errors import InputError

PAGE = "http://localhost:8001"
A = b"Access-Control-Allow-Origin: http://localhost:8001\r\n"
AC = A + b"Access-Control-Allow-Credentials: true\r\n"
EXPOSE = b"Access-Control-Expose-Headers: *\r\n"
OK = answer(b"HTTP/1.1 200 OK", A)
PUT_OK = Reply(204, (("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PUT")), "")


def redirect(location: bytes, *lines: bytes) -> Raw:
    return Raw((answer(b"HTTP/1.1 302 Found", A, *lines, b"Location: " + location + b"\r\n", body=b""),))


def cookie(value: bytes) -> bytes:
    return answer(b"HTTP/1.1 200 OK", AC, b"Set-Cookie: " + value + b"\r\n")


#: row id -> (what /d answers (bytes, parts, or a route table), fetch() options, what the result must show)
ROWS = {
    # status lines
    "an answer that is not HTTP is a network error": (b"HELLO WORLD\r\n\r\n", {}, {"failure": "invalid_response"}),
    "an empty answer is a network error": (b"", {}, {"failure": "invalid_response"}),
    "a status code of letters reads as 200": (answer(b"HTTP/1.1 abc OK", A), {}, {"status": 200, "text": "ok"}),
    "status 70000 reads as 4464, sixteen bits": (answer(b"HTTP/1.1 70000 X", A), {}, {"status": 4464}),
    "HTTP/2 in an HTTP/1 status line is accepted": (answer(b"HTTP/2 200 OK", A), {}, {"status": 200}),
    "a Shoutcast answer is HTTP/0.9, without headers": (answer(b"ICY 200 OK", A), {},
                                                         {"failure": "missing_allow_origin"}),
    # informational answers
    "103 Early Hints before the answer is skipped": (b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + OK, {},
                                                     {"status": 200, "text": "ok",
                                                      "step": "informational-response"}),
    "100 Continue then 101 then the answer": (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 X\r\n\r\n" + OK, {},
                                              {"status": 200}),
    "100 Continue and then nothing is an empty answer": (b"HTTP/1.1 100 Continue\r\n\r\n", {},
                                                          {"failure": "invalid_response"}),
    # header blocks
    "three hundred headers are fine": (answer(b"HTTP/1.1 200 OK", A, EXPOSE,
                                              *(b"X-H%d: %d\r\n" % (i, i) for i in range(300))), {},
                                       {"header": ("x-h299", "299")}),
    "a header line of 100 KB is fine": (answer(b"HTTP/1.1 200 OK", A, EXPOSE, b"X-Long: " + b"a" * 100_000 + b"\r\n"),
                                        {}, {"status": 200}),
    "headers over 256 KiB are a network error": (answer(b"HTTP/1.1 200 OK", A, b"X-Long: " + b"a" * 262_144 + b"\r\n"),
                                                 {}, {"failure": "invalid_response"}),
    "a NUL byte in a header is a network error": (answer(b"HTTP/1.1 200 OK", A, b"X-Nul: a\x00b\r\n"), {},
                                                  {"failure": "invalid_response"}),
    "a folded header is joined with one space": (answer(b"HTTP/1.1 200 OK", A, EXPOSE, b"X-Fold: a\r\n   b\r\n"), {},
                                                 {"header": ("x-fold", "a b")}),
    "a line without a colon is skipped": (answer(b"HTTP/1.1 200 OK", A, EXPOSE, b"garbage\r\nX-Ok: 1\r\n"), {},
                                          {"header": ("x-ok", "1")}),
    "bytes above 0x7F in a value read as Latin-1": (answer(b"HTTP/1.1 200 OK", A, EXPOSE, b"X-Name: caf\xc3\xa9\r\n"),
                                                    {}, {"header": ("x-name", "caf\u00c3\u00a9")}),
    "a non-ASCII Access-Control-Allow-Origin is quoted with \\u escapes": (
        answer(b"HTTP/1.1 200 OK", b"Access-Control-Allow-Origin: http://localhost:8001\xc3\xa9\r\n"), {},
        {"failure": "invalid_allow_origin", "error_ends": "'http://localhost:8001\\u00C3\\u00A9'. Have the server "
                                                          "send the header with a valid value."}),
    "two different Content-Length values are a network error": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 2\r\nContent-Length: 3\r\n", body=b"ok!", length=False), {},
        {"failure": "invalid_response"}),
    # bodies
    "a body cut short: fetch() resolves and text() rejects": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 100\r\n", body=b"only ten!!", length=False), {},
        {"blocked": False, "status": 200, "text": "", "exception": FAILED_TO_FETCH, "failure": "invalid_response"}),
    "a chunked body cut short: text() rejects": (
        answer(b"HTTP/1.1 200 OK", A, b"Transfer-Encoding: chunked\r\n", body=b"5\r\nhello\r\n5\r\nwor", length=False),
        {}, {"blocked": False, "exception": FAILED_TO_FETCH}),
    "a body cut short in no-cors: the opaque answer shows nothing": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 100\r\n", body=b"xx", length=False), {"mode": "no-cors"},
        {"blocked": False, "type": "opaque", "exception": None}),
    "a gzip body is decoded": (answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n",
                                      body=gzip.compress(b"zipped!")), {}, {"text": "zipped!"}),
    "a body that does not decode as its Content-Encoding: text() rejects": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n"), {}, {"blocked": False,
                                                                           "exception": FAILED_TO_FETCH}),
    "a gzip body that inflates past 64 MiB is cut off by the engine's own cap (Chromium has none)": (
        answer(b"HTTP/1.1 200 OK", A, b"Content-Encoding: gzip\r\n", body=gzip.compress(b"\0" * (65 << 20))), {},
        {"blocked": False, "exception": FAILED_TO_FETCH, "failure": "invalid_response"}),
    # Location
    "an unparsable Location is a network error, not an exception": ({"/d": redirect(b"http://[::1/x")}, {},
                                                                     {"failure": "invalid_redirect_location"}),
    "a Location with a port out of range is a network error in every redirect mode": (
        {"/d": redirect(b"http://x:99999/")}, {"redirect": "manual"}, {"failure": "invalid_redirect_location"}),
    "a Location's UTF-8 bytes are percent-escaped as they came": (
        {"/d": redirect(b"/s/{id}/caf\xc3\xa9"), "/caf%C3%A9": Reply(200, (("Access-Control-Allow-Origin", PAGE),))},
        {}, {"last_url_ends": "/caf%C3%A9", "status": 200}),
    "two different Location headers are a network error": (
        {"/d": redirect(b"/a", b"Location: /b\r\n")}, {}, {"failure": "invalid_response"}),
    "a redirect to a data: URL is refused without a console sentence": (
        {"/d": redirect(b"data:,hi")}, {}, {"failure": "unsafe_redirect", "error": None}),
    # absurd values
    "a Max-Age of 400 digits keeps the cookie": (cookie(b"a=1; Max-Age=" + b"9" * 400), {"credentials": "include"},
                                                 {"cookie": "a=1"}),
    "a Max-Age of minus 400 digits deletes the cookie": (cookie(b"a=1; Max-Age=-" + b"9" * 400),
                                                         {"credentials": "include"}, {"cookie": None}),
    "a Max-Age of 5000 digits is ignored": (cookie(b"a=1; Max-Age=-" + b"9" * 5000), {"credentials": "include"},
                                            {"cookie": "a=1"}),
    "a cookie over 4096 bytes is refused": (cookie(b"a=" + b"v" * 4096), {"credentials": "include"}, {"cookie": None}),
    "an Access-Control-Max-Age of 5000 digits is the default five seconds": (
        {"OPTIONS /d": Raw((answer(b"HTTP/1.1 204 No Content", A, b"Access-Control-Allow-Methods: PUT\r\n"
                                   b"Access-Control-Max-Age: " + b"9" * 5000 + b"\r\n", body=b""),)),
         "/d": Raw((OK,))}, {"method": "PUT"}, {"status": 200, "max_age": 5}),
    # hosts and ports
    "a host written as one number is 127.0.0.1": ({"/d": Raw((answer(b"HTTP/1.1 200 OK"),))},
                                                  {"url": "http://2130706433:{port}/s/{id}/d"},
                                                  {"failure": "missing_allow_origin",
                                                   "error_starts": "Access to fetch at 'http://127.0.0.1:"}),
    "a host written 0x7f.1 is 127.0.0.1": ({"/d": Raw((OK,))}, {"url": "http://0x7f.1:{port}/s/{id}/d"},
                                           {"status": 200, "first_url_starts": "http://127.0.0.1:"}),
    "a numeric host over 32 bits is an invalid URL": ({}, {"url": "http://4294967296:{port}/s/{id}/d"},
                                                      {"failure": "invalid_url"}),
    "a port Chromium refuses is never connected": ({}, {"url": "http://localhost:6000/x"},
                                                   {"failure": "unsafe_port", "exchanges": 0}),
    "a PUT to a refused port starts its preflight and sends nothing": (
        {}, {"url": "http://localhost:6667/x", "method": "PUT"}, {"failure": "unsafe_port", "exchanges": 0,
                                                                  "preflight": True}),
}


def _sid(name: str) -> str:
    return "row" + str(list(ROWS).index(name))


def _routes(sid: str, reply) -> dict:
    if isinstance(reply, dict):
        return {path: Raw(tuple(p.replace(b"{id}", sid.encode()) for p in r.parts)) if isinstance(r, Raw) else r
                for path, r in reply.items()}
    return {"/d": Raw(reply if isinstance(reply, tuple) else (reply,)), "OPTIONS /d": PUT_OK}


@pytest.fixture(scope="module")
def raw():
    scenarios = [Scenario(_sid(name), "hostile", name, (), _routes(_sid(name), reply))
                 for name, (reply, _, _) in ROWS.items()]
    scenarios.append(Scenario("slow", "hostile", "slow", (), {}))
    server = RawServer(scenarios, {"page": PAGE})
    yield server
    server.listener.close()


def _fetch(raw, name: str, tab: Browser | None = None):
    _, options, _ = ROWS[name]
    base = f"http://localhost:{raw.port}"
    options = dict(options)
    url = options.pop("url", base + "/s/{id}/d").replace("{port}", str(raw.port)).replace("{id}", _sid(name))
    return (tab or Browser(PAGE, timeout=5)).fetch(url, **options)


@pytest.mark.parametrize("name", ROWS)
def test_a_hostile_answer_gives_what_chromium_gives(raw, name):
    tab = Browser(PAGE, timeout=5)
    result, elapsed = _timed(lambda: _fetch(raw, name, tab))
    assert elapsed < 5
    expected = ROWS[name][2]
    assert result.blocked is expected.get("blocked", "failure" in expected), result.explain()
    for key, wanted in expected.items():
        observed = OBSERVED[key](result, tab, wanted) if key in OBSERVED else getattr(result, key)
        assert observed == wanted, (key, result.explain())


#: how a row's expectation is read off the result (default: the result's attribute of that name)
OBSERVED = {
    "failure": lambda result, tab, wanted: result.failure.kind if result.failure else None,
    "step": lambda result, tab, wanted: wanted if any(step.kind == wanted for step in result.steps) else None,
    "header": lambda result, tab, wanted: (wanted[0], result.headers.get(wanted[0])),
    "error_starts": lambda result, tab, wanted: (result.error or "")[:len(wanted)],
    "error_ends": lambda result, tab, wanted: (result.error or "")[-len(wanted):],
    "last_url_ends": lambda result, tab, wanted: result.exchanges[-1].url[-len(wanted):],
    "first_url_starts": lambda result, tab, wanted: result.exchanges[0].url[:len(wanted)],
    "cookie": lambda result, tab, wanted: tab.cookies.header_for(result.exchanges[0].url),
    "max_age": lambda result, tab, wanted: next(iter(tab.preflight_cache.entries.values())).max_age,
    "exchanges": lambda result, tab, wanted: len(result.exchanges),
}


# ---- one deadline per call -------------------------------------------------------------------------------------------
TRICKLE = (answer(b"HTTP/1.1 200 OK", A, b"Content-Length: 100\r\n", body=b"", length=False),
           *(part for _ in range(100) for part in (b"x", 0.25)))  # a byte every quarter second: 25 s in all


@pytest.fixture
def slow(raw):
    """Put routes on the "slow" scenario of the raw server; returns its base URL."""
    routes = raw.by_id["slow"].routes
    routes.clear()
    yield routes, f"http://localhost:{raw.port}/s/slow"
    routes.clear()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_body_that_trickles_stops_at_the_deadline_and_says_it_timed_out(slow):
    routes, base = slow
    routes["/d"] = Raw(TRICKLE)
    result, elapsed = _timed(lambda: Browser(PAGE, timeout=1).fetch(base + "/d"))
    assert 1 <= elapsed < 1.3
    assert (result.blocked, result.timed_out, result.exception, result.error) == (True, True, FAILED_TO_FETCH, None)
    assert result.failure.kind == "timed_out" and result.exchanges[0].status == 200
    assert "TIMED OUT: no complete answer within 1 s" in result.explain()


def test_slow_redirect_hops_share_one_deadline(slow):
    routes, base = slow
    for hop in (1, 2, 3):
        routes[f"/r{hop}"] = Raw((0.5, answer(b"HTTP/1.1 302 Found", A, b"Location: /s/slow/r%d\r\n" % (hop + 1),
                                             body=b"")))
    routes["/r4"] = Raw((OK,))
    result, elapsed = _timed(lambda: Browser(PAGE).fetch(base + "/r1", timeout=1.2))
    assert elapsed < 1.5 and result.timed_out
    assert [exchange.kind for exchange in result.exchanges] == ["redirect", "redirect", "actual"]


def test_headers_that_never_come_stop_at_the_deadline(slow):
    routes, base = slow
    routes["/d"] = Raw((), hold=20)
    result, elapsed = _timed(lambda: Browser(PAGE, timeout=0.5).fetch(base + "/d"))
    assert elapsed < 0.8 and result.timed_out and result.exchanges[0].status == 0


def test_a_slow_preflight_counts_against_the_same_deadline(slow):
    routes, base = slow
    routes["OPTIONS /d"] = Raw((3.0, answer(b"HTTP/1.1 204 No Content", A, b"Access-Control-Allow-Methods: PUT\r\n",
                                            body=b"")))
    result, elapsed = _timed(lambda: Browser(PAGE, timeout=0.6).fetch(base + "/d", method="PUT"))
    assert elapsed < 0.9 and result.timed_out and result.preflight
    assert [exchange.kind for exchange in result.exchanges] == ["preflight"]


def test_a_blocked_answer_does_not_wait_for_its_body(slow):
    routes, base = slow
    routes["/d"] = Raw((answer(b"HTTP/1.1 200 OK", b"Content-Length: 100\r\n", body=b"xx", length=False),), hold=10)
    result, elapsed = _timed(lambda: Browser(PAGE, timeout=3).fetch(base + "/d"))
    assert elapsed < 1 and not result.timed_out and result.failure.kind == "missing_allow_origin"


def test_a_resolver_that_hangs_costs_no_more_than_the_deadline(monkeypatch):
    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if host == "hangs.example":
            time.sleep(3)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    result, elapsed = _timed(lambda: Browser(PAGE).fetch("http://hangs.example/", mode="no-cors", timeout=0.5))
    assert elapsed < 0.8 and result.timed_out and result.failure.kind == "timed_out"


def test_the_browser_timeout_is_the_default_and_one_call_may_set_its_own(slow):
    routes, base = slow
    routes["/d"] = Raw(TRICKLE)
    tab = Browser(PAGE, timeout=0.4)
    first, short = _timed(lambda: tab.fetch(base + "/d"))
    second, longer = _timed(lambda: tab.fetch(base + "/d", timeout=0.8))
    assert first.timed_out and second.timed_out and short < 0.7 <= longer < 1.1
    assert (first.request["timeout"], second.request["timeout"]) == (0.4, 0.8)


@pytest.mark.parametrize("timeout", [0, -1, True, "1", float("nan"), float("inf"), None])
def test_a_timeout_must_be_a_positive_number_of_seconds(timeout):
    with pytest.raises(InputError, match="timeout must be a positive number"):
        if timeout is None:
            Browser(PAGE, timeout=timeout)
        else:
            Browser(PAGE).fetch("http://localhost:2/", timeout=timeout)
