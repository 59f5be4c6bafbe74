"""The real-Chromium bridge itself, against real headless Chromium."""
from __future__ import annotations

import asyncio
import threading

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import Browser, serve
from cors_lab.errors import ChromiumNotFoundError, InputError
from cors_lab.headers import Headers
from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}")

PAGE = "http://localhost:8001"


@Request.application
def api(request: Request) -> Response:
    allow = [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "true")]
    if request.method == "OPTIONS":
        return Response("", 204, headers=allow + [("Access-Control-Allow-Methods", "PUT"),
                                                  ("Access-Control-Allow-Headers", "X-Custom")])
    if request.path == "/echo":
        return Response(request.get_data().hex(), 200, headers=allow)
    if request.path == "/closed":
        return Response("secret", 200)
    return Response(f"cookie={request.headers.get('Cookie', '-')}", 200, headers=allow + [("X-Hidden", "1")])


@pytest.fixture(scope="module")
def server():
    srv = serve(api, port=None, name="chromium-bridge-test")
    yield srv
    srv.stop()


@pytest.fixture
def browser():
    b = ChromiumBrowser(PAGE)
    yield b
    b.close()


def test_a_get_allowed_by_acao_is_readable(server, browser):
    r = browser.fetch(server.url + "/open")
    assert (r.blocked, r.type, r.status, r.text) == (False, "cors", 200, "cookie=-")
    assert r.source == "chromium"
    assert "x-hidden" not in r.headers and r.headers["content-type"].startswith("text/plain")
    assert server.log[-1].origin == PAGE


def test_a_get_without_acao_is_blocked_with_chromiums_console_sentence(server, browser):
    r = browser.fetch(server.url + "/closed")
    assert r.blocked and r.type == "error" and r.status == 0 and r.text == ""
    assert r.exception == "TypeError: Failed to fetch"
    assert r.error == (f"Access to fetch at '{server.url}/closed' from origin '{PAGE}' has been blocked by CORS "
                       "policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert "Failed to load resource: net::ERR_FAILED" in r.console  # kept in .console, not taken as the error


def test_a_cookie_goes_out_only_with_credentials_include(server, browser):
    assert browser.set_cookie(server.url + "/", "sid=abc; SameSite=Lax") is True
    assert browser.fetch(server.url + "/a").text == "cookie=-"
    r = browser.fetch(server.url + "/b", credentials="include")
    assert r.text == "cookie=sid=abc"
    assert r.exchanges[-1].cookies_sent and server.log[-1].headers.get("Cookie") == "sid=abc"


def test_set_cookie_says_when_chromium_refuses_the_cookie(server, browser):
    assert browser.set_cookie(server.url + "/", "x=1; SameSite=None") is False  # None needs Secure


def test_a_preflight_is_seen_and_recorded_before_the_actual_request(server, browser):
    server.clear_log()
    r = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"})
    assert not r.blocked and r.preflight
    assert [(x.kind, x.method, x.status) for x in r.exchanges] == [("preflight", "OPTIONS", 204),
                                                                   ("actual", "PUT", 200)]
    assert r.exchanges[0].request_headers["access-control-request-headers"] == "x-custom"
    assert [e.method for e in server.log] == ["OPTIONS", "PUT"]
    again = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"})
    assert not again.preflight and [e.method for e in server.log] == ["OPTIONS", "PUT", "PUT"]


def test_a_request_refused_before_sending_reaches_no_server(server, browser):
    server.clear_log()
    r = browser.fetch(server.url + "/x", method="TRACE")
    assert r.blocked
    assert r.exception == "TypeError: Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported."
    assert r.error is None and r.exchanges == [] and server.log == []


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


def test_each_chromium_browser_has_its_own_cookies(server):
    with ChromiumBrowser(PAGE) as a, ChromiumBrowser(PAGE) as b:
        a.set_cookie(server.url + "/", "sid=a")
        assert a.fetch(server.url + "/x", credentials="include").text == "cookie=sid=a"
        assert b.fetch(server.url + "/x", credentials="include").text == "cookie=-"


def test_a_routed_page_behaves_like_a_page_really_served_at_the_origin(server):
    page_srv = serve(Request.application(lambda req: Response("<!doctype html><link rel=icon href='data:,'>",
                                                              content_type="text/html")), port=None)
    try:
        origin = page_srv.url
        calls = [dict(url=server.url + "/closed"), dict(url=server.url + "/open"),
                 dict(url=server.url + "/p", method="PUT", headers={"X-Custom": "1"}),
                 dict(url=server.url + "/p", method="DELETE"), dict(url=origin + "/same"),
                 dict(url=server.url + "/closed", mode="no-cors")]
        with ChromiumBrowser(origin) as routed, ChromiumBrowser(origin, page_url=origin + "/page",
                                                                route_page=False) as served:
            for call in calls:
                a, b = routed.fetch(**call).comparable(), served.fetch(**call).comparable()
                a["headers"].pop("date", None), b["headers"].pop("date", None)
                assert a == b, call
    finally:
        page_srv.stop()


def test_the_web_security_disabled_variant_reads_what_cors_would_block(server):
    with ChromiumBrowser(PAGE, disable_web_security=True) as lax:
        r = lax.fetch(server.url + "/closed")
        assert not r.blocked and r.text == "secret" and r.error is None


def test_an_invalid_page_origin_is_one_clear_value_error():
    with pytest.raises(InputError, match="'localhost:8001' is not an origin"):  # an InputError is a ValueError
        ChromiumBrowser("localhost:8001")


@pytest.mark.parametrize("origin", ["http://localhost:8001", "HTTP://LOCALHOST:8001/", "https://shop.localhost",
                                    "http://127.0.0.1:80", "http://[::1]:8002"])
def test_the_page_origin_is_read_by_the_engines_origin_parser(origin):
    real, model = ChromiumBrowser(origin), Browser(origin)
    assert real.origin == model.origin and real.page_url == model.page_url
    assert repr(real) == f"<ChromiumBrowser page {model.origin.serialize()}>"


@pytest.mark.parametrize("origin", ["localhost:8001", "http://localhost:8001/app", "ftp://localhost",
                                    "http://localhost:8001?x=1", "http://user@localhost:8001", 8001])
def test_an_origin_the_engine_refuses_is_refused_here_too(origin):
    with pytest.raises(InputError):
        Browser(origin)
    with pytest.raises(InputError, match="is not an origin like 'http://localhost:8001'"):
        ChromiumBrowser(origin)


@pytest.mark.parametrize("page_url", ["http://localhost:8002/", "http://localhost:8001.evil.net/", "not a url:"])
def test_a_page_url_on_another_origin_is_refused(page_url):
    with pytest.raises(InputError, match="is not on origin http://localhost:8001"):
        ChromiumBrowser(PAGE, page_url=page_url)


def test_a_page_url_is_kept_as_the_url_parser_writes_it():
    assert ChromiumBrowser(PAGE, page_url="HTTP://LOCALHOST:8001/app").page_url == "http://localhost:8001/app"


def test_exchanges_and_results_hold_headers_found_in_any_case(server, browser):
    r = browser.fetch(server.url + "/p", method="PUT", headers={"X-Custom": "1"}, credentials="include")
    actual = r.exchanges[-1]
    assert isinstance(actual.response_headers, Headers) and isinstance(r.headers, Headers)
    received = actual.response_headers
    assert received["Access-Control-Allow-Origin"] == received["access-control-allow-origin"] == PAGE
    assert actual.request_headers["ORIGIN"] == PAGE
    assert all(name == name.lower() for name in actual.response_headers)  # shown as the engine shows them
    assert r.comparable()["headers"] == dict(sorted((k.lower(), v) for k, v in r.headers.items()))


def test_a_missing_chromium_is_reported_in_one_line_with_how_to_install(monkeypatch):
    monkeypatch.setenv("CORS_LAB_CHROMIUM", "/nonexistent/chromium")
    assert not chromium_available()
    with pytest.raises(ChromiumNotFoundError, match="apt-get install chromium"):
        ChromiumBrowser(PAGE).fetch("http://localhost:1/")


def test_a_chromium_result_explains_where_its_reasons_are():
    from cors_lab.server.apps import api_app

    with serve(api_app()) as api:
        text = ChromiumBrowser(origin="http://localhost:8001").fetch(api.url + "/api/public").explain()
    assert "from page http://localhost:8001" in text and "cors_lab.Browser(origin=...)" in text
