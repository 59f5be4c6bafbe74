"""The real-Firefox bridge itself, against real headless Firefox ESR: the contract `ChromiumBrowser` has."""
from __future__ import annotations

import asyncio
import threading

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import Browser, serve
from cors_lab.errors import FirefoxNotFoundError, InputError
from cors_lab.headers import Headers
from cors_lab.real.firefox import NETWORK_ERROR, FirefoxBrowser, firefox_available, reason_code, unavailable_reason

pytestmark = pytest.mark.skipif(not firefox_available(), reason=f"real Firefox not available: {unavailable_reason()}")

PAGE = "http://localhost:8001"


@Request.application
def api(request: Request) -> Response:
    origin = request.headers.get("Origin", PAGE)
    allow = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    if request.method == "OPTIONS":
        return Response("", 204, headers=allow + [("Access-Control-Allow-Methods", "PUT"),
                                                  ("Access-Control-Allow-Headers", "X-Custom")])
    if request.path == "/echo":
        return Response(request.get_data().hex(), 200, headers=allow)
    if request.path == "/closed":
        return Response("secret", 200)
    if request.path == "/two-cookies":
        return Response("ok", 200, headers=allow + [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    return Response(f"cookie={request.headers.get('Cookie', '-')}", 200, headers=allow + [("X-Hidden", "1")])


@pytest.fixture(scope="module")
def server():
    srv = serve(api, port=None, name="firefox-bridge-test")
    yield srv
    srv.stop()


@pytest.fixture
def browser():
    b = FirefoxBrowser(PAGE)
    yield b
    b.close()


def test_a_get_allowed_by_acao_is_readable(server, browser):
    r = browser.fetch(server.url + "/open")
    assert (r.blocked, r.type, r.status, r.text) == (False, "cors", 200, "cookie=-")
    assert (r.source, r.browser, r.error, r.reason_code) == ("firefox", "firefox", None, None)
    assert "x-hidden" not in r.headers and r.headers["content-type"].startswith("text/plain")
    assert server.log[-1].origin == PAGE
    assert browser.version and browser.version.split(".")[0].isdigit()


def test_a_get_without_acao_is_blocked_with_firefoxs_console_sentence_and_reason_code(server, browser):
    r = browser.fetch(server.url + "/closed")
    assert r.blocked and r.type == "error" and r.status == 0 and r.text == ""
    assert r.exception == NETWORK_ERROR == "TypeError: NetworkError when attempting to fetch resource."
    assert r.error == ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
                       f"{server.url}/closed. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). "
                       "Status code: 200.")
    assert r.reason_code == "CORSMissingAllowOrigin"
    assert r.console == [r.error]
    assert (r.source, r.browser) == ("firefox", "firefox")


def test_reason_codes_are_console_categories_without_firefoxs_version_digit():
    assert reason_code("CORSMissingAllowOrigin2") == "CORSMissingAllowOrigin"
    assert reason_code("CORSDidNotSucceed") == "CORSDidNotSucceed"
    assert reason_code("HTTPSFirst") is None and reason_code(None) is None


def test_a_failed_preflight_gives_its_reason_first_and_every_message_in_console(server, browser):
    r = browser.fetch(server.url + "/p", method="PUT", headers={"X-Other": "1"})
    assert r.blocked and r.preflight
    assert r.reason_code == "CORSMissingAllowHeaderFromPreflight"
    assert "(Reason: header ‘x-other’ is not allowed according to header ‘Access-Control-Allow-Headers’" in r.error
    assert r.console[0] == r.error and len(r.console) == 2  # then: "CORS request did not succeed"
    assert "(Reason: CORS request did not succeed)" in r.console[1]


def test_a_cookie_goes_out_only_with_credentials_include(server, browser):
    assert browser.set_cookie(server.url + "/", "sid=abc; SameSite=Lax") is True
    assert browser.fetch(server.url + "/a").text == "cookie=-"
    r = browser.fetch(server.url + "/b", credentials="include")
    assert r.text == "cookie=sid=abc"
    assert r.exchanges[-1].cookies_sent and server.log[-1].headers.get("Cookie") == "sid=abc"
    assert r.exchanges[-1].request_headers["cookie"] == "sid=abc"  # the request head as written on the wire


def test_set_cookie_says_when_firefox_refuses_the_cookie(server, browser):
    assert browser.set_cookie(server.url + "/", "x=1; SameSite=None") is False  # None needs Secure


def test_every_set_cookie_line_is_kept(server, browser):
    r = browser.fetch(server.url + "/two-cookies", credentials="include")
    assert r.exchanges[-1].set_cookies == ["a=1", "b=2"]


def test_clear_cookies_keeps_cached_preflights_and_clear_forgets_both(server, browser):
    assert browser.set_cookie(server.url + "/", "sid=1")
    first = browser.fetch(server.url + "/c", method="PUT", headers={"X-Custom": "1"}, credentials="include")
    assert first.preflight and first.text == "cookie=sid=1"
    browser.clear_cookies()
    r = browser.fetch(server.url + "/c", method="PUT", headers={"X-Custom": "1"}, credentials="include")
    assert not r.preflight and r.text == "cookie=-"
    assert browser.set_cookie(server.url + "/", "sid=2")
    browser.clear()
    r = browser.fetch(server.url + "/c", method="PUT", headers={"X-Custom": "1"}, credentials="include")
    assert r.preflight and r.text == "cookie=-"


def test_a_preflight_is_seen_and_recorded_before_the_actual_request(server, browser):
    server.clear_log()
    r = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"})
    assert not r.blocked and r.preflight
    assert [(x.kind, x.method, x.status) for x in r.exchanges] == [("preflight", "OPTIONS", 204),
                                                                   ("actual", "PUT", 200)]
    assert r.exchanges[0].request_headers["access-control-request-headers"] == "x-custom"
    assert r.exchanges[0].origin_sent == PAGE
    assert [e.method for e in server.log] == ["OPTIONS", "PUT"]
    again = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"})
    assert not again.preflight and [e.method for e in server.log] == ["OPTIONS", "PUT", "PUT"]


def test_a_request_refused_before_sending_reaches_no_server(server, browser):
    server.clear_log()
    r = browser.fetch(server.url + "/x", method="TRACE")
    assert r.blocked
    assert r.exception == "TypeError: Window.fetch: Invalid request method TRACE."
    assert r.error is None and r.reason_code is None and r.exchanges == [] and server.log == []


def test_a_bytes_body_arrives_byte_for_byte(server, browser):
    assert browser.fetch(server.url + "/echo", method="POST", body=b"\x00\xff\xe9").text == "00ffe9"


def test_it_works_where_an_asyncio_loop_is_running_as_in_jupyter(server, browser):
    async def in_a_coroutine():
        return browser.fetch(server.url + "/open")

    assert asyncio.run(in_a_coroutine()).status == 200
    box = {}

    def other_thread_with_a_loop():
        box["r"] = asyncio.run(in_a_coroutine())

    t = threading.Thread(target=other_thread_with_a_loop)
    t.start()
    t.join(60)
    assert box["r"].status == 200


def test_calls_from_several_threads_at_once_each_get_their_own_answer(server):
    with FirefoxBrowser(PAGE) as a, FirefoxBrowser(PAGE) as b:
        a.set_cookie(server.url + "/", "sid=a")
        b.set_cookie(server.url + "/", "sid=b")
        answers: dict[int, list[str]] = {}

        def calls(i: int, tab: FirefoxBrowser):
            answers[i] = [tab.fetch(server.url + f"/t{i}", credentials="include").text for _ in range(5)]

        threads = [threading.Thread(target=calls, args=(i, tab)) for i, tab in enumerate((a, b, a, b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert answers == {0: ["cookie=sid=a"] * 5, 1: ["cookie=sid=b"] * 5, 2: ["cookie=sid=a"] * 5,
                           3: ["cookie=sid=b"] * 5}


def test_each_firefox_browser_has_its_own_cookies(server):
    with FirefoxBrowser(PAGE) as a, FirefoxBrowser(PAGE) as b:
        a.set_cookie(server.url + "/", "sid=a")
        assert a.fetch(server.url + "/x", credentials="include").text == "cookie=sid=a"
        assert b.fetch(server.url + "/x", credentials="include").text == "cookie=-"


def test_a_stand_in_page_behaves_like_a_page_really_served_at_the_origin(server):
    page_srv = serve(Request.application(lambda req: Response("<!doctype html><link rel=icon href='data:,'>",
                                                              content_type="text/html")), port=None)
    try:
        origin = page_srv.url
        calls = [dict(url=server.url + "/closed"), dict(url=server.url + "/open"),
                 dict(url=server.url + "/p", method="PUT", headers={"X-Custom": "1"}),
                 dict(url=server.url + "/p", method="DELETE"), dict(url=origin + "/same"),
                 dict(url=server.url + "/closed", mode="no-cors")]
        with FirefoxBrowser(origin) as routed, FirefoxBrowser(origin, page_url=origin + "/page",
                                                              route_page=False) as served:
            for call in calls:
                a, b = routed.fetch(**call).comparable(), served.fetch(**call).comparable()
                a["headers"].pop("date", None), b["headers"].pop("date", None)
                assert a == b, call
    finally:
        page_srv.stop()


def test_the_stand_in_page_is_answered_inside_firefox_and_later_requests_reach_the_real_server(server):
    origin = server.url  # a server listens at the page's own origin
    with FirefoxBrowser(origin) as real:
        server.clear_log()
        r = real.fetch(origin + "/same")
        assert (r.type, r.text) == ("basic", "cookie=-")
        assert [e.path for e in server.log] == ["/same"]  # the page itself never reached the server


@pytest.mark.parametrize("origin", ["https://shop.example.com", "http://192.168.1.10:8001",
                                    "http://shop.example.com.evil.net", "http://127.0.0.2:8001",
                                    "http://shop.localhost:8001"])
def test_a_page_on_any_origin_works_without_a_connection_there(server, origin):
    with FirefoxBrowser(origin) as real:
        r = real.fetch(server.url + "/open")
    assert (r.status, server.log[-1].origin) == (200, origin)


def test_a_page_on_a_port_firefox_blocks_is_one_clear_input_error(server):
    with FirefoxBrowser("http://localhost:6000") as real:
        with pytest.raises(InputError, match="Firefox refuses every connection to port 6000"):
            real.fetch(server.url + "/open")


def test_an_invalid_page_origin_is_one_clear_value_error():
    with pytest.raises(InputError, match="'localhost:8001' is not an origin"):
        FirefoxBrowser("localhost:8001")


@pytest.mark.parametrize("origin", ["http://localhost:8001", "HTTP://LOCALHOST:8001/", "https://shop.localhost",
                                    "http://127.0.0.1:80", "http://[::1]:8002"])
def test_the_page_origin_is_read_by_the_engines_origin_parser(origin):
    real, model = FirefoxBrowser(origin), Browser(origin, browser="firefox")
    assert real.origin == model.origin and real.page_url == model.page_url
    assert repr(real) == f"<FirefoxBrowser page {model.origin.serialize()}>"


@pytest.mark.parametrize("page_url", ["http://localhost:8002/", "http://localhost:8001.evil.net/", "not a url:"])
def test_a_page_url_on_another_origin_is_refused(page_url):
    with pytest.raises(InputError, match="is not on origin http://localhost:8001"):
        FirefoxBrowser(PAGE, page_url=page_url)


def test_exchanges_and_results_hold_headers_found_in_any_case(server, browser):
    r = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"}, credentials="include")
    actual = r.exchanges[-1]
    assert isinstance(actual.response_headers, Headers) and isinstance(r.headers, Headers)
    received = actual.response_headers
    assert received["Access-Control-Allow-Origin"] == received["access-control-allow-origin"] == PAGE
    assert actual.request_headers["ORIGIN"] == PAGE
    assert all(name == name.lower() for name in actual.response_headers)
    assert all(name == name.lower() for name in actual.request_headers)


def test_xhr_blocked_fires_error_and_gives_the_console_sentence(server, browser):
    r = browser.xhr(server.url + "/closed")
    assert (r.blocked, r.status, r.events, r.ready_state) == (True, 0, ["loadstart", "error", "loadend"], 4)
    assert r.reason_code == "CORSMissingAllowOrigin" and r.error.startswith("Cross-Origin Request Blocked:")
    assert r.exception is None and (r.source, r.browser) == ("firefox", "firefox")


def test_xhr_allowed_reads_its_headers_raw_and_parsed(server, browser):
    r = browser.xhr(server.url + "/open", with_credentials=True)
    assert (r.blocked, r.type, r.status, r.text) == (False, "cors", 200, "cookie=-")
    assert r.events == ["loadstart", "progress", "load", "loadend"]
    assert "content-type: text/plain" in r.all_headers.lower()
    assert r.headers["content-type"].startswith("text/plain") and "x-hidden" not in r.headers
    assert all(name == name.lower() for name in r.headers)


def test_xhr_upload_listener_makes_a_body_need_a_preflight(server, browser):
    plain = browser.xhr(server.url + "/u1", method="POST", body="hi")
    listened = browser.xhr(server.url + "/u2", method="POST", body="hi", upload_listener=True)
    assert not plain.preflight and listened.preflight
    assert listened.upload_events and listened.upload_events[0] == "loadstart"


def test_xhr_what_open_throws_is_the_exception(server, browser):
    server.clear_log()
    r = browser.xhr(server.url + "/x", method="TRACE")
    assert r.blocked and r.exception and r.exception.startswith("SecurityError")
    assert r.events == [] and server.log == []


def test_a_missing_firefox_is_reported_in_one_line_with_how_to_install(monkeypatch):
    monkeypatch.setenv("CORS_LAB_FIREFOX", "/nonexistent/firefox")
    assert not firefox_available()
    assert "apt-get install firefox-esr" in unavailable_reason()
    with pytest.raises(FirefoxNotFoundError, match="apt-get install firefox-esr"):
        FirefoxBrowser(PAGE).fetch("http://localhost:1/")


def test_a_firefox_result_explains_itself():
    from cors_lab.server.apps import api_app

    with serve(api_app()) as api:
        text = FirefoxBrowser(origin="http://localhost:8001").fetch(api.url + "/api/public").explain()
    assert "from page http://localhost:8001" in text and "NetworkError" in text
